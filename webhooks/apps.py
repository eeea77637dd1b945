"""Webhooks: registered URLs, their deliveries, and the receivers that turn notices into deliveries."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Connects the receivers of analytics' notices (generation published, sync failed, …)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"

    def ready(self) -> None:
        """Connect the receivers once the app registry is ready."""
        from webhooks import receivers  # noqa: F401  imported for its signal connections
