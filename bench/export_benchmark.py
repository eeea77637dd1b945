"""Benchmark a repeated large export: the 36,525-row daily time series of 100 years as
XLSX (and CSV), asked several times in a row as one user would re-download it.

Self-contained: a scratch SQLite database, lake and DuckDB warehouse in a temporary
folder, 2,000 generated sales, one sync; requests go through Django's whole stack
in-process. Prints the wall time of each request and the median of the repeats (the
first request computes the answer; the repeats find it cached).

    .venv/bin/python bench/export_benchmark.py --repeats 5
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = "/api/analytics/timeseries?granularity=day&start=1926-01-01&end=2026-01-01&format={export}"


def main() -> None:
    """Set up the scratch project, then time the exports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="requests after the first, per format")
    arguments = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="folio-export-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{scratch / 'folio.sqlite3'}",
        LAKE_URL=(scratch / "lake").as_uri(),
        WAREHOUSE_URL=f"duckdb:///{scratch / 'warehouse'}",
        API_LOG_PATH=str(scratch / "api.jsonl"),
        API_THROTTLE_RATE="100000/min",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from datetime import date

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from analytics.sync import warehouse_sync
    from books.services.generation import SalesDataSpec, sales_data_generate

    call_command("migrate", verbosity=0)
    sales_data_generate(spec=SalesDataSpec(books=50, sales=2000, seed=3, years=1, end_date=date(2025, 12, 31)))
    warehouse_sync()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.create_user("bench", password="bench-password"))
    for export in ("xlsx", "csv"):
        seconds = []
        for _ in range(1 + arguments.repeats):
            started = time.perf_counter()
            response = client.get(PATH.format(export=export))
            seconds.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content[:200]
        print(
            f"{export}: first {seconds[0]:.3f} s, repeats {', '.join(f'{s:.3f}' for s in seconds[1:])},"
            f" median of repeats {statistics.median(seconds[1:]):.3f} s, {len(response.content):,} bytes"
        )


if __name__ == "__main__":
    main()
