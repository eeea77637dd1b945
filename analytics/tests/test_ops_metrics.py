"""/metrics: only for the bearer of METRICS_TOKEN, and exact numbers after known actions
(requests by route, cache hits and misses, syncs, the generation, the queue)."""

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from analytics.cache_guard import breaker
from analytics.models import Generation
from analytics.ops.metrics import queue_length, sync_metrics
from analytics.runner import generation_as_of
from analytics.sync import warehouse_sync
from analytics.tests.members import member_user
from analytics.warehouse.schema import TABLES_BY_NAME
from books.models import Sale
from books.services.generation import SalesDataSpec, sales_data_generate

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scraped(client: Client | None = None) -> Samples:
    """Every sample /metrics answers, keyed by name and labels."""
    answered = (client or Client()).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answered.status_code == 200, answered.content
    assert answered["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answered.content.decode())
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 for a labelled counter not used yet."""
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture(autouse=True)
def metrics_on(tmp_path: Path) -> Iterator[None]:
    """The token set, and a lake, warehouse and cache of the test's own."""
    with override_settings(
        METRICS_TOKEN=TOKEN,
        WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}",
        LAKE_URL=(tmp_path / "lake").as_uri(),
    ):
        cache.clear()
        breaker.reset()
        yield
        cache.clear()


@pytest.fixture
def analyst() -> APIClient:
    api = APIClient()
    api.force_login(member_user("analyst", password="analyst-password"))
    return api


def test_without_a_token_setting_metrics_do_not_exist() -> None:
    with override_settings(METRICS_TOKEN=""):
        answered = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ")

    assert answered.status_code == 404
    assert b"folio_" not in answered.content


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("Basic b3BzOm9wcw==", 401),
        (f"Bearer {TOKEN} extra", 401),
        ("Bearer not-the-token", 403),
        (f"Bearer {TOKEN[:-1]}", 403),
        (f"Bearer {TOKEN}x", 403),
    ],
    ids=["missing", "basic", "three parts", "wrong", "a prefix", "longer"],
)
def test_a_missing_or_wrong_token_gets_no_data(authorization: str | None, status: int) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    answered = Client().get("/metrics", headers=headers)

    assert answered.status_code == status
    assert b"folio_" not in answered.content
    assert (answered.get("WWW-Authenticate") == 'Bearer realm="metrics"') is (status == 401)


def test_the_dashboard_does_not_answer_for_the_operating_paths() -> None:
    with override_settings(METRICS_TOKEN=""):
        assert Client().get("/metrics").status_code == 404  # not the dashboard's index
    assert Client().post("/healthz").status_code == 405
    assert Client().post("/readyz").status_code == 405


def test_requests_are_counted_by_route_and_status_never_by_raw_path(analyst: APIClient) -> None:
    before = scraped()

    Client().get("/healthz")
    Client().get("/healthz")
    analyst.get("/api/analytics/jobs/1")  # no such job: 404, counted under the route
    analyst.get("/api/analytics/jobs/2/")  # the other spelling of the same route
    Client().get(f"/api/nothing-here/{uuid.uuid4()}")  # no route at all
    after = scraped()

    def moved(endpoint: str, status: str) -> float:
        name = "folio_http_request_duration_seconds_count"
        return value(after, name, endpoint=endpoint, status=status) - value(
            before, name, endpoint=endpoint, status=status
        )

    assert moved("/healthz", "200") == 2
    assert moved("/api/analytics/jobs/<int:job_id>", "404") == 2
    assert moved("<unmatched>", "404") == 1
    assert moved("/metrics", "200") == 1  # the first scrape itself
    endpoints = {dict(labels)["endpoint"] for name, labels in after if name.startswith("folio_http_request")}
    assert not any("nothing-here" in endpoint or endpoint.endswith("/1") for endpoint in endpoints)


def test_a_miss_then_a_hit_move_each_counter_by_one(analyst: APIClient) -> None:
    sales_data_generate(spec=SalesDataSpec(books=3, sales=12, seed=4, years=1, end_date=date(2025, 12, 31)))
    warehouse_sync()
    before = scraped()

    first = analyst.get("/api/analytics/summary")
    between = scraped()
    second = analyst.get("/api/analytics/summary")
    after = scraped()

    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    hits, misses = "folio_cache_hits_total", "folio_cache_misses_total"
    assert value(between, misses, endpoint="summary") - value(before, misses, endpoint="summary") == 1
    assert value(between, hits, endpoint="summary") == value(before, hits, endpoint="summary")
    assert value(after, hits, endpoint="summary") - value(between, hits, endpoint="summary") == 1
    assert value(after, misses, endpoint="summary") == value(between, misses, endpoint="summary")


def test_before_any_sync_the_generation_is_zero_and_nothing_is_counted() -> None:
    samples = scraped()

    assert value(samples, "folio_generation") == 0
    assert ("folio_data_age_seconds", frozenset()) not in samples
    assert value(samples, "folio_sync_failures_total") == 0
    assert value(samples, "folio_sync_duration_seconds_count", status="published") == 0
    assert {value(samples, "folio_sync_rows_total", table=table) for table in TABLES_BY_NAME} == {0}


def test_syncs_are_counted_with_their_rows_durations_and_failures() -> None:
    sales_data_generate(spec=SalesDataSpec(books=4, sales=30, seed=6, years=1, end_date=date(2025, 12, 31)))
    first = warehouse_sync()
    sold = Sale.objects.count()
    before_scrape = datetime.now(UTC)
    after_one = scraped()
    after_scrape = datetime.now(UTC)

    def broken() -> None:
        raise OSError("the load failed")

    with pytest.raises(OSError):
        warehouse_sync(full=True, before_publish=broken)
    after_failure = scraped()

    as_of = generation_as_of(first)
    assert as_of is not None
    assert value(after_one, "folio_generation") == first.number == 1
    age = value(after_one, "folio_data_age_seconds")
    assert (before_scrape - as_of).total_seconds() <= age <= (after_scrape - as_of).total_seconds()
    assert value(after_one, "folio_sync_rows_total", table="fact_sales") == sold == 30
    assert value(after_one, "folio_sync_rows_total", table="dim_book") == 4
    assert value(after_one, "folio_warehouse_rows", table="fact_sales") == 30
    assert value(after_one, "folio_sync_failures_total") == 0
    assert value(after_one, "folio_sync_duration_seconds_count", status="published") == 1
    assert value(after_one, "folio_sync_duration_seconds_sum", status="published") == first.timings["total"]
    bucket = "folio_sync_duration_seconds_bucket"
    assert value(after_one, bucket, status="published", le="1800.0") == 1
    assert value(after_one, bucket, status="published", le="+Inf") == 1

    failed = Generation.objects.get(status="failed")
    assert value(after_failure, "folio_sync_failures_total") == 1
    assert value(after_failure, "folio_sync_duration_seconds_count", status="failed") == 1
    assert value(after_failure, "folio_sync_duration_seconds_sum", status="failed") == failed.timings["total"]
    assert value(after_failure, "folio_generation") == 1  # the failed sync published nothing
    assert value(after_failure, "folio_sync_rows_total", table="fact_sales") == 30  # nor counted rows


@pytest.mark.django_db(databases=["default", "postgres"])
def test_sync_statistics_are_read_the_same_on_each_database(db_alias: str) -> None:
    def attempt(status: str, number: int | None, seconds: float | None, sales: int) -> None:
        Generation.objects.using(db_alias).create(
            status=status,
            number=number,
            backend="duckdb",
            timings={} if seconds is None else {"export": 0.1, "total": seconds},
            rows={"fact_sales": {"exported": sales, "loaded": sales}, "dim_book": {"exported": 2, "loaded": 2}},
        )

    attempt("published", 1, 0.4, 100)
    attempt("published", 2, 7.5, 25)
    attempt("failed", None, 45.0, 0)
    attempt("exported", None, 3.0, 999)  # exported to the lake only: its rows reached no warehouse
    attempt("running", None, None, 0)

    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in sync_metrics(using=db_alias)
        for sample in family.samples
    }

    bucket = "folio_sync_duration_seconds_bucket"
    assert [value(samples, bucket, status="published", le=le) for le in ("0.5", "5.0", "10.0", "+Inf")] == [1, 1, 2, 2]
    assert [value(samples, bucket, status="failed", le=le) for le in ("30.0", "60.0", "+Inf")] == [0, 1, 1]
    assert value(samples, "folio_sync_duration_seconds_sum", status="published") == pytest.approx(7.9)
    assert value(samples, "folio_sync_failures_total") == 1
    assert value(samples, "folio_sync_rows_total", table="fact_sales") == 125
    assert value(samples, "folio_sync_rows_total", table="dim_book") == 4
    assert value(samples, "folio_sync_rows_total", table="fact_ledger") == 0


def test_rows_of_every_published_sync_add_up() -> None:
    sales_data_generate(spec=SalesDataSpec(books=3, sales=10, seed=1, years=1, end_date=date(2025, 12, 31)))
    warehouse_sync()
    sales_data_generate(spec=SalesDataSpec(books=3, sales=7, seed=2, years=1, end_date=date(2025, 12, 31)))
    second = warehouse_sync()

    samples = scraped()

    exported = second.rows["fact_sales"]["exported"]
    assert value(samples, "folio_generation") == 2
    assert value(samples, "folio_sync_rows_total", table="fact_sales") == 10 + exported
    assert value(samples, "folio_warehouse_rows", table="fact_sales") == Sale.objects.count() == 17


def test_the_filesystem_queue_counts_its_waiting_messages(tmp_path: Path) -> None:
    folder = tmp_path / "queue"
    folder.mkdir()
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder), "control_folder": str(tmp_path)}
    producer = Celery(broker="filesystem://", broker_transport_options=options)
    for _ in range(3):
        producer.send_task("analytics.tasks.sync_warehouse", queue="celery")
    producer.send_task("analytics.tasks.sync_warehouse", queue="other")

    with override_settings(CELERY_BROKER_URL="filesystem://", CELERY_BROKER_TRANSPORT_OPTIONS=options):
        samples = scraped()
        other = queue_length("filesystem://", "other")

    assert value(samples, "folio_celery_queue_length", queue="celery") == 3
    assert other == 1


def test_a_redis_queue_counts_every_priority(redis_url: str) -> None:
    queue = f"folio-test-{uuid.uuid4().hex}"
    producer = Celery(broker=redis_url)
    try:
        producer.send_task("analytics.tasks.sync_warehouse", queue=queue)
        producer.send_task("analytics.tasks.sync_warehouse", queue=queue, priority=5)
        producer.send_task("analytics.tasks.sync_warehouse", queue=queue, priority=9)

        assert queue_length(redis_url, queue) == 3
    finally:
        client = redis.Redis.from_url(redis_url)
        client.delete(*client.keys(f"{queue}*"))
        client.close()


def test_with_the_database_down_the_scrape_still_answers_the_counters(monkeypatch: pytest.MonkeyPatch) -> None:
    def down(using: str = "default") -> None:
        raise OperationalError('connection to server at "db.internal" failed')

    Client().get("/healthz")
    monkeypatch.setattr("analytics.ops.metrics.current_generation", down)

    samples = scraped()

    assert value(samples, "folio_http_request_duration_seconds_count", endpoint="/healthz", status="200") >= 1
    assert not any(name.startswith(("folio_generation", "folio_sync_")) for name, _ in samples)


def test_an_unreachable_or_unknown_broker_reports_no_length() -> None:
    assert queue_length("redis://127.0.0.1:1/0", "celery") is None
    assert queue_length("amqp://guest@127.0.0.1:1//", "celery") is None

    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        samples = scraped()

    assert not any(name == "folio_celery_queue_length" for name, _ in samples)
