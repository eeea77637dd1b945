"""Folio's URL map: the admin, the API, health and metrics, and the dashboard."""

from django.contrib import admin
from django.urls import include, path, re_path

from analytics import views
from analytics.ops import views as ops

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("analytics.api.urls")),
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
    # Everything else is a page of the dashboard, routed in the browser.
    re_path(r"^(?!api/|admin/|static/|(?:healthz|readyz|metrics)$).*$", views.dashboard, name="dashboard"),
]

handler404 = "analytics.views.not_found"
handler500 = "analytics.views.server_error"
