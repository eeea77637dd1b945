"""Freshness and job statuses tell every user how things went, but where the data lives on
the servers (file paths, lake and warehouse URLs) only to staff."""

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from pytest_django import Settings
from rest_framework.test import APIClient

from analytics.sync import warehouse_sync
from analytics.tests.members import member_user
from books.services.generation import SalesDataSpec, sales_data_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(tmp_path: Path) -> Iterator[Path]:
    """A small shop published as generation 1 in a warehouse and lake of the test's own."""
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        cache.clear()
        sales_data_generate(spec=SalesDataSpec(books=5, sales=40, seed=3, years=1, end_date=date(2025, 12, 31)))
        warehouse_sync()
        yield tmp_path
        cache.clear()


def as_user(*, is_staff: bool, codenames: tuple[str, ...] = ()) -> APIClient:
    user = member_user("staff" if is_staff else "analyst", password="pw", is_staff=is_staff)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="analytics", codename__in=codenames))
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "error",
    [
        lambda tmp: FileNotFoundError(2, "No such file or directory", str(tmp / "warehouse" / "g2.duckdb")),
        lambda tmp: OSError(f"cannot read {(tmp / 'lake').as_uri()}/batches/2/fact_sales.parquet"),
        lambda tmp: OSError("cannot read s3://folio-lake/prod/batches/2/fact_sales.parquet: access denied"),
        lambda tmp: OSError('connection to server at "warehouse.internal" (10.0.0.5), port 5432 failed'),
    ],
    ids=["file path", "file URI", "s3 URI", "database host"],
)
def test_a_failed_load_names_its_location_to_staff_only(published: Path, error: Callable[[Path], OSError]) -> None:
    failure = error(published)

    def broken() -> None:
        raise failure

    with pytest.raises(OSError):
        warehouse_sync(full=True, before_publish=broken)

    analyst = as_user(is_staff=False).get("/api/analytics/freshness").json()
    staff = as_user(is_staff=True).get("/api/analytics/freshness").json()

    assert staff["last_load_error"] == f"{type(failure).__name__}: {failure}"
    assert staff["loads"][0]["error"] == staff["last_load_error"]
    for shown in (analyst["last_load_error"], analyst["loads"][0]["error"]):
        assert shown.startswith(f"{type(failure).__name__}: ") and "[location hidden]" in shown
        assert str(published) not in shown and "folio-lake" not in shown and "warehouse.internal" not in shown
    assert (analyst["generation"], analyst["last_load_status"]) == (1, "failed")
    assert str(published) not in str(analyst)


def test_a_load_error_without_a_location_reads_the_same_to_everyone(published: Path) -> None:
    def broken() -> None:
        raise OSError("fact_sales: 1 row in the manifest, 0 loaded")

    with pytest.raises(OSError):
        warehouse_sync(full=True, before_publish=broken)

    analyst = as_user(is_staff=False).get("/api/analytics/freshness").json()

    assert analyst["last_load_error"] == "OSError: fact_sales: 1 row in the manifest, 0 loaded"


def test_an_uploads_stored_path_is_shown_to_staff_only(settings: Settings) -> None:
    clerk = as_user(is_staff=False, codenames=("import_books", "view_job"))
    staff = as_user(is_staff=True, codenames=("view_job",))
    upload = SimpleUploadedFile("catalogue.csv", b"isbn13,title\n", "text/csv")

    accepted = clerk.post("/api/analytics/imports/books", {"file": upload}, format="multipart").json()
    polled = clerk.get(accepted["status_url"]).json()
    seen_by_staff = staff.get(accepted["status_url"]).json()

    assert accepted["status_url"] == f"/api/analytics/jobs/{accepted['id']}"
    assert accepted["parameters"]["stored"] == polled["parameters"]["stored"] == "[location hidden]"
    assert accepted["parameters"]["file"] == "catalogue.csv"
    assert seen_by_staff["parameters"]["stored"].startswith(str(settings.IMPORT_UPLOAD_DIR))
