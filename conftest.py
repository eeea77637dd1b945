"""Fixtures shared by every app's tests: the database aliases to run on and the real services.

Outside CI a missing PostgreSQL or Redis skips the tests that need it with a one-line
reason; with CI=true the same absence fails them, so CI never passes by skipping.

Every test is marked by what it needs (postgres, redis, browser, slow) from the fixtures
and parameters it uses, so `pytest -m "not postgres and not redis and not browser and not
slow"` (`make test-fast`) is the loop that needs no service and no browser.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, sync_playwright

# The service URLs are in the test settings only, and mypy checks `django.conf.settings`
# against the local ones: read from the module itself, they are known and typed.
from config.settings import test as test_settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
DIST = Path(__file__).resolve().parent / "frontend" / "dist" / "index.html"

# Fixtures whose use means a test needs the service: each asks for it (or a process that
# talks to it), directly or through another fixture.
SERVICE_FIXTURES = {
    "postgres": {"postgres_alias", "postgres_warehouse_url", "shared_database"},
    "redis": {"redis_url", "private_redis"},
    "browser": {"browser", "page"},
}
# Parameter values that select a service: db_alias's "postgres", the warehouse backends
# "postgresql" and "redshift" (a wire shim in front of PostgreSQL), the "redis" cache.
SERVICE_PARAMETERS = {"postgres": {"postgres", "postgresql", "redshift"}, "redis": {"redis"}}
# Tests measured at 5 s or more each (`pytest --durations=80`): they start processes
# (Celery, gunicorn, Chromium) or generate and sync whole shops. A module's path marks all
# its tests; a path with "::name" marks that test in every parametrization.
SLOW_TESTS = {
    "analytics/tests/test_api_gunicorn.py",
    "analytics/tests/test_processes.py",
    "analytics/tests/test_rebuild_from_lake.py",
    "analytics/tests/test_redshift.py",
    "analytics/tests/test_sync_properties.py",
    "analytics/tests/test_sync_requests_worker.py",
    "analytics/tests/test_sync_requests.py::test_a_burst_of_10000_single_sale_writes_queues_one_sync_while_none_has_started",
    "analytics/tests/test_api_inputs.py::test_generated_values_of_every_parameter_never_get_a_500",
    "analytics/tests/test_api_inputs.py::test_no_hostile_value_of_any_parameter_gets_a_500",
    "analytics/tests/test_pages.py::test_with_the_database_down_health_fails_without_naming_the_host",
    "books/tests/test_generation.py::test_generated_totals_equal_what_the_generator_reports",
    "books/tests/test_imports.py::test_goodbooks_imports_in_full_and_again_unchanged",
}


def service_missing(what: str, url: str) -> None:
    """Skip the test (or fail it in CI) because a service it needs does not answer."""
    message = f"{what} is not reachable at {url}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: service-backed tests must run)")
    pytest.skip(f"{message}; start it or set the URL to run this test")


@pytest.fixture(autouse=True)
def cache_emptied_after() -> Iterator[None]:
    """Every test leaves the cache empty: a generation it published (remembered as the served
    one), answers and counters must not be read by the next test, whose database and
    warehouse are not the same."""
    yield
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(params=["default", "postgres"], ids=["sqlite", "postgresql"])
def db_alias(request: pytest.FixtureRequest) -> str:
    """Each database the transactional models must work on: SQLite and PostgreSQL."""
    if request.param == "postgres" and "postgres" not in settings.DATABASES:
        service_missing("PostgreSQL", test_settings.TEST_POSTGRES_URL)
    if request.param == "default" and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("DATABASE_URL points the default database away from SQLite")
    return request.param


@pytest.fixture
def postgres_alias() -> str:
    """The PostgreSQL database alias, for tests that need PostgreSQL itself."""
    if "postgres" not in settings.DATABASES:
        service_missing("PostgreSQL", test_settings.TEST_POSTGRES_URL)
    return "postgres"


@pytest.fixture
def redis_url() -> str:
    """A real Redis for cache tests (database 15, flushed before and after)."""
    if not test_settings.REDIS_AVAILABLE:
        service_missing("Redis", test_settings.TEST_REDIS_URL)
    return test_settings.TEST_REDIS_URL


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test postgres, redis, browser and/or slow from what it uses (see above)."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        parameters = {value for value in callspec.params.values() if isinstance(value, str)} if callspec else set()
        for marker, names in SERVICE_FIXTURES.items():
            if fixtures & names:
                item.add_marker(marker)
        for marker, values in SERVICE_PARAMETERS.items():
            if parameters & values:
                item.add_marker(marker)
        path = item.nodeid.split("::", 1)[0]
        if path in SLOW_TESTS or f"{path}::{getattr(item, 'originalname', item.name)}" in SLOW_TESTS:
            item.add_marker("slow")


@pytest.fixture(scope="session")
def _asgi_server(django_db_setup: None) -> Iterator[str]:
    """One daphne for the session (Twisted's reactor cannot start twice in a process). Its
    threads reach the database while a test holds it open (live_asgi_server's transactional_db)."""
    from analytics.live.tests.asgi_server import AsgiServerThread

    thread = AsgiServerThread()
    thread.start()
    if not thread.ready.wait(timeout=30) or thread.error is not None or not thread.server.listening_addresses:
        pytest.fail(f"the ASGI server did not start: {thread.error!r}")
    yield thread.url
    thread.stop()


@pytest.fixture
def live_asgi_server(_asgi_server: str, transactional_db: None) -> str:
    """The base URL (http://127.0.0.1:<port>) of a real daphne serving the whole application
    (pages, API, the WebSocket at /ws/events/, the event stream) against the test database:
    what the test commits, it serves. Data is committed (transactional_db), so other threads see it."""
    return _asgi_server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium from Debian's package (Playwright cannot download browsers here)."""
    missing = [
        what for what, path in (("Chromium", Path(CHROMIUM)), ("the dashboard build", DIST)) if not path.exists()
    ]
    if missing:
        message = f"{' and '.join(missing)} not found ({CHROMIUM}, {DIST}); `make test` installs and builds both"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django's ORM, called by the
    # test between browser steps, would otherwise refuse to run beside it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()
