"""Benchmark the analytics API on benchmark-size data, uncached and cached, against the
same questions asked of the transactional PostgreSQL tables.

Needs a transactional PostgreSQL database with a published generation (run
bench/warehouse_benchmark.py first: 10M sales synced into DuckDB; generate_finance_data
for the ledger endpoints). Requests go through Django's whole stack in-process
(middleware, authentication, throttle, view, runner, renderer); the figure is the
server's own API-Process-Time header. "Uncached" clears the cache before each request and
caches only the filter options again (they are answered once per generation, and warmed
after each load); "cached" repeats the same request. Percentiles are nearest-rank over
--runs requests.

    .venv/bin/python bench/api_benchmark.py --database-url postgresql://postgres@127.0.0.1:5432/folio_bench \
        --warehouse-url duckdb:///$PWD/var/bench-warehouse/warehouse
"""

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent

# (name, API path, the same question over the transactional tables or None)
QUESTIONS = (
    (
        "summary for one year",
        "summary?start=2025-01-01&end=2026-01-01",
        (
            "SELECT SUM(amount), SUM(quantity), COUNT(*) FROM books_sale"
            " WHERE sold_at >= '2024-01-01' AND sold_at < '2026-01-01' GROUP BY sold_at >= '2025-01-01'"
        ),
    ),
    (
        "monthly revenue, 5 years",
        "timeseries?granularity=month&start=2021-01-01&end=2026-01-01",
        (
            "SELECT date_trunc('month', sold_at), SUM(amount), SUM(quantity), COUNT(*) FROM books_sale"
            " WHERE sold_at >= '2021-01-01' AND sold_at < '2026-01-01' GROUP BY 1 ORDER BY 1"
        ),
    ),
    (
        "top 10 books for a year",
        "top-books?limit=10&start=2025-01-01&end=2026-01-01",
        (
            "SELECT s.book_id, b.title, SUM(s.amount) AS revenue"
            " FROM books_sale s JOIN books_book b ON b.id = s.book_id"
            " WHERE s.sold_at >= '2025-01-01' AND s.sold_at < '2026-01-01' GROUP BY s.book_id, b.title"
            " ORDER BY revenue DESC LIMIT 10"
        ),
    ),
    (
        "top 10 books, all data",
        "top-books?limit=10",
        (
            "SELECT s.book_id, b.title, SUM(s.amount) AS revenue"
            " FROM books_sale s JOIN books_book b ON b.id = s.book_id GROUP BY s.book_id, b.title"
            " ORDER BY revenue DESC LIMIT 10"
        ),
    ),
    (
        "top 10 books, 90 days",
        "top-books?limit=10&start=2025-10-03&end=2026-01-01",
        (
            "SELECT s.book_id, b.title, SUM(s.amount) AS revenue"
            " FROM books_sale s JOIN books_book b ON b.id = s.book_id"
            " WHERE s.sold_at >= '2025-10-03' AND s.sold_at < '2026-01-01' GROUP BY s.book_id, b.title"
            " ORDER BY revenue DESC LIMIT 10"
        ),
    ),
    (
        "top 10 books, 18 months",
        "top-books?limit=10&start=2024-07-01&end=2026-01-01",
        (
            "SELECT s.book_id, b.title, SUM(s.amount) AS revenue"
            " FROM books_sale s JOIN books_book b ON b.id = s.book_id"
            " WHERE s.sold_at >= '2024-07-01' AND s.sold_at < '2026-01-01' GROUP BY s.book_id, b.title"
            " ORDER BY revenue DESC LIMIT 10"
        ),
    ),
    (
        "top 10 books in one region, a year",
        "top-books?limit=10&start=2025-01-01&end=2026-01-01&region=FR",
        (
            "SELECT s.book_id, b.title, SUM(s.amount) AS revenue"
            " FROM books_sale s JOIN books_book b ON b.id = s.book_id JOIN books_region r ON r.id = s.region_id"
            " WHERE s.sold_at >= '2025-01-01' AND s.sold_at < '2026-01-01' AND r.code = 'FR'"
            " GROUP BY s.book_id, b.title ORDER BY revenue DESC LIMIT 10"
        ),
    ),
    (
        "revenue by region",
        "sales-by-region",
        (
            "SELECT r.code, SUM(s.amount), SUM(s.quantity), COUNT(*) FROM books_sale s"
            " JOIN books_region r ON r.id = s.region_id GROUP BY r.code"
        ),
    ),
    (
        "revenue by genre",
        "sales-by-genre",
        (
            "SELECT b.genre_id, SUM(s.amount), SUM(s.quantity), COUNT(*) FROM books_sale s"
            " JOIN books_book b ON b.id = s.book_id GROUP BY b.genre_id"
        ),
    ),
    ("filter options", "finance/initialise", None),
    ("top ROI departments", "finance/top-roi", None),
    ("top budget departments", "finance/top-budget", None),
    ("revenue and expenses by month", "finance/revenue-expenses?granularity=month", None),
    ("net profit by quarter", "finance/net-profit?granularity=quarter", None),
    ("fund table", "finance/fund-table", None),
    ("statement: profit", "statement/profit", None),
    ("statement: expenses by poste", "statement/expenses-by-poste", None),
)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def postgres_seconds(database_url: str, sql: str, runs: int) -> float:
    """Median wall time of a query over the transactional tables."""
    times = []
    with psycopg.connect(database_url) as connection:
        for _ in range(runs):
            started = time.perf_counter()
            connection.execute(sql).fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Print one Markdown row per question."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/folio_bench")
    parser.add_argument("--warehouse-url", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres-runs", type=int, default=3, help="0: skip the transactional comparison")
    parser.add_argument("--only", default="", help="only the questions whose name contains this text")
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

    from workspaces.services import member_set, workspace_default

    user, _ = User.objects.get_or_create(username="bench")
    # Answers are scoped to the caller's workspace: the generated data is in the default one.
    member_set(workspace=workspace_default(), user=user, role="viewer")
    client = Client()
    client.force_login(user)
    client.get("/api/analytics/freshness")  # opens the warehouse file once
    print(
        "| question | uncached p50 | uncached p95 | cached p50 | cached p95 "
        "| PostgreSQL tables | PostgreSQL / uncached |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, path, raw_sql in QUESTIONS:
        if options.only not in name:
            continue
        uncached, cached = [], []
        for _ in range(options.runs):
            cache.clear()
            # The filter options are answered once per generation (and warmed after each
            # load): cache them again, so that only the question itself is uncached.
            client.get("/api/analytics/statement/operating")
            response = client.get(f"/api/analytics/{path}")
            assert response.status_code == 200 and response["X-Cache"] == "MISS", response.content[:300]
            uncached.append(float(response["API-Process-Time"]))
        for _ in range(options.runs):
            response = client.get(f"/api/analytics/{path}")
            assert response["X-Cache"] == "HIT"
            cached.append(float(response["API-Process-Time"]))
        if raw_sql and options.postgres_runs > 0:
            raw_ms = postgres_seconds(options.database_url, raw_sql, options.postgres_runs) * 1000
            raw = f"{raw_ms:,.0f} ms | {raw_ms / statistics.median(uncached):,.0f}×"
        else:
            raw = "– | –"
        print(
            f"| {name} | {statistics.median(uncached):.1f} ms | {percentile(uncached, 0.95):.1f} ms"
            f" | {statistics.median(cached):.2f} ms | {percentile(cached, 0.95):.2f} ms | {raw} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
