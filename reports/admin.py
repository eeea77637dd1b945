"""Scheduled reports in the Django admin, for operators: see subscriptions and their deliveries, pause one."""

from django.contrib import admin

from reports.models import Subscription, SubscriptionDelivery

DELIVERY_FIELDS = (
    "created_at",
    "trigger",
    "status",
    "generation",
    "scheduled_for",
    "sent_at",
    "attempts",
    "next_attempt_at",
    "recipient",
    "size_bytes",
    "filename",
    "error",
)


class SubscriptionDeliveryInline(admin.TabularInline):
    model = SubscriptionDelivery
    extra = 0
    can_delete = False
    fields = DELIVERY_FIELDS
    readonly_fields = fields
    ordering = ("-created_at",)

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "created_by", "target", "format", "schedule", "next_run_at", "active")
    list_filter = ("active", "schedule", "target", "format", "workspace")
    search_fields = ("name", "page", "question", "created_by__username")
    readonly_fields = ("next_run_at", "created_at", "updated_at")
    inlines = [SubscriptionDeliveryInline]


@admin.register(SubscriptionDelivery)
class SubscriptionDeliveryAdmin(admin.ModelAdmin):
    list_display = ("subscription", "trigger", "status", "attempts", "recipient", "size_bytes", "created_at", "sent_at")
    list_filter = ("status", "trigger")
    search_fields = ("subscription__name", "recipient")
    readonly_fields = [field.name for field in SubscriptionDelivery._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
