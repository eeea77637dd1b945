"""Warm the cache for a new generation with the questions the dashboard asks first."""

import logging

from analytics.api import analytics_views as views
from analytics.runner import NoGeneration, QueryFailed
from analytics.warehouse.base import WarehouseUnavailable

logger = logging.getLogger(__name__)

# The dashboard's opening questions: every page with its default filters.
DASHBOARD_DEFAULTS: tuple[tuple[type[views.AnswerView], dict[str, str]], ...] = (
    (views.SummaryView, {}),
    (views.TimeseriesView, {}),
    (views.TopBooksView, {}),
    (views.SalesByRegionView, {}),
    (views.SalesByGenreView, {}),
    (views.InitialiseView, {}),
    (views.TopRoiView, {}),
    (views.TopBudgetView, {}),
    (views.RevenueExpensesView, {}),
    (views.NetProfitView, {}),
    (views.FundTableView, {}),
    (views.StatementProfitView, {}),
    (views.StatementOperatingView, {}),
    (views.StatementExpensesByPosteView, {}),
    (views.StatementExceptionalChargesView, {}),
    (views.StatementFinancialIncomeView, {}),
)


def dashboard_warm() -> int:
    """Answer the default dashboard questions for the current generation; returns how many
    were computed (not already cached)."""
    computed = 0
    try:
        for view, query in DASHBOARD_DEFAULTS:
            try:
                found, _, _ = view.answer_for(query, views.data_scope(None))
            except QueryFailed as failed:  # one failing question must not leave the others cold
                logger.warning("not warmed: %s: %s", view.endpoint, failed)
                continue
            computed += not found.hit
    except (NoGeneration, WarehouseUnavailable):
        return 0  # nothing to warm; the next sync publishes (or rebuilds) a generation
    logger.info("warmed %s dashboard answers", computed)
    return computed
