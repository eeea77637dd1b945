"""Departments ranked by return on investment.

ROI here is the department's net result over its expenses: (revenue − expenses) /
expenses, so 0.25 means a quarter more came in than went out. A department without
expenses has no ROI and ranks last. Grain: fact_ledger.
"""

from dataclasses import dataclass

from analytics.queries.base import Source, money, ratio
from analytics.queries.ledger_filters import LedgerFilters, expense_sum, revenue_sum

SQL = (
    f"SELECT d.code, d.name, {revenue_sum()}, {expense_sum()}"
    " FROM fact_ledger l JOIN dim_department d ON d.department_id = l.department_id{where}"
    " GROUP BY d.code, d.name"
)


@dataclass(frozen=True)
class TopRoiParams:
    """The filters and how many departments to return."""

    filters: LedgerFilters
    limit: int = 10


def run(source: Source, params: TopRoiParams) -> list[dict]:
    """The departments with the highest ROI first (ties by department code)."""
    where, values = params.filters.where(source.scope)
    rows = []
    for code, name, revenue, expenses in source.rows(SQL.format(where=where), values):
        revenue, expenses = money(revenue), money(expenses)
        net = revenue - expenses
        rows.append(
            {
                "department": code,
                "name": name,
                "revenue": revenue,
                "expenses": expenses,
                "net": net,
                "roi": ratio(net, expenses),
            }
        )
    rows.sort(key=lambda row: (row["roi"] is None, -(row["roi"] or 0), row["department"]))
    return rows[: params.limit]
