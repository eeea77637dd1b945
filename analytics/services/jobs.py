"""Background jobs started from the API: record them, run them, report their outcome."""

import logging
from collections.abc import Callable

from django.utils import timezone

from analytics.models import Job, JobStatus
from analytics.sync import SyncBusy, sync_after_write, warehouse_sync
from books.services.generation import SalesDataSpec, sales_data_generate

logger = logging.getLogger(__name__)

GENERATE_SALES_DATA = "generate_sales_data"


def job_run(
    *,
    job_id: int,
    work: Callable[[Job], dict],
    workspace_id: int | None = None,
    finished: Callable[[Job], None] | None = None,
) -> Job:
    """Run a queued job: claim it, do the work, record the result or the error. A job that
    is no longer queued (a redelivered message) is left as it is, so running twice is safe;
    so is one whose workspace is not the one the message names (None: queued before
    messages named one). `finished` is called once with the recorded job, whatever its outcome,
    by the run that claimed it."""
    queued = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED)
    if workspace_id is not None:
        queued = queued.filter(workspace_id=workspace_id)
    claimed = queued.update(status=JobStatus.RUNNING, started_at=timezone.now())
    job = Job.objects.get(pk=job_id)
    if not claimed:
        return job
    logger.info("job %s #%s started", job.kind, job.pk)
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
        logger.info("job %s #%s %s", job.kind, job.pk, job.status)
        if finished is not None:
            finished(job)
    return job


class JobRefused(Exception):
    """A job that could not run for a reason its caller should read (not a crash), with
    what it can still report (an import's counts and first errors)."""

    def __init__(self, message: str, result: dict | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


def generate_test_data_run(*, job_id: int, workspace_id: int | None = None) -> Job:
    """Run a queued generation job: generate into the job's workspace, then sync the warehouse."""
    return job_run(job_id=job_id, work=_generate_test_data, workspace_id=workspace_id)


def _generate_test_data(job: Job) -> dict:
    parameters = job.parameters
    result = sales_data_generate(
        spec=SalesDataSpec(
            books=parameters["books"],
            sales=parameters["sales"],
            years=parameters["years"],
            seed=parameters["seed"],
            workspace=job.workspace.slug,
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


def sync_run(*, job_id: int, workspace_id: int | None = None) -> Job:
    """Run a queued sync job: export, load, publish; record the generation or why not. The
    warehouse holds every workspace (each answer filters by its own), so a sync loads all."""
    return job_run(job_id=job_id, work=_sync, workspace_id=workspace_id)


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
