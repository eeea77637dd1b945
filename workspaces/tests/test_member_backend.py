"""A session's user arrives with their memberships in one query (workspaces.auth), and a
change of role or membership counts from the very next request."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from workspaces.auth import MemberBackend
from workspaces.models import Role
from workspaces.services import member_remove, member_set, workspace_create, workspace_default

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada() -> User:
    """A member of two workspaces, limited to two regions in the second."""
    user = User.objects.create_user("ada", password="ada-password")
    member_set(workspace=workspace_default(), user=user, role=Role.ADMIN)
    member_set(
        workspace=workspace_create(slug="atlas", name="Atlas Books"),
        user=user,
        role=Role.VIEWER,
        regions=["FR", "DE"],
        departments=[12],
    )
    return user


def test_the_user_comes_with_every_membership_and_its_workspace(ada: User) -> None:
    with CaptureQueriesContext(connection) as queries:
        user = MemberBackend().get_user(ada.pk)

    assert user is not None
    loaded = {
        membership.workspace.slug: (membership.role, membership.regions, membership.departments)
        for membership in user.folio_memberships.values()  # type: ignore[attr-defined]
    }
    assert loaded == {"default": ("admin", [], []), "atlas": ("viewer", ["DE", "FR"], [12])}
    assert len(queries.captured_queries) == 1


def test_an_inactive_user_is_not_loaded(ada: User) -> None:
    User.objects.filter(pk=ada.pk).update(is_active=False)

    assert MemberBackend().get_user(ada.pk) is None


def test_a_session_request_costs_no_query_of_its_own_for_the_membership(ada: User) -> None:
    api = APIClient()
    api.force_login(ada)
    api.get("/api/auth/me/")

    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/auth/me/")

    # Atlas Books comes first by name: the session acts there.
    assert (response.status_code, response.json()["role"]) == (200, "viewer")
    # The session, then the user with their memberships: nothing else.
    assert [query["sql"].split()[0:4] for query in queries.captured_queries] == [
        ["SELECT", "session_data", "FROM", '"django_session"'],
        ["SELECT", "u.id,", "u.password,", "u.last_login,"],
    ]


def test_a_role_change_and_a_removal_count_from_the_next_request(ada: User) -> None:
    bob = User.objects.create_user("bob", password="bob-password")
    member_set(workspace=workspace_default(), user=bob, role=Role.ANALYST)
    api = APIClient()
    api.force_login(bob)
    first = api.get("/api/auth/me/").json()["role"]

    member_set(workspace=workspace_default(), user=bob, role=Role.VIEWER)
    second = api.get("/api/auth/me/").json()["role"]
    member_remove(workspace=workspace_default(), user=bob)
    third = api.get("/api/auth/me/")

    assert (first, second) == ("analyst", "viewer")
    assert third.json()["role"] is None


def test_a_plain_request_does_not_write_the_session(ada: User) -> None:
    api = APIClient()
    api.force_login(ada)
    session_before = dict(api.session)

    response = api.get("/api/auth/me/")

    # The first workspace by name is read each time, never saved: a page's concurrent first
    # requests would otherwise race to save the same session.
    assert response.json()["workspace"]["slug"] == "atlas"
    assert dict(api.session) == session_before
    assert "sessionid" not in response.cookies
