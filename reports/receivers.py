"""The reports app listens to the generation-published notice: after-load deliveries."""

from typing import Any

from django.dispatch import receiver

from analytics.notices import generation_published
from reports.models import Schedule, Subscription


@receiver(generation_published, dispatch_uid="reports-after-load")
def after_load_deliveries(sender: type, generation: Any, **kwargs: Any) -> None:
    """One delivery per active after-load subscription of a workspace the generation changed,
    queued once committed; nothing when no such subscription exists."""
    from reports.services import after_load_deliveries_create  # the services import the runner
    from reports.tasks import deliveries_queue

    number = generation.number
    if number is None or not Subscription.objects.filter(active=True, schedule=Schedule.AFTER_LOAD).exists():
        return
    deliveries_queue(after_load_deliveries_create(int(number)))
