"""Log lines stay short: long text (an 8 KB URL in "Not Found: <path>") is cut.

Imported by the logging configuration, before Django's apps are ready: it imports nothing
of the project.
"""

import logging

# A path or log argument longer than this is cut: an 8 KB URL must not become 8 KB per log line.
LOGGED_TEXT_LIMIT = 300


def text_trimmed(text: str, limit: int = LOGGED_TEXT_LIMIT) -> str:
    """The text, cut to `limit` characters with a note of how much was left out."""
    return text if len(text) <= limit else f"{text[:limit]}…(+{len(text) - limit} chars)"


class LongArgumentsTrimmed(logging.Filter):
    """Logging filter: cuts long text arguments (Django logs "Not Found: <path>" in full)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Trim the record's text arguments; never drops the record."""
        if isinstance(record.args, tuple):
            record.args = tuple(text_trimmed(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True
