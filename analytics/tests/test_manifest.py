"""The typed export manifest reads and writes manifest.json exactly as Folio always has."""

import json
from datetime import date

import pytest

from analytics.lake import lake_from_url
from analytics.manifest import LakeFile, Manifest
from analytics.sync import warehouse_sync
from books.services.generation import SalesDataSpec, sales_data_generate

# A batch as exported before checksums, `after` links and timings were recorded.
LEGACY = {
    "batch": "20250101T000000000000-00000001",
    "schema_version": 1,
    "full": True,
    "created_at": "2025-01-01T00:00:00+00:00",
    "high": "2025-01-01T00:00:00+00:00",
    "tables": {
        "fact_sales": {
            "table": "fact_sales",
            "window": [None, "2025-01-01T00:00:00+00:00"],
            "rows": 2,
            "tombstones": 0,
            "money_totals": {"amount": "12.50", "discount": "0.00"},
            "files": [{"key": "batches/b/fact_sales/part-0000.parquet", "bytes": 900, "rows": 2}],
            "tombstone_files": [{"key": "batches/b/fact_sales/tombstones.parquet", "bytes": 300, "rows": 0}],
        }
    },
}


def test_a_legacy_manifest_reads_with_its_files_unchecked() -> None:
    manifest = Manifest.from_json(LEGACY)

    assert (manifest.full, manifest.after, manifest.schema_version, manifest.seconds) == (True, None, 1, None)
    assert manifest.files == (
        LakeFile(key="batches/b/fact_sales/part-0000.parquet", bytes=900, rows=2, sha256=None),
        LakeFile(key="batches/b/fact_sales/tombstones.parquet", bytes=300, rows=0, sha256=None),
    )
    assert manifest.tables["fact_sales"].money_totals == {"amount": "12.50", "discount": "0.00"}


@pytest.mark.django_db
def test_a_written_manifest_reads_back_to_the_same_bytes(warehouse_url: str) -> None:
    sales_data_generate(spec=SalesDataSpec(books=5, sales=50, seed=3, years=1, end_date=date(2025, 12, 31)))
    generation = warehouse_sync()
    data = lake_from_url().get_bytes(f"{generation.lake_prefix}/manifest.json")

    manifest = Manifest.from_bytes(data)

    assert manifest.to_bytes() == data
    assert list(json.loads(data)) == [
        "batch",
        "schema_version",
        "full",
        "after",
        "created_at",
        "high",
        "tables",
        "seconds",
    ]
    assert manifest.tables["fact_sales"].rows == 50
