"""Celery tasks of the webhooks app: one attempt at a delivery, and the beat's sweep of due ones."""

import logging

from celery import shared_task

from webhooks.services import deliveries_due, delivery_attempt

logger = logging.getLogger(__name__)


@shared_task
def webhook_deliver(delivery_id: int) -> str | None:
    """Try one delivery if it is due; returns its status after the attempt (None: not due).
    No Celery retry: a failed attempt sets the delivery's next_attempt_at and the beat's
    sweep queues it again then, so retries outlive worker restarts and lost messages."""
    delivery = delivery_attempt(delivery_id=delivery_id)
    return None if delivery is None else delivery.status


@shared_task
def webhook_deliveries_requeue() -> int:
    """Queue an attempt for every due delivery (retries, and deliveries whose message was
    lost); returns how many were queued."""
    due = deliveries_due()
    for delivery_id in due:
        webhook_deliver.delay(delivery_id)
    if due:
        logger.info("webhooks: %s due deliveries queued", len(due))
    return len(due)
