"""/healthz says the process answers and nothing else; /readyz checks the database, the
cache and the warehouse, each within a time limit, and tells only staff and holders of
the metrics token which one failed (staff alone see where it lives)."""

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, override_settings
from pytest_django import DjangoAssertNumQueries

from analytics.cache_guard import breaker
from analytics.ops import readiness
from analytics.sync import warehouse_sync
from books.services.generation import SalesDataSpec, sales_data_generate

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"
WAREHOUSE_HOST_ERROR = 'connection to server at "warehouse.internal" (10.0.0.5), port 5432 failed'


@pytest.fixture(autouse=True)
def _fresh(fresh_cache: None) -> None:
    """The served generation is remembered in the cache: another test's must not be read here."""


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_user("ops", password="ops-password", is_staff=True))
    return client


@pytest.fixture
def check_replaced(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Callable[[], str]], None]:
    """Replace one dependency's check for the test."""

    def replace(name: str, check: Callable[[], str]) -> None:
        monkeypatch.setattr(readiness._checkers[name], "check", check)

    return replace


@pytest.fixture
def published(tmp_path: Path) -> Iterator[None]:
    """Generation 1 of a small shop, in a lake and warehouse of the test's own."""
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        cache.clear()
        sales_data_generate(spec=SalesDataSpec(books=3, sales=10, seed=5, years=1, end_date=date(2025, 12, 31)))
        warehouse_sync()
        yield
        cache.clear()


def test_healthz_answers_ok_to_anyone_without_touching_a_dependency(
    anonymous: Client, staff: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        answered = anonymous.get("/healthz")
    detailed = staff.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert (answered.status_code, answered.json()) == (200, {"status": "ok"})
    assert (detailed.status_code, detailed.json()) == (200, {"status": "ok"})  # no details for anyone
    assert "no-cache" in answered["Cache-Control"]


def test_readyz_tells_anyone_ok_and_staff_each_dependency(anonymous: Client, staff: Client) -> None:
    answered = anonymous.get("/readyz")
    detailed = staff.get("/readyz").json()

    assert (answered.status_code, answered.json()) == (200, {"status": "ok"})
    assert detailed["status"] == "ok"
    assert {name: (check["status"], check["detail"]) for name, check in detailed["checks"].items()} == {
        "database": ("ok", "sqlite"),
        "cache": ("ok", "LocMemCache"),
        "warehouse": ("ok", "no generation published yet"),
    }
    assert all(check["ms"] >= 0 for check in detailed["checks"].values())


def test_readyz_reads_the_served_generation(staff: Client, published: None) -> None:
    checks = staff.get("/readyz").json()["checks"]

    assert checks["warehouse"] == {"status": "ok", "detail": "generation 1", "ms": checks["warehouse"]["ms"]}


@override_settings(METRICS_TOKEN=TOKEN)
def test_a_failing_dependency_is_a_503_naming_its_host_to_staff_only(
    anonymous: Client, staff: Client, check_replaced: Callable[[str, Callable[[], str]], None]
) -> None:
    def unreachable() -> str:
        raise OSError(WAREHOUSE_HOST_ERROR)

    check_replaced("warehouse", unreachable)

    answered = anonymous.get("/readyz")
    wrong_token = anonymous.get("/readyz", HTTP_AUTHORIZATION="Bearer not-the-token")
    with_token = anonymous.get("/readyz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    seen_by_staff = staff.get("/readyz")

    assert (answered.status_code, answered.json()) == (503, {"status": "fail"})
    assert (wrong_token.status_code, wrong_token.json()) == (503, {"status": "fail"})
    assert with_token.status_code == seen_by_staff.status_code == 503
    token_checks, staff_checks = with_token.json()["checks"], seen_by_staff.json()["checks"]
    assert (token_checks["database"]["status"], token_checks["cache"]["status"]) == ("ok", "ok")
    assert token_checks["warehouse"]["status"] == staff_checks["warehouse"]["status"] == "fail"
    assert token_checks["warehouse"]["detail"] == "OSError: connection to server at [location hidden], port 5432 failed"
    assert staff_checks["warehouse"]["detail"] == f"OSError: {WAREHOUSE_HOST_ERROR}"
    assert "warehouse.internal" not in answered.content.decode() + with_token.content.decode()


def test_a_hung_dependency_costs_the_time_limit_once_and_one_thread(
    anonymous: Client, check_replaced: Callable[[str, Callable[[], str]], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    calls: list[int] = []

    def hung() -> str:
        calls.append(1)
        release.wait(30)
        return "answered at last"

    monkeypatch.setattr(readiness, "CHECK_TIMEOUT_SECONDS", 0.3)
    check_replaced("cache", hung)
    try:
        started = time.perf_counter()
        first = anonymous.get("/readyz")
        second = anonymous.get("/readyz")
        elapsed = time.perf_counter() - started
    finally:
        release.set()

    assert (first.status_code, second.status_code) == (503, 503)
    assert 0.6 <= elapsed < 2.0  # each probe waited its 0.3 s, no more
    assert calls == [1]  # the second probe waited on the check still running, not a new thread


def test_with_redis_down_the_cache_is_not_ready(staff: Client) -> None:
    dead_redis = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    try:
        with override_settings(CACHES=dead_redis):
            answered = staff.get("/readyz")
    finally:
        breaker.reset()  # the warehouse check's lookup of the served generation tripped it

    assert answered.status_code == 503
    cache_check = answered.json()["checks"]["cache"]
    assert cache_check["status"] == "fail" and cache_check["detail"].startswith("ConnectionError: ")


@override_settings(ALLOWED_HOSTS=["folio.example.com"], METRICS_TOKEN=TOKEN)
@pytest.mark.django_db
def test_probes_by_ip_are_answered_and_every_other_path_keeps_host_validation() -> None:
    """A load balancer or kubelet sends the task's IP as Host; only the probe paths accept it."""
    probe = Client(headers={"host": "10.0.3.7:8000"})
    assert probe.get("/healthz").json() == {"status": "ok"}
    assert probe.get("/readyz").status_code in (200, 503)
    assert probe.get("/readyz").json()["status"] in ("ok", "fail")
    scrape = probe.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
    assert (scrape.status_code, scrape["content-type"].split(";")[0]) == (200, "text/plain")
    assert probe.get("/api/auth/me/").status_code == 400
    assert probe.get("/").status_code == 400
    assert Client(headers={"host": "folio.example.com"}).get("/healthz").json() == {"status": "ok"}
