"""A job run as one audit event: the import or generation its job did, with its counts,
under the channel "import job N" (or "generate job N") and the actor who started it."""

from collections.abc import Callable

from django.db.models import Model

from analytics.models import Job, JobStatus
from analytics.services.jobs import GENERATE_SALES_DATA
from audit.services import audit_bulk
from books.models import Book, Sale
from finance.models import LedgerEntry, StatementLine

# What each job kind writes: the audit event's action, kind and model.
AUDITED_JOBS: dict[str, tuple[str, str, type[Model]]] = {
    "import_books": ("import", "books", Book),
    "import_sales": ("import", "sales", Sale),
    "import_ledger": ("import", "ledger", LedgerEntry),
    "import_statement": ("import", "statement", StatementLine),
    GENERATE_SALES_DATA: ("generate", "sales", Sale),
}
# A job's result fields that are counts (the rest, like its first errors, stay in the job).
COUNTED = ("read", "created", "updated", "unchanged", "rejected", "books", "sales", "units", "revenue")


def job_audited_run(*, job_id: int, run: Callable[..., Job]) -> Job:
    """Run a queued job with `run(job_id=…)`, recorded as one audit event; a job that is not
    queued any more (a redelivered message), or that writes no records, runs unrecorded."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED or job.kind not in AUDITED_JOBS:
        return run(job_id=job_id)
    action, kind, model = AUDITED_JOBS[job.kind]
    with audit_bulk(
        via=f"{action} job {job.pk}",
        action=action,
        kind=kind,
        model=model,
        workspace_id=job.workspace_id,
        actor=job.created_by,
    ) as event:
        event.details["job"] = job.pk
        job = run(job_id=job_id)
        result = job.result if isinstance(job.result, dict) else {}
        event.counts.update({name: result[name] for name in COUNTED if name in result})
        if job.status == JobStatus.FAILED:
            event.error = job.error
    return job
