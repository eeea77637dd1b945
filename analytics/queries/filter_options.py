"""The values the filters accept and the dates the data spans, per generation and scope.

A scope learns only the regions, genres, departments and funds its own facts reference
(the dimensions are shared by every workspace, so listing them whole would show one
workspace another's codes), and the dates of its own facts. Grain: agg_sales_scope and
agg_ledger_scope (a few hundred rows: each workspace's codes with their first and last day)
and fact_statement_line; the API validates `region`, `genre`, `department`, `fund` and
`exercice` against this answer.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

from analytics.queries.base import NOTHING, Source, code_filter

# The first and last day come with the region (sales) and the department (ledger) lists;
# LEFT JOINs, so a day is never lost to a code missing from its dimension.
REGIONS_SQL = (
    "SELECT r.code, r.name, MIN(a.first_day), MAX(a.last_day) FROM agg_sales_scope a"
    " LEFT JOIN dim_region r ON r.region_id = a.region_id WHERE a.workspace_id = %s{limits}"
    " GROUP BY r.code, r.name ORDER BY r.name, r.code"
)
GENRES_SQL = (
    "SELECT g.slug, g.name FROM agg_sales_scope a JOIN dim_genre g ON g.genre_id = a.genre_id"
    " WHERE a.workspace_id = %s{limits} GROUP BY g.slug, g.name ORDER BY g.name, g.slug"
)
DEPARTMENTS_SQL = (
    "SELECT d.code, d.name, MIN(a.first_day), MAX(a.last_day) FROM agg_ledger_scope a"
    " LEFT JOIN dim_department d ON d.department_id = a.department_id WHERE a.workspace_id = %s{limits}"
    " GROUP BY d.code, d.name ORDER BY d.name, d.code"
)
FUNDS_SQL = (
    "SELECT f.code, f.name FROM agg_ledger_scope a JOIN dim_fund f ON f.fund_id = a.fund_id"
    " WHERE a.workspace_id = %s{limits} GROUP BY f.code, f.name ORDER BY f.name, f.code"
)
EXERCICES_SQL = "SELECT DISTINCT exercice FROM fact_statement_line WHERE workspace_id = %s{limits} ORDER BY exercice"


class RegionOption(TypedDict):
    code: str
    name: str


class GenreOption(TypedDict):
    slug: str
    name: str


class LedgerCodeOption(TypedDict):
    """A department or a fund."""

    code: int
    name: str


class FilterOptions(TypedDict):
    """The answer: date bounds are None while a fact table is empty."""

    sales_first_date: date | None
    sales_last_date: date | None
    ledger_first_date: date | None
    ledger_last_date: date | None
    regions: list[RegionOption]
    genres: list[GenreOption]
    departments: list[LedgerCodeOption]
    funds: list[LedgerCodeOption]
    exercices: list[int]


@dataclass(frozen=True)
class FilterOptionsParams:
    """No parameters: the answer depends on the generation and the scope alone."""


def run(source: Source, params: FilterOptionsParams) -> FilterOptions:
    """Filter values (code and name) and date bounds (first and last day with data) of the scope."""
    scope = source.scope
    regions, region_codes = code_filter("a.region_id", "dim_region", "region_id", "code", scope.regions)
    departments, department_codes = code_filter(
        "a.department_id", "dim_department", "department_id", "code", scope.departments
    )
    sales = [scope.workspace_id, *region_codes]
    ledger = [scope.workspace_id, *department_codes]
    by_region = source.rows(REGIONS_SQL.format(limits=regions), sales)
    by_department = source.rows(DEPARTMENTS_SQL.format(limits=departments), ledger)
    # Statement lines have no department: a scope limited to some departments sees none.
    exercices = source.rows(EXERCICES_SQL.format(limits=NOTHING if scope.departments else ""), [scope.workspace_id])
    sales_first, sales_last = _bounds(by_region)
    ledger_first, ledger_last = _bounds(by_department)
    return {
        "sales_first_date": sales_first,
        "sales_last_date": sales_last,
        "ledger_first_date": ledger_first,
        "ledger_last_date": ledger_last,
        "regions": [{"code": code, "name": name} for code, name, _, _ in by_region if code is not None],
        "genres": [
            {"slug": slug, "name": name} for slug, name in source.rows(GENRES_SQL.format(limits=regions), sales)
        ],
        "departments": [{"code": code, "name": name} for code, name, _, _ in by_department if code is not None],
        "funds": [
            {"code": code, "name": name} for code, name in source.rows(FUNDS_SQL.format(limits=departments), ledger)
        ],
        "exercices": [exercice for (exercice,) in exercices],
    }


def _bounds(rows: list[tuple]) -> tuple[date | None, date | None]:
    """The earliest first day and the latest last day of grouped rows (…, first, last)."""
    firsts = [_day(row[2]) for row in rows if row[2] is not None]
    lasts = [_day(row[3]) for row in rows if row[3] is not None]
    return min(firsts, default=None), max(lasts, default=None)


def _day(value: date) -> date:
    # Redshift's driver and psycopg give dates; DuckDB too, but a datetime would slip through.
    return value.date() if isinstance(value, datetime) else value
