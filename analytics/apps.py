"""The analytics app."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Warehouse pipeline and the analytics API."""

    name = "analytics"
    verbose_name = "Analytics"
