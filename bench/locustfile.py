"""Locust load test of the analytics API: dashboard users opening pages, changing dates and drilling down.

Run: FOLIO_TOKEN=folio_… locust -f bench/locustfile.py --headless -u 20 -r 5 -t 2m --host http://127.0.0.1:8000
FOLIO_AS_OF (an ISO date, default today) is the day the date presets count back from.
"""

import logging
import os
import random
import sys
from collections.abc import Iterable
from datetime import date, timedelta

from gevent.pool import Group
from locust import FastHttpUser, between, events, task
from locust.contrib.fasthttp import FastResponse
from locust.env import Environment
from locust.runners import MasterRunner

logger = logging.getLogger(__name__)

ANALYTICS = "/api/analytics/"
# The dashboard's date presets and how many days back each reaches (None: from 1 January).
PRESET_DAYS: dict[str, int | None] = {
    "last 30 days": 30,
    "last 90 days": 90,
    "last 365 days": 365,
    "year to date": None,
}
DEFAULT_PRESET = "last 365 days"
ApiRequest = tuple[str, dict[str, str]]  # endpoint name under /api/analytics/, query parameters


def endpoint(name: str) -> str:
    """The path of an analytics endpoint; also its name in Locust's statistics, so query strings never split it."""
    return f"{ANALYTICS}{name}"


def as_of_day() -> date:
    """The last day the presets include: FOLIO_AS_OF, or today."""
    text = os.environ.get("FOLIO_AS_OF", "").strip()
    return date.fromisoformat(text) if text else date.today()


def preset_period(preset: str, as_of: date) -> dict[str, str]:
    """`start` and `end` (exclusive, the API's ranges are half-open) for a date preset."""
    end = as_of + timedelta(days=1)
    days = PRESET_DAYS[preset]
    start = date(as_of.year, 1, 1) if days is None else end - timedelta(days=days)
    return {"start": start.isoformat(), "end": end.isoformat()}


def result_values(response: FastResponse | None, field: str) -> list[str]:
    """Distinct non-empty values of one field across an answer's `results`; empty if the answer is unusable."""
    if response is None or not response.ok:
        return []
    try:
        body = response.json()
    except ValueError:
        return []
    rows = body.get("results") if isinstance(body, dict) else body
    if not isinstance(rows, list):
        return []
    values = (row.get(field) for row in rows if isinstance(row, dict))
    return sorted({str(value) for value in values if value not in (None, "")})


@events.init.add_listener
def token_required(environment: Environment, **kwargs: object) -> None:
    """Stop at once without FOLIO_TOKEN: every request would be a 401 and the figures meaningless."""
    if isinstance(environment.runner, MasterRunner):
        return  # the master sends no requests; its workers check for themselves
    if not os.environ.get("FOLIO_TOKEN", "").strip():
        logger.error("Set FOLIO_TOKEN to a personal API token (Settings page, or POST /api/tokens/).")
        sys.exit(1)


class DashboardUser(FastHttpUser):
    """One analyst on the dashboard: lands on the overview, then browses with think time between clicks.
    FastHttpUser (geventhttpclient): several times less CPU per request than requests, which
    matters when Locust shares the machine's two cores with the server it measures."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        """Authenticate every request with the personal token, then land on the overview."""
        self.auth = {"Authorization": f"Bearer {os.environ.get('FOLIO_TOKEN', '').strip()}"}
        self.as_of = as_of_day()
        self.preset = DEFAULT_PRESET
        self.regions: list[str] = []
        self.genres: list[str] = []
        self.exercices: list[str] = []
        self.open_overview()

    @property
    def period(self) -> dict[str, str]:
        """The date range currently selected."""
        return preset_period(self.preset, self.as_of)

    def page_load(self, requests: Iterable[ApiRequest]) -> dict[str, FastResponse | None]:
        """Send a page's requests at once, as a browser does; each answer by endpoint name once all are in."""
        group = Group()
        greenlets = {
            name: group.spawn(self.client.get, endpoint(name), params=params, name=endpoint(name), headers=self.auth)
            for name, params in requests
        }
        group.join()
        # None when a request raised instead of answering; Locust has already counted the failure.
        return {name: greenlet.value for name, greenlet in greenlets.items()}

    def sales_panels(self, **filters: str) -> list[ApiRequest]:
        """The requests behind the overview's sales panels for the current period and filters."""
        period = {**self.period, **filters}
        return [
            ("summary", period),
            ("timeseries", {**period, "granularity": "month"}),
            ("top-books", {**period, "limit": "10", "order": "revenue"}),
            ("sales-by-region", period),
            ("sales-by-genre", period),
        ]

    @task(4)
    def open_overview(self) -> None:
        """The overview page: sales panels and data freshness; remembers the regions and genres it showed."""
        answers = self.page_load([*self.sales_panels(), ("freshness", {})])
        # Keep what an earlier view showed when this one failed or came back empty.
        self.regions = result_values(answers["sales-by-region"], "region") or self.regions
        self.genres = result_values(answers["sales-by-genre"], "genre") or self.genres

    @task(3)
    def change_date_preset(self) -> None:
        """Pick another date preset: every sales panel reloads, freshness does not."""
        self.preset = random.choice([preset for preset in PRESET_DAYS if preset != self.preset])
        self.page_load(self.sales_panels())

    @task(2)
    def drill_into_region(self) -> None:
        """Click a region: the other panels reload filtered to it."""
        if not self.regions:
            return  # no region shown yet (empty warehouse, or the overview failed)
        panels = self.sales_panels(region=random.choice(self.regions))
        self.page_load([panel for panel in panels if panel[0] != "sales-by-region"])

    @task(2)
    def drill_into_genre(self) -> None:
        """Click a genre: the other panels reload filtered to it."""
        if not self.genres:
            return
        panels = self.sales_panels(genre=random.choice(self.genres))
        self.page_load([panel for panel in panels if panel[0] != "sales-by-genre"])

    @task(2)
    def open_finance(self) -> None:
        """The finance page: its filter options first, then every chart and the fund table."""
        self.page_load([("finance/initialise", {})])
        self.page_load(
            [
                ("finance/top-roi", {}),
                ("finance/top-budget", {}),
                ("finance/revenue-expenses", {"granularity": "month"}),
                ("finance/net-profit", {}),
                ("finance/fund-table", {}),
            ]
        )

    @task(1)
    def open_statement(self) -> None:
        """The statement page for one exercice, chosen among those statement/profit lists."""
        if not self.exercices:
            answers = self.page_load([("statement/profit", {})])
            self.exercices = result_values(answers["statement/profit"], "exercice")
        if not self.exercices:
            return  # no statement loaded in the warehouse
        year = {"exercice": random.choice(self.exercices)}
        self.page_load(
            [
                ("statement/profit", year),
                ("statement/exceptional-charges", year),
                ("statement/operating", year),
                ("statement/expenses-by-poste", year),
                ("statement/financial-income", year),
            ]
        )
