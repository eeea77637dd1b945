"""Celery tasks of the reports app: thin wrappers that call a service; safe to run twice."""

import logging

from celery import shared_task
from django.db import transaction

from reports.services import deliveries_due, delivery_attempt, files_sweep, subscriptions_due_run

logger = logging.getLogger(__name__)


@shared_task
def report_deliver(delivery_id: int) -> str | None:
    """Try one delivery if it is due; returns its status after the attempt (None: not due).
    No Celery retry: a failed attempt sets the delivery's next_attempt_at and the beat
    queues it again then, so retries outlive worker restarts and lost messages."""
    delivery = delivery_attempt(delivery_id=delivery_id)
    return None if delivery is None else delivery.status


def deliveries_queue(delivery_ids: list[int]) -> None:
    """Queue an attempt at each delivery once the rows are committed (at once outside a
    transaction); a broker that fails here loses nothing (robust: logged), since the beat
    finds them stuck and queues them again."""

    def queue() -> None:
        for delivery_id in delivery_ids:
            report_deliver.delay(delivery_id)

    if delivery_ids:
        transaction.on_commit(queue, robust=True)


@shared_task
def reports_beat() -> int:
    """The minute's work: deliveries of the subscriptions that are due, retries and stuck
    deliveries queued again, and files past REPORT_KEEP_DAYS deleted. Returns the deliveries made."""
    made = subscriptions_due_run()
    due = deliveries_due()
    deliveries_queue([*made, *due])
    swept = files_sweep()
    if made or due or swept:
        logger.info("reports: %s deliveries made, %s queued again, %s files swept", len(made), len(due), swept)
    return len(made)
