"""Under gunicorn, identical requests for a question the warehouse cannot answer get a 503
at once and leave the workers free: the health check keeps answering."""

import os
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

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def run_manage(environment: dict[str, str], *arguments: str) -> str:
    """manage.py in a child process; its output (fails the test on error)."""
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def timed_get(url: str, headers: dict[str, str]) -> tuple[int, float]:
    """(status, seconds) of one GET."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


@pytest.fixture
def served(tmp_path: Path, redis_url: str) -> Iterator[tuple[str, str, Path]]:
    """gunicorn with two workers on a published warehouse and a shared Redis cache, and a token."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'folio.sqlite3'}",
        "LAKE_URL": (tmp_path / "lake").as_uri(),
        "WAREHOUSE_URL": f"duckdb:///{tmp_path / 'warehouse'}",
        "REDIS_URL": redis_url,
        "API_LOG_PATH": str(tmp_path / "api.jsonl"),
    }
    run_manage(environment, "migrate", "--noinput", "--verbosity", "0")
    run_manage(environment, "generate_sales_data", "--books", "20", "--sales", "200", "--seed", "3")
    raw = run_manage(
        environment,
        "shell",
        "-c",
        "from django.contrib.auth.models import User;"
        "from analytics.services.tokens import api_token_create;"
        "from workspaces.services import member_set, workspace_default;"
        "probe = User.objects.create_user('probe');"
        "member_set(workspace=workspace_default(), user=probe, role='viewer');"
        "print(api_token_create(user=probe, workspace=workspace_default(), name='probe')[1])",
    ).splitlines()[-1]  # the shell may say what it imported first
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "120"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield base, raw, tmp_path / "warehouse"
    server.terminate()
    server.wait(timeout=30)


def test_identical_failing_requests_answer_503_fast_and_healthz_stays_up(served: tuple[str, str, Path]) -> None:
    base, raw, warehouse = served
    for published in warehouse.glob("generation-*.duckdb"):
        published.unlink()  # every question now fails: the warehouse file is gone
    results: list[tuple[int, float]] = []

    def ask() -> None:
        results.append(timed_get(f"{base}/api/analytics/summary", {"Authorization": f"Bearer {raw}"}))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    health = timed_get(f"{base}/healthz", {})
    for thread in threads:
        thread.join()

    assert [status for status, _ in results] == [503] * 4
    assert max(seconds for _, seconds in results) < 2.0
    assert health[0] == 200
    assert health[1] < 1.0
