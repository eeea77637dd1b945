"""The members API an admin uses: list, add (or invite), change role and limits, remove, and invitations."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from analytics.tests.members import api_as, member_user
from books.tests.factories import RegionFactory
from workspaces.models import Invitation, Membership
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db
MEMBERS = "/api/workspaces/current/members/"


@pytest.fixture
def admin() -> User:
    return member_user("root", role="admin", email="root@example.com")


@pytest.fixture
def api(admin: User) -> APIClient:
    return api_as(admin)


def test_an_admin_lists_the_members_with_their_roles_and_limits(api: APIClient) -> None:
    viewer = member_user("vera", role="viewer", email="vera@example.com", regions=["FR", "DE"])

    body = api.get(MEMBERS).json()

    assert body == [
        {
            "id": Membership.objects.get(user__username="root").pk,
            "username": "root",
            "email": "root@example.com",
            "role": "admin",
            "regions": [],
            "departments": [],
        },
        {
            "id": Membership.objects.get(user=viewer).pk,
            "username": "vera",
            "email": "vera@example.com",
            "role": "viewer",
            "regions": ["DE", "FR"],
            "departments": [],
        },
    ]


def test_adding_a_known_user_by_username_makes_them_a_member(api: APIClient) -> None:
    User.objects.create_user("newcomer", email="new@example.com")

    response = api.post(MEMBERS, {"username": "newcomer", "role": "analyst"}, format="json")

    assert response.status_code == 201
    assert response.json()["invitation"] is None
    assert {k: response.json()["member"][k] for k in ("username", "role")} == {
        "username": "newcomer",
        "role": "analyst",
    }
    assert Membership.objects.get(user__username="newcomer").role == "analyst"


def test_adding_an_unknown_email_invites_it(api: APIClient) -> None:
    response = api.post(MEMBERS, {"email": "Someone@Example.com", "role": "viewer"}, format="json")

    body = response.json()
    assert (response.status_code, body["member"]) == (201, None)
    assert {k: body["invitation"][k] for k in ("email", "role", "invited_by", "accepted_at")} == {
        "email": "Someone@Example.com",
        "role": "viewer",
        "invited_by": "root",
        "accepted_at": None,
    }
    assert Invitation.objects.get().workspace == workspace_default()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"username": "root", "role": "viewer"}, "root is already a member of default; change their role instead."),
        ({"username": "nobody", "role": "viewer"}, "No user is called 'nobody'; invite them by email instead."),
        ({"email": "x@example.com", "role": "viewer", "regions": ["ZZ"]}, "Unknown region code(s): ZZ."),
    ],
)
def test_a_wrong_addition_is_a_400_naming_the_problem_and_changes_nothing(
    api: APIClient, body: dict, detail: str
) -> None:
    response = api.post(MEMBERS, body, format="json")

    assert (response.status_code, response.json()) == (400, {"detail": detail})
    assert (Membership.objects.count(), Invitation.objects.count()) == (1, 0)


def test_username_and_email_together_are_refused(api: APIClient) -> None:
    response = api.post(MEMBERS, {"username": "a", "email": "a@example.com", "role": "viewer"}, format="json")

    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"username": ["Give either a username or an email, not both or neither."]},
    )


def test_an_admin_changes_a_members_role_and_regions(api: APIClient) -> None:
    RegionFactory.create(code="FR")
    member = Membership.objects.get(user=member_user("vera", role="viewer"))

    response = api.patch(f"{MEMBERS}{member.pk}/", {"role": "analyst", "regions": ["FR"]}, format="json")

    assert (response.status_code, response.json()["role"], response.json()["regions"]) == (200, "analyst", ["FR"])
    member.refresh_from_db()
    assert (member.role, member.regions) == ("analyst", ["FR"])


def test_the_last_admin_can_be_neither_demoted_nor_removed(api: APIClient, admin: User) -> None:
    own = Membership.objects.get(user=admin)

    demoted = api.patch(f"{MEMBERS}{own.pk}/", {"role": "viewer"}, format="json")
    removed = api.delete(f"{MEMBERS}{own.pk}/")

    message = {"detail": "root is the last admin of default; make another admin first."}
    assert (demoted.status_code, demoted.json()) == (400, message)
    assert (removed.status_code, removed.json()) == (400, message)
    assert Membership.objects.get(pk=own.pk).role == "admin"


def test_removing_a_member_ends_their_access_at_once(api: APIClient) -> None:
    vera = member_user("vera", role="viewer")
    vera_client = api_as(vera)
    member = Membership.objects.get(user=vera)

    removed = api.delete(f"{MEMBERS}{member.pk}/")
    after = vera_client.get("/api/analytics/freshness")

    assert removed.status_code == 204
    assert (after.status_code, after.json()["detail"]) == (
        403,
        "You are not a member of any workspace; ask an admin of a workspace to invite you.",
    )


def test_an_admin_lists_and_withdraws_invitations(api: APIClient) -> None:
    api.post(MEMBERS, {"email": "later@example.com", "role": "analyst"}, format="json")
    invitation = Invitation.objects.get()

    listed = api.get("/api/workspaces/current/invitations/").json()
    withdrawn = api.delete(f"/api/workspaces/current/invitations/{invitation.pk}/")
    again = api.delete(f"/api/workspaces/current/invitations/{invitation.pk}/")

    assert [(i["email"], i["role"]) for i in listed] == [("later@example.com", "analyst")]
    assert withdrawn.status_code == 204
    assert (again.status_code, again.json()) == (404, {"detail": "No invitation of this workspace has this id."})
    assert not Invitation.objects.exists()


def test_the_schema_documents_the_workspace_routes() -> None:
    api = api_as(member_user("reader", role="viewer"))

    paths = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    assert {
        "/api/workspaces/",
        "/api/workspaces/current/",
        "/api/workspaces/current/members/",
        "/api/workspaces/current/members/{member_id}/",
        "/api/workspaces/current/invitations/",
        "/api/workspaces/current/invitations/{invitation_id}/",
    } <= set(paths)
