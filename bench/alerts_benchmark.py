"""Benchmark publish → reached: how long from a published generation until its webhook request
arrives at a receiver, and until the alert it fired is at the receiver and its email is
accepted by an SMTP server, with 100 alerts defined.

Self-contained, like bench/live_benchmark.py (whose helpers it uses): a scratch FOLIO_VAR_DIR,
the demo's processes (`manage.py runserver`; `celery -A config worker -B --pool=solo`), a shop
of --books/--sales up to today, synced once. In this process: an HTTP receiver and an SMTP
server (aiosmtpd) on loopback. Through the API: one webhook (every event) to the receiver and
100 alerts: --firing of them watch today's revenue (`summary`, window `1d`) with staggered
thresholds one --step apart, the others watch ten other answers (a week's revenue, a region's
change, the daily anomaly band, a department's budget use…) with thresholds they do not cross.
Each sample records one sale of --step through `POST /api/sales/`, which crosses exactly one
more threshold: the write-triggered sync publishes a generation, the evaluation fires that one
alert, its email goes out and the webhooks carry `generation.published` and `alert.fired`.

A sample's times run from the generation's publish (`occurred_at` of its
`generation.published` body: the moment the sync recorded it, just before its commit) to the
request's arrival at the receiver, and to the end of the email's DATA at the SMTP server.

    .venv/bin/python bench/alerts_benchmark.py --mode embedded --samples 20
    .venv/bin/python bench/alerts_benchmark.py --mode services --samples 20
"""

import argparse
import email
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar

from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live_benchmark import (
    CELERY,
    PYTHON,
    answering,
    api_get,
    book_and_region,
    database_recreate,
    free_port,
    manage,
    redis_flush,
    sale_post,
    started,
)

T = TypeVar("T")

USERNAME = "bench"
EMAIL = "bench@example.com"
ALERTS = 100
EVENTS = ["generation.published", "alert.fired", "alert.resolved", "import.finished", "sync.failed"]
# The alerts that never fire: question, params, value, condition, window, threshold.
QUIET = [
    ("summary", {}, {"field": "revenue"}, "below", "7d", "0"),
    ("summary", {}, {"field": "orders"}, "change_below", "4w", "-99"),
    ("timeseries", {"granularity": "week"}, {"field": "revenue", "bucket": "last_complete"}, "below", "12w", "0"),
    ("timeseries", {"granularity": "day"}, {"field": "revenue", "bucket": "last_complete"}, "anomaly", "", None),
    ("timeseries", {"granularity": "month"}, {"field": "revenue"}, "seasonal", "", "100000"),
    ("sales-by-region", {}, {"field": "revenue", "row": {"region": "{region}"}}, "change_below", "4w", "-100"),
    ("sales-by-region", {}, {"field": "units", "row": {"region": "{region}"}}, "below", "3m", "0"),
    ("top-books", {"limit": "10"}, {"field": "revenue", "row": {"isbn13": "{isbn}"}}, "above", "", "1000000000"),
    ("summary", {}, {"field": "average_order_value"}, "above", "1d", "1000000000"),
    ("timeseries", {"granularity": "quarter"}, {"field": "units", "bucket": "last"}, "below", "", "0"),
]


def main() -> None:
    """Prepare the processes, receivers, webhook and alerts; take the samples; print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mode", choices=["embedded", "services"], default="embedded")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--firing", type=int, default=50, help="of the 100 alerts, those a sample can fire")
    parser.add_argument("--step", type=Decimal, default=Decimal("1000.00"), help="each sample's sale amount")
    parser.add_argument("--spread", type=float, default=3.0, help="the longest random wait before a sample (s)")
    parser.add_argument("--books", type=int, default=500)
    parser.add_argument("--sales", type=int, default=20_000)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/folio_alerts_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (and the processes' logs in it)")
    parser.add_argument("--log-level", default="WARNING")
    arguments = parser.parse_args()
    if arguments.samples > arguments.firing:
        sys.exit("--samples may not exceed --firing: each sample fires one more alert")

    received = Received()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), received.handler())
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    smtp = Controller(received, hostname="127.0.0.1", port=free_port())
    smtp.start()

    scratch = Path(tempfile.mkdtemp(prefix="folio-alerts-bench-"))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "FOLIO_VAR_DIR": str(scratch),
        "SYNC_ON_WRITE": "true",
        "LOG_LEVEL": arguments.log_level,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "FOLIO_BASE_URL": base_url,
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "CHANNEL_LAYER_URL", "WAREHOUSE_URL"):
        env.pop(name, None)
    if arguments.mode == "services":
        database_recreate(arguments.database_url)
        redis_flush(arguments.redis_url)
        redis_flush(arguments.broker_url)
        env.update(
            DATABASE_URL=arguments.database_url, REDIS_URL=arguments.redis_url, CELERY_BROKER_URL=arguments.broker_url
        )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        token = shop_prepare(env, arguments.books, arguments.sales)
        logs = scratch / "logs"
        logs.mkdir()
        processes.append(
            started([PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env, logs / "web")
        )
        worker = [CELERY, "-A", "config", "worker", "-B", "--pool=solo", f"--loglevel={arguments.log_level}"]
        processes.append(started(worker, env, logs / "worker"))
        answering(f"{base_url}/healthz")
        api_post(
            f"{base_url}/api/webhooks/",
            token,
            {"url": f"http://127.0.0.1:{receiver.server_port}/hook", "events": EVENTS},
        )
        names = alerts_define(base_url, token, arguments)
        samples = samples_take(base_url, token, names, received, arguments)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        smtp.stop()
        receiver.shutdown()
        if arguments.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    report(arguments, samples)


class Received:
    """What the receiver and the SMTP server got, with the time each arrived."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.hooks: list[tuple[float, dict]] = []
        self.mails: list[tuple[float, str]] = []

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The receiver's request handler: note the body and its arrival, answer 204."""
        received = self

        class Hook(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                at = time.time()
                with received.lock:
                    received.hooks.append((at, json.loads(body)))
                    received.lock.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        return Hook

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        """aiosmtpd's hook: the message is accepted now."""
        at = time.time()
        subject = email.message_from_bytes(envelope.content)["Subject"]  # type: ignore[attr-defined]
        with self.lock:
            self.mails.append((at, str(subject)))
            self.lock.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, found: Callable[[], T | None], seconds: float = 120) -> T:
        """The first thing `found` returns that is not None, waiting for arrivals."""
        deadline = time.monotonic() + seconds
        with self.lock:
            while (value := found()) is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    sys.exit("timed out waiting for a webhook request or an email")
                self.lock.wait(left)
        return value


def shop_prepare(env: dict[str, str], books: int, sales: int) -> str:
    """Migrate, generate the shop up to today, sync once; the bench admin's API token."""
    manage(env, "migrate", "--noinput", "-v", "0")
    today = datetime.now(UTC).date().isoformat()
    manage(env, "generate_sales_data", "--seed", "7", "--books", str(books), "--sales", str(sales), "--end-date", today)
    manage(env, "generate_finance_data", "--seed", "7")
    script = (
        "from django.contrib.auth.models import User\n"
        "from analytics.services.tokens import api_token_create\n"
        "from workspaces.services import member_set, workspace_default\n"
        f"user = User.objects.create_user({USERNAME!r}, email={EMAIL!r})\n"
        "member_set(workspace=workspace_default(), user=user, role='admin')\n"
        "print(api_token_create(user=user, workspace=workspace_default(), name='alerts bench')[1])\n"
    )
    return manage(env, "shell", "-c", script).strip().splitlines()[-1]


def alerts_define(base_url: str, token: str, arguments: argparse.Namespace) -> list[str]:
    """The 100 alerts; the names of the firing ones, in the order the samples fire them."""
    isbn, region = book_and_region(base_url, token)
    today = api_post(
        f"{base_url}/api/alerts/",
        token,
        alert_body("today 0", "summary", {}, {"field": "revenue"}, "above", "1d", "1000000000"),
    )
    now = Decimal(api_post(f"{base_url}/api/alerts/{today['id']}/test/", token, {})["value"])
    names = []
    for index in range(arguments.firing):
        name = f"today {index}"
        threshold = now + arguments.step * index + arguments.step / 2
        if index == 0:
            api_request("PATCH", f"{base_url}/api/alerts/{today['id']}/", token, {"threshold": str(threshold)})
        else:
            body = alert_body(name, "summary", {}, {"field": "revenue"}, "above", "1d", str(threshold))
            api_post(f"{base_url}/api/alerts/", token, body)
        names.append(name)
    for index in range(ALERTS - arguments.firing):
        question, params, value, condition, window, threshold = QUIET[index % len(QUIET)]
        value = json.loads(json.dumps(value).replace("{region}", region).replace("{isbn}", isbn))
        api_post(
            f"{base_url}/api/alerts/",
            token,
            alert_body(f"quiet {index}", question, params, value, condition, window, threshold),
        )
    listed: object = api_get(f"{base_url}/api/alerts/", token)
    count = len(listed) if isinstance(listed, list) else listed["count"]  # type: ignore[index]
    if count != ALERTS:
        sys.exit(f"expected {ALERTS} alerts, the API lists {count}")
    return names


def alert_body(
    name: str, question: str, params: dict, value: dict, condition: str, window: str, threshold: str | None
) -> dict:
    """An alert as POST /api/alerts/ takes it."""
    body = {"name": name, "question": question, "params": params, "value": value, "condition": condition}
    if window:
        body["window"] = window
    if threshold is not None:
        body["threshold"] = threshold
    return body


def samples_take(
    base_url: str, token: str, names: list[str], received: Received, arguments: argparse.Namespace
) -> list[tuple[float, float, float]]:
    """One sale per sample; for each, publish → generation.published, → alert.fired, → email (s)."""
    isbn, region = book_and_region(base_url, token)
    samples = []
    for number in range(arguments.samples):
        time.sleep(random.uniform(0, arguments.spread))
        sale_post(base_url, token, isbn, region, arguments.step)
        name = names[number]
        fired_at, fired = received.wait_for(partial(_hook_of_alert, received, name))
        mailed_at = received.wait_for(partial(_mail_of_alert, received, name))
        published_at, published = received.wait_for(partial(_hook_of_generation, received, fired["generation"]))
        publish = datetime.fromisoformat(published["occurred_at"]).timestamp()
        samples.append((published_at - publish, fired_at - publish, mailed_at - publish))
        print(
            f"sample {number + 1}: generation {fired['generation']}: webhook {samples[-1][0]:.2f} s, "
            f"alert.fired {samples[-1][1]:.2f} s, email {samples[-1][2]:.2f} s",
            flush=True,
        )
    return samples


def _hook_of_alert(received: Received, name: str) -> tuple[float, dict] | None:
    for at, body in received.hooks:
        if body.get("event") == "alert.fired" and body.get("alert", {}).get("name") == name:
            return at, body
    return None


def _hook_of_generation(received: Received, generation: int) -> tuple[float, dict] | None:
    for at, body in received.hooks:
        if body.get("event") == "generation.published" and body.get("generation") == generation:
            return at, body
    return None


def _mail_of_alert(received: Received, name: str) -> float | None:
    for at, subject in received.mails:
        if f"{name}:" in subject and "firing" in subject:
            return at
    return None


def api_post(url: str, token: str, body: dict) -> dict:
    """A POST of the API with the token; the decoded answer."""
    return api_request("POST", url, token, body)


def api_request(method: str, url: str, token: str, body: dict) -> dict:
    """A request of the API with a JSON body; the decoded answer (stops the run on an error)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        sys.exit(f"{method} {url} answered {error.code}: {error.read().decode()[:500]}")


def report(arguments: argparse.Namespace, samples: list[tuple[float, float, float]]) -> None:
    """p50, p95 (nearest rank) and max of each figure over the samples."""
    for index, what in enumerate(("generation.published webhook", "alert.fired webhook", "email accepted")):
        ordered = sorted(sample[index] for sample in samples)
        p95 = ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]
        print(
            f"| {arguments.mode} | {what} | {len(ordered)} | {statistics.median(ordered):.2f} s | {p95:.2f} s"
            f" | {ordered[-1]:.2f} s |"
        )


if __name__ == "__main__":
    main()
