"""Reports in the browser: a member filters the Regions page, presses Subscribe, lands on the
Reports page with that page and its filters filled in, is told which field a bad name breaks,
subscribes to the region's table as a weekly XLSX, sends it now (a real Celery worker in this
process renders it and emails it to them), downloads the kept file, pauses and deletes it."""

import io
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from alerts.tests.conftest import shop  # noqa: F401  the published shop the alerts tests use
from analytics.tests.members import member_user
from books.models import Region, Sale
from frontend.tests.browsing import screenshot_kept, signed_in
from reports.models import Subscription
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "vera-password"
UTC = ZoneInfo("UTC")
PARIS = ZoneInfo("Europe/Paris")
# The last quarter of the shop's sales (its last day is 2025-12-31), end excluded.
START, END = "2025-10-01", "2026-01-01"


@pytest.fixture
def analyst(shop: None) -> User:  # noqa: F811  the imported fixture, requested by name
    """An analyst (a table is an export, which viewers may not have) with the email their reports go to."""
    return member_user("vera", role="analyst", email="vera@example.org", password=PASSWORD)


@pytest.fixture
def page(browser: Browser, live_server: object, analyst: User, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The analyst signed in at 1440 × 900."""
    base_url = live_server.url  # type: ignore[attr-defined]
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=base_url, accept_downloads=True)
    tab = context.new_page()
    signed_in(tab, analyst.username, PASSWORD)
    yield tab
    screenshot_kept(tab, request.node.name)
    context.close()


def quarter_revenue(region: Region) -> Decimal:
    """The region's revenue in the quarter, from the records."""
    amounts = Sale.objects.filter(
        workspace=workspace_default(),
        region=region,
        sold_at__gte=datetime(2025, 10, 1, tzinfo=UTC),
        sold_at__lt=datetime(2026, 1, 1, tzinfo=UTC),
    ).values_list("amount", flat=True)
    return sum(amounts, Decimal("0.00"))


def sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    """The first sheet of an XLSX file, header first."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def test_a_member_subscribes_to_a_filtered_page_sends_it_now_pauses_and_deletes_it(page: Page, worker: None) -> None:
    region = Region.objects.filter(sales__sold_at__gte=datetime(2025, 10, 1, tzinfo=UTC)).order_by("code").first()
    assert region is not None
    filters = f"start={START}&end={END}&region={region.code}"

    # given the Regions page over the last quarter, filtered to one region
    page.goto(f"/regions?start={START}&end={END}")
    page.get_by_test_id("filter-region").select_option(region.code)
    expect(page).to_have_url(re.compile(re.escape(f"/regions?{filters}") + "$"))

    # when the member presses Subscribe
    page.get_by_test_id("subscribe").click()

    # then the Reports page opens with a report of that page and its filters filled in
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.get_by_test_id("report-target")).to_have_value("page")
    expect(page.get_by_test_id("report-page")).to_have_value("/regions")
    expect(page.get_by_test_id("report-params")).to_have_value(filters)
    expect(page.get_by_test_id("report-format")).to_have_value("pdf")
    expect(page.get_by_test_id("report-prefilled")).to_have_text(
        "Filled in from the Regions page with its filters: name it, choose when, and subscribe."
    )

    # when they subscribe with a name of spaces only
    page.get_by_test_id("report-name").fill("   ")
    page.get_by_test_id("report-create").click()

    # then the server's message names the field, and nothing is made
    expect(page.get_by_test_id("report-create-error")).to_contain_text("name: This field may not be blank.")
    assert not Subscription.objects.exists()

    # when they name it and take the region's table instead, as XLSX, weekly on Monday 09:00 in Paris
    page.get_by_test_id("report-name").fill("Region quarter")
    page.get_by_test_id("report-target").select_option("question")
    page.get_by_test_id("report-question").select_option("sales-by-region")
    page.get_by_test_id("report-format").select_option("xlsx")
    page.get_by_test_id("report-schedule").select_option("weekly")
    page.get_by_test_id("report-weekday").select_option("0")
    page.get_by_test_id("report-time").fill("09:00")
    page.get_by_test_id("report-timezone").select_option("Europe/Paris")
    expect(page.get_by_test_id("report-schedule-words")).to_have_text(
        "Weekly on Monday at 09:00 Europe/Paris, to your email address."
    )
    page.get_by_test_id("report-create").click()

    # then it is listed, active, with its schedule in words, and its next run is a Monday 09:00 in Paris
    expect(page.locator("[data-testid^=subscription-row-]")).to_have_count(1)
    subscription = Subscription.objects.get()
    expect(page.get_by_test_id(f"subscription-schedule-{subscription.pk}")).to_have_text(
        "Weekly on Monday at 09:00 Europe/Paris"
    )
    expect(page.get_by_test_id(f"subscription-state-{subscription.pk}")).to_have_text("Active")
    expect(page.get_by_test_id(f"subscription-row-{subscription.pk}")).to_contain_text(filters)
    expect(page.get_by_test_id("report-create-error")).to_have_count(0)
    expect(page.get_by_test_id("report-prefilled")).to_have_count(0)
    assert (subscription.target, subscription.question, subscription.format, subscription.delivery) == (
        "question",
        "sales-by-region",
        "xlsx",
        "attach",
    )
    assert subscription.params == {"start": START, "end": END, "region": region.code}
    assert subscription.next_run_at is not None
    local_run = subscription.next_run_at.astimezone(PARIS)
    assert (local_run.weekday(), local_run.hour, local_run.minute) == (0, 9, 0)

    # when they send it now
    page.get_by_test_id(f"subscription-send-{subscription.pk}").click()

    # then the delivery appears and turns sent; the email carries the region's quarter as XLSX
    expect(page.locator("[data-testid^='report-delivery-row-']")).to_have_count(1, timeout=15_000)
    delivery = subscription.deliveries.get()
    expect(page.get_by_test_id(f"report-delivery-status-{delivery.pk}")).to_have_text("sent", timeout=20_000)
    expect(page.get_by_test_id(f"report-delivery-trigger-{delivery.pk}")).to_have_text("manual")
    expect(page.get_by_test_id(f"subscription-last-{subscription.pk}")).to_have_text("sent", timeout=10_000)
    delivery.refresh_from_db()
    [message] = mail.outbox
    [(filename, attached, content_type)] = message.attachments
    assert (message.to, message.subject) == (
        ["vera@example.org"],
        f"[Folio] Region quarter: generation {delivery.generation}",
    )
    assert (filename, content_type, len(attached)) == (delivery.filename, delivery.content_type, delivery.size_bytes)
    header, *rows = sheet_rows(attached)
    assert [(row[header.index("region")], Decimal(str(row[header.index("revenue")]))) for row in rows] == [
        (region.code, quarter_revenue(region))
    ]

    # and the kept file downloads, the same bytes
    download_link = page.get_by_test_id(f"report-delivery-file-{delivery.pk}")
    with page.expect_download() as download:
        download_link.click()
    assert Path(download.value.path()).read_bytes() == attached

    # when they pause it
    page.get_by_test_id(f"subscription-toggle-{subscription.pk}").click()

    # then it shows paused, with no next run
    expect(page.get_by_test_id(f"subscription-state-{subscription.pk}")).to_have_text("Paused")
    subscription.refresh_from_db()
    assert (subscription.active, subscription.next_run_at) == (False, None)

    # when they delete it, confirming
    page.get_by_test_id(f"subscription-delete-{subscription.pk}").click()
    page.get_by_test_id(f"subscription-delete-confirm-{subscription.pk}").click()

    # then it is gone, deliveries included
    expect(page.get_by_test_id(f"subscription-row-{subscription.pk}")).to_have_count(0)
    assert not Subscription.objects.exists()
