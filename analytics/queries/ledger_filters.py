"""The filters and sign rules every city-ledger question shares.

Sign rules (from the seed's financial dashboard): a negative revenue counts as an expense
and a negative expense as revenue, so both totals are sums of positive amounts.
"""

from dataclasses import dataclass

from analytics.queries.base import Period, code_filter
from workspaces.scope import Scope

REVENUE_SQL = (
    "CASE WHEN {t}.kind = 'Revenues' AND {t}.amount > 0 THEN {t}.amount"
    " WHEN {t}.kind = 'Expenses' AND {t}.amount < 0 THEN -{t}.amount ELSE 0 END"
)
EXPENSE_SQL = (
    "CASE WHEN {t}.kind = 'Expenses' AND {t}.amount > 0 THEN {t}.amount"
    " WHEN {t}.kind = 'Revenues' AND {t}.amount < 0 THEN -{t}.amount ELSE 0 END"
)


def revenue_sum(alias: str = "l") -> str:
    """SUM of revenue under the sign rules."""
    return f"SUM({REVENUE_SQL.format(t=alias)})"


def expense_sum(alias: str = "l") -> str:
    """SUM of expenses under the sign rules."""
    return f"SUM({EXPENSE_SQL.format(t=alias)})"


@dataclass(frozen=True)
class LedgerFilters:
    """A date range and optional departments and funds (their codes)."""

    period: Period
    departments: tuple[int, ...] = ()
    funds: tuple[int, ...] = ()

    def where(self, scope: Scope, alias: str = "l") -> tuple[str, list[object]]:
        """The WHERE clause over fact_ledger (aliased) and its bound values: the scope's
        workspace and departments, the period, and the filters (a department outside the
        scope's limits gives no rows)."""
        sql = f" WHERE {alias}.workspace_id = %s AND {alias}.entry_date >= %s AND {alias}.entry_date < %s"
        values: list[object] = [scope.workspace_id, self.period.start, self.period.end]
        for column, dimension, key, codes in (
            (f"{alias}.department_id", "dim_department", "department_id", scope.departments),
            (f"{alias}.department_id", "dim_department", "department_id", self.departments),
            (f"{alias}.fund_id", "dim_fund", "fund_id", self.funds),
        ):
            condition, bound = code_filter(column, dimension, key, "code", codes)
            sql += condition
            values += bound
        return sql, values
