"""Cells a spreadsheet would run as a formula (CSV injection, OWASP): how to spot and defuse them.

Excel, LibreOffice and Google Sheets evaluate a cell that starts with `=`, `+`, `-` or `@`,
and a leading tab or carriage return hides such a start from a naive check. A minus sign
followed by a plain number (`-12.50`, `-1 234,56`) is a number, not a formula; followed by
anything else (`-2+3+HYPERLINK(…)`, `-1+1+cmd|' /C calc'!A0`) it runs.
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Digits with the separators number formats use (spaces, no-break spaces, dots, commas), an exponent.
PLAIN_NEGATIVE = re.compile(r"-[\d\s\u00a0\u202f.,]*\d[\d\s\u00a0\u202f.,]*(?:[eE][+-]?\d+)?")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would evaluate this text; a plain negative number is not a formula."""
    return text.startswith(FORMULA_START) and not PLAIN_NEGATIVE.fullmatch(text)


def spreadsheet_defuse(text: str) -> str:
    """The text made inert for a CSV cell: a leading apostrophe before any formula start, numbers included."""
    return f"'{text}" if text.startswith(FORMULA_START) else text
