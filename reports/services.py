"""Writes of the reports app: create and change subscriptions (validated against the pages,
the catalogue and the owner's scope), make their deliveries (on the beat, after a load, on
"send now"), and send each delivery once.

A due subscription is claimed by a conditional UPDATE of its next_run_at (two beats make one
delivery); a delivery is claimed by a conditional UPDATE of its next_attempt_at (two workers
send it once). Unique constraints back both: one delivery per (subscription, run, trigger)
and per (subscription, generation) after a load."""

import logging
from datetime import datetime, timedelta
from smtplib import SMTPException
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from alerts.services import generation_workspaces
from analytics import runner
from analytics.permissions import EXPORT
from analytics.questions.ask import error_messages, filter_options, query_dict
from analytics.questions.catalogue import UnknownQuestion, question_get
from analytics.warehouse.base import WarehouseUnavailable
from reports.models import (
    FORMATS_OF,
    PAGES,
    SUBSCRIBABLE_QUESTIONS,
    DeliveryMode,
    DeliveryStatus,
    Schedule,
    Subscription,
    SubscriptionDelivery,
    Target,
    Trigger,
)
from reports.rendering import Rendered, RenderFailed, page_render, table_render
from reports.schedule import next_run
from workspaces.models import Membership
from workspaces.scope import Scope
from workspaces.selectors import membership_of, membership_scope

logger = logging.getLogger(__name__)

# The question whose parameters a page's filters are checked with (the page's widest one).
PAGE_QUESTIONS = {
    "/": "timeseries",
    "/books": "top-books",
    "/regions": "sales-by-region",
    "/genres": "sales-by-genre",
    "/finance": "finance/revenue-expenses",
    "/statement": "statement/profit",
}
# The filters a page's URL holds (frontend/src/lib/urlFilters.ts) besides its preset.
PAGE_FILTERS = ("start", "end", "granularity", "region", "genre", "department", "fund", "exercice", "search")
PRESETS = ("30d", "90d", "ytd", "12m", "all", "custom")
OWNER_GONE = "The owner is no longer a member of this workspace: the subscription is paused."
NO_EMAIL = "The owner has no email address."
PAUSED = "The subscription was paused before it was sent."
# A pending delivery whose first attempt has not started this long after it was due lost its message.
STUCK = timedelta(minutes=10)
TRANSIENT = (RenderFailed, runner.NoGeneration, runner.QueryFailed, WarehouseUnavailable, SMTPException, OSError)


# --- creating and changing ---------------------------------------------------------------


def _params_clean(params: object) -> tuple[dict[str, str | list[str]], list[str]]:
    """The params as texts or lists of texts, and what is wrong with their shape."""
    if not isinstance(params, dict):
        return {}, ["Give an object of filters."]
    clean: dict[str, str | list[str]] = {}
    wrong = []
    for name, value in params.items():
        texts = [name, *(value if isinstance(value, list) else [value])]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            shown = str(name).replace("\x00", "")
            wrong.append(f"{shown}: Null characters are not allowed.")
        elif isinstance(value, str):
            clean[str(name)] = value
        elif isinstance(value, list) and value and all(isinstance(item, str) for item in value):
            clean[str(name)] = list(value)
        else:
            wrong.append(f"{name}: Give a text or a non-empty list of texts.")
    return clean, wrong


def _params_check(target: str, page: str, question: str, params: dict, scope: Scope) -> list[str]:
    """What is wrong with the params: a page's filters checked by the page's question's own
    parameter serializer, a question's parameters by its own; in the owner's scope."""
    checked = dict(params)
    messages = []
    if target == Target.PAGE:
        preset = checked.pop("preset", None)
        if preset is not None and preset not in PRESETS:
            messages.append(f"preset: Choose one of {', '.join(PRESETS)}.")
        for name in [name for name in checked if name not in PAGE_FILTERS]:
            messages.append(f"{name}: Not a filter of the dashboard.")
            checked.pop(name)
        name = PAGE_QUESTIONS[page]
    else:
        name = question
    found = question_get(name)
    serializer = found.parameters(data=query_dict(checked), context={"options": filter_options(scope)})
    if not serializer.is_valid():
        messages += error_messages(serializer.errors)
    return messages


def subscription_validate(fields: dict, *, membership: Membership) -> dict:
    """The fields of a subscription, checked together: the page or question of its target, the
    format the target allows (a table is an export: the analyst role, as the API asks), the
    params in the owner's scope, the time zone, and the day a weekly or monthly report is
    sent. Raises ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    scope = membership_scope(membership)
    target = fields["target"]
    page = fields.get("page") or ""
    question = fields.get("question") or ""
    if target == Target.PAGE:
        if page not in PAGES:
            errors["page"] = [f"Choose the page to send: one of {', '.join(PAGES)}."]
        if question:
            errors["question"] = ["A page's report has no question; leave it empty."]
    else:
        if question not in SUBSCRIBABLE_QUESTIONS:
            errors["question"] = [f"Choose the table to send: one of {', '.join(SUBSCRIBABLE_QUESTIONS)}."]
        if page:
            errors["page"] = ["A question's report has no page; leave it empty."]
    allowed = FORMATS_OF[Target(target)]
    if fields["format"] not in allowed:
        errors["format"] = [f"A {target} is sent as {' or '.join(allowed)}."]
    elif target == Target.QUESTION and not EXPORT.allowed(membership):
        errors["format"] = [EXPORT.refusal(membership) + " A page may be sent as PDF or PNG."]
    params, wrong = _params_clean(fields.get("params") or {})
    if wrong:
        errors["params"] = wrong
    elif not {"page", "question"} & set(errors):
        messages = _params_check(target, page, question, params, scope)
        if messages:
            errors["params"] = messages
    zone = fields.get("timezone") or "UTC"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = [f"Unknown time zone: {zone}. Give an IANA name such as Europe/Paris."]
    schedule = fields["schedule"]
    if schedule == Schedule.WEEKLY and fields.get("weekday") is None:
        errors["weekday"] = ["A weekly report needs its weekday (0 = Monday … 6 = Sunday)."]
    if schedule != Schedule.WEEKLY and fields.get("weekday") is not None:
        errors["weekday"] = ["Only a weekly report has a weekday."]
    if schedule == Schedule.MONTHLY and fields.get("day_of_month") is None:
        errors["day_of_month"] = ["A monthly report needs its day of the month (1-31)."]
    if schedule != Schedule.MONTHLY and fields.get("day_of_month") is not None:
        errors["day_of_month"] = ["Only a monthly report has a day of the month."]
    if schedule != Schedule.AFTER_LOAD and fields.get("time") is None:
        errors["time"] = ["Give the local time (HH:MM) the report is sent at."]
    if errors:
        raise ValidationError(errors)
    return {**fields, "page": page, "question": question, "params": params, "timezone": zone}


def next_run_of(subscription: Subscription, *, after: datetime) -> datetime | None:
    """When the subscription is next due after `after`; None after each load, or paused."""
    if not subscription.active or subscription.schedule == Schedule.AFTER_LOAD:
        return None
    return next_run(
        after=after,
        schedule=subscription.schedule,
        at=subscription.time,
        zone=subscription.timezone,
        weekday=subscription.weekday,
        day_of_month=subscription.day_of_month,
    )


EDITABLE = (
    "name",
    "target",
    "page",
    "question",
    "params",
    "format",
    "delivery",
    "schedule",
    "time",
    "timezone",
    "weekday",
    "day_of_month",
    "active",
)
MIDNIGHT = datetime.min.time()


@transaction.atomic
def subscription_create(*, membership: Membership, fields: dict) -> Subscription:
    """A new subscription of the member, in their workspace, to what they may read."""
    checked = subscription_validate(fields, membership=membership)
    subscription = Subscription(
        workspace_id=membership.workspace_id,
        created_by_id=membership.user_id,
        **{name: checked[name] for name in EDITABLE if name in checked},
    )
    subscription.time = subscription.time or MIDNIGHT
    subscription.next_run_at = next_run_of(subscription, after=timezone.now())
    subscription.save()
    return subscription


@transaction.atomic
def subscription_change(*, subscription: Subscription, membership: Membership, fields: dict) -> Subscription:
    """Change the fields given and schedule the next run afresh from now; pausing, resuming or
    renaming checks nothing else (a subscription whose filters no longer hold can be paused)."""
    if not set(fields) <= {"name", "active"}:
        merged = {name: fields.get(name, getattr(subscription, name)) for name in EDITABLE}
        fields = subscription_validate(merged, membership=membership)
    for name in EDITABLE:
        if name in fields:
            setattr(subscription, name, fields[name])
    subscription.time = subscription.time or MIDNIGHT
    subscription.next_run_at = next_run_of(subscription, after=timezone.now())
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(subscription: Subscription) -> None:
    """Delete the subscription and its deliveries, and their kept files once that is committed."""
    kept = [name for name in subscription.deliveries.exclude(file="").values_list("file", flat=True) if name]
    storage = SubscriptionDelivery._meta.get_field("file").storage
    subscription.delete()

    def files_delete() -> None:
        for name in kept:
            storage.delete(name)

    transaction.on_commit(files_delete, robust=True)


# --- making deliveries ---------------------------------------------------------------------


def subscriptions_due_run(*, now: datetime | None = None) -> list[int]:
    """A delivery for each active scheduled subscription that is due: claimed by moving its
    next_run_at on only if no other beat did (a missed run is sent once, then the schedule
    goes on from now). Returns the deliveries made (committed), for the caller to queue."""
    now = now or timezone.now()
    made: list[int] = []
    due = Subscription.objects.filter(active=True, next_run_at__lte=now).exclude(schedule=Schedule.AFTER_LOAD)
    for subscription in due:
        run = subscription.next_run_at
        assert run is not None  # filtered on
        following = next_run_of(subscription, after=now)
        with transaction.atomic():
            if not Subscription.objects.filter(pk=subscription.pk, active=True, next_run_at=run).update(
                next_run_at=following
            ):
                continue
            delivery, created = SubscriptionDelivery.objects.get_or_create(
                subscription=subscription,
                scheduled_for=run,
                trigger=Trigger.SCHEDULE,
                defaults={"next_attempt_at": now},
            )
            if created:
                made.append(delivery.pk)
    return made


def after_load_deliveries_create(number: int) -> list[int]:
    """A delivery of generation `number` for each active after-load subscription of a
    workspace it changed (all of them after a full refresh), once per generation. Returns
    the deliveries made, for the caller to queue once committed."""
    subscriptions = Subscription.objects.filter(active=True, schedule=Schedule.AFTER_LOAD)
    changed = generation_workspaces(number)
    if changed is not None:
        subscriptions = subscriptions.filter(workspace_id__in=changed)
    now = timezone.now()
    made: list[int] = []
    for subscription in subscriptions:
        with transaction.atomic():
            delivery, created = SubscriptionDelivery.objects.get_or_create(
                subscription=subscription,
                trigger=Trigger.AFTER_LOAD,
                generation=number,
                defaults={"scheduled_for": now, "next_attempt_at": now},
            )
            if created:
                made.append(delivery.pk)
    return made


@transaction.atomic
def delivery_send_now(subscription: Subscription) -> SubscriptionDelivery:
    """A delivery made on the owner's asking ("send now"); the caller queues it."""
    now = timezone.now()
    return SubscriptionDelivery.objects.create(
        subscription=subscription, trigger=Trigger.MANUAL, scheduled_for=now, next_attempt_at=now
    )


def deliveries_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Deliveries to queue again: retries whose time has come, and pending ones stuck (their
    message lost, or their worker gone past its lease) for STUCK."""
    now = now or timezone.now()
    return list(
        SubscriptionDelivery.objects.filter(
            Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=now)
            | Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now - STUCK)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def files_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Delete the files of deliveries older than REPORT_KEEP_DAYS (their links then 404)."""
    now = now or timezone.now()
    old = SubscriptionDelivery.objects.filter(created_at__lt=now - timedelta(days=settings.REPORT_KEEP_DAYS)).exclude(
        file=""
    )
    swept = 0
    for delivery in old[:limit]:
        delivery.file.delete(save=False)
        SubscriptionDelivery.objects.filter(pk=delivery.pk).update(file="")
        swept += 1
    return swept


# --- sending -------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """The back-off after the `attempts`-th failed try: 1 min × 2^(attempts − 1), at most an hour."""
    base = settings.REPORT_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** (attempts - 1), settings.REPORT_RETRY_MAX_SECONDS))


def _lease() -> timedelta:
    """How long one attempt may take at most: two renders' time-outs, the SMTP time-out, a margin."""
    return timedelta(seconds=2 * settings.REPORT_RENDER_TIMEOUT + settings.EMAIL_TIMEOUT + 60)


def report_render(subscription: Subscription, membership: Membership) -> Rendered:
    """The subscription's file in its owner's scope of the moment."""
    if subscription.target == Target.QUESTION:
        return table_render(
            question=subscription.question,
            params=subscription.params,
            scope=membership_scope(membership),
            fmt=subscription.format,
        )
    messages = _params_check(Target.PAGE, subscription.page, "", subscription.params, membership_scope(membership))
    if messages:  # checked again: a region or a department may be gone, or out of the owner's limits now
        raise ValidationError({"params": messages})
    served = runner.served_generation()
    if served is None or served.number is None:
        raise runner.NoGeneration("The warehouse has no published generation yet; the first sync publishes one.")
    rendered = page_render(
        user=subscription.created_by,
        workspace_id=subscription.workspace_id,
        page=subscription.page,
        params=subscription.params,
        fmt=subscription.format,
        name=subscription.name,
    )
    return Rendered(rendered.content, rendered.filename, rendered.content_type, int(served.number))


def delivery_email(delivery: SubscriptionDelivery, *, attach: bytes | None) -> EmailMessage:
    """The email of a delivery: the subscription's name and generation in the subject; the
    dashboard link with the filters, and the file attached or its download link."""
    subscription = delivery.subscription
    size = f"{(delivery.size_bytes or 0) / 1024:,.1f} KB"
    lines = [
        f"Your report “{subscription.name}” of generation {delivery.generation}.",
        "",
        f"Dashboard: {subscription.dashboard_url}",
    ]
    if attach is None:
        lines += [
            f"Download ({delivery.filename}, {size}; sign in as you, kept {settings.REPORT_KEEP_DAYS} days):",
            f"{settings.FOLIO_BASE_URL}{delivery.file_path}",
        ]
    else:
        lines.append(f"Attached: {delivery.filename} ({size}).")
    lines += ["", "Change or stop this report on the dashboard's Reports page.", ""]
    message = EmailMessage(
        subject=f"[Folio] {subscription.name}: generation {delivery.generation}",
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.recipient],
    )
    if attach is not None:
        message.attach(delivery.filename, attach, delivery.content_type)
    return message


def _finish(delivery: SubscriptionDelivery, *, status: str, error: str = "", **changes: Any) -> SubscriptionDelivery:
    changes.update(status=status, error=error[:2000])
    if status in {DeliveryStatus.SENT, DeliveryStatus.FAILED}:
        changes["next_attempt_at"] = None
    SubscriptionDelivery.objects.filter(pk=delivery.pk).update(**changes)
    for name, value in changes.items():
        setattr(delivery, name, value)
    return delivery


def _failed_attempt(delivery: SubscriptionDelivery, failure: Exception) -> SubscriptionDelivery:
    """A failure that may pass: retrying after the back-off, or failed after the last attempt."""
    error = f"{type(failure).__name__}: {failure}" if not isinstance(failure, RenderFailed) else str(failure)
    logger.warning("report delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
    if delivery.attempts >= settings.REPORT_MAX_ATTEMPTS:
        return _finish(delivery, status=DeliveryStatus.FAILED, error=error)
    due = timezone.now() + retry_delay(delivery.attempts)
    return _finish(delivery, status=DeliveryStatus.RETRYING, error=error, next_attempt_at=due)


def _file_kept(delivery: SubscriptionDelivery) -> bytes | None:
    """The file an earlier attempt rendered and kept, if it still is."""
    if not delivery.file.name or not delivery.file.storage.exists(delivery.file.name):
        return None
    with delivery.file.open("rb") as kept:
        return kept.read()


def delivery_attempt(*, delivery_id: int) -> SubscriptionDelivery | None:
    """Try a due delivery once: render the file in the owner's scope (or reuse the one an
    earlier attempt kept), keep it, and email it; record the outcome. None when it is not due
    (sent, failed, not yet time, or another worker holds it)."""
    now = timezone.now()
    claimed = SubscriptionDelivery.objects.filter(
        pk=delivery_id,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + _lease(), attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery = SubscriptionDelivery.objects.select_related("subscription__created_by").get(pk=delivery_id)
    subscription = delivery.subscription
    owner: User = subscription.created_by
    membership = membership_of(owner, subscription.workspace_id) if owner.is_active else None
    if membership is None:
        Subscription.objects.filter(pk=subscription.pk).update(active=False, next_run_at=None)
        return _finish(delivery, status=DeliveryStatus.FAILED, error=OWNER_GONE)
    if not subscription.active and delivery.trigger != Trigger.MANUAL:
        return _finish(delivery, status=DeliveryStatus.FAILED, error=PAUSED)
    if not owner.email:
        return _finish(delivery, status=DeliveryStatus.FAILED, error=NO_EMAIL)
    if subscription.target == Target.QUESTION and not EXPORT.allowed(membership):
        return _finish(delivery, status=DeliveryStatus.FAILED, error=EXPORT.refusal(membership))
    delivery.recipient = owner.email
    content = _file_kept(delivery)
    if content is None:
        try:
            rendered = report_render(subscription, membership)
        except ValidationError as invalid:
            message = "The filters no longer hold: " + "; ".join(error_messages(invalid.detail))
            return _finish(delivery, status=DeliveryStatus.FAILED, error=message, recipient=owner.email)
        except UnknownQuestion as unknown:
            message = f"The question no longer exists: {unknown.args[0]}"
            return _finish(delivery, status=DeliveryStatus.FAILED, error=message, recipient=owner.email)
        except TRANSIENT as failure:
            delivery = _finish(delivery, status=delivery.status, recipient=owner.email)
            return _failed_attempt(delivery, failure)
        except Exception as failure:  # a fault of Folio's: recorded and retried like any, not requeued forever
            logger.exception("report delivery %s could not be rendered", delivery.pk)
            delivery = _finish(delivery, status=delivery.status, recipient=owner.email)
            return _failed_attempt(delivery, failure)
        content = rendered.content
        delivery.file.save(
            f"{subscription.workspace_id}/{delivery.pk}/{rendered.filename}", ContentFile(content), save=False
        )
        _finish(
            delivery,
            status=delivery.status,
            recipient=owner.email,
            file=delivery.file.name,
            filename=rendered.filename,
            content_type=rendered.content_type,
            size_bytes=len(content),
            generation=delivery.generation or rendered.generation,
        )
    linked = subscription.delivery == DeliveryMode.LINK or len(content) > settings.REPORT_ATTACH_MAX_BYTES
    try:
        delivery_email(delivery, attach=None if linked else content).send()
    except (SMTPException, OSError) as failure:
        return _failed_attempt(delivery, failure)
    return _finish(delivery, status=DeliveryStatus.SENT, sent_at=timezone.now())
