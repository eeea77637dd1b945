"""Alerts in the Django admin, for operators: see states and events, pause an alert."""

from django.contrib import admin

from alerts.models import Alert, AlertEvent


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "value", "threshold", "generation", "notified", "notify_error", "message")
    readonly_fields = fields
    ordering = ("-created_at",)

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "created_by", "question", "condition", "threshold", "state", "active")
    list_filter = ("state", "active", "condition", "workspace")
    search_fields = ("name", "question", "created_by__username")
    readonly_fields = (
        "state",
        "last_value",
        "last_error",
        "last_evaluated_generation",
        "last_evaluated_on",
        "evaluated_at",
        "state_changed_at",
        "reminded_at",
        "created_at",
        "updated_at",
    )
    inlines = [AlertEventInline]


@admin.register(AlertEvent)
class AlertEventAdmin(admin.ModelAdmin):
    list_display = ("alert", "kind", "value", "threshold", "generation", "notified", "created_at")
    list_filter = ("kind", "notified")
    readonly_fields = [field.name for field in AlertEvent._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
