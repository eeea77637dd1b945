"""Rough measure of what alert evaluation adds to a sync: a shop in a scratch FOLIO_VAR_DIR,
100 alerts over 10 distinct answers, then a few rounds of (one new sale, sync, evaluate),
timing the sync and the evaluation apart. Not a test and not the benchmark (bench/ is the
lead's); run it by hand:

    FOLIO_VAR_DIR=/tmp/folio-measure DJANGO_SETTINGS_MODULE=config.settings.local \\
        .venv/bin/python -m alerts.measure
"""

import os
import statistics
import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.contrib.auth.models import User  # noqa: E402  after django.setup()
from django.core.management import call_command  # noqa: E402

from alerts.models import Alert  # noqa: E402
from alerts.services import alert_create, alerts_evaluate_run  # noqa: E402
from analytics.sync import warehouse_sync  # noqa: E402
from books.models import Book, Region  # noqa: E402
from books.services.generation import SalesDataSpec, sales_data_generate  # noqa: E402
from books.services.records import sale_create  # noqa: E402
from finance.services.generation import FinanceDataSpec, finance_data_generate  # noqa: E402
from workspaces.models import Membership  # noqa: E402
from workspaces.services import member_set, workspace_default  # noqa: E402

LAST_DAY = date(2025, 12, 31)
ANSWERS = [
    ("summary", {}, {"field": "revenue"}, "above", ""),
    ("summary", {}, {"field": "revenue"}, "above", "7d"),
    ("summary", {}, {"field": "orders"}, "change_below", "30d"),
    ("timeseries", {"granularity": "week"}, {"field": "revenue", "bucket": "last_complete"}, "below", "12w"),
    ("timeseries", {"granularity": "day"}, {"field": "revenue", "bucket": "last"}, "anomaly", ""),
    ("timeseries", {"granularity": "month"}, {"field": "revenue"}, "seasonal", ""),
    ("sales-by-region", {}, {"field": "revenue", "row": {"region": "US"}}, "change_below", "30d"),
    ("sales-by-genre", {}, {"field": "revenue", "row": {"genre": "fantasy"}}, "above", "3m"),
    ("finance/top-budget", {"limit": "100"}, {"field": "budget_used", "row": {"code": "1"}}, "above", ""),
    ("finance/fund-table", {}, {"field": "net", "row": {"fund": "1"}}, "below", ""),
]


def main() -> None:
    """Build the shop and alerts, then time rounds of sync and evaluation."""
    call_command("migrate", verbosity=0)
    sales_data_generate(spec=SalesDataSpec(books=200, sales=20_000, seed=5, years=2, end_date=LAST_DAY))
    finance_data_generate(spec=FinanceDataSpec(entries=2_000, years=2, seed=5, end_date=LAST_DAY))
    warehouse_sync()
    user = User.objects.create_user("measure", email="measure@example.com")
    member_set(workspace=workspace_default(), user=user, role="viewer")
    membership = Membership.objects.get(user=user)
    for index in range(100):
        question, params, value, condition, window = ANSWERS[index % len(ANSWERS)]
        alert_create(
            membership=membership,
            fields={
                "name": f"alert {index}",
                "question": question,
                "params": params,
                "window": window,
                "value": value,
                "condition": condition,
                "threshold": None if condition == "anomaly" else Decimal(10_000_000 + index),
            },
        )
    book = Book.objects.order_by("id").first()
    region = Region.objects.order_by("code").first()
    assert book is not None and region is not None
    syncs, evaluations, overheads = [], [], []
    for round_ in range(5):
        sale_create(
            workspace=workspace_default(),
            book=book,
            region=region,
            sold_at=datetime(2025, 12, 31, 10, round_, tzinfo=ZoneInfo("UTC")),
            quantity=1,
            unit_price=Decimal("12.00"),
        )
        started = time.perf_counter()
        generation = warehouse_sync()
        syncs.append(time.perf_counter() - started)
        started = time.perf_counter()
        outcome = alerts_evaluate_run(generation=generation.number)
        evaluations.append(time.perf_counter() - started)
        # Again at the same generation, answers now cached: what the alerts themselves cost.
        Alert.objects.update(last_evaluated_generation=None)
        started = time.perf_counter()
        alerts_evaluate_run(generation=generation.number)
        overheads.append(time.perf_counter() - started)
        print(
            f"generation {generation.number}: sync {syncs[-1] * 1000:.0f} ms, evaluation of {outcome.evaluated} "
            f"alerts ({outcome.asked} answers asked) {evaluations[-1] * 1000:.0f} ms, "
            f"answers cached {overheads[-1] * 1000:.0f} ms"
        )
    sync, evaluation, overhead = statistics.median(syncs), statistics.median(evaluations), statistics.median(overheads)
    print(
        f"median: sync {sync * 1000:.0f} ms, evaluation {evaluation * 1000:.0f} ms "
        f"({evaluation / sync * 100:.1f} % of the sync), with the answers cached {overhead * 1000:.0f} ms "
        f"({overhead / sync * 100:.1f} %); alerts: {Alert.objects.count()}"
    )


if __name__ == "__main__":
    main()
