"""The Redshift backend's own code (redshift-connector, its SQL, its COPY manifests) runs
against the PostgreSQL stand-in through the wire shim; what only Redshift can execute
(COPY from S3, DISTKEY/SORTKEY) is checked as the exact text it would receive."""

import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import psycopg
import pyarrow.parquet as pq
import pytest
import redshift_connector
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from moto.server import ThreadedMotoServer
from rest_framework.test import APIClient

from analytics import export
from analytics.lake import Lake
from analytics.manifest import LakeFile, Manifest
from analytics.selectors import current_generation
from analytics.sync import warehouse_rebuild_from_lake, warehouse_sync
from analytics.tests.conftest import _postgres_warehouse_empty, published_generation
from analytics.tests.members import member_user
from analytics.tests.redshift_wire_shim import RedshiftWireShim
from analytics.warehouse.base import LoadError, WarehouseUnavailable
from analytics.warehouse.redshift_backend import (
    RedshiftWarehouse,
    copy_sql,
    merge_sql,
    physical_design,
)
from analytics.warehouse.schema import ROLLUP_MIX, ROLLUP_TABLES, TABLES_BY_NAME, Table
from books.models import Book, Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from books.services.records import sale_delete, sale_update
from finance.models import LedgerEntry, StatementLine
from finance.services.generation import FinanceDataSpec, finance_data_generate
from workspaces.services import workspace_default

IAM_ROLE = "arn:aws:iam::123456789012:role/folio-staging-redshift-copy"


class StandInRedshift(RedshiftWarehouse):
    """The real backend, except the two things PostgreSQL cannot run: COPY from S3 and the
    physical design clauses. It records the COPY it would send and stages the same Parquet
    files with multi-row INSERTs through the same driver instead."""

    def __init__(self, url: str) -> None:
        super().__init__(url, iam_role=IAM_ROLE)
        self.copies: list[str] = []

    def _physical(self, table: Table) -> str:
        return ""

    def _stage(
        self,
        cursor: redshift_connector.Cursor,
        lake: Lake,
        target: str,
        manifest_uri: str,
        described: tuple[LakeFile, ...],
    ) -> None:
        self.copies.append(copy_sql(target, manifest_uri, self.iam_role))
        for entry in described:
            data = pq.read_table(lake.local_copy(entry.key, Path(settings.TEST_DATA_DIR)))
            rows = [tuple(row.values()) for row in data.to_pylist()]
            row_placeholder = "(" + ", ".join(["%s"] * data.num_columns) + ")"
            for start in range(0, len(rows), 500):  # one statement per 500 rows: few round trips
                chunk = rows[start : start + 500]
                cursor.execute(
                    f"INSERT INTO {target} ({', '.join(data.column_names)}) VALUES "
                    + ", ".join([row_placeholder] * len(chunk)),
                    tuple(value for row in chunk for value in row),
                )


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def redshift(
    postgres_warehouse_url: str, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[StandInRedshift]:
    """The stand-in behind the wire shim, an S3 lake on moto, and the sync pointed at both."""
    _postgres_warehouse_empty(postgres_warehouse_url)
    parts = urlsplit(postgres_warehouse_url)
    assert parts.hostname is not None
    shim = RedshiftWireShim((parts.hostname, parts.port or 5432)).start()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="folio-redshift-lake")
    url = f"redshift://{parts.username}:unused@127.0.0.1:{shim.port}{parts.path}?sslmode=disable"
    warehouse = StandInRedshift(url)
    monkeypatch.setattr("analytics.sync.current_warehouse", lambda: warehouse)
    with override_settings(LAKE_URL="s3://folio-redshift-lake/lake", AWS_ENDPOINT_URL=s3_endpoint):
        yield warehouse
    shim.stop()


def test_copy_is_parquet_through_a_manifest_with_the_iam_role() -> None:
    assert copy_sql("stage_fact_sales", "s3://lake/batches/7/fact_sales/files.copy-manifest", IAM_ROLE) == (
        "COPY stage_fact_sales FROM 's3://lake/batches/7/fact_sales/files.copy-manifest'"
        " IAM_ROLE 'arn:aws:iam::123456789012:role/folio-staging-redshift-copy' FORMAT AS PARQUET MANIFEST"
    )


def test_merge_updates_every_column_and_inserts_new_keys() -> None:
    assert merge_sql(TABLES_BY_NAME["dim_genre"], "newest_dim_genre") == (
        "MERGE INTO dim_genre USING newest_dim_genre ON dim_genre.genre_id = newest_dim_genre.genre_id"
        " WHEN MATCHED THEN UPDATE SET name = newest_dim_genre.name, slug = newest_dim_genre.slug,"
        " updated_at = newest_dim_genre.updated_at"
        " WHEN NOT MATCHED THEN INSERT (genre_id, name, slug, updated_at)"
        " VALUES (newest_dim_genre.genre_id, newest_dim_genre.name, newest_dim_genre.slug, newest_dim_genre.updated_at)"
    )


@pytest.mark.parametrize(
    ("table", "clause"),
    [
        ("fact_sales", " DISTSTYLE KEY DISTKEY (book_id) SORTKEY (sale_date)"),
        ("dim_region", " DISTSTYLE ALL"),
        # Questions read the ledger of one workspace at a time.
        ("fact_ledger", " DISTSTYLE KEY DISTKEY (department_id) SORTKEY (workspace_id, entry_date)"),
    ],
)
def test_physical_design_follows_the_design_card(table: str, clause: str) -> None:
    assert physical_design(TABLES_BY_NAME[table]) == clause


@pytest.mark.django_db
def test_syncs_through_the_real_driver_equal_the_source(redshift: StandInRedshift, s3_endpoint: str) -> None:
    sales_data_generate(spec=SalesDataSpec(books=12, sales=400, seed=9, years=1, end_date=date(2025, 12, 31)))
    first = warehouse_sync()
    sale_update(workspace=workspace_default(), sale=Sale.objects.order_by("pk")[0], quantity=6)
    sale_delete(workspace=workspace_default(), sale=Sale.objects.order_by("-pk")[0])

    second = warehouse_sync()

    rows = redshift.fetch(second.location, "SELECT sale_id, quantity, amount FROM fact_sales ORDER BY sale_id")
    assert rows == list(Sale.objects.order_by("pk").values_list("pk", "quantity", "amount"))
    assert (first.number, second.number, second.backend) == (1, 2, "redshift")
    assert published_generation().location.endswith("?generation=2")
    batch = second.lake_prefix
    copy_manifest = json.loads(
        boto3.client("s3", endpoint_url=s3_endpoint)
        .get_object(Bucket="folio-redshift-lake", Key=f"lake/{batch}/fact_sales/files.copy-manifest")["Body"]
        .read()
    )
    entry = copy_manifest["entries"][0]
    assert entry["url"] == f"s3://folio-redshift-lake/lake/{batch}/fact_sales/part-0000.parquet"
    assert entry["mandatory"] is True
    assert entry["meta"]["content_length"] > 0
    assert (
        f"COPY stage_fact_sales FROM 's3://folio-redshift-lake/lake/{batch}/fact_sales/files.copy-manifest'"
        f" IAM_ROLE '{IAM_ROLE}' FORMAT AS PARQUET MANIFEST"
    ) in redshift.copies


@pytest.mark.django_db
def test_staged_rows_that_disagree_with_the_manifest_publish_nothing(
    redshift: StandInRedshift, monkeypatch: pytest.MonkeyPatch
) -> None:
    sales_data_generate(spec=SalesDataSpec(books=5, sales=60, seed=9, years=1, end_date=date(2025, 12, 31)))
    original = StandInRedshift._stage

    def stage_one_row_short(
        self: StandInRedshift,
        cursor: redshift_connector.Cursor,
        lake: Lake,
        target: str,
        uri: str,
        described: tuple[LakeFile, ...],
    ) -> None:
        original(self, cursor, lake, target, uri, described)
        if target == "stage_fact_sales":
            cursor.execute("DELETE FROM stage_fact_sales WHERE sale_id = (SELECT MAX(sale_id) FROM stage_fact_sales)")

    monkeypatch.setattr(StandInRedshift, "_stage", stage_one_row_short)
    with pytest.raises(Exception, match=r"part-0000.parquet: staged 59 rows, the manifest says 60"):
        warehouse_sync()

    assert current_generation() is None


@pytest.mark.django_db
def test_the_analytics_questions_run_through_the_redshift_driver(
    redshift: StandInRedshift, monkeypatch: pytest.MonkeyPatch
) -> None:
    sales_data_generate(spec=SalesDataSpec(books=12, sales=400, seed=9, years=1, end_date=date(2025, 12, 31)))
    finance_data_generate(spec=FinanceDataSpec(entries=80, years=1, seed=9, end_date=date(2025, 12, 31)))
    warehouse_sync()
    cache.clear()
    monkeypatch.setattr("analytics.runner.current_warehouse", lambda: redshift)
    client = APIClient()
    client.force_login(member_user("analyst"))
    amounts = list(Sale.objects.order_by("pk").values_list("amount", flat=True))
    best = max(
        Book.objects.all(),
        key=lambda book: (sum(Sale.objects.filter(book=book).values_list("amount", flat=True), Decimal(0)), -book.pk),
    )

    summary = client.get("/api/analytics/summary").json()["result"]
    quarters = client.get("/api/analytics/timeseries?granularity=quarter").json()["results"]
    top = client.get("/api/analytics/top-books?limit=1&offset=0").json()["results"]
    funds = client.get("/api/analytics/finance/fund-table").json()["results"]
    profit = client.get("/api/analytics/statement/profit").json()["results"]

    assert (Decimal(summary["revenue"]), summary["orders"]) == (sum(amounts, Decimal("0.00")), len(amounts))
    assert sum(Decimal(row["revenue"]) for row in quarters) == sum(amounts, Decimal("0.00"))
    assert [row["book_id"] for row in top] == [best.pk]
    assert len(funds) == len({entry.fund_id for entry in LedgerEntry.objects.all()})
    assert [row["exercice"] for row in profit] == sorted(set(StatementLine.objects.values_list("exercice", flat=True)))


def test_the_small_rollup_is_copied_to_every_node_and_sorted_by_workspace_then_day() -> None:
    small = next(table for table in ROLLUP_TABLES if table.name == ROLLUP_MIX)

    assert physical_design(small) == " DISTSTYLE ALL SORTKEY (workspace_id, sale_date)"


def test_every_rollup_is_sorted_by_workspace_first() -> None:
    assert {table.name: (table.sort_key or "").split(",")[0] for table in ROLLUP_TABLES} == {
        table.name: "workspace_id" for table in ROLLUP_TABLES
    }


@pytest.mark.parametrize("damage", ["flip", "truncate", "flip-before-hashing"])
@pytest.mark.django_db
def test_a_damaged_s3_file_is_refused_before_any_copy_and_the_published_generation_keeps_serving(
    redshift: StandInRedshift, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    sales_data_generate(spec=SalesDataSpec(books=12, sales=400, seed=9, years=1, end_date=date(2025, 12, 31)))
    published = warehouse_sync()
    served = redshift.fetch(published.location, "SELECT sale_id, sold_at, amount FROM fact_sales ORDER BY sale_id")
    for sale in Sale.objects.order_by("pk")[:20]:
        sale_update(workspace=workspace_default(), sale=sale, quantity=sale.quantity + 1)
    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    original = export.export_batch_write
    damaged: list[str] = []

    def export_then_damage(**kwargs: Any) -> Manifest:
        manifest = original(**kwargs)
        key = f"lake/{manifest.tables['fact_sales'].files[0].key}"
        data = bytearray(s3.get_object(Bucket="folio-redshift-lake", Key=key)["Body"].read())
        middle = len(data) // 2
        if damage == "flip-before-hashing":
            # Damage the SHA-256 cannot see (the file was damaged before it was hashed): inside
            # sold_at's pages, where only the Parquet page checksums catch it.
            parquet = pq.ParquetFile(io.BytesIO(bytes(data)))
            chunk = parquet.metadata.row_group(0).column(parquet.schema_arrow.names.index("sold_at"))
            middle = (chunk.dictionary_page_offset or chunk.data_page_offset) + chunk.total_compressed_size // 2
        if damage.startswith("flip"):
            data[middle : middle + 4] = bytes(255 - byte for byte in data[middle : middle + 4])
        else:
            data = data[: len(data) // 2]
        if damage == "flip-before-hashing":
            sales = manifest.tables["fact_sales"]
            entry = replace(sales.files[0], sha256=hashlib.sha256(bytes(data)).hexdigest())
            manifest = manifest.with_table(replace(sales, files=(entry, *sales.files[1:])))
        s3.put_object(Bucket="folio-redshift-lake", Key=key, Body=bytes(data))
        damaged.append(f"s3://folio-redshift-lake/{key}")
        redshift.copies.clear()
        return manifest

    monkeypatch.setattr("analytics.sync.export_batch_write", export_then_damage)

    with pytest.raises(LoadError) as refused:
        warehouse_sync()

    assert str(refused.value).startswith(f"lake file {damaged[0]} ")
    expected = {"flip": "its SHA-256 is", "truncate": "bytes, the manifest says"}
    assert expected.get(damage, "cannot be read as Parquet: ") in str(refused.value)
    assert redshift.copies == []  # refused before the first COPY
    assert published_generation().pk == published.pk
    assert redshift.fetch(published.location, "SELECT sale_id, sold_at, amount FROM fact_sales ORDER BY sale_id") == (
        served
    )


@pytest.mark.django_db
def test_dropped_redshift_tables_are_unavailable_and_the_next_sync_rebuilds_them(
    redshift: StandInRedshift, postgres_warehouse_url: str
) -> None:
    sales_data_generate(spec=SalesDataSpec(books=12, sales=400, seed=9, years=1, end_date=date(2025, 12, 31)))
    published = warehouse_sync()
    with psycopg.connect(postgres_warehouse_url, autocommit=True) as connection:
        connection.execute("DROP TABLE agg_sales_mix_daily")

    with pytest.raises(WarehouseUnavailable) as unavailable:
        redshift.fetch(published.location, "SELECT SUM(revenue) FROM agg_sales_mix_daily")
    healed = warehouse_sync()

    assert unavailable.value.reason == "generation 1 lacks the warehouse table(s) agg_sales_mix_daily"
    assert (healed.number, healed.full_refresh) == (2, True)
    assert healed.note == f"Full rebuild: The warehouse is unavailable: {unavailable.value.reason}."
    assert redshift.fetch(healed.location, "SELECT SUM(revenue) FROM agg_sales_mix_daily") == [
        (sum(Sale.objects.values_list("amount", flat=True)),)
    ]


@pytest.mark.django_db
def test_a_rebuild_from_the_s3_lake_through_the_redshift_driver_equals_the_source(
    redshift: StandInRedshift, postgres_warehouse_url: str, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sales_data_generate(spec=SalesDataSpec(books=12, sales=400, seed=9, years=1, end_date=date(2025, 12, 31)))
    warehouse_sync()
    sale_update(workspace=workspace_default(), sale=Sale.objects.order_by("pk")[0], quantity=6)
    sale_delete(workspace=workspace_default(), sale=Sale.objects.order_by("-pk")[0])
    last = warehouse_sync()
    _postgres_warehouse_empty(postgres_warehouse_url)
    monkeypatch.setattr("analytics.export._read_rows", None)  # the rebuild never reads the source

    rebuilt = warehouse_rebuild_from_lake()

    rows = redshift.fetch(rebuilt.location, "SELECT sale_id, quantity, amount FROM fact_sales ORDER BY sale_id")
    assert rows == list(Sale.objects.order_by("pk").values_list("pk", "quantity", "amount"))
    assert (rebuilt.number, rebuilt.backend, rebuilt.totals) == (3, "redshift", last.totals)
    assert redshift.fetch(rebuilt.location, "SELECT SUM(revenue) FROM agg_sales_mix_daily") == [
        (sum(Sale.objects.values_list("amount", flat=True)),)
    ]


@pytest.mark.django_db
def test_an_s3_object_outside_its_batch_manifest_fails_a_rebuild_naming_it(
    redshift: StandInRedshift, s3_endpoint: str
) -> None:
    sales_data_generate(spec=SalesDataSpec(books=5, sales=60, seed=9, years=1, end_date=date(2025, 12, 31)))
    published = warehouse_sync()
    key = f"lake/{published.lake_prefix}/fact_sales/part-0001.parquet"
    boto3.client("s3", endpoint_url=s3_endpoint).put_object(Bucket="folio-redshift-lake", Key=key, Body=b"stray")

    with pytest.raises(LoadError) as refused:
        warehouse_rebuild_from_lake()

    assert str(refused.value).startswith(f"lake file s3://folio-redshift-lake/{key} is not named by its batch manifest")
    assert published_generation().pk == published.pk
