"""Where the money goes: departments by spending, with their budget; or, for one
department, its cost centres by spending.

Budgets are per department and fiscal year: the budget of a period is the sum over the
fiscal years the period touches. Cost centres have no budget of their own. Grain:
fact_ledger and fact_budget.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from analytics.queries.base import Source, code_filter, money, ratio
from analytics.queries.ledger_filters import LedgerFilters, expense_sum

DEPARTMENTS_SQL = (
    f"SELECT d.code, d.name, {expense_sum()}"
    " FROM fact_ledger l JOIN dim_department d ON d.department_id = l.department_id{where}"
    " GROUP BY d.code, d.name"
)
BUDGETS_SQL = (
    "SELECT d.code, SUM(b.amount) FROM fact_budget b JOIN dim_department d ON d.department_id = b.department_id"
    " WHERE b.workspace_id = %s AND b.fiscal_year >= %s AND b.fiscal_year <= %s{limits} GROUP BY d.code"
)
COST_CENTERS_SQL = (
    f"SELECT c.code, c.name, {expense_sum()}"
    " FROM fact_ledger l JOIN dim_cost_center c ON c.cost_center_id = l.cost_center_id{where}"
    " GROUP BY c.code, c.name"
)


@dataclass(frozen=True)
class TopBudgetParams:
    """The filters and how many rows; with exactly one department, its cost centres."""

    filters: LedgerFilters
    limit: int = 10


def run(source: Source, params: TopBudgetParams) -> list[dict]:
    """The largest spenders first (ties by code), each with budget and share used."""
    where, values = params.filters.where(source.scope)
    if len(params.filters.departments) == 1:
        spenders = [
            (code, name, money(expenses))
            for code, name, expenses in source.rows(COST_CENTERS_SQL.format(where=where), values)
        ]
        budgets: dict[int, Decimal] = {}
        level = "cost_center"
    else:
        spenders = [
            (code, name, money(expenses))
            for code, name, expenses in source.rows(DEPARTMENTS_SQL.format(where=where), values)
        ]
        period = params.filters.period
        years = [period.start.year, (period.end - timedelta(days=1)).year]
        limits, limited = code_filter(
            "b.department_id", "dim_department", "department_id", "code", source.scope.departments
        )
        budgets = {
            code: money(amount)
            for code, amount in source.rows(
                BUDGETS_SQL.format(limits=limits), [source.scope.workspace_id, *years, *limited]
            )
        }
        level = "department"
    spenders.sort(key=lambda row: (-row[2], row[0]))
    rows = []
    for code, name, expenses in spenders[: params.limit]:
        budget = budgets.get(code)
        rows.append(
            {
                "level": level,
                "code": code,
                "name": name,
                "expenses": expenses,
                "budget": budget,
                "budget_used": ratio(expenses, budget) if budget is not None else None,
            }
        )
    return rows
