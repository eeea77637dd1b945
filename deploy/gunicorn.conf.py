"""gunicorn's settings for the image's `web` (deploy/entrypoint.sh): its own lines (workers
starting and stopping, errors) and one access line per request go through Folio's logging
configuration, so with LOG_FORMAT=json every line on stdout is a JSON object."""

import os

from analytics.ops.logs import logging_config

_config = logging_config(os.environ.get("LOG_FORMAT", "json"), os.environ.get("LOG_LEVEL", "INFO"))
logconfig_dict = {
    **_config,
    # No handlers of their own: both go to the root handler above.
    "loggers": {
        name: {"level": "INFO", "handlers": [], "propagate": True} for name in ("gunicorn.error", "gunicorn.access")
    },
}
# gunicorn's control socket would be written into /app, which the app's user cannot write
# (and a read-only root file system refuses); nothing here uses it.
control_socket_disable = True
# The access line's message (the JSON formatter escapes it); the request id is the one
# Folio echoed in its response.
access_log_format = "%(m)s %(U)s %(s)s %(B)s bytes %(M)s ms request_id=%({x-request-id}o)s"
