"""Settings for a laptop: debug on, a fixed development secret, the embedded defaults."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="folio-local-development-key-not-for-production")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve the dashboard's assets straight from frontend/dist (no collectstatic on a laptop),
# with DJANGO_DEBUG=false too.
WHITENOISE_USE_FINDERS = True
