"""Workspaces in the browser: the switcher shows each workspace's own figures, an admin manages
members on the Members page, and reads who changed what on the History page (with its CSV)."""

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import Browser, Page, expect

from analytics.sync import warehouse_sync
from audit.context import audit_via
from books.models import Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from finance.models import LedgerEntry
from finance.services.generation import FinanceDataSpec, finance_data_generate
from frontend.tests.browsing import kpi, menu_item_clicked, ready, screenshot_kept, signed_in
from workspaces.models import Invitation, Membership, Role, Workspace
from workspaces.services import member_set, workspace_create, workspace_default

pytestmark = pytest.mark.django_db(transaction=True)

LAST_DAY = date(2025, 12, 31)
PASSWORD = "admin-password"


@pytest.fixture
def two_shops(tmp_path: Path) -> Iterator[tuple[Workspace, Workspace]]:
    """The default workspace and "atlas", each with its own books, sales and ledger, published."""
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        default = workspace_default()
        atlas = workspace_create(slug="atlas", name="Atlas Books")
        sales_data_generate(spec=SalesDataSpec(books=30, sales=800, seed=11, years=1, end_date=LAST_DAY))
        sales_data_generate(
            spec=SalesDataSpec(books=20, sales=300, seed=12, years=1, end_date=LAST_DAY, workspace="atlas")
        )
        finance_data_generate(spec=FinanceDataSpec(entries=50, years=1, seed=11, end_date=LAST_DAY))
        warehouse_sync()
        cache.clear()
        yield default, atlas
        cache.clear()


@pytest.fixture
def admin(two_shops: tuple[Workspace, Workspace]) -> User:
    """An admin of the default workspace who is a viewer of atlas."""
    default, atlas = two_shops
    user = User.objects.create_user("ada", email="ada@example.org", password=PASSWORD)
    member_set(workspace=default, user=user, role=Role.ADMIN)
    member_set(workspace=atlas, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def page(browser: Browser, live_server: object, admin: User, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The admin, signed in, at 1440 × 900; a screenshot of where the test ended is kept."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900},
        base_url=live_server.url,  # type: ignore[attr-defined]
        accept_downloads=True,
    )
    tab = context.new_page()
    signed_in(tab, admin.username, PASSWORD)
    yield tab
    screenshot_kept(tab, request.node.name)
    context.close()


def revenue_of(workspace: Workspace) -> str:
    """A workspace's revenue over all its sales, from the records."""
    amounts = Sale.objects.filter(workspace=workspace).values_list("amount", flat=True)
    return str(sum(amounts, Decimal("0.00")))


def test_switching_workspace_shows_only_that_workspaces_figures(
    page: Page, two_shops: tuple[Workspace, Workspace]
) -> None:
    default, atlas = two_shops
    page.goto("/?preset=all")
    ready(page)
    # The first of the user's workspaces by name: Atlas Books, where ada is a viewer.
    first = kpi(page, "revenue")
    expect(page.get_by_test_id("nav-group-admin")).to_have_count(0)

    page.get_by_test_id("workspace-switcher").select_option("default")
    expect(page.get_by_test_id("kpi-revenue-value")).to_have_attribute(
        "data-value", revenue_of(default), timeout=15_000
    )
    ready(page)
    me = page.request.get("/api/auth/me/").json()

    assert first == revenue_of(atlas)
    assert revenue_of(atlas) != revenue_of(default)
    assert (me["workspace"]["slug"], me["role"]) == ("default", "admin")
    # An admin of the default workspace sees its Members and History pages in the Admin menu.
    page.get_by_test_id("nav-group-admin").click()
    expect(page.get_by_test_id("nav-members")).to_be_visible()
    expect(page.get_by_test_id("nav-history")).to_be_visible()


def in_default_workspace(page: Page) -> None:
    """Switch the signed-in admin to the default workspace (they land in Atlas Books)."""
    page.get_by_test_id("workspace-switcher").select_option("default")
    expect(page.get_by_test_id("nav-group-admin")).to_be_visible()


@pytest.fixture
def bob() -> User:
    """A user of no workspace yet, made before the page opens: on SQLite's shared in-memory
    test database a write racing the page's own requests can find the table locked."""
    return User.objects.create_user("bob", email="bob@example.org")


def test_an_admin_adds_a_member_changes_the_role_invites_and_removes(
    bob: User, page: Page, two_shops: tuple[Workspace, Workspace]
) -> None:
    default, _ = two_shops
    in_default_workspace(page)
    menu_item_clicked(page, "admin", "members")
    expect(page.get_by_test_id("member-row-ada")).to_be_visible()

    page.get_by_test_id("member-who").fill("bob")
    page.get_by_test_id("member-role").select_option("viewer")
    page.get_by_test_id("member-add").click()
    expect(page.get_by_test_id("member-row-bob")).to_contain_text("viewer")
    page.get_by_test_id("member-role-bob").select_option("analyst")
    expect(page.get_by_test_id("member-role-bob")).to_have_value("analyst")
    page.get_by_test_id("member-who").fill("carol@example.org")
    page.get_by_test_id("member-add").click()
    expect(page.get_by_test_id("invitation-row-carol@example.org")).to_contain_text("viewer")
    roles_before_removal = dict(Membership.objects.filter(workspace=default).values_list("user__username", "role"))
    page.get_by_test_id("member-remove-bob").click()
    expect(page.get_by_test_id("member-row-bob")).to_have_count(0)
    page.get_by_test_id("member-role-ada").select_option("viewer")
    expect(page.get_by_test_id("members-error")).to_contain_text("last admin")

    assert roles_before_removal == {"ada": "admin", "bob": "analyst"}
    assert list(Membership.objects.filter(workspace=default).values_list("user__username", "role")) == [
        ("ada", "admin")
    ]
    assert list(Invitation.objects.values_list("workspace__slug", "email", "role")) == [
        ("default", "carol@example.org", "viewer")
    ]


def test_the_history_page_shows_a_ledger_change_with_before_and_after_and_exports_it(
    page: Page, admin: User, two_shops: tuple[Workspace, Workspace]
) -> None:
    entry = LedgerEntry.objects.filter(workspace=two_shops[0]).order_by("pk").first()
    assert entry is not None
    before = str(entry.amount)
    with audit_via("admin", actor=admin):
        entry.amount = Decimal("1234.56")
        entry.save()

    in_default_workspace(page)
    menu_item_clicked(page, "admin", "history")
    page.get_by_test_id("history-model").fill("ledgerentry")
    page.get_by_test_id("history-action").fill("update")
    page.get_by_test_id("history-apply").click()
    row = page.locator("[data-testid^='history-row-']")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"amount: {before} → 1234.56")
    expect(row).to_contain_text("ada")
    expect(row).to_contain_text("admin")
    with page.expect_download() as download:
        page.get_by_test_id("history-csv").click()
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))

    assert [(r["action"], r["model"], r["object_id"], r["actor"], r["via"]) for r in rows] == [
        ("update", "ledgerentry", str(entry.pk), "ada", "admin")
    ]
    assert '"amount": ["' + before + '", "1234.56"]' in rows[0]["changes"]
