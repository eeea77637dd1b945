"""Benchmark the analytics API on benchmark-size data: uncached and cached answer times.

Needs a transactional database with a published generation (run bench/warehouse_benchmark.py
first: 10M sales synced into DuckDB). Requests go through Django's whole stack in-process
(middleware, authentication, throttle, view, runner, renderer); the figure is the server's
own API-Process-Time header, medians of --runs requests. "Uncached" clears the cache
before each request; "cached" repeats the same request.

    .venv/bin/python bench/api_benchmark.py --database-url postgresql://postgres@127.0.0.1:5432/folio_bench \
        --warehouse-url duckdb:///var/bench-warehouse/warehouse
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

QUESTIONS = (
    ("summary for one year", "summary?start=2025-01-01&end=2026-01-01"),
    ("monthly revenue, 5 years", "timeseries?granularity=month&start=2021-01-01&end=2026-01-01"),
    ("top 10 books for a year", "top-books?limit=10&start=2025-01-01&end=2026-01-01"),
    ("revenue by region", "sales-by-region"),
    ("revenue by genre", "sales-by-genre"),
)


def main() -> None:
    """Print one Markdown row per question: uncached and cached medians (ms)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/folio_bench")
    parser.add_argument("--warehouse-url", required=True)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=options.database_url,
        WAREHOUSE_URL=options.warehouse_url,
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.test import Client

    user, _ = User.objects.get_or_create(username="bench")
    client = Client()
    client.force_login(user)
    client.get("/api/analytics/freshness")  # opens the warehouse file once
    print("| question | uncached median | cached median | uncached runs (ms) |")
    print("|---|---|---|---|")
    for name, path in QUESTIONS:
        uncached, cached = [], []
        for _ in range(options.runs):
            cache.clear()
            response = client.get(f"/api/analytics/{path}")
            assert response.status_code == 200 and response["X-Cache"] == "MISS", response.content[:300]
            uncached.append(float(response["API-Process-Time"]))
        for _ in range(options.runs):
            response = client.get(f"/api/analytics/{path}")
            assert response["X-Cache"] == "HIT"
            cached.append(float(response["API-Process-Time"]))
        print(
            f"| {name} | {statistics.median(uncached):.1f} ms | {statistics.median(cached):.2f} ms |"
            f" {', '.join(f'{ms:.0f}' for ms in uncached)} |"
        )


if __name__ == "__main__":
    main()
