"""Argument types shared by the management commands of books and finance."""

import argparse
import re
from datetime import date


def iso_date(text: str) -> date:
    """An ISO date (YYYY-MM-DD) for argparse, with a message that names the bad value."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def ascii_int(text: str) -> int:
    """A whole number in ASCII digits for argparse: `int()` alone also reads `٣` and `１` as 3 and 1,
    which no API parameter or importer accepts."""
    if not re.fullmatch(r"-?[0-9]{1,30}", text):
        shown = text if len(text) <= 40 else f"{text[:40]}…"
        raise argparse.ArgumentTypeError(f"invalid int value: {shown!r} (a whole number in digits 0-9)")
    return int(text)
