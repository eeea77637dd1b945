"""The pipeline across real processes: a Celery worker with its beat on Redis, and a sync
killed with SIGKILL between loading and publishing.

These tests share a PostgreSQL transactional database with the processes they start, so
they use one of their own, migrated by `manage.py migrate` like a deployment would be.
"""

import os
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
from django.conf import settings
from psycopg import sql

from conftest import service_missing

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATABASE = f"{urlsplit(settings.TEST_POSTGRES_URL).path.strip('/') or 'folio'}_test_processes"


@pytest.fixture
def shared_database() -> str:
    """An empty, migrated PostgreSQL database that child processes use as their own."""
    if not settings.POSTGRES_AVAILABLE:
        service_missing("PostgreSQL", settings.TEST_POSTGRES_URL)
    parts = urlsplit(settings.TEST_POSTGRES_URL)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(SHARED_DATABASE)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SHARED_DATABASE)))
    url = urlunsplit(parts._replace(path=f"/{SHARED_DATABASE}"))
    manage(url, {}, "migrate", "--noinput", "--verbosity", "0")
    return url


def child_environment(database_url: str, extra: dict[str, str]) -> dict[str, str]:
    """The environment of a Folio process pointed at the shared database. Its writes ask for
    no sync unless `extra` says so: their messages would go to the developer's var/celery."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url,
        "SYNC_ON_WRITE": "false",
        **extra,
    }


def manage(database_url: str, extra: dict[str, str], *arguments: str) -> str:
    """Run manage.py in a child process and return its output (fails the test on error)."""
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=child_environment(database_url, extra),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def generations(database_url: str) -> list[tuple]:
    """(number, status, rows, error) of every attempt, oldest first, read straight from the database."""
    with psycopg.connect(database_url) as connection:
        return connection.execute("SELECT number, status, rows, error FROM analytics_generation ORDER BY id").fetchall()


def source_sales(database_url: str) -> tuple[int, object]:
    with psycopg.connect(database_url) as connection:
        counted = connection.execute("SELECT COUNT(*), SUM(amount) FROM books_sale").fetchone()
    assert counted is not None  # an aggregate without GROUP BY returns one row
    return counted


@pytest.fixture
def pipeline(shared_database: str, tmp_path: Path) -> dict[str, str]:
    """Lake and DuckDB warehouse folders for the child processes."""
    return {"LAKE_URL": (tmp_path / "lake").as_uri(), "WAREHOUSE_URL": f"duckdb:///{tmp_path / 'warehouse'}"}


@pytest.fixture
def worker(shared_database: str, pipeline: dict[str, str], tmp_path: Path, redis_url: str) -> Iterator[None]:
    """A real Celery worker with embedded beat on Redis, syncing every 2 seconds."""
    broker = redis_url.rsplit("/", 1)[0] + "/14"
    environment = child_environment(
        shared_database, {**pipeline, "CELERY_BROKER_URL": broker, "SYNC_INTERVAL_SECONDS": "2"}
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-B",
            "--pool=solo",
            "--loglevel=INFO",
            "-s",
            str(tmp_path / "beat-schedule"),
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for_published_sales(database_url: str, sales: int, seconds: float) -> float:
    """Seconds until a published generation holds `sales` sales; fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        published = [rows for number, status, rows, _ in generations(database_url) if status == "published"]
        if published and published[-1]["fact_sales"]["loaded"] == sales:
            return time.monotonic() - started
        time.sleep(0.25)
    pytest.fail(f"no published generation with {sales} sales after {seconds} s: {generations(database_url)}")


def test_a_celery_worker_on_redis_syncs_new_sales_on_schedule(
    shared_database: str, pipeline: dict[str, str], worker: None
) -> None:
    manage(
        shared_database,
        pipeline,
        "generate_sales_data",
        "--books",
        "5",
        "--sales",
        "120",
        "--seed",
        "1",
        "--skip-upload",
    )
    wait_for_published_sales(shared_database, 120, seconds=60)

    manage(
        shared_database, pipeline, "generate_sales_data", "--books", "1", "--sales", "3", "--seed", "2", "--skip-upload"
    )
    waited = wait_for_published_sales(shared_database, 123, seconds=60)

    assert waited < 30  # the 2-second schedule, not a manual sync, brought them in
    statuses = {status for _, status, _, _ in generations(shared_database)}
    assert statuses == {"published"}


PAUSE_BEFORE_PUBLISH = """
import os, pathlib, time, django
django.setup()
from analytics.sync import warehouse_sync

def pause():
    pathlib.Path(os.environ["FOLIO_TEST_FLAG"]).touch()
    time.sleep(300)

warehouse_sync(before_publish=pause)
"""


def test_a_sync_killed_before_publishing_leaves_the_last_generation_serving(
    shared_database: str, pipeline: dict[str, str], tmp_path: Path
) -> None:
    manage(shared_database, pipeline, "generate_sales_data", "--books", "5", "--sales", "200", "--seed", "1")
    served = current_file_sales(shared_database)
    manage(
        shared_database,
        pipeline,
        "generate_sales_data",
        "--books",
        "1",
        "--sales",
        "50",
        "--seed",
        "3",
        "--skip-upload",
    )
    flag = tmp_path / "loaded"
    child = subprocess.Popen(
        [sys.executable, "-c", PAUSE_BEFORE_PUBLISH],
        cwd=ROOT,
        env=child_environment(shared_database, {**pipeline, "FOLIO_TEST_FLAG": str(flag)}),
    )
    deadline = time.monotonic() + 120
    while not flag.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.1)
    assert flag.exists(), "the sync never reached the point before publishing"

    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)

    assert [(n, s) for n, s, _, _ in generations(shared_database)] == [(1, "published"), (None, "running")]
    assert current_file_sales(shared_database) == served == (200,)
    output = manage(shared_database, pipeline, "sync_warehouse")
    assert "Published generation 2" in output
    attempts = generations(shared_database)
    assert attempts[1][1:] == ("failed", {}, "Abandoned: the process running this sync stopped before it finished.")
    assert current_file_sales(shared_database) == (source_sales(shared_database)[0],) == (250,)


def current_file_sales(database_url: str) -> tuple[int]:
    """COUNT(*) of fact_sales in the DuckDB file the current generation points at, opened read-only."""
    with psycopg.connect(database_url) as connection:
        published = connection.execute(
            "SELECT location FROM analytics_generation WHERE status = 'published' ORDER BY number DESC LIMIT 1"
        ).fetchone()
    assert published is not None, "no generation is published"
    with duckdb.connect(published[0], read_only=True) as warehouse:
        counted = warehouse.execute("SELECT COUNT(*) FROM fact_sales").fetchone()
    assert counted is not None  # an aggregate without GROUP BY returns one row
    return counted
