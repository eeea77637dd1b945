"""Benchmark `generate_sales_data` on PostgreSQL and SQLite: wall time and peak memory.

Each run starts from an empty, freshly migrated database, so every run measures the
same work. Prints one Markdown row per database (and per --sync-on-write mode) with the
median of the runs.

`--sync-on-write off on` measures the generator with write-triggered syncs off and on
(SYNC_ON_WRITE), alternating within each run so that both see the same machine: "on" costs
one request after the commit (a row update and one message to the configured broker,
var/celery by default; a worker left running on that broker would then sync).

    .venv/bin/python bench/generate_benchmark.py --books 500000 --sales 10000000 --runs 3
    .venv/bin/python bench/generate_benchmark.py --books 500000 --sales 10000000 --runs 3 --sync-on-write off on
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def database_fresh(url: str) -> None:
    """Drop and create the benchmark database named in a PostgreSQL URL."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(database_url: str, *arguments: str, sync_on_write: str | None = None) -> tuple[float, int, str]:
    """Run a manage.py command; return its wall seconds, peak RSS in MB and output.
    `sync_on_write` ("on"/"off") sets SYNC_ON_WRITE for it; None leaves the environment's."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    if sync_on_write is not None:
        env["SYNC_ON_WRITE"] = "true" if sync_on_write == "on" else "false"
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.read().decode() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


def main() -> None:
    """Run the benchmark and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=500_000)
    parser.add_argument("--sales", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/folio_bench")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench.sqlite3"))
    parser.add_argument("--only", choices=["postgresql", "sqlite"], default=None)
    parser.add_argument(
        "--sync-on-write",
        choices=["on", "off"],
        nargs="+",
        default=["on"],
        help="SYNC_ON_WRITE for the timed command; several modes alternate within each run (default: on).",
    )
    options = parser.parse_args()
    generate = [
        "generate_sales_data",
        "--seed",
        "3",
        "--end-date",
        "2025-12-31",
        "--books",
        str(options.books),
        "--sales",
        str(options.sales),
        "--skip-upload",
        "--verbosity",
        "1",
    ]
    targets = {"postgresql": options.postgres_url, "sqlite": f"sqlite:///{options.sqlite_path}"}
    print("| database | sync on write | runs | median wall time | runs (s) | peak memory | revenue reported |")
    print("|---|---|---|---|---|---|---|")
    for vendor, url in targets.items():
        if options.only and vendor != options.only:
            continue
        times: dict[str, list[float]] = {mode: [] for mode in options.sync_on_write}
        memory: dict[str, list[int]] = {mode: [] for mode in options.sync_on_write}
        revenue = ""
        for _ in range(options.runs):
            for mode in options.sync_on_write:
                if vendor == "postgresql":
                    database_fresh(url)
                else:
                    for suffix in ("", "-wal", "-shm"):
                        Path(options.sqlite_path + suffix).unlink(missing_ok=True)
                manage(url, "migrate", "--noinput", "--verbosity", "0")
                seconds, peak_mb, output = manage(url, *generate, sync_on_write=mode)
                times[mode].append(seconds)
                memory[mode].append(peak_mb)
                revenue = output.split("revenue ")[1].split(")")[0]
                print(f"  {vendor}, sync on write {mode}: {seconds:.1f} s, {peak_mb} MB", file=sys.stderr)
        for mode in options.sync_on_write:
            runs = ", ".join(f"{t:.1f}" for t in times[mode])
            median, peak = statistics.median(times[mode]), max(memory[mode])
            print(f"| {vendor} | {mode} | {len(times[mode])} | {median:.1f} s | {runs} | {peak} MB | {revenue} |")


if __name__ == "__main__":
    main()
