"""Imports through the API and the admin: the upload is kept, the import runs as a job, and
its status says what was read, created, updated, unchanged and rejected."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from analytics.models import Job
from analytics.services.import_jobs import import_run
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
    client.force_login(User.objects.create_user("boss", password="boss-password", is_staff=True, is_superuser=True))
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
    assert sorted(Book.objects.values_list("isbn13", flat=True)) == ["9780316769488", "9780439023481"]


def test_a_rejected_row_fails_the_job_writes_nothing_and_can_be_downloaded(boss: APIClient) -> None:
    accepted = boss.post("/api/analytics/imports/books", {"file": upload(BAD_PRICE)}, format="multipart")
    import_run(job_id=accepted.json()["id"])
    status = boss.get(accepted["Location"]).json()
    rejects = boss.get(f"/api/analytics/jobs/{accepted.json()['id']}/rejects")

    assert (status["status"], status["error"]) == ("failed", "1 row(s) rejected; nothing was imported.")
    assert status["result"]["rejected"] == 1
    assert status["result"]["errors"][0].startswith("line 3, column price: ")
    assert Book.objects.count() == 0
    rows = list(csv.DictReader(io.StringIO(b"".join(rejects.streaming_content).decode())))
    assert [(row["line"], row["column"], row["value"]) for row in rows] == [("3", "price", "nine")]


def test_a_file_that_is_not_csv_fails_the_job_with_one_message(boss: APIClient) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)

    accepted = boss.post("/api/analytics/imports/sales", {"file": upload(png, "chart.png")}, format="multipart")
    job = import_run(job_id=accepted.json()["id"])

    assert job.status == "failed"
    assert "a PNG image" in job.error
    assert job.result == {"file": "chart.png"}


def test_imports_are_for_staff_and_name_a_known_kind(boss: APIClient) -> None:
    analyst = APIClient()
    analyst.force_login(User.objects.create_user("analyst", password="analyst-password"))

    refused = analyst.post("/api/analytics/imports/books", {"file": upload(CATALOGUE)}, format="multipart")
    unknown = boss.post("/api/analytics/imports/recipes", {"file": upload(CATALOGUE)}, format="multipart")
    missing = boss.post("/api/analytics/imports/books", {}, format="multipart")

    assert refused.status_code == 403
    assert (unknown.status_code, unknown.json()["detail"]) == (
        404,
        "No import 'recipes'; one of: books, sales, ledger, statement.",
    )
    assert (missing.status_code, missing.json()["errors"]) == (400, {"file": ["No file was submitted."]})
    assert Job.objects.count() == 0


def test_the_admin_upload_form_queues_an_import_and_shows_its_job() -> None:
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", "root@example.com", "root-password"))

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
