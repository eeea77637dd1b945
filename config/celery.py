"""The Celery app: tasks from every app, settings from Django's (CELERY_*), beat schedule.

With no broker configured it uses kombu's filesystem transport (folders under var/), so
`celery -A config worker -B --pool=solo` runs a real worker with its beat on a laptop
with no server at all; CELERY_BROKER_URL=redis://… switches to Redis.

Logging is Django's (LOGGING: JSON lines in production), not Celery's own, and a task
started during a request logs with that request's id: the id travels in a message header.
"""

import logging.config
import os
from typing import Any

from celery import Celery, Task
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun

from analytics.ops.request_id import TASK_HEADER, request_id_current, request_id_reset, request_id_set

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("folio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def logging_from_django(**kwargs: Any) -> None:
    """Configure the worker's and beat's logging from Django's LOGGING, so that their lines
    look like the web's (connected, this replaces Celery's own handler and format)."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@before_task_publish.connect
def request_id_sent(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """Put the current request's id, if any, into the message of a task being queued."""
    request_id = request_id_current()
    if request_id is not None and headers is not None:
        headers[TASK_HEADER] = request_id


# The id a task runs under, restored when it ends (a worker process runs many tasks).
_task_tokens: dict[str, Any] = {}


@task_prerun.connect
def request_id_received(task_id: str | None = None, task: Task | None = None, **kwargs: Any) -> None:
    """Run the task under the id of the request that queued it (or none)."""
    if task is None or task_id is None:
        return
    _task_tokens[task_id] = request_id_set(getattr(task.request, TASK_HEADER, None))


@task_postrun.connect
def request_id_cleared(task_id: str | None = None, **kwargs: Any) -> None:
    """Forget the finished task's id."""
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        request_id_reset(token)
