"""Fixtures for the pipeline (a lake directory and a warehouse on each real backend) and each cache."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from psycopg import sql
from rest_framework.test import APIClient

from analytics.cache_guard import breaker
from analytics.models import Generation
from analytics.selectors import current_generation
from analytics.sync import warehouse_sync
from analytics.tests.members import api_as, member_user
from analytics.warehouse.backends import warehouse_for
from analytics.warehouse.postgres_backend import PostgresWarehouse
from books.services.generation import SalesDataSpec, sales_data_generate
from conftest import service_missing
from finance.services.generation import FinanceDataSpec, finance_data_generate
from workspaces.scope import Scope
from workspaces.services import workspace_default

# Named after the test database so that two test runs on one server (TEST_POSTGRES_URL
# naming different databases) never drop each other's warehouse.
WAREHOUSE_DATABASE = f"{urlsplit(settings.TEST_POSTGRES_URL).path.strip('/') or 'folio'}_test_warehouse"


@pytest.fixture(scope="session")
def postgres_warehouse_url() -> str:
    """A fresh PostgreSQL database for warehouse tables, created once per test run."""
    if not settings.POSTGRES_AVAILABLE:
        service_missing("PostgreSQL", settings.TEST_POSTGRES_URL)
    parts = urlsplit(settings.TEST_POSTGRES_URL)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(WAREHOUSE_DATABASE))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(WAREHOUSE_DATABASE)))
    return urlunsplit(parts._replace(path=f"/{WAREHOUSE_DATABASE}"))


def _postgres_warehouse_empty(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def published_generation() -> Generation:
    """The generation the API serves, for tests that have published one."""
    generation = current_generation()
    assert generation is not None, "no generation is published"
    return generation


def default_scope() -> Scope:
    """The default workspace, unlimited: what every record the generators make without a slug belongs to."""
    return Scope(workspace_id=workspace_default().pk)


def postgres_warehouse(url: str) -> PostgresWarehouse:
    """This process's backend for a PostgreSQL warehouse URL (to close its pool or read its URL)."""
    warehouse = warehouse_for(url)
    assert isinstance(warehouse, PostgresWarehouse), f"{url} is not a PostgreSQL warehouse"
    return warehouse


@pytest.fixture(params=["duckdb", "postgresql"])
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each warehouse backend in turn, empty, with its own lake directory."""
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path / 'warehouse'}"
    else:
        url = request.getfixturevalue("postgres_warehouse_url")
        _postgres_warehouse_empty(url)
    with override_settings(WAREHOUSE_URL=url, LAKE_URL=(tmp_path / "lake").as_uri()):
        yield url


@pytest.fixture(params=["locmem", "redis"])
def each_cache(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each cache Folio runs with, empty: the per-process local-memory cache and a real Redis."""
    if request.param == "locmem":
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "each-cache"}
    else:
        backend = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": request.getfixturevalue("redis_url")}
    with override_settings(CACHES={"default": backend}):
        cache.clear()
        yield request.param
        cache.clear()


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """An empty cache believed to work, emptied again afterwards (for modules that use it)."""
    cache.clear()
    breaker.reset()
    yield
    cache.clear()


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[None]:
    """20 books, 400 sales and a small ledger in 2025, published as generation 1 on DuckDB."""
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        sales_data_generate(spec=SalesDataSpec(books=20, sales=400, seed=3, years=1, end_date=date(2025, 12, 31)))
        finance_data_generate(spec=FinanceDataSpec(entries=100, years=1, seed=3, end_date=date(2025, 12, 31)))
        warehouse_sync()
        yield


@pytest.fixture
def client() -> APIClient:
    """A logged-in analyst of the default workspace."""
    return api_as(member_user("analyst", role="analyst"))
