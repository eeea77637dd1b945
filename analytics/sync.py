"""The sync: export → load → publish, all or nothing, never two at once.

A failed attempt is recorded with its error and publishes nothing; the last published
generation keeps serving, and the next sync exports again from its watermark, so it
converges. Running a sync with nothing new publishes a generation equal to the last.
"""

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Max
from django.utils import timezone

from analytics.export import export_batch_write, export_high_watermark
from analytics.lake import lake_from_url
from analytics.lake_batches import batch_loaded_mark, batch_name, lake_chain_read
from analytics.live.changes import changes_everywhere, generation_changes
from analytics.live.publish import generation_publish
from analytics.manifest import Manifest
from analytics.models import Generation, GenerationStatus
from analytics.notices import generation_published, notice_send, sync_failed
from analytics.runner import generation_announce
from analytics.selectors import current_generation
from analytics.warehouse.backends import current_warehouse
from analytics.warehouse.base import LoadResult, Warehouse, WarehouseUnavailable
from analytics.warehouse.schema import SCHEMA_VERSION, TABLES_BY_NAME

SYNC_LOCK_KEY = 7_463_002  # pg_advisory_lock key of the sync
# How long a generator or import command waits for a running sync before its own (a long
# full rebuild is the one case that outlasts it), and how often it looks.
AFTER_WRITE_WAIT_SECONDS = 120.0
AFTER_WRITE_POLL_SECONDS = 0.5


class SyncBusy(RuntimeError):
    """Another sync holds the lock."""


@contextmanager
def sync_lock(using: str = "default") -> Iterator[None]:
    """Hold the sync lock, or raise SyncBusy. The lock dies with its holder.

    PostgreSQL: a session advisory lock, released by the server when the connection of a
    killed worker drops. SQLite (one machine): an flock on a file beside the database,
    released by the kernel when the process dies. No lease to wait out after a crash.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [SYNC_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise SyncBusy("another sync is running (PostgreSQL advisory lock held)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SYNC_LOCK_KEY])
        return
    path = Path(str(connection.settings_dict["NAME"]) + ".sync-lock")
    if str(connection.settings_dict["NAME"]).startswith(("file:", ":memory:")) or not path.parent.exists():
        path = Path(settings.VAR_DIR) / "sync.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncBusy(f"another sync is running (lock file {path})") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _abandoned_attempts_close(using: str) -> None:
    """Attempts still 'running' while we hold the lock belong to a process that died."""
    Generation.objects.using(using).filter(status=GenerationStatus.RUNNING).update(
        status=GenerationStatus.FAILED,
        finished_at=timezone.now(),
        error="Abandoned: the process running this sync stopped before it finished.",
    )


def warehouse_sync(
    *,
    full: bool = False,
    tables: list[str] | None = None,
    before_publish: Callable[[], None] | None = None,
    using: str = "default",
    load: bool = True,
) -> Generation:
    """Export what changed since the current generation, load it, publish the next generation.

    `using` is the transactional database: the source of the export, and where generations
    and the lock are recorded. `load=False` stops after the export (the batch stays in the
    lake; nothing is published and watermarks do not move). `before_publish` runs after the load and before publishing
    (tests inject failures there).
    """
    unknown = sorted(set(tables or []) - set(TABLES_BY_NAME))
    if unknown:
        raise ValueError(f"unknown warehouse table(s): {', '.join(unknown)}; known: {', '.join(TABLES_BY_NAME)}")
    with sync_lock(using=using):
        _abandoned_attempts_close(using)
        previous = current_generation(using)
        warehouse = current_warehouse()
        # The generation this sync builds on, None when it builds from scratch. A first sync, or
        # one into another warehouse than the last generation's, builds from scratch. So does a
        # generation loaded with an older warehouse schema (its tables are rebuilt).
        base = (
            None
            if full
            or previous is None
            or not warehouse.owns(previous.location)
            or previous.schema_version != SCHEMA_VERSION
            else previous
        )
        note = "" if base is None else _unavailable_note(warehouse, base)
        if note:
            base = None
        full = base is None
        attempt = Generation.objects.using(using).create(
            backend=warehouse.vendor, full_refresh=full, schema_version=SCHEMA_VERSION, note=note
        )
        started = time.perf_counter()
        try:
            lake = lake_from_url()
            high = export_high_watermark(using)
            manifest = export_batch_write(
                lake=lake,
                batch=batch_name(attempt),
                watermarks={} if base is None else base.watermark,
                high=high,
                tables=None if full else tables,
                full=full,
                after=None if base is None else base.lake_prefix.removeprefix("batches/"),
                using=using,
            )
            export_seconds = round(time.perf_counter() - started, 3)
            if base is not None and not manifest.changed:
                # Nothing changed in the window: the published generation stays current.
                attempt.delete()
                return base
            if not load:
                attempt.status = GenerationStatus.EXPORTED
                attempt.finished_at = timezone.now()
                attempt.lake_prefix = f"batches/{manifest.batch}"
                attempt.rows = {name: {"exported": entry.rows, "loaded": 0} for name, entry in manifest.tables.items()}
                attempt.timings = {"export": export_seconds, "total": export_seconds}
                attempt.save()
                return attempt
            number = (Generation.objects.using(using).aggregate(top=Max("number"))["top"] or 0) + 1
            with warehouse.load(
                manifests=[manifest],
                lake=lake,
                previous_location=None if base is None else base.location,
                number=number,
            ) as pending:
                if before_publish:
                    before_publish()
                # What the live events tell: read from the batch's files once the load checked them.
                attempt.changes = generation_changes(manifest=manifest, lake=lake, using=using)
                # The record and the warehouse commit together: the record is written first
                # and rolled back if the warehouse's commit fails.
                with transaction.atomic(using=using):
                    _publish(attempt, base, number, high, manifest, pending.result, export_seconds, started)
                    batch_loaded_mark(lake, manifest, attempt)
                    pending.commit()
        except BaseException as error:
            _attempt_failed(attempt, error, started, using)
            raise
        _old_files_prune(warehouse, attempt, using)
        if using == "default":
            generation_announce(attempt)  # the API answers from it from now on (see runner)
            generation_publish(attempt)  # and open dashboards of the workspaces it changed hear it
            notice_send(generation_published, Generation, generation=attempt)  # alerts, reports, webhooks
        return attempt


def _attempt_failed(attempt: Generation, error: BaseException, started: float, using: str) -> None:
    """Record why a sync or rebuild attempt failed; the last published generation keeps serving."""
    attempt.status = GenerationStatus.FAILED
    attempt.number = None
    attempt.error = f"{type(error).__name__}: {error}"
    attempt.finished_at = timezone.now()
    attempt.timings = {"total": round(time.perf_counter() - started, 3)}
    attempt.save(using=using)
    if using == "default":
        notice_send(sync_failed, Generation, attempt=attempt)


def warehouse_rebuild_from_lake(*, using: str = "default") -> Generation:
    """Build and publish a new generation from the lake alone, never reading the source tables:
    the last full batch and the incremental batches loaded after it, in order, with their
    tombstones. To recover a lost warehouse, or to fill another backend (WAREHOUSE_URL).

    Every marker, manifest and file is checked first (lake_chain_read); a missing, extra or
    altered file raises LoadError naming it, and then nothing is recorded or published.
    `using` is where generations and the lock are recorded.
    """
    with sync_lock(using=using):
        _abandoned_attempts_close(using)
        started = time.perf_counter()
        lake = lake_from_url()
        warehouse = current_warehouse()
        manifests = lake_chain_read(lake)
        first, last = manifests[0].batch, manifests[-1].batch
        attempt = Generation.objects.using(using).create(
            backend=warehouse.vendor,
            full_refresh=True,
            schema_version=SCHEMA_VERSION,
            note=f"Rebuilt from the lake: {len(manifests)} batch(es), full batch {first} to batch {last}.",
        )
        checked = round(time.perf_counter() - started, 3)
        attempt.changes = changes_everywhere(using=using)
        try:
            number = (Generation.objects.using(using).aggregate(top=Max("number"))["top"] or 0) + 1
            with (
                warehouse.load(manifests=manifests, lake=lake, previous_location=None, number=number) as pending,
                transaction.atomic(using=using),
            ):
                _rebuild_publish(attempt, number, manifests, pending.result, checked, started)
                pending.commit()
        except BaseException as error:
            _attempt_failed(attempt, error, started, using)
            raise
        _old_files_prune(warehouse, attempt, using)
        if using == "default":
            generation_announce(attempt)
            generation_publish(attempt)
            notice_send(generation_published, Generation, generation=attempt)
        return attempt


def _rebuild_publish(
    attempt: Generation, number: int, manifests: list[Manifest], result: LoadResult, checked: float, started: float
) -> None:
    """Record a rebuilt generation as the batches' own syncs would have: each table's
    watermark is the high of the newest batch that exported it."""
    watermark: dict[str, str] = {}
    read: dict[str, int] = {}
    for manifest in manifests:
        for name, entry in manifest.tables.items():
            watermark[name] = manifest.high
            read[name] = read.get(name, 0) + entry.rows
    attempt.number = number
    attempt.status = GenerationStatus.PUBLISHED
    attempt.finished_at = timezone.now()
    attempt.watermark = watermark
    attempt.location = result.location
    attempt.lake_prefix = f"batches/{manifests[-1].batch}"
    attempt.rows = {name: {"exported": read.get(name, 0), "loaded": count} for name, count in result.rows.items()}
    attempt.totals = result.totals
    attempt.timings = {"lake_check": checked, **result.timings, "total": round(time.perf_counter() - started, 3)}
    attempt.save()


def _unavailable_note(warehouse: Warehouse, previous: Generation) -> str:
    """Why the previous generation's data cannot be built on (its file or tables are gone or
    damaged), or "": an incremental load on top of it would fail or publish a partial warehouse,
    so the sync heals with a full rebuild instead."""
    try:
        warehouse.check(previous.location)
    except WarehouseUnavailable as error:
        return f"Full rebuild: The warehouse is unavailable: {error.reason}."
    except warehouse.unreachable_errors:
        return ""  # not lost, only out of reach: the load fails and is recorded as a failed attempt
    return ""


def _publish(
    attempt: Generation,
    base: Generation | None,
    number: int,
    high: datetime,
    manifest: Manifest,
    result: LoadResult,
    export_seconds: float,
    started: float,
) -> None:
    watermark = {} if base is None else dict(base.watermark)
    watermark.update({name: high.isoformat() for name in manifest.tables})
    attempt.number = number
    attempt.status = GenerationStatus.PUBLISHED
    attempt.finished_at = timezone.now()
    attempt.watermark = watermark
    attempt.location = result.location
    attempt.lake_prefix = f"batches/{manifest.batch}"
    attempt.rows = {
        name: {"exported": manifest.tables[name].rows if name in manifest.tables else 0, "loaded": count}
        for name, count in result.rows.items()
    }
    attempt.totals = result.totals
    attempt.timings = {"export": export_seconds, **result.timings, "total": round(time.perf_counter() - started, 3)}
    attempt.save()


def _old_files_prune(warehouse: Warehouse, published: Generation, using: str) -> None:
    """DuckDB only: remove generation files that nothing serves once their grace period passed."""
    prune = getattr(warehouse, "files_prune", None)
    if prune is None:
        return
    keep = {published.location}
    keep.update(
        Generation.objects.using(using)
        .filter(
            status=GenerationStatus.PUBLISHED,
            finished_at__gte=timezone.now() - timedelta(seconds=settings.WAREHOUSE_GRACE_SECONDS),
        )
        .values_list("location", flat=True)
    )
    prune(keep, settings.WAREHOUSE_GRACE_SECONDS)


def sync_after_write(
    *, skip_upload: bool = False, skip_redshift: bool = False, wait_seconds: float = AFTER_WRITE_WAIT_SECONDS
) -> str:
    """What generators and importers call after writing: export (unless skip_upload) and
    load (unless skip_redshift); returns one line saying what happened.

    A sync already running is waited for, up to `wait_seconds`, and then this one runs: the
    write itself asked a worker for a sync when it committed (analytics/sync_requests.py),
    which often holds the lock by now, and a sync that started earlier may have exported
    before the write committed. Raises SyncBusy (still running after the wait) or LoadError;
    the caller's data is already committed either way.
    """
    if skip_upload:
        return "Lake export and warehouse load skipped (--skip-upload)."
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            generation = warehouse_sync(load=not skip_redshift)
            break
        except SyncBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(AFTER_WRITE_POLL_SECONDS)
    if skip_redshift:
        return f"Exported to the lake ({generation.lake_prefix}); warehouse load skipped (--skip-redshift)."
    return f"Warehouse generation {generation.number} published in {generation.timings['total']:.1f} s."
