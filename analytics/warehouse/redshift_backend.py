"""Amazon Redshift: `COPY … FORMAT AS PARQUET` from the S3 lake through a manifest, then
MERGE, in one transaction that commits only when the generation is published.

Redshift facts that shape this code (AWS documentation):
- Parquet COPY has no MAXERROR and checks no content checksum, so every file of the batch
  is verified before the first COPY (size and SHA-256 of the S3 object) and after staging
  (row counts and money totals against the export manifest).
- A Parquet manifest entry needs `meta.content_length`; `"mandatory": true` makes a
  missing file fail the COPY instead of loading less.
- MERGE needs a table as its source with one row per key: the newest row per key is
  kept in a second temp table first.
- TRUNCATE commits the open transaction, so a full refresh deletes instead.
"""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypedDict
from urllib.parse import parse_qs, unquote, urlsplit

import redshift_connector
from django.conf import settings

from analytics.lake import Lake
from analytics.manifest import LakeFile, Manifest
from analytics.warehouse.base import (
    TABLES_PRESENT_SQL,
    LoadError,
    LoadResult,
    PendingLoad,
    SqlWarehouse,
    WarehouseUnavailable,
    generation_number,
    generation_tables_check,
    lake_object_verify,
)
from analytics.warehouse.limits import QueryTimeout, query_timeout_ms
from analytics.warehouse.schema import (
    TABLES_BY_NAME,
    TOUCHED,
    Table,
    rollup_statements_after,
    touched_needed,
    touched_sql,
)

QUERY_CANCELED = "57014"  # SQLSTATE of a statement cancelled by statement_timeout


def physical_design(table: Table) -> str:
    """DISTKEY on the join key of big tables, DISTSTYLE ALL on small dimensions, SORTKEY by date."""
    clause = f" DISTSTYLE KEY DISTKEY ({table.dist_key})" if table.dist_key else " DISTSTYLE ALL"
    if table.sort_key:
        clause += f" SORTKEY ({table.sort_key})"
    return clause


def copy_sql(target: str, manifest_uri: str, iam_role: str) -> str:
    """The COPY Redshift runs for one table's files (values are quoted literals: COPY takes no parameters)."""
    return f"COPY {target} FROM {_literal(manifest_uri)} IAM_ROLE {_literal(iam_role)} FORMAT AS PARQUET MANIFEST"


def merge_sql(table: Table, source: str) -> str:
    """MERGE the newest staged rows into the table (text shared by Redshift and PostgreSQL 15)."""
    others = [name for name in table.column_names if name != table.key]
    updates = ", ".join(f"{name} = {source}.{name}" for name in others)
    columns = ", ".join(table.column_names)
    values = ", ".join(f"{source}.{name}" for name in table.column_names)
    return (
        f"MERGE INTO {table.name} USING {source} ON {table.name}.{table.key} = {source}.{table.key}"
        f" WHEN MATCHED THEN UPDATE SET {updates}"
        f" WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({values})"
    )


def newest_sql(table: Table, stage: str, newest: str) -> str:
    """Keep the newest staged row per key (latest updated_at wins)."""
    columns = ", ".join(table.column_names)
    return (
        f"CREATE TEMP TABLE {newest} AS SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER"
        f" (PARTITION BY {table.key} ORDER BY updated_at DESC) AS newest FROM {stage}) AS ranked WHERE newest = 1"
    )


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class ConnectArgs(TypedDict):
    """What redshift_connector.connect takes, from WAREHOUSE_URL and WAREHOUSE_PASSWORD."""

    host: str | None
    port: int
    database: str
    user: str
    password: str
    ssl: bool


class RedshiftWarehouse(SqlWarehouse):
    """Warehouse tables in an Amazon Redshift database (redshift-connector)."""

    vendor = "redshift"
    # What a database that cannot be reached raises (freshness reports it).
    unreachable_errors: tuple[type[Exception], ...] = (
        redshift_connector.InterfaceError,
        redshift_connector.OperationalError,
    )

    def __init__(self, url: str, iam_role: str | None = None) -> None:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        self.connect_args: ConnectArgs = {
            "host": parts.hostname,
            "port": parts.port or 5439,
            "database": parts.path.lstrip("/") or "dev",
            "user": unquote(parts.username or ""),
            "password": unquote(parts.password or "") or settings.WAREHOUSE_PASSWORD,
            "ssl": query.get("sslmode", ["require"])[0] != "disable",
        }
        self.iam_role = iam_role if iam_role is not None else settings.REDSHIFT_IAM_ROLE

    def connect(self) -> redshift_connector.Connection:
        """A new connection with autocommit off."""
        connection = redshift_connector.connect(**self.connect_args)
        connection.autocommit = False
        return connection

    @contextmanager
    def load(
        self, *, manifests: list[Manifest], lake: Lake, previous_location: str | None, number: int
    ) -> Iterator[PendingLoad]:
        """Per batch, in order: stage every table with COPY, reconcile with the manifest,
        merge; then rebuild the rollups."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        copy_manifests = [self._copy_manifests_write(lake, manifest) for manifest in manifests]
        timings["verify"] = round(time.perf_counter() - started, 3)
        connection = self.connect()
        try:
            cursor = connection.cursor()
            rows, totals = self._apply(cursor, lake, manifests, copy_manifests, number, timings)
            result = LoadResult(location=self.location(number), rows=rows, totals=totals, timings=timings)
            yield PendingLoad(result=result, commit=connection.commit)
        except redshift_connector.Error as error:
            connection.rollback()
            raise LoadError(f"Redshift refused the batch: {error}") from error
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()

    def _copy_manifests_write(self, lake: Lake, manifest: Manifest) -> dict[str, tuple[str, str]]:
        """One COPY manifest per file list, with every file checked to exist at its size,
        SHA-256 and Parquet page checksums first: COPY reads the S3 objects itself and verifies no checksum."""
        manifests = {}
        for name, entry in manifest.tables.items():
            uris = []
            for kind in ("files", "tombstone_files"):
                entries = []
                for described in getattr(entry, kind):
                    size = lake_object_verify(lake, described, pages=True)
                    entries.append(
                        {"url": lake.uri(described.key), "mandatory": True, "meta": {"content_length": size}}
                    )
                key = f"batches/{manifest.batch}/{name}/{kind}.copy-manifest"
                lake.put_bytes(key, json.dumps({"entries": entries}).encode())
                uris.append(lake.uri(key))
            manifests[name] = (uris[0], uris[1])
        return manifests

    def _stage(
        self,
        cursor: redshift_connector.Cursor,
        lake: Lake,
        target: str,
        manifest_uri: str,
        described: tuple[LakeFile, ...],
    ) -> None:
        """Fill a staging table from the lake: COPY … FROM S3 on Redshift."""
        cursor.execute(copy_sql(target, manifest_uri, self.iam_role))

    def _physical(self, table: Table) -> str:
        """DISTKEY/DISTSTYLE and SORTKEY (the stand-in in tests has none)."""
        return physical_design(table)

    def _apply(
        self,
        cursor: redshift_connector.Cursor,
        lake: Lake,
        manifests: list[Manifest],
        batch_copies: list[dict[str, tuple[str, str]]],
        number: int,
        timings: dict[str, float],
    ) -> tuple[dict[str, int], dict[str, dict[str, str]]]:
        step = time.perf_counter()
        self._schema_create(cursor, full=manifests[0].full)
        touched = False
        for manifest, copies in zip(manifests, batch_copies, strict=True):
            for name, entry in manifest.tables.items():
                table = TABLES_BY_NAME[name]
                rows_manifest, tombstones_manifest = copies[name]
                cursor.execute(f"CREATE TEMP TABLE stage_{name} (LIKE {name})")
                self._stage(cursor, lake, f"stage_{name}", rows_manifest, entry.files)
                files = ", ".join(lake.uri(described.key) for described in entry.files)
                self._staged_reconcile(cursor, table, f"stage_{name}", entry, files)
                cursor.execute(newest_sql(table, f"stage_{name}", f"newest_{name}"))
                cursor.execute(f"CREATE TEMP TABLE gone_{name} ({table.key} BIGINT)")
                self._stage(cursor, lake, f"gone_{name}", tombstones_manifest, entry.tombstone_files)
                if touched_needed(manifests, name):
                    cursor.execute(touched_sql(f"newest_{name}", f"gone_{name}"))
                    touched = True
                cursor.execute(merge_sql(table, f"newest_{name}"))
                cursor.execute(
                    f"DELETE FROM {name} USING gone_{name} WHERE {name}.{table.key} = gone_{name}.{table.key}"
                )
                for temp in (f"stage_{name}", f"newest_{name}", f"gone_{name}"):
                    cursor.execute(f"DROP TABLE {temp}")
        timings["merge"] = round(time.perf_counter() - step, 3)
        step = time.perf_counter()
        for statement in rollup_statements_after(manifests):
            cursor.execute(statement)
        if touched:
            cursor.execute(f"DROP TABLE {TOUCHED}")
        timings["rollups"] = round(time.perf_counter() - step, 3)
        rows, totals = self._counts(cursor)
        self._generation_record(cursor, number, manifests[-1].batch)
        return rows, totals

    def location(self, number: int) -> str:
        """Where generation `number` lives (no password)."""
        args = self.connect_args
        return f"redshift://{args['user']}@{args['host']}:{args['port']}/{args['database']}?generation={number}"

    def owns(self, location: str) -> bool:
        """Whether a generation's location is this database."""
        return location.split("?", 1)[0] == self.location(0).split("?", 1)[0]

    def fetch(self, location: str, sql: str, params: list | None = None) -> list[tuple]:
        """Run a read-only query (a new connection each time: unlike the PostgreSQL backend, this one keeps no pool); a
        missing table is WarehouseUnavailable when the generation's tables are gone."""
        try:
            return self._rows(sql, params)
        except redshift_connector.ProgrammingError as error:
            if _sqlstate(error) == UNDEFINED_TABLE:
                self.check(location)
            raise

    def check(self, location: str) -> None:
        """The database still records the generation and holds every warehouse table."""
        number = generation_number(location)
        try:
            held = self._rows("SELECT COUNT(*) FROM folio_generation WHERE number = %s", [number])[0][0]
        except redshift_connector.ProgrammingError as error:
            if _sqlstate(error) != UNDEFINED_TABLE:
                raise
            held = 0
        if not held:
            raise WarehouseUnavailable(f"the warehouse database does not hold generation {number}")
        generation_tables_check(self._rows(TABLES_PRESENT_SQL), number)

    def _rows(self, sql: str, params: list | None = None) -> list[tuple]:
        connection = redshift_connector.connect(**self.connect_args)
        try:
            cursor = connection.cursor()
            # An integer from settings, not a value from the request: SET takes no bound parameter.
            cursor.execute(f"SET statement_timeout TO {query_timeout_ms()}")
            try:
                cursor.execute(sql, tuple(params or ()))
            except redshift_connector.ProgrammingError as error:
                if QUERY_CANCELED not in str(error):
                    raise
                raise QueryTimeout(f"The warehouse query was cancelled after {query_timeout_ms()} ms.") from error
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            connection.close()


UNDEFINED_TABLE = "42P01"


def _sqlstate(error: Exception) -> str | None:
    """The SQLSTATE redshift-connector reports (its error's first argument is the server's fields)."""
    fields = error.args[0] if error.args else None
    return fields.get("C") if isinstance(fields, dict) else None
