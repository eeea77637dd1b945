"""Fixtures shared by every app's tests: the database aliases to run on and the real services.

Outside CI a missing PostgreSQL or Redis skips the tests that need it with a one-line
reason; with CI=true the same absence fails them, so CI never passes by skipping.
"""

import os

import pytest
from django.conf import settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def service_missing(what: str, url: str) -> None:
    """Skip the test (or fail it in CI) because a service it needs does not answer."""
    message = f"{what} is not reachable at {url}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: service-backed tests must run)")
    pytest.skip(f"{message}; start it or set the URL to run this test")


@pytest.fixture(params=["default", "postgres"], ids=["sqlite", "postgresql"])
def db_alias(request: pytest.FixtureRequest) -> str:
    """Each database the transactional models must work on: SQLite and PostgreSQL."""
    if request.param == "postgres" and "postgres" not in settings.DATABASES:
        service_missing("PostgreSQL", settings.TEST_POSTGRES_URL)
    if request.param == "default" and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("DATABASE_URL points the default database away from SQLite")
    return request.param


@pytest.fixture
def postgres_alias() -> str:
    """The PostgreSQL database alias, for tests that need PostgreSQL itself."""
    if "postgres" not in settings.DATABASES:
        service_missing("PostgreSQL", settings.TEST_POSTGRES_URL)
    return "postgres"


@pytest.fixture
def redis_url() -> str:
    """A real Redis for cache tests (database 15, flushed before and after)."""
    if not settings.REDIS_AVAILABLE:
        service_missing("Redis", settings.TEST_REDIS_URL)
    return settings.TEST_REDIS_URL
