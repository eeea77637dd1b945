"""Celery tasks of the alerts app: thin wrappers that call a service; safe to run twice."""

import logging

from celery import Task, shared_task

from alerts.services import MAX_NOTIFY_ATTEMPTS, alerts_evaluate_run, event_notify, reminders_send
from analytics.runner import QueryFailed
from analytics.warehouse.base import WarehouseUnavailable

logger = logging.getLogger(__name__)

# A warehouse that cannot answer now may answer in a minute; a bad alert is an error state, not a retry.
TRANSIENT = (QueryFailed, WarehouseUnavailable)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=120, max_retries=5)
def alerts_evaluate(generation: int) -> int:
    """Evaluate the alerts of the workspaces generation `generation` changed; returns the events made."""
    outcome = alerts_evaluate_run(generation=generation)
    _emails_queue(outcome.events)
    logger.info(
        "alerts evaluated at generation %s: %s alerts, %s answers asked, %s events",
        outcome.generation,
        outcome.evaluated,
        outcome.asked,
        len(outcome.events),
    )
    return len(outcome.events)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=60, max_retries=2)
def alerts_beat() -> int:
    """The minute's work: alerts whose window ends today (a new day moves them), and reminders."""
    outcome = alerts_evaluate_run(today_only=True)
    reminders = reminders_send()
    _emails_queue([*outcome.events, *reminders])
    return len(outcome.events) + len(reminders)


def _emails_queue(event_ids: list[int]) -> None:
    """One email task per event (each committed by now): a failing one never holds up the others."""
    for event_id in event_ids:
        alert_event_notify.delay(event_id)


@shared_task(bind=True, max_retries=MAX_NOTIFY_ATTEMPTS)
def alert_event_notify(self: Task, event_id: int) -> None:
    """Email an event; a failure is recorded on the event and tried again with back-off
    (30 s, 1 min, 2 min, … up to an hour), other events' emails going on meanwhile."""
    if not event_notify(event_id):
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600))
