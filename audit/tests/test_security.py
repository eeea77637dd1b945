"""Sign-ins, failed sign-ins, sign-outs and permission refusals are recorded."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from audit.context import audit_context, audit_via, audit_workspace_set
from audit.models import AuditEntry
from audit.services import SIGNIN, audit_signin_record
from audit.tests.factories import MembershipFactory, UserFactory
from workspaces.models import Membership, Role, Workspace

pytestmark = pytest.mark.django_db


def security_events() -> list[tuple]:
    """(event, via, actor, object, details) of every sign-in or refusal entry, oldest first."""
    return [
        (e.event, e.via, e.actor_name, e.object_repr, e.additional_data)
        for e in AuditEntry.objects.filter(event__startswith="sign").order_by("id")
    ] + [
        (e.event, e.via, e.actor_name, e.object_repr, e.additional_data)
        for e in AuditEntry.objects.filter(event="permission.refused").order_by("id")
    ]


def test_an_api_sign_in_a_failure_and_a_sign_out_are_recorded(admin_member: Membership) -> None:
    api = APIClient()

    wrong = api.post("/api/auth/login/", {"username": "alice", "password": "not-it"}, format="json")
    right = api.post("/api/auth/login/", {"username": "alice", "password": "a-long-password-9"}, format="json")
    out = api.post("/api/auth/logout/")

    assert (wrong.status_code, right.status_code, out.status_code) == (400, 200, 204)
    assert security_events() == [
        ("signin.failed", "api", "alice", "alice", {"username": "alice"}),
        ("signin", "api", "alice", "alice", None),
        ("signout", "api", "alice", "alice", None),
    ]
    failed = AuditEntry.objects.get(event="signin.failed")
    assert (failed.actor_id, failed.object_id, failed.remote_addr) == (None, admin_member.user_id, "127.0.0.1")


def test_an_admin_sign_in_with_an_unknown_username_is_recorded_without_an_account(db: None) -> None:
    browser = Client()

    browser.post("/admin/login/", {"username": "mallory", "password": "guess", "next": "/admin/"})

    [entry] = AuditEntry.objects.filter(event="signin.failed")
    assert (entry.via, entry.actor_name, entry.object_pk, entry.workspace_id) == ("admin", "mallory", "", None)


def test_a_viewer_refused_the_audit_trail_is_itself_recorded_as_a_refusal(workspace: Workspace) -> None:
    viewer = MembershipFactory.create(workspace=workspace, user=UserFactory.create(username="victor"), role=Role.VIEWER)
    api = APIClient()
    api.force_login(viewer.user)

    response = api.get("/api/audit/?action=update")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only a workspace admin may read its audit trail; your role here is viewer."}
    [entry] = AuditEntry.objects.filter(event="permission.refused")
    assert (entry.via, entry.actor_name, entry.workspace_id, entry.object_repr) == (
        "api",
        "victor",
        workspace.pk,
        "GET /api/audit/",
    )
    assert entry.additional_data == {
        "path": "/api/audit/",
        "method": "GET",
        "message": "Only a workspace admin may read its audit trail; your role here is viewer.",
        "status": 403,
    }


def test_a_sign_in_belongs_to_no_workspace_even_inside_a_workspaces_context(workspace: Workspace) -> None:
    user = UserFactory.create(username="carol")

    with audit_via("api", workspace_id=workspace.pk):
        entry = audit_signin_record(event=SIGNIN, user=user)

    assert (entry.event, entry.workspace_id, entry.actor_name) == ("signin", None, "carol")


def test_naming_a_workspace_outside_any_context_leaves_the_process_default_alone(workspace: Workspace) -> None:
    audit_workspace_set(workspace.pk)

    assert audit_context().workspace_id is None
