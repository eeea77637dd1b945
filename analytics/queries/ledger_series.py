"""Revenue, expenses and net result per bucket (the revenue-expenses and net-profit charts).

Grain: fact_ledger. Buckets are dates (the bucket's first day), filled with zeros where
nothing was booked; net-profit adds the running total over the period.
"""

from dataclasses import dataclass

from analytics.queries.base import BUCKET_SQL, Source, buckets, money
from analytics.queries.ledger_filters import LedgerFilters, expense_sum, revenue_sum

SQL = (
    f"SELECT {BUCKET_SQL.format(column='l.entry_date')} AS bucket, {revenue_sum()}, {expense_sum()}"
    " FROM fact_ledger l{where} GROUP BY 1 ORDER BY 1"
)


@dataclass(frozen=True)
class LedgerSeriesParams:
    """The filters and the bucket size."""

    filters: LedgerFilters
    granularity: str


def run(source: Source, params: LedgerSeriesParams) -> list[dict]:
    """One row per bucket, oldest first: revenue, expenses, net and cumulative net."""
    where, values = params.filters.where()
    found = {
        bucket: (money(revenue), money(expenses))
        for bucket, revenue, expenses in source.rows(SQL.format(where=where), [params.granularity, *values])
    }
    rows = []
    cumulative = money(0)
    for bucket in buckets(params.filters.period, params.granularity):
        revenue, expenses = found.get(bucket, (money(0), money(0)))
        cumulative += revenue - expenses
        rows.append(
            {
                "bucket": bucket,
                "revenue": revenue,
                "expenses": expenses,
                "net": revenue - expenses,
                "cumulative_net": cumulative,
            }
        )
    return rows
