"""Folio's URL map: the admin, the API, single sign-on, health and metrics, and the dashboard."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from analytics import views
from analytics.ops import views as ops

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("analytics.api.urls")),
    # allauth's own sign-in page (where its error pages link to) is the dashboard's, which
    # shows the providers and, when switched on, the password form.
    path("accounts/login/", RedirectView.as_view(url="/login", query_string=True), name="sign-in-page"),
    # Single sign-on: /accounts/oidc/<id>/login/[callback/] and /accounts/google/login/[callback/].
    path("accounts/", include("allauth.urls")),
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
    # Everything else is a page of the dashboard, routed in the browser.
    re_path(r"^(?!api/|admin/|accounts/|static/|(?:healthz|readyz|metrics)$).*$", views.dashboard, name="dashboard"),
]

handler404 = "analytics.views.not_found"
handler500 = "analytics.views.server_error"
