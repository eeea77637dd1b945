"""Revenue, units and orders per day, week, month, quarter or year.

Grain: agg_sales_mix_daily (day × region × genre). Buckets are dates (the bucket's first day), so a month keeps its
year; buckets without sales are filled with zeros so that a chart has no holes.
"""

from dataclasses import dataclass

from analytics.queries.base import BUCKET_SQL, Source, buckets, count, money
from analytics.queries.sales_filters import SalesFilters

SQL = (
    f"SELECT {BUCKET_SQL.format(column='a.sale_date')} AS bucket, SUM(a.revenue), SUM(a.units), SUM(a.orders)"
    " FROM agg_sales_mix_daily a{where} GROUP BY 1 ORDER BY 1"
)


@dataclass(frozen=True)
class TimeseriesParams:
    """The filters and the bucket size (one of base.GRANULARITIES)."""

    filters: SalesFilters
    granularity: str


def run(source: Source, params: TimeseriesParams) -> list[dict]:
    """One row per bucket of the period, oldest first."""
    where, values = params.filters.where(source.scope)
    found = {
        bucket: (money(revenue), count(units), count(orders))
        for bucket, revenue, units, orders in source.rows(SQL.format(where=where), [params.granularity, *values])
    }
    rows = []
    for bucket in buckets(params.filters.period, params.granularity):
        revenue, units, orders = found.get(bucket, (money(0), 0, 0))
        rows.append({"bucket": bucket, "revenue": revenue, "units": units, "orders": orders})
    return rows
