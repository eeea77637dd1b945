"""Deliveries made from what happened: one per event per subscribed active webhook, each body
built once per workspace and stored as sent, and a first attempt queued after the commit.
Nothing here touches the network: the sender's process (a sync, an import) only writes rows."""

import json
import uuid
from collections.abc import Callable, Collection
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from analytics.models import Generation, Job
from analytics.runner import generation_as_of
from webhooks import events as ev
from webhooks.models import Webhook, WebhookDelivery
from webhooks.selectors import workspace_rows
from webhooks.services import body_with_id
from webhooks.tasks import webhook_deliver

Fields = dict[str, Any]


class WebhookPaused(ValueError):
    """A paused webhook receives nothing, test deliveries included."""


def _json_value(value: object) -> str:
    """Decimals (money, measured values) as exact strings; dates and the rest as ISO/text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def body_render(*, event: str, delivery_id: uuid.UUID, occurred_at: datetime, workspace: str, fields: Fields) -> str:
    """The JSON body as sent: the envelope, then the event's own fields, compact."""
    envelope = {"event": event, "id": str(delivery_id), "occurred_at": occurred_at.isoformat(), "workspace": workspace}
    return json.dumps({**envelope, **fields}, separators=(",", ":"), default=_json_value)


def _first_attempts_queue(deliveries: list[WebhookDelivery]) -> None:
    """Queue each delivery's first attempt once the rows are committed; a broker that fails
    here loses nothing (robust: logged), since the beat's sweep finds them due."""
    ids = [delivery.pk for delivery in deliveries]

    def queue() -> None:
        for delivery_id in ids:
            webhook_deliver.delay(delivery_id)

    if ids:
        transaction.on_commit(queue, robust=True)


def _delivery_add(webhook: Webhook, *, event: str, occurred_at: datetime, fields: Fields) -> WebhookDelivery:
    delivery_id = uuid.uuid4()
    body = body_render(
        event=event, delivery_id=delivery_id, occurred_at=occurred_at, workspace=webhook.workspace.slug, fields=fields
    )
    return WebhookDelivery.objects.create(
        webhook=webhook, event=event, delivery_id=delivery_id, body=body, next_attempt_at=timezone.now()
    )


@transaction.atomic
def deliveries_create(
    *,
    event: str,
    workspace_ids: Collection[int] | None,
    occurred_at: datetime,
    fields: Callable[[int], Fields | None],
) -> list[WebhookDelivery]:
    """A delivery of the event to each active webhook subscribed to it in the workspaces
    (None: every workspace); `fields(workspace_id)` builds a workspace's fields once (None:
    nothing to send there). A workspace without such a webhook costs one query and nothing else."""
    hooks = Webhook.objects.filter(active=True).select_related("workspace").order_by("pk")
    if workspace_ids is not None:
        hooks = hooks.filter(workspace_id__in=list(workspace_ids))
    built: dict[int, Fields | None] = {}
    created = []
    for hook in hooks:
        if event not in hook.events:
            continue
        if hook.workspace_id not in built:
            built[hook.workspace_id] = fields(hook.workspace_id)
        own = built[hook.workspace_id]
        if own is not None:
            created.append(_delivery_add(hook, event=event, occurred_at=occurred_at, fields=own))
    _first_attempts_queue(created)
    return created


def generation_deliveries_create(generation: Generation) -> list[WebhookDelivery]:
    """generation.published to the workspaces the generation changed, each with its own rows."""

    def fields(workspace_id: int) -> Fields:
        as_of = generation_as_of(generation)
        changed = generation.changes.get(str(workspace_id), {})
        return {
            "generation": generation.number,
            "as_of": as_of.isoformat() if as_of is not None else None,
            "changed": {domain: dict(span) for domain, span in sorted(changed.items())},
            "rows": workspace_rows(generation, workspace_id),
        }

    changed = [int(key) for key, domains in generation.changes.items() if domains]
    return deliveries_create(
        event=ev.GENERATION_PUBLISHED,
        workspace_ids=changed,
        occurred_at=generation.finished_at or timezone.now(),
        fields=fields,
    )


def decimal_text(value: Decimal) -> str:
    """A stored threshold (4 decimal places, for percentages like 12.3456) as a client reads it
    beside the value: at least two decimals, no trailing zeros past them (50000.0000 →
    "50000.00", 12.5000 → "12.50", 12.3456 stays)."""
    exact = value.normalize()
    exponent = exact.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        exact = exact.quantize(Decimal("0.01"))
    return format(exact, "f")


def alert_deliveries_create(*, event_name: str, alert: Any, event: Any) -> list[WebhookDelivery]:
    """alert.fired or alert.resolved to the alert's workspace (the alerts app's objects, read
    by the attributes the shared contract names)."""
    threshold = alert.threshold
    fields: Fields = {
        "generation": event.generation,
        "alert": {
            "id": alert.pk,
            "name": alert.name,
            "question": alert.question,
            "params": alert.params,
            "condition": alert.condition,
            "threshold": None if threshold is None else decimal_text(threshold),
            "url": alert.dashboard_url,
        },
        "value": None if event.value is None else str(event.value),
        "message": event.message,
    }
    return deliveries_create(
        event=event_name,
        workspace_ids=[alert.workspace_id],
        occurred_at=event.created_at or timezone.now(),
        fields=lambda _: fields,
    )


def import_deliveries_create(job: Job) -> list[WebhookDelivery]:
    """import.finished to the job's workspace, with its counts (the result's numbers only:
    the result also names files on the server)."""
    counts = {
        name: value for name, value in job.result.items() if isinstance(value, int) and not isinstance(value, bool)
    }
    fields: Fields = {
        "job": {"id": job.pk, "kind": job.kind, "status": job.status, "counts": counts, "error": job.error}
    }
    return deliveries_create(
        event=ev.IMPORT_FINISHED,
        workspace_ids=[job.workspace_id],
        occurred_at=job.finished_at or timezone.now(),
        fields=lambda _: fields,
    )


def sync_failed_deliveries_create(attempt: Generation) -> list[WebhookDelivery]:
    """sync.failed to every workspace's subscribed webhooks, without the error's text (see events.py)."""
    kind = attempt.error.split(":", 1)[0].strip()
    fields: Fields = {
        "attempt": attempt.pk,
        "error_type": kind if kind.isidentifier() else "Error",
        "error": ev.SYNC_FAILED_MESSAGE,
    }
    return deliveries_create(
        event=ev.SYNC_FAILED,
        workspace_ids=None,
        occurred_at=attempt.finished_at or timezone.now(),
        fields=lambda _: fields,
    )


@transaction.atomic
def test_delivery_create(webhook: Webhook) -> WebhookDelivery:
    """A webhook.test delivery to this webhook, whatever it subscribes to; WebhookPaused when paused."""
    if not webhook.active:
        raise WebhookPaused("This webhook is paused; resume it to send a test delivery.")
    fields: Fields = {"message": "A test delivery from Folio.", "webhook": webhook.pk}
    delivery = _delivery_add(webhook, event=ev.WEBHOOK_TEST, occurred_at=timezone.now(), fields=fields)
    _first_attempts_queue([delivery])
    return delivery


@transaction.atomic
def delivery_redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's body again as a new delivery (new id, new signature), attempts from zero."""
    if not delivery.webhook.active:
        raise WebhookPaused("This webhook is paused; resume it to redeliver.")
    delivery_id = uuid.uuid4()
    again = WebhookDelivery.objects.create(
        webhook=delivery.webhook,
        event=delivery.event,
        delivery_id=delivery_id,
        body=body_with_id(delivery.body, str(delivery_id)),
        next_attempt_at=timezone.now(),
    )
    _first_attempts_queue([again])
    return again
