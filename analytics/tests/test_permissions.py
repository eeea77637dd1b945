"""Who may start work in the Django admin (the operators' tool): syncs, test-data generation
and imports each need their own Django permission; being staff only opens the admin. The
API goes by workspace roles instead (test_roles.py)."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from analytics.models import ApiToken, Job
from analytics.permissions import IMPORTS, NO_IMPORT
from analytics.services.import_jobs import IMPORT_KINDS
from analytics.services.tokens import api_token_authenticate, api_token_create
from analytics.tests.members import member_user
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db

CATALOGUE = (
    "isbn13,title,authors,genre,publisher,price,published\n"
    "9780439023481,The Hunger Games,Suzanne Collins,Young Adult,Scholastic,12.99,2008-09-14\n"
)


def staff(username: str, *codenames: str) -> User:
    """A staff user holding exactly these analytics permissions."""
    user = member_user(username, password=f"{username}-password", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="analytics", codename__in=codenames))
    return user


def admin_as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("catalogue.csv", CATALOGUE.encode(), "text/csv")


def test_the_admin_import_page_refuses_staff_without_an_import_permission() -> None:
    clerk = admin_as(staff("clerk", "run_sync", "generate_data", "view_job"))

    page = clerk.get("/admin/analytics/job/import/")
    posted = clerk.post("/admin/analytics/job/import/", {"kind": "sales", "file": upload()})
    changelist = clerk.get("/admin/analytics/job/")

    assert page.status_code == posted.status_code == 403
    assert NO_IMPORT in page.content.decode() and NO_IMPORT in posted.content.decode()
    assert Job.objects.count() == 0
    assert changelist.status_code == 200 and "Import a file" not in changelist.content.decode()


def test_the_admin_imports_only_the_kinds_the_user_may_import() -> None:
    clerk = admin_as(staff("clerk", "import_books"))

    page = clerk.get("/admin/analytics/job/import/").content.decode()
    refused = clerk.post("/admin/analytics/job/import/", {"kind": "sales", "file": upload()})
    accepted = clerk.post("/admin/analytics/job/import/", {"kind": "books", "file": upload()})
    job = Job.objects.get()
    job_page = clerk.get(f"/admin/analytics/job/{job.pk}/change/")

    assert 'value="books"' in page and 'value="sales"' not in page
    assert refused.status_code == 403 and IMPORTS["sales"].refusal in refused.content.decode()
    assert (accepted.status_code, accepted["Location"]) == (302, f"/admin/analytics/job/{job.pk}/change/")
    assert job.kind == "import_books"
    assert job_page.status_code == 200  # its starter sees the outcome without "Can view job"


def test_the_permissions_are_assignable_in_the_admin() -> None:
    root = admin_as(
        member_user("root", email="root@example.com", password="root-password", is_staff=True, is_superuser=True)
    )
    clerk = staff("clerk")

    page = root.get(f"/admin/auth/user/{clerk.pk}/change/").content.decode()

    for label in (
        "Can start a warehouse sync",
        "Can generate test sales data",
        "Can import the book catalogue",
        "Can import sales",
        "Can import the city ledger",
        "Can import the compte de résultat",
    ):
        assert f"Analytics | job | {label}" in page


def test_every_import_kind_has_its_permission() -> None:
    codenames = set(Permission.objects.filter(content_type__app_label="analytics").values_list("codename", flat=True))

    assert set(IMPORTS) == set(IMPORT_KINDS)
    assert {action.permission.split(".")[1] for action in IMPORTS.values()} <= codenames


def test_revoking_tokens_in_the_admin_needs_the_change_permission() -> None:
    owner = member_user("owner", password="owner-password")
    token, raw = api_token_create(workspace=workspace_default(), user=owner, name="script")
    viewer = admin_as(staff("viewer", "view_apitoken"))

    listing = viewer.get("/admin/analytics/apitoken/").content.decode()
    viewer.post("/admin/analytics/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    assert "Revoke the selected tokens" not in listing
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert api_token_authenticate(raw=raw) is not None
