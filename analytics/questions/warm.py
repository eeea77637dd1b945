"""Warm the cache for a new generation with the questions the dashboard asks first, in every
workspace that has data (each for its unlimited scope: members with row limits compute theirs)."""

import logging

from analytics.questions.ask import ask
from analytics.runner import NoGeneration, QueryFailed, served_generation
from analytics.warehouse.backends import current_warehouse
from analytics.warehouse.base import WarehouseUnavailable
from workspaces.scope import Scope

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


# The workspaces with any fact in the generation (read from the small per-workspace code
# rollups): a workspace without data is not warmed (its answers are empty and cheap).
WORKSPACES_SQL = (
    "SELECT workspace_id FROM agg_sales_scope UNION SELECT workspace_id FROM agg_ledger_scope"
    " UNION SELECT workspace_id FROM fact_statement_line"
)


def dashboard_warm() -> int:
    """Answer the default dashboard questions for the current generation in every workspace
    with data; returns how many were computed (not already cached)."""
    computed = 0
    try:
        generation = served_generation()
        if generation is None:
            return 0
        workspaces = sorted(row[0] for row in current_warehouse().fetch(generation.location, WORKSPACES_SQL))
        for workspace_id in workspaces:
            scope = Scope(workspace_id=workspace_id)
            for name, query in DASHBOARD_DEFAULTS:
                try:
                    asked = ask(name, query, scope=scope)
                except QueryFailed as failed:  # one failing question must not leave the others cold
                    logger.warning("not warmed: %s for workspace %s: %s", name, workspace_id, failed)
                    continue
                computed += not asked.answer.hit
    except (NoGeneration, WarehouseUnavailable):
        return 0  # nothing to warm; the next sync publishes (or rebuilds) a generation
    logger.info("warmed %s dashboard answers", computed)
    return computed
