"""Warm the cache for a new generation with the questions the dashboard asks first."""

import logging

from analytics.questions.ask import ALL_DATA, ask
from analytics.runner import NoGeneration, QueryFailed
from analytics.warehouse.base import WarehouseUnavailable

logger = logging.getLogger(__name__)

# The dashboard's opening questions: every page with its default filters.
DASHBOARD_DEFAULTS: tuple[tuple[str, dict[str, str]], ...] = (
    ("summary", {}),
    ("timeseries", {}),
    ("top-books", {}),
    ("sales-by-region", {}),
    ("sales-by-genre", {}),
    ("finance/initialise", {}),
    ("finance/top-roi", {}),
    ("finance/top-budget", {}),
    ("finance/revenue-expenses", {}),
    ("finance/net-profit", {}),
    ("finance/fund-table", {}),
    ("statement/profit", {}),
    ("statement/operating", {}),
    ("statement/expenses-by-poste", {}),
    ("statement/exceptional-charges", {}),
    ("statement/financial-income", {}),
)


def dashboard_warm() -> int:
    """Answer the default dashboard questions for the current generation; returns how many
    were computed (not already cached)."""
    computed = 0
    try:
        for name, query in DASHBOARD_DEFAULTS:
            try:
                asked = ask(name, query, scope=ALL_DATA)
            except QueryFailed as failed:  # one failing question must not leave the others cold
                logger.warning("not warmed: %s: %s", name, failed)
                continue
            computed += not asked.answer.hit
    except (NoGeneration, WarehouseUnavailable):
        return 0  # nothing to warm; the next sync publishes (or rebuilds) a generation
    logger.info("warmed %s dashboard answers", computed)
    return computed
