"""Celery tasks of the analytics app: thin wrappers that call a service."""

import logging
from functools import partial

import psycopg
from botocore.exceptions import ConnectionError as S3ConnectionError
from botocore.exceptions import EndpointConnectionError
from celery import Task, shared_task
from django.db import OperationalError

from analytics.questions.warm import dashboard_warm
from analytics.services.import_jobs import import_run
from analytics.services.job_audit import job_audited_run
from analytics.services.jobs import generate_test_data_run, sync_run
from analytics.sync import SyncBusy, warehouse_sync
from analytics.sync_requests import (
    BUSY_RETRY_SECONDS,
    SYNC_REQUESTED_TASK,
    sync_request_wait_again,
    sync_requested_run,
)

logger = logging.getLogger(__name__)

# Only errors that a later try can outlive are retried; a bad batch (LoadError) is not,
# and the next scheduled sync starts afresh from the published watermark anyway.
TRANSIENT = (OperationalError, psycopg.OperationalError, EndpointConnectionError, S3ConnectionError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=60, max_retries=5)
def sync_warehouse(full: bool = False) -> int | None:
    """Export → load → publish; returns the generation number, or None when a sync is already running."""
    try:
        generation = warehouse_sync(full=full)
    except SyncBusy as busy:
        logger.info("sync skipped: %s", busy)
        return None
    logger.info("published generation %s in %.2f s", generation.number, generation.timings.get("total", 0))
    dashboard_warm()
    return generation.number


# No retry limit: a requested sync waits behind a running one for as long as that one runs
# (a full rebuild takes minutes), and a transient failure is retried with back-off.
@shared_task(
    bind=True,
    name=SYNC_REQUESTED_TASK,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=60,
    max_retries=None,
)
def sync_warehouse_requested(self: Task) -> int | None:
    """The sync that committed writes asked for (coalesced: at most one waits). When another
    sync is running it waits and runs after it, since that one may have exported before the
    writes; it steps aside if a later write has queued another meanwhile."""
    try:
        generation = sync_requested_run()
    except SyncBusy as busy:
        if not sync_request_wait_again(retry_in=BUSY_RETRY_SECONDS):
            logger.info("requested sync left to the one queued since: %s", busy)
            return None
        logger.info("requested sync waits: %s", busy)
        raise self.retry(countdown=BUSY_RETRY_SECONDS) from None
    logger.info(
        "published generation %s in %.2f s (requested by writes)", generation.number, generation.timings.get("total", 0)
    )
    dashboard_warm()
    return generation.number


@shared_task(acks_late=True)
def generate_test_data(job_id: int, workspace_id: int | None = None) -> None:
    """Run a generate-test-data job (its record holds the parameters, workspace and outcome)."""
    job_audited_run(job_id=job_id, run=partial(generate_test_data_run, workspace_id=workspace_id))


@shared_task(acks_late=True)
def sync_job(job_id: int, workspace_id: int | None = None) -> None:
    """Run a sync started from the API (its record holds the workspace and outcome)."""
    sync_run(job_id=job_id, workspace_id=workspace_id)


@shared_task(acks_late=True)
def import_job(job_id: int, workspace_id: int | None = None) -> None:
    """Run an import started from the API or the admin (its record holds the workspace and outcome)."""
    job_audited_run(job_id=job_id, run=partial(import_run, workspace_id=workspace_id))
