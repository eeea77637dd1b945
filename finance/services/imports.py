"""Imports of outside finance files: the city ledger with its departments, funds and cost
centres, and the City of Paris *compte de résultat* (portal CSV, explore API JSON or URL).

Every import validates all rows before it writes, then writes in one transaction:
creates what is new, updates what changed (bumping `updated_at`), and leaves unchanged
rows untouched so the warehouse sync does not copy them again.
"""

import json
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connections, transaction
from django.utils import timezone

from config.date_window import DateWindow, date_window
from config.imports import (
    ImportRefused,
    ImportRejected,
    ImportSummary,
    Progress,
    RowError,
    SilentProgress,
    cell_check,
    columns_map,
    csv_rows,
    csv_sniff,
    header_normalise,
    import_finish,
    rejects_default_path,
)
from finance.models import CostCenter, Department, Fund, LedgerEntry, StatementLine

EXPLORE_PAGE_SIZE = 100  # the explore API v2.1 refuses limit > 100
EXPLORE_OFFSET_LIMIT = 10_000  # the explore API refuses offset + limit > 10,000; past that use /exports
HTTP_TIMEOUT_SECONDS = 30.0


class ExploreFetchError(Exception):
    """The explore API did not answer, or answered with an error or a body that is not records."""


def header_key(name: str) -> str:
    """A header reduced to lowercase ASCII words joined by underscores ("Détail postes" → "detail_postes")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def _page_url(url: str, *, limit: int, offset: int) -> str:
    """The URL with its limit and offset query parameters set, other parameters kept."""
    parts = urllib.parse.urlsplit(url)
    query = [
        (k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k not in {"limit", "offset"}
    ]
    query += [("limit", str(limit)), ("offset", str(offset))]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def explore_page_fetch(*, url: str, timeout: float = HTTP_TIMEOUT_SECONDS) -> dict[str, Any]:
    """One explore API response as a dict, numbers as Decimal; ExploreFetchError names the URL on failure."""
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "folio-import"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        raise ExploreFetchError(f"GET {url} failed: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):  # a timeout while connecting comes wrapped in URLError
            raise ExploreFetchError(f"GET {url} failed: no answer within {timeout:g} s") from None
        raise ExploreFetchError(f"GET {url} failed: {error.reason}") from None
    except TimeoutError:
        raise ExploreFetchError(f"GET {url} failed: no answer within {timeout:g} s") from None
    try:
        page = json_parse(body)
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ExploreFetchError(f"GET {url} did not return JSON: {error}") from None
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        raise ExploreFetchError(f"GET {url} did not return explore API records (no 'results' list)")
    return page


# Longer integers become Decimal: past int64 no field is an int, and int() refuses 4,300+ digits.
JSON_INT_DIGITS = 18


def _json_int(text: str) -> int | Decimal:
    return int(text) if len(text.lstrip("-")) <= JSON_INT_DIGITS else Decimal(text)


def json_parse(body: bytes | str) -> Any:
    """JSON with exact numbers: fractions and long integers as Decimal, NaN and Infinity as Decimal
    (so that a row check refuses them as numbers); ValueError says why a body is not JSON."""
    try:
        return json.loads(body, parse_float=Decimal, parse_int=_json_int, parse_constant=Decimal)
    except RecursionError:
        # json's C decoder recurses once per nesting level: `[` * 100,000 exhausts the stack limit.
        raise ValueError("it nests arrays or objects too deeply") from None


def explore_records_fetch(
    *,
    url: str,
    page_size: int = EXPLORE_PAGE_SIZE,
    timeout: float = HTTP_TIMEOUT_SECONDS,
    on_page: Callable[[int, int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every record of an explore API v2.1 `/records` URL, page by page until `total_count`.

    `on_page(received, total_count)` is called after each page (for a progress bar).
    """
    if not 1 <= page_size <= EXPLORE_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {EXPLORE_PAGE_SIZE}, got {page_size}")
    offset = 0
    while True:
        page_url = _page_url(url, limit=page_size, offset=offset)
        page = explore_page_fetch(url=page_url, timeout=timeout)
        total = page.get("total_count")
        if not isinstance(total, int):
            raise ExploreFetchError(f"GET {page_url} did not return an integer total_count")
        if total > EXPLORE_OFFSET_LIMIT:
            raise ExploreFetchError(
                f"{url} has {total:,} records, more than the {EXPLORE_OFFSET_LIMIT:,} the records endpoint pages "
                "through; download the CSV export and import the file instead"
            )
        records = page["results"]
        yield from records
        offset += len(records)
        if on_page is not None:
            on_page(offset, total)
        # An empty page before total_count means the dataset shrank while we read it: stop, do not loop.
        if offset >= total or not records:
            return


# --- values: each parser returns the clean value or raises ValueError with the reason a user reads.


def decimal_parse(text: object, *, places: int = 2, max_digits: int = 14, comma_decimal: bool = False) -> Decimal:
    """An exact amount from a JSON Decimal/int or a text like "-1234.5" ("1 234,50" when comma_decimal)."""
    if isinstance(text, bool) or text is None:
        raise ValueError("is not a number")
    if isinstance(text, float):
        # A refusal of the row like any other bad value, so ValueError and not TypeError.
        raise ValueError("is a binary float; parse JSON with parse_float=Decimal")  # noqa: TRY004
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


# --- layouts: the fields each import reads and the header names they go by (normalised by csv_sniff)

DIMENSION_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "departments": {
        "code": ("department_id", "department_code", "dept_id", "id"),
        "name": ("department_name", "department", "department_description", "description"),
    },
    "funds": {
        "code": ("fund_id", "fund_code", "id"),
        "name": ("fund_description", "fund_name", "fund", "description"),
    },
    "cost_centers": {
        "code": ("cost_center_id", "cost_centre_id", "cost_center_code", "cost_centre_code", "id"),
        "name": (
            "cost_center_description",
            "cost_centre_description",
            "cost_center_name",
            "cost_centre_name",
            "description",
        ),
        "department_code": ("department_id", "department_code"),
    },
}
DIMENSION_MODELS: dict[str, type[Department] | type[Fund] | type[CostCenter]] = {
    "departments": Department,
    "funds": Fund,
    "cost_centers": CostCenter,
}

LEDGER_FIELDS: dict[str, tuple[str, ...]] = {
    "entry_date": ("date", "transaction_date", "posting_date", "accounting_date"),
    "amount": ("amount_usd", "value"),
    "kind": ("type", "revenue_or_expense", "revenues_or_expenses", "revenue_expense", "account_type"),
    "department_code": ("department_id", "dept_id"),
    "department_name": ("department_description",),
    "department": ("dept",),
    "fund_code": ("fund_id",),
    "fund_name": ("fund_description",),
    "fund": (),
    "cost_center_code": ("cost_center_id", "cost_centre_id", "cost_centre_code"),
    "cost_center_name": ("cost_center_description", "cost_centre_description", "cost_centre_name"),
    "cost_center": ("cost_centre",),
}
LEDGER_DIMENSIONS = {"department": "departments", "fund": "funds", "cost_center": "cost_centers"}

STATEMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "exercice": ("exercice_comptable", "annee", "annee_comptable"),
    "type_de_resultat": ("type_resultat", "type_de_resultats"),
    "produit_charge": ("produit_/_charge", "produits_charges", "produit_ou_charge", "produits_/_charges"),
    "poste": ("postes",),
    "detail_postes": ("detail_poste", "detail_des_postes", "detail"),
    "montant_en_eur": ("montant", "montant_eur", "montant_en_euros", "montant_euros"),
}
STATEMENT_REQUIRED = ("exercice", "type_de_resultat", "produit_charge", "poste", "montant_en_eur")

Row = tuple[int, Mapping[str, Any]]
PROGRESS_EVERY = 1_000


def columns_find(
    header: Sequence[str],
    *,
    fields: Mapping[str, Sequence[str]],
    required: Iterable[str],
    overrides: Mapping[str, str] | None,
    source: str,
) -> dict[str, str]:
    """The column of each field, matching names without accents or punctuation; ImportRefused when one is missing."""
    # csv_sniff keeps accents and slashes ("type_de_résultat", "produit_/_charge"); the portal's
    # labels vary in both, so a header also matches when its ASCII words equal a known name.
    tolerant = {
        target: [*(h for h in header if header_key(h) in {header_key(n) for n in (target, *names)}), *names]
        for target, names in fields.items()
    }
    columns = columns_map(header, fields=tolerant, overrides=overrides)
    missing = [target for target in required if target not in columns]
    if missing:
        raise ImportRefused(
            f"{source}: no column for {', '.join(missing)}; the header has {', '.join(header)} "
            "(name the column with --map column=field)"
        )
    return columns


def _with_progress(rows: Iterable[Row], progress: Progress) -> Iterator[Row]:
    """Pass the rows through, advancing the progress bar every PROGRESS_EVERY rows."""
    done = 0
    for row in rows:
        yield row
        done += 1
        if done == PROGRESS_EVERY:
            progress.advance(done)
            done = 0
    progress.advance(done)


class RowChecker:
    """Reads the fields of one row through the matched columns and keeps the first reason to refuse it."""

    def __init__(self, *, line: int, row: Mapping[str, Any], columns: Mapping[str, str]) -> None:
        self.line = line
        self.row = row
        self.columns = columns
        self.error: RowError | None = None

    def raw(self, field: str) -> Any:
        """The row's value for a field; None when the file has no such column."""
        column = self.columns.get(field)
        return None if column is None else self.row.get(column)

    def present(self, field: str) -> bool:
        """Whether the row has a non-blank value for the field."""
        value = self.raw(field)
        return value is not None and str(value).strip() != ""

    def get(self, field: str, parse: Callable[[Any], Any]) -> Any:
        """The parsed value, or None after recording why it was refused."""
        value = self.raw(field)
        try:
            return parse("" if value is None else value)
        except ValueError as error:
            self.fail(field, value, str(error))
            return None

    def fail(self, field: str, value: Any, reason: str) -> None:
        """Refuse the row for the field's value (the framework keeps one error per row: the first)."""
        if self.error is None:
            value_text = "" if value is None else str(value)
            self.error = RowError(self.line, self.columns.get(field, field), value_text, reason)


def _dimension_rows_validate(
    *, rows: Iterable[Row], columns: Mapping[str, str], largest: int, summary: ImportSummary
) -> list[tuple[int, int, str, int | None]]:
    """The valid (line, code, name, department code) rows; the others go to the summary."""
    valid: dict[int, tuple[int, int, str, int | None]] = {}
    for line, row in rows:
        check = RowChecker(line=line, row=row, columns=columns)
        code = check.get("code", lambda v: code_parse(v, largest=largest))
        name = check.get("name", name_parse)
        department_code = None
        if check.present("department_code"):
            department_code = check.get("department_code", lambda v: code_parse(v, largest=largest))
        if check.error is None and code in valid:
            check.fail("code", code, f"duplicates line {valid[code][0]}")
        if check.error is not None:
            summary.reject(check.error)
            continue
        valid[code] = (line, code, name, department_code)
    return list(valid.values())


def _largest_code(model: type[Department] | type[Fund] | type[CostCenter], using: str) -> int:
    """The largest id the code column holds on this database (2,147,483,647 on PostgreSQL)."""
    return connections[using].ops.integer_field_range(model._meta.get_field("code").get_internal_type())[1]


def ledger_dimensions_import(
    *,
    kind: str,
    path: Path,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    overrides: Mapping[str, str] | None = None,
    using: str = "default",
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a departments, funds or cost_centers file matched by id; names that changed are updated."""
    model = DIMENSION_MODELS[kind]
    progress = progress or SilentProgress()
    layout = csv_sniff(path)
    columns = columns_find(
        layout.header, fields=DIMENSION_FIELDS[kind], required=("code", "name"), overrides=overrides, source=path.name
    )
    summary = ImportSummary()
    progress.start(kind.replace("_", " "), max(layout.lines - 1, 0))
    with transaction.atomic(using=using):
        rows = _dimension_rows_validate(
            rows=_with_progress(csv_rows(layout, summary), progress),
            columns=columns,
            largest=_largest_code(model, using),
            summary=summary,
        )
        department_pks: dict[int, int] = {}
        if kind == "cost_centers":
            department_pks = dict(Department.objects.using(using).values_list("code", "pk"))
            known = []
            for line, code, name, department_code in rows:
                if department_code is not None and department_code not in department_pks:
                    column = columns["department_code"]
                    summary.reject(RowError(line, column, str(department_code), "unknown department id"))
                else:
                    known.append((line, code, name, department_code))
            rows = known
        import_finish(summary, skip_invalid=skip_invalid, rejects=rejects, source=path)
        _dimensions_write(model=model, rows=rows, department_pks=department_pks, using=using, summary=summary)
    return summary


def _dimensions_write(
    *,
    model: type[Department] | type[Fund] | type[CostCenter],
    rows: list[tuple[int, int, str, int | None]],
    department_pks: Mapping[int, int],
    using: str,
    summary: ImportSummary,
) -> None:
    """Create the new codes, update the changed names (and cost-centre departments), count the rest."""
    existing = {obj.code: obj for obj in model.objects.using(using).all()}
    now = timezone.now()
    new, changed = [], []
    for _line, code, name, department_code in rows:
        department_id = department_pks.get(department_code) if department_code is not None else None
        obj = existing.get(code)
        if obj is None:
            extra = {"department_id": department_id} if model is CostCenter else {}
            new.append(model(code=code, name=name, **extra))
            continue
        fields = {"name": name}
        # A file without a department column leaves each cost centre's department as it was.
        if model is CostCenter and department_id is not None:
            fields["department_id"] = department_id
        if all(getattr(obj, f) == v for f, v in fields.items()):
            summary.unchanged += 1
            continue
        for f, v in fields.items():
            setattr(obj, f, v)
        obj.updated_at = now  # bulk_update skips auto_now
        changed.append(obj)
    model.objects.using(using).bulk_create(new, batch_size=1_000)
    fields = ["name", "updated_at", *(["department_id"] if model is CostCenter else [])]
    model.objects.using(using).bulk_update(changed, fields, batch_size=1_000)
    summary.created += len(new)
    summary.updated += len(changed)


@dataclass(frozen=True)
class DimensionRef:
    """How a ledger row names a department, fund or cost centre: by id, by name, or both."""

    code: int | None
    name: str | None
    field: str  # the field to blame when the reference cannot be resolved


@dataclass(frozen=True)
class LedgerRow:
    """A ledger row whose own values are valid; its references are resolved against the database next."""

    line: int
    entry_date: date
    amount: Decimal
    kind: str
    refs: dict[str, DimensionRef]


DIGITS = re.compile(r"[0-9]+(\.0+)?")


def _ref_read(check: RowChecker, dimension: str, largest: int) -> DimensionRef | None:
    """The id and name a row gives for a dimension; a bare `department` column holds either."""
    code = name = None
    blame = None
    if check.present(f"{dimension}_code"):
        code = check.get(f"{dimension}_code", lambda v: code_parse(v, largest=largest))
        blame = f"{dimension}_code"
    if check.present(f"{dimension}_name"):
        name = check.get(f"{dimension}_name", name_parse)
        blame = blame or f"{dimension}_name"
    if check.present(dimension):
        if DIGITS.fullmatch(str(check.raw(dimension)).strip()):
            code = code if code is not None else check.get(dimension, lambda v: code_parse(v, largest=largest))
        else:
            name = name if name is not None else check.get(dimension, name_parse)
        blame = blame or dimension
    if blame is None:
        column = next(f for f in (f"{dimension}_code", f"{dimension}_name", dimension) if f in check.columns)
        check.fail(column, "", "is empty")
    if check.error is not None or blame is None:
        return None
    return DimensionRef(code=code, name=name, field=blame)


class DimensionIndex:
    """The departments (or funds, cost centres) a ledger may name, and those it will create."""

    def __init__(self, *, kind: str, using: str) -> None:
        self.model = DIMENSION_MODELS[kind]
        self.label = {"departments": "department", "funds": "fund", "cost_centers": "cost centre"}[kind]
        self.pks: dict[int, int] = {}
        self.codes_by_name: dict[str, set[int]] = {}
        for pk, code, name in self.model.objects.using(using).values_list("pk", "code", "name"):
            self.pks[code] = pk
            self.codes_by_name.setdefault(name.casefold(), set()).add(code)
        self.new: dict[int, tuple[str, int | None]] = {}  # code: (name, department code)

    def resolve(self, ref: DimensionRef, *, strict: bool, department_code: int | None = None) -> int | str:
        """The code the reference means, or the reason it means none; plans the creation of a new id."""
        if ref.code is not None:
            if ref.code in self.pks or ref.code in self.new:
                return ref.code
            if strict:
                return f"unknown {self.label} id {ref.code} (--strict accepts only ids already imported)"
            if ref.name is None:
                return f"unknown {self.label} id {ref.code}; give its name too to create it"
            self.new[ref.code] = (ref.name, department_code)
            self.codes_by_name.setdefault(ref.name.casefold(), set()).add(ref.code)
            return ref.code
        codes = self.codes_by_name.get(ref.name.casefold(), set()) if ref.name else set()
        if len(codes) == 1:
            return next(iter(codes))
        if codes:
            return f"{len(codes)} {self.label}s are named {ref.name!r}; give the id"
        return f"unknown {self.label} {ref.name!r}; give its id too to create it"

    def forget(self, code: int) -> None:
        """Drop a creation planned for a row that was rejected after all."""
        name, _department = self.new.pop(code)
        self.codes_by_name[name.casefold()].discard(code)

    def create(self, *, using: str, department_pks: Mapping[int, int]) -> int:
        """Insert the planned new rows and learn their primary keys; returns how many."""
        objs = []
        for code, (name, department_code) in self.new.items():
            extra = {"department_id": department_pks.get(department_code)} if self.model is CostCenter else {}
            objs.append(self.model(code=code, name=name, **extra))
        self.model.objects.using(using).bulk_create(objs, batch_size=1_000)
        self.pks.update(self.model.objects.using(using).filter(code__in=self.new).values_list("code", "pk"))
        return len(objs)


def _ledger_rows_parse(
    *, rows: Iterable[Row], columns: Mapping[str, str], largest: int, summary: ImportSummary
) -> list[LedgerRow]:
    """The rows whose date, amount, kind and references are well formed; the others go to the summary."""
    valid = []
    window = date_window()
    for line, row in rows:
        check = RowChecker(line=line, row=row, columns=columns)
        entry_date = check.get("entry_date", lambda v: ledger_date_parse(v, window=window))
        amount = check.get("amount", decimal_parse)
        kind = check.get("kind", ledger_kind_parse)
        refs = {dimension: _ref_read(check, dimension, largest) for dimension in LEDGER_DIMENSIONS}
        if check.error is not None:
            summary.reject(check.error)
            continue
        valid.append(LedgerRow(line=line, entry_date=entry_date, amount=amount, kind=kind, refs=refs))
    return valid


def ledger_import(
    *,
    path: Path,
    strict: bool = False,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    overrides: Mapping[str, str] | None = None,
    using: str = "default",
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a ledger CSV; departments, funds and cost centres are matched by id (or unique name)
    and created from id and name unless `strict`. A row equal to an existing entry is unchanged."""
    progress = progress or SilentProgress()
    layout = csv_sniff(path)
    columns = columns_find(
        layout.header,
        fields=LEDGER_FIELDS,
        required=("entry_date", "amount", "kind"),
        overrides=overrides,
        source=path.name,
    )
    absent = [d for d in LEDGER_DIMENSIONS if not any(f in columns for f in (f"{d}_code", f"{d}_name", d))]
    if absent:
        raise ImportRefused(
            f"{path.name}: no column for {', '.join(absent)} (an id column such as department_id, "
            f"a name column such as department_name, or a column named {absent[0]})"
        )
    summary = ImportSummary()
    progress.start("ledger", max(layout.lines - 1, 0))
    with transaction.atomic(using=using):
        parsed = _ledger_rows_parse(
            rows=_with_progress(csv_rows(layout, summary), progress),
            columns=columns,
            largest=_largest_code(CostCenter, using),
            summary=summary,
        )
        indexes = {dimension: DimensionIndex(kind=kind, using=using) for dimension, kind in LEDGER_DIMENSIONS.items()}
        entries: dict[tuple, LedgerRow] = {}
        for row in parsed:
            codes: dict[str, int] = {}
            planned: list[tuple[DimensionIndex, int]] = []
            for dimension, index in indexes.items():
                ref = row.refs[dimension]
                is_new = ref.code is not None and ref.code not in index.pks and ref.code not in index.new
                resolved = index.resolve(ref, strict=strict, department_code=codes.get("department"))
                if isinstance(resolved, str):
                    value = ref.code if ref.code is not None else ref.name
                    summary.reject(RowError(row.line, columns[ref.field], str(value), resolved))
                    # With --skip-invalid a rejected row must not leave a new department or fund behind.
                    for planned_index, code in planned:
                        planned_index.forget(code)
                    break
                if is_new:
                    planned.append((index, resolved))
                codes[dimension] = resolved
            else:
                key = (row.entry_date, row.amount, row.kind, codes["department"], codes["fund"], codes["cost_center"])
                if key in entries:
                    reason = f"duplicates line {entries[key].line} (same date, amount, kind and dimensions)"
                    summary.reject(RowError(row.line, columns["amount"], str(row.amount), reason))
                    continue
                entries[key] = row
        import_finish(summary, skip_invalid=skip_invalid, rejects=rejects, source=path)
        _ledger_write(entries=entries, indexes=indexes, using=using, summary=summary)
    return summary


def _ledger_write(
    *, entries: Mapping[tuple, LedgerRow], indexes: Mapping[str, DimensionIndex], using: str, summary: ImportSummary
) -> None:
    """Create the new dimensions, then the entries that are not already in the ledger."""
    indexes["department"].create(using=using, department_pks={})
    indexes["fund"].create(using=using, department_pks={})
    indexes["cost_center"].create(using=using, department_pks=indexes["department"].pks)
    if not entries:
        return
    dates = [key[0] for key in entries]
    # The ledger has no id of its own: an entry equal in every field to one already stored is the same entry.
    existing = set(
        LedgerEntry.objects.using(using)
        .filter(entry_date__range=(min(dates), max(dates)))
        .values_list("entry_date", "amount", "kind", "department__code", "fund__code", "cost_center__code")
    )
    new = []
    for key in entries:
        if key in existing:
            summary.unchanged += 1
            continue
        entry_date, amount, kind, department, fund, cost_center = key
        new.append(
            LedgerEntry(
                entry_date=entry_date,
                amount=amount,
                kind=kind,
                department_id=indexes["department"].pks[department],
                fund_id=indexes["fund"].pks[fund],
                cost_center_id=indexes["cost_center"].pks[cost_center],
            )
        )
    LedgerEntry.objects.using(using).bulk_create(new, batch_size=5_000)
    summary.created += len(new)


class LedgerFilesRejected(ImportRejected):
    """A ledger or dimension file had rejected rows: nothing from any of the files was written."""

    def __init__(self, summaries: dict[str, ImportSummary]) -> None:
        refused = next(s for s in summaries.values() if s.errors and not s.written)
        super().__init__(refused)
        self.summaries = summaries


def ledger_files_import(
    *,
    departments: Path | None = None,
    funds: Path | None = None,
    cost_centers: Path | None = None,
    ledger: Path | None = None,
    strict: bool = False,
    skip_invalid: bool = False,
    rejects_dir: Path | None = None,
    overrides: Mapping[str, str] | None = None,
    using: str = "default",
    progress: Progress | None = None,
) -> dict[str, ImportSummary]:
    """Import the dimension files, then the ledger, in one transaction: a refusal of any rolls back all."""
    files = {"departments": departments, "funds": funds, "cost_centers": cost_centers, "ledger": ledger}
    summaries: dict[str, ImportSummary] = {}
    try:
        with transaction.atomic(using=using):
            for kind, path in files.items():
                if path is None:
                    continue
                rejects = rejects_dir / rejects_default_path(path).name if rejects_dir else None
                options = {"skip_invalid": skip_invalid, "rejects": rejects, "using": using, "progress": progress}
                if kind == "ledger":
                    summaries[kind] = ledger_import(path=path, strict=strict, overrides=overrides, **options)
                else:
                    summaries[kind] = ledger_dimensions_import(kind=kind, path=path, **options)
    except ImportRejected as rejected:
        # The files imported before the refused one were rolled back with it.
        for summary in summaries.values():
            summary.created = summary.updated = summary.unchanged = 0
            summary.written = False
        summaries[next(k for k, p in files.items() if p is not None and k not in summaries)] = rejected.summary
        raise LedgerFilesRejected(summaries) from rejected
    return summaries


# --- the compte de résultat


@dataclass(frozen=True)
class StatementRow:
    """A valid statement line from a file or the API."""

    line: int
    montant: Decimal


def _statement_rows_validate(
    *, rows: Iterable[Row], columns: Mapping[str, str], summary: ImportSummary
) -> dict[tuple[int, str, str, str, str], StatementRow]:
    """The valid lines by natural key; the others (a key twice included) go to the summary."""
    valid: dict[tuple[int, str, str, str, str], StatementRow] = {}
    window = date_window()
    for line, row in rows:
        check = RowChecker(line=line, row=row, columns=columns)
        exercice = check.get("exercice", lambda v: exercice_parse(v, window=window))
        type_de_resultat = check.get("type_de_resultat", lambda v: choice_parse(v, choices=RESULT_TYPES))
        produit_charge = check.get("produit_charge", lambda v: choice_parse(v, choices=SIDES))
        poste = check.get("poste", lambda v: name_parse(v, max_length=255))
        detail = check.get("detail_postes", lambda v: name_parse(v, max_length=255, required=False))
        montant = check.get("montant_en_eur", lambda v: decimal_parse(v, max_digits=16, comma_decimal=True))
        key = (exercice, type_de_resultat, produit_charge, poste, detail)
        if check.error is None and key in valid:
            check.fail(
                "poste", poste, f"duplicates line {valid[key].line} (same exercice, type, side, poste and détail)"
            )
        if check.error is not None:
            summary.reject(check.error)
            continue
        valid[key] = StatementRow(line=line, montant=montant)
    return valid


def _json_records(records: Iterable[Any], summary: ImportSummary) -> Iterator[Row]:
    """Explore API records as (record number, {normalised field: value}); checked like CSV cells."""
    for number, record in enumerate(records, start=1):
        summary.read += 1
        if not isinstance(record, dict):
            summary.reject(RowError(number, "", str(record), "is not a JSON object"))
            continue
        row = {header_normalise(str(k)): v.strip() if isinstance(v, str) else v for k, v in record.items()}
        # A nested object or list would be stored as its Python repr ("{'a': 1}") in a text column.
        error = next(
            (
                RowError(number, k, json.dumps(v, ensure_ascii=False), "is not a single value (a JSON object or list)")
                for k, v in row.items()
                if isinstance(v, dict | list)
            ),
            None,
        ) or next(
            (e for k, v in row.items() if isinstance(v, str) and (e := cell_check(number, k, v)) is not None), None
        )
        if error is not None:
            summary.reject(error)
            continue
        yield number, row


def statement_json_load(path: Path) -> list[Any]:
    """The records of a saved explore API response (`{"total_count": N, "results": [...]}`) or a JSON list."""
    try:
        data = json_parse(path.read_bytes())
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror}") from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ImportRefused(f"{path.name} is not valid JSON: {error}") from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        if isinstance(data.get("total_count"), int) and data["total_count"] != len(data["results"]):
            raise ImportRefused(
                f"{path.name} holds {len(data['results']):,} of the dataset's {data['total_count']:,} records "
                "(one page of a paged response); import the URL instead"
            )
        return data["results"]
    if isinstance(data, list):
        return data
    raise ImportRefused(f"{path.name} is JSON but not explore API records (no 'results' list)")


def _looks_like_json(path: Path) -> bool:
    """Whether a file starts with `{` or `[` (after a BOM and spaces)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1_024).removeprefix(b"\xef\xbb\xbf").lstrip()
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror}") from None
    return head[:1] in {b"{", b"["}


def statement_import(
    *,
    source: str | Path,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    overrides: Mapping[str, str] | None = None,
    page_size: int = EXPLORE_PAGE_SIZE,
    timeout: float = HTTP_TIMEOUT_SECONDS,
    using: str = "default",
    progress: Progress | None = None,
) -> ImportSummary:
    """Import the compte de résultat from the portal's CSV export, a saved explore API JSON
    response, or an explore API `/records` URL (read in full before anything is written)."""
    progress = progress or SilentProgress()
    summary = ImportSummary()
    text = str(source)
    if text.startswith(("http://", "https://")):
        # Named after the dataset, in the working directory: a URL has no folder to put rejects next to.
        origin = Path(
            f"{urllib.parse.urlsplit(text).path.rstrip('/').removesuffix('/records').rsplit('/', 1)[-1]}.json"
        )
        records = list(
            explore_records_fetch(url=text, page_size=page_size, timeout=timeout, on_page=_PageProgress(progress))
        )
        rows: Iterable[Row] = _json_records(records, summary)
        header: Sequence[str] = _json_header(records)
        total = len(records)
    elif _looks_like_json(Path(source)):
        origin = Path(source)
        records = statement_json_load(origin)
        rows, header, total = _json_records(records, summary), _json_header(records), len(records)
    else:
        origin = Path(source)
        layout = csv_sniff(origin)
        rows, header, total = csv_rows(layout, summary), layout.header, max(layout.lines - 1, 0)
    columns = columns_find(
        header, fields=STATEMENT_FIELDS, required=STATEMENT_REQUIRED, overrides=overrides, source=origin.name
    )
    progress.start("statement", total)
    with transaction.atomic(using=using):
        lines = _statement_rows_validate(rows=_with_progress(rows, progress), columns=columns, summary=summary)
        import_finish(summary, skip_invalid=skip_invalid, rejects=rejects, source=origin)
        _statement_write(lines=lines, using=using, summary=summary)
    return summary


def _json_header(records: Sequence[Any]) -> list[str]:
    """Every field any record has, normalised like a CSV header, in first-seen order."""
    header: dict[str, None] = {}
    for record in records:
        if isinstance(record, dict):
            header.update((header_normalise(str(k)), None) for k in record)
    return list(header)


class _PageProgress:
    """Reports explore API pages to a Progress as records downloaded."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.received = 0

    def __call__(self, received: int, total: int) -> None:
        if self.received == 0:
            self.progress.start("download", total)
        self.progress.advance(received - self.received)
        self.received = received


def _statement_write(
    *, lines: Mapping[tuple[int, str, str, str, str], StatementRow], using: str, summary: ImportSummary
) -> None:
    """Create new lines, update amounts that changed (bumping updated_at), leave the rest untouched."""
    exercices = {key[0] for key in lines}
    existing = {
        (s.exercice, s.type_de_resultat, s.produit_charge, s.poste, s.detail_postes): s
        for s in StatementLine.objects.using(using).filter(exercice__in=exercices)
    }
    now = timezone.now()
    new, changed = [], []
    for key, row in lines.items():
        line = existing.get(key)
        if line is None:
            exercice, type_de_resultat, produit_charge, poste, detail = key
            new.append(
                StatementLine(
                    exercice=exercice,
                    type_de_resultat=type_de_resultat,
                    produit_charge=produit_charge,
                    poste=poste,
                    detail_postes=detail,
                    montant_en_eur=row.montant,
                )
            )
        elif line.montant_en_eur != row.montant:
            line.montant_en_eur = row.montant
            line.updated_at = now  # bulk_update skips auto_now
            changed.append(line)
        else:
            summary.unchanged += 1
    StatementLine.objects.using(using).bulk_create(new, batch_size=1_000)
    StatementLine.objects.using(using).bulk_update(changed, ["montant_en_eur", "updated_at"], batch_size=1_000)
    summary.created += len(new)
    summary.updated += len(changed)
