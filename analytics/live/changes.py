"""What a published generation changed, per workspace and domain, read from its exported batch.

A domain is what a dashboard refetches as one: `sales` (books and sales), `ledger` (ledger
entries and budgets), `statement` (statement lines). Each changed domain carries the dates its
changed facts span, `{"from": "2025-01-02", "to": "2025-12-31"}`, or nulls when any date may
have moved: a full refresh, deletions (a tombstone names a key, not its workspace or date), a
book (its genre or title shows on every date it sold) or shared reference data (a region or a
genre renamed shows in every workspace).
"""

import datetime as dt
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from analytics.lake import Lake, scratch_directory
from analytics.manifest import Manifest, TableBatch
from workspaces.selectors import workspace_ids

DOMAINS = ("sales", "ledger", "statement")
# Facts: their domain, and the column that dates a row ("" for a table whose changes date
# nothing narrower than "any date": a book). Integer columns are years (fiscal year, exercice).
FACTS: dict[str, tuple[str, str]] = {
    "fact_sales": ("sales", "sale_date"),
    "dim_book": ("sales", ""),
    "fact_ledger": ("ledger", "entry_date"),
    "fact_budget": ("ledger", "fiscal_year"),
    "fact_statement_line": ("statement", "exercice"),
}
# Reference data every workspace shares.
SHARED: dict[str, str] = {
    "dim_genre": "sales",
    "dim_region": "sales",
    "dim_department": "ledger",
    "dim_fund": "ledger",
    "dim_cost_center": "ledger",
}

Span = dict[str, str | None]  # {"from": ISO date | None, "to": ISO date | None}
Changes = dict[str, dict[str, Span]]  # workspace id (text: a JSON key) -> domain -> span
ANY_DATE: Span = {"from": None, "to": None}


def changes_everywhere(domains: tuple[str, ...] = DOMAINS, *, using: str = "default") -> Changes:
    """Every workspace, each domain at any date: what a full refresh or a rebuild changes."""
    return {str(workspace): {domain: dict(ANY_DATE) for domain in domains} for workspace in workspace_ids(using)}


def generation_changes(*, manifest: Manifest, lake: Lake, using: str = "default") -> Changes:
    """What the batch changes, per workspace: the rows files' workspace_id and date columns
    (read back from the lake, only those two columns), tombstones and shared tables."""
    if manifest.full:
        return changes_everywhere(using=using)
    changes: Changes = {}
    everywhere: set[str] = set()
    with scratch_directory() as scratch:
        for name, entry in manifest.tables.items():
            if name in SHARED and entry.changed:
                everywhere.add(SHARED[name])
            if name not in FACTS:
                continue
            domain, column = FACTS[name]
            if entry.tombstones:
                everywhere.add(domain)
            if entry.rows:
                for workspace, span in _spans(lake, entry, column, Path(scratch)).items():
                    _merge(changes.setdefault(str(workspace), {}), domain, span)
    if everywhere:
        for key, domains in changes_everywhere(tuple(sorted(everywhere)), using=using).items():
            for domain, span in domains.items():
                _merge(changes.setdefault(key, {}), domain, span)
    return changes


def _spans(lake: Lake, entry: TableBatch, column: str, scratch: Path) -> dict[int, Span]:
    """Per workspace, the first and last date of the table's exported rows."""
    spans: dict[int, Span] = {}
    for file in entry.files:
        if not file.rows:
            continue
        columns = ["workspace_id", column] if column else ["workspace_id"]
        table = pq.read_table(lake.local_copy(file.key, scratch), columns=columns)
        if not column:
            for workspace in pc.unique(table.column("workspace_id")).to_pylist():
                if workspace is not None:  # the column is NOT NULL; the type says it could be
                    _span_merge(spans, int(workspace), dict(ANY_DATE))
            continue
        grouped = table.group_by("workspace_id").aggregate([(column, "min"), (column, "max")])
        for row in grouped.to_pylist():
            span = {"from": _day(row[f"{column}_min"], first=True), "to": _day(row[f"{column}_max"], first=False)}
            _span_merge(spans, int(row["workspace_id"]), span)
    return spans


def _day(value: dt.date | int | None, *, first: bool) -> str | None:
    """A date column's value as an ISO date; a year as its first or last day."""
    if value is None:
        return None
    if isinstance(value, int):
        return dt.date(value, 1, 1).isoformat() if first else dt.date(value, 12, 31).isoformat()
    return value.isoformat()


def _span_merge(spans: dict[int, Span], workspace: int, span: Span) -> None:
    spans[workspace] = _union(spans[workspace], span) if workspace in spans else span


def _merge(domains: dict[str, Span], domain: str, span: Span) -> None:
    domains[domain] = _union(domains[domain], span) if domain in domains else dict(span)


def _union(one: Span, other: Span) -> Span:
    """The span covering both; any date (null) wins, since it covers every date."""
    starts = [day for day in (one["from"], other["from"]) if day is not None]
    ends = [day for day in (one["to"], other["to"]) if day is not None]
    if len(starts) < 2 or len(ends) < 2:
        return dict(ANY_DATE)
    return {"from": min(starts), "to": max(ends)}  # ISO dates order as the dates do
