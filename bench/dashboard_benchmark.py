"""Benchmark the dashboard in headless Chromium on benchmark-size data: how long the
Overview takes to be fully drawn after navigation, and a filter change to redraw.

Needs the 10M-sale database and warehouse of bench/warehouse_benchmark.py and a built
dashboard (`make frontend`). Starts gunicorn (local settings, DEBUG off) on a free port,
logs in through the login page, then measures with the browser's own clock
(performance.now(), whose origin is the navigation's start): the moment the page sets
<body data-ready="true">, i.e. every panel has drawn its data.

    .venv/bin/python bench/dashboard_benchmark.py --warehouse-url duckdb:///$PWD/var/bench-warehouse/warehouse
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent

# Records when <body data-ready> last became "true" / "false", on the page's own clock.
READY_OBSERVER = """
(() => {
  const observe = () => new MutationObserver(() => {
    const now = performance.now();
    if (document.body.dataset.ready === "true") window.__readyAt = now;
    else window.__busyAt = now;
  }).observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
  if (document.body) observe(); else document.addEventListener("DOMContentLoaded", observe);
})();
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(page: Page) -> float:
    """Wait for the page to be fully drawn; the browser's time of it (ms since navigation)."""
    page.wait_for_function(
        "document.body && document.body.dataset.ready === 'true' && window.__readyAt", timeout=30_000
    )
    return page.evaluate("window.__readyAt")


def main() -> None:
    """Print Markdown rows: overview load and filter-change redraw, medians of --runs."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/folio_bench")
    parser.add_argument("--warehouse-url", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--username", default="bench")
    parser.add_argument("--password", default="bench-password")
    options = parser.parse_args()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": options.database_url,
        "WAREHOUSE_URL": options.warehouse_url,
    }
    subprocess.run(
        [sys.executable, "manage.py", "demo_user", "--username", options.username, "--password", options.password],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--threads",
            "8",
            "--worker-class",
            "gthread",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        time.sleep(3)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=options.chromium,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=base)
            context.add_init_script(READY_OBSERVER)
            page = context.new_page()
            page.goto("/login")
            page.get_by_test_id("login-username").fill(options.username)
            page.get_by_test_id("login-password").fill(options.password)
            page.get_by_test_id("login-submit").click()
            page.get_by_test_id("logout").wait_for()
            first = []
            loads, changes, drills = [], [], []
            for run in range(options.runs):
                page.goto("/?preset=12m", wait_until="commit")
                loads.append(wait_ready(page))
                if run == 0:
                    first.append(loads.pop())
                    continue
                started = page.evaluate("performance.now()")
                page.get_by_test_id("filter-preset").select_option("30d" if run % 2 else "90d")
                page.wait_for_function(f"window.__busyAt > {started}", timeout=30_000)
                changes.append(wait_ready(page) - started)
                started = page.evaluate("performance.now()")
                page.get_by_test_id("filter-region").select_option(index=1 + run % 5)
                page.wait_for_function(f"window.__busyAt > {started}", timeout=30_000)
                drills.append(wait_ready(page) - started)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("| measurement | target | median | runs (ms) |")
    print("|---|---|---|---|")
    print(f"| Overview fully drawn, first visit (server cache cold) | | {first[0]:.0f} ms | {first[0]:.0f} |")
    print(
        f"| Overview fully drawn after navigation | ≤ 1,000 ms | {statistics.median(loads):.0f} ms "
        f"| {', '.join(f'{t:.0f}' for t in loads)} |"
    )
    print(
        f"| date preset changed → redrawn | ≤ 300 ms | {statistics.median(changes):.0f} ms "
        f"| {', '.join(f'{t:.0f}' for t in changes)} |"
    )
    print(
        f"| region filter changed → redrawn | ≤ 300 ms | {statistics.median(drills):.0f} ms "
        f"| {', '.join(f'{t:.0f}' for t in drills)} |"
    )


if __name__ == "__main__":
    main()
