"""WSGI entry of the test provider, for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspaces.tests.oidc_provider.settings")
application = get_wsgi_application()
