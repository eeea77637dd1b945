"""Single sign-on end to end in Chromium: Folio's sign-in page, a real OpenID Connect provider
(django-oauth-toolkit under gunicorn on loopback) with its login form and consent page, the
callback, Folio's session and the dashboard."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect
from pytest_django import Settings

from workspaces.models import Membership, Role
from workspaces.services import invitation_create, workspace_create
from workspaces.tests.conftest import PROVIDER_ID, OidcProvider, ProviderUser, provider_apps

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sign_on_only(settings: Settings, oidc_provider: OidcProvider) -> None:
    """Folio with the provider switched on and password sign-in switched off."""
    settings.SOCIALACCOUNT_PROVIDERS = provider_apps(oidc_provider.server_url)
    settings.PASSWORD_LOGIN = False


def sign_in_at_provider(tab: Page, person: ProviderUser) -> None:
    """From Folio's sign-in page: the provider's button, its login form, then Authorize."""
    tab.goto("/login?next=%2Fsettings")
    expect(tab.get_by_test_id("login-username")).to_have_count(0)
    tab.get_by_test_id(f"sign-on-{PROVIDER_ID}").click()
    tab.locator("#id_username").fill(person.username)
    tab.locator("#id_password").fill(person.password)
    tab.get_by_role("button", name="Sign in").click()
    expect(tab.get_by_role("heading", name="Authorize Folio?")).to_be_visible()
    tab.get_by_role("button", name="Authorize").click()


@pytest.mark.usefixtures("sign_on_only")
def test_an_invited_person_signs_in_through_the_provider_and_lands_on_the_dashboard(
    browser: Browser, live_server: object, oidc_provider: OidcProvider
) -> None:
    ada = oidc_provider.users["ada"]
    atlas = workspace_create(slug="atlas", name="Atlas Books")
    invitation_create(workspace=atlas, email=ada.email, role=Role.ANALYST)
    tab = browser.new_context(base_url=live_server.url).new_page()  # type: ignore[attr-defined]

    sign_in_at_provider(tab, ada)

    expect(tab).to_have_url(f"{live_server.url}/settings")  # type: ignore[attr-defined]
    expect(tab.get_by_test_id("current-user")).to_contain_text("ada")
    me = tab.request.get("/api/auth/me/")
    assert (me.status, me.json()["username"]) == (200, "ada")
    user = User.objects.get(email=ada.email)
    assert (user.first_name, user.last_name, user.has_usable_password()) == ("Ada", "Lovelace", False)
    assert list(Membership.objects.values_list("workspace__slug", "user__username", "role")) == [
        ("atlas", "ada", "analyst")
    ]
    tab.context.close()


@pytest.mark.usefixtures("sign_on_only")
def test_an_uninvited_person_is_refused_after_the_provider_and_no_user_is_created(
    browser: Browser, live_server: object, oidc_provider: OidcProvider
) -> None:
    mallory = oidc_provider.users["mallory"]
    invitation_create(
        workspace=workspace_create(slug="atlas", name="Atlas Books"), email="ada@example.org", role="viewer"
    )
    tab = browser.new_context(base_url=live_server.url).new_page()  # type: ignore[attr-defined]

    sign_in_at_provider(tab, mallory)

    expect(tab.get_by_test_id("sign-on-refused")).to_have_text(
        "No invitation for mallory@example.org; ask an admin of your workspace to invite you."
    )
    assert tab.request.get("/api/auth/me/").status == 401
    assert not User.objects.filter(email__iexact=mallory.email).exists()
    assert User.objects.count() == 0
    tab.context.close()
