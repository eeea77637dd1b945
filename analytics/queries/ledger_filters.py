"""The filters and sign rules every city-ledger question shares.

Sign rules (from the seed's financial dashboard): a negative revenue counts as an expense
and a negative expense as revenue, so both totals are sums of positive amounts.
"""

from dataclasses import dataclass

from analytics.queries.base import Period, placeholders

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

    def where(self, alias: str = "l") -> tuple[str, list[object]]:
        """The WHERE clause over fact_ledger (aliased) and its bound values."""
        sql = f" WHERE {alias}.entry_date >= %s AND {alias}.entry_date < %s"
        values: list[object] = [self.period.start, self.period.end]
        if self.departments:
            sql += (
                f" AND {alias}.department_id IN"
                f" (SELECT department_id FROM dim_department WHERE code IN ({placeholders(self.departments)}))"
            )
            values += list(self.departments)
        if self.funds:
            sql += f" AND {alias}.fund_id IN (SELECT fund_id FROM dim_fund WHERE code IN ({placeholders(self.funds)}))"
            values += list(self.funds)
        return sql, values
