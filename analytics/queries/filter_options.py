"""The values the filters accept and the dates the data spans, per generation and scope.

A scope learns only the regions, genres, departments and funds its own facts reference
(the dimensions are shared by every workspace, so listing them whole would show one
workspace another's codes), and the dates of its own facts. Reads the mix rollup and the
ledger, budget and statement facts once each, grouped by the codes, then the small
dimensions; the API validates `region`, `genre`, `department`, `fund` and `exercice`
against this answer.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

from analytics.queries.base import NOTHING, Source, code_filter

SALES_SQL = (
    "SELECT a.region_id, a.genre_id, MIN(a.sale_date), MAX(a.sale_date) FROM agg_sales_mix_daily a"
    " WHERE a.workspace_id = %s{limits} GROUP BY a.region_id, a.genre_id"
)
LEDGER_SQL = (
    "SELECT l.department_id, l.fund_id, MIN(l.entry_date), MAX(l.entry_date) FROM fact_ledger l"
    " WHERE l.workspace_id = %s{limits} GROUP BY l.department_id, l.fund_id"
)
BUDGET_DEPARTMENTS_SQL = "SELECT DISTINCT b.department_id FROM fact_budget b WHERE b.workspace_id = %s{limits}"
REGIONS_SQL = "SELECT region_id, code, name FROM dim_region ORDER BY name, code"
GENRES_SQL = "SELECT genre_id, slug, name FROM dim_genre ORDER BY name, slug"
DEPARTMENTS_SQL = "SELECT department_id, code, name FROM dim_department ORDER BY name, code"
FUNDS_SQL = "SELECT fund_id, code, name FROM dim_fund ORDER BY name, code"
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
    regions, limited_regions = code_filter("a.region_id", "dim_region", "region_id", "code", scope.regions)
    sales = source.rows(SALES_SQL.format(limits=regions), [scope.workspace_id, *limited_regions])
    departments, limited_departments = code_filter(
        "l.department_id", "dim_department", "department_id", "code", scope.departments
    )
    ledger = source.rows(LEDGER_SQL.format(limits=departments), [scope.workspace_id, *limited_departments])
    budget_limits, _ = code_filter("b.department_id", "dim_department", "department_id", "code", scope.departments)
    budget_departments = {
        department_id
        for (department_id,) in source.rows(
            BUDGET_DEPARTMENTS_SQL.format(limits=budget_limits), [scope.workspace_id, *limited_departments]
        )
    }
    # Statement lines have no department: a scope limited to some departments sees none.
    exercices = source.rows(EXERCICES_SQL.format(limits=NOTHING if scope.departments else ""), [scope.workspace_id])
    sales_first, sales_last = _bounds(sales)
    ledger_first, ledger_last = _bounds(ledger)
    region_ids = {row[0] for row in sales}
    genre_ids = {row[1] for row in sales}
    department_ids = {row[0] for row in ledger} | budget_departments
    fund_ids = {row[1] for row in ledger}
    return {
        "sales_first_date": sales_first,
        "sales_last_date": sales_last,
        "ledger_first_date": ledger_first,
        "ledger_last_date": ledger_last,
        "regions": [{"code": code, "name": name} for key, code, name in source.rows(REGIONS_SQL) if key in region_ids],
        "genres": [{"slug": slug, "name": name} for key, slug, name in source.rows(GENRES_SQL) if key in genre_ids],
        "departments": [
            {"code": code, "name": name} for key, code, name in source.rows(DEPARTMENTS_SQL) if key in department_ids
        ],
        "funds": [{"code": code, "name": name} for key, code, name in source.rows(FUNDS_SQL) if key in fund_ids],
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
