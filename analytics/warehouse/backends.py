"""Pick the warehouse backend that WAREHOUSE_URL names."""

from functools import cache

from django.conf import settings

from analytics.warehouse.base import Warehouse, WarehouseUnavailable
from analytics.warehouse.duckdb_backend import DuckDBWarehouse
from analytics.warehouse.postgres_backend import PostgresWarehouse
from analytics.warehouse.redshift_backend import RedshiftWarehouse


@cache
def warehouse_for(url: str) -> Warehouse:
    """The backend for a warehouse URL (one instance per URL and process)."""
    scheme = url.split(":", 1)[0]
    if scheme == "duckdb":
        return DuckDBWarehouse.from_url(url)
    if scheme in {"postgresql", "postgres"}:
        return PostgresWarehouse(url)
    if scheme == "redshift":
        return RedshiftWarehouse(url)
    raise ValueError(f"WAREHOUSE_URL must start with duckdb://, postgresql:// or redshift://, got {scheme}://")


def current_warehouse() -> Warehouse:
    """The backend configured in settings."""
    return warehouse_for(settings.WAREHOUSE_URL)


def warehouse_problem(location: str) -> str | None:
    """Why the configured warehouse cannot serve the generation at `location`, or None."""
    warehouse = current_warehouse()
    if not warehouse.owns(location):
        return str(WarehouseUnavailable("the served generation was loaded into another warehouse than WAREHOUSE_URL"))
    try:
        warehouse.check(location)
    except WarehouseUnavailable as error:
        return str(error)
    except warehouse.unreachable_errors as error:
        return f"The warehouse cannot be reached: {type(error).__name__}."
    return None
