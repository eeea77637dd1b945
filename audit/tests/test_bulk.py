"""Bulk loads (import jobs, generators) record one event with their counts, never one per row."""

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from analytics.models import Job, JobStatus
from analytics.services.job_audit import job_audited_run
from analytics.services.jobs import job_run
from analytics.tasks import import_job
from audit.models import AuditEntry
from audit.tests.factories import SaleFactory, UserFactory
from books.models import Sale
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def events() -> list[tuple]:
    """Every entry as (event, via, model, actor, counts, workspace), oldest first."""
    return [
        (e.event, e.via, e.content_type.model, e.actor_name, e.counts, e.workspace_id)
        for e in AuditEntry.objects.select_related("content_type").order_by("id")
    ]


def sales_csv(path: Path, *, isbn: str, rows: int) -> Path:
    """A sales CSV of `rows` distinct sales of one book in region FR."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sold_at", "isbn", "region", "quantity", "unit_price"])
        for n in range(rows):
            sold_at = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n)
            writer.writerow([sold_at.isoformat(), isbn, "FR", 1 + n % 5, "10.00"])
    return path


def test_a_sales_generator_command_records_one_event_with_its_counts(workspace: Workspace) -> None:
    before = AuditEntry.objects.count()

    call_command(
        "generate_sales_data", "--books", "20", "--sales", "300", "--seed", "7", "--skip-upload", "--years", "1"
    )

    assert Sale.objects.count() == 300
    assert events()[before:] == [
        (
            "generate.finished",
            "command generate_sales_data",
            "sale",
            "",
            {
                "kind": "sales",
                "books": 20,
                "authors": events()[before][4]["authors"],
                "sales": 300,
                "revenue": events()[before][4]["revenue"],
            },
            workspace.pk,
        )
    ]
    assert events()[before][4]["authors"] > 0


def test_a_finance_generator_command_records_one_event_with_its_counts(workspace: Workspace) -> None:
    before = AuditEntry.objects.count()

    call_command("generate_finance_data", "--entries", "500", "--seed", "7", "--skip-upload", "--years", "1")

    [(event, via, model, actor, counts, workspace_id)] = events()[before:]
    assert (event, via, model, actor, workspace_id) == (
        "generate.finished",
        "command generate_finance_data",
        "ledgerentry",
        "",
        workspace.pk,
    )
    assert counts["kind"] == "finance"
    assert counts["entries"] == 500


def test_a_1000_row_sales_import_job_records_one_event_with_its_counts(
    workspace: Workspace, tmp_path: Path, admin_member: object
) -> None:
    sale = SaleFactory.create(workspace=workspace)
    book = sale.book
    book.isbn13 = "9780306406157"
    book.save()
    starter = User.objects.get(username="alice")
    upload = sales_csv(tmp_path / "sales.csv", isbn=book.isbn13, rows=1000)
    job = Job.objects.create(
        kind="import_sales",
        workspace=workspace,
        created_by=starter,
        parameters={"file": "sales.csv", "stored": str(upload), "skip_invalid": False, "size": upload.stat().st_size},
    )
    before = AuditEntry.objects.count()

    import_job(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert Sale.objects.count() == 1001
    assert events()[before:] == [
        (
            "import.finished",
            f"import job {job.pk}",
            "sale",
            "alice",
            {"kind": "sales", "read": 1000, "created": 1000, "updated": 0, "unchanged": 0, "rejected": 0},
            workspace.pk,
        )
    ]


def test_a_job_writing_1000_rows_one_by_one_records_one_event_not_1000(workspace: Workspace) -> None:
    template = SaleFactory.create(workspace=workspace)
    job = Job.objects.create(kind="import_sales", workspace=workspace, created_by=UserFactory.create(username="gina"))
    before = AuditEntry.objects.count()

    def work(job: Job) -> dict:
        # Saves one at a time: each would be an entry outside a bulk load.
        for n in range(1000):
            Sale.objects.create(
                workspace=workspace,
                book=template.book,
                region=template.region,
                sold_at=template.sold_at,
                quantity=1 + n % 5,
                unit_price=template.unit_price,
                amount=(1 + n % 5) * template.unit_price,
            )
        return {"read": 1000, "created": 1000, "updated": 0, "unchanged": 0, "rejected": 0, "errors": []}

    job_audited_run(job_id=job.pk, run=lambda job_id: job_run(job_id=job_id, work=work))

    assert Sale.objects.count() == 1001
    assert events()[before:] == [
        (
            "import.finished",
            f"import job {job.pk}",
            "sale",
            "gina",
            {"kind": "sales", "read": 1000, "created": 1000, "updated": 0, "unchanged": 0, "rejected": 0},
            workspace.pk,
        )
    ]


def test_a_refused_import_job_records_one_failed_event_with_the_reason(workspace: Workspace, tmp_path: Path) -> None:
    upload = tmp_path / "sales.csv"
    upload.write_text("title,price\nA book,10\n")
    job = Job.objects.create(
        kind="import_sales",
        workspace=workspace,
        created_by=UserFactory.create(username="frank"),
        parameters={"file": "sales.csv", "stored": str(upload), "skip_invalid": False, "size": upload.stat().st_size},
    )
    before = AuditEntry.objects.count()

    import_job(job.pk)

    job.refresh_from_db()
    [entry] = AuditEntry.objects.order_by("id")[before:]
    assert job.status == JobStatus.FAILED
    assert (entry.event, entry.via, entry.actor_name, entry.workspace_id) == (
        "import.failed",
        f"import job {job.pk}",
        "frank",
        workspace.pk,
    )
    assert entry.additional_data == {"job": job.pk, "error": job.error}


def test_a_job_that_is_no_longer_queued_records_nothing(workspace: Workspace, tmp_path: Path) -> None:
    job = Job.objects.create(
        kind="import_sales", workspace=workspace, status=JobStatus.SUCCEEDED, parameters={"stored": "gone.csv"}
    )
    before = AuditEntry.objects.count()

    import_job(job.pk)

    assert AuditEntry.objects.count() == before


def test_an_import_command_whose_rows_are_rejected_records_one_failed_event_with_its_counts(
    workspace: Workspace, tmp_path: Path
) -> None:
    upload = sales_csv(tmp_path / "sales.csv", isbn="9780306406157", rows=1000)  # no such book: all rejected
    before = AuditEntry.objects.count()

    with pytest.raises(CommandError, match="1,000 row"):
        call_command("import_sales", str(upload))

    [entry] = AuditEntry.objects.order_by("id")[before:]
    assert (entry.event, entry.via, entry.content_type.model, entry.workspace_id) == (
        "import.failed",
        "command import_sales",
        "sale",
        workspace.pk,
    )
    assert entry.counts == {"kind": "sales", "read": 1000, "created": 0, "updated": 0, "unchanged": 0, "rejected": 1000}
    assert Sale.objects.count() == 0
