"""Write-triggered syncs end to end, across real processes: sales written by one process,
a Celery worker (on Redis) in another, no sync run by hand and no schedule to help (the beat
is set to an hour). Both use one PostgreSQL database of their own, as a deployment would."""

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb
import psycopg
import pytest
import redis
from django.conf import settings
from psycopg import sql

from analytics.tests.test_processes import ROOT, child_environment, manage

DATABASE = f"{urlsplit(settings.TEST_POSTGRES_URL).path.strip('/') or 'folio'}_test_sync_requests"
MIN_INTERVAL = 1.0

SALES_WRITE = """
import sys, time, django
django.setup()
from datetime import UTC, datetime, timedelta
from books.models import Book, Region
from books.services.records import sale_create
book, region = Book.objects.order_by("pk").first(), Region.objects.order_by("pk").first()
started = time.monotonic()
for n in range(int(sys.argv[1])):
    sale_create(workspace=book.workspace, book=book, region=region,
                sold_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=n), quantity=1)
print(time.monotonic() - started)
"""


@pytest.fixture
def shop_database(postgres_alias: str, redis_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A migrated database with five books and no sales, a lake and warehouse folder, and a
    worker on Redis (the test's own Redis database, flushed) that runs write-triggered syncs."""
    parts = urlsplit(settings.TEST_POSTGRES_URL)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    url = urlunsplit(parts._replace(path=f"/{DATABASE}"))
    redis.Redis.from_url(redis_url).flushdb()
    extra = {
        "LAKE_URL": (tmp_path / "lake").as_uri(),
        "WAREHOUSE_URL": f"duckdb:///{tmp_path / 'warehouse'}",
        "CELERY_BROKER_URL": redis_url,
        "SYNC_INTERVAL_SECONDS": "3600",
        "SYNC_MIN_INTERVAL_SECONDS": str(MIN_INTERVAL),
        "SYNC_ON_WRITE": "true",
    }
    manage(url, extra, "migrate", "--noinput", "--verbosity", "0")
    catalogue = ["generate_sales_data", "--books", "5", "--sales", "0", "--skip-upload"]
    manage(url, {**extra, "SYNC_ON_WRITE": "false"}, *catalogue)
    command = ["-m", "celery", "-A", "config", "worker", "-B", "--pool=solo", "--loglevel=INFO"]
    worker = subprocess.Popen(
        [sys.executable, *command, "-s", str(tmp_path / "beat-schedule"), "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=child_environment(url, extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield url, extra
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


def sales_write(url: str, extra: dict[str, str], count: int) -> float:
    """Write `count` single sales, each its own transaction, from a child process; its seconds."""
    done = subprocess.run(
        [sys.executable, "-c", SALES_WRITE, str(count)],
        cwd=ROOT,
        env=child_environment(url, extra),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return float(done.stdout.strip().splitlines()[-1])


def published_sales(url: str) -> int:
    """Sales in the newest published generation's warehouse file (0 before the first)."""
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT location FROM analytics_generation WHERE status = 'published' ORDER BY number DESC LIMIT 1"
        ).fetchone()
    if row is None:
        return 0
    with duckdb.connect(row[0], read_only=True) as warehouse:
        counted = warehouse.execute("SELECT COUNT(*) FROM fact_sales").fetchone()
    return counted[0] if counted else 0


def wait_for_sales(url: str, sales: int, seconds: float) -> float:
    """Seconds until a published generation holds `sales` sales; fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if published_sales(url) == sales:
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"no published generation with {sales} sales after {seconds} s (has {published_sales(url)})")


def counts(url: str) -> tuple[int, int]:
    """(sync tasks queued by writes, generations published)."""
    with psycopg.connect(url) as connection:
        queued = connection.execute("SELECT COALESCE(MAX(enqueued), 0) FROM analytics_syncrequest").fetchone()
        published = connection.execute(
            "SELECT COUNT(*) FROM analytics_generation WHERE status = 'published'"
        ).fetchone()
    assert queued is not None and published is not None
    return queued[0], published[0]


def test_a_saved_sale_is_published_by_the_worker_and_a_burst_is_coalesced(
    shop_database: tuple[str, dict[str, str]],
) -> None:
    url, extra = shop_database

    sales_write(url, extra, 1)
    first = wait_for_sales(url, 1, seconds=60)  # the worker's start-up counts in this one
    writing = sales_write(url, extra, 3_000)
    last = wait_for_sales(url, 3_001, seconds=60)
    queued, published = counts(url)

    assert first < 60
    assert last < 10  # after the burst's last commit: one interval and one sync, not the hour's beat
    # One sync at most per interval while the burst wrote, and one after it.
    assert 2 <= queued <= writing / MIN_INTERVAL + 3
    assert published <= queued
