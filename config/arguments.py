"""Argument types shared by the management commands of books and finance."""

import argparse
from datetime import date


def iso_date(text: str) -> date:
    """An ISO date (YYYY-MM-DD) for argparse, with a message that names the bad value."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None
