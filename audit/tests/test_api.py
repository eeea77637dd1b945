"""/api/audit/: a workspace's entries for its admins, filtered, as JSON pages or CSV, never writable."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.context import audit_via
from audit.models import AuditEntry
from audit.selectors import AuditFilters, audit_entries_of_workspace
from audit.services import SIGNIN, audit_signin_record
from audit.tests.factories import LedgerEntryFactory, MembershipFactory, UserFactory, WorkspaceFactory
from books.models import Publisher
from workspaces.models import Membership, Role

pytestmark = pytest.mark.django_db


def changed_amount(entry_id: int, amount: str, *, via: str, actor: User) -> None:
    """Change a ledger entry's amount as `actor` through `via`."""
    with audit_via(via, actor=actor):
        ledger = LedgerEntryFactory._meta.model.objects.get(pk=entry_id)
        ledger.amount = Decimal(amount)
        ledger.save()


def test_the_admin_reads_the_workspace_changes_newest_first(admin_api: APIClient, admin_member: Membership) -> None:
    ledger = LedgerEntryFactory.create(workspace=admin_member.workspace)
    changed_amount(ledger.pk, "130.00", via="api", actor=admin_member.user)

    response = admin_api.get("/api/audit/", {"model": "ledgerentry"})

    assert response.status_code == 200
    body = response.json()
    update, create = AuditEntry.objects.filter(content_type__model="ledgerentry").order_by("-id")
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert body["results"][0] == {
        "id": update.pk,
        "at": update.timestamp.isoformat().replace("+00:00", "Z"),
        "actor": "alice",
        "via": "api",
        "action": "update",
        "model": "ledgerentry",
        "object_id": str(ledger.pk),
        "object_repr": "2025-03-14 Expenses 130.00",
        "changes": {"amount": ["120.00", "130.00"]},
        "counts": None,
        "details": None,
        "workspace": admin_member.workspace_id,
    }
    assert [row["id"] for row in body["results"]] == [update.pk, create.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "update"}, ["130.00", "140.00"]),
        ({"actor": "bob"}, ["140.00"]),
        ({"via": "admin"}, ["140.00"]),
        ({"via": "api", "action": "update"}, ["130.00"]),
        ({"action": "create"}, [None]),
    ],
)
def test_filters_narrow_the_entries(
    admin_api: APIClient, admin_member: Membership, query: dict[str, str], expected: list[str | None]
) -> None:
    ledger = LedgerEntryFactory.create(workspace=admin_member.workspace)
    changed_amount(ledger.pk, "130.00", via="api", actor=admin_member.user)
    changed_amount(ledger.pk, "140.00", via="admin", actor=UserFactory.create(username="bob"))

    response = admin_api.get("/api/audit/", {"model": "ledgerentry", **query})

    assert response.status_code == 200
    amounts = [row["changes"]["amount"][1] for row in reversed(response.json()["results"])]
    assert amounts == [amount if amount else "120.00" for amount in expected]


def test_since_until_and_object_id_narrow_the_entries(admin_api: APIClient, admin_member: Membership) -> None:
    first = LedgerEntryFactory.create(workspace=admin_member.workspace)
    second = LedgerEntryFactory.create(workspace=admin_member.workspace)
    middle = timezone.now()
    changed_amount(first.pk, "130.00", via="api", actor=admin_member.user)
    changed_amount(second.pk, "150.00", via="api", actor=admin_member.user)

    after = admin_api.get("/api/audit/", {"since": middle.isoformat(), "model": "ledgerentry"}).json()
    before = admin_api.get("/api/audit/", {"until": middle.isoformat(), "model": "ledgerentry"}).json()
    one = admin_api.get("/api/audit/", {"object_id": str(second.pk), "model": "ledgerentry"}).json()

    assert [(row["action"], row["object_id"]) for row in after["results"]] == [
        ("update", str(second.pk)),
        ("update", str(first.pk)),
    ]
    assert [(row["action"], row["object_id"]) for row in before["results"]] == [
        ("create", str(second.pk)),
        ("create", str(first.pk)),
    ]
    assert [row["action"] for row in one["results"]] == ["update", "create"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"since": "yesterday"}, "since", "Invalid since: Datetime has wrong format."),
        ({"action": "frobnicate"}, "action", 'Invalid action: "frobnicate" is not a valid choice.'),
        ({"model": "secret"}, "model", 'Invalid model: "secret" is not a valid choice.'),
        (
            {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
            "until",
            "Invalid until: until must be later than since.",
        ),
        ({"page_size": "0"}, "page_size", "Invalid page_size: Ensure this value is greater than or equal to 1."),
    ],
)
def test_a_bad_filter_is_refused_naming_the_field(
    admin_api: APIClient, query: dict[str, str], field: str, message: str
) -> None:
    response = admin_api.get("/api/audit/", query)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)
    assert list(response.json()["errors"]) == [field]


def test_csv_exports_the_filtered_entries_with_formulas_defused(admin_api: APIClient, admin_member: Membership) -> None:
    with audit_via("api", actor=admin_member.user):
        publisher = Publisher.objects.create(workspace=admin_member.workspace, name="=HYPERLINK(1)")
        publisher.name = "Plain Press"
        publisher.save()

    response = admin_api.get("/api/audit/", {"model": "publisher", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="folio-audit.csv"'
    update, create = AuditEntry.objects.filter(content_type__model="publisher").order_by("-id")
    ws = admin_member.workspace_id
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["id", "at", "actor", "via", "action", "model", "object_id", "object_repr", "changes", "counts", "workspace"],
        [
            str(update.pk),
            update.timestamp.isoformat(),
            "alice",
            "api",
            "update",
            "publisher",
            str(publisher.pk),
            "Plain Press",
            '{"name": ["=HYPERLINK(1)", "Plain Press"]}',
            "",
            str(ws),
        ],
        [
            str(create.pk),
            create.timestamp.isoformat(),
            "alice",
            "api",
            "create",
            "publisher",
            str(publisher.pk),
            "'=HYPERLINK(1)",
            f'{{"id": [null, {publisher.pk}], "name": [null, "=HYPERLINK(1)"], "workspace": [null, {ws}]}}',
            "",
            str(ws),
        ],
    ]


def test_a_member_of_another_workspace_never_sees_its_entries(admin_member: Membership) -> None:
    other = WorkspaceFactory.create(slug="b-team")
    outsider = MembershipFactory.create(workspace=other, user=UserFactory.create(username="brenda"), role=Role.ADMIN)
    LedgerEntryFactory.create(workspace=admin_member.workspace)
    LedgerEntryFactory.create(workspace=other, amount=Decimal("9.99"))
    audit_signin_record(event=SIGNIN, user=admin_member.user)
    audit_signin_record(event=SIGNIN, user=outsider.user)
    api = APIClient()
    api.force_login(outsider.user)

    response = api.get("/api/audit/")
    seen_by_a = audit_entries_of_workspace(
        workspace_id=admin_member.workspace_id, filters=AuditFilters(action="signin")
    )

    assert response.status_code == 200
    assert {(entry["action"], entry["object_repr"]) for entry in response.json()["results"]} == {
        ("create", "2025-03-14 Expenses 9.99"),
        ("create", f"{outsider.user_id} in {other.pk} as admin"),
        ("signin", "brenda"),
    }
    assert [entry.object_repr for entry in seen_by_a] == ["alice"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_audit_trail_cannot_be_written_through_the_api(admin_api: APIClient, method: str) -> None:
    response = getattr(admin_api, method)("/api/audit/", {}, format="json")

    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


def test_the_admin_shows_entries_but_refuses_to_change_or_delete_them(
    superuser: User, admin_member: Membership
) -> None:
    LedgerEntryFactory.create(workspace=admin_member.workspace)
    entry = AuditEntry.objects.get(content_type__model="ledgerentry")
    admin = Client()
    admin.force_login(superuser)

    listing = admin.get("/admin/audit/auditentry/")
    shown = admin.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    changed = admin.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"via": "forged"})
    deleted = admin.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    added = admin.get("/admin/audit/auditentry/add/")

    assert (listing.status_code, shown.status_code) == (200, 200)
    assert (changed.status_code, deleted.status_code, added.status_code) == (403, 403, 403)
    assert AuditEntry.objects.get(pk=entry.pk).via == entry.via
