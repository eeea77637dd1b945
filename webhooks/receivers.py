"""Receivers of analytics' notices: each turns a notice into deliveries (rows, and tasks queued
after the commit); none sends anything from the sender's process."""

from typing import Any

from django.dispatch import receiver

from analytics.models import Generation, Job
from analytics.notices import alert_fired, alert_resolved, generation_published, import_finished, sync_failed
from webhooks import events as ev
from webhooks.dispatch import (
    alert_deliveries_create,
    generation_deliveries_create,
    import_deliveries_create,
    sync_failed_deliveries_create,
)


@receiver(generation_published, dispatch_uid="webhooks.generation_published")
def on_generation_published(sender: type, *, generation: Generation, **kwargs: Any) -> None:
    """generation.published to the workspaces it changed."""
    generation_deliveries_create(generation)


@receiver(sync_failed, dispatch_uid="webhooks.sync_failed")
def on_sync_failed(sender: type, *, attempt: Generation, **kwargs: Any) -> None:
    """sync.failed to every workspace's subscribed webhooks."""
    sync_failed_deliveries_create(attempt)


@receiver(import_finished, dispatch_uid="webhooks.import_finished")
def on_import_finished(sender: type, *, job: Job, **kwargs: Any) -> None:
    """import.finished to the job's workspace."""
    import_deliveries_create(job)


@receiver(alert_fired, dispatch_uid="webhooks.alert_fired")
def on_alert_fired(sender: type, *, alert: Any, event: Any, **kwargs: Any) -> None:
    """alert.fired to the alert's workspace."""
    alert_deliveries_create(event_name=ev.ALERT_FIRED, alert=alert, event=event)


@receiver(alert_resolved, dispatch_uid="webhooks.alert_resolved")
def on_alert_resolved(sender: type, *, alert: Any, event: Any, **kwargs: Any) -> None:
    """alert.resolved to the alert's workspace."""
    alert_deliveries_create(event_name=ev.ALERT_RESOLVED, alert=alert, event=event)
