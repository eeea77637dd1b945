"""Writes of the webhooks app: webhooks created, changed and deleted, and one attempt at a delivery."""

import json
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from webhooks.addresses import AddressRefused, url_target
from webhooks.events import SUBSCRIBABLE
from webhooks.models import DeliveryStatus, Webhook, WebhookDelivery
from webhooks.sending import Outcome, post_signed
from webhooks.signing import secret_generate, signature
from workspaces.models import Workspace


class WebhookRefused(ValueError):
    """A webhook cannot be saved as asked; `field` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def events_check(events: list[str]) -> list[str]:
    """The event names, deduplicated in the order given; WebhookRefused naming the unknown ones."""
    unknown = [name for name in events if name not in SUBSCRIBABLE]
    if unknown:
        raise WebhookRefused(
            "events",
            f"Unknown event{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"Known events: {', '.join(SUBSCRIBABLE)}.",
        )
    if not events:
        raise WebhookRefused("events", f"Name at least one event. Known events: {', '.join(SUBSCRIBABLE)}.")
    return list(dict.fromkeys(events))


def url_check(url: str) -> str:
    """The URL when it may receive webhooks (scheme, resolved addresses); WebhookRefused naming `url`."""
    try:
        url_target(url)
    except AddressRefused as refusal:
        raise WebhookRefused("url", str(refusal)) from None
    return url


@transaction.atomic
def webhook_create(*, workspace: Workspace, user: User | None, url: str, events: list[str]) -> Webhook:
    """A new active webhook with a generated secret (the caller shows it once)."""
    checked_events = events_check(events)
    return Webhook.objects.create(
        workspace=workspace, created_by=user, url=url_check(url), events=checked_events, secret=secret_generate()
    )


@transaction.atomic
def webhook_change(
    *, webhook: Webhook, url: str | None = None, events: list[str] | None = None, active: bool | None = None
) -> Webhook:
    """Change the URL, the events or pause/resume (the fields given); a resumed webhook's
    pending deliveries are due again at once."""
    if events is not None:
        webhook.events = events_check(events)
    if url is not None:
        webhook.url = url_check(url)
    if active is not None:
        if active and not webhook.active:
            WebhookDelivery.objects.filter(webhook=webhook, status=DeliveryStatus.PENDING).update(
                next_attempt_at=timezone.now()
            )
        webhook.active = active
    webhook.save()
    return webhook


def webhook_delete(*, webhook: Webhook) -> None:
    """Delete the webhook and its delivery log; nothing more is sent to it."""
    webhook.delete()


def retry_delay(attempts: int) -> timedelta:
    """The back-off after the `attempts`-th failed try: base × 2^(attempts − 1), capped."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** (attempts - 1), settings.WEBHOOK_RETRY_MAX_SECONDS))


def delivery_headers(delivery: WebhookDelivery, *, timestamp: int) -> dict[str, str]:
    """The headers that identify and sign one attempt."""
    return {
        "X-Folio-Event": delivery.event,
        "X-Folio-Delivery": str(delivery.delivery_id),
        "X-Folio-Timestamp": str(timestamp),
        "X-Folio-Signature": signature(secret=delivery.webhook.secret, timestamp=timestamp, body=delivery.body),
    }


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Try a due delivery once and record the outcome; None when it is not due (sent, given
    up, not yet time, its webhook paused, or another worker holds it). Safe to run twice: the
    claim moves `next_attempt_at` past the attempt's longest time, so a second run finds it not due."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3 + 30)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now, webhook__active=True
    ).update(next_attempt_at=lease)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    try:
        target = url_target(delivery.webhook.url)  # again: what the host resolves to may have changed
    except AddressRefused as refusal:
        outcome = Outcome(code=None, error=str(refusal), excerpt="", ms=0)
    else:
        headers = delivery_headers(delivery, timestamp=int(time.time()))
        outcome = post_signed(
            target=target, body=delivery.body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        )
    return _outcome_record(delivery, outcome, at=now)


def _outcome_record(delivery: WebhookDelivery, outcome: Outcome, *, at: datetime) -> WebhookDelivery:
    """Count the attempt; succeeded on a 2xx, else due again after the back-off, or failed
    when that would fall past the retry window after the first attempt."""
    delivery.attempts += 1
    delivery.first_attempt_at = delivery.first_attempt_at or at
    delivery.last_attempt_at = at
    delivery.response_code = outcome.code
    delivery.error = outcome.error
    delivery.response_excerpt = outcome.excerpt
    entry: dict[str, Any] = {"at": at.isoformat(), "code": outcome.code, "error": outcome.error, "ms": outcome.ms}
    delivery.attempt_log = [*delivery.attempt_log, entry]
    if outcome.succeeded:
        delivery.status, delivery.next_attempt_at, delivery.finished_at = DeliveryStatus.SUCCEEDED, None, timezone.now()
    else:
        due = timezone.now() + retry_delay(delivery.attempts)
        if due > delivery.first_attempt_at + timedelta(seconds=settings.WEBHOOK_RETRY_WINDOW_SECONDS):
            delivery.status, delivery.next_attempt_at, delivery.finished_at = (
                DeliveryStatus.FAILED,
                None,
                timezone.now(),
            )
        else:
            delivery.next_attempt_at = due
    delivery.save()
    return delivery


def deliveries_due(*, limit: int = 500) -> list[int]:
    """Pending deliveries of active webhooks whose next attempt is due, oldest due first."""
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now(), webhook__active=True
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def body_with_id(body: str, delivery_id: str) -> str:
    """A stored body with another delivery id (a redelivery is a delivery of its own)."""
    return json.dumps({**json.loads(body), "id": delivery_id}, separators=(",", ":"))
