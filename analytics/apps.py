"""The analytics app."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Warehouse pipeline and the analytics API."""

    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        """Forget remembered API tokens whenever the ORM changes a token or a user."""
        from analytics.signals import signals_connect  # models are loaded only now

        signals_connect()
