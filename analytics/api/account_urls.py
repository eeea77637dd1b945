"""URLs for session login, the sign-in options and personal API tokens, included under /api/."""

from django.urls import path

from analytics.api import account_views
from analytics.api.routes import both_spellings

urlpatterns = [
    path("auth/csrf/", account_views.CsrfView.as_view(), name="auth-csrf"),
    path("auth/providers/", account_views.SignInOptionsView.as_view(), name="auth-providers"),
    path("auth/login/", account_views.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", account_views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me/", account_views.MeView.as_view(), name="auth-me"),
    path("tokens/", account_views.ApiTokenListView.as_view(), name="token-list"),
    path("tokens/<int:token_id>/", account_views.ApiTokenDetailView.as_view(), name="token-detail"),
]
urlpatterns = both_spellings(urlpatterns)
