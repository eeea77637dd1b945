"""Benchmark what evaluating 100 alerts adds to a sync: rounds of (one new sale, the sync that
publishes it, the evaluation of every alert against that generation), each timed apart,
in-process, on benchmark-size data.

Needs a transactional PostgreSQL database with a published generation, its lake and its
warehouse (bench/README.md "Generating 10M sales…" and "Analytics API"): use a COPY, since the
rounds add sales, alerts and generations. 100 alerts of a bench viewer in the default
workspace, ten each over ten distinct answers (today's and a week's revenue, a region's change,
the daily anomaly band, monthly seasonality, a department's budget use, a fund's net…), as the
alerts of a team would share questions.

Each round's evaluation is timed twice: *cold*, right after the sync, every answer computed
from the new generation (the worst case: nothing warmed it); *after warming*, the same
evaluation again after `dashboard_warm()` (what the worker runs after each sync) on a fresh
copy of the alerts' state, so answers the dashboard also asks are cached.

    .venv/bin/python bench/alerts_overhead_benchmark.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/folio_alerts_overhead \\
        --warehouse-url duckdb:///$PWD/var/bench-alerts/warehouse --lake-url file://$PWD/var/bench-alerts/lake
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# (question, params, value, condition, window) of the ten kinds of alert, ten of each.
ANSWERS: list[tuple[str, dict[str, str], dict[str, Any], str, str]] = [
    ("summary", {}, {"field": "revenue"}, "above", "1d"),
    ("summary", {}, {"field": "revenue"}, "above", "7d"),
    ("summary", {}, {"field": "orders"}, "change_below", "4w"),
    ("timeseries", {"granularity": "week"}, {"field": "revenue", "bucket": "last_complete"}, "below", "12w"),
    ("timeseries", {"granularity": "day"}, {"field": "revenue", "bucket": "last"}, "anomaly", ""),
    ("timeseries", {"granularity": "month"}, {"field": "revenue"}, "seasonal", ""),
    ("sales-by-region", {}, {"field": "revenue", "row": {"region": "{region}"}}, "change_below", "4w"),
    ("sales-by-region", {}, {"field": "units", "row": {"region": "{region}"}}, "above", "3m"),
    ("finance/top-budget", {"limit": "100"}, {"field": "budget_used", "row": {"code": "{department}"}}, "above", ""),
    ("finance/revenue-expenses", {"granularity": "month"}, {"field": "expenses", "bucket": "last"}, "above", ""),
]


def main() -> None:
    """Set the environment, prepare the alerts, time the rounds, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--warehouse-url", required=True)
    parser.add_argument("--lake-url", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=arguments.database_url,
        WAREHOUSE_URL=arguments.warehouse_url,
        LAKE_URL=arguments.lake_url,
        SYNC_ON_WRITE="false",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # the alerts' tables, on a database made before them
    rounds_take(arguments.rounds)


def rounds_take(rounds: int) -> None:
    """The alerts, then each round: a sale, the sync, the evaluation cold and after warming."""
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.models import User

    from alerts.models import Alert
    from alerts.services import alert_create, alerts_evaluate_run
    from analytics.questions.warm import dashboard_warm
    from analytics.sync import warehouse_sync
    from books.models import Book, Region, Sale
    from books.services.records import sale_create
    from finance.models import Department
    from workspaces.models import Membership
    from workspaces.services import member_set, workspace_default

    workspace = workspace_default()
    user, _ = User.objects.get_or_create(username="alerts-bench", defaults={"email": "alerts-bench@example.com"})
    member_set(workspace=workspace, user=user, role="viewer")
    membership = Membership.objects.get(user=user, workspace=workspace)
    region = Region.objects.order_by("code").first()
    department = Department.objects.order_by("code").first()
    book = Book.objects.filter(workspace=workspace).order_by("id").first()
    last = Sale.objects.filter(workspace=workspace).order_by("-sold_at").values_list("sold_at", flat=True).first()
    if region is None or department is None or book is None or last is None:
        sys.exit("the database has no sales, regions or departments: generate the benchmark data first")
    Alert.objects.filter(created_by=user).delete()
    for index in range(100):
        question, params, value, condition, window = ANSWERS[index % len(ANSWERS)]
        row = {
            name: cell.format(region=region.code, department=department.code)
            for name, cell in value.get("row", {}).items()
        }
        alert_create(
            membership=membership,
            fields={
                "name": f"bench {index}",
                "question": question,
                "params": params,
                "window": window,
                "value": {**value, "row": row} if row else value,
                "condition": condition,
                # Thresholds no value reaches (so no email is sent), different per alert.
                "threshold": None
                if condition == "anomaly"
                else Decimal(-1_000_000_000 - index)
                if condition in {"below", "change_below"}
                else Decimal(1_000_000_000 + index),
            },
        )
    print(f"{Alert.objects.filter(created_by=user, active=True).count()} alerts; {rounds} rounds")
    # Not counted: the first sync on a copy may rebuild (its files moved), and it evaluates once.
    warehouse_sync()
    alerts_evaluate_run()
    figures: dict[str, list[float]] = {"sync": [], "cold": [], "warm": [], "warming": []}
    for number in range(rounds):
        sale_create(
            workspace=workspace,
            book=book,
            region=region,
            sold_at=last + timedelta(minutes=number + 1),
            quantity=1,
            unit_price=Decimal("12.00"),
        )
        started = time.perf_counter()
        generation = warehouse_sync()
        figures["sync"].append(time.perf_counter() - started)
        state = list(
            Alert.objects.filter(created_by=user).values_list("pk", "last_evaluated_generation", "evaluated_at")
        )
        started = time.perf_counter()
        outcome = alerts_evaluate_run(generation=generation.number)
        figures["cold"].append(time.perf_counter() - started)
        for pk, last_evaluated_generation, evaluated_at in state:  # as the sync left it, to evaluate again
            Alert.objects.filter(pk=pk).update(
                last_evaluated_generation=last_evaluated_generation, evaluated_at=evaluated_at
            )
        started = time.perf_counter()
        dashboard_warm()
        figures["warming"].append(time.perf_counter() - started)
        started = time.perf_counter()
        alerts_evaluate_run(generation=generation.number)
        figures["warm"].append(time.perf_counter() - started)
        print(
            f"generation {generation.number}: sync {figures['sync'][-1]:.2f} s; evaluation of {outcome.evaluated} "
            f"alerts ({outcome.asked} answers) cold {figures['cold'][-1] * 1000:.0f} ms, after warming "
            f"{figures['warm'][-1] * 1000:.0f} ms (warming {figures['warming'][-1] * 1000:.0f} ms)",
            flush=True,
        )
    sync, cold, warm = (statistics.median(figures[name]) for name in ("sync", "cold", "warm"))
    print(
        f"| {sync:.2f} s | {cold * 1000:.0f} ms | {cold / sync * 100:.1f} % | {warm * 1000:.0f} ms "
        f"| {warm / sync * 100:.1f} % |"
    )


if __name__ == "__main__":
    main()
