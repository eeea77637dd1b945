"""An alert watches one value of one catalogue question in its owner's scope; its events
are the state changes (fired, resolved), reminders and errors, each notified by email."""

from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import Q

from analytics.questions.ask import OPTIONS
from analytics.questions.catalogue import CATALOGUE


class Condition(models.TextChoices):
    """When an alert holds (README "Alerts, reports and webhooks" gives the exact method of each)."""

    ABOVE = "above", "Above the threshold"
    BELOW = "below", "Below the threshold"
    CHANGE_ABOVE = "change_above", "Change against the previous period above the threshold (%)"
    CHANGE_BELOW = "change_below", "Change against the previous period below the threshold (%)"
    ANOMALY = "anomaly", "Outside mean ± k standard deviations of the trailing N buckets"
    SEASONAL = "seasonal", "Change against the same bucket a year before beyond ± the threshold (%)"


class AlertState(models.TextChoices):
    """Where an alert stands: its condition false, true, or not readable."""

    OK = "ok", "OK"
    FIRING = "firing", "Firing"
    ERROR = "error", "Error"


class WindowAnchor(models.TextChoices):
    """Where a relative window ends."""

    DATA = "data", "The last day with data"
    TODAY = "today", "Today"


# Where each question's answer is shown on the dashboard (frontend/src/App.tsx routes).
QUESTION_PAGES = {
    "summary": "/",
    "timeseries": "/",
    "top-books": "/books",
    "sales-by-region": "/regions",
    "sales-by-genre": "/genres",
    "statement": "/statement",
    "finance": "/finance",
}


# A time series alert watches its last bucket or its last complete one.
WATCHED_BUCKETS = ("last", "last_complete")
# Questions an alert may watch: every answer of the catalogue but the filter options.
WATCHABLE_QUESTIONS = tuple(name for name in CATALOGUE if name != OPTIONS)

# Windows the dashboard has a preset for (frontend/src/lib/presetRange.ts: counted back from
# the last day with data, as an alert's window is).
WINDOW_PRESETS = {"30d": "30d", "90d": "90d", "12m": "12m"}


class Alert(models.Model):
    """One watched value: question + parameters (+ relative window), the value in the answer,
    the condition and its threshold, the state it is in and the generation last evaluated."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    name = models.CharField(max_length=200)
    question = models.CharField(max_length=60, help_text="A catalogue question, e.g. `summary`.")
    params = models.JSONField(
        default=dict, blank=True, help_text="The question's query parameters, as the API takes them."
    )
    window = models.CharField(
        max_length=8,
        blank=True,
        help_text="The last N days/weeks/months (`7d`, `4w`, `3m`); empty: the params' own range.",
    )
    window_anchor = models.CharField(max_length=5, choices=WindowAnchor.choices, default=WindowAnchor.DATA)
    value = models.JSONField(
        default=dict,
        help_text="The watched value: a field, a table's row {column: value}, a series' bucket.",
    )
    condition = models.CharField(max_length=12, choices=Condition.choices)
    threshold = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    periods = models.PositiveSmallIntegerField(default=28, help_text="N: trailing buckets of the anomaly band.")
    deviations = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("3.00"), help_text="k: standard deviations of the band."
    )
    active = models.BooleanField(default=True)
    reminder_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Remind while firing; empty: never."
    )
    recipients = models.JSONField(
        default=list, blank=True, help_text="Extra emails, each of a member of the workspace."
    )
    state = models.CharField(max_length=6, choices=AlertState.choices, default=AlertState.OK)
    last_value = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_evaluated_generation = models.PositiveBigIntegerField(null=True, blank=True)
    last_evaluated_on = models.DateField(
        null=True, blank=True, help_text="For windows ending today: the day evaluated."
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["workspace", "active"], name="alert_workspace_active")]
        constraints = [
            models.CheckConstraint(condition=Q(condition__in=Condition.values), name="alert_condition_known"),
            models.CheckConstraint(condition=Q(state__in=AlertState.values), name="alert_state_known"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.condition})"

    @property
    def dashboard_url(self) -> str:
        """The dashboard page showing the question, with the alert's filters as the dashboard's
        URL query spells them (frontend/src/lib/urlFilters.ts): start/end (a custom range, or
        `preset=all` without them), granularity, region, genre, department, fund, exercice."""
        area = self.question.split("/")[0]
        page = QUESTION_PAGES.get(self.question) or QUESTION_PAGES.get(area, "/")
        query: list[tuple[str, str]] = []
        params = self.params or {}
        if self.window in WINDOW_PRESETS and self.window_anchor == WindowAnchor.DATA:
            query.append(("preset", WINDOW_PRESETS[self.window]))
        elif params.get("start") or params.get("end"):
            query.append(("preset", "custom"))
            query += [(name, str(params[name])) for name in ("start", "end") if params.get(name)]
        for name in ("granularity", "region", "genre", "department", "fund", "exercice", "search"):
            if params.get(name):
                query.append((name, str(params[name])))
        row = (self.value or {}).get("row") or {}
        for column, value in row.items():
            if column in {"region", "genre", "department", "fund", "exercice"} and not params.get(column):
                query.append((column, str(value)))
        return f"{settings.FOLIO_BASE_URL}{page}" + (f"?{urlencode(query)}" if query else "")


class EventKind(models.TextChoices):
    """What happened to an alert."""

    FIRED = "fired", "Fired"
    RESOLVED = "resolved", "Resolved"
    REMINDER = "reminder", "Reminder"
    ERROR = "error", "Error"


class Notified(models.TextChoices):
    """Where an event's email stands."""

    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (retrying)"
    GAVE_UP = "gave_up", "Failed for good"


class AlertEvent(models.Model):
    """A state change of an alert (or a reminder, or an error), with what was seen and whether the email went out."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=8, choices=EventKind.choices)
    value = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    threshold = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    band_low = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    band_high = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    generation = models.PositiveBigIntegerField()
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    notified = models.CharField(max_length=8, choices=Notified.choices, default=Notified.PENDING)
    notify_attempts = models.PositiveSmallIntegerField(default=0)
    notify_error = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["alert", "-created_at"], name="alertevent_alert_created")]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.kind} at generation {self.generation}"
