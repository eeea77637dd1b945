"""The alerts API's shapes: what a client sends and what it gets back (money and thresholds as decimal strings)."""

from decimal import Decimal

from rest_framework import serializers

from alerts.models import WATCHED_BUCKETS, AlertState, Condition, EventKind, Notified, WindowAnchor
from alerts.services import WATCHABLE


class AlertValueSerializer(serializers.Serializer):
    field = serializers.CharField(
        max_length=60, help_text="The watched field of the answer, e.g. `revenue`, `budget_used`."
    )
    row = serializers.DictField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text='For a table: the row, by column values, e.g. {"region": "US"} or {"code": "12"}.',
    )
    bucket = serializers.ChoiceField(
        choices=list(WATCHED_BUCKETS),
        required=False,
        help_text="For a time series: the last bucket, or the last complete one (the default).",
    )


class AlertWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    question = serializers.ChoiceField(choices=list(WATCHABLE), help_text="The catalogue question watched.")
    params = serializers.DictField(
        child=serializers.CharField(max_length=2000, allow_blank=True),
        required=False,
        default=dict,
        help_text="The question's query parameters as /api/analytics/<question> takes them.",
    )
    window = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        default="",
        help_text="A relative range instead of start/end: the last N days, weeks or months (`7d`, `4w`, `3m`).",
    )
    window_anchor = serializers.ChoiceField(
        choices=WindowAnchor.choices,
        required=False,
        default=WindowAnchor.DATA,
        help_text="Where the window ends: the last day with data, or today.",
    )
    value = AlertValueSerializer()
    condition = serializers.ChoiceField(choices=Condition.choices)
    threshold = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        required=False,
        allow_null=True,
        default=None,
        help_text="In the watched value's unit (ratios in %), or in % for change and seasonal conditions.",
    )
    periods = serializers.IntegerField(min_value=2, max_value=366, required=False, default=28)
    deviations = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.1"),
        max_value=Decimal(100),
        required=False,
        default=Decimal("3.00"),
    )
    active = serializers.BooleanField(required=False, default=True)
    reminder_minutes = serializers.IntegerField(
        min_value=5, max_value=10080, required=False, allow_null=True, default=None
    )
    recipients = serializers.ListField(
        child=serializers.EmailField(),
        max_length=20,
        required=False,
        default=list,
        help_text="Emails besides the owner's, each of a member of the workspace.",
    )


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    question = serializers.CharField()
    params = serializers.DictField(child=serializers.CharField())
    window = serializers.CharField(allow_blank=True)
    window_anchor = serializers.ChoiceField(choices=WindowAnchor.choices)
    value = AlertValueSerializer()
    condition = serializers.ChoiceField(choices=Condition.choices)
    threshold = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    periods = serializers.IntegerField()
    deviations = serializers.DecimalField(max_digits=6, decimal_places=2)
    active = serializers.BooleanField()
    reminder_minutes = serializers.IntegerField(allow_null=True)
    recipients = serializers.ListField(child=serializers.EmailField())
    state = serializers.ChoiceField(choices=AlertState.choices)
    last_value = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    last_error = serializers.CharField(allow_blank=True)
    last_evaluated_generation = serializers.IntegerField(allow_null=True)
    evaluated_at = serializers.DateTimeField(allow_null=True)
    state_changed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    dashboard_url = serializers.CharField(help_text="The dashboard page with the alert's filters applied.")


class AlertEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    value = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    threshold = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    band_low = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    band_high = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    generation = serializers.IntegerField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    notified = serializers.ChoiceField(choices=Notified.choices)
    notify_error = serializers.CharField(allow_blank=True)


class AlertTriedSerializer(serializers.Serializer):
    generation = serializers.IntegerField()
    value = serializers.DecimalField(
        max_digits=24,
        decimal_places=4,
        allow_null=True,
        help_text="The compared value (a change in % for change conditions).",
    )
    observed = serializers.DecimalField(
        max_digits=24, decimal_places=4, allow_null=True, help_text="The watched value itself."
    )
    holds = serializers.BooleanField(allow_null=True, help_text="Whether the condition holds now (null: undecided).")
    band_low = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    band_high = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    detail = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True, help_text="Why the value could not be read, if it could not.")
    email = serializers.CharField(help_text="`sent`, or why the test email was not.")
