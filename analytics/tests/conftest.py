"""Fixtures for the pipeline (a lake directory and a warehouse on each real backend) and each cache."""

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from psycopg import sql

from conftest import service_missing

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
