"""Sales KPIs for a period and the period of equal length before it.

Grain: agg_sales_mix_daily (day × region × genre), one scan covering both periods.
"""

from dataclasses import dataclass
from decimal import Decimal

from analytics.queries.base import Period, Source, change, count, money
from analytics.queries.sales_filters import SalesFilters

SQL = (
    "SELECT CASE WHEN a.sale_date >= %s THEN 1 ELSE 0 END AS current_period,"
    " SUM(a.revenue), SUM(a.units), SUM(a.orders)"
    " FROM agg_sales_mix_daily a{where} GROUP BY 1"
)


@dataclass(frozen=True)
class SummaryParams:
    """The filters; the comparison period is derived from them."""

    filters: SalesFilters


def run(source: Source, params: SummaryParams) -> dict:
    """Revenue, units, orders and average order value, with the previous period and the change."""
    period = params.filters.period
    previous = period.previous()
    where, values = params.filters.where(source.scope, period=Period(previous.start, period.end))
    totals = {0: (money(0), 0, 0), 1: (money(0), 0, 0)}
    for current, revenue, units, orders in source.rows(SQL.format(where=where), [period.start, *values]):
        totals[int(current)] = (money(revenue), count(units), count(orders))
    revenue, units, orders = totals[1]
    previous_revenue, previous_units, previous_orders = totals[0]
    average = _average(revenue, orders)
    previous_average = _average(previous_revenue, previous_orders)
    return {
        "start": period.start,
        "end": period.end,
        "revenue": revenue,
        "units": units,
        "orders": orders,
        "average_order_value": average,
        "previous_start": previous.start,
        "previous_end": previous.end,
        "previous_revenue": previous_revenue,
        "previous_units": previous_units,
        "previous_orders": previous_orders,
        "previous_average_order_value": previous_average,
        "revenue_change": change(revenue, previous_revenue),
        "units_change": change(units, previous_units),
        "orders_change": change(orders, previous_orders),
        "average_order_value_change": change(average or 0, previous_average or 0),
    }


def _average(revenue: Decimal, orders: int) -> Decimal | None:
    return money(revenue / orders) if orders else None
