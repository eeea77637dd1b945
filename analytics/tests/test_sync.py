"""The pipeline end to end on every warehouse backend: the warehouse equals the source,
to the cent, after any mix of inserts, updates, deletes and syncs, and a failed load
changes nothing."""

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from analytics import export
from analytics.lake import Lake
from analytics.manifest import Manifest
from analytics.models import Generation, GenerationStatus
from analytics.selectors import current_generation
from analytics.sync import warehouse_sync
from analytics.tests.book_rollups import (
    book_rollups_from_source,
    book_rollups_in_warehouse,
    book_top_from_source,
    book_top_in_warehouse,
)
from analytics.tests.conftest import published_generation
from analytics.warehouse.backends import current_warehouse
from analytics.warehouse.postgres_backend import PostgresWarehouse
from analytics.warehouse.schema import SCHEMA_VERSION
from books.models import Author, Book, BookAuthor, Genre, Publisher, Region, Sale
from books.models import Tombstone as BooksTombstone
from books.services.generation import SalesDataSpec, sales_data_generate
from books.services.records import sale_create, sale_delete, sale_update
from config.records import records_delete
from finance.models import Budget, CostCenter, Department, Fund, LedgerEntry, StatementLine
from finance.services.generation import FinanceDataSpec, finance_data_generate
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db(transaction=False)


def warehouse_rows(sql: str) -> list[tuple]:
    """Query the generation the API would serve."""
    return current_warehouse().fetch(published_generation().location, sql)


def source_sales() -> list[tuple]:
    """Every sale as the warehouse should hold it, computed with the ORM."""
    return [
        (sale.pk, sale.book_id, sale.region_id, sale.sold_at.date(), sale.quantity, sale.amount, sale.discount)
        for sale in Sale.objects.order_by("pk")
    ]


def warehouse_sales() -> list[tuple]:
    rows = warehouse_rows(
        "SELECT sale_id, book_id, region_id, sale_date, quantity, amount, discount FROM fact_sales ORDER BY sale_id"
    )
    return [tuple(row) for row in rows]


def assert_warehouse_equals_source() -> None:
    """Facts, dimensions and every rollup equal the transactional records exactly."""
    assert warehouse_sales() == source_sales()
    revenue_by_region: dict[int, Decimal] = {}
    for region_id, amount in Sale.objects.values_list("region_id", "amount"):
        revenue_by_region[region_id] = revenue_by_region.get(region_id, Decimal("0.00")) + amount
    rollup = warehouse_rows("SELECT region_id, SUM(revenue) FROM agg_sales_daily GROUP BY region_id ORDER BY region_id")
    assert {region: Decimal(total) for region, total in rollup} == revenue_by_region
    by_region_and_genre: dict[tuple, tuple[Decimal, int]] = {}
    for region_id, genre_id, amount in Sale.objects.values_list("region_id", "book__genre_id", "amount"):
        revenue, orders = by_region_and_genre.get((region_id, genre_id), (Decimal("0.00"), 0))
        by_region_and_genre[(region_id, genre_id)] = (revenue + amount, orders + 1)
    mix = warehouse_rows(
        "SELECT region_id, genre_id, SUM(revenue), SUM(orders) FROM agg_sales_mix_daily GROUP BY region_id, genre_id"
    )
    assert {
        (region, genre): (Decimal(total), int(orders)) for region, genre, total, orders in mix
    } == by_region_and_genre
    assert book_rollups_in_warehouse(warehouse_rows) == book_rollups_from_source()
    assert book_top_in_warehouse(warehouse_rows) == book_top_from_source()
    ledger = warehouse_rows("SELECT entry_id, amount, kind FROM fact_ledger ORDER BY entry_id")
    assert [tuple(row) for row in ledger] == list(
        LedgerEntry.objects.order_by("pk").values_list("pk", "amount", "kind")
    )
    credited: dict[int, str] = {}
    for book_id, name in BookAuthor.objects.order_by("book_id", "position", "id").values_list(
        "book_id", "author__name"
    ):
        credited[book_id] = f"{credited[book_id]}, {name}" if book_id in credited else name
    assert dict(warehouse_rows("SELECT book_id, authors FROM dim_book")) == {
        book_id: credited.get(book_id) for book_id in Book.objects.values_list("pk", flat=True)
    }
    books = warehouse_rows("SELECT COUNT(*), SUM(list_price) FROM dim_book")[0]
    assert (books[0], books[1] or Decimal(0)) == (
        Book.objects.count(),
        sum(Book.objects.values_list("list_price", flat=True)),
    )


@pytest.fixture
def records(db: None) -> None:
    """A small shop and city: 60 books, 2,000 sales, 500 ledger entries, written an hour ago
    (so that only later changes fall in a sync's lookback window)."""
    sales_data_generate(spec=SalesDataSpec(books=60, sales=2_000, seed=21, years=2, end_date=date(2025, 12, 31)))
    finance_data_generate(spec=FinanceDataSpec(entries=500, years=2, seed=21, end_date=date(2025, 12, 31)))
    an_hour_ago = timezone.now() - timedelta(hours=1)
    for model in (
        Author,
        Book,
        Genre,
        Publisher,
        Region,
        Sale,
        Budget,
        CostCenter,
        Department,
        Fund,
        LedgerEntry,
        StatementLine,
    ):
        model.objects.update(updated_at=an_hour_ago)


def test_a_first_sync_publishes_generation_one_equal_to_the_source(warehouse_url: str, records: None) -> None:
    generation = warehouse_sync()

    assert (generation.number, generation.status, generation.full_refresh) == (1, GenerationStatus.PUBLISHED, True)
    assert generation.rows["fact_sales"] == {"exported": 2_000, "loaded": 2_000}
    assert generation.totals["fact_sales"]["amount"] == str(sum(Sale.objects.values_list("amount", flat=True)))
    assert_warehouse_equals_source()


def test_inserts_updates_and_deletes_reach_the_warehouse_incrementally(warehouse_url: str, records: None) -> None:
    warehouse_sync()
    first, second = Sale.objects.order_by("pk")[:2]
    sale_update(workspace=workspace_default(), sale=first, quantity=first.quantity + 2)
    sale_delete(workspace=workspace_default(), sale=second)
    new = sale_create(
        workspace=workspace_default(),
        book=first.book,
        region=first.region,
        sold_at=datetime(2025, 6, 1, 9, tzinfo=UTC),
        quantity=3,
        discount=Decimal("1.50"),
    )

    generation = warehouse_sync()

    assert (generation.number, generation.full_refresh) == (2, False)
    assert generation.rows["fact_sales"]["loaded"] == 2_000
    assert (
        generation.rows["fact_sales"]["exported"] == 2
    )  # the updated and the new sale; the deleted one is a tombstone
    assert (new.pk, new.amount) in [(row[0], row[5]) for row in warehouse_sales()]
    assert_warehouse_equals_source()


def test_an_incremental_sync_and_a_full_refresh_build_the_same_warehouse(warehouse_url: str, records: None) -> None:
    warehouse_sync()
    for sale in Sale.objects.order_by("pk")[:5]:
        sale_update(workspace=workspace_default(), sale=sale, discount=Decimal("0.00"))
    incremental = warehouse_sync()

    full = warehouse_sync(full=True)

    assert full.rows == {
        name: {**counts, "exported": full.rows[name]["exported"]} for name, counts in incremental.rows.items()
    }
    assert full.totals == incremental.totals
    assert_warehouse_equals_source()


def test_running_a_sync_with_nothing_new_changes_nothing(warehouse_url: str, records: None) -> None:
    first = warehouse_sync()

    again = warehouse_sync()

    assert again.pk == first.pk
    assert Generation.objects.count() == 1
    assert_warehouse_equals_source()


def test_replaying_the_same_changes_gives_the_same_warehouse(warehouse_url: str, records: None) -> None:
    warehouse_sync()
    sale_update(workspace=workspace_default(), sale=Sale.objects.order_by("pk")[0], quantity=4)
    once = warehouse_sync()

    # The lookback window makes the next sync read the same change again.
    twice = warehouse_sync()

    assert once.number is not None and twice.number == once.number + 1
    assert twice.rows["fact_sales"]["exported"] == 1
    assert (twice.totals, {n: c["loaded"] for n, c in twice.rows.items()}) == (
        once.totals,
        {n: c["loaded"] for n, c in once.rows.items()},
    )
    assert_warehouse_equals_source()


def test_a_failure_before_publishing_leaves_the_previous_generation_serving(warehouse_url: str, records: None) -> None:
    published = warehouse_sync()
    served_before = warehouse_sales()
    sale_update(workspace=workspace_default(), sale=Sale.objects.order_by("pk")[0], quantity=9)

    def crash() -> None:
        raise RuntimeError("worker lost between load and publish")

    with pytest.raises(RuntimeError):
        warehouse_sync(before_publish=crash)

    failed = Generation.objects.order_by("-id")[0]
    assert (failed.status, failed.number, failed.error) == (
        GenerationStatus.FAILED,
        None,
        "RuntimeError: worker lost between load and publish",
    )
    assert published_generation().pk == published.pk
    assert warehouse_sales() == served_before  # the unpublished load is not visible
    assert published.number is not None
    assert warehouse_sync().number == published.number + 1  # the next sync converges
    assert_warehouse_equals_source()


def test_a_row_committed_late_behind_the_watermark_is_not_lost(warehouse_url: str, records: None) -> None:
    warehouse_sync()
    late = Sale.objects.order_by("pk")[0]
    sale_update(workspace=workspace_default(), sale=late, quantity=7)
    # Its transaction stamped it a minute before the last export, but committed after it.
    Sale.objects.filter(pk=late.pk).update(
        updated_at=datetime.fromisoformat(published_generation().watermark["fact_sales"]) - timedelta(minutes=1)
    )

    warehouse_sync()

    assert_warehouse_equals_source()


def test_a_corrupt_lake_file_fails_the_load_naming_the_file(
    warehouse_url: str, records: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = warehouse_sync()
    sale_update(workspace=workspace_default(), sale=Sale.objects.order_by("pk")[0], quantity=5)
    original = export.export_batch_write

    def export_then_corrupt(*, lake: Lake, **kwargs: Any) -> Manifest:
        manifest = original(lake=lake, **kwargs)
        Path(lake.uri(manifest.tables["fact_sales"].files[0].key).removeprefix("file://")).write_bytes(b"not parquet")
        return manifest

    monkeypatch.setattr("analytics.sync.export_batch_write", export_then_corrupt)
    with pytest.raises(CommandError) as refused:
        call_command("sync_warehouse")

    assert "fact_sales/part-0000.parquet has 11 bytes, the manifest says" in str(refused.value)
    assert published_generation().pk == published.pk


def test_a_manifest_whose_totals_disagree_fails_the_load(
    warehouse_url: str, records: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = export.export_batch_write

    def export_with_wrong_total(**kwargs: Any) -> Manifest:
        manifest = original(**kwargs)
        sales = manifest.tables["fact_sales"]
        return manifest.with_table(replace(sales, money_totals={**sales.money_totals, "amount": "0.01"}))

    monkeypatch.setattr("analytics.sync.export_batch_write", export_with_wrong_total)
    with pytest.raises(CommandError) as refused:
        call_command("sync_warehouse")

    assert "fact_sales/part-0000.parquet sums amount to" in str(refused.value)
    assert "the manifest says 0.01" in str(refused.value)
    assert current_generation() is None


def test_the_commands_report_the_sync_and_the_status(
    warehouse_url: str, records: None, capsys: pytest.CaptureFixture
) -> None:
    call_command("sync_warehouse")
    call_command("warehouse_status")

    out = capsys.readouterr().out
    assert "Published generation 1 (full refresh" in out
    assert "fact_sales                  2,000 exported        2,000 in warehouse" in out
    assert "Current generation 1" in out


def test_an_unknown_table_is_refused() -> None:
    with pytest.raises(CommandError, match="invalid choice: 'fact_nothing'"):
        call_command("sync_warehouse", "--table", "fact_nothing")


@pytest.mark.django_db(databases="__all__")
def test_postgresql_as_the_transactional_database_streams_through_copy(warehouse_url: str, postgres_alias: str) -> None:
    sales_data_generate(
        spec=SalesDataSpec(books=40, sales=1_500, seed=4, years=1, end_date=date(2025, 12, 31)), using=postgres_alias
    )
    warehouse_sync(using=postgres_alias)
    sales = Sale.objects.using(postgres_alias)
    changed = sales.order_by("pk")[0]
    sales.filter(pk=changed.pk).update(
        quantity=2, amount=2 * changed.unit_price - changed.discount, updated_at=timezone.now()
    )
    records_delete(queryset=sales.filter(pk=changed.pk + 1), tombstones=BooksTombstone)

    generation = warehouse_sync(using=postgres_alias)

    expected = [
        (s.pk, s.book_id, s.region_id, s.sold_at.date(), s.quantity, s.amount, s.discount) for s in sales.order_by("pk")
    ]
    assert warehouse_sales_at(generation) == expected
    assert generation.totals["fact_sales"]["amount"] == str(sum(sales.values_list("amount", flat=True)))
    assert Generation.objects.using(postgres_alias).filter(status=GenerationStatus.PUBLISHED).count() == 2


def warehouse_sales_at(generation: Generation) -> list[tuple]:
    rows = current_warehouse().fetch(
        generation.location,
        "SELECT sale_id, book_id, region_id, sale_date, quantity, amount, discount FROM fact_sales ORDER BY sale_id",
    )
    return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    ("flags", "status", "message"),
    [
        ([], GenerationStatus.PUBLISHED, "Warehouse generation 1 published in"),
        (["--skip-redshift"], GenerationStatus.EXPORTED, "Exported to the lake (batches/"),
        (["--skip-upload"], None, "Lake export and warehouse load skipped (--skip-upload)."),
    ],
)
@pytest.mark.django_db
def test_generate_sales_data_syncs_unless_told_not_to(
    warehouse_url: str, flags: list[str], status: str | None, message: str, capsys: pytest.CaptureFixture
) -> None:
    call_command("generate_sales_data", "--books", "10", "--sales", "300", "--seed", "2", *flags)

    assert message in capsys.readouterr().out
    attempts = list(Generation.objects.values_list("status", flat=True))
    assert attempts == ([status] if status else [])
    if status == GenerationStatus.PUBLISHED:
        assert warehouse_rows("SELECT COUNT(*), SUM(amount) FROM fact_sales")[0] == (
            300,
            sum(Sale.objects.values_list("amount", flat=True)),
        )


@pytest.mark.django_db
def test_pointing_folio_at_another_warehouse_rebuilds_it_in_full(records: None, tmp_path: Path) -> None:
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'first'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        warehouse_sync()
    sale_update(workspace=workspace_default(), sale=Sale.objects.order_by("pk")[0], quantity=3)

    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'second'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        second = warehouse_sync()

        assert (second.full_refresh, second.rows["fact_sales"]["exported"]) == (True, 2_000)
        assert_warehouse_equals_source()


def test_a_postgresql_warehouse_owns_its_own_generations_and_no_other_database() -> None:
    warehouse = PostgresWarehouse("postgresql://folio:secret@db.example:5432/warehouse")

    assert warehouse.location(7) == "postgresql://folio@db.example:5432/warehouse?generation=7"
    assert warehouse.owns(warehouse.location(3))
    assert not warehouse.owns(PostgresWarehouse("postgresql://folio@db.example:5432/other").location(3))


DUCKDB_READER = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
print(connection.execute("SELECT COUNT(*) FROM fact_sales").fetchone()[0], flush=True)
time.sleep(60)
"""


@pytest.mark.django_db
def test_duckdb_readers_never_block_a_load_and_old_files_go_after_the_grace_period(
    records: None, tmp_path: Path
) -> None:
    with override_settings(
        WAREHOUSE_URL=f"duckdb:///{tmp_path / 'wh'}", LAKE_URL=(tmp_path / "lake").as_uri(), WAREHOUSE_GRACE_SECONDS=0
    ):
        first = warehouse_sync()
        reader = subprocess.Popen(
            [sys.executable, "-c", DUCKDB_READER, first.location], stdout=subprocess.PIPE, text=True
        )
        assert reader.stdout is not None  # stdout=PIPE
        try:
            assert reader.stdout.readline().strip() == "2000"
            # The rule DuckDB enforces: no read-write open while another process reads the file.
            with pytest.raises(duckdb.IOException):
                duckdb.connect(first.location)
            sale_delete(workspace=workspace_default(), sale=Sale.objects.order_by("pk")[0])

            second = warehouse_sync()  # builds a new file: the reader is not in its way
        finally:
            reader.kill()
            reader.wait()
        sale_delete(workspace=workspace_default(), sale=Sale.objects.order_by("pk")[0])
        third = warehouse_sync()

    assert (second.number, third.number) == (2, 3)
    assert sorted(path.name for path in (tmp_path / "wh").iterdir()) == ["generation-00000003.duckdb"]
    assert_warehouse_equals_source()


def test_a_generation_of_an_older_schema_is_followed_by_a_full_rebuild(warehouse_url: str, records: None) -> None:
    first = warehouse_sync()
    Generation.objects.filter(pk=first.pk).update(schema_version=SCHEMA_VERSION - 1)
    department = Department.objects.order_by("pk").first()
    big = CostCenter.objects.create(code=9_993_817_000, name="Water Utility Operations", department=department)

    second = warehouse_sync()

    assert (second.full_refresh, second.schema_version) == (True, SCHEMA_VERSION)
    centres = dict(warehouse_rows("SELECT cost_center_id, code FROM dim_cost_center"))
    assert centres[big.pk] == 9_993_817_000
    assert_warehouse_equals_source()
