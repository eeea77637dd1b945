"""Benchmark the warehouse sync on a PostgreSQL transactional database of benchmark size.

Needs a database filled by `bench/generate_benchmark.py` (10M sales, 500K books). Measures:
1. a full refresh into DuckDB (`sync_warehouse --full`), from scratch each run;
2. an incremental sync after --changed sales are updated;
3. how long a new sale takes to be visible in the warehouse with a Celery worker and beat
   on the default schedule (filesystem broker, no server);
4. a rebuild from the lake alone (`sync_warehouse --from-lake`) into a new, empty DuckDB
   folder, and into a PostgreSQL warehouse when --rebuild-postgres-url names one (its
   tables are dropped first). Run it after `full` (and `incremental`): it rebuilds from
   the batches they left in the lake.

    .venv/bin/python bench/warehouse_benchmark.py --database-url postgresql://postgres@127.0.0.1:5432/folio_bench
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent


def manage(env: dict[str, str], *arguments: str) -> tuple[float, str]:
    """Run manage.py; return wall seconds and output."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments], check=False, cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started, done.stdout


def published(database_url: str) -> tuple[int, int] | None:
    """(generation number, fact_sales rows) of the newest published generation."""
    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT number, (rows->'fact_sales'->>'loaded')::bigint FROM analytics_generation"
            " WHERE status = 'published' ORDER BY number DESC LIMIT 1"
        ).fetchone()
    return tuple(row) if row else None


def published_sales(database_url: str) -> int:
    """The fact_sales rows of the newest published generation, which the latency part waits on."""
    newest = published(database_url)
    if newest is None:
        raise SystemExit("no published generation to measure against: run the full part first")
    return newest[1]


def main() -> None:
    """Run the three measurements and print Markdown rows."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/folio_bench")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--changed", type=int, default=100_000)
    parser.add_argument("--latency-samples", type=int, default=3)
    parser.add_argument("--work", default=str(ROOT / "var" / "bench-warehouse"))
    parser.add_argument(
        "--parts",
        default="full,incremental,latency",
        help="which measurements, comma-separated: full, incremental, latency, from-lake"
        " (the last three need a published generation)",
    )
    parser.add_argument("--rebuild-postgres-url", default="", help="also rebuild from the lake into this warehouse")
    options = parser.parse_args()
    work = Path(options.work)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": options.database_url,
        "LAKE_URL": (work / "lake").as_uri(),
        "WAREHOUSE_URL": f"duckdb:///{work / 'warehouse'}",
    }
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    parts = set(options.parts.split(","))
    if "full" in parts:
        full_refresh(options, work, env)
    if "incremental" in parts:
        incremental(options, env)
    if "latency" in parts:
        latency(options, work, env)
    if "from-lake" in parts:
        from_lake(options, work, env)


def full_refresh(options: argparse.Namespace, work: Path, env: dict[str, str]) -> None:
    """A full refresh from scratch, --runs times."""
    full_times = []
    for _ in range(options.runs):
        shutil.rmtree(work, ignore_errors=True)
        with psycopg.connect(options.database_url) as connection:
            connection.execute("DELETE FROM analytics_generation")
        seconds, output = manage(env, "sync_warehouse", "--full")
        full_times.append(seconds)
        print(f"  full refresh: {seconds:.1f} s\n{output}", file=sys.stderr)
    print(
        f"| full refresh into DuckDB | {statistics.median(full_times):.1f} s "
        f"| {', '.join(f'{t:.1f}' for t in full_times)} |"
    )


def incremental(options: argparse.Namespace, env: dict[str, str]) -> None:
    """An incremental sync after --changed sales were updated, --runs times."""
    incremental_times = []
    for _ in range(options.runs):
        with psycopg.connect(options.database_url) as connection:
            connection.execute(
                "UPDATE books_sale SET updated_at = now() WHERE id IN"
                " (SELECT id FROM books_sale ORDER BY random() LIMIT %s)",
                [options.changed],
            )
        seconds, output = manage(env, "sync_warehouse")
        incremental_times.append(seconds)
        print(f"  incremental: {seconds:.1f} s\n{output}", file=sys.stderr)
    print(
        f"| incremental sync, {options.changed:,} changed sales | {statistics.median(incremental_times):.1f} s"
        f" | {', '.join(f'{t:.1f}' for t in incremental_times)} |"
    )


def latency(options: argparse.Namespace, work: Path, env: dict[str, str]) -> None:
    """How long a new sale takes to reach the warehouse with a worker on the default schedule."""
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-B",
            "--pool=solo",
            "--loglevel=WARNING",
            "-s",
            str(work / "beat-schedule"),
        ],
        cwd=ROOT,
        env={**env, "CELERY_BROKER_URL": "filesystem://"},
    )
    latencies = []
    try:
        time.sleep(5)
        for sample in range(options.latency_samples):
            before = published_sales(options.database_url)
            manage(
                env, "generate_sales_data", "--books", "1", "--sales", "1", "--seed", str(100 + sample), "--skip-upload"
            )
            committed = time.monotonic()
            while published_sales(options.database_url) != before + 1:
                time.sleep(0.2)
            latencies.append(time.monotonic() - committed)
            print(f"  new sale visible after {latencies[-1]:.1f} s", file=sys.stderr)
            time.sleep(7 + 11 * sample % 40)  # commit at different points of the schedule
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    print(
        f"| new sale visible (default schedule) | {statistics.median(latencies):.1f} s | "
        f"{', '.join(f'{t:.1f}' for t in latencies)} |"
    )


def from_lake(options: argparse.Namespace, work: Path, env: dict[str, str]) -> None:
    """`sync_warehouse --from-lake` into an empty warehouse, --runs times per backend."""
    targets = {"DuckDB": lambda run: f"duckdb:///{work / f'rebuilt-{run}'}"}
    if options.rebuild_postgres_url:
        targets["PostgreSQL"] = lambda run: options.rebuild_postgres_url
    for name, url_of in targets.items():
        times = []
        for run in range(options.runs):
            url = url_of(run)
            if url.startswith("postgresql"):
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute("DROP SCHEMA public CASCADE")
                    connection.execute("CREATE SCHEMA public")
            seconds, output = manage({**env, "WAREHOUSE_URL": url}, "sync_warehouse", "--from-lake")
            times.append(seconds)
            print(f"  from the lake into {name}: {seconds:.1f} s\n{output}", file=sys.stderr)
            shutil.rmtree(work / f"rebuilt-{run}", ignore_errors=True)
        print(
            f"| rebuild from the lake into {name} | {statistics.median(times):.1f} s"
            f" | {', '.join(f'{t:.1f}' for t in times)} |"
        )


if __name__ == "__main__":
    main()
