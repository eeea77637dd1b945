"""How long one warehouse read may run before it is cancelled, on every backend."""

from django.conf import settings


class QueryTimeout(RuntimeError):
    """A warehouse read ran past API_QUERY_TIMEOUT_SECONDS and was cancelled."""


def query_timeout_seconds() -> float:
    """The configured limit for one read-only warehouse query, in seconds."""
    return float(settings.API_QUERY_TIMEOUT_SECONDS)


def query_timeout_ms() -> int:
    """The same limit in whole milliseconds (PostgreSQL's and Redshift's statement_timeout)."""
    return max(1, int(query_timeout_seconds() * 1000))
