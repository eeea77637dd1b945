"""The Celery app: tasks from every app, settings from Django's (CELERY_*), beat schedule.

With no broker configured it uses kombu's filesystem transport (folders under var/), so
`celery -A config worker -B --pool=solo` runs a real worker with its beat on a laptop
with no server at all; CELERY_BROKER_URL=redis://… switches to Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("folio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
