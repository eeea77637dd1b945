"""The subscriptions API's shapes: what a client sends and what it gets back."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.models import (
    PAGES,
    SUBSCRIBABLE_QUESTIONS,
    DeliveryMode,
    DeliveryStatus,
    ReportFormat,
    Schedule,
    SubscriptionDelivery,
    Target,
    Trigger,
)


class SubscriptionDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    trigger = serializers.ChoiceField(choices=Trigger.choices)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    generation = serializers.IntegerField(allow_null=True)
    scheduled_for = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True, help_text="When it is tried again, if it will be.")
    recipient = serializers.CharField(allow_blank=True)
    size_bytes = serializers.IntegerField(allow_null=True)
    filename = serializers.CharField(allow_blank=True)
    content_type = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True, help_text="Why the last attempt failed, if it did.")
    file_url = serializers.CharField(
        source="file_path", allow_null=True, help_text="The kept file's download URL (your login needed)."
    )


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    }
)
class ParamsField(serializers.JSONField):
    """Filters by name: a text, or a list of texts (the shape is checked with the values)."""


@extend_schema_field({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "09:00"})
class LocalTimeField(serializers.TimeField):
    """A local time as HH:MM (no seconds), read and written."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", input_formats=["%H:%M"], **kwargs)


class SubscriptionWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    target = serializers.ChoiceField(choices=Target.choices, help_text="A dashboard page, or a question's table.")
    page = serializers.ChoiceField(
        choices=list(PAGES), required=False, allow_blank=True, default="", help_text="The page, when target is page."
    )
    question = serializers.ChoiceField(
        choices=list(SUBSCRIBABLE_QUESTIONS),
        required=False,
        allow_blank=True,
        default="",
        help_text="The catalogue question, when target is question.",
    )
    params = ParamsField(
        required=False,
        default=dict,
        help_text="A page's filters as its URL holds them (start, end, region, …), or the question's API parameters.",
    )
    format = serializers.ChoiceField(
        choices=ReportFormat.choices, help_text="A page: pdf or png; a question: csv or xlsx."
    )
    delivery = serializers.ChoiceField(choices=DeliveryMode.choices, required=False, default=DeliveryMode.ATTACH)
    schedule = serializers.ChoiceField(choices=Schedule.choices)
    time = LocalTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The local time (HH:MM) in `timezone`; not needed after each load.",
    )
    timezone = serializers.CharField(max_length=64, required=False, default="UTC", help_text="An IANA time zone name.")
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, required=False, allow_null=True, default=None, help_text="Weekly: 0 = Monday."
    )
    day_of_month = serializers.IntegerField(
        min_value=1,
        max_value=31,
        required=False,
        allow_null=True,
        default=None,
        help_text="Monthly: 1-31; a shorter month sends on its last day.",
    )
    active = serializers.BooleanField(required=False, default=True)


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    target = serializers.ChoiceField(choices=Target.choices)
    page = serializers.CharField(allow_blank=True)
    question = serializers.CharField(allow_blank=True)
    params = ParamsField()
    format = serializers.ChoiceField(choices=ReportFormat.choices)
    delivery = serializers.ChoiceField(choices=DeliveryMode.choices)
    schedule = serializers.ChoiceField(choices=Schedule.choices)
    time = LocalTimeField(help_text="The local time in `timezone` (00:00 after each load).")
    timezone = serializers.CharField()
    weekday = serializers.IntegerField(allow_null=True)
    day_of_month = serializers.IntegerField(allow_null=True)
    active = serializers.BooleanField()
    next_run_at = serializers.DateTimeField(allow_null=True)
    last_delivery = serializers.SerializerMethodField()
    dashboard_url = serializers.CharField(help_text="The page (or the question's page) with the filters applied.")
    created_at = serializers.DateTimeField()

    @extend_schema_field(SubscriptionDeliverySerializer(allow_null=True))
    def get_last_delivery(self, subscription: Any) -> dict | None:
        """The newest delivery (prefetched as `latest` by the selector, else read)."""
        latest = getattr(subscription, "latest", None)
        if latest is not None:
            found: SubscriptionDelivery | None = latest[0] if latest else None
        else:
            found = subscription.deliveries.order_by("-created_at", "-id").first()
        return None if found is None else SubscriptionDeliverySerializer(found).data
