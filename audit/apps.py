"""The audit trail: who changed which record, when, through what, and the security events."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Registers the audited models with django-auditlog and listens to sign-in signals."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"

    def ready(self) -> None:
        """Register the models and connect the receivers once the app registry is ready."""
        from audit import receivers, registry  # noqa: F401  imported for their registrations

        registry.audited_models_register()
