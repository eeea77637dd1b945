"""The embedded warehouse: one DuckDB file per generation.

DuckDB lets one process open a file read-write, or many processes read-only, never both.
So a load never touches the file the API is reading: it copies the published file (or
starts empty on a full refresh), applies the batch to the copy, checkpoints it, and
renames it into place; publishing is then only a row in the transactional database.
Readers open the published file read-only and switch when the generation changes; old
files are removed after a grace period.
"""

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from analytics.lake import Lake, scratch_directory
from analytics.manifest import Manifest
from analytics.warehouse.base import (
    TABLES_PRESENT_SQL,
    LoadError,
    LoadResult,
    PendingLoad,
    SqlWarehouse,
    WarehouseUnavailable,
    batch_files_verify,
    generation_tables_check,
)
from analytics.warehouse.limits import QueryTimeout, query_timeout_seconds
from analytics.warehouse.schema import (
    TABLES_BY_NAME,
    rollup_statements_after,
    touched_needed,
    touched_sql,
)


class DuckDBWarehouse(SqlWarehouse):
    """Warehouse files under a directory: generation-00000042.duckdb."""

    vendor = "duckdb"
    records_generations = False  # the file is the generation
    unreachable_errors: tuple[type[Exception], ...] = ()  # a local file: missing or damaged, never unreachable

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._readers: dict[str, tuple[duckdb.DuckDBPyConnection, tuple]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str) -> "DuckDBWarehouse":
        """duckdb:///absolute/directory"""
        return cls(Path("/" + urlsplit(url).path.lstrip("/")))

    @contextmanager
    def load(
        self, *, manifests: list[Manifest], lake: Lake, previous_location: str | None, number: int
    ) -> Iterator[PendingLoad]:
        """Build generation `number` in a new file from the previous one plus the batches, in order.

        The file is complete, checkpointed and synced before `commit()` renames it into
        place; the sync calls it inside the transaction that publishes the generation.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.directory / f"generation-{number:08d}.duckdb"
        building = final.with_suffix(".building")
        building.unlink(missing_ok=True)
        timings: dict[str, float] = {}
        started = time.perf_counter()
        with scratch_directory() as scratch:
            # Every file of every batch is verified before the first is applied.
            files = [batch_files_verify(lake, manifest, Path(scratch)) for manifest in manifests]
            timings["verify"] = round(time.perf_counter() - started, 3)
            step = time.perf_counter()
            if previous_location and not manifests[0].full:
                shutil.copyfile(previous_location, building)
            timings["copy"] = round(time.perf_counter() - step, 3)
            try:
                result = self._apply(building, manifests, files, timings)
            except duckdb.Error as error:
                building.unlink(missing_ok=True)
                raise LoadError(f"DuckDB refused the batch: {error}") from error
        with open(building, "rb") as handle:
            os.fsync(handle.fileno())
        result.location = str(final)
        try:
            yield PendingLoad(result=result, commit=lambda: os.replace(building, final))
        finally:
            building.unlink(missing_ok=True)

    def _apply(self, path: Path, manifests: list[Manifest], batch_files: list[dict], timings: dict) -> LoadResult:
        step = time.perf_counter()
        connection = duckdb.connect(str(path))
        try:
            connection.execute("BEGIN TRANSACTION")
            self._schema_create(connection, full=manifests[0].full)
            for manifest, files in zip(manifests, batch_files, strict=True):
                for name in manifest.tables:
                    table = TABLES_BY_NAME[name]
                    rows_path, tombstones_path = files[name]
                    columns = ", ".join(table.column_names)
                    # Latest updated_at wins among duplicates of a key inside the batch.
                    connection.execute(
                        f"CREATE OR REPLACE TEMP TABLE stage AS SELECT {columns} FROM read_parquet(?)"
                        f" QUALIFY row_number() OVER (PARTITION BY {table.key} ORDER BY updated_at DESC) = 1",
                        [str(rows_path)],
                    )
                    connection.execute(
                        f"CREATE OR REPLACE TEMP TABLE gone AS SELECT {table.key} FROM read_parquet(?)",
                        [str(tombstones_path)],
                    )
                    if touched_needed(manifests, name):
                        connection.execute(touched_sql("stage", "gone"))
                    connection.execute(f"DELETE FROM {table.name} WHERE {table.key} IN (SELECT {table.key} FROM stage)")
                    connection.execute(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM stage")
                    connection.execute(f"DELETE FROM {table.name} WHERE {table.key} IN (SELECT {table.key} FROM gone)")
            timings["merge"] = round(time.perf_counter() - step, 3)
            step = time.perf_counter()
            for statement in rollup_statements_after(manifests):
                connection.execute(statement)
            timings["rollups"] = round(time.perf_counter() - step, 3)
            rows, totals = self._counts(connection)
            connection.execute("COMMIT")
            connection.execute("CHECKPOINT")
        finally:
            connection.close()
        return LoadResult(location="", rows=rows, totals=totals, timings=timings)

    def owns(self, location: str) -> bool:
        """Whether a generation's location is a file of this warehouse."""
        return Path(location).parent == self.directory

    def fetch(self, location: str, sql: str, params: list | None = None) -> list[tuple]:
        """Query a published generation through a read-only connection kept per file.

        A missing or unreadable file is WarehouseUnavailable; so is a missing table, which a
        check tells apart from a query naming a table that no generation has."""
        try:
            return self._rows(location, sql, params)
        except duckdb.CatalogException:
            self.check(location)
            raise

    def check(self, location: str) -> None:
        """The generation's file exists, opens as a database, and holds every warehouse table."""
        generation_tables_check(self._rows(location, TABLES_PRESENT_SQL), _generation_number(location))

    def _rows(self, location: str, sql: str, params: list | None = None) -> list[tuple]:
        number = _generation_number(location)
        # A published file never changes. An open reader would keep answering from a file
        # deleted or overwritten under it, so the file is checked on every query (one stat)
        # and every process says the same thing: unavailable, until the next sync rebuilds it.
        try:
            found = os.stat(location)
        except FileNotFoundError:
            self._reader_drop(location)
            raise WarehouseUnavailable(f"the DuckDB file of generation {number} is missing") from None
        signature = (found.st_ino, found.st_size, found.st_mtime_ns)
        with self._lock:
            connection, opened = self._readers.get(location, (None, None))
            if connection is not None and opened != signature:
                self._readers.pop(location)
                connection.close()
                connection = None
            if connection is None:
                try:
                    connection = duckdb.connect(location, read_only=True)
                except duckdb.IOException as error:
                    raise WarehouseUnavailable(
                        f"the DuckDB file of generation {number} is not a readable database"
                    ) from error
                for stale in list(self._readers):
                    self._readers.pop(stale)[0].close()
                self._readers[location] = (connection, signature)
            cursor = connection.cursor()
        # DuckDB has no statement timeout: a timer interrupts this cursor's query instead.
        limit = query_timeout_seconds()
        timer = threading.Timer(limit, cursor.interrupt)
        timer.daemon = True
        timer.start()
        try:
            # Queries are written with %s placeholders for all three backends; DuckDB binds `?`.
            return cursor.execute(sql.replace("%s", "?"), params or []).fetchall()
        except duckdb.InterruptException as error:
            raise QueryTimeout(f"The warehouse query was cancelled after {limit:g} s.") from error
        except duckdb.IOException as error:
            self._reader_drop(location)
            raise WarehouseUnavailable(f"the DuckDB file of generation {number} is damaged") from error
        finally:
            timer.cancel()
            cursor.close()

    def _reader_drop(self, location: str) -> None:
        with self._lock:
            reader = self._readers.pop(location, None)
        if reader is not None:
            reader[0].close()

    def files_prune(self, keep: set[str], older_than_seconds: float) -> list[Path]:
        """Remove generation files not in `keep` whose age passed the grace period."""
        removed = []
        cutoff = time.time() - older_than_seconds
        for path in self.directory.glob("generation-*"):
            if str(path) not in keep and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed


def _generation_number(location: str) -> int:
    """The generation number in a file name such as generation-00000042.duckdb (0 if none)."""
    found = re.search(r"generation-(\d+)", Path(location).name)
    return int(found.group(1)) if found else 0
