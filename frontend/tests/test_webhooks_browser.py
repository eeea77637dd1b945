"""Webhooks in the browser: an admin registers a webhook to a real receiver on loopback, sees its
secret once, presses the test button, and the delivery log shows it succeeded with a 200; a
real Celery worker (in this process, on an in-memory broker) sends it, signed."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from frontend.tests.browsing import menu_item_clicked, screenshot_kept, signed_in
from webhooks.models import Webhook, WebhookDelivery
from webhooks.tests.receiver import Receiver, receiver_running
from workspaces.models import Role
from workspaces.services import member_set, workspace_default

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "admin-password"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_running() as running:
        yield running


@pytest.fixture
def page(browser: Browser, live_server: object, request: pytest.FixtureRequest) -> Iterator[Page]:
    """An admin of the default workspace, signed in, at 1440 × 900."""
    user = User.objects.create_user("ada", password=PASSWORD)
    member_set(workspace=workspace_default(), user=user, role=Role.ADMIN)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url)  # type: ignore[attr-defined]
    tab = context.new_page()
    signed_in(tab, "ada", PASSWORD)
    yield tab
    screenshot_kept(tab, request.node.name)
    context.close()


def test_an_admin_registers_a_webhook_sees_the_secret_once_and_a_test_delivery_succeeds(
    page: Page, receiver: Receiver, worker: None
) -> None:
    # given the Webhooks page, reached from the admins' navigation
    menu_item_clicked(page, "outreach", "webhooks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")

    # when the admin registers the receiver's URL for sync failures too
    page.get_by_test_id("webhook-url").fill(receiver.url)
    page.get_by_test_id("webhook-event-sync.failed").check()
    page.get_by_test_id("webhook-create").click()

    # then the secret is shown, once
    secret = page.get_by_test_id("webhook-secret")
    expect(secret).to_be_visible(timeout=10_000)
    hook = Webhook.objects.get()
    expect(secret).to_have_text(hook.secret)
    receiver.secret = secret.inner_text()
    assert receiver.secret == hook.secret
    assert hook.events == ["generation.published", "sync.failed"]
    row = page.get_by_test_id(f"webhook-row-{hook.pk}")
    expect(row).to_contain_text(receiver.url)
    expect(page.get_by_test_id(f"webhook-state-{hook.pk}")).to_have_text("active")

    # when they press the test button
    page.get_by_test_id(f"webhook-test-{hook.pk}").click()

    # then the log shows the delivery succeeded with the receiver's 200, and the receiver verified it
    delivery_row = page.locator("[data-testid^='delivery-row-']")
    expect(delivery_row).to_have_count(1, timeout=15_000)
    delivery = WebhookDelivery.objects.get()
    expect(page.get_by_test_id(f"delivery-status-{delivery.pk}")).to_have_text("succeeded", timeout=15_000)
    expect(page.get_by_test_id(f"delivery-code-{delivery.pk}")).to_have_text("200")
    assert [(request.verified, request.headers["X-Folio-Event"]) for request in receiver.requests] == [
        (True, "webhook.test")
    ]

    # and after a reload the secret is nowhere on the page
    page.reload()
    expect(page.get_by_test_id(f"webhook-row-{hook.pk}")).to_be_visible()
    expect(page.get_by_test_id("webhook-secret")).to_have_count(0)
    assert hook.secret not in page.content()

    # pausing shows it paused; deleting removes it
    page.get_by_test_id(f"webhook-toggle-{hook.pk}").click()
    expect(page.get_by_test_id(f"webhook-state-{hook.pk}")).to_have_text("paused")
    page.get_by_test_id(f"webhook-delete-{hook.pk}").click()
    expect(page.get_by_test_id(f"webhook-row-{hook.pk}")).to_have_count(0)
    assert Webhook.objects.count() == 0
