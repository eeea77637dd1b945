"""Export changed rows from the transactional database to the lake as Parquet + manifest.

The only module that reads the transactional tables. For each warehouse table it reads
the rows whose `updated_at` falls in the half-open window [low, high) — ordered by the
compound cursor (updated_at, id) — plus the keys tombstoned in the same window, and
writes them with pyarrow (zstd) under `batches/<batch>/`. `low` is the last published
watermark minus a lookback window: transactions commit out of order, so a row stamped
before the watermark can become visible after an export has passed it (Airbyte's lost-rows
bug #15427); re-reading the window and merging by key means such a row is never lost.
`high` is now, or on PostgreSQL the start of the oldest transaction still writing, so
rows of an uncommitted transaction are never skipped past.
"""

import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from analytics.lake import Lake, file_sha256, scratch_directory
from analytics.manifest import LakeFile, Manifest, TableBatch
from analytics.warehouse.schema import SCHEMA_VERSION, TABLES, Column, Source, Table

ROWS_PER_READ = 200_000


def column_kind(column: Column) -> str:
    """How the exporter reads and converts a column: money, ts, date, derived or plain."""
    if not column.source:
        return "derived"
    if pa.types.is_decimal(column.arrow):
        return "money"
    if pa.types.is_timestamp(column.arrow):
        return "ts"
    if pa.types.is_date(column.arrow):
        return "date"
    return "plain"


# Authors in credit order, aggregated once per export for the books in the window (a
# correlated subquery per book took minutes on 500K books before ANALYZE had run).
AUTHORS = {
    "postgresql": "SELECT ba.book_id, string_agg(a.name, ', ' ORDER BY ba.position, ba.id) AS authors"
    " FROM books_bookauthor ba JOIN books_author a ON a.id = ba.author_id"
    " WHERE ba.book_id IN (SELECT w.id FROM books_book w WHERE {window}) GROUP BY ba.book_id",
    "sqlite": "SELECT book_id, group_concat(name, ', ') AS authors FROM (SELECT ba.book_id, a.name"
    " FROM books_bookauthor ba JOIN books_author a ON a.id = ba.author_id"
    " WHERE ba.book_id IN (SELECT w.id FROM books_book w WHERE {window}) ORDER BY ba.book_id, ba.position, ba.id)"
    " GROUP BY book_id",
}


def export_high_watermark(using: str = "default") -> datetime:
    """The export's upper bound: now, or the start of the oldest transaction still writing."""
    connection = connections[using]
    now = datetime.now(tz=UTC)
    if connection.vendor != "postgresql":
        return now
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(xact_start) FROM pg_stat_activity"
            " WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )
        oldest = cursor.fetchone()[0]
    return min(now, oldest) if oldest else now


def export_batch_write(
    *,
    lake: Lake,
    batch: str,
    watermarks: dict[str, str],
    high: datetime,
    tables: list[str] | None = None,
    full: bool = False,
    after: str | None = None,
    using: str = "default",
) -> Manifest:
    """Write one batch (Parquet per table + manifest.json) and return the manifest.

    `after` names the batch of the generation this one is exported on top of (None for a
    full batch): a rebuild from the lake follows these links back to the last full batch.
    """
    lookback = timedelta(seconds=settings.EXPORT_LOOKBACK_SECONDS)
    started = time.perf_counter()
    created_at = datetime.now(tz=UTC).isoformat()
    exported: dict[str, TableBatch] = {}
    with scratch_directory() as scratch:
        for table in TABLES:
            if tables and table.name not in tables:
                continue
            previous = None if full else watermarks.get(table.name)
            low = datetime.fromisoformat(previous) - lookback if previous else None
            exported[table.name] = _table_export(lake, batch, table, low, high, Path(scratch), using)
    manifest = Manifest(
        batch=batch,
        schema_version=SCHEMA_VERSION,
        full=full,
        after=None if full else after,
        created_at=created_at,
        high=high.isoformat(),
        tables=exported,
        seconds=round(time.perf_counter() - started, 3),
    )
    lake.put_bytes(manifest.key, manifest.to_bytes())
    return manifest


def _table_export(
    lake: Lake,
    batch: str,
    table: Table,
    low: datetime | None,
    high: datetime,
    scratch: Path,
    using: str,
) -> TableBatch:
    connection = connections[using]
    rows = 0
    path = scratch / f"{table.name}.parquet"
    totals = {name: Decimal("0.00") for name in table.money}
    # Page checksums (CRC32 per page) let a reader catch damage even where a file's SHA-256
    # cannot: bytes that changed before the file was hashed.
    with pq.ParquetWriter(path, table.arrow_schema, compression="zstd", write_page_checksum=True) as writer:
        for batch_table in _read_rows(connection, table, low, high):
            writer.write_table(batch_table, row_group_size=1_000_000)
            rows += batch_table.num_rows
            for name in table.money:
                column_sum = pc.sum(batch_table.column(name)).as_py()
                totals[name] += column_sum or Decimal("0.00")
    key = f"batches/{batch}/{table.name}/part-0000.parquet"
    rows_file = _file_entry(lake, key, path, rows)

    tombstones = _tombstones_read(connection, _source(table), low, high)
    tombstone_path = scratch / f"{table.name}.tombstones.parquet"
    pq.write_table(
        pa.table({table.key: pa.array(tombstones, pa.int64())}),
        tombstone_path,
        compression="zstd",
        write_page_checksum=True,
    )
    tombstone_key = f"batches/{batch}/{table.name}/tombstones.parquet"
    return TableBatch(
        table=table.name,
        window=(low.isoformat() if low else None, high.isoformat()),
        rows=rows,
        tombstones=len(tombstones),
        money_totals={name: str(total.quantize(Decimal("0.01"))) for name, total in totals.items()},
        files=(rows_file,),
        tombstone_files=(_file_entry(lake, tombstone_key, tombstone_path, len(tombstones)),),
    )


def _file_entry(lake: Lake, key: str, path: Path, rows: int) -> LakeFile:
    """Store a file in the lake and describe it for the manifest: size, rows and SHA-256,
    hashed from the local file so that anything that changes it on the way is caught."""
    sha256 = file_sha256(path)
    return LakeFile(key=key, bytes=lake.put_file(key, path), rows=rows, sha256=sha256)


def _bounds(connection: BaseDatabaseWrapper, low: datetime | None, high: datetime) -> list[datetime] | list[str]:
    """Window bounds as the source stores them (Django keeps SQLite times as naive UTC text)."""
    values = [low, high] if low else [high]
    if connection.vendor == "sqlite":
        return [str(value.astimezone(UTC).replace(tzinfo=None)) for value in values]
    return values


def _where(alias: str, low: datetime | None, column: str = "updated_at") -> str:
    if low:
        return f"{alias}.{column} >= %s AND {alias}.{column} < %s"
    return f"{alias}.{column} < %s"


def _source(table: Table) -> Source:
    if table.source is None:
        raise ValueError(f"warehouse table {table.name} has no source to export from")
    return table.source


def _select(table: Table, vendor: str, low: datetime | None) -> str:
    source = _source(table)
    expressions = []
    for column in _read_columns(table):
        expression = column.source
        kind = column_kind(column)
        if kind == "money":
            expression = (
                f"({expression} * 100)::bigint"
                if vendor == "postgresql"
                else f"CAST(ROUND({expression} * 100) AS INTEGER)"
            )
        elif kind == "ts" and vendor == "postgresql":
            expression = f"(EXTRACT(EPOCH FROM {expression}) * 1000000)::bigint"
        expressions.append(f"{expression} AS {column.name}")
    from_clause = source.from_clause.replace("{authors}", AUTHORS[vendor].replace("{window}", _where("w", low)))
    return f"SELECT {', '.join(expressions)} FROM {from_clause}"


def _read_columns(table: Table) -> list[Column]:
    """The columns the exporter reads from the source (not those it derives)."""
    return [column for column in table.columns if column_kind(column) != "derived"]


def _read_rows(
    connection: BaseDatabaseWrapper, table: Table, low: datetime | None, high: datetime
) -> Iterator[pa.Table]:
    """Yield Arrow tables of the window's rows, in (updated_at, id) order, with bounded memory."""
    source = _source(table)
    query = f"{_select(table, connection.vendor, low)} WHERE {_where(source.alias, low)}"
    query += f" ORDER BY {source.alias}.updated_at, {source.alias}.id"
    bounds = _bounds(connection, low, high)
    # The authors subquery in FROM filters on the same window as the WHERE clause.
    params = bounds * 2 if "{authors}" in source.from_clause else bounds
    read_columns = _read_columns(table)
    if connection.vendor == "postgresql":
        yield from _copy_rows(connection, query, params, table, read_columns)
        return
    # chunked_cursor streams from SQLite without building the whole result in memory.
    with connection.chunked_cursor() as cursor:
        cursor.execute(query, params)
        while rows := cursor.fetchmany(ROWS_PER_READ):
            yield _arrow_table(table, read_columns, list(zip(*rows, strict=True)), connection.vendor)


def _copy_rows(
    connection: BaseDatabaseWrapper,
    query: str,
    params: Sequence[datetime | str],
    table: Table,
    columns: list[Column],
) -> Iterator[pa.Table]:
    """PostgreSQL: COPY the SELECT out as CSV (1.3-2.3M rows/s measured) into a spool file,
    then parse it with pyarrow's streaming CSV reader, a block at a time."""
    csv_types = {
        column.name: {"money": pa.int64(), "ts": pa.int64()}.get(column_kind(column), column.arrow)
        for column in columns
    }
    with tempfile.TemporaryFile() as spool:
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", params) as copy,
        ):
            for block in copy:
                spool.write(block)
        if spool.tell() == 0:
            return
        spool.seek(0)
        reader = pa_csv.open_csv(
            spool,
            read_options=pa_csv.ReadOptions(column_names=[column.name for column in columns], block_size=32 * 2**20),
            convert_options=pa_csv.ConvertOptions(
                column_types=csv_types, strings_can_be_null=True, quoted_strings_can_be_null=False
            ),
        )
        for batch in reader:
            values = []
            for column in columns:
                array = batch.column(column.name)
                values.append(array.to_numpy(zero_copy_only=False) if column_kind(column) in {"money", "ts"} else array)
            yield _arrow_table(table, columns, values, "postgresql")


def _arrow_table(table: Table, columns: list[Column], values: list, vendor: str) -> pa.Table:
    """One Arrow table in the warehouse schema from the source's column values."""
    arrays: dict[str, pa.Array] = {}
    for column, column_values in zip(columns, values, strict=True):
        target = column.arrow
        kind = column_kind(column)
        if kind == "money":
            arrays[column.name] = _money_array(np.asarray(column_values, dtype=np.int64), target)
        elif kind == "ts" and vendor == "postgresql":
            micros = np.asarray(column_values, dtype=np.int64)
            arrays[column.name] = pa.array(micros, pa.int64()).cast(pa.timestamp("us")).cast(target)
        elif kind == "ts":
            # Django's SQLite connection parses declared datetime columns into naive UTC datetimes.
            raw = pa.array(column_values)
            naive = (
                raw.cast(pa.timestamp("us")) if pa.types.is_timestamp(raw.type) else pc.cast(raw, pa.timestamp("us"))
            )
            arrays[column.name] = naive.cast(target)
        elif isinstance(column_values, pa.Array):
            arrays[column.name] = column_values.cast(target)
        elif kind == "date":
            raw = pa.array(column_values)
            arrays[column.name] = (
                raw
                if pa.types.is_date(raw.type)
                else pc.cast(raw.cast(pa.string()), pa.timestamp("s")).cast(pa.date32())
            )
        else:
            arrays[column.name] = pa.array(column_values, target)
    if table.name == "fact_sales":
        arrays["sale_date"] = arrays["sold_at"].cast(pa.date32())
    return pa.table([arrays[name] for name in table.column_names], schema=table.arrow_schema)


def _money_array(cents: np.ndarray, target: pa.DataType) -> pa.Array:
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63
    buffer = pa.py_buffer(words)  # type: ignore[arg-type]  # numpy's stubs give __buffer__ on Python 3.12+ only
    return pa.Array.from_buffers(target, len(cents), [None, buffer])


def _tombstones_read(
    connection: BaseDatabaseWrapper, source: Source, low: datetime | None, high: datetime
) -> list[int]:
    query = (
        f'SELECT t.object_id FROM {source.tombstone_table} t WHERE t."table" = %s AND {_where("t", low, "deleted_at")}'
    )
    with connection.cursor() as cursor:
        cursor.execute(query + " ORDER BY t.object_id", [source.model_name, *_bounds(connection, low, high)])
        return sorted({row[0] for row in cursor.fetchall()})
