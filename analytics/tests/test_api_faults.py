"""How the analytics API behaves when something under it fails: a query that raises or
hangs, and a Redis that accepts connections and never answers."""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from analytics import runner
from analytics.cache_guard import breaker
from analytics.models import Generation
from analytics.queries import summary
from analytics.queries.base import Source
from analytics.questions.warm import dashboard_warm
from analytics.selectors import current_generation
from analytics.services.tokens import api_token_create
from analytics.tests.conftest import _postgres_warehouse_empty, default_scope, published_generation
from analytics.tests.members import member_user
from analytics.tests.redshift_wire_shim import RedshiftWireShim
from analytics.warehouse.duckdb_backend import DuckDBWarehouse
from analytics.warehouse.limits import QueryTimeout
from analytics.warehouse.postgres_backend import PostgresWarehouse
from analytics.warehouse.redshift_backend import RedshiftWarehouse
from workspaces.scope import Scope
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db


def redis_caches(url: str) -> dict:
    """CACHES for a Redis at `url` with the project's short socket timeouts."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "folio-faults",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request: pytest.FixtureRequest) -> Iterator[str]:
    """The embedded cache and a real Redis in turn, empty, believed to work."""
    if request.param == "redis":
        with override_settings(CACHES=redis_caches(request.getfixturevalue("redis_url"))):
            cache.clear()
            breaker.reset()
            yield request.param
            cache.clear()
    else:
        cache.clear()
        breaker.reset()
        yield request.param
        cache.clear()
    breaker.reset()


def broken(source: Source) -> object:
    """A question whose warehouse read fails the way a lost file does."""
    raise duckdb.IOException("IO Error: Cannot open file '/srv/folio/warehouse/generation-1.duckdb'")


def ask(
    compute: Callable[[Source], object], generation: Generation | None, scope: Scope | None = None
) -> runner.Answer:
    return runner.answer(
        endpoint="broken", params={"a": 1}, scope=scope or default_scope(), compute=compute, generation=generation
    )


# A failing question ----------------------------------------------------------------------------


def test_a_failing_question_releases_its_lock_and_the_next_identical_one_fails_at_once(
    any_cache: str, shop: None
) -> None:
    generation = published_generation()
    assert generation.number is not None
    key = runner.answer_key("broken", {"a": 1}, default_scope(), generation.number)
    with pytest.raises(runner.QueryFailed) as first:
        ask(broken, generation)

    started = time.perf_counter()
    with pytest.raises(runner.QueryFailed) as second:
        ask(broken, generation)
    seconds = time.perf_counter() - started

    assert seconds < 1.0
    assert cache.get(f"{key}:lock") is None
    assert (
        str(first.value)
        == str(second.value)
        == ("The warehouse could not answer broken (IOException); retry in a few seconds.")
    )


def test_callers_waiting_for_a_failing_question_fail_with_it_and_it_runs_once(any_cache: str, shop: None) -> None:
    generation = current_generation()
    # Read here: the threads' own connections cannot read a table this test's transaction
    # wrote (SQLite's shared in-memory test database locks it), e.g. the default workspace.
    scope = default_scope()
    calls = []

    def slow_then_broken(source: Source) -> object:
        calls.append(1)
        time.sleep(0.3)
        return broken(source)

    outcomes: list[str] = []

    def one() -> None:
        try:
            ask(slow_then_broken, generation, scope)
        except runner.QueryFailed as failure:
            outcomes.append(str(failure))

    threads = [threading.Thread(target=one) for _ in range(4)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started

    assert len(calls) == 1
    assert outcomes == ["The warehouse could not answer broken (IOException); retry in a few seconds."] * 4
    assert seconds < 1.3


def test_a_question_that_failed_is_asked_again_once_its_failure_expires(
    any_cache: str, shop: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "FAILURE_SECONDS", 1)
    generation = current_generation()
    with pytest.raises(runner.QueryFailed):
        ask(broken, generation)
    time.sleep(1.1)

    healed = ask(lambda source: "the answer", generation)

    assert (healed.value, healed.hit) == ("the answer", False)


def test_a_failing_endpoint_answers_json_503_with_retry_after_twice_within_a_second(
    any_cache: str, shop: None, client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary, "run", lambda source, params: broken(source))
    first = client.get("/api/analytics/summary?start=2025-01-01&end=2025-02-01")

    started = time.perf_counter()
    second = client.get("/api/analytics/summary?start=2025-01-01&end=2025-02-01")
    seconds = time.perf_counter() - started

    assert (first.status_code, second.status_code) == (503, 503)
    assert second["Content-Type"] == "application/json"
    assert second.json() == {"detail": "The warehouse could not answer summary (IOException); retry in a few seconds."}
    assert int(second["Retry-After"]) == runner.FAILURE_SECONDS
    assert seconds < 1.0


# A stuck question: cancelled after API_QUERY_TIMEOUT_SECONDS on every backend --------------------

SLOW_SQL = {
    "duckdb": "SELECT sum(hash(range)) FROM range(100000000000)",
    "postgresql": "SELECT pg_sleep(30)",
    "redshift": "SELECT pg_sleep(30)",
}


# The stuck query reads no workspace's rows; a scope is all a Source needs beyond its generation.
UNSCOPED = Scope(workspace_id=0)


@pytest.fixture(params=["duckdb", "postgresql", "redshift"])
def slow_source(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Source, str]]:
    """A warehouse of each backend, its reads limited to half a second, and a query that runs for ever."""
    with override_settings(API_QUERY_TIMEOUT_SECONDS=0.5):
        if request.param == "duckdb":
            path = tmp_path / "generation.duckdb"
            duckdb.connect(str(path)).close()
            yield (
                Source(DuckDBWarehouse.from_url(f"duckdb:///{tmp_path}"), str(path), UNSCOPED),
                SLOW_SQL["duckdb"],
            )
            return
        url = request.getfixturevalue("postgres_warehouse_url")
        _postgres_warehouse_empty(url)
        if request.param == "postgresql":
            warehouse = PostgresWarehouse(url)
            yield Source(warehouse, url, UNSCOPED), SLOW_SQL["postgresql"]
            warehouse.close()
            return
        parts = urlsplit(url)
        shim = RedshiftWireShim((parts.hostname, parts.port or 5432)).start()
        shimmed = f"redshift://{parts.username}:unused@127.0.0.1:{shim.port}{parts.path}?sslmode=disable"
        yield Source(RedshiftWarehouse(shimmed, iam_role=""), shimmed, UNSCOPED), SLOW_SQL["redshift"]
        shim.stop()


def test_a_stuck_warehouse_query_is_cancelled_after_the_time_limit(slow_source: tuple[Source, str]) -> None:
    source, sql = slow_source
    started = time.perf_counter()

    with pytest.raises(QueryTimeout) as stopped:
        source.rows(sql)

    assert 0.4 < time.perf_counter() - started < 3.0
    assert "cancelled after" in str(stopped.value)


def test_a_stuck_question_answers_503_saying_it_timed_out(
    any_cache: str, shop: None, slow_source: tuple[Source, str]
) -> None:
    source, sql = slow_source
    generation = current_generation()

    with pytest.raises(runner.QueryFailed) as failed:
        runner.answer(
            endpoint="stuck",
            params={},
            scope=default_scope(),
            compute=lambda _: source.rows(sql),
            generation=generation,
        )

    assert str(failed.value).startswith("The warehouse query was cancelled after ")
    assert str(failed.value).endswith("Retry later, or ask for a shorter period or fewer rows.")


# A hung Redis: accepts connections, never answers ------------------------------------------------


@dataclass
class HungRedis:
    """Where the hung server listens, and the connections it accepted (one per timeout paid:
    redis-py drops a connection that timed out and opens a new one for the next command)."""

    url: str
    held: list[socket.socket]


@pytest.fixture
def hung_redis() -> Iterator[HungRedis]:
    """A loopback TCP server that accepts every connection and never sends a byte."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield HungRedis(url=f"redis://127.0.0.1:{server.getsockname()[1]}/0", held=held)
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def timed_requests(api: APIClient, count: int) -> tuple[float, list[int]]:
    """Seconds taken by `count` summary requests, and their statuses."""
    started = time.perf_counter()
    statuses = [api.get("/api/analytics/summary?start=2025-01-01&end=2025-07-01").status_code for _ in range(count)]
    return time.perf_counter() - started, statuses


def test_a_hung_redis_costs_one_timeout_per_breaker_window_not_one_per_cache_use(
    shop: None, hung_redis: HungRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("analytics.cache_guard.CACHE_PAUSE_SECONDS", 1.0)
    user = member_user("script", password="script-password")
    _, raw = api_token_create(workspace=workspace_default(), user=user, name="script")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    breaker.failed(ConnectionError("measuring the uncached time on the embedded cache"))
    timed_requests(api, 1)  # opens the warehouse file and warms the process
    normal, _ = timed_requests(api, 5)
    breaker.reset()
    with override_settings(CACHES=redis_caches(hung_redis.url)):
        elapsed, statuses = timed_requests(api, 30)

    windows = int(elapsed // 1.0) + 1  # each window may pay one 0.2 s socket timeout
    assert statuses == [200] * 30
    # One timeout per window, not one per cache use (three per request: 90 before the breaker
    # was shared), and so no more than the normal time plus those timeouts; the 1 s margin is
    # for a machine busy with other work, far below the 18 s that one timeout per use costs.
    assert len(hung_redis.held) <= windows
    assert elapsed <= normal / 5 * 30 + windows * 0.2 + 1.0


def test_one_failing_question_leaves_the_others_warmed(
    any_cache: str, shop: None, client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary, "run", lambda source, params: broken(source))

    computed = dashboard_warm()

    assert computed == 15
    assert client.get("/api/analytics/finance/fund-table")["X-Cache"] == "HIT"
