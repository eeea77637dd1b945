"""What the browser tests share: signing in through the dashboard's form, following a link of
the top bar's menus, waiting for a page's panels, reading a KPI's exact value, and keeping a
screenshot of where a test ended."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def signed_in(tab: Page, username: str, password: str) -> None:
    """Sign in through the dashboard's login form and wait for the signed-in layout (its
    Logout button is in the page at every width; on a phone it sits in the closed menu)."""
    tab.goto("/login")
    tab.get_by_test_id("login-username").fill(username)
    tab.get_by_test_id("login-password").fill(password)
    tab.get_by_test_id("login-submit").click()
    expect(tab.get_by_test_id("logout")).to_be_attached()
    expect(tab.get_by_test_id("current-user")).to_contain_text(username)


def menu_item_clicked(tab: Page, menu: str, item: str) -> None:
    """Open one of the top bar's menus (`outreach`, `admin`) and follow its link to a page."""
    tab.get_by_test_id(f"nav-group-{menu}").click()
    tab.get_by_test_id(f"nav-{item}").click()


def ready(page: Page) -> None:
    """Wait until every panel of the page has drawn its data."""
    expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=15_000)


def kpi(page: Page, name: str) -> str | None:
    """A KPI card's exact value (its data-value attribute)."""
    return page.get_by_test_id(f"kpi-{name}-value").get_attribute("data-value")


def screenshot_kept(tab: Page, test_name: str) -> None:
    """Keep a full-page screenshot of where the test ended, in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", test_name)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
