"""Fixtures of the alerts tests: a published shop, Celery tasks run in this process, a real SMTP server on loopback."""

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings

from alerts.models import Alert
from alerts.services import alert_create
from analytics.sync import warehouse_sync
from analytics.tests.mailbox import Inbox, smtp_running
from analytics.tests.members import member_user
from books.models import Book, Region, Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from books.services.records import sale_create
from config.celery import app as celery_app
from finance.services.generation import FinanceDataSpec, finance_data_generate
from workspaces.models import Membership
from workspaces.services import workspace_default

LAST_DAY = date(2025, 12, 31)
UTC = ZoneInfo("UTC")


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[None]:
    """20 books, 400 sales and a small ledger in 2025 (the last day with sales 2025-12-31), published."""
    cache.clear()
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        sales_data_generate(spec=SalesDataSpec(books=20, sales=400, seed=3, years=1, end_date=LAST_DAY))
        finance_data_generate(spec=FinanceDataSpec(entries=200, years=1, seed=3, end_date=LAST_DAY))
        warehouse_sync()
        yield


@pytest.fixture
def eager() -> Iterator[None]:
    """Celery runs each queued task at once in this process (the real task, through Celery's apply)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_eager_propagates = False


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    with smtp_running(FOLIO_BASE_URL="https://folio.example.org") as inbox:
        yield inbox


@pytest.fixture
def owner() -> User:
    return member_user("watcher", role="viewer", email="watcher@example.com")


def membership(user: User) -> Membership:
    return Membership.objects.get(user=user, workspace=workspace_default())


def alert_make(user: User, **fields: Any) -> Alert:
    """An alert of the user's, through the service that validates it."""
    fields.setdefault("name", "Watch")
    fields.setdefault("params", {})
    return alert_create(membership=membership(user), fields=fields)


def sale_add(*, day: date, amount: Decimal, region: str | None = None) -> Sale:
    """One sale of `amount` (one copy at that price) on `day`, in a region (default: the first)."""
    book = Book.objects.filter(workspace=workspace_default()).order_by("id").first()
    assert book is not None
    found = Region.objects.get(code=region) if region else Region.objects.order_by("code").first()
    assert found is not None
    return sale_create(
        workspace=workspace_default(),
        book=book,
        region=found,
        sold_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        quantity=1,
        unit_price=amount,
    )


def revenue(start: date, end: date, region: str | None = None) -> Decimal:
    """Revenue of [start, end) from the transactional records: the independent computation."""
    sales = Sale.objects.filter(
        workspace=workspace_default(),
        sold_at__gte=datetime(start.year, start.month, start.day, tzinfo=UTC),
        sold_at__lt=datetime(end.year, end.month, end.day, tzinfo=UTC),
    )
    if region:
        sales = sales.filter(region__code=region)
    return sum((sale.amount for sale in sales), Decimal("0.00"))
