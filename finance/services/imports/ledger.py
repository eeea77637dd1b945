"""Imports of the city ledger: its departments, funds and cost centres, and its entries
(one file, or a set of files that are refused together)."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TypedDict, TypeVar

from django.db import connections, transaction
from django.utils import timezone

from analytics.sync_requests import sync_request, sync_requests_deferred
from config.date_window import date_window
from config.imports import (
    ImportRefused,
    ImportRejected,
    ImportSummary,
    Progress,
    RowChecker,
    RowError,
    SilentProgress,
    csv_rows,
    csv_sniff,
    import_finish,
    rejects_default_path,
)
from config.records import Tracked
from finance.models import CostCenter, Department, Fund, LedgerEntry
from finance.services.imports.parsers import code_parse, decimal_parse, ledger_date_parse, ledger_kind_parse, name_parse
from finance.services.imports.rows import Row, columns_find, rows_with_progress
from workspaces.models import Workspace
from workspaces.services import workspace_default

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
# One of DIMENSION_MODELS (each a tracked model with a unique `code` and a `name`; they have no
# common base that declares those): a function over it reads and writes that one model's rows.
DimensionT = TypeVar("DimensionT", bound=Tracked)
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
    mapping: Mapping[str, str] | None = None,
    using: str = "default",
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a departments, funds or cost_centers file matched by id; names that changed are updated."""
    model = DIMENSION_MODELS[kind]
    progress = progress or SilentProgress()
    layout = csv_sniff(path)
    columns = columns_find(
        layout.header, fields=DIMENSION_FIELDS[kind], required=("code", "name"), overrides=mapping, source=path.name
    )
    summary = ImportSummary()
    progress.start(kind.replace("_", " "), max(layout.lines - 1, 0))
    # bulk_create sends no per-row signals: one sync is requested for the whole file.
    with transaction.atomic(using=using), sync_requests_deferred():
        rows = _dimension_rows_validate(
            rows=rows_with_progress(csv_rows(layout, summary), progress),
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
        if summary.created or summary.updated:
            sync_request(using=using)
    return summary


def _dimensions_write(
    *,
    model: type[DimensionT],
    rows: list[tuple[int, int, str, int | None]],
    department_pks: Mapping[int, int],
    using: str,
    summary: ImportSummary,
) -> None:
    """Create the new codes, update the changed names (and cost-centre departments), count the rest."""
    stored = model._default_manager.using(using)
    existing = stored.in_bulk(field_name="code")
    now = timezone.now()
    new: list[DimensionT] = []
    changed: list[DimensionT] = []
    for _line, code, name, department_code in rows:
        department_id = department_pks.get(department_code) if department_code is not None else None
        obj = existing.get(code)
        if obj is None:
            extra = {"department_id": department_id} if model is CostCenter else {}
            new.append(model(code=code, name=name, **extra))
            continue
        values: dict[str, str | int] = {"name": name}
        # A file without a department column leaves each cost centre's department as it was.
        if model is CostCenter and department_id is not None:
            values["department_id"] = department_id
        if all(getattr(obj, f) == v for f, v in values.items()):
            summary.unchanged += 1
            continue
        for f, v in values.items():
            setattr(obj, f, v)
        obj.updated_at = now  # bulk_update skips auto_now
        changed.append(obj)
    stored.bulk_create(new, batch_size=1_000)
    fields = ["name", "updated_at", *(["department_id"] if model is CostCenter else [])]
    stored.bulk_update(changed, fields, batch_size=1_000)
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


# What makes two ledger entries the same: date, amount, kind, and department, fund and cost centre codes.
LedgerKey = tuple[date, Decimal, str, int, int, int]

DIGITS = re.compile(r"[0-9]+(\.0+)?")


def _ref_read(check: RowChecker, dimension: str, largest: int) -> DimensionRef | None:
    """The id and name a row gives for a dimension; a bare `department` column holds either.
    None when they are not valid: `check.error` then says why."""
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
            department_id = department_pks.get(department_code) if department_code is not None else None
            extra = {"department_id": department_id} if self.model is CostCenter else {}
            objs.append(self.model(code=code, name=name, **extra))
        _bulk_create(self.model, objs, using=using)
        self.pks.update(self.model.objects.using(using).filter(code__in=self.new).values_list("code", "pk"))
        return len(objs)


def _bulk_create(model: type[DimensionT], objs: list[DimensionT], *, using: str) -> None:
    """Insert new rows of one dimension model (DimensionIndex holds its model as a union of the three)."""
    model._default_manager.using(using).bulk_create(objs, batch_size=1_000)


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
        refs: dict[str, DimensionRef] = {}
        for dimension in LEDGER_DIMENSIONS:
            ref = _ref_read(check, dimension, largest)
            if ref is not None:  # None only on a row that is rejected below
                refs[dimension] = ref
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
    mapping: Mapping[str, str] | None = None,
    using: str = "default",
    progress: Progress | None = None,
    workspace: Workspace | None = None,
) -> ImportSummary:
    """Import a ledger CSV into the workspace (None: the default one); departments, funds and
    cost centres (shared reference data) are matched by id (or unique name) and created from
    id and name unless `strict`. A row equal to an existing entry of the workspace is unchanged."""
    progress = progress or SilentProgress()
    layout = csv_sniff(path)
    columns = columns_find(
        layout.header,
        fields=LEDGER_FIELDS,
        required=("entry_date", "amount", "kind"),
        overrides=mapping,
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
    with transaction.atomic(using=using), sync_requests_deferred():
        # Resolved inside the import's transaction: a refused file never touches the database.
        workspace_id = (workspace or workspace_default(using=using)).pk
        parsed = _ledger_rows_parse(
            rows=rows_with_progress(csv_rows(layout, summary), progress),
            columns=columns,
            largest=_largest_code(CostCenter, using),
            summary=summary,
        )
        indexes = {dimension: DimensionIndex(kind=kind, using=using) for dimension, kind in LEDGER_DIMENSIONS.items()}
        entries: dict[LedgerKey, LedgerRow] = {}
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
        _ledger_write(entries=entries, indexes=indexes, using=using, summary=summary, workspace_id=workspace_id)
        if summary.created or summary.updated:
            sync_request(using=using)  # one for the file: bulk_create sends no per-row signals
    return summary


def _ledger_write(
    *,
    entries: Mapping[LedgerKey, LedgerRow],
    indexes: Mapping[str, DimensionIndex],
    using: str,
    summary: ImportSummary,
    workspace_id: int,
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
        .filter(workspace_id=workspace_id, entry_date__range=(min(dates), max(dates)))
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
                workspace_id=workspace_id,
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


class FileOptions(TypedDict):
    """What `ledger_files_import` passes on to the import of each file."""

    skip_invalid: bool
    rejects: Path | None
    using: str
    progress: Progress | None


def ledger_files_import(
    *,
    departments: Path | None = None,
    funds: Path | None = None,
    cost_centers: Path | None = None,
    ledger: Path | None = None,
    strict: bool = False,
    skip_invalid: bool = False,
    rejects_dir: Path | None = None,
    mapping: Mapping[str, str] | None = None,
    using: str = "default",
    progress: Progress | None = None,
    workspace: Workspace | None = None,
) -> dict[str, ImportSummary]:
    """Import the dimension files, then the ledger (into the workspace; None: the default one),
    in one transaction: a refusal of any rolls back all."""
    files = {"departments": departments, "funds": funds, "cost_centers": cost_centers, "ledger": ledger}
    summaries: dict[str, ImportSummary] = {}
    try:
        with transaction.atomic(using=using):
            for kind, path in files.items():
                if path is None:
                    continue
                rejects = rejects_dir / rejects_default_path(path).name if rejects_dir else None
                options = FileOptions(skip_invalid=skip_invalid, rejects=rejects, using=using, progress=progress)
                if kind == "ledger":
                    summaries[kind] = ledger_import(
                        path=path, strict=strict, mapping=mapping, workspace=workspace, **options
                    )
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
