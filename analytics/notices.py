"""What Folio tells the world about itself, as Django signals: a generation published, a sync
failed, an import finished, an alert fired or resolved. The apps that reach out (alerts,
scheduled reports, webhooks) connect receivers; the senders know none of them.

Senders use `notice_send`: a receiver that fails is logged and never fails the sync, the import
or the evaluation that sent the notice. Receivers queue Celery work after the commit rather
than doing it in the sender's process.
"""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

# sender: the Generation model; generation: the published Generation (number, finished_at,
# rows per table, changes per workspace).
generation_published = Signal()
# sender: the Generation model; attempt: the failed Generation attempt (error, timings).
sync_failed = Signal()
# sender: the Job model; job: the finished import Job (status, result counts, error).
import_finished = Signal()
# sender: the Alert model; alert and event: the alert and its state change.
alert_fired = Signal()
alert_resolved = Signal()


def notice_send(signal: Signal, sender: type, **named: object) -> None:
    """Send a notice to every receiver; log, never raise, what a receiver raised."""
    for receiver, outcome in signal.send_robust(sender=sender, **named):
        if isinstance(outcome, Exception):
            logger.error(
                "a receiver of a notice failed: %s: %s",
                getattr(receiver, "__qualname__", receiver),
                outcome,
                exc_info=outcome,
            )
