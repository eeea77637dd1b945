"""Write-triggered, coalesced warehouse syncs.

Every committed write of a row the warehouse copies asks for a sync after it commits
(`sync_request`): per-row ORM saves and deletes through the signals connected here, bulk
writes (imports, generators, `records_delete`) with one request at their end, their own
per-row requests collected by `sync_requests_deferred`.

Requests coalesce across processes (web, Celery worker, commands) through one row of the
transactional database (`SyncRequest`), the one thing they all share in the embedded
default, where there is no server: a conditional UPDATE decides which request queues the
task, so at most one requested sync waits while at most one runs (the sync lock), whatever
the write rate. The task is sent with a countdown that keeps the starts of two requested
syncs at least `sync_min_interval()` apart. A request never fails the write: with the
broker or the database out of reach it logs a warning and leaves the write to the beat's
scheduled sync, which stays the safety net.
"""

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Model, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from kombu.exceptions import KombuError

from analytics.export import AUTHORS
from analytics.models import Generation, SyncRequest
from analytics.sync import warehouse_sync
from analytics.warehouse.backends import current_warehouse
from analytics.warehouse.schema import TABLES
from config.celery import app

logger = logging.getLogger(__name__)

SYNC_REQUEST_ID = 1  # the one row
SYNC_REQUESTED_TASK = "analytics.tasks.sync_warehouse_requested"
# The least time between the starts of two requested syncs when SYNC_MIN_INTERVAL_SECONDS is
# unset: a DuckDB or PostgreSQL load of a few new rows takes about a second; every Redshift
# load is billed and commits a new block per table, so it is spread out.
MIN_INTERVAL_BY_VENDOR = {"duckdb": 2.0, "postgresql": 2.0, "redshift": 60.0}
# How soon a requested sync that found another sync running tries again: the running one
# may have exported before the writes that asked for this one.
BUSY_RETRY_SECONDS = 0.5
# A waiting sync not started this long after it was due is taken as lost (a purged queue, a
# broker that lost its messages) and the next write queues another, so requests never stop.
QUEUED_STALE_SECONDS = 300
# Sending a message must not hold up the write that asked for it: one quick retry.
SEND_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
SEND_CONNECT_TIMEOUT_SECONDS = 2

_deferred: ContextVar["DeferredSyncRequests | None"] = ContextVar("folio_sync_requests_deferred", default=None)
_after_commit: dict[str, Callable[[], None]] = {}


@dataclass
class DeferredSyncRequests:
    """Requests collected by `sync_requests_deferred`: the database aliases written to."""

    aliases: set[str] = field(default_factory=set)


def sync_min_interval() -> float:
    """Seconds between the starts of two requested syncs: SYNC_MIN_INTERVAL_SECONDS, else by
    the warehouse's vendor (read from WAREHOUSE_URL, nothing is connected)."""
    configured = settings.SYNC_MIN_INTERVAL_SECONDS
    if configured is not None:
        return max(0.0, float(configured))
    return MIN_INTERVAL_BY_VENDOR.get(current_warehouse().vendor, 2.0)


def sync_request(*, using: str = "default") -> None:
    """Ask for a warehouse sync once the current transaction commits (at once outside one);
    nothing when it rolls back. Cheap to call per row: one callback per transaction."""
    deferred = _deferred.get()
    if deferred is not None:
        deferred.aliases.add(using)
        return
    # The worker syncs the default database (the export's source); a write to another alias
    # (a test's or a benchmark's second database) has no sync to ask for.
    if not settings.SYNC_ON_WRITE or using != "default":
        return
    callback = _after_commit.get(using)
    if callback is None:
        callback = _after_commit[using] = partial(_enqueue_after_commit, using=using)
    connection = connections[using]
    if connection.in_atomic_block and any(entry[1] is callback for entry in connection.run_on_commit):
        return  # this transaction has asked already
    transaction.on_commit(callback, using=using)


@contextmanager
def sync_requests_deferred() -> Iterator[DeferredSyncRequests]:
    """Collect the sync requests made inside (a bulk write's per-row saves and deletes) and
    make one on the way out, even when the block raises after some writes committed."""
    outer = _deferred.get()
    collected = DeferredSyncRequests()
    token = _deferred.set(collected)
    try:
        yield collected
    finally:
        _deferred.reset(token)
        for using in sorted(collected.aliases):
            if outer is not None:
                outer.aliases.add(using)
            else:
                sync_request(using=using)


def _enqueue_after_commit(*, using: str) -> None:
    sync_request_enqueue(using=using)


def sync_request_enqueue(*, using: str = "default") -> bool:
    """Queue the requested sync unless one already waits; True when this call queued it.

    Runs after the write committed, so it never raises for the broker or the database: the
    write stands, and the scheduled sync picks it up.
    """
    if not settings.SYNC_ON_WRITE:
        return False
    try:
        return _enqueue(using)
    except DatabaseError as error:
        logger.warning(
            "sync not requested, the database did not answer (%s); the scheduled sync will load the write", error
        )
        return False


def _enqueue(using: str) -> bool:
    now = timezone.now()
    rows = SyncRequest.objects.using(using).filter(pk=SYNC_REQUEST_ID)
    # A read first: most requests find a sync waiting and end here without taking a write lock.
    state = rows.values("queued_at", "due_at", "started_at").first()
    if state is None:
        SyncRequest.objects.using(using).get_or_create(pk=SYNC_REQUEST_ID)
        state = {"queued_at": None, "due_at": None, "started_at": None}
    stale_before = now - timedelta(seconds=QUEUED_STALE_SECONDS)
    if state["queued_at"] is not None and state["due_at"] is not None and state["due_at"] >= stale_before:
        return False
    countdown = _countdown(state["started_at"], now)
    # The conditional UPDATE is the decision: of concurrent requests, one changes the row.
    queued = rows.filter(Q(queued_at__isnull=True) | Q(due_at__lt=stale_before)).update(
        queued_at=now, due_at=now + timedelta(seconds=countdown), enqueued=F("enqueued") + 1
    )
    if not queued:
        return False
    try:
        with app.connection_for_write(connect_timeout=SEND_CONNECT_TIMEOUT_SECONDS) as connection:
            app.send_task(
                SYNC_REQUESTED_TASK,
                countdown=countdown,
                connection=connection,
                retry=True,
                retry_policy=SEND_RETRY_POLICY,
            )
    except (KombuError, OSError) as error:
        logger.warning(
            "sync not requested, the broker did not answer (%s); the scheduled sync will load the write", error
        )
        rows.filter(queued_at=now).update(queued_at=None, due_at=None, enqueued=F("enqueued") - 1)
        return False
    return True


def _countdown(last_started: datetime | None, now: datetime) -> float:
    """Seconds to wait so that this sync starts at least the minimum interval after the last."""
    if last_started is None:
        return 0.0
    waited = (now - last_started).total_seconds()
    return round(max(0.0, sync_min_interval() - waited), 3)


def sync_request_start(*, using: str = "default") -> None:
    """The waiting sync starts: from now on a write must queue another, since this sync's
    export may already have passed it."""
    SyncRequest.objects.using(using).filter(pk=SYNC_REQUEST_ID).update(
        queued_at=None, due_at=None, started_at=timezone.now()
    )


def sync_request_wait_again(*, retry_in: float, using: str = "default") -> bool:
    """Another sync held the lock when the requested one started: wait again as the one
    waiting sync (True), unless a write has queued another meanwhile (False: that one runs)."""
    now = timezone.now()
    return bool(
        SyncRequest.objects.using(using)
        .filter(pk=SYNC_REQUEST_ID, queued_at__isnull=True)
        .update(queued_at=now, due_at=now + timedelta(seconds=retry_in))
    )


def sync_requested_run(*, using: str = "default") -> Generation:
    """Run the sync that writes asked for (raises SyncBusy when another one is running)."""
    sync_request_start(using=using)
    return warehouse_sync(using=using)


def record_written(sender: type[Model], using: str = "default", **kwargs: Any) -> None:
    """A row the warehouse copies was saved or deleted: ask for a sync once it commits."""
    sync_request(using=using)


def synced_models() -> list[type[Model]]:
    """The models whose tables the export reads (each source's tables and the books'
    authors), found from the warehouse schema so that a new source is followed too."""
    clauses = [table.source.from_clause for table in TABLES if table.source is not None] + list(AUTHORS.values())
    names = {name for clause in clauses for name in re.findall(r"\b(?:books|finance)_[a-z]+\b", clause)}
    return [model for model in apps.get_models() if model._meta.db_table in names]


def sync_requests_connect() -> None:
    """Connect the per-row receivers (from AnalyticsConfig.ready, once the models are loaded)."""
    for model in synced_models():
        label = model._meta.label_lower
        post_save.connect(record_written, sender=model, dispatch_uid=f"analytics.sync_request.saved.{label}")
        post_delete.connect(record_written, sender=model, dispatch_uid=f"analytics.sync_request.deleted.{label}")
