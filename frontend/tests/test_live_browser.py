"""Live updates in a real browser: two signed-in dashboards served by daphne (pages, API and
the events socket), a sale recorded through the API, and a real Celery worker running the
sync that the write asks for. Both pages show the new revenue without a reload; a
signed-out socket is refused."""

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import User
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper

from analytics.services.tokens import api_token_create
from analytics.sync import warehouse_sync
from books.models import Book, Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from config.celery import app
from frontend.tests.browsing import kpi, ready, screenshot_kept, signed_in
from workspaces.services import member_set, workspace_default

pytestmark = pytest.mark.django_db(transaction=True)

LAST_DAY = date(2025, 12, 31)
PASSWORD = "analyst-password"
# The whole chain (request → worker → sync → publish → socket → refetch) takes about a
# second here; the deadline leaves room for a busy CI machine, and stays far below the 15 s
# poll that would otherwise redraw the page.
DEADLINE_MS = 12_000


@pytest.fixture
def shop(tmp_path: Path, settings: SettingsWrapper) -> Iterator[None]:
    """40 books and 1,000 sales over 2025, published; writes ask for syncs from now on."""
    settings.WAREHOUSE_URL = f"duckdb:///{tmp_path / 'warehouse'}"
    settings.LAKE_URL = (tmp_path / "lake").as_uri()
    sales_data_generate(spec=SalesDataSpec(books=40, sales=1_000, seed=5, years=1, end_date=LAST_DAY))
    warehouse_sync()
    cache.clear()
    settings.SYNC_ON_WRITE = True
    settings.SYNC_MIN_INTERVAL_SECONDS = 0
    yield
    cache.clear()


@pytest.fixture
def worker(shop: None) -> Iterator[None]:
    """A real Celery worker (solo pool, in a thread) on an in-process broker: it runs the
    syncs that writes request, as the embedded default's worker does."""
    before = (app.conf.broker_url, dict(app.conf.broker_transport_options or {}))
    app.conf.update(broker_url="memory://", broker_transport_options={})
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            yield
    finally:
        app.conf.update(broker_url=before[0], broker_transport_options=before[1])


@pytest.fixture
def analyst() -> User:
    user = User.objects.create_user("analyst", password=PASSWORD)
    member_set(workspace=workspace_default(), user=user, role="analyst")
    return user


def dashboard(browser: Browser, base_url: str) -> Page:
    """A signed-in Overview over all the data, its events socket open."""
    tab = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=base_url).new_page()
    signed_in(tab, "analyst", PASSWORD)
    tab.goto("/?preset=all")
    ready(tab)
    expect(tab.get_by_test_id("live-status")).to_have_text("Live", timeout=10_000)
    return tab


def sale_recorded(base_url: str, token: str, **fields: object) -> dict:
    """POST /api/sales/ over HTTP, as a till or a script would."""
    request = urllib.request.Request(
        f"{base_url}/api/sales/",
        data=json.dumps(fields).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return json.loads(response.read())


def test_a_sale_saved_through_the_api_appears_on_two_open_dashboards_without_reload(
    browser: Browser, live_asgi_server: str, worker: None, analyst: User, request: pytest.FixtureRequest
) -> None:
    first, second = dashboard(browser, live_asgi_server), dashboard(browser, live_asgi_server)
    before = Decimal(kpi(first, "revenue") or "0")
    assert kpi(second, "revenue") == str(before) == str(sum(s.amount for s in Sale.objects.all()))
    generation = first.get_by_test_id("freshness").get_attribute("data-generation")
    # Marks the page: a reload would drop it, so its presence at the end proves there was none.
    for tab in (first, second):
        tab.evaluate("window.folioNotReloaded = true")
    _, plaintext = api_token_create(user=analyst, workspace=workspace_default(), name="till")
    book = Book.objects.order_by("pk").first()
    sale = sale_recorded(
        live_asgi_server,
        plaintext,
        isbn13=book.isbn13,
        region=Sale.objects.first().region.code,
        sold_at=datetime(2025, 12, 31, 17, 45, tzinfo=UTC).isoformat(),
        quantity=4,
        unit_price="19.99",
        discount="1.96",
    )
    assert sale["amount"] == "78.00"

    expected = str(before + Decimal("78.00"))
    for tab in (first, second):
        expect(tab.get_by_test_id("kpi-revenue-value")).to_have_attribute("data-value", expected, timeout=DEADLINE_MS)
        expect(tab.get_by_test_id("freshness")).not_to_have_attribute("data-generation", generation or "")
        assert tab.evaluate("window.folioNotReloaded") is True
        expect(tab.get_by_test_id("live-status")).to_have_text("Live")
    screenshot_kept(second, request.node.name)
    for tab in (first, second):
        tab.context.close()


def test_a_signed_out_socket_is_refused(browser: Browser, live_asgi_server: str) -> None:
    tab = browser.new_context(base_url=live_asgi_server).new_page()
    tab.goto("/login")
    outcome = tab.evaluate(
        """() => new Promise((resolve) => {
            const socket = new WebSocket(location.origin.replace("http", "ws") + "/ws/events/");
            socket.onopen = () => resolve("opened");
            socket.onclose = (event) => resolve(`closed ${event.code}`);
        })"""
    )
    # A handshake refused with 403 reaches the page as an abnormal closure, never as open.
    assert outcome == "closed 1006"
    tab.context.close()
