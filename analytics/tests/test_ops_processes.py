"""Operating Folio across real processes: gunicorn with two workers adds up both workers'
counters in /metrics and logs JSON lines with the request id; a Celery worker logs a task
with the id of the request that queued it."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
TOKEN = "metrics-token-for-process-tests-0123456789"
LOG_KEYS = {"time", "level", "logger", "message", "request_id"}

pytestmark = pytest.mark.slow


def environment_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A Folio process's environment: its own SQLite database, lake and warehouse, JSON logs."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'folio.sqlite3'}",
        "LAKE_URL": (tmp_path / "lake").as_uri(),
        "WAREHOUSE_URL": f"duckdb:///{tmp_path / 'warehouse'}",
        "API_LOG_PATH": str(tmp_path / "api.jsonl"),
        "LOG_FORMAT": "json",
        **extra,
    }


def migrated(environment: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """(status, headers, body) of one GET on a new connection."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """gunicorn with two sync workers sharing a PROMETHEUS_MULTIPROC_DIR: (base URL, that folder, stdout)."""
    folder = tmp_path / "prometheus"
    environment = environment_for(tmp_path, METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(folder))
    migrated(environment)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stdout = tmp_path / "stdout.log"
    with stdout.open("w") as out, (tmp_path / "stderr.log").open("w") as err:
        server = subprocess.Popen(
            [str(GUNICORN), "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=err,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            # A long timeout: a probe given up on would be answered later and counted then.
            urllib.request.urlopen(f"{base}/healthz", timeout=30).close()
            break
        except OSError:
            time.sleep(0.2)
    yield base, folder, stdout
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def healthz_count(body: str) -> float:
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == "folio_http_request_duration_seconds_count" and sample.labels == {
                "endpoint": "/healthz",
                "status": "200",
            }:
                return sample.value
    return 0.0


def test_metrics_add_up_every_gunicorn_worker(gunicorn: tuple[str, Path, Path]) -> None:
    base, folder, _ = gunicorn
    scrape = {"Authorization": f"Bearer {TOKEN}"}
    # The fixture's probe of /healthz while the workers started.
    before = healthz_count(get(f"{base}/metrics", scrape)[2])
    sent = 0

    def burst() -> None:
        threads = [threading.Thread(target=get, args=(f"{base}/healthz",)) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    # Until both workers (the second may still be starting) have served some: each writes
    # files named after its process id.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        burst()
        sent += 10
        if len({path.stem.rsplit("_", 1)[-1] for path in folder.glob("histogram_*.db")}) == 2:
            break
        time.sleep(0.2)
    assert len({path.stem.rsplit("_", 1)[-1] for path in folder.glob("histogram_*.db")}) == 2

    scrapes = [get(f"{base}/metrics", scrape) for _ in range(6)]

    assert {status for status, _, _ in scrapes} == {200}
    assert before >= 1
    assert [healthz_count(body) - before for _, _, body in scrapes] == [sent] * 6  # whichever worker answered
    assert "folio_generation 0.0" in scrapes[0][2]


def test_gunicorn_logs_json_lines_with_the_request_id(gunicorn: tuple[str, Path, Path]) -> None:
    base, _, stdout = gunicorn

    kept = get(f"{base}/api/analytics/summary", {"X-Request-ID": "lb-7f3a-42"})
    replaced = get(f"{base}/healthz", {"X-Request-ID": 'bad id "with" spaces'})
    generated = get(f"{base}/healthz")
    time.sleep(0.5)  # let the workers' writes reach the file

    assert kept[0] == 401 and kept[1]["X-Request-ID"] == "lb-7f3a-42"
    assert re.fullmatch(r"[0-9a-f]{32}", replaced[1]["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", generated[1]["X-Request-ID"])
    assert replaced[1]["X-Request-ID"] != generated[1]["X-Request-ID"]
    lines = [json.loads(line) for line in stdout.read_text().splitlines()]  # every line is JSON
    assert lines and all(set(line) >= LOG_KEYS for line in lines)
    unauthorized = [line for line in lines if line["request_id"] == "lb-7f3a-42"]
    assert [(line["level"], line["logger"], line["message"]) for line in unauthorized] == [
        ("WARNING", "django.request", "Unauthorized: /api/analytics/summary")
    ]
    assert unauthorized[0]["time"].endswith("+00:00")


SYNC_REQUESTED = """
import json, django
django.setup()
from django.contrib.auth.models import User
from rest_framework.test import APIClient
client = APIClient()
from workspaces.services import member_set, workspace_default
ops = User.objects.create_superuser("ops", password="ops-password")
member_set(workspace=workspace_default(), user=ops, role="admin")
client.force_login(ops)
response = client.post(
    "/api/analytics/sync", {}, format="json", HTTP_HOST="localhost", HTTP_X_REQUEST_ID="req-from-the-proxy-1"
)
answer = {"status": response.status_code, "id": response["X-Request-ID"], "job": response.json()["id"]}
print("ANSWER", json.dumps(answer))
"""


@pytest.fixture
def celery_worker(tmp_path: Path, redis_url: str) -> Iterator[tuple[dict[str, str], Path]]:
    """A Celery worker on a Redis database of its own: (the environment it shares with the web, its stdout)."""
    broker = redis_url.rsplit("/", 1)[0] + "/13"
    environment = environment_for(tmp_path, CELERY_BROKER_URL=broker)
    migrated(environment)
    stdout = tmp_path / "worker.log"
    with stdout.open("w") as out, (tmp_path / "worker-stderr.log").open("w") as err:
        worker = subprocess.Popen(
            # --quiet: no start banner, so that every line of its output is JSON.
            [
                *(sys.executable, "-m", "celery", "--quiet", "-A", "config", "worker", "--pool=solo"),
                *("--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=err,  # Python's warnings (running as root, in a container)
        )
    yield environment, stdout
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


def test_a_task_logs_with_the_id_of_the_request_that_queued_it(celery_worker: tuple[dict[str, str], Path]) -> None:
    environment, stdout = celery_worker

    requested = subprocess.run(
        [sys.executable, "-c", SYNC_REQUESTED],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert requested.returncode == 0, requested.stderr
    answered = next(json.loads(line[7:]) for line in requested.stdout.splitlines() if line.startswith("ANSWER "))
    finished = f"job sync_warehouse #{answered['job']} succeeded"
    deadline = time.monotonic() + 60
    while finished not in stdout.read_text() and time.monotonic() < deadline:
        time.sleep(0.25)

    assert (answered["status"], answered["id"]) == (202, "req-from-the-proxy-1")
    lines = [json.loads(line) for line in stdout.read_text().splitlines() if line]  # every line is JSON
    of_the_request = [
        (line["logger"], line["message"]) for line in lines if line["request_id"] == "req-from-the-proxy-1"
    ]
    assert ("analytics.services.jobs", f"job sync_warehouse #{answered['job']} started") in of_the_request
    assert ("analytics.services.jobs", finished) in of_the_request
    # The worker's own lines, outside any task, carry no request id.
    assert any(line["request_id"] is None and line["logger"] == "celery.apps.worker" for line in lines)
