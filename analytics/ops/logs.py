"""Log lines: JSON lines on stdout in production, readable text on a laptop, both with the
request id (analytics.ops.request_id).

Imported by the settings' LOGGING before Django's apps are ready: it imports nothing of the
project but the request id and the long-argument filter.
"""

import json
import logging
from datetime import UTC, datetime
from typing import Any

from analytics.ops.request_id import request_id_current

LOG_FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdAdded(logging.Filter):
    """Logging filter: gives every record a `request_id` attribute ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Set the attribute; never drops the record."""
        record.request_id = request_id_current() or "-"
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    and the traceback as `exception` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON (newlines inside the message stay escaped)."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id if (request_id := getattr(record, "request_id", "-")) != "-" else None,
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(log_format: str, level: str, stream: str = "stdout") -> dict[str, Any]:
    """The LOGGING setting: every record through one handler on `stream` (stdout or stderr),
    as JSON lines or text. Raises ValueError for a format other than json or text."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be json or text, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            # Long paths in log lines are cut (an anonymous 404 for an 8 KB URL logged it whole).
            "long_arguments_trimmed": {"()": "analytics.log_filters.LongArgumentsTrimmed"},
            "request_id": {"()": "analytics.ops.logs.RequestIdAdded"},
        },
        "formatters": {
            "json": {"()": "analytics.ops.logs.JsonLines"},
            "text": {"format": TEXT_FORMAT},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": f"ext://sys.{stream}",
                "filters": ["long_arguments_trimmed", "request_id"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }
