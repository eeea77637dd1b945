"""Start background jobs: record the job, keep what it needs, queue its Celery task once
the record is committed. Kept apart from the services that run the jobs (which the tasks
call), so that starting a job and running it import no cycle."""

import re
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from analytics.models import Job
from analytics.services.import_jobs import IMPORT_KINDS, UploadRefused, import_files_prune
from analytics.services.jobs import GENERATE_SALES_DATA, SYNC_WAREHOUSE
from analytics.tasks import generate_test_data, import_job, sync_job
from workspaces.models import Workspace


@transaction.atomic
def generate_test_data_start(
    *,
    user: User | AnonymousUser | None,
    workspace: Workspace,
    books: int,
    sales: int,
    years: int,
    seed: int | None = None,
) -> Job:
    """Record a generation job into the workspace and queue its task once the record is committed."""
    job = Job.objects.create(
        kind=GENERATE_SALES_DATA,
        workspace=workspace,
        parameters={"books": books, "sales": sales, "years": years, "seed": seed},
        created_by=user if user and user.is_authenticated else None,
    )
    transaction.on_commit(lambda: generate_test_data.delay(job.pk, workspace.pk))
    return job


@transaction.atomic
def sync_start(*, user: User | AnonymousUser | None, workspace: Workspace, full: bool = False) -> Job:
    """Record a sync job (started from the workspace) and queue its task once the record is committed."""
    job = Job.objects.create(
        kind=SYNC_WAREHOUSE,
        workspace=workspace,
        parameters={"full": full},
        created_by=user if user and user.is_authenticated else None,
    )
    transaction.on_commit(lambda: sync_job.delay(job.pk, workspace.pk))
    return job


@transaction.atomic
def import_start(
    *, user: User | AnonymousUser | None, workspace: Workspace, kind: str, upload: UploadedFile, skip_invalid: bool
) -> Job:
    """Store the upload under IMPORT_UPLOAD_DIR and queue its import into the workspace once the job is committed."""
    if kind not in IMPORT_KINDS:
        raise UploadRefused(f"Unknown import {kind!r}; one of: {', '.join(IMPORT_KINDS)}.")
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise UploadRefused(
            f"{upload.name} is {upload.size:,} bytes; the limit is {settings.IMPORT_MAX_BYTES:,} (IMPORT_MAX_BYTES)."
        )
    import_files_prune()
    folder = Path(settings.IMPORT_UPLOAD_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    # The stored name is ours: an uploaded name never chooses a path.
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(upload.name or "upload.csv").name)[-100:] or "upload.csv"
    path = folder / safe
    try:
        with path.open("wb") as stored:
            for chunk in upload.chunks():
                stored.write(chunk)
        job = Job.objects.create(
            kind=f"import_{kind}",
            workspace=workspace,
            parameters={"file": upload.name, "stored": str(path), "skip_invalid": skip_invalid, "size": upload.size},
            created_by=user if user and user.is_authenticated else None,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # no job will ever read or delete it
        raise
    transaction.on_commit(lambda: import_job.delay(job.pk, workspace.pk))
    return job
