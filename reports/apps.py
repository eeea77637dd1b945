"""Scheduled reports: a dashboard page or a question's table emailed on a schedule or after each load."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Connects the after-load deliveries to the generation-published notice."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self) -> None:
        """Connect the receivers once the app registry is ready."""
        from reports import receivers  # noqa: F401  imported for its connections
