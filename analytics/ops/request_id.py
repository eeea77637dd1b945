"""The id of the request being served, shared by every log line it causes, in this process
and in the Celery tasks it starts.

A proxy's X-Request-ID is kept when it looks like an id (so one id follows the request
through the load balancer's logs and Folio's); anything else gets a fresh one. Imported by
the logging configuration and by the Celery app before Django is set up: it imports
nothing of the project.
"""

import re
import uuid
from contextvars import ContextVar, Token

HEADER = "X-Request-ID"
# What a proxy may send: uuid, hex, ALB-style or base64url ids. No spaces, quotes or
# control characters, so that the id can go into a log line or a header unchanged.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]{0,127}")
# The Celery message header carrying the id of the request that queued the task.
TASK_HEADER = "folio_request_id"

_current: ContextVar[str | None] = ContextVar("folio_request_id", default=None)


def request_id_current() -> str | None:
    """The id of the request (or task) this code runs for, None outside of one."""
    return _current.get()


def request_id_chosen(sent: str | None) -> str:
    """The id to use for a request: the proxy's when it is sane, else a new one."""
    if sent is not None and SANE_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


def request_id_set(value: str | None) -> Token[str | None]:
    """Make `value` the current id; give the token back to request_id_reset when done."""
    return _current.set(value)


def request_id_reset(token: Token[str | None]) -> None:
    """Restore the id that was current before request_id_set."""
    _current.reset(token)
