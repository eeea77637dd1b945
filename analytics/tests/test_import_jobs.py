"""Imports through the API and the admin: the upload is kept, the import runs as a job, and
its status says what was read, created, updated, unchanged and rejected."""

import csv
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate

from analytics.api.jobs_views import ImportView
from analytics.models import Job
from analytics.services.import_jobs import import_rejects_path, import_run
from analytics.tests.members import member_user
from books.models import Book

pytestmark = pytest.mark.django_db

CATALOGUE = (
    "isbn13,title,authors,genre,publisher,price,published\n"
    "9780439023481,The Hunger Games,Suzanne Collins,Young Adult,Scholastic,12.99,2008-09-14\n"
    "9780316769488,The Catcher in the Rye,J. D. Salinger,Literary Fiction,Little Brown,9.50,1951-07-16\n"
)
BAD_PRICE = CATALOGUE.replace("9.50", "nine")


@pytest.fixture
def boss() -> APIClient:
    client = APIClient()
    client.force_login(member_user("boss", password="boss-password", is_staff=True, is_superuser=True))
    return client


def upload(content: str | bytes, name: str = "catalogue.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content, "text/csv")


def test_a_catalogue_uploaded_through_the_api_is_imported_by_its_job(boss: APIClient) -> None:
    accepted = boss.post("/api/analytics/imports/books", {"file": upload(CATALOGUE)}, format="multipart")
    import_run(job_id=accepted.json()["id"])
    status = boss.get(accepted["Location"]).json()

    assert (accepted.status_code, accepted.json()["kind"], accepted.json()["status"]) == (202, "import_books", "queued")
    assert status["status"] == "succeeded"
    assert {key: status["result"][key] for key in ("read", "created", "updated", "unchanged", "rejected")} == {
        "read": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    assert list(Book.objects.order_by("isbn13").values_list("isbn13", flat=True)) == ["9780316769488", "9780439023481"]


def test_a_rejected_row_fails_the_job_writes_nothing_and_can_be_downloaded(boss: APIClient) -> None:
    accepted = boss.post("/api/analytics/imports/books", {"file": upload(BAD_PRICE)}, format="multipart")
    import_run(job_id=accepted.json()["id"])
    status = boss.get(accepted["Location"]).json()
    rejects = boss.get(f"/api/analytics/jobs/{accepted.json()['id']}/rejects")

    assert (status["status"], status["error"]) == ("failed", "1 row(s) rejected; nothing was imported.")
    assert status["result"]["rejected"] == 1
    assert status["result"]["errors"][0].startswith("line 3, column price: ")
    assert Book.objects.count() == 0
    rows = list(csv.DictReader(io.StringIO(rejects.getvalue().decode())))
    assert [(row["line"], row["column"], row["value"]) for row in rows] == [("3", "price", "nine")]


def test_a_file_that_is_not_csv_fails_the_job_with_one_message(boss: APIClient) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)

    accepted = boss.post("/api/analytics/imports/sales", {"file": upload(png, "chart.png")}, format="multipart")
    job = import_run(job_id=accepted.json()["id"])

    assert job.status == "failed"
    assert "a PNG image" in job.error
    assert job.result == {"file": "chart.png"}


def test_imports_are_for_analysts_and_name_a_known_kind(boss: APIClient) -> None:
    viewer = APIClient()
    viewer.force_login(member_user("viewer", role="viewer"))

    refused = viewer.post("/api/analytics/imports/books", {"file": upload(CATALOGUE)}, format="multipart")
    unknown = boss.post("/api/analytics/imports/recipes", {"file": upload(CATALOGUE)}, format="multipart")
    missing = boss.post("/api/analytics/imports/books", {}, format="multipart")

    assert (refused.status_code, refused.json()) == (
        403,
        {"detail": "Imports need the analyst role in workspace “Default workspace”; you are a viewer."},
    )
    assert (unknown.status_code, unknown.json()["detail"]) == (
        404,
        "No import 'recipes'; one of: books, sales, ledger, statement.",
    )
    assert (missing.status_code, missing.json()["errors"]) == (400, {"file": ["No file was submitted."]})
    assert Job.objects.count() == 0


def test_the_admin_upload_form_queues_an_import_and_shows_its_job() -> None:
    admin = Client()
    admin.force_login(
        member_user("root", email="root@example.com", password="root-password", is_staff=True, is_superuser=True)
    )

    form = admin.get("/admin/analytics/job/import/")
    response = admin.post(
        "/admin/analytics/job/import/", {"kind": "books", "file": upload(CATALOGUE), "skip_invalid": ""}
    )
    job = Job.objects.get()
    import_run(job_id=job.pk)
    page = admin.get(f"/admin/analytics/job/{job.pk}/change/")

    assert form.status_code == 200 and "Import a file" in form.content.decode()
    assert (response.status_code, response["Location"]) == (302, f"/admin/analytics/job/{job.pk}/change/")
    assert (job.kind, job.parameters["file"], job.parameters["skip_invalid"]) == (
        "import_books",
        "catalogue.csv",
        False,
    )
    assert page.status_code == 200 and "succeeded" in page.content.decode()
    assert Book.objects.count() == 2


@pytest.fixture
def uploads(tmp_path: Path) -> Iterator[Path]:
    """An upload folder of the test's own."""
    with override_settings(IMPORT_UPLOAD_DIR=tmp_path / "uploads"):
        yield tmp_path / "uploads"


@pytest.fixture
def root() -> User:
    return member_user("root", email="root@example.com", password="root-password", is_staff=True, is_superuser=True)


def stored_files(folder: Path) -> list[str]:
    """The names of every file under the upload folder."""
    return sorted(path.name for path in folder.rglob("*") if path.is_file())


def test_the_upload_is_deleted_when_its_job_succeeds(boss: APIClient, uploads: Path) -> None:
    accepted = boss.post("/api/analytics/imports/books", {"file": upload(CATALOGUE)}, format="multipart")
    queued = stored_files(uploads)

    job = import_run(job_id=accepted.json()["id"])

    assert queued == ["catalogue.csv"]
    assert job.status == "succeeded"
    assert stored_files(uploads) == []


def test_a_failed_job_deletes_its_upload_and_keeps_its_rejects(boss: APIClient, uploads: Path) -> None:
    accepted = boss.post("/api/analytics/imports/books", {"file": upload(BAD_PRICE)}, format="multipart")

    job = import_run(job_id=accepted.json()["id"])
    rejects = boss.get(f"/api/analytics/jobs/{job.pk}/rejects")

    assert job.status == "failed"
    assert stored_files(uploads) == ["catalogue.rejects.csv"]
    assert rejects.status_code == 200


def test_a_refused_file_fails_its_job_and_is_deleted(boss: APIClient, uploads: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    accepted = boss.post("/api/analytics/imports/sales", {"file": upload(png, "chart.png")}, format="multipart")

    job = import_run(job_id=accepted.json()["id"])

    assert job.status == "failed"
    assert stored_files(uploads) == []


@override_settings(IMPORT_REJECTS_DAYS=7)
def test_rejects_older_than_the_retention_are_pruned_by_the_next_import(boss: APIClient, uploads: Path) -> None:
    started = [boss.post("/api/analytics/imports/books", {"file": upload(BAD_PRICE)}, format="multipart") for _ in "12"]
    old, recent = (import_run(job_id=response.json()["id"]) for response in started)
    eight_days_ago = time.time() - 8 * 86_400
    old_folder = import_rejects_path(old).parent
    for path in (old_folder, *old_folder.iterdir()):
        os.utime(path, (eight_days_ago, eight_days_ago))

    boss.post("/api/analytics/imports/books", {"file": upload(CATALOGUE)}, format="multipart")
    expired = boss.get(f"/api/analytics/jobs/{old.pk}/rejects")

    assert not old_folder.exists()
    assert import_rejects_path(recent).exists()
    assert (expired.status_code, expired.json()["detail"]) == (
        404,
        "The rejects file of this import was removed after 7 days (IMPORT_REJECTS_DAYS).",
    )


@override_settings(IMPORT_MAX_BYTES=100_000)
def test_an_upload_over_the_limit_is_a_413_naming_the_limit_and_nothing_is_stored(
    boss: APIClient, uploads: Path
) -> None:
    big = CATALOGUE + "9780439023481,Padding,Someone,,,1.00,\n" * 10_000

    response = boss.post("/api/analytics/imports/books", {"file": upload(big)}, format="multipart")

    assert response.status_code == 413
    assert response.json()["detail"].startswith(
        "catalogue.csv is larger than the import limit of 100,000 bytes (IMPORT_MAX_BYTES); the upload was stopped"
    )
    assert Job.objects.count() == 0
    assert stored_files(uploads) == []


@override_settings(IMPORT_MAX_BYTES=100_000)
def test_the_upload_limit_stops_reading_the_body(root: User, uploads: Path) -> None:
    big = CATALOGUE + "9780439023481,Padding,Someone,,,1.00,\n" * 200_000  # about 7.6 MB
    request = APIRequestFactory().post("/api/analytics/imports/books", {"file": upload(big)}, format="multipart")
    force_authenticate(request, user=root)
    body = request.META["wsgi.input"]

    response = ImportView.as_view()(request, kind="books")

    assert response.status_code == 413
    assert len(body) > len(big) - 500_000  # at most the limit and a few chunks were read
    assert Job.objects.count() == 0


@override_settings(IMPORT_MAX_BYTES=100_000)
def test_the_admin_upload_form_refuses_a_file_over_the_limit(root: User, uploads: Path) -> None:
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(root)
    form = admin.get("/admin/analytics/job/import/")
    big = CATALOGUE + "9780439023481,Padding,Someone,,,1.00,\n" * 10_000

    response = admin.post(
        "/admin/analytics/job/import/",
        {"csrfmiddlewaretoken": form.context["csrf_token"], "kind": "books", "file": upload(big)},
    )

    assert response.status_code == 413
    assert (
        response.context["form"]
        .errors["file"][0]
        .startswith("catalogue.csv is larger than the import limit of 100,000 bytes (IMPORT_MAX_BYTES)")
    )
    assert Job.objects.count() == 0
