"""Two questions over the ledger per bucket: revenue and expenses (revenue_expenses), and the
net result with its running total and margin (net_profit).

Grain: fact_ledger. Buckets are dates (the bucket's first day), filled with zeros where
nothing was booked.
"""

from dataclasses import dataclass

from analytics.queries.base import BUCKET_SQL, Source, buckets, money, ratio
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


def revenue_expenses(source: Source, params: LedgerSeriesParams) -> list[dict]:
    """One row per bucket, oldest first: revenue, expenses under the sign rules, and net."""
    where, values = params.filters.where(source.scope)
    found = {
        bucket: (money(revenue), money(expenses))
        for bucket, revenue, expenses in source.rows(SQL.format(where=where), [params.granularity, *values])
    }
    rows = []
    for bucket in buckets(params.filters.period, params.granularity):
        revenue, expenses = found.get(bucket, (money(0), money(0)))
        rows.append({"bucket": bucket, "revenue": revenue, "expenses": expenses, "net": revenue - expenses})
    return rows


def net_profit(source: Source, params: LedgerSeriesParams) -> list[dict]:
    """One row per bucket, oldest first: the net result (revenue − expenses), its running
    total from the start of the period, and the margin (net / revenue) of the bucket and
    of the period so far; a margin without revenue is None."""
    rows = []
    revenue_so_far = money(0)
    cumulative = money(0)
    for row in revenue_expenses(source, params):
        revenue_so_far += row["revenue"]
        cumulative += row["net"]
        rows.append(
            {
                **row,
                "cumulative_net": cumulative,
                "margin": ratio(row["net"], row["revenue"]),
                "cumulative_margin": ratio(cumulative, revenue_so_far),
            }
        )
    return rows
