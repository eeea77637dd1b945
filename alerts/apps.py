"""Alerts: watch one value of a question and say when it crosses a line."""

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Connects the evaluation to the generation-published notice."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "alerts"

    def ready(self) -> None:
        """Connect the receivers once the app registry is ready."""
        from alerts import receivers  # noqa: F401  imported for its connections
