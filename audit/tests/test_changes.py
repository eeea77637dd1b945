"""Changes to single records are recorded with who, through what, and each field's before and after."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from analytics.models import ApiToken
from analytics.services.tokens import api_token_revoke
from audit.context import audit_via
from audit.models import AuditEntry
from audit.tests.factories import ApiTokenFactory, LedgerEntryFactory, MembershipFactory, SaleFactory, UserFactory
from books.services.records import sale_update
from finance.models import LedgerEntry
from workspaces.models import Membership, Role, Workspace
from workspaces.services import member_set

pytestmark = pytest.mark.django_db


def record_entries(model: str) -> list[tuple]:
    """The entries about one model, oldest first, as (event, via, actor, object, changes, workspace)."""
    return [
        (e.event, e.via, e.actor_name, e.object_pk, e.changes, e.workspace_id)
        for e in AuditEntry.objects.filter(content_type__model=model).order_by("id")
    ]


def test_a_ledger_entry_changed_in_the_admin_records_the_amount_before_and_after(
    workspace: Workspace, superuser: User
) -> None:
    entry = LedgerEntryFactory.create(workspace=workspace)
    created = len(record_entries("ledgerentry"))
    admin = Client()
    admin.force_login(superuser)

    response = admin.post(
        f"/admin/finance/ledgerentry/{entry.pk}/change/",
        {
            "workspace": workspace.pk,
            "entry_date": "2025-03-14",
            "amount": "150.00",
            "kind": "Expenses",
            "department": entry.department_id,
            "fund": entry.fund_id,
            "cost_center": entry.cost_center_id,
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("150.00")
    assert record_entries("ledgerentry")[created:] == [
        ("update", "admin", "root", str(entry.pk), {"amount": ["120.00", "150.00"]}, workspace.pk)
    ]


def test_a_ledger_entry_deleted_in_the_admin_records_its_values(workspace: Workspace, superuser: User) -> None:
    entry = LedgerEntryFactory.create(workspace=workspace, amount=Decimal("75.50"))
    admin = Client()
    admin.force_login(superuser)

    response = admin.post(f"/admin/finance/ledgerentry/{entry.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    event, via, actor, object_pk, changes, workspace_id = record_entries("ledgerentry")[-1]
    assert (event, via, actor, object_pk, workspace_id) == ("delete", "admin", "root", str(entry.pk), workspace.pk)
    assert changes["amount"] == ["75.50", None]
    assert changes["entry_date"] == ["2025-03-14", None]


def test_a_sale_changed_by_a_service_in_an_api_context_records_quantity_and_amount(workspace: Workspace) -> None:
    sale = SaleFactory.create(workspace=workspace)
    analyst = UserFactory.create(username="bob")

    with audit_via("api", actor=analyst):
        sale_update(sale=sale, workspace=workspace, quantity=3)

    assert record_entries("sale") == [
        (
            "create",
            "system",
            "",
            str(sale.pk),
            {
                "id": [None, sale.pk],
                "workspace": [None, workspace.pk],
                "book": [None, sale.book_id],
                "region": [None, sale.region_id],
                "sold_at": [None, "2025-05-01 12:00:00"],
                "quantity": [None, 2],
                "unit_price": [None, "10.00"],
                "discount": [None, "0.00"],
                "amount": [None, "20.00"],
                "channel": [None, "online"],
            },
            workspace.pk,
        ),
        ("update", "api", "bob", str(sale.pk), {"quantity": [2, 3], "amount": ["20.00", "30.00"]}, workspace.pk),
    ]


def test_a_role_change_is_recorded_with_the_role_before_and_after(workspace: Workspace) -> None:
    membership = MembershipFactory.create(workspace=workspace, role=Role.VIEWER)
    admin = UserFactory.create(username="carol")

    with audit_via("api", actor=admin):
        member_set(workspace=workspace, user=membership.user, role=Role.ANALYST)

    event, via, actor, object_pk, changes, workspace_id = record_entries("membership")[-1]
    assert (event, via, actor, object_pk, changes, workspace_id) == (
        "update",
        "api",
        "carol",
        str(membership.pk),
        {"role": ["viewer", "analyst"]},
        workspace.pk,
    )


def test_a_new_member_is_recorded_as_created(workspace: Workspace) -> None:
    user = UserFactory.create(username="dave")

    with audit_via("command workspace"):
        membership = member_set(workspace=workspace, user=user, role=Role.ADMIN)

    event, via, _, object_pk, changes, workspace_id = record_entries("membership")[-1]
    assert (event, via, object_pk, workspace_id) == ("create", "command workspace", str(membership.pk), workspace.pk)
    assert changes["role"] == [None, "admin"]
    assert changes["user"] == [None, user.pk]
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMIN


def test_a_token_created_and_revoked_is_recorded_without_its_digest(workspace: Workspace) -> None:
    owner = UserFactory.create(username="erin")

    with audit_via("api", actor=owner):
        token = ApiTokenFactory.create(user=owner, workspace=workspace, name="nightly")
        api_token_revoke(user=owner, workspace_id=workspace.pk, token_id=token.pk)

    revoked_at = ApiToken.objects.get(pk=token.pk).revoked_at
    assert revoked_at is not None
    entries = record_entries("apitoken")
    assert [entry[:4] for entry in entries] == [
        ("create", "api", "erin", str(token.pk)),
        ("revoke", "api", "erin", str(token.pk)),
    ]
    assert "digest" not in entries[0][4]
    assert entries[0][4]["name"] == [None, "nightly"]
    assert entries[1][4] == {"revoked_at": [None, revoked_at.isoformat()]}
    assert entries[1][5] == workspace.pk
