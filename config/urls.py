"""Folio's URL map: the admin, the API, the health check and the dashboard."""

from django.contrib import admin
from django.urls import include, path, re_path

from analytics import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("analytics.api.urls")),
    path("healthz", views.health, name="health"),
    # Everything else is a page of the dashboard, routed in the browser.
    re_path(r"^(?!api/|admin/|static/|healthz$).*$", views.dashboard, name="dashboard"),
]

handler404 = "analytics.views.not_found"
handler500 = "analytics.views.server_error"
