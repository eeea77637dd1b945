"""Parsers of single cells of the finance files: each returns the value or raises
ValueError saying why, which the importers record as the row's rejection."""

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from config.date_window import DateWindow, date_window


def header_key(name: str) -> str:
    """A header reduced to lowercase ASCII words joined by underscores ("Détail postes" → "detail_postes")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


# --- values: each parser returns the clean value or raises ValueError with the reason a user reads.


def decimal_parse(text: object, *, places: int = 2, max_digits: int = 14, comma_decimal: bool = False) -> Decimal:
    """An exact amount from a JSON Decimal/int or a text like "-1234.5" ("1 234,50" when comma_decimal)."""
    if isinstance(text, bool) or text is None:
        raise ValueError("is not a number")
    if isinstance(text, float):
        # A refusal of the row like any other bad value, so ValueError and not TypeError.
        raise ValueError("is a binary float; parse JSON with parse_float=Decimal")
    if isinstance(text, (int, Decimal)):
        value = Decimal(text)
    else:
        cleaned = str(text).strip()
        if comma_decimal:
            # The French portal writes "1 234,56" with ordinary or no-break spaces between thousands.
            cleaned = re.sub(r"[\s\u00a0\u202f]", "", cleaned)
            if "," in cleaned and "." not in cleaned:
                cleaned = cleaned.replace(",", ".")
        # ASCII digits only: Decimal() would also read Arabic-Indic and other Unicode digits.
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", cleaned):
            raise ValueError("is not a number")
        value = Decimal(cleaned)
    if not value.is_finite():
        raise ValueError("is not a finite number")
    # Checked before quantize, which raises InvalidOperation past the context's 28 digits.
    if value and value.adjusted() >= max_digits - places:
        raise ValueError(f"has more than {max_digits - places} digits before the decimal point")
    cents = value.quantize(Decimal(1).scaleb(-places))
    if cents != value:
        raise ValueError(f"has more than {places} decimal places")
    return cents


LEDGER_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")


def ledger_date_parse(text: str, *, window: DateWindow | None = None) -> date:
    """A ledger date, ISO (2024-03-31) or US (03/31/2024) as city ledgers write it, inside the plausible window."""
    cleaned = text.strip()
    # Some exports write a midnight time after the date ("2024-03-31T00:00:00").
    cleaned = re.sub(r"[T ]00:00(:00(\.0+)?)?Z?$", "", cleaned)
    for form in LEDGER_DATE_FORMATS:
        try:
            day = datetime.strptime(cleaned, form).date()
        except ValueError:
            continue
        reason = (window or date_window()).date_refusal(day)
        if reason is not None:
            raise ValueError(reason)
        return day
    raise ValueError("is not a date (YYYY-MM-DD or MM/DD/YYYY)")


LEDGER_KINDS = {"revenues": "Revenues", "revenue": "Revenues", "expenses": "Expenses", "expense": "Expenses"}


def ledger_kind_parse(text: str) -> str:
    """Revenues or Expenses, any case, singular or plural."""
    kind = LEDGER_KINDS.get(text.strip().lower())
    if kind is None:
        raise ValueError("is not Revenues or Expenses")
    return kind


def code_parse(text: object, *, largest: int) -> int:
    """A department, fund or cost-centre id: a positive whole number the database column holds."""
    cleaned = str(text).strip()
    # Spreadsheets re-save integer ids as "103.0".
    cleaned = re.sub(r"\.0+$", "", cleaned)
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise ValueError("is not a whole-number id")
    # Compared by length first: int() refuses more than 4,300 digits with its own message.
    significant = cleaned.lstrip("0") or "0"
    if len(significant) > len(str(largest)) or int(significant) > largest:
        raise ValueError(f"is larger than the largest id this database holds ({largest:,})")
    return int(significant)


def name_parse(text: object, *, max_length: int = 200, required: bool = True) -> str:
    """A name or label with its surrounding and repeated spaces removed."""
    cleaned = " ".join(str(text or "").split())
    if required and not cleaned:
        raise ValueError("is empty")
    if len(cleaned) > max_length:
        raise ValueError(f"is longer than {max_length} characters")
    return cleaned


def label_key(text: str) -> str:
    """A French label compared without case, accents or spacing ("Financier " → "FINANCIER")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Z]+", "_", ascii_text.upper()).strip("_")


RESULT_TYPES = {"EXPLOITATION": "EXPLOITATION", "FINANCIER": "FINANCIER", "EXCEPTIONNEL": "EXCEPTIONNEL"}
SIDES = {"PRODUITS": "PRODUITS", "PRODUIT": "PRODUITS", "CHARGES": "CHARGES", "CHARGE": "CHARGES"}


def choice_parse(text: object, *, choices: Mapping[str, str]) -> str:
    """One of the statement's fixed labels, matched without case or accents."""
    value = choices.get(label_key(str(text or "")))
    if value is None:
        raise ValueError(f"is not one of {', '.join(sorted(set(choices.values())))}")
    return value


def exercice_parse(text: object, *, window: DateWindow | None = None) -> int:
    """A fiscal year inside the plausible window's years (and the model's 1900..2200 constraint)."""
    cleaned = str(text).strip()
    if isinstance(text, bool) or not re.fullmatch(r"[0-9]{4}(\.0+)?", cleaned):
        raise ValueError("is not a year")
    year = int(Decimal(cleaned))
    reason = (window or date_window()).year_refusal(year)
    if reason is not None:
        raise ValueError(reason)
    if not 1900 <= year <= 2200:
        raise ValueError("is not a year between 1900 and 2200")
    return year
