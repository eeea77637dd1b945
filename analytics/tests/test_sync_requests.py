"""Write-triggered syncs: every committed write asks for one after commit, requests coalesce
through the database (at most one waits), bulk writes ask once, the broker being down never
fails a write. Messages go to a real broker (kombu's filesystem transport in a folder of the
test's own, the embedded default) and are counted there."""

import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from analytics.models import SyncRequest
from analytics.sync import SyncBusy, sync_after_write, sync_lock
from analytics.sync_requests import (
    SYNC_REQUESTED_TASK,
    sync_min_interval,
    sync_request_wait_again,
    sync_requested_run,
)
from analytics.tests.conftest import published_generation
from books.models import Book, Region, Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from books.services.imports import sales_import
from books.services.records import sale_create, sale_delete, sale_update
from books.tests.factories import BookFactory, RegionFactory
from config.celery import app
from finance.services.generation import FinanceDataSpec, finance_data_generate
from finance.services.imports import ledger_import, statement_import
from workspaces.services import workspace_default

SOLD_AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
LEDGER_HEADER = (
    "date,amount,kind,department_id,department_name,fund_id,fund_description,cost_center_id,cost_center_description"
)
STATEMENT_JSON = Path(__file__).resolve().parents[2] / "finance" / "tests" / "data" / "compte-de-resultat.json"


def broker_use(url: str, options: dict) -> None:
    """Point this process's Celery app at another broker (requests open their own connection)."""
    app.conf.update(broker_url=url, broker_transport_options=options)


@pytest.fixture
def broker(tmp_path: Path, settings: SettingsWrapper) -> Iterator[Path]:
    """A filesystem broker of the test's own, with writes asking for syncs; yields its queue folder."""
    queue = tmp_path / "queue"
    for folder in ("queue", "processed", "control"):
        (tmp_path / folder).mkdir()
    before = (app.conf.broker_url, dict(app.conf.broker_transport_options))
    broker_use(
        "filesystem://",
        {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(tmp_path / "processed"),
            "control_folder": str(tmp_path / "control"),
            "store_processed": False,
        },
    )
    settings.SYNC_ON_WRITE = True
    settings.SYNC_MIN_INTERVAL_SECONDS = None
    yield queue
    broker_use(*before)


def queued(queue: Path) -> list[dict]:
    """The messages waiting in the queue folder (each a JSON file), oldest first."""
    return [json.loads(path.read_text()) for path in sorted(queue.iterdir())]


def requests_forget(queue: Path) -> None:
    """Start from no waiting sync: drop the messages and the coalescing row (set-up writes made them)."""
    for path in queue.iterdir():
        path.unlink()
    SyncRequest.objects.all().delete()


def enqueued() -> int:
    """Sync tasks queued by writes so far (the coalescing row's counter)."""
    row = SyncRequest.objects.first()
    return row.enqueued if row else 0


@pytest.fixture
def shop(broker: Path) -> tuple[Book, Region]:
    """A book and a region of the default workspace, with no sync requested yet."""
    workspace = workspace_default()
    book = BookFactory.create(workspace=workspace, list_price=Decimal("12.50"))
    region = RegionFactory.create()
    requests_forget(broker)
    return book, region


def sale_write(book: Book, region: Region, minute: int = 0) -> Sale:
    return sale_create(
        workspace=book.workspace, book=book, region=region, sold_at=SOLD_AT + timedelta(minutes=minute), quantity=1
    )


@pytest.mark.django_db(transaction=True)
def test_a_committed_sale_queues_one_sync_task_at_once(broker: Path, shop: tuple[Book, Region]) -> None:
    sale_write(*shop)

    messages = queued(broker)
    assert [message["headers"]["task"] for message in messages] == [SYNC_REQUESTED_TASK]
    assert messages[0]["headers"]["eta"] is None  # no sync started yet: no reason to wait
    assert SyncRequest.objects.get().queued_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_10000_single_sale_writes_queues_one_sync_while_none_has_started(
    broker: Path, shop: tuple[Book, Region]
) -> None:
    most_waiting = 0
    for minute in range(10_000):
        sale_write(*shop, minute=minute)
        if minute % 500 == 0:
            most_waiting = max(most_waiting, len(queued(broker)))

    assert Sale.objects.count() == 10_000
    assert most_waiting == 1
    assert len(queued(broker)) == 1
    assert enqueued() == 1


@pytest.mark.django_db(transaction=True)
def test_once_the_waiting_sync_starts_the_next_write_queues_another(broker: Path, shop: tuple[Book, Region]) -> None:
    sale_write(*shop)
    requests_started = SyncRequest.objects.get()
    sync_requested_run()  # what the queued task does: it is no longer waiting once it starts

    sale_write(*shop, minute=1)
    sale_write(*shop, minute=2)

    assert requests_started.queued_at is not None
    assert len(queued(broker)) == 2
    assert enqueued() == 2


@pytest.mark.django_db(transaction=True)
def test_a_write_rolled_back_requests_nothing(broker: Path, shop: tuple[Book, Region]) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        sale_write(*shop)
        raise RuntimeError("the clerk cancelled")

    assert Sale.objects.count() == 0
    assert queued(broker) == []
    assert enqueued() == 0


@pytest.mark.django_db(transaction=True)
def test_many_writes_in_one_transaction_request_once(broker: Path, shop: tuple[Book, Region]) -> None:
    with transaction.atomic():
        sales = [sale_write(*shop, minute=minute) for minute in range(50)]
        sale_update(workspace=shop[0].workspace, sale=sales[0], quantity=3)
        sale_delete(workspace=shop[0].workspace, sale=sales[1])

    assert Sale.objects.count() == 49
    assert len(queued(broker)) == 1


@pytest.mark.parametrize("write", ["update", "delete", "orm save", "orm queryset delete"])
@pytest.mark.django_db(transaction=True)
def test_every_kind_of_single_write_requests_a_sync(broker: Path, shop: tuple[Book, Region], write: str) -> None:
    sale = sale_write(*shop)
    requests_forget(broker)

    if write == "update":
        sale_update(workspace=sale.workspace, sale=sale, quantity=2)
    elif write == "delete":
        sale_delete(workspace=sale.workspace, sale=sale)
    elif write == "orm save":  # the admin's and the API's path
        Region.objects.create(code="XX", name="Elsewhere")
    else:
        Sale.objects.filter(pk=sale.pk).delete()

    assert len(queued(broker)) == 1


@pytest.mark.parametrize(
    "writer", ["sales generator", "finance generator", "sales import", "ledger import", "statement import"]
)
@pytest.mark.django_db(transaction=True)
def test_a_bulk_write_requests_exactly_one_sync(broker: Path, tmp_path: Path, writer: str) -> None:
    book = BookFactory.create(workspace=workspace_default(), isbn13="9780439023481")
    requests_forget(broker)

    if writer == "sales generator":
        sales_data_generate(spec=SalesDataSpec(books=30, sales=2_000, seed=3))
    elif writer == "finance generator":  # departments and funds are saved one by one inside
        finance_data_generate(spec=FinanceDataSpec(entries=500, seed=3))
    elif writer == "sales import":  # unknown regions are created one by one inside (--create-missing)
        path = tmp_path / "sales.csv"
        lines = [f"2024-03-{day:02d},{book.isbn13},R{day},1,9.99" for day in range(1, 21)]
        path.write_text("sold_at,isbn,region,quantity,unit_price\n" + "\n".join(lines) + "\n")
        assert sales_import(path=path, create_missing=True).created == 20
    elif writer == "ledger import":  # new departments, funds and cost centres are created inside
        path = tmp_path / "ledger.csv"
        lines = [
            f"2024-01-{day:02d},{day}.00,Revenues,{100 + day},Dept {day},11101,General Fund,1000{day:02d},C{day}"
            for day in range(1, 21)
        ]
        path.write_text(LEDGER_HEADER + "\n" + "\n".join(lines) + "\n")
        assert ledger_import(path=path).created == 20
    else:
        assert statement_import(source=STATEMENT_JSON).created == 5

    assert len(queued(broker)) == 1
    assert enqueued() == 1


@pytest.mark.django_db(transaction=True)
def test_the_countdown_keeps_the_minimum_interval_since_the_last_sync_started(
    broker: Path, shop: tuple[Book, Region], settings: SettingsWrapper
) -> None:
    settings.SYNC_MIN_INTERVAL_SECONDS = 5
    SyncRequest.objects.create(pk=1, started_at=timezone.now() - timedelta(seconds=2))

    sale_write(*shop)

    [message] = queued(broker)
    wait = (datetime.fromisoformat(message["headers"]["eta"]) - timezone.now()).total_seconds()
    assert 2.0 < wait <= 3.0


@pytest.mark.parametrize(
    ("url", "interval"),
    [("duckdb:///tmp/folio-warehouse", 2.0), ("postgresql://h/w", 2.0), ("redshift://u@h:5439/dev", 60.0)],
)
def test_the_minimum_interval_defaults_by_warehouse(settings: SettingsWrapper, url: str, interval: float) -> None:
    settings.WAREHOUSE_URL = url
    settings.SYNC_MIN_INTERVAL_SECONDS = None

    assert sync_min_interval() == interval


@pytest.mark.django_db(transaction=True)
def test_sync_on_write_off_leaves_it_to_the_schedule(
    broker: Path, shop: tuple[Book, Region], settings: SettingsWrapper
) -> None:
    settings.SYNC_ON_WRITE = False

    sale_write(*shop)

    assert queued(broker) == []


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_write_commits_and_a_warning_is_logged(
    broker: Path, shop: tuple[Book, Region], caplog: pytest.LogCaptureFixture
) -> None:
    before = (app.conf.broker_url, dict(app.conf.broker_transport_options))
    broker_use("redis://127.0.0.1:1/0", {})  # nothing listens on port 1
    started = time.perf_counter()

    with caplog.at_level(logging.WARNING, logger="analytics.sync_requests"):
        sale = sale_write(*shop)
    seconds = time.perf_counter() - started
    broker_use(*before)
    sale_write(*shop, minute=1)  # the broker is back: the next write queues the sync

    assert Sale.objects.filter(pk=sale.pk).exists()
    assert "sync not requested, the broker did not answer" in caplog.text
    assert seconds < 5
    assert len(queued(broker)) == 1
    assert enqueued() == 1


@pytest.mark.django_db(transaction=True)
def test_a_requested_sync_finding_another_running_waits_for_it(broker: Path, shop: tuple[Book, Region]) -> None:
    sale_write(*shop)

    with sync_lock(), pytest.raises(SyncBusy):
        sync_requested_run()
    waits = sync_request_wait_again(retry_in=0.5)
    sale_write(*shop, minute=1)

    assert waits  # it is again the one waiting sync, so the write queued no other
    assert len(queued(broker)) == 1
    assert SyncRequest.objects.get().queued_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_command_syncing_after_its_write_waits_for_the_running_sync(shop: tuple[Book, Region]) -> None:
    sale_write(*shop)
    holding = threading.Event()
    release = threading.Event()

    def worker_sync() -> None:  # a worker's sync, started by the write's request, holds the lock
        with sync_lock():
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=worker_sync)
    holder.start()
    holding.wait(5)
    threading.Timer(1.0, release.set).start()
    started = time.perf_counter()
    line = sync_after_write(wait_seconds=30)
    holder.join()

    assert line.startswith("Warehouse generation 1 published")
    assert time.perf_counter() - started >= 0.9
    assert published_generation().rows["fact_sales"]["loaded"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_command_gives_up_when_the_running_sync_outlasts_its_wait(shop: tuple[Book, Region]) -> None:
    with sync_lock(), pytest.raises(SyncBusy):
        sync_after_write(wait_seconds=0.2)
