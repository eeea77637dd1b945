"""The values the filters accept and the dates the data spans, per generation.

Reads the small dimensions and min/max of the rollups; the API validates `region`,
`genre`, `department`, `fund` and `exercice` against this answer.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

from analytics.queries.base import Source

SALES_BOUNDS_SQL = "SELECT MIN(sale_date), MAX(sale_date) FROM agg_sales_mix_daily"
LEDGER_BOUNDS_SQL = "SELECT MIN(entry_date), MAX(entry_date) FROM fact_ledger"
REGIONS_SQL = "SELECT code, name FROM dim_region ORDER BY name, code"
GENRES_SQL = "SELECT slug, name FROM dim_genre ORDER BY name, slug"
DEPARTMENTS_SQL = "SELECT code, name FROM dim_department ORDER BY name, code"
FUNDS_SQL = "SELECT code, name FROM dim_fund ORDER BY name, code"
EXERCICES_SQL = "SELECT DISTINCT exercice FROM fact_statement_line ORDER BY exercice"


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
    """No parameters: the answer depends on the generation alone."""


def run(source: Source, params: FilterOptionsParams) -> FilterOptions:
    """Filter values (code and name) and date bounds (first and last day with data)."""
    sales_first, sales_last = source.rows(SALES_BOUNDS_SQL)[0]
    ledger_first, ledger_last = source.rows(LEDGER_BOUNDS_SQL)[0]
    return {
        "sales_first_date": _day(sales_first),
        "sales_last_date": _day(sales_last),
        "ledger_first_date": _day(ledger_first),
        "ledger_last_date": _day(ledger_last),
        "regions": [{"code": code, "name": name} for code, name in source.rows(REGIONS_SQL)],
        "genres": [{"slug": slug, "name": name} for slug, name in source.rows(GENRES_SQL)],
        "departments": [{"code": code, "name": name} for code, name in source.rows(DEPARTMENTS_SQL)],
        "funds": [{"code": code, "name": name} for code, name in source.rows(FUNDS_SQL)],
        "exercices": [exercice for (exercice,) in source.rows(EXERCICES_SQL)],
    }


def _day(value: date | None) -> date | None:
    # Redshift's driver and psycopg give dates; DuckDB too, but a datetime would slip through.
    return value.date() if isinstance(value, datetime) else value
