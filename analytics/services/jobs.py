"""Background jobs started from the API: record them, run them, report their outcome."""

from collections.abc import Callable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from analytics.models import Job, JobStatus
from analytics.sync import SyncBusy, sync_after_write, warehouse_sync
from books.services.generation import SalesDataSpec, sales_data_generate

GENERATE_SALES_DATA = "generate_sales_data"


@transaction.atomic
def generate_test_data_start(
    *, user: AbstractBaseUser | None, books: int, sales: int, years: int, seed: int | None = None
) -> Job:
    """Record a generation job and queue its task once the record is committed."""
    from analytics.tasks import generate_test_data

    job = Job.objects.create(
        kind=GENERATE_SALES_DATA,
        parameters={"books": books, "sales": sales, "years": years, "seed": seed},
        created_by=user if user and user.is_authenticated else None,
    )
    transaction.on_commit(lambda: generate_test_data.delay(job.pk))
    return job


def job_run(*, job_id: int, work: Callable[[Job], dict]) -> Job:
    """Run a queued job: claim it, do the work, record the result or the error. A job that
    is no longer queued (a redelivered message) is left as it is, so running twice is safe."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.get(pk=job_id)
    if not claimed:
        return job
    try:
        job.result = work(job)
        job.status = JobStatus.SUCCEEDED
    except JobRefused as refused:
        job.status = JobStatus.FAILED
        job.error = str(refused)
        job.result = refused.result
    except Exception as error:  # recorded for the caller, then re-raised for the worker's log
        job.status = JobStatus.FAILED
        job.error = f"{type(error).__name__}: {error}"
        raise
    finally:
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "result", "error", "finished_at"])
    return job


class JobRefused(Exception):
    """A job that could not run for a reason its caller should read (not a crash), with
    what it can still report (an import's counts and first errors)."""

    def __init__(self, message: str, result: dict | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


def generate_test_data_run(*, job_id: int) -> Job:
    """Run a queued generation job: generate, then sync the warehouse."""
    return job_run(job_id=job_id, work=_generate_test_data)


def _generate_test_data(job: Job) -> dict:
    parameters = job.parameters
    result = sales_data_generate(
        spec=SalesDataSpec(
            books=parameters["books"], sales=parameters["sales"], years=parameters["years"], seed=parameters["seed"]
        )
    )
    outcome = {
        "seed": result.seed,
        "books": result.books,
        "sales": result.sales,
        "units": result.units,
        "revenue": str(result.revenue),
        "seconds": round(result.seconds, 2),
    }
    try:
        outcome["sync"] = sync_after_write()
    except SyncBusy as busy:
        outcome["sync"] = f"Not synced now ({busy}); the next scheduled sync picks the data up."
    return outcome


SYNC_WAREHOUSE = "sync_warehouse"


@transaction.atomic
def sync_start(*, user: AbstractBaseUser | None, full: bool = False) -> Job:
    """Record a sync job and queue its task once the record is committed."""
    from analytics.tasks import sync_job

    job = Job.objects.create(
        kind=SYNC_WAREHOUSE,
        parameters={"full": full},
        created_by=user if user and user.is_authenticated else None,
    )
    transaction.on_commit(lambda: sync_job.delay(job.pk))
    return job


def sync_run(*, job_id: int) -> Job:
    """Run a queued sync job: export, load, publish; record the generation or why not."""
    return job_run(job_id=job_id, work=_sync)


def _sync(job: Job) -> dict:
    try:
        generation = warehouse_sync(full=job.parameters.get("full", False))
    except SyncBusy as busy:
        raise JobRefused(str(busy)) from None
    return {
        "generation": generation.number,
        "rows": {name: counts["exported"] for name, counts in generation.rows.items()},
        "seconds": generation.timings.get("total"),
    }
