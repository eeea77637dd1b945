"""What every warehouse backend offers, and the checks every load makes the same way."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import pyarrow.compute as pc
import pyarrow.parquet as pq

from analytics.lake import Lake, LakeError, file_sha256, scratch_directory
from analytics.manifest import LakeFile, Manifest, TableBatch
from analytics.warehouse.schema import FULL_REFRESH_DROPS, ROLLUP_TABLES, ROLLUPS, TABLES, TABLES_BY_NAME, Table

# Batches exported before manifests recorded checksums cannot be verified, so they are not
# loaded: a full export writes a new batch that can (and a rebuild from the lake starts there).
UNCHECKED_BATCH = (
    "lake file {uri} has no SHA-256 in its batch manifest (exported before Folio recorded checksums),"
    " so it cannot be verified; run `manage.py sync_warehouse --full` once to export a full batch that can"
)


class LoadError(RuntimeError):
    """A load cannot publish: a file is missing or corrupt, or it disagrees with its manifest."""


class WarehouseUnavailable(RuntimeError):
    """The published generation's data cannot be read: its file or tables are gone or damaged."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"The warehouse is unavailable: {reason}. The next sync rebuilds it in full.")
        self.reason = reason


# Every table a generation must hold to answer questions (facts, dimensions, rollups).
GENERATION_TABLES: tuple[str, ...] = (*(table.name for table in TABLES), *(name for name, _ in ROLLUPS))
# The tables of the schema queries run in; the same text on DuckDB, PostgreSQL and Redshift.
TABLES_PRESENT_SQL = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"


def generation_tables_check(present: list[tuple], number: int) -> None:
    """Raise WarehouseUnavailable naming the generation tables missing from `present`."""
    names = {row[0] for row in present}
    missing = [name for name in GENERATION_TABLES if name not in names]
    if missing:
        raise WarehouseUnavailable(f"generation {number} lacks the warehouse table(s) {', '.join(missing)}")


@dataclass
class LoadResult:
    """What a load leaves behind: where the generation lives, its row counts and money totals."""

    location: str
    rows: dict[str, int] = field(default_factory=dict)
    totals: dict[str, dict[str, str]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class PendingLoad:
    """A load applied but not yet visible: `commit()` makes it so; leaving without it rolls back."""

    result: LoadResult
    commit: Callable[[], None]


class Warehouse(Protocol):
    """A warehouse backend: DuckDB files, PostgreSQL, or Redshift."""

    vendor: str
    unreachable_errors: tuple[type[Exception], ...]  # what the driver raises when the server cannot be reached

    def load(
        self, *, manifests: list[Manifest], lake: Lake, previous_location: str | None, number: int
    ) -> AbstractContextManager[PendingLoad]:
        """Apply export batches, in order, on top of the previous generation (or from nothing
        when the first is full), all or nothing, every file verified before the first is
        applied; the load becomes visible only if the block publishing it completes."""

    def owns(self, location: str) -> bool:
        """Whether a generation's location belongs to this warehouse (else the next sync is full)."""

    def fetch(self, location: str, sql: str, params: list | None = None) -> list[tuple]:
        """Run a read-only query against a published generation; WarehouseUnavailable when
        its data is gone or damaged."""

    def check(self, location: str) -> None:
        """Raise WarehouseUnavailable unless the generation's data is all there and readable."""


def lake_file_size_check(lake: Lake, described: LakeFile) -> int:
    """The size of a lake file, which must be the manifest's, or LoadError naming the file."""
    key = described.key
    if described.sha256 is None:
        raise LoadError(UNCHECKED_BATCH.format(uri=lake.uri(key)))
    try:
        size = lake.size(key)
    except LakeError as error:
        raise LoadError(str(error)) from None
    if size != described.bytes:
        raise LoadError(f"lake file {lake.uri(key)} has {size} bytes, the manifest says {described.bytes}")
    return size


def lake_file_checksum_check(lake: Lake, described: LakeFile, found: str) -> None:
    """A file's SHA-256 (`found`) must be the manifest's, or LoadError naming the file."""
    if found != described.sha256:
        raise LoadError(
            f"lake file {lake.uri(described.key)} is damaged or was replaced: its SHA-256 is {found},"
            f" the manifest says {described.sha256}"
        )


def lake_object_verify(lake: Lake, described: LakeFile, *, pages: bool = False) -> int:
    """Check a lake file without loading it (size, then SHA-256 of its content) and, with
    `pages`, its Parquet page checksums too: for Redshift, whose COPY reads the S3 objects
    itself and checks neither, so a file damaged before it was hashed would load. Returns its size."""
    size = lake_file_size_check(lake, described)
    if not pages:
        try:
            found = lake.sha256(described.key)
        except LakeError as error:
            raise LoadError(str(error)) from None
        lake_file_checksum_check(lake, described, found)
        return size
    key = described.key
    with scratch_directory() as scratch:
        try:
            path = lake.local_copy(key, Path(scratch))
            lake_file_checksum_check(lake, described, file_sha256(path))
            parquet = pq.ParquetFile(path, page_checksum_verification=True)
            for group in range(parquet.num_row_groups):  # one row group at a time: memory stays bounded
                parquet.read_row_group(group)
        except LakeError as error:
            raise LoadError(str(error)) from None
        except (OSError, ValueError) as error:  # pyarrow raises ArrowInvalid (a ValueError) on corrupt files
            raise LoadError(f"lake file {lake.uri(key)} cannot be read as Parquet: {error}") from None
    return size


def batch_files_verify(lake: Lake, manifest: Manifest, scratch: Path) -> dict[str, tuple[Path, Path]]:
    """Check every file of the batch against the manifest before anything is loaded.

    Returns, per table, local paths of its rows file and tombstones file. Raises LoadError
    naming the file when one is missing, has another size or SHA-256, fails a Parquet page
    checksum, or holds other row counts or money totals than the manifest says. The local
    copy is what was hashed, so the loader reads exactly the verified bytes from S3.
    """
    local: dict[str, tuple[Path, Path]] = {}
    for name, entry in manifest.tables.items():
        table = TABLES_BY_NAME[name]
        paths = []
        for described, kind in ((entry.files[0], "rows"), (entry.tombstone_files[0], "tombstones")):
            key = described.key
            lake_file_size_check(lake, described)
            try:
                path = lake.local_copy(key, scratch)
                lake_file_checksum_check(lake, described, file_sha256(path))
                data = pq.read_table(path, page_checksum_verification=True)
            except LakeError as error:
                raise LoadError(str(error)) from None
            except (OSError, ValueError) as error:  # pyarrow raises ArrowInvalid (a ValueError) on corrupt files
                raise LoadError(f"lake file {lake.uri(key)} cannot be read as Parquet: {error}") from None
            if data.num_rows != described.rows:
                raise LoadError(
                    f"lake file {lake.uri(key)} has {data.num_rows} rows, the manifest says {described.rows}"
                )
            if kind == "rows":
                sums = {column: pc.sum(data.column(column)).as_py() for column in entry.money_totals}
                wrong = money_totals_mismatch(sums, entry)
                if wrong:
                    column, found, expected = wrong
                    raise LoadError(f"lake file {lake.uri(key)} sums {column} to {found}, the manifest says {expected}")
                if data.column_names != table.column_names:
                    raise LoadError(
                        f"lake file {lake.uri(key)} has columns {data.column_names}, expected {table.column_names}"
                    )
            paths.append(path)
        local[name] = (paths[0], paths[1])
    return local


def money_totals_mismatch(sums: dict[str, Any], entry: TableBatch) -> tuple[str, Decimal, str] | None:
    """The first money column whose sum (to the cent; None is zero) is not the manifest's
    total, as (column, found, expected), or None when every total agrees."""
    for column, expected in entry.money_totals.items():
        found = Decimal(sums.get(column) or 0).quantize(Decimal("0.01"))
        if found != Decimal(expected):
            return column, found, expected
    return None


# What PostgreSQL and Redshift record of each generation they hold (a DuckDB file is its generation).
GENERATION_TABLE_DDL = (
    "CREATE TABLE IF NOT EXISTS folio_generation"
    " (number BIGINT PRIMARY KEY, batch VARCHAR(40), published_at TIMESTAMPTZ)"
)


def table_ddl(table: Table, physical: str = "") -> str:
    """CREATE TABLE in the SQL the three backends share, plus Redshift's physical design."""
    body = ", ".join(f"{column.name} {column.sql}" for column in table.columns)
    primary = f", PRIMARY KEY ({table.key})" if table.key else ""
    return f"CREATE TABLE IF NOT EXISTS {table.name} ({body}{primary}){physical}"


def generation_number(location: str) -> int:
    """The generation a PostgreSQL or Redshift location names (…?generation=42)."""
    return int(parse_qs(urlsplit(location).query).get("generation", ["0"])[0])


class SqlWarehouse:
    """What the three backends do alike on an open cursor (DuckDB's connection is one):
    the warehouse DDL, the row counts and money totals a load reports, and the record of
    the generation. Subclasses keep only what differs: staging, merging, reading."""

    # Whether the database records its generations in folio_generation (not DuckDB: a file is one).
    records_generations = True

    def _physical(self, table: Table) -> str:
        """The physical design clause of a table's DDL (only Redshift has one)."""
        return ""

    def _schema_create(self, cursor: Any, *, full: bool) -> None:
        """Create every warehouse table and rollup; a full load first drops them, so they
        are rebuilt from nothing with today's column types (DROP, unlike TRUNCATE, stays
        inside the load's transaction on Redshift too)."""
        if full:
            for name in FULL_REFRESH_DROPS:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
        for table in (*TABLES, *ROLLUP_TABLES):
            cursor.execute(table_ddl(table, self._physical(table)))
        if self.records_generations:
            cursor.execute(GENERATION_TABLE_DDL)

    def _counts(self, cursor: Any) -> tuple[dict[str, int], dict[str, dict[str, str]]]:
        """Rows and money totals of every warehouse table, as text so Decimals stay exact."""
        rows, totals = {}, {}
        for table in TABLES:
            sums = "".join(f", COALESCE(SUM({column}), 0)" for column in table.money)
            cursor.execute(f"SELECT COUNT(*){sums} FROM {table.name}")
            result = cursor.fetchone()
            rows[table.name] = int(result[0])
            totals[table.name] = {
                column: str(Decimal(value).quantize(Decimal("0.01")))
                for column, value in zip(table.money, result[1:], strict=True)
            }
        return rows, totals

    def _generation_record(self, cursor: Any, number: int, batch: str) -> None:
        """Record generation `number` as held. A number can come back if publishing failed
        after an earlier load committed here, so what it replaces is removed first."""
        cursor.execute("DELETE FROM folio_generation WHERE number >= %s", (number,))
        cursor.execute(
            "INSERT INTO folio_generation (number, batch, published_at) VALUES (%s, %s, %s)",
            (number, batch, datetime.now(tz=UTC)),
        )

    def _staged_reconcile(self, cursor: Any, table: Table, stage: str, entry: TableBatch, files: str) -> None:
        """Staged rows and money totals must equal the export manifest, or nothing loads."""
        sums = "".join(f", COALESCE(SUM({column}), 0)" for column in table.money)
        cursor.execute(f"SELECT COUNT(*){sums} FROM {stage}")
        found = cursor.fetchone()
        if int(found[0]) != entry.rows:
            raise LoadError(f"{files}: staged {found[0]} rows, the manifest says {entry.rows}")
        wrong = money_totals_mismatch(dict(zip(table.money, found[1:], strict=True)), entry)
        if wrong:
            column, value, expected = wrong
            raise LoadError(f"{files}: {column} sums to {value}, the manifest says {expected}")
