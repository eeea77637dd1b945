"""Imports started from the API or the admin: keep the uploaded file, queue the import as a
Celery job, run the app's own importer, and record its summary (counts, first errors, the
rejects file).

The uploaded file lives only until its job finishes, whatever the outcome; the rejects file
stays IMPORT_REJECTS_DAYS for download, and every import start or finish prunes the
folders older than that (a server never fills its disk with past imports).
"""

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from analytics.models import Job
from analytics.notices import import_finished, notice_send
from analytics.services.jobs import JobRefused, job_run
from books.services.imports import books_import, sales_import
from config.imports import ImportRefused, ImportRejected, ImportSummary
from finance.services.imports import ledger_import, statement_import
from workspaces.models import Workspace

SHOWN_ERRORS = 20


# Each kind: what the admin calls it, and its importer adapted to (path, skip_invalid, rejects, workspace).
IMPORTERS: dict[str, tuple[str, Callable[[Path, bool, Path, Workspace], ImportSummary]]] = {
    "books": (
        "Book catalogue (CSV)",
        lambda path, skip_invalid, rejects, workspace: books_import(
            path=path, skip_invalid=skip_invalid, rejects=rejects, workspace=workspace
        ),
    ),
    "sales": (
        "Historical sales (CSV)",
        lambda path, skip_invalid, rejects, workspace: sales_import(
            path=path, skip_invalid=skip_invalid, rejects=rejects, workspace=workspace
        ),
    ),
    "ledger": (
        "City ledger (CSV)",
        lambda path, skip_invalid, rejects, workspace: ledger_import(
            path=path, skip_invalid=skip_invalid, rejects=rejects, workspace=workspace
        ),
    ),
    "statement": (
        "Compte de résultat (portal CSV or explore API JSON)",
        lambda path, skip_invalid, rejects, workspace: statement_import(
            source=path, skip_invalid=skip_invalid, rejects=rejects, workspace=workspace
        ),
    ),
}
IMPORT_KINDS = tuple(IMPORTERS)


class UploadRefused(Exception):
    """An upload that is refused before anything is stored (too big, unknown kind)."""


def import_files_prune(*, now: float | None = None) -> int:
    """Remove the upload folders (rejects files, uploads of jobs never run) untouched for
    IMPORT_REJECTS_DAYS; returns how many went."""
    root = Path(settings.IMPORT_UPLOAD_DIR)
    if not root.is_dir():
        return 0
    oldest = (time.time() if now is None else now) - settings.IMPORT_REJECTS_DAYS * 86_400
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        try:
            touched = max([folder.stat().st_mtime, *(entry.stat().st_mtime for entry in folder.iterdir())])
        except FileNotFoundError:  # another process pruned it first
            continue
        if touched < oldest:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def import_run(*, job_id: int, workspace_id: int | None = None) -> Job:
    """Run a queued import job with the app's importer, into the job's workspace; a refused
    file or rejected rows fail the job with the importer's own messages and counts."""
    return job_run(job_id=job_id, work=_import, workspace_id=workspace_id, finished=_import_finished)


def _import_finished(job: Job) -> None:
    """Tell the receivers (webhooks' import.finished) how an import ended."""
    notice_send(import_finished, Job, job=job)


def import_rejects_path(job: Job) -> Path:
    """Where an import job's rejects CSV is written."""
    return Path(job.parameters["stored"]).with_suffix(".rejects.csv")


def import_rejects_expired(job: Job) -> bool:
    """Whether an import job had a rejects file that has since been pruned."""
    result = job.result if isinstance(job.result, dict) else {}
    return bool(result.get("rejects_file")) and not import_rejects_path(job).exists()


def _import(job: Job) -> dict:
    kind = job.kind.removeprefix("import_")
    path = Path(job.parameters["stored"])
    rejects = import_rejects_path(job)
    try:
        summary = IMPORTERS[kind][1](path, job.parameters["skip_invalid"], rejects, job.workspace)
    except ImportRefused as refused:
        raise JobRefused(str(refused), {"file": job.parameters["file"]}) from None
    except ImportRejected as rejected:
        raise JobRefused(
            f"{rejected.summary.rejected} row(s) rejected; nothing was imported.",
            _summary_body(rejected.summary, rejects),
        ) from None
    finally:
        # Succeeded, refused or crashed, the job never reads its upload again.
        path.unlink(missing_ok=True)
        import_files_prune()
    return _summary_body(summary, rejects)


def _summary_body(summary: ImportSummary, rejects: Path) -> dict:
    return {
        "read": summary.read,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "rejected": summary.rejected,
        "errors": [str(error) for error in summary.errors[:SHOWN_ERRORS]],
        "rejects_file": rejects.name if rejects.exists() else None,
    }
