"""Benchmark commit → visible: how long from a sale's commit until an open dashboard in
Chromium shows the new revenue, with nobody reloading the page.

Self-contained: a scratch FOLIO_VAR_DIR, the demo's processes (`manage.py runserver`, which
daphne serves: pages, API and the events socket; `celery -A config worker -B --pool=solo`),
a shop of --books/--sales synced once, a signed-in Overview over all the data in headless
Chromium, then --samples sales recorded through `POST /api/sales/`, each after a random
wait of up to --spread seconds so that the samples fall anywhere in the write-triggered
syncs' minimum interval and the beat's schedule. A sample's time runs from just before the
POST is sent (the commit is inside it, so the figure errs long) to the moment the page's
revenue figure changed to the new total (a MutationObserver in the page notes it).

    --mode embedded   SQLite, kombu's filesystem broker, the local-memory cache, the in-memory
                      channel layer and its database watcher: the laptop default, no server
    --mode services   PostgreSQL (--database-url, recreated), Redis (--redis-url: cache and
                      channel layer) and Celery on Redis (--broker-url)

    .venv/bin/python bench/live_benchmark.py --mode embedded --samples 20
    .venv/bin/python bench/live_benchmark.py --mode services --samples 20
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CELERY = str(ROOT / ".venv" / "bin" / "celery")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
USERNAME, PASSWORD = "bench", "bench-password-live"


def main() -> None:
    """Prepare the processes and the page, take the samples, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mode", choices=["embedded", "services"], default="embedded")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--spread", type=float, default=6.0, help="the longest random wait before a sample (s)")
    parser.add_argument("--books", type=int, default=500)
    parser.add_argument("--sales", type=int, default=20_000)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/folio_live_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (and the processes' logs in it)")
    parser.add_argument("--log-level", default="WARNING", help="the web's and the worker's (INFO shows every sync)")
    arguments = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="folio-live-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "FOLIO_VAR_DIR": str(scratch),
        "SYNC_ON_WRITE": "true",
        "LOG_LEVEL": arguments.log_level,
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
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        logs = scratch / "logs"
        logs.mkdir()
        web = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        processes.append(started(web, env, logs / "web"))
        processes.append(
            started(
                [CELERY, "-A", "config", "worker", "-B", "--pool=solo", f"--loglevel={arguments.log_level}"],
                env,
                logs / "worker",
            )
        )
        answering(f"{base_url}/healthz")
        latencies = samples_take(base_url, token, arguments)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if arguments.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    report(arguments, latencies)


def database_recreate(url: str) -> None:
    """Drop and create the services mode's PostgreSQL database."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def redis_flush(url: str) -> None:
    """Empty the Redis database of the cache or the broker."""
    import redis

    redis.Redis.from_url(url).flushdb()


def manage(env: dict[str, str], *arguments: str) -> str:
    """Run a management command to its end; its output."""
    done = subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def shop_prepare(env: dict[str, str], books: int, sales: int) -> str:
    """Migrate, generate the shop up to today, sync once, and make the bench analyst; its API token."""
    manage(env, "migrate", "--noinput", "-v", "0")
    today = datetime.now(UTC).date().isoformat()
    manage(env, "generate_sales_data", "--seed", "7", "--books", str(books), "--sales", str(sales), "--end-date", today)
    script = (
        "from django.contrib.auth.models import User\n"
        "from analytics.services.tokens import api_token_create\n"
        "from workspaces.services import member_set, workspace_default\n"
        f"user = User.objects.create_user({USERNAME!r}, password={PASSWORD!r})\n"
        "member_set(workspace=workspace_default(), user=user, role='analyst')\n"
        "print(api_token_create(user=user, workspace=workspace_default(), name='live bench')[1])\n"
    )
    return manage(env, "shell", "-c", script).strip().splitlines()[-1]


def free_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def started(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A process of the stack, its output in the scratch folder."""
    handle = open(log.with_suffix(".log"), "wb")  # noqa: SIM115  closed with the process
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)


def answering(url: str, seconds: float = 60) -> None:
    """Wait until the server answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    sys.exit(f"{url} did not answer within {seconds:.0f} s")


def samples_take(base_url: str, token: str, arguments: argparse.Namespace) -> list[float]:
    """Open the dashboard, then record one sale per sample and time it onto the page."""
    from playwright.sync_api import expect, sync_playwright

    isbn, region = book_and_region(base_url, token)
    latencies: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=base_url).new_page()
        page.goto("/login")
        page.get_by_test_id("login-username").fill(USERNAME)
        page.get_by_test_id("login-password").fill(PASSWORD)
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("logout")).to_be_visible()
        page.goto("/?preset=all")
        expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=30_000)
        expect(page.get_by_test_id("live-status")).to_have_text("Live", timeout=30_000)
        page.evaluate(
            """() => {
                window.revenueSeen = [];
                const figure = () => document.querySelector('[data-testid="kpi-revenue-value"]');
                new MutationObserver(() => {
                    const value = figure() && figure().getAttribute("data-value");
                    const seen = window.revenueSeen;
                    if (value && (!seen.length || seen[seen.length - 1].value !== value)) {
                        seen.push({value, at: Date.now()});
                    }
                }).observe(document.body, {subtree: true, attributes: true, childList: true});
            }"""
        )
        for number in range(arguments.samples):
            time.sleep(random.uniform(0, arguments.spread))
            before = Decimal(page.get_by_test_id("kpi-revenue-value").get_attribute("data-value") or "0")
            price = Decimal("1.00") + Decimal(number) / 100
            sent = time.time() * 1000
            amount = sale_post(base_url, token, isbn, region, price)
            expected = str(before + amount)
            page.wait_for_function(
                "(expected) => window.revenueSeen.some((seen) => seen.value === expected)", arg=expected, timeout=60_000
            )
            shown = page.evaluate(
                "(expected) => window.revenueSeen.find((seen) => seen.value === expected).at", expected
            )
            latencies.append((shown - sent) / 1000)
            print(f"sample {number + 1}: {latencies[-1]:.2f} s", flush=True)
        expect(page.get_by_test_id("live-status")).to_have_text("Live")
        browser.close()
    return latencies


def book_and_region(base_url: str, token: str) -> tuple[str, str]:
    """A book and a region of the shop, from its own top-books answer and filter options."""
    top = api_get(f"{base_url}/api/analytics/top-books?limit=1", token)
    options = api_get(f"{base_url}/api/analytics/finance/initialise", token)
    return top["results"][0]["isbn13"], options["result"]["regions"][0]["code"]


def api_get(url: str, token: str) -> dict:
    """A GET of the API with the token."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def sale_post(base_url: str, token: str, isbn: str, region: str, price: Decimal) -> Decimal:
    """Record one copy at the price, sold now; its amount."""
    body = {"isbn13": isbn, "region": region, "sold_at": datetime.now(UTC).isoformat(), "quantity": 1}
    body["unit_price"] = str(price)
    request = urllib.request.Request(
        f"{base_url}/api/sales/",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return Decimal(json.loads(response.read())["amount"])


def report(arguments: argparse.Namespace, latencies: list[float]) -> None:
    """p50, p95 (nearest rank), max over the samples."""
    ordered = sorted(latencies)
    p95 = ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]
    print(
        f"| {arguments.mode} | {len(ordered)} | {statistics.median(ordered):.2f} s | {p95:.2f} s"
        f" | {ordered[-1]:.2f} s | {ordered[0]:.2f} s |"
    )


if __name__ == "__main__":
    main()
