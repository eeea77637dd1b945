"""Who may start work: syncs, test-data generation and imports each need their own Django
permission, in the API and in the admin alike; being staff only opens the admin."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from analytics.models import ApiToken, Job
from analytics.permissions import GENERATE_DATA, IMPORTS, NO_IMPORT, RUN_SYNC
from analytics.services.import_jobs import IMPORT_KINDS
from analytics.services.tokens import api_token_authenticate, api_token_create
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db

CATALOGUE = (
    "isbn13,title,authors,genre,publisher,price,published\n"
    "9780439023481,The Hunger Games,Suzanne Collins,Young Adult,Scholastic,12.99,2008-09-14\n"
)

# (what, method's URL, body, the permission's codename, the refusal)
API_ACTIONS = [
    ("sync", "/api/analytics/sync", {"full": False}, "run_sync", RUN_SYNC.refusal),
    (
        "generate",
        "/api/analytics/generate-test-data",
        {"books": 1, "sales": 1},
        "generate_data",
        GENERATE_DATA.refusal,
    ),
    *[
        (f"import-{kind}", f"/api/analytics/imports/{kind}", "file", f"import_{kind}", IMPORTS[kind].refusal)
        for kind in IMPORT_KINDS
    ],
]


def staff(username: str, *codenames: str) -> User:
    """A staff user holding exactly these analytics permissions."""
    user = User.objects.create_user(username, password=f"{username}-password", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="analytics", codename__in=codenames))
    return user


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def admin_as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("catalogue.csv", CATALOGUE.encode(), "text/csv")


def post(client: APIClient, url: str, body: object):
    if body == "file":
        return client.post(url, {"file": upload()}, format="multipart")
    return client.post(url, body, format="json")


@pytest.mark.parametrize(("what", "url", "body", "codename", "refusal"), API_ACTIONS, ids=[a[0] for a in API_ACTIONS])
def test_staff_without_the_permission_get_403_naming_it_and_nothing_is_queued(
    what: str, url: str, body: object, codename: str, refusal: str
) -> None:
    every_other = [action[3] for action in API_ACTIONS if action[3] != codename]
    clerk = api_as(staff("clerk", *every_other))

    response = post(clerk, url, body)

    assert (response.status_code, response.json()) == (403, {"detail": refusal})
    assert Job.objects.count() == 0


@pytest.mark.parametrize(("what", "url", "body", "codename", "refusal"), API_ACTIONS, ids=[a[0] for a in API_ACTIONS])
def test_the_permission_alone_starts_the_job(what: str, url: str, body: object, codename: str, refusal: str) -> None:
    clerk = api_as(staff("clerk", codename))

    response = post(clerk, url, body)

    assert response.status_code == 202
    job = Job.objects.get()
    assert job.created_by is not None and job.created_by.username == "clerk"


def test_a_superuser_holds_every_permission() -> None:
    root = api_as(User.objects.create_superuser("root", "root@example.com", "root-password"))

    statuses = [post(root, url, body).status_code for _, url, body, _, _ in API_ACTIONS]

    assert statuses == [202] * len(API_ACTIONS)
    assert Job.objects.count() == len(API_ACTIONS)


def test_a_job_is_seen_by_its_starter_and_by_holders_of_view_job_only() -> None:
    starter = api_as(staff("starter", "run_sync"))
    job_id = starter.post("/api/analytics/sync", {}, format="json").json()["id"]

    own = starter.get(f"/api/analytics/jobs/{job_id}")
    other = api_as(staff("other", "run_sync")).get(f"/api/analytics/jobs/{job_id}")
    auditor = api_as(staff("auditor", "view_job")).get(f"/api/analytics/jobs/{job_id}")

    assert (own.status_code, own.json()["kind"]) == (200, "sync_warehouse")
    assert (other.status_code, other.json()) == (
        403,
        {"detail": "Only the job's starter or holders of “Can view job” may see it."},
    )
    assert auditor.status_code == 200


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
    root = admin_as(User.objects.create_superuser("root", "root@example.com", "root-password"))
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
    owner = User.objects.create_user("owner", password="owner-password")
    token, raw = api_token_create(workspace=workspace_default(), user=owner, name="script")
    viewer = admin_as(staff("viewer", "view_apitoken"))

    listing = viewer.get("/admin/analytics/apitoken/").content.decode()
    viewer.post("/admin/analytics/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    assert "Revoke the selected tokens" not in listing
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert api_token_authenticate(raw=raw) is not None


def test_the_current_user_lists_exactly_the_actions_they_may_start() -> None:
    # given a user who is not staff but holds the sync permission and one import's
    user = User.objects.create_user("clerk", password="clerk-password")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="analytics", codename__in=["run_sync", "import_sales"])
    )

    # when the dashboard asks who is signed in
    body = api_as(user).get("/api/auth/me/").json()

    # then it hears which actions to offer, and being staff is not one of the reasons
    assert body == {
        "username": "clerk",
        "is_staff": False,
        "can": {"run_sync": True, "generate_data": False, "imports": ["sales"]},
    }
