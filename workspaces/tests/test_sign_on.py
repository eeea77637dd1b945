"""Single sign-on admission through allauth's own flow from the provider's callback on: the
identity the provider answered is parsed by allauth's OpenID Connect provider and completed
by allauth, with Folio's adapter deciding who gets in."""

import pytest
from allauth.core.context import request_context
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from pytest_django import Settings
from rest_framework.test import APIClient

from workspaces.models import Invitation, Membership, Role, Workspace
from workspaces.services import invitation_create, workspace_create
from workspaces.tests.conftest import PROVIDER_ID, PROVIDER_NAME

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oidc_configured")]

NOT_INVITED = "No invitation for grace@example.org; ask an admin of your workspace to invite you."
NOT_VERIFIED = (
    "Test IdP did not say that grace@example.org is a verified email address; "
    "Folio accepts single sign-on only with a verified one."
)


@pytest.fixture
def atlas() -> Workspace:
    return workspace_create(slug="atlas", name="Atlas Books")


def _request() -> HttpRequest:
    request = RequestFactory().get(f"/accounts/oidc/{PROVIDER_ID}/login/callback/")
    SessionMiddleware(lambda _: HttpResponse()).process_request(request)
    MessageMiddleware(lambda _: HttpResponse()).process_request(request)
    request.user = AnonymousUser()
    return request


def signed_in(*, sub: str, email: str, verified: bool) -> tuple[HttpRequest, HttpResponse]:
    """What Folio answers the callback of a provider that vouched for this identity."""
    request = _request()
    userinfo = {"sub": sub, "email": email, "email_verified": verified, "name": "Grace Hopper"}
    with request_context(request):
        provider = get_adapter(request).get_provider(request, PROVIDER_ID)
        sociallogin = provider.sociallogin_from_response(request, {"userinfo": userinfo})
        sociallogin.state = {"process": "login", "next": "/books"}
        response = complete_social_login(request, sociallogin)
    return request, response


def test_an_invited_verified_identity_becomes_a_member_with_the_invited_role(atlas: Workspace) -> None:
    invitation_create(workspace=atlas, email="Grace@Example.org", role=Role.ANALYST)

    request, response = signed_in(sub="g-1", email="grace@example.org", verified=True)

    user = User.objects.get(email="grace@example.org")
    assert (response.status_code, response["Location"]) == (302, "/books")
    assert request.session[SESSION_KEY] == str(user.pk)
    assert (user.first_name, user.last_name, user.has_usable_password()) == ("Grace", "Hopper", False)
    assert list(Membership.objects.values_list("workspace__slug", "user__email", "role")) == [
        ("atlas", "grace@example.org", "analyst")
    ]
    assert Invitation.objects.get().accepted_by == user


def test_an_uninvited_identity_is_refused_and_no_user_is_created(atlas: Workspace) -> None:
    invitation_create(workspace=atlas, email="someone-else@example.org", role=Role.VIEWER)

    request, response = signed_in(sub="g-1", email="grace@example.org", verified=True)

    assert response.status_code == 403
    assert NOT_INVITED in response.content.decode()
    assert SESSION_KEY not in request.session
    assert (User.objects.count(), SocialAccount.objects.count(), Membership.objects.count()) == (0, 0, 0)


def test_an_unverified_email_is_refused_even_when_invited(atlas: Workspace) -> None:
    invitation_create(workspace=atlas, email="grace@example.org", role=Role.VIEWER)

    _, response = signed_in(sub="g-1", email="grace@example.org", verified=False)

    assert response.status_code == 403
    assert NOT_VERIFIED in response.content.decode()
    assert (User.objects.count(), SocialAccount.objects.count()) == (0, 0)
    assert Invitation.objects.get().accepted_at is None


def test_a_verified_identity_connects_to_the_folio_user_with_its_email_and_keeps_the_password(
    atlas: Workspace,
) -> None:
    grace = User.objects.create_user("grace", email="GRACE@example.org", password="local-password")
    invitation_create(workspace=atlas, email="grace@example.org", role=Role.VIEWER)

    request, response = signed_in(sub="g-1", email="grace@example.org", verified=True)

    assert (response.status_code, request.session[SESSION_KEY]) == (302, str(grace.pk))
    assert list(SocialAccount.objects.values_list("provider", "uid", "user__username")) == [
        (PROVIDER_ID, "g-1", "grace")
    ]
    assert User.objects.count() == 1
    grace.refresh_from_db()
    assert grace.check_password("local-password")
    assert list(Membership.objects.values_list("workspace__slug", "user__username", "role")) == [
        ("atlas", "grace", "viewer")
    ]


def test_an_unverified_identity_does_not_connect_to_the_folio_user_with_its_email() -> None:
    User.objects.create_user("grace", email="grace@example.org", password="local-password")

    request, response = signed_in(sub="g-1", email="grace@example.org", verified=False)

    assert response.status_code == 403
    assert SESSION_KEY not in request.session
    assert SocialAccount.objects.count() == 0


def test_a_returning_identity_is_signed_in_and_joins_workspaces_invited_since(atlas: Workspace) -> None:
    invitation_create(workspace=atlas, email="grace@example.org", role=Role.VIEWER)
    signed_in(sub="g-1", email="grace@example.org", verified=True)
    borough = workspace_create(slug="borough", name="Borough")
    invitation_create(workspace=borough, email="grace@example.org", role=Role.ADMIN)

    request, response = signed_in(sub="g-1", email="grace@example.org", verified=True)

    assert (response.status_code, User.objects.count(), SocialAccount.objects.count()) == (302, 1, 1)
    assert request.session[SESSION_KEY] == str(User.objects.get().pk)
    assert list(Membership.objects.order_by("workspace__slug").values_list("workspace__slug", "role")) == [
        ("atlas", "viewer"),
        ("borough", "admin"),
    ]


def test_the_sign_in_options_list_the_provider_and_the_password_switch(settings: Settings) -> None:
    client = APIClient()

    on = client.get("/api/auth/providers/")
    settings.PASSWORD_LOGIN = False
    off = client.get("/api/auth/providers/")

    provider = {"id": PROVIDER_ID, "name": PROVIDER_NAME, "login_url": f"/accounts/oidc/{PROVIDER_ID}/login/"}
    assert (on.status_code, on.json()) == (200, {"password": True, "providers": [provider]})
    assert off.json() == {"password": False, "providers": [provider]}


def test_no_provider_is_listed_when_none_is_configured(settings: Settings) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {}

    response = APIClient().get("/api/auth/providers/")

    assert response.json() == {"password": True, "providers": []}


def test_password_sign_in_is_refused_when_switched_off(settings: Settings) -> None:
    User.objects.create_user("analyst", password="analyst-password")
    settings.PASSWORD_LOGIN = False

    response = APIClient().post("/api/auth/login/", {"username": "analyst", "password": "analyst-password"})

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Password sign-in is switched off here; sign in with single sign-on."},
    )
