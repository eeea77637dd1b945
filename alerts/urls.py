"""URLs of the alerts API, included under /api/."""

from django.urls import path

from alerts import views
from analytics.api.routes import both_spellings

urlpatterns = both_spellings(
    [
        path("alerts/", views.AlertListView.as_view(), name="alert-list"),
        path("alerts/<int:alert_id>/", views.AlertDetailView.as_view(), name="alert-detail"),
        path("alerts/<int:alert_id>/events/", views.AlertEventListView.as_view(), name="alert-events"),
        path("alerts/<int:alert_id>/test/", views.AlertTestView.as_view(), name="alert-test"),
    ]
)
