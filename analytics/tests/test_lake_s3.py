"""The lake on a real S3 endpoint: moto's server over HTTP on loopback, driven by the same
boto3 code that talks to AWS."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import boto3
import pytest
from django.test import override_settings
from moto.server import ThreadedMotoServer

from analytics.lake import S3Lake, lake_from_url
from analytics.selectors import current_generation
from analytics.sync import warehouse_sync
from analytics.tests.conftest import published_generation
from analytics.warehouse.backends import current_warehouse
from books.models import Sale
from books.services.generation import SalesDataSpec, sales_data_generate


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on a free loopback port, for the whole module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_lake(s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Settings pointing the lake at a fresh bucket on the endpoint, and DuckDB at tmp_path."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "folio-test",
        "AWS_SECRET_ACCESS_KEY": "folio-test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    bucket = f"folio-lake-{id(tmp_path)}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    with override_settings(
        LAKE_URL=f"s3://{bucket}/exports", AWS_ENDPOINT_URL=s3_endpoint, WAREHOUSE_URL=f"duckdb:///{tmp_path}/wh"
    ):
        yield bucket


@pytest.mark.django_db
def test_a_sync_through_s3_writes_the_batch_and_loads_it(s3_lake: str, s3_endpoint: str) -> None:
    sales_data_generate(spec=SalesDataSpec(books=15, sales=700, seed=3, years=1, end_date=date(2025, 12, 31)))

    generation = warehouse_sync()

    keys = sorted(
        item["Key"] for item in boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=s3_lake)["Contents"]
    )
    batch = generation.lake_prefix
    assert f"exports/{batch}/manifest.json" in keys
    assert f"exports/{batch}/fact_sales/part-0000.parquet" in keys
    total = current_warehouse().fetch(published_generation().location, "SELECT COUNT(*), SUM(amount) FROM fact_sales")
    assert total[0] == (700, sum(Sale.objects.values_list("amount", flat=True)))


@pytest.mark.django_db
def test_a_missing_s3_file_fails_the_load_naming_it(s3_lake: str, s3_endpoint: str) -> None:
    sales_data_generate(spec=SalesDataSpec(books=5, sales=50, seed=3, years=1, end_date=date(2025, 12, 31)))
    lake = lake_from_url()
    assert isinstance(lake, S3Lake)
    original = lake.put_file

    def put_then_lose(key: str, path: Path) -> int:
        size = original(key, path)
        if key.endswith("fact_sales/part-0000.parquet"):
            lake.client.delete_object(Bucket=s3_lake, Key=f"exports/{key}")
        return size

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lake, "put_file", put_then_lose)
        patch.setattr("analytics.sync.lake_from_url", lambda: lake)
        with pytest.raises(
            Exception,
            match=rf"lake file s3://{s3_lake}/exports/batches/[0-9T]+-\d+/fact_sales/part-0000.parquet is missing",
        ):
            warehouse_sync()

    assert current_generation() is None
