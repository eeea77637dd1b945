"""A PostgreSQL warehouse: the stand-in for Redshift in tests, and a warehouse of its own.

One transaction per load: stage each table with `COPY … FROM STDIN` (PostgreSQL has no
COPY from S3), keep the newest row per key, merge with DELETE … USING + INSERT (the form
Redshift shares), apply tombstones, rebuild the rollups, reconcile, and record the
generation. No TRUNCATE: on Redshift it commits the open transaction.
"""

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from psycopg_pool import ConnectionPool, PoolTimeout

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
    generation_number,
    generation_tables_check,
)
from analytics.warehouse.limits import QueryTimeout, query_timeout_ms, query_timeout_seconds
from analytics.warehouse.schema import (
    TABLES_BY_NAME,
    rollup_statements_after,
    touched_needed,
    touched_sql,
)

READER_POOL_SIZE = 8  # API queries at once per process; more wait for a free connection
# A check (freshness, before a sync) waits this long for a pooled connection, not the pool's 30 s.
CHECK_TIMEOUT_SECONDS = 2.0
LOAD_LOCK = 7_463_001  # pg_advisory_xact_lock key: one load at a time per warehouse


class PostgresWarehouse(SqlWarehouse):
    """Warehouse tables in the database WAREHOUSE_URL names."""

    vendor = "postgresql"
    # What a database that cannot be reached raises (freshness reports it, the API too).
    unreachable_errors: tuple[type[Exception], ...] = (psycopg.OperationalError, PoolTimeout)

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgres://", "postgresql://", 1)
        self._pool: ConnectionPool | None = None
        self._pool_lock = threading.Lock()

    @contextmanager
    def load(
        self, *, manifests: list[Manifest], lake: Lake, previous_location: str | None, number: int
    ) -> Iterator[PendingLoad]:
        """Apply the batches, in order, in one open transaction; it commits only through
        `commit()`, which the sync calls inside the transaction that publishes the generation."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        with scratch_directory() as scratch:
            # Every file of every batch is verified before the first is applied.
            files = [batch_files_verify(lake, manifest, Path(scratch)) for manifest in manifests]
            timings["verify"] = round(time.perf_counter() - started, 3)
            with psycopg.connect(self.url, autocommit=False) as connection:
                try:
                    rows, totals = self._apply(connection, manifests, files, number, timings)
                    result = LoadResult(location=self.location(number), rows=rows, totals=totals, timings=timings)
                    yield PendingLoad(result=result, commit=connection.commit)
                except psycopg.Error as error:
                    connection.rollback()
                    raise LoadError(f"PostgreSQL refused the batch: {error}") from error
                except BaseException:
                    connection.rollback()
                    raise

    def _apply(
        self,
        connection: psycopg.Connection,
        manifests: list[Manifest],
        batch_files: list[dict],
        number: int,
        timings: dict,
    ) -> tuple:
        step = time.perf_counter()
        cursor = connection.cursor()
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOAD_LOCK])
        self._schema_create(cursor, full=manifests[0].full)
        for manifest, files in zip(manifests, batch_files, strict=True):
            for name in manifest.tables:
                table = TABLES_BY_NAME[name]
                rows_path, tombstones_path = files[name]
                columns = ", ".join(table.column_names)
                cursor.execute(f"CREATE TEMP TABLE stage_{name} (LIKE {name}) ON COMMIT DROP")
                _copy_parquet(cursor, f"stage_{name}", table.column_names, rows_path)
                cursor.execute(f"CREATE TEMP TABLE gone_{name} ({table.key} BIGINT) ON COMMIT DROP")
                _copy_parquet(cursor, f"gone_{name}", [table.key], tombstones_path)
                if touched_needed(manifests, name):
                    cursor.execute(touched_sql(f"stage_{name}", f"gone_{name}"))
                cursor.execute(f"DELETE FROM {name} USING stage_{name} s WHERE {name}.{table.key} = s.{table.key}")
                cursor.execute(
                    f"INSERT INTO {name} ({columns}) SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER"
                    f" (PARTITION BY {table.key} ORDER BY updated_at DESC) AS newest FROM stage_{name}) AS ranked"
                    " WHERE newest = 1"
                )
                cursor.execute(f"DELETE FROM {name} USING gone_{name} g WHERE {name}.{table.key} = g.{table.key}")
                cursor.execute(f"DROP TABLE stage_{name}, gone_{name}")  # the next batch stages its own
        timings["merge"] = round(time.perf_counter() - step, 3)
        step = time.perf_counter()
        for statement in rollup_statements_after(manifests):
            cursor.execute(statement)
        timings["rollups"] = round(time.perf_counter() - step, 3)
        rows, totals = self._counts(cursor)
        self._generation_record(cursor, number, manifests[-1].batch)
        return rows, totals

    def location(self, number: int) -> str:
        """The warehouse URL without its password, tagged with the generation."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        user = f"{parts.username}@" if parts.username else ""
        port = f":{parts.port}" if parts.port else ""
        return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, f"generation={number}", ""))

    def owns(self, location: str) -> bool:
        """Whether a generation's location is this database."""
        return location.split("?", 1)[0] == self.location(0).split("?", 1)[0]

    def fetch(self, location: str, sql: str, params: list | None = None) -> list[tuple]:
        """Run a read-only query on a pooled connection (a new connection costs ~5 ms, more
        than a cached answer should take); a missing table is WarehouseUnavailable when the
        generation's tables are gone."""
        try:
            # Waiting for a free connection counts against the same limit as the query itself.
            return self._rows(sql, params, timeout=query_timeout_seconds())
        except psycopg.errors.QueryCanceled as error:
            raise QueryTimeout(f"The warehouse query was cancelled after {query_timeout_ms()} ms.") from error
        except psycopg.errors.UndefinedTable:
            self.check(location)
            raise

    def check(self, location: str) -> None:
        """The database still records the generation (not dropped, not an older restore) and
        holds every warehouse table."""
        number = generation_number(location)
        try:
            held = self._rows(
                "SELECT COUNT(*) FROM folio_generation WHERE number = %s", [number], timeout=CHECK_TIMEOUT_SECONDS
            )[0][0]
        except psycopg.errors.UndefinedTable:
            held = 0
        if not held:
            raise WarehouseUnavailable(f"the warehouse database does not hold generation {number}")
        generation_tables_check(self._rows(TABLES_PRESENT_SQL, timeout=CHECK_TIMEOUT_SECONDS), number)

    def _rows(self, sql: str, params: list | None = None, timeout: float | None = None) -> list[tuple]:
        with self._readers().connection(timeout=timeout) as connection:
            return connection.execute(sql, params or []).fetchall()

    def _readers(self) -> ConnectionPool:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=READER_POOL_SIZE,
                    kwargs={
                        "autocommit": True,
                        "options": f"-c default_transaction_read_only=on -c statement_timeout={query_timeout_ms()}",
                    },
                    open=True,
                )
            return self._pool

    def close(self) -> None:
        """Close the pooled reader connections (tests that drop the database call this)."""
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


def _copy_parquet(cursor: psycopg.Cursor, table: str, columns: list[str], path: Path) -> None:
    """Stream a Parquet file into a table as CSV through COPY … FROM STDIN, a row group at a time."""
    parquet = pq.ParquetFile(path)
    column_list = ", ".join(columns)
    with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN WITH (FORMAT csv)") as copy:
        for group in range(parquet.num_row_groups):
            buffer = io.BytesIO()
            data = parquet.read_row_group(group, columns=columns)
            if data.num_rows:
                pa_csv.write_csv(data, buffer, pa_csv.WriteOptions(include_header=False))
                copy.write(buffer.getbuffer())
