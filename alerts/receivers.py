"""The alerts app listens to the generation-published notice: it queues the evaluation after the commit."""

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from alerts.models import Alert
from analytics.notices import generation_published


@receiver(generation_published, dispatch_uid="alerts-evaluate-on-publish")
def evaluation_queued(sender: type, generation: Any, **kwargs: Any) -> None:
    """Queue the evaluation of the alerts the generation may move; nothing when no alert is active."""
    from alerts.tasks import alerts_evaluate  # the tasks import the services, which import the runner

    number = generation.number
    if number is None or not Alert.objects.filter(active=True).exists():
        return
    transaction.on_commit(lambda: alerts_evaluate.delay(int(number)))
