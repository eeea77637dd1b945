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

# One statement (a DuckDB query costs ~0.7 ms however small): every code the scope's facts
# reference, by kind, each kind ordered by name then code. The first and last day come with
# the regions (sales) and the departments (ledger); LEFT JOINs, so a day is never lost to a
# code missing from its dimension. Text codes (region, genre) and numbers (department, fund,
# exercice) have a column each.
OPTIONS_SQL = (
    "SELECT 'region' AS kind, r.code AS text_code, CAST(NULL AS BIGINT) AS number_code, r.name AS name,"
    " MIN(a.first_day) AS first_day, MAX(a.last_day) AS last_day FROM agg_sales_scope a"
    " LEFT JOIN dim_region r ON r.region_id = a.region_id WHERE a.workspace_id = %s{regions} GROUP BY r.code, r.name"
    " UNION ALL SELECT 'genre', g.slug, NULL, g.name, NULL, NULL FROM agg_sales_scope a"
    " JOIN dim_genre g ON g.genre_id = a.genre_id WHERE a.workspace_id = %s{regions} GROUP BY g.slug, g.name"
    " UNION ALL SELECT 'department', NULL, d.code, d.name, MIN(a.first_day), MAX(a.last_day) FROM agg_ledger_scope a"
    " LEFT JOIN dim_department d ON d.department_id = a.department_id WHERE a.workspace_id = %s{departments}"
    " GROUP BY d.code, d.name"
    " UNION ALL SELECT 'fund', NULL, f.code, f.name, NULL, NULL FROM agg_ledger_scope a"
    " JOIN dim_fund f ON f.fund_id = a.fund_id WHERE a.workspace_id = %s{departments} GROUP BY f.code, f.name"
    " UNION ALL SELECT 'exercice', NULL, exercice, NULL, NULL, NULL FROM fact_statement_line"
    " WHERE workspace_id = %s{statement} GROUP BY exercice"
    " ORDER BY kind, name, text_code, number_code"
)


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
    # Statement lines have no department: a scope limited to some departments sees none.
    sql = OPTIONS_SQL.format(regions=regions, departments=departments, statement=NOTHING if scope.departments else "")
    workspace = scope.workspace_id
    values = [
        *(workspace, *region_codes) * 2,
        *(workspace, *department_codes) * 2,
        workspace,
    ]
    found: dict[str, list[tuple]] = {kind: [] for kind in ("region", "genre", "department", "fund", "exercice")}
    for kind, text_code, number_code, name, first, last in source.rows(sql, values):
        found[kind].append((text_code if number_code is None else int(number_code), name, first, last))
    sales_first, sales_last = _bounds(found["region"])
    ledger_first, ledger_last = _bounds(found["department"])
    return {
        "sales_first_date": sales_first,
        "sales_last_date": sales_last,
        "ledger_first_date": ledger_first,
        "ledger_last_date": ledger_last,
        "regions": [{"code": code, "name": name} for code, name, _, _ in found["region"] if code is not None],
        "genres": [{"slug": slug, "name": name} for slug, name, _, _ in found["genre"]],
        "departments": [{"code": code, "name": name} for code, name, _, _ in found["department"] if code is not None],
        "funds": [{"code": code, "name": name} for code, name, _, _ in found["fund"]],
        "exercices": [exercice for exercice, _, _, _ in found["exercice"]],
    }


def _bounds(rows: list[tuple]) -> tuple[date | None, date | None]:
    """The earliest first day and the latest last day of grouped rows (…, first, last)."""
    firsts = [_day(row[2]) for row in rows if row[2] is not None]
    lasts = [_day(row[3]) for row in rows if row[3] is not None]
    return min(firsts, default=None), max(lasts, default=None)


def _day(value: date) -> date:
    # Redshift's driver and psycopg give dates; DuckDB too, but a datetime would slip through.
    return value.date() if isinstance(value, datetime) else value
