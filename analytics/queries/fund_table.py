"""Revenue, expenses, net and coverage ratio per fund. Grain: fact_ledger."""

from dataclasses import dataclass

from analytics.queries.base import Source, money, ratio
from analytics.queries.ledger_filters import LedgerFilters, expense_sum, revenue_sum

SQL = (
    f"SELECT f.code, f.name, {revenue_sum()}, {expense_sum()}"
    " FROM fact_ledger l JOIN dim_fund f ON f.fund_id = l.fund_id{where}"
    " GROUP BY f.code, f.name ORDER BY f.code"
)


@dataclass(frozen=True)
class FundTableParams:
    """The filters."""

    filters: LedgerFilters


def run(source: Source, params: FundTableParams) -> list[dict]:
    """One row per fund with entries in the period; ratio is revenue / expenses."""
    where, values = params.filters.where(source.scope)
    rows = []
    for code, name, revenue, expenses in source.rows(SQL.format(where=where), values):
        revenue, expenses = money(revenue), money(expenses)
        rows.append(
            {
                "fund": code,
                "name": name,
                "revenue": revenue,
                "expenses": expenses,
                "net": revenue - expenses,
                "ratio": ratio(revenue, expenses),
            }
        )
    return rows
