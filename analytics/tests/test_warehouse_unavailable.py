"""A published generation whose warehouse data is gone or damaged (the DuckDB file deleted
or overwritten, the PostgreSQL tables dropped): the API answers a clear 503, freshness says
the warehouse is unavailable, and the next sync, even with nothing new, heals it with a
full rebuild recorded in its generation."""

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg
import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from analytics import runner
from analytics.models import Generation
from analytics.sync import warehouse_sync
from analytics.tests.conftest import postgres_warehouse, published_generation
from analytics.tests.members import member_user
from analytics.warehouse.backends import current_warehouse
from analytics.warehouse.base import WarehouseUnavailable
from analytics.warehouse.postgres_backend import PostgresWarehouse
from books.models import Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from books.services.records import sale_update
from finance.models import LedgerEntry
from finance.services.generation import FinanceDataSpec, finance_data_generate
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db

UNAVAILABLE = "The warehouse is unavailable: "
ENDPOINTS = ("summary", "top-books", "sales-by-region", "finance/fund-table", "statement/profit")


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    cache.clear()
    runner.breaker._down_until = 0.0
    yield
    cache.clear()


@pytest.fixture
def client() -> APIClient:
    api = APIClient()
    api.force_login(member_user("analyst"))
    return api


@pytest.fixture
def published(warehouse_url: str) -> Generation:
    """A shop and a city ledger published as generation 1."""
    sales_data_generate(spec=SalesDataSpec(books=20, sales=500, seed=3, years=1, end_date=date(2025, 12, 31)))
    finance_data_generate(spec=FinanceDataSpec(entries=100, years=1, seed=3, end_date=date(2025, 12, 31)))
    return warehouse_sync()


def one_more_copy_sold() -> None:
    sale = Sale.objects.order_by("pk")[0]
    sale_update(workspace=workspace_default(), sale=sale, quantity=sale.quantity + 1)


def duckdb_file_deleted(generation: Generation) -> str:
    Path(generation.location).unlink()
    return f"the DuckDB file of generation {generation.number} is missing"


def duckdb_file_overwritten(generation: Generation) -> str:
    Path(generation.location).write_bytes(b"\x00garbage" * 4096)
    return f"the DuckDB file of generation {generation.number} is not a readable database"


def postgres_url() -> str:
    """The URL of the configured warehouse, on PostgreSQL for the damages done there."""
    warehouse = current_warehouse()
    assert isinstance(warehouse, PostgresWarehouse)
    return warehouse.url


def postgres_schema_dropped(generation: Generation) -> str:
    with psycopg.connect(postgres_url(), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return f"the warehouse database does not hold generation {generation.number}"


def postgres_tables_dropped(generation: Generation) -> str:
    with psycopg.connect(postgres_url(), autocommit=True) as connection:
        connection.execute("DROP TABLE fact_ledger, fact_statement_line, agg_sales_daily, agg_sales_mix_daily")
    return (
        f"generation {generation.number} lacks the warehouse table(s)"
        " fact_ledger, fact_statement_line, agg_sales_daily, agg_sales_mix_daily"
    )


BREAKAGES = {
    "duckdb": (duckdb_file_deleted, duckdb_file_overwritten),
    "postgresql": (postgres_schema_dropped, postgres_tables_dropped),
}


@pytest.fixture(params=[0, 1], ids=["gone", "damaged"])
def breakage(request: pytest.FixtureRequest, warehouse_url: str) -> Callable[[Generation], str]:
    """One way to lose the published generation's data, for the backend under test."""
    return BREAKAGES["duckdb" if warehouse_url.startswith("duckdb") else "postgresql"][request.param]


def test_every_endpoint_answers_503_naming_the_problem(
    published: Generation, breakage: Callable[[Generation], str], client: APIClient
) -> None:
    reason = breakage(published)

    responses = {}
    for endpoint in ENDPOINTS:
        # Endpoints share some questions (the filter options); a failed question's cache lock
        # is another finding's, so each request starts from an empty cache.
        cache.clear()
        responses[endpoint] = client.get(f"/api/analytics/{endpoint}")

    expected = f"{UNAVAILABLE}{reason}. The next sync rebuilds it in full."
    assert {endpoint: response.status_code for endpoint, response in responses.items()} == dict.fromkeys(ENDPOINTS, 503)
    assert {endpoint: response.json() for endpoint, response in responses.items()} == {
        endpoint: {"detail": expected} for endpoint in ENDPOINTS
    }


def test_freshness_says_the_warehouse_is_unavailable(
    published: Generation, breakage: Callable[[Generation], str], client: APIClient
) -> None:
    healthy = client.get("/api/analytics/freshness").json()
    cache.clear()
    reason = breakage(published)

    broken = client.get("/api/analytics/freshness").json()

    assert (healthy["warehouse_status"], healthy["warehouse_message"]) == ("available", None)
    assert (broken["generation"], broken["last_load_status"]) == (1, "published")
    assert (broken["warehouse_status"], broken["warehouse_message"]) == (
        "unavailable",
        f"{UNAVAILABLE}{reason}. The next sync rebuilds it in full.",
    )


@pytest.mark.parametrize("changed", [True, False], ids=["with-changes", "nothing-new"])
def test_the_next_sync_heals_with_a_full_rebuild_recorded_in_its_generation(
    published: Generation, breakage: Callable[[Generation], str], client: APIClient, changed: bool
) -> None:
    reason = breakage(published)
    if changed:
        one_more_copy_sold()

    healed = warehouse_sync()

    assert (healed.number, healed.full_refresh) == (2, True)
    assert healed.note == f"Full rebuild: {UNAVAILABLE}{reason}."
    summary = client.get("/api/analytics/summary")
    assert summary.status_code == 200
    assert Decimal(summary.json()["result"]["revenue"]) == sum(Sale.objects.values_list("amount", flat=True))
    assert current_warehouse().fetch(published_generation().location, "SELECT COUNT(*), SUM(amount) FROM fact_ledger")[
        0
    ] == (LedgerEntry.objects.count(), sum(LedgerEntry.objects.values_list("amount", flat=True)))
    assert client.get("/api/analytics/freshness").json()["warehouse_status"] == "available"


def test_a_healthy_warehouse_is_synced_incrementally_with_no_note(published: Generation) -> None:
    one_more_copy_sold()

    second = warehouse_sync()

    assert (second.full_refresh, second.note) == (False, "")


def test_a_postgresql_warehouse_restored_without_the_generation_is_unavailable(postgres_warehouse_url: str) -> None:
    warehouse = PostgresWarehouse(postgres_warehouse_url)

    with pytest.raises(WarehouseUnavailable, match="does not hold generation 99"):
        warehouse.check(warehouse.location(99))
    warehouse.close()


def test_freshness_answers_when_the_postgresql_warehouse_cannot_be_reached(client: APIClient) -> None:
    unreachable = "postgresql://postgres@127.0.0.1:9/folio_nowhere"
    Generation.objects.create(
        number=1,
        status="published",
        backend="postgresql",
        location=PostgresWarehouse(unreachable).location(1),
        watermark={"fact_sales": "2025-12-31T00:00:00+00:00"},
    )

    with override_settings(WAREHOUSE_URL=unreachable):
        body = client.get("/api/analytics/freshness").json()
        postgres_warehouse(unreachable).close()  # its pool would go on trying to connect

    assert (body["generation"], body["warehouse_status"]) == (1, "unavailable")
    assert body["warehouse_message"] == "The warehouse cannot be reached: PoolTimeout."


@pytest.mark.parametrize("warehouse_url", ["duckdb"], indirect=True)
def test_a_table_dropped_from_a_duckdb_generation_is_unavailable_not_a_500(
    published: Generation, client: APIClient
) -> None:
    connection = duckdb.connect(published.location)
    connection.execute("DROP TABLE agg_sales_mix_daily")
    connection.close()

    response = client.get("/api/analytics/summary")

    assert (response.status_code, response.json()) == (
        503,
        {
            "detail": f"{UNAVAILABLE}generation 1 lacks the warehouse table(s) agg_sales_mix_daily."
            " The next sync rebuilds it in full."
        },
    )
