"""`sync_warehouse --from-lake`: a generation rebuilt from the lake's batches alone (the last
full batch, then the incrementals loaded after it, with their deletes) equals the source to
the cent on every backend, without reading the transactional tables; a missing, extra or
altered lake file fails the command naming the file, and nothing changes."""

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from analytics.lake import DirectoryLake, lake_from_url
from analytics.lake_batches import LOADED_PREFIX
from analytics.models import Generation
from analytics.sync import warehouse_sync
from analytics.tests.conftest import _postgres_warehouse_empty, published_generation
from analytics.tests.test_sync import assert_warehouse_equals_source, records, warehouse_sales  # noqa: F401
from analytics.warehouse.backends import current_warehouse
from analytics.warehouse.postgres_backend import PostgresWarehouse
from books.models import Book, Sale
from books.services.records import sale_create, sale_delete, sale_update
from config.records import records_delete
from finance.models import LedgerEntry
from finance.models import Tombstone as FinanceTombstone
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db


def changes_made(step: int) -> None:
    """Inserts, updates and deletes of sales, a book's price and the ledger."""
    sales = list(Sale.objects.order_by("pk")[step * 10 : step * 10 + 6])
    for sale in sales[:3]:
        sale_update(workspace=workspace_default(), sale=sale, quantity=sale.quantity + 1)
    for sale in sales[3:5]:
        sale_delete(workspace=workspace_default(), sale=sale)
    sale_create(
        workspace=workspace_default(),
        book=sales[5].book,
        region=sales[5].region,
        sold_at=datetime(2025, 7, step + 1, 10, tzinfo=UTC),
        quantity=2,
        discount=Decimal("0.25"),
    )
    Book.objects.filter(pk=sales[5].book_id).update(list_price=Decimal("12.34") + step, updated_at=datetime.now(UTC))
    records_delete(
        queryset=LedgerEntry.objects.filter(pk=LedgerEntry.objects.order_by("pk")[step].pk),
        tombstones=FinanceTombstone,
    )


@pytest.fixture
def history(warehouse_url: str, records: None) -> list[Generation]:  # noqa: F811
    """A lake of six loaded batches: full, two incrementals, a full refresh, two incrementals,
    each after changes to the source (so the rebuild must start at the second full batch)."""
    published = [warehouse_sync()]
    for step, full in enumerate((False, False, True, False, False)):
        changes_made(step)
        published.append(warehouse_sync(full=full))
    return published


def warehouse_lost() -> None:
    """The published warehouse is gone: its DuckDB files, or the PostgreSQL tables."""
    location = published_generation().location
    if location.startswith("postgresql"):
        warehouse = current_warehouse()
        assert isinstance(warehouse, PostgresWarehouse)
        warehouse.close()
        _postgres_warehouse_empty(warehouse.url)
    else:
        for path in Path(location).parent.iterdir():
            path.unlink()


def source_never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rebuild read the transactional tables")

    monkeypatch.setattr("analytics.export._read_rows", refuse)
    monkeypatch.setattr("analytics.export._tombstones_read", refuse)


def test_a_rebuild_from_the_lake_equals_the_source_after_updates_deletes_and_a_full_refresh(
    history: list[Generation], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    last = history[-1]
    warehouse_lost()
    source_never_read(monkeypatch)

    call_command("sync_warehouse", "--from-lake")

    rebuilt = published_generation()
    assert "Published generation 7 (rebuilt from the lake" in capsys.readouterr().out
    assert (rebuilt.number, rebuilt.full_refresh) == (7, True)
    assert rebuilt.note == (
        f"Rebuilt from the lake: 3 batch(es), full batch {history[3].lake_prefix.removeprefix('batches/')}"
        f" to batch {last.lake_prefix.removeprefix('batches/')}."
    )
    assert (rebuilt.totals, rebuilt.watermark, rebuilt.lake_prefix) == (last.totals, last.watermark, last.lake_prefix)
    assert {name: counts["loaded"] for name, counts in rebuilt.rows.items()} == {
        name: counts["loaded"] for name, counts in last.rows.items()
    }
    assert_warehouse_equals_source()


def test_the_next_sync_after_a_rebuild_is_incremental_and_equals_the_source(history: list[Generation]) -> None:
    warehouse_lost()
    call_command("sync_warehouse", "--from-lake")
    changes_made(5)

    after = warehouse_sync()

    assert (after.number, after.full_refresh) == (8, False)
    assert_warehouse_equals_source()
    warehouse_lost()
    call_command("sync_warehouse", "--from-lake")  # the chain now runs through the rebuilt generation
    assert_warehouse_equals_source()


@pytest.mark.django_db
def test_the_lake_moves_a_duckdb_warehouse_to_postgresql(
    records: None,  # noqa: F811
    postgres_warehouse_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lake = (tmp_path / "lake").as_uri()
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'wh'}", LAKE_URL=lake):
        warehouse_sync()
        changes_made(0)
        on_duckdb = warehouse_sync()
    _postgres_warehouse_empty(postgres_warehouse_url)
    source_never_read(monkeypatch)

    with override_settings(WAREHOUSE_URL=postgres_warehouse_url, LAKE_URL=lake):
        call_command("sync_warehouse", "--from-lake")

        moved = published_generation()
        assert (moved.backend, moved.totals) == ("postgresql", on_duckdb.totals)
        assert_warehouse_equals_source()


def lake_root() -> Path:
    lake = lake_from_url()
    assert isinstance(lake, DirectoryLake)  # the warehouse_url fixture's lake is a folder
    return lake.root


def middle_batch(history: list[Generation]) -> Path:
    """The folder of the incremental batch between the last full batch and the newest."""
    return lake_root() / history[4].lake_prefix


def file_deleted(history: list[Generation]) -> tuple[str, str]:
    path = middle_batch(history) / "fact_sales" / "part-0000.parquet"
    path.unlink()
    return path.as_uri(), "is missing (its batch manifest names it)"


def file_added(history: list[Generation]) -> tuple[str, str]:
    path = middle_batch(history) / "fact_sales" / "part-0001.parquet"
    path.write_bytes((middle_batch(history) / "fact_sales" / "part-0000.parquet").read_bytes())
    return path.as_uri(), "is not named by its batch manifest"


def file_altered(history: list[Generation]) -> tuple[str, str]:
    path = lake_root() / history[3].lake_prefix / "fact_sales" / "part-0000.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return path.as_uri(), "is damaged or was replaced: its SHA-256 is"


def manifest_altered(history: list[Generation]) -> tuple[str, str]:
    path = middle_batch(history) / "manifest.json"
    manifest = json.loads(path.read_bytes())
    manifest["tables"]["fact_sales"]["money_totals"]["amount"] = "0.01"
    path.write_text(json.dumps(manifest, indent=2))
    return path.as_uri(), "was altered after it was loaded: its SHA-256 is"


def batch_deleted(history: list[Generation]) -> tuple[str, str]:
    for path in sorted(middle_batch(history).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    middle_batch(history).rmdir()
    newest = history[5].lake_prefix.removeprefix("batches/")
    return (
        (middle_batch(history) / "manifest.json").as_uri(),
        f"is missing (batch {newest} was loaded on top of it)",
    )


def marker_deleted(history: list[Generation]) -> tuple[str, str]:
    path = lake_root() / LOADED_PREFIX / f"{history[4].lake_prefix.removeprefix('batches/')}.json"
    path.unlink()
    return path.as_uri(), "is missing (batch"


@pytest.mark.parametrize(
    "damage", [file_deleted, file_added, file_altered, manifest_altered, batch_deleted, marker_deleted]
)
def test_a_missing_extra_or_altered_lake_file_fails_naming_it_and_changes_nothing(
    history: list[Generation], damage: Callable[[list[Generation]], tuple[str, str]]
) -> None:
    attempts = list(Generation.objects.order_by("pk").values_list("pk", "number", "status", "location"))
    served = warehouse_sales()
    uri, message = damage(history)

    with pytest.raises(CommandError) as refused:
        call_command("sync_warehouse", "--from-lake")

    assert str(refused.value).startswith(f"lake file {uri} {message}")
    assert list(Generation.objects.order_by("pk").values_list("pk", "number", "status", "location")) == attempts
    assert warehouse_sales() == served


def legacy_made(generation: Generation) -> Path:
    """Make a loaded batch look exported before this change: no checksums, no loaded marker."""
    batch = generation.lake_prefix.removeprefix("batches/")
    (lake_root() / LOADED_PREFIX / f"{batch}.json").unlink()
    path = lake_root() / generation.lake_prefix / "manifest.json"
    manifest = json.loads(path.read_bytes())
    for entry in manifest["tables"].values():
        for described in (*entry["files"], *entry["tombstone_files"]):
            described.pop("sha256")
    path.write_text(json.dumps(manifest))
    return path


def test_a_lake_of_batches_without_checksums_is_refused_until_a_full_sync(
    warehouse_url: str,
    records: None,  # noqa: F811
) -> None:
    legacy = legacy_made(warehouse_sync())

    with pytest.raises(CommandError) as nothing_loaded:
        call_command("sync_warehouse", "--from-lake")
    changes_made(0)
    after_legacy = warehouse_sync()
    with pytest.raises(CommandError) as on_top_of_legacy:
        call_command("sync_warehouse", "--from-lake")
    warehouse_sync(full=True)
    call_command("sync_warehouse", "--from-lake")

    assert str(nothing_loaded.value) == (
        f"the lake at {lake_root().as_uri()} records no loaded batch;"
        " run `manage.py sync_warehouse --full` once to export a full batch a rebuild can start from"
    )
    assert str(on_top_of_legacy.value) == (
        f"lake file {legacy.as_uri()} was exported before Folio recorded checksums and loaded batches"
        f" (batch {after_legacy.lake_prefix.removeprefix('batches/')} was loaded on top of it);"
        " run `manage.py sync_warehouse --full` once to export a full batch a rebuild can start from"
    )
    assert published_generation().number == 4
    assert_warehouse_equals_source()


def test_a_legacy_manifest_without_checksums_is_refused_with_what_to_run(history: list[Generation]) -> None:
    path = lake_root() / history[3].lake_prefix / "manifest.json"
    manifest = json.loads(path.read_bytes())
    for entry in manifest["tables"].values():
        for described in (*entry["files"], *entry["tombstone_files"]):
            described.pop("sha256")
    path.write_text(json.dumps(manifest))
    marker = lake_root() / LOADED_PREFIX / f"{history[3].lake_prefix.removeprefix('batches/')}.json"
    recorded = json.loads(marker.read_bytes())
    recorded["manifest_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    marker.write_text(json.dumps(recorded))

    with pytest.raises(CommandError) as refused:
        call_command("sync_warehouse", "--from-lake")

    assert str(refused.value).startswith(f"lake file {(lake_root() / history[3].lake_prefix).as_uri()}/")
    assert str(refused.value).endswith(
        "has no SHA-256 in its batch manifest (exported before Folio recorded checksums), so it cannot be"
        " verified; run `manage.py sync_warehouse --full` once to export a full batch that can"
    )


def test_from_lake_takes_no_full_or_table() -> None:
    with pytest.raises(CommandError, match="--from-lake rebuilds every table from the lake; it takes no --full"):
        call_command("sync_warehouse", "--from-lake", "--full")
