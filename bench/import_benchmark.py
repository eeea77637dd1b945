"""Benchmark `import_sales` on PostgreSQL: a generated 1M-row sales CSV, wall time and peak memory.

The database is dropped and created fresh, migrated, given a few thousand books by
`generate_sales_data --sales 0`, and the CSV is written from those books' ISBNs and the
regions. Then `import_sales` runs twice: the first run creates every sale, the second
finds them all unchanged (the idempotence check, at full size). Prints Markdown rows.

`--sync-on-write off on` times the first import with write-triggered syncs off and on
(SYNC_ON_WRITE), alternating, each on a database emptied of sales by a fresh build; "on"
costs one request after the import's commit (see generate_benchmark.py).

    .venv/bin/python bench/import_benchmark.py [postgresql://postgres@127.0.0.1:5432/folio_import_bench] --rows 1000000
    .venv/bin/python bench/import_benchmark.py --rows 1000000 --sync-on-write off on --runs 3
"""

import argparse
import csv
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import psycopg
from generate_benchmark import ROOT, database_fresh, manage

SECONDS_IN_WINDOW = 5 * 365 * 86_400
WINDOW_START = 1_600_000_000  # 2020-09-13, so every sale lies in the past
OFFSETS = ("+00:00", "+01:00", "-05:00", "Z")


def sales_csv_write(database_url: str, path: Path, rows: int, seed: int) -> None:
    """A sales CSV of `rows` lines over the database's books and regions, prices to the cent."""
    with psycopg.connect(database_url) as connection:
        isbns = [row[0] for row in connection.execute("SELECT isbn13 FROM books_book ORDER BY id")]
        regions = [row[0] for row in connection.execute("SELECT code FROM books_region ORDER BY id")]
    rng = np.random.default_rng(seed)
    book = rng.zipf(1.3, rows) % len(isbns)
    region = rng.integers(0, len(regions), rows)
    epoch = WINDOW_START + rng.integers(0, SECONDS_IN_WINDOW, rows)
    micros = rng.integers(0, 1_000_000, rows)
    offset = rng.integers(0, len(OFFSETS), rows)
    quantity = rng.choice([1, 1, 1, 1, 2, 3], rows)
    price = rng.integers(499, 4999, rows)
    discount = np.where(rng.random(rows) < 0.2, price * quantity // 10, 0)
    stamps = np.datetime_as_string(epoch.astype("datetime64[s]") + micros.astype("timedelta64[us]"), unit="us")
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sold_at", "isbn", "region", "quantity", "unit_price", "discount", "channel"])
        for index in range(rows):
            writer.writerow(
                [
                    stamps[index] + OFFSETS[offset[index]],
                    isbns[book[index]],
                    regions[region[index]],
                    int(quantity[index]),
                    f"{price[index] / 100:.2f}",
                    f"{discount[index] / 100:.2f}",
                    "online" if index % 3 else "store",
                ]
            )


def catalogue_build(database_url: str, books: int) -> None:
    """A fresh, migrated database with `books` books and no sales (the same books every time: seed 3)."""
    database_fresh(database_url)
    manage(database_url, "migrate", "--noinput", "--verbosity", "0")
    manage(
        database_url,
        *("generate_sales_data", "--seed", "3", "--books", str(books), "--sales", "0", "--skip-upload"),
        sync_on_write="off",
    )


def main() -> None:
    """Build the database and the file, time two imports, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", nargs="?", default="postgresql://postgres@127.0.0.1:5432/folio_import_bench")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--books", type=int, default=5_000)
    parser.add_argument("--csv", type=Path, default=ROOT / "var" / "bench_sales.csv")
    parser.add_argument(
        "--sync-on-write",
        choices=["on", "off"],
        nargs="+",
        default=None,
        help="Time the first import with SYNC_ON_WRITE off/on, alternating (default: the two runs as before).",
    )
    parser.add_argument("--runs", type=int, default=1, help="With --sync-on-write: runs of each mode.")
    options = parser.parse_args()
    catalogue_build(options.database_url, options.books)
    options.csv.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # In a child process: a forked `manage.py` child inherits the parent's resident pages until
    # exec, and ru_maxrss counts them, so a parent holding the generator's arrays (256 MB at
    # 2M rows) inflated the import's measured peak memory by that much.
    writer = multiprocessing.get_context("spawn").Process(
        target=sales_csv_write, args=(options.database_url, options.csv, options.rows, 5)
    )
    writer.start()
    writer.join()
    if writer.exitcode != 0:
        raise SystemExit("writing the sales CSV failed")
    size_mb = options.csv.stat().st_size / 1e6
    print(f"  wrote {options.csv} ({size_mb:.0f} MB) in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if options.sync_on_write:
        print("| sync on write | rows | runs | median wall time | runs (s) | peak memory |")
        print("|---|---|---|---|---|---|")
        times: dict[str, list[float]] = {mode: [] for mode in options.sync_on_write}
        memory: dict[str, list[int]] = {mode: [] for mode in options.sync_on_write}
        for _ in range(options.runs):
            for mode in options.sync_on_write:
                catalogue_build(options.database_url, options.books)
                seconds, peak_mb, _ = manage(options.database_url, "import_sales", str(options.csv), sync_on_write=mode)
                times[mode].append(seconds)
                memory[mode].append(peak_mb)
                print(f"  sync on write {mode}: {seconds:.1f} s, {peak_mb} MB", file=sys.stderr)
        for mode in options.sync_on_write:
            runs = ", ".join(f"{t:.1f}" for t in times[mode])
            median = statistics.median(times[mode])
            print(
                f"| {mode} | {options.rows:,} | {len(times[mode])} | {median:.1f} s | {runs} | {max(memory[mode])} MB |"
            )
        return
    print("| run | rows | wall time | peak memory | summary |")
    print("|---|---|---|---|---|")
    for run in ("first (creates)", "second (unchanged)"):
        seconds, peak_mb, output = manage(options.database_url, "import_sales", str(options.csv))
        summary = output.strip().splitlines()[-1]
        print(f"| {run} | {options.rows:,} | {seconds:.1f} s | {peak_mb} MB | {summary} |")


if __name__ == "__main__":
    main()
