"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against a live
Django server with generated data in a DuckDB warehouse. Screenshots at 1440 px and 375 px
are kept in test-artifacts/."""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import Browser, Page, expect
from rest_framework.test import APIClient

from analytics.sync import warehouse_sync
from analytics.warehouse.base import LoadError
from books.models import Book, Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from books.services.records import sale_create
from finance.services.generation import FinanceDataSpec, finance_data_generate
from frontend.tests.browsing import ARTIFACTS, kpi, ready, screenshot_kept, signed_in
from workspaces.services import member_set, workspace_default

pytestmark = pytest.mark.django_db(transaction=True)

LAST_DAY = date(2025, 12, 31)
PASSWORD = "analyst-password"


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[None]:
    """60 books and 2,500 sales over 2024-2025, a city ledger and statement, published."""
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        sales_data_generate(spec=SalesDataSpec(books=60, sales=2_500, seed=11, years=2, end_date=LAST_DAY))
        finance_data_generate(spec=FinanceDataSpec(entries=400, years=2, seed=11, end_date=LAST_DAY))
        warehouse_sync()
        cache.clear()
        yield
        cache.clear()


@pytest.fixture
def analyst() -> User:
    user = User.objects.create_user("analyst", password=PASSWORD)
    member_set(workspace=workspace_default(), user=user, role="analyst")
    return user


@pytest.fixture
def page(
    browser: Browser, live_server: object, shop: None, analyst: User, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A logged-in page at 1440 × 900; a screenshot of where it ended is kept."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=live_server.url, accept_downloads=True
    )
    tab = context.new_page()
    signed_in(tab, "analyst", PASSWORD)
    yield tab
    screenshot_kept(tab, request.node.name)
    context.close()


def sales_between(start: date | None = None, end: date | None = None, region: str = "") -> list[Sale]:
    query = Sale.objects.select_related("region")
    if start:
        query = query.filter(sold_at__gte=datetime(start.year, start.month, start.day, tzinfo=UTC))
    if end:
        query = query.filter(sold_at__lt=datetime(end.year, end.month, end.day, tzinfo=UTC))
    if region:
        query = query.filter(region__code=region)
    return list(query)


def revenue(sales: list[Sale]) -> str:
    return str(sum((sale.amount for sale in sales), Decimal("0.00")))


def test_a_visitor_logs_in_and_comes_back_where_they_wanted_to_go(
    browser: Browser, live_server: object, shop: None, analyst: User
) -> None:
    context = browser.new_context(base_url=live_server.url)
    tab = context.new_page()

    tab.goto("/regions?preset=all")
    expect(tab).to_have_url(f"{live_server.url}/login?next=%2Fregions%3Fpreset%3Dall")
    tab.get_by_test_id("login-username").fill("analyst")
    tab.get_by_test_id("login-password").fill("wrong password")
    tab.get_by_test_id("login-submit").click()
    expect(tab.get_by_test_id("login-error")).to_contain_text("Wrong username or password.")
    tab.get_by_test_id("login-password").fill(PASSWORD)
    tab.get_by_test_id("login-submit").click()

    expect(tab).to_have_url(f"{live_server.url}/regions?preset=all")
    ready(tab)
    tab.get_by_test_id("logout").click()
    expect(tab).to_have_url(f"{live_server.url}/login")
    context.close()


def test_on_a_phone_a_member_signs_in_and_logs_out_through_the_menu(
    browser: Browser, live_server: object, shop: None, analyst: User
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, base_url=live_server.url)
    tab = context.new_page()

    signed_in(tab, "analyst", PASSWORD)
    ready(tab)
    expect(tab.get_by_test_id("logout")).to_be_hidden()  # inside the closed menu
    tab.get_by_role("button", name="Menu").click()
    tab.get_by_test_id("logout").click()

    expect(tab).to_have_url(f"{live_server.url}/login")
    context.close()


def test_the_overview_kpis_equal_the_records_and_follow_the_filters(page: Page) -> None:
    page.goto("/?preset=all")
    ready(page)
    everything = sales_between()

    assert (kpi(page, "revenue"), kpi(page, "units"), kpi(page, "orders")) == (
        revenue(everything),
        str(sum(sale.quantity for sale in everything)),
        str(len(everything)),
    )
    expect(page.get_by_test_id("freshness")).to_have_attribute("data-generation", "1")
    api = page.request.get("/api/analytics/summary").json()["result"]
    assert (kpi(page, "revenue"), kpi(page, "aov")) == (api["revenue"], api["average_order_value"])

    page.get_by_test_id("filter-preset").select_option("30d")
    ready(page)
    last_30 = sales_between(LAST_DAY - timedelta(days=29), LAST_DAY + timedelta(days=1))

    assert "preset=30d" in page.url
    assert (kpi(page, "revenue"), kpi(page, "orders")) == (revenue(last_30), str(len(last_30)))
    page.go_back()
    ready(page)
    assert kpi(page, "revenue") == revenue(everything)


def test_drilling_into_a_region_filters_everything_and_the_breadcrumb_undoes_it(page: Page) -> None:
    page.goto("/?preset=all")
    ready(page)

    page.get_by_test_id("row-region-US").click()
    ready(page)

    assert "region=US" in page.url
    expect(page.get_by_test_id("breadcrumb-region")).to_be_visible()
    assert kpi(page, "revenue") == revenue(sales_between(region="US"))
    page.get_by_test_id("breadcrumb-remove-region").click()
    ready(page)
    assert "region=" not in page.url
    assert kpi(page, "revenue") == revenue(sales_between())


def test_the_regions_table_exports_a_csv_with_the_records_totals(page: Page) -> None:
    page.goto("/regions?preset=all")
    ready(page)

    with page.expect_download() as download:
        page.get_by_test_id("export-csv-regions-table").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))

    expected: dict[str, Decimal] = {}
    for sale in sales_between():
        expected[sale.region.code] = expected.get(sale.region.code, Decimal("0.00")) + sale.amount
    assert {row["region"]: Decimal(row["revenue"]) for row in rows} == expected


def test_a_token_created_in_settings_works_until_it_is_revoked(page: Page) -> None:
    page.goto("/settings")
    page.get_by_test_id("token-name").fill("browser test")
    page.get_by_test_id("token-create").click()
    raw = page.get_by_test_id("token-created-value").inner_text().strip()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    before = api.get("/api/auth/me/")

    # The list is newest first: the token just created heads it.
    token_id = page.locator("[data-testid^='token-row-']").first.get_attribute("data-testid").removeprefix("token-row-")
    page.get_by_test_id(f"token-revoke-{token_id}").click()
    expect(page.get_by_test_id(f"token-status-{token_id}")).to_have_text("revoked")
    after = api.get("/api/auth/me/")

    assert (before.status_code, before.json()["username"]) == (200, "analyst")
    assert (after.status_code, after.json()) == (401, {"detail": "Invalid, expired or revoked API token."})


def test_a_new_generation_refreshes_the_page_by_itself(page: Page) -> None:
    """Without the events socket (this server is WSGI: /ws/events/ does not answer), the
    page falls back to polling freshness and still redraws with the new generation."""
    page.goto("/?preset=all")
    ready(page)
    expect(page.get_by_test_id("live-status")).to_have_text("Polling", timeout=15_000)
    sale = sale_create(
        workspace=workspace_default(),
        book=Book.objects.first(),
        region=Sale.objects.first().region,
        sold_at=datetime(2025, 12, 30, 12, 0, tzinfo=UTC),
        quantity=3,
        unit_price=Decimal("12.50"),
        discount=Decimal("0.00"),
        channel="online",
    )
    warehouse_sync()

    expect(page.get_by_test_id("freshness")).to_have_attribute("data-generation", "2", timeout=30_000)
    expect(page.get_by_test_id("kpi-revenue-value")).to_have_attribute(
        "data-value", revenue(sales_between()), timeout=10_000
    )
    assert sale.amount == Decimal("37.50")


def test_a_failed_load_shows_a_warning(page: Page) -> None:
    def broken(*_: object) -> None:
        raise LoadError("fact_sales: 1 row in the manifest, 0 loaded")

    # The live server shares the test's in-memory SQLite database, whose table locks fail a
    # writer at once ("database table is locked") while the open dashboard is reading: let
    # the page finish and leave it before the sync writes.
    ready(page)
    page.goto("about:blank")
    sale_create(
        workspace=workspace_default(),
        book=Book.objects.first(),
        region=Sale.objects.first().region,
        sold_at=datetime(2025, 12, 30, 13, 0, tzinfo=UTC),
        quantity=1,
        unit_price=Decimal("5.00"),
        discount=Decimal("0.00"),
        channel="store",
    )
    with pytest.raises(LoadError):
        warehouse_sync(before_publish=broken)
    cache.clear()

    page.goto("/pipeline")

    expect(page.get_by_test_id("freshness-warning")).to_contain_text("fact_sales: 1 row in the manifest, 0 loaded")


@pytest.mark.parametrize(
    "path", ["/", "/books", "/regions", "/genres", "/finance", "/statement", "/pipeline", "/settings", "/reports"]
)
def test_every_page_draws_at_1440_and_at_375_pixels_without_sideways_scrolling(page: Page, path: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = path.strip("/") or "overview"
    page.goto(f"{path}?preset=all")
    ready(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}-1440.png"), full_page=True)
    expect(page.get_by_test_id("freshness")).to_contain_text("Data as of")

    page.set_viewport_size({"width": 375, "height": 812})
    ready(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}-375.png"), full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not page.locator("[data-state='error']").count()


@pytest.mark.parametrize(
    ("button", "signature", "suffix"),
    [
        ("export-xlsx-sales-by-region", b"PK\x03\x04", ".xlsx"),
        ("export-png-revenue-over-time", b"\x89PNG", ".png"),
        ("export-pdf", b"%PDF", ".pdf"),
    ],
)
def test_tables_charts_and_pages_export_real_files(page: Page, button: str, signature: bytes, suffix: str) -> None:
    page.goto("/?preset=all")
    ready(page)

    with page.expect_download(timeout=30_000) as download:
        page.get_by_test_id(button).click()

    assert download.value.suggested_filename.endswith(suffix)
    assert Path(download.value.path()).read_bytes()[: len(signature)] == signature
