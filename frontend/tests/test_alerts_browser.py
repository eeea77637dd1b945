"""Alerts in the browser: a member creates an alert on the Alerts page, tests it and sees the
value the records give, pauses it, reads its (empty) history and deletes it."""

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import Browser, Page, expect

from alerts.models import Alert
from analytics.sync import warehouse_sync
from books.models import Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from frontend.tests.browsing import menu_item_clicked, screenshot_kept, signed_in
from workspaces.models import Role
from workspaces.services import member_set, workspace_default

pytestmark = pytest.mark.django_db(transaction=True)

LAST_DAY = date(2025, 12, 31)
PASSWORD = "viewer-password"
UTC = ZoneInfo("UTC")


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[None]:
    """Books and a year of sales ending 2025-12-31, published."""
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        sales_data_generate(spec=SalesDataSpec(books=20, sales=600, seed=21, years=1, end_date=LAST_DAY))
        warehouse_sync()
        cache.clear()
        yield
        cache.clear()


@pytest.fixture
def viewer(shop: None) -> User:
    user = User.objects.create_user("vera", email="vera@example.org", password=PASSWORD)
    member_set(workspace=workspace_default(), user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def page(browser: Browser, live_server: object, viewer: User, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url)  # type: ignore[attr-defined]
    tab = context.new_page()
    signed_in(tab, viewer.username, PASSWORD)
    yield tab
    screenshot_kept(tab, request.node.name)
    context.close()


def week_revenue() -> str:
    """Revenue of the last complete week before 2026-01-01 (Monday 2025-12-22 to Sunday 12-28), from the records."""
    amounts = Sale.objects.filter(
        workspace=workspace_default(),
        sold_at__gte=datetime(2025, 12, 22, tzinfo=UTC),
        sold_at__lt=datetime(2025, 12, 29, tzinfo=UTC),
    ).values_list("amount", flat=True)
    return str(sum(amounts, Decimal("0.00")))


def test_a_member_creates_tests_pauses_and_deletes_an_alert(page: Page) -> None:
    # given the Alerts page, reached from the navigation
    menu_item_clicked(page, "outreach", "alerts")

    # when the member creates "weekly revenue below 50,000"
    page.get_by_test_id("alert-name").fill("Weekly revenue low")
    page.get_by_test_id("alert-question").select_option("timeseries")
    page.get_by_test_id("alert-params").fill("granularity=week")
    page.get_by_test_id("alert-window").fill("8w")
    page.get_by_test_id("alert-field").fill("revenue")
    page.get_by_test_id("alert-bucket").select_option("last_complete")
    page.get_by_test_id("alert-condition").select_option("below")
    page.get_by_test_id("alert-threshold").fill("50000")
    page.get_by_test_id("alert-create").click()

    # then it is listed, ok
    expect(page.locator("[data-testid^=alert-row-]")).to_have_count(1)
    alert = Alert.objects.get()
    expect(page.get_by_test_id(f"alert-state-{alert.pk}")).to_have_text("ok")

    # when they test it
    page.get_by_test_id(f"alert-test-{alert.pk}").click()

    # then the value is the last complete week's revenue, the condition holds, and the test email went out
    expect(page.get_by_test_id("alert-test-value")).to_have_text(f"{Decimal(week_revenue()):.4f}")
    expect(page.get_by_test_id("alert-test-holds")).to_have_text("holds")
    assert [message.subject for message in mail.outbox] == ["[Folio] Weekly revenue low: test"]

    # when they pause it, then open its history
    page.get_by_test_id(f"alert-toggle-{alert.pk}").click()
    expect(page.get_by_test_id(f"alert-state-{alert.pk}")).to_have_text("ok (paused)")
    assert Alert.objects.get().active is False
    page.get_by_test_id(f"alert-history-{alert.pk}").click()
    expect(page.get_by_test_id("panel-alert-events")).to_contain_text("Nothing has happened yet")

    # when they delete it
    page.get_by_test_id(f"alert-delete-{alert.pk}").click()

    # then it is gone
    expect(page.get_by_test_id(f"alert-row-{alert.pk}")).to_have_count(0)
    assert not Alert.objects.exists()
