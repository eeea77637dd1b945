"""Roles decide what a member may do through the API: viewers read, analysts also export,
import, sync and generate, admins also manage members and every token of the workspace."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from analytics.models import ApiToken, Job
from analytics.services.tokens import api_token_create
from analytics.tests.members import api_as, member_user
from workspaces.models import Membership
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db

CATALOGUE = "isbn13,title,authors\n9780439023481,The Hunger Games,Suzanne Collins\n"
WHERE = "in workspace “Default workspace”"


def refusal(what: str, role: str, holder: str) -> dict[str, str]:
    article = "an" if holder[0] in "aeiou" else "a"
    return {"detail": f"{what} the {role} role {WHERE}; you are {article} {holder}."}


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("catalogue.csv", CATALOGUE.encode(), "text/csv")


@pytest.fixture(autouse=True)
def uploads(tmp_path: Path):
    with override_settings(IMPORT_UPLOAD_DIR=str(tmp_path / "uploads")):
        yield


def as_role(role: str) -> APIClient:
    return api_as(member_user(role, role=role))


# (action, request) → the answers for viewer, analyst, admin: a status, and the refusal when 403.
STARTS = [
    ("sync", lambda c: c.post("/api/analytics/sync", {}, format="json"), "Syncs need"),
    (
        "generate",
        lambda c: c.post("/api/analytics/generate-test-data", {"books": 1, "sales": 1}, format="json"),
        "Generating test data needs",
    ),
    *[
        (
            f"import-{kind}",
            lambda c, kind=kind: c.post(f"/api/analytics/imports/{kind}", {"file": upload()}, format="multipart"),
            "Imports need",
        )
        for kind in ("books", "sales", "ledger", "statement")
    ],
]


@pytest.mark.parametrize(("action", "send", "what"), STARTS, ids=[start[0] for start in STARTS])
def test_a_viewer_cannot_start_work_and_hears_the_role_needed(action: str, send, what: str) -> None:
    response = send(as_role("viewer"))

    assert (response.status_code, response.json()) == (403, refusal(what, "analyst", "viewer"))
    assert Job.objects.count() == 0


@pytest.mark.parametrize("role", ["analyst", "admin"])
@pytest.mark.parametrize(("action", "send", "what"), STARTS, ids=[start[0] for start in STARTS])
def test_analysts_and_admins_start_work_in_their_workspace(role: str, action: str, send, what: str) -> None:
    response = send(as_role(role))

    assert response.status_code == 202
    job = Job.objects.get()
    assert (job.workspace.slug, job.created_by.username if job.created_by else None) == ("default", role)


@pytest.mark.parametrize("role", ["viewer", "analyst", "admin"])
def test_every_role_reads_freshness(role: str) -> None:
    response = as_role(role).get("/api/analytics/freshness")

    assert (response.status_code, response.json()["generation"]) == (200, None)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_viewer_cannot_export(fmt: str) -> None:
    response = as_role("viewer").get("/api/analytics/top-books", {"format": fmt})

    assert (response.status_code, response.json()) == (403, refusal("Exports need", "analyst", "viewer"))


def test_a_viewer_cannot_export_by_accept_header_either() -> None:
    response = as_role("viewer").get("/api/analytics/top-books", HTTP_ACCEPT="text/csv")

    assert (response.status_code, response.json()) == (403, refusal("Exports need", "analyst", "viewer"))


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_analysts_and_admins_pass_the_export_check(role: str) -> None:
    # No generation is published: the answer's 503 comes after the role check let them through.
    response = as_role(role).get("/api/analytics/top-books", {"format": "csv"})

    assert response.status_code == 503


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("analyst", 403), ("admin", 200)])
def test_only_admins_list_members(role: str, status: int) -> None:
    response = as_role(role).get("/api/workspaces/current/members/")

    assert response.status_code == status
    if status == 403:
        assert response.json() == refusal("Managing members and invitations needs", "admin", role)
    else:
        assert [member["username"] for member in response.json()] == ["admin"]


def test_a_member_lists_their_own_tokens_and_an_admin_every_members() -> None:
    analyst, admin = member_user("analyst", role="analyst"), member_user("admin", role="admin")
    api_token_create(user=analyst, workspace=workspace_default(), name="analyst script")
    api_token_create(user=admin, workspace=workspace_default(), name="admin script")

    own = api_as(analyst).get("/api/tokens/").json()
    every = api_as(admin).get("/api/tokens/").json()

    assert [(token["owner"], token["name"]) for token in own] == [("analyst", "analyst script")]
    assert sorted((token["owner"], token["name"]) for token in every) == [
        ("admin", "admin script"),
        ("analyst", "analyst script"),
    ]


def test_an_admin_revokes_a_members_token_and_an_analyst_cannot() -> None:
    analyst, other, admin = (member_user(name, role="analyst") for name in ("analyst", "other", "boss"))
    Membership.objects.filter(user=admin).update(role="admin")
    token, _ = api_token_create(user=other, workspace=workspace_default(), name="other's script")

    by_analyst = api_as(analyst).delete(f"/api/tokens/{token.pk}/")
    by_admin = api_as(admin).delete(f"/api/tokens/{token.pk}/")

    assert (by_analyst.status_code, by_analyst.json()) == (404, {"detail": "No such token."})
    assert by_admin.status_code == 204
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_a_user_in_no_workspace_is_refused_with_what_to_do() -> None:
    stranger = api_as(member_user("stranger"))
    Membership.objects.filter(user__username="stranger").delete()

    responses = [stranger.get(url) for url in ("/api/analytics/freshness", "/api/tokens/", "/api/analytics/summary")]

    assert {(r.status_code, r.json()["detail"]) for r in responses} == {
        (403, "You are not a member of any workspace; ask an admin of a workspace to invite you.")
    }


def test_me_names_the_workspace_the_role_and_what_the_role_allows() -> None:
    body = as_role("analyst").get("/api/auth/me/").json()

    assert body == {
        "username": "analyst",
        "is_staff": False,
        "workspace": {"slug": "default", "name": "Default workspace"},
        "role": "analyst",
        "can": {
            "run_sync": True,
            "generate_data": True,
            "imports": ["books", "sales", "ledger", "statement"],
            "export": True,
            "manage_members": False,
        },
    }


def test_django_permissions_no_longer_open_api_actions_to_a_viewer() -> None:
    # given a staff viewer who holds the admin's "Can start a warehouse sync"
    clerk = member_user("clerk", role="viewer", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(content_type__app_label="analytics"))

    response = api_as(clerk).post("/api/analytics/sync", {}, format="json")

    assert (response.status_code, response.json()) == (403, refusal("Syncs need", "analyst", "viewer"))
