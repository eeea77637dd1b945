"""Sales by one dimension (region or genre) for a period, with share and trend.

Grain: agg_sales_mix_daily (day × region × genre); one scan covers the period and the one before it (for the trend).
"""

from dataclasses import dataclass

from analytics.queries.base import Period, Source, change, count, money, ratio
from analytics.queries.sales_filters import SalesFilters

# allowlist: dimension → (table, key, code column)
DIMENSIONS = {"region": ("dim_region", "region_id", "code"), "genre": ("dim_genre", "genre_id", "slug")}

SQL = (
    "SELECT d.{code}, d.name,"
    " SUM(CASE WHEN a.sale_date >= %s THEN a.revenue ELSE 0 END),"
    " SUM(CASE WHEN a.sale_date >= %s THEN a.units ELSE 0 END),"
    " SUM(CASE WHEN a.sale_date >= %s THEN a.orders ELSE 0 END),"
    " SUM(CASE WHEN a.sale_date < %s THEN a.revenue ELSE 0 END)"
    " FROM agg_sales_mix_daily a JOIN {table} d ON d.{key} = a.{key}{where}"
    " GROUP BY d.{code}, d.name"
)


@dataclass(frozen=True)
class BreakdownParams:
    """The filters; the dimension is fixed by the endpoint."""

    filters: SalesFilters


def run(source: Source, params: BreakdownParams, dimension: str) -> list[dict]:
    """One row per region or genre with sales in either period, by revenue, largest first."""
    table, key, code = DIMENSIONS[dimension]
    period = params.filters.period
    where, values = params.filters.where(source.scope, period=Period(period.previous().start, period.end))
    start = period.start
    found = source.rows(SQL.format(code=code, table=table, key=key, where=where), [start, start, start, start, *values])
    rows = [
        (value, name, money(revenue), count(units), count(orders), money(previous))
        for value, name, revenue, units, orders, previous in found
    ]
    total = sum((row[2] for row in rows), money(0))
    rows.sort(key=lambda row: (-row[2], row[0]))
    return [
        {
            dimension: value,
            "name": name,
            "revenue": revenue,
            "units": units,
            "orders": orders,
            "share": ratio(revenue, total),
            "previous_revenue": previous,
            "revenue_change": change(revenue, previous),
        }
        for value, name, revenue, units, orders, previous in rows
    ]
