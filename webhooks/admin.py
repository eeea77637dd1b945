"""The operators' view of webhooks (the secret never shown) and their delivery log (read-only)."""

from django.contrib import admin
from django.http import HttpRequest

from webhooks.models import Webhook, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Webhooks of every workspace; operators may pause one (active) or delete it."""

    list_display = ("id", "workspace", "url", "active", "created_by", "created_at")
    list_filter = ("active", "workspace")
    search_fields = ("url",)
    fields = ("workspace", "created_by", "url", "events", "active", "created_at")
    readonly_fields = ("workspace", "created_by", "url", "events", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Webhooks are created through the API, which shows their secret once."""
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Every delivery and its attempts, read-only: the log is what happened."""

    list_display = ("id", "event", "webhook", "status", "attempts", "response_code", "created_at", "finished_at")
    list_filter = ("status", "event")
    search_fields = ("delivery_id",)
    list_select_related = ("webhook",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Deliveries come from events only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        """Read-only: viewing is allowed, saving is not."""
        return False
