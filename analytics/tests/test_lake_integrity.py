"""A damaged lake file never reaches a published generation: every file's SHA-256 is in
its batch manifest and Parquet page checksums are written and verified, so the load
refuses, naming the file, and the generation already published keeps serving unchanged."""

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from analytics import export
from analytics.lake import DirectoryLake, Lake, lake_from_url
from analytics.manifest import LakeFile, Manifest
from analytics.models import Generation, GenerationStatus
from analytics.sync import warehouse_sync
from analytics.tests.conftest import published_generation
from analytics.warehouse.backends import current_warehouse
from books.models import Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from books.services.records import sale_update
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db


def served_sales() -> list[tuple]:
    """What the published generation holds: every sale's day and amount, and the total."""
    rows = current_warehouse().fetch(
        published_generation().location, "SELECT sale_id, sold_at, sale_date, amount FROM fact_sales ORDER BY sale_id"
    )
    return [tuple(row) for row in rows]


def column_middle(path: Path, column: str) -> int:
    """The offset of the middle of one column's data in the first row group."""
    chunk = pq.ParquetFile(path).metadata.row_group(0).column(pq.ParquetFile(path).schema_arrow.names.index(column))
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    return start + chunk.total_compressed_size // 2


def bytes_flipped(path: Path, offset: int) -> None:
    """Invert four bytes at `offset`: the file keeps its size, its footer and its row count."""
    data = bytearray(path.read_bytes())
    for index in range(offset, offset + 4):
        data[index] ^= 0xFF
    path.write_bytes(bytes(data))


def flip_in_sold_at(path: Path, entry: LakeFile) -> LakeFile:
    bytes_flipped(path, column_middle(path, "sold_at"))
    return entry


def flip_in_the_middle(path: Path, entry: LakeFile) -> LakeFile:
    bytes_flipped(path, path.stat().st_size // 2)
    return entry


def truncate(path: Path, entry: LakeFile) -> LakeFile:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return entry


def manifest_checksum_altered(path: Path, entry: LakeFile) -> LakeFile:
    return replace(entry, sha256=hashlib.sha256(b"another file").hexdigest())


def flip_with_the_manifest_made_to_agree(path: Path, entry: LakeFile) -> LakeFile:
    """Damage the manifest's checksum cannot see (the file was damaged before it was hashed):
    the Parquet page checksums still catch it."""
    bytes_flipped(path, column_middle(path, "sold_at"))
    return replace(entry, sha256=hashlib.sha256(path.read_bytes()).hexdigest())


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (flip_in_sold_at, "SHA-256 is {found}, the manifest says {expected}"),
        (flip_in_the_middle, "SHA-256 is {found}, the manifest says {expected}"),
        (truncate, "bytes, the manifest says"),
        (manifest_checksum_altered, "SHA-256 is {found}, the manifest says {expected}"),
        (flip_with_the_manifest_made_to_agree, "cannot be read as Parquet: "),
    ],
)
def test_a_damaged_fact_sales_file_is_refused_and_the_published_generation_keeps_serving(
    warehouse_url: str,
    monkeypatch: pytest.MonkeyPatch,
    damage: Callable[[Path, LakeFile], LakeFile],
    message: str,
) -> None:
    sales_data_generate(spec=SalesDataSpec(books=40, sales=3_001, seed=7, years=2, end_date=date(2025, 12, 31)))
    published = warehouse_sync()
    served_before = served_sales()
    for sale in Sale.objects.order_by("pk")[:50]:
        sale_update(workspace=workspace_default(), sale=sale, quantity=sale.quantity + 1)
    original = export.export_batch_write
    damaged: dict[str, str] = {}

    def export_then_damage(*, lake: Lake, **kwargs: Any) -> Manifest:
        manifest = original(lake=lake, **kwargs)
        assert isinstance(lake, DirectoryLake)  # the warehouse_url fixture's lake is a folder
        sales = manifest.tables["fact_sales"]
        path = lake.root / sales.files[0].key
        entry = damage(path, sales.files[0])
        found = hashlib.sha256(path.read_bytes()).hexdigest()
        damaged.update(uri=lake.uri(entry.key), found=found, expected=entry.sha256 or "")
        return manifest.with_table(replace(sales, files=(entry, *sales.files[1:])))

    monkeypatch.setattr("analytics.sync.export_batch_write", export_then_damage)

    with pytest.raises(CommandError) as refused:
        call_command("sync_warehouse")

    assert str(refused.value).startswith(f"lake file {damaged['uri']} ")
    assert message.format(**damaged) in str(refused.value)
    assert published_generation().pk == published.pk
    assert served_sales() == served_before
    failed = Generation.objects.order_by("-id")[0]
    assert (failed.status, failed.number) == (GenerationStatus.FAILED, None)
    assert damaged["uri"] in failed.error


def test_every_exported_file_carries_its_sha256_and_page_checksums(warehouse_url: str) -> None:
    sales_data_generate(spec=SalesDataSpec(books=5, sales=100, seed=7, years=1, end_date=date(2025, 12, 31)))

    generation = warehouse_sync()

    lake = lake_from_url()
    assert isinstance(lake, DirectoryLake)
    manifest = Manifest.from_bytes(lake.get_bytes(f"{generation.lake_prefix}/manifest.json"))
    for described in manifest.files:
        path = lake.root / described.key
        assert described.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        # A page checksum is verified on read: the file reads cleanly with verification on.
        assert pq.read_table(path, page_checksum_verification=True).num_rows == described.rows
