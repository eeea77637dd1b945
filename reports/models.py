"""A subscription sends its owner a dashboard page (PDF or PNG) or a question's table (CSV or
XLSX) daily, weekly, monthly or after each load; each delivery is one row, recorded with its
outcome and retried from the row (the beat requeues it), so nothing is sent twice."""

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from alerts.models import QUESTION_PAGES
from analytics.questions.ask import OPTIONS
from analytics.questions.catalogue import CATALOGUE


class Target(models.TextChoices):
    """What is sent: a page of the dashboard as its owner sees it, or a question's table."""

    PAGE = "page", "A dashboard page"
    QUESTION = "question", "A question's table"


# The dashboard pages a subscription may print (frontend/src/App.tsx routes).
PAGES = ("/", "/books", "/regions", "/genres", "/finance", "/statement")
# Questions whose answer is a table (a CSV or XLSX has rows), the filter options excepted.
SUBSCRIBABLE_QUESTIONS = tuple(name for name, question in CATALOGUE.items() if question.many and name != OPTIONS)


class ReportFormat(models.TextChoices):
    """The file: a page prints as PDF or PNG, a table exports as CSV or XLSX."""

    PDF = "pdf", "PDF"
    PNG = "png", "PNG"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


FORMATS_OF = {Target.PAGE: (ReportFormat.PDF, ReportFormat.PNG), Target.QUESTION: (ReportFormat.CSV, ReportFormat.XLSX)}


class DeliveryMode(models.TextChoices):
    """The file attached to the email, or a link to it (also when it is over the attachment cap)."""

    ATTACH = "attach", "Attached"
    LINK = "link", "Linked"


class Schedule(models.TextChoices):
    """When: at a local time every day, week or month, or after each load that changed the workspace."""

    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    AFTER_LOAD = "after_load", "After each load"


# The dashboard's URL filters in the order its links spell them (frontend/src/lib/urlFilters.ts).
FILTER_ORDER = ("preset", "start", "end", "granularity", "region", "genre", "department", "fund", "exercice", "search")


def filters_query(params: dict) -> str:
    """`?name=value&…` of the filters (a list: the name repeated), in the dashboard's order then
    by name, whatever order the database kept them in; empty without filters."""
    names = sorted(
        params, key=lambda name: (FILTER_ORDER.index(name) if name in FILTER_ORDER else len(FILTER_ORDER), name)
    )
    query = [
        (name, str(item))
        for name in names
        for item in (params[name] if isinstance(params[name], list) else [params[name]])
        if item not in ("", None)
    ]
    return f"?{urlencode(query)}" if query else ""


class Subscription(models.Model):
    """One report of its owner's, in one workspace: what, in which format, how and when."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    name = models.CharField(max_length=200)
    target = models.CharField(max_length=8, choices=Target.choices)
    page = models.CharField(max_length=20, blank=True, help_text="The page printed, when target is page.")
    question = models.CharField(max_length=60, blank=True, help_text="The question exported, when target is question.")
    params = models.JSONField(
        default=dict, blank=True, help_text="The page's filters as its URL holds them, or the question's parameters."
    )
    format = models.CharField(max_length=4, choices=ReportFormat.choices)
    delivery = models.CharField(max_length=6, choices=DeliveryMode.choices, default=DeliveryMode.ATTACH)
    schedule = models.CharField(max_length=10, choices=Schedule.choices)
    time = models.TimeField(help_text="Local time in `timezone`; unused after each load.")
    timezone = models.CharField(max_length=64, default="UTC")
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 = Monday; weekly only.")
    day_of_month = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1-31, monthly only; a shorter month delivers on its last day."
    )
    active = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(null=True, blank=True, help_text="Empty after each load, or paused.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["active", "next_run_at"], name="subscription_due"),
            models.Index(fields=["workspace", "created_by"], name="subscription_owner"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(target__in=Target.values), name="subscription_target_known"),
            models.CheckConstraint(condition=Q(format__in=ReportFormat.values), name="subscription_format_known"),
            models.CheckConstraint(condition=Q(schedule__in=Schedule.values), name="subscription_schedule_known"),
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(schedule=Schedule.WEEKLY, weekday__lte=6),
                name="subscription_weekday_weekly",
            ),
            models.CheckConstraint(
                condition=Q(day_of_month__isnull=True)
                | Q(schedule=Schedule.MONTHLY, day_of_month__gte=1, day_of_month__lte=31),
                name="subscription_day_monthly",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.schedule}, {self.format})"

    @property
    def dashboard_url(self) -> str:
        """The page (or the page showing the question) with the filters applied, as the
        dashboard's URL spells them (frontend/src/lib/urlFilters.ts)."""
        if self.target == Target.PAGE:
            page = self.page
        else:
            page = QUESTION_PAGES.get(self.question) or QUESTION_PAGES.get(self.question.split("/")[0], "/")
        params = self.params or {}
        if self.target == Target.QUESTION:  # the question's own parameters (limit, order) are no filter of the page
            params = {name: value for name, value in params.items() if name in FILTER_ORDER}
        return f"{settings.FOLIO_BASE_URL}{page}{filters_query(params)}"


class Trigger(models.TextChoices):
    """What made a delivery: the schedule, a published load, or the owner's "send now"."""

    SCHEDULE = "schedule", "Schedule"
    AFTER_LOAD = "after_load", "After a load"
    MANUAL = "manual", "Sent now"


class DeliveryStatus(models.TextChoices):
    """Where a delivery stands."""

    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Retrying"
    FAILED = "failed", "Failed"


class SubscriptionDelivery(models.Model):
    """One sending of a subscription: when it was due, to whom, the file and the outcome.
    `next_attempt_at` is when it may be tried (again); a worker claims it by moving it past the
    attempt's longest time, so two workers never send it twice and a lost one is tried again."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    generation = models.PositiveBigIntegerField(null=True, blank=True, help_text="The generation the report shows.")
    scheduled_for = models.DateTimeField(help_text="The run it is (the scheduled time, or when it was asked for).")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="Empty once sent or failed.")
    recipient = models.CharField(max_length=254, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    file = models.FileField(upload_to="reports/", max_length=300, blank=True, help_text="Kept REPORT_KEEP_DAYS days.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="report_delivery_due"),
            models.Index(fields=["subscription", "-created_at"], name="report_delivery_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "scheduled_for", "trigger"], name="report_delivery_once_per_run"
            ),
            models.UniqueConstraint(
                fields=["subscription", "generation"],
                condition=Q(trigger="after_load"),
                name="report_delivery_once_per_load",
            ),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="report_delivery_status_known"),
            models.CheckConstraint(condition=Q(trigger__in=Trigger.values), name="report_delivery_trigger_known"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.trigger} at {self.scheduled_for:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def file_path(self) -> str | None:
        """The API path that downloads the kept file (the owner's login needed), or None."""
        if not self.file:
            return None
        return reverse("subscription-delivery-file", args=[self.subscription_id, self.pk])
