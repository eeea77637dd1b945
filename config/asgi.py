"""ASGI entry point: the pages and the API over HTTP, and the live events' WebSocket.

In production the WSGI server (gunicorn) serves pages and the API; this application runs as
the `events` process (daphne) behind the paths `/ws/` and `/api/analytics/events`. In
development `manage.py runserver` (daphne's) serves all of it.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Django is set up before the consumers and their models are imported.
http_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402  # imports models: after Django's setup

from analytics.live.routing import websocket_application  # noqa: E402  # the same

application = ProtocolTypeRouter({"http": http_application, "websocket": websocket_application()})
