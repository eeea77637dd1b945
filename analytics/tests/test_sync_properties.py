"""Property: after any sequence of inserts, updates and deletes in two workspaces with syncs in
between, the warehouse equals the source exactly, per workspace, and equals what one full
refresh builds (a change in one workspace leaves the other's rollups and top lists right)."""

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.models import Generation
from analytics.sync import warehouse_sync
from analytics.tests.book_rollups import (
    book_rollups_from_source,
    book_rollups_in_warehouse,
    book_top_from_source,
    book_top_in_warehouse,
)
from analytics.tests.conftest import _postgres_warehouse_empty, published_generation
from analytics.warehouse.backends import current_warehouse
from books.models import Sale, Tombstone
from books.services.records import sale_create, sale_delete, sale_update
from books.tests.factories import BookFactory, RegionFactory
from workspaces.services import workspace_create

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.integers(0, 4), st.integers(1, 5), st.integers(0, 300)),
        st.tuples(st.just("update"), st.integers(0, 50), st.integers(1, 5), st.integers(0, 300)),
        st.tuples(st.just("delete"), st.integers(0, 50), st.just(0), st.just(0)),
        st.tuples(st.just("sync"), st.just(0), st.just(0), st.just(0)),
    ),
    min_size=1,
    max_size=25,
)
EXAMPLE = itertools.count()


def warehouse_rows(sql: str) -> list[tuple]:
    return current_warehouse().fetch(published_generation().location, sql)


def daily_revenue(rollup: str = "agg_sales_daily") -> dict:
    rows = current_warehouse().fetch(
        published_generation().location,
        f"SELECT workspace_id, sale_date, SUM(revenue), SUM(units) FROM {rollup} GROUP BY workspace_id, sale_date",
    )
    return {(workspace_id, day): (revenue, units) for workspace_id, day, revenue, units in rows}


def source_daily_revenue() -> dict:
    days: dict = {}
    for workspace_id, sold_at, amount, quantity in Sale.objects.values_list(
        "workspace_id", "sold_at", "amount", "quantity"
    ):
        revenue, units = days.get((workspace_id, sold_at.date()), (Decimal("0.00"), 0))
        days[(workspace_id, sold_at.date())] = (revenue + amount, units + quantity)
    return days


def sales_scope() -> dict:
    """agg_sales_scope: the first and last day per workspace, region and genre (the filter options)."""
    rows = warehouse_rows("SELECT workspace_id, region_id, genre_id, first_day, last_day FROM agg_sales_scope")
    return {(workspace_id, region, genre): (first, last) for workspace_id, region, genre, first, last in rows}


def source_sales_scope() -> dict:
    found: dict = {}
    for workspace_id, region_id, genre_id, sold_at in Sale.objects.values_list(
        "workspace_id", "region_id", "book__genre_id", "sold_at"
    ):
        first, last = found.get((workspace_id, region_id, genre_id), (sold_at.date(), sold_at.date()))
        found[(workspace_id, region_id, genre_id)] = (min(first, sold_at.date()), max(last, sold_at.date()))
    return found


def fact_sales() -> list[tuple]:
    rows = current_warehouse().fetch(
        published_generation().location,
        "SELECT sale_id, workspace_id, quantity, discount, amount FROM fact_sales ORDER BY sale_id",
    )
    return [tuple(row) for row in rows]


def source() -> list[tuple]:
    return list(Sale.objects.order_by("pk").values_list("pk", "workspace_id", "quantity", "discount", "amount"))


def apply(operation: tuple, books: list, regions: list) -> None:
    kind, index, quantity, discount_cents = operation
    sales = list(Sale.objects.order_by("pk"))
    if kind == "insert":
        book = books[index % len(books)]
        discount = min(Decimal(discount_cents) / 100, quantity * book.list_price)
        sale_create(
            workspace=book.workspace,
            book=book,
            region=regions[index % len(regions)],
            sold_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=index),
            quantity=quantity,
            discount=discount,
        )
    elif kind == "update" and sales:
        sale = sales[index % len(sales)]
        sale_update(
            workspace=sale.workspace,
            sale=sale,
            quantity=quantity,
            discount=min(Decimal(discount_cents) / 100, quantity * sale.unit_price),
        )
    elif kind == "delete" and sales:
        sale = sales[index % len(sales)]
        sale_delete(workspace=sale.workspace, sale=sale)
    elif kind == "sync":
        warehouse_sync()
        assert fact_sales() == source()
        assert daily_revenue() == daily_revenue("agg_sales_mix_daily") == source_daily_revenue()
        assert book_rollups_in_warehouse(warehouse_rows) == book_rollups_from_source()
        assert book_top_in_warehouse(warehouse_rows) == book_top_from_source()
        assert sales_scope() == source_sales_scope()


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
@pytest.mark.django_db
def test_any_history_of_changes_and_syncs_converges_to_the_source(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # Three books in the default workspace, two in another.
    other = workspace_create(slug="other", name="Other")
    books = [BookFactory(list_price=Decimal(price)) for price in ("9.99", "24.50", "112.00")]
    books += [BookFactory(list_price=Decimal(price), workspace=other) for price in ("14.00", "24.50")]
    regions = [RegionFactory(), RegionFactory()]
    postgres_url = request.getfixturevalue("postgres_warehouse_url") if backend == "postgresql" else None

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(operations=OPERATIONS)
    def history(operations: list[tuple]) -> None:
        Sale.objects.all().delete()
        Tombstone.objects.all().delete()
        Generation.objects.all().delete()
        if postgres_url:
            _postgres_warehouse_empty(postgres_url)
        url = postgres_url or f"duckdb:///{tmp_path / f'warehouse-{next(EXAMPLE)}'}"
        with override_settings(WAREHOUSE_URL=url, LAKE_URL=(tmp_path / "lake").as_uri()):
            warehouse_sync()
            for operation in operations:
                apply(operation, books, regions)
            incremental = warehouse_sync()
            assert fact_sales() == source()

            full = warehouse_sync(full=True)

            assert fact_sales() == source()
            assert full.totals == incremental.totals
            assert {name: c["loaded"] for name, c in full.rows.items()} == {
                name: c["loaded"] for name, c in incremental.rows.items()
            }

    history()
