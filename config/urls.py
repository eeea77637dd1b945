"""Folio's URL map: the admin, the health check and the dashboard placeholder."""

from django.contrib import admin
from django.urls import path

from analytics import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.health, name="health"),
    path("", views.home, name="home"),
]
