"""Folio's Prometheus metrics, all named folio_*.

Two kinds, so that the numbers are right whichever process answers a scrape:

- Counted where they happen, in the web process: request latency and cache hits and
  misses. Under gunicorn every worker process counts its own; with PROMETHEUS_MULTIPROC_DIR
  set, prometheus-client writes them to files in that folder and a scrape adds up every
  worker's (its multiprocess mode). Without it, a scrape shows the answering process's only.
- Read at scrape time from what every process shares (SharedStateCollector): the served
  generation, the data's age, the syncs recorded in analytics_generation (durations, rows,
  failures) and the Celery queue's length in the broker. The worker that ran a sync needs
  no metrics port, and no number is lost when a process restarts.
"""

import logging
import os
from collections.abc import Iterable
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.db import DatabaseError
from django.db.models import BigIntegerField, Count, FloatField, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from analytics.models import Generation, GenerationStatus
from analytics.ops.counters import CACHE_HITS, CACHE_MISSES, REQUEST_SECONDS
from analytics.runner import generation_as_of
from analytics.selectors import current_generation
from analytics.warehouse.schema import TABLES_BY_NAME

logger = logging.getLogger(__name__)

# Seconds. A sync takes seconds (2-8 s on 10M sales); a full rebuild minutes.
SYNC_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
# A broker that does not answer within this long is reported without a queue length.
BROKER_TIMEOUT_SECONDS = 0.5
# The separator kombu's Redis transport puts between a queue's name and a priority.
REDIS_PRIORITY_SEPARATOR = "\x06\x16"
REDIS_PRIORITY_STEPS = (3, 6, 9)


class SharedStateCollector(Collector):
    """Metrics read at scrape time from the database and the broker: the same in every process."""

    def collect(self) -> Iterable[Metric]:
        """The generation, data age, sync statistics and queue length, now. With the
        database down its metrics are left out (absent, for an alert on absence) and the
        rest is still answered."""
        try:
            generation = current_generation()
            read = [
                *generation_metrics(generation, datetime.now(UTC)),
                *sync_metrics(),
                *warehouse_rows_metric(generation),
            ]
        except DatabaseError as error:
            logger.warning("metrics from the database left out: %s", error)
            read = []
        yield from read
        yield from queue_metrics()


def generation_metrics(generation: Generation | None, now: datetime) -> Iterable[Metric]:
    """folio_generation and folio_data_age_seconds, from the generation the API serves."""
    number = GaugeMetricFamily(
        "folio_generation", "Number of the warehouse generation the API serves (0: nothing published yet)."
    )
    number.add_metric([], float(generation.number or 0) if generation else 0.0)
    yield number
    if generation is None:
        return
    as_of = generation_as_of(generation)
    if as_of is not None:
        age = GaugeMetricFamily(
            "folio_data_age_seconds",
            "Seconds since the time the served generation's data is complete up to (its as-of time).",
        )
        age.add_metric([], max(0.0, (now - as_of).total_seconds()))
        yield age


def sync_metrics(using: str = "default") -> Iterable[Metric]:
    """Durations, failures and rows of every sync recorded in analytics_generation, in one
    aggregate query (a sync that found nothing new leaves no record and is not counted)."""
    finished = (
        Generation.objects.using(using)
        .exclude(status=GenerationStatus.RUNNING)
        .annotate(seconds=Cast(KT("timings__total"), FloatField()))
    )
    aggregates: dict[str, object] = {}
    for status in (GenerationStatus.PUBLISHED, GenerationStatus.FAILED):
        of_status = Q(status=status, seconds__isnull=False)
        aggregates[f"{status}_count"] = Count("id", filter=of_status)
        aggregates[f"{status}_sum"] = Sum("seconds", filter=of_status)
        for index, bound in enumerate(SYNC_BUCKETS):
            aggregates[f"{status}_le_{index}"] = Count("id", filter=of_status & Q(seconds__lte=bound))
    published = Q(status=GenerationStatus.PUBLISHED)
    for index, table in enumerate(TABLES_BY_NAME):
        aggregates[f"rows_{index}"] = Sum(Cast(KT(f"rows__{table}__exported"), BigIntegerField()), filter=published)
    aggregates["failures"] = Count("id", filter=Q(status=GenerationStatus.FAILED))
    found = finished.aggregate(**aggregates)

    duration = HistogramMetricFamily(
        "folio_sync_duration_seconds",
        "Duration of warehouse syncs and rebuilds (export, load, publish), by outcome.",
        labels=["status"],
    )
    for status in (GenerationStatus.PUBLISHED, GenerationStatus.FAILED):
        buckets = [(str(bound), float(found[f"{status}_le_{index}"])) for index, bound in enumerate(SYNC_BUCKETS)]
        buckets.append(("+Inf", float(found[f"{status}_count"])))
        duration.add_metric([str(status)], buckets, float(found[f"{status}_sum"] or 0.0))
    yield duration

    failures = CounterMetricFamily(
        "folio_sync_failures", "Warehouse syncs and rebuilds that failed (nothing published)."
    )
    failures.add_metric([], float(found["failures"]))
    yield failures

    rows = CounterMetricFamily(
        "folio_sync_rows",
        "Rows exported to the lake and loaded into the warehouse by published syncs, per warehouse table.",
        labels=["table"],
    )
    for index, table in enumerate(TABLES_BY_NAME):
        rows.add_metric([table], float(found[f"rows_{index}"] or 0))
    yield rows


def warehouse_rows_metric(generation: Generation | None) -> Iterable[Metric]:
    """folio_warehouse_rows: each table's size in the served generation."""
    if generation is None:
        return
    rows = GaugeMetricFamily(
        "folio_warehouse_rows", "Rows of each warehouse table in the generation the API serves.", labels=["table"]
    )
    for table, counts in sorted(generation.rows.items()):
        loaded = counts.get("loaded") if isinstance(counts, dict) else None
        if isinstance(loaded, int):
            rows.add_metric([table], float(loaded))
    yield rows


def queue_metrics() -> Iterable[Metric]:
    """folio_celery_queue_length: messages waiting in the Celery queue, where the broker
    lets us count them (Redis: the queue's lists; the filesystem broker: its files).
    Other brokers, and a broker that does not answer in time, report no sample."""
    from config.celery import app  # the Celery app imports Django's settings itself

    queue = str(app.conf.task_default_queue)
    length = queue_length(settings.CELERY_BROKER_URL, queue)
    if length is None:
        return
    gauge = GaugeMetricFamily(
        "folio_celery_queue_length", "Tasks waiting in the Celery queue for a worker.", labels=["queue"]
    )
    gauge.add_metric([queue], float(length))
    yield gauge


def queue_length(broker_url: str, queue: str) -> int | None:
    """How many messages wait in `queue`, or None when this broker cannot say."""
    scheme = broker_url.split("://", 1)[0]
    if scheme in {"redis", "rediss"}:
        names = [queue, *(f"{queue}{REDIS_PRIORITY_SEPARATOR}{step}" for step in REDIS_PRIORITY_STEPS)]
        try:
            client = redis.Redis.from_url(
                broker_url, socket_timeout=BROKER_TIMEOUT_SECONDS, socket_connect_timeout=BROKER_TIMEOUT_SECONDS
            )
            try:
                pipeline = client.pipeline(transaction=False)
                for name in names:
                    pipeline.llen(name)
                return sum(int(count) for count in pipeline.execute())
            finally:
                client.close()
        except redis.RedisError as error:
            logger.warning("Celery queue length not read from the broker: %s", error)
            return None
    if scheme == "filesystem":
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        folder = options.get("data_folder_in")
        if not folder:
            return None
        suffix = f"{queue}.msg"  # kombu names a message <time>_<uuid>.<queue>.msg
        try:
            return sum(1 for name in os.listdir(folder) if name.partition(".")[2] == suffix)
        except OSError as error:
            logger.warning("Celery queue length not read from %s: %s", folder, error)
            return None
    return None


def metrics_text() -> bytes:
    """What /metrics answers: every process's counters (or this process's alone without
    PROMETHEUS_MULTIPROC_DIR) and the shared state read now, in Prometheus' text format."""
    registry = CollectorRegistry()
    if settings.PROMETHEUS_MULTIPROC_DIR:
        MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    else:
        for collector in (REQUEST_SECONDS, CACHE_HITS, CACHE_MISSES):
            registry.register(collector)
    registry.register(SharedStateCollector())
    return generate_latest(registry)
