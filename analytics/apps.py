"""The analytics app."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Warehouse pipeline and the analytics API."""

    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        """Forget remembered API tokens whenever the ORM changes a token or a user; ask for a
        warehouse sync whenever it saves or deletes a row the warehouse copies."""
        from analytics.signals import signals_connect  # models are loaded only now
        from analytics.sync_requests import sync_requests_connect

        signals_connect()
        sync_requests_connect()
