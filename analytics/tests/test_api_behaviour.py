"""How the analytics API behaves around its numbers: who may ask, bad parameters, the
cache and its failures, exports, freshness, and the staff-only generator."""

import csv
import io
import logging
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings
from openpyxl import load_workbook
from rest_framework.test import APIClient

from analytics import runner
from analytics.api.throttling import PerUserThrottle
from analytics.models import Job, JobStatus
from analytics.questions.warm import dashboard_warm
from analytics.selectors import current_generation
from analytics.services.jobs import generate_test_data_run, sync_run
from analytics.services.tokens import api_token_create
from analytics.sync import warehouse_sync
from analytics.tests.conftest import default_scope, published_generation
from analytics.tests.members import member_user
from analytics.warehouse.base import LoadError
from books.models import Book, Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from books.services.records import sale_create
from conftest import service_missing
from finance.services.generation import FinanceDataSpec, finance_data_generate
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache and a cache that is believed to work."""
    cache.clear()
    runner.breaker._down_until = 0.0
    yield
    cache.clear()
    runner.breaker._down_until = 0.0


@pytest.fixture
def pipeline(tmp_path: Path) -> Iterator[None]:
    """A DuckDB warehouse and lake of the test's own."""
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        yield


@pytest.fixture
def shop(pipeline: None) -> None:
    """20 books, 400 sales in 2025, a small ledger and statement, published as generation 1."""
    sales_data_generate(spec=SalesDataSpec(books=20, sales=400, seed=3, years=1, end_date=date(2025, 12, 31)))
    finance_data_generate(spec=FinanceDataSpec(entries=100, years=1, seed=3, end_date=date(2025, 12, 31)))
    warehouse_sync()


@pytest.fixture
def analyst() -> User:
    return member_user("analyst", password="analyst-password")


@pytest.fixture
def viewer() -> User:
    return member_user("viewer", role="viewer")


@pytest.fixture
def client(analyst: User) -> APIClient:
    api = APIClient()
    api.force_login(analyst)
    return api


def new_sale(*, quantity: int, unit_price: str) -> Sale:
    """One more sale of the first book, on 1 June 2025, through the service clerks use."""
    return sale_create(
        workspace=workspace_default(),
        book=Book.objects.order_by("pk")[0],
        region=Sale.objects.order_by("pk")[0].region,
        sold_at=datetime(2025, 6, 1, 12, 0, tzinfo=UTC),
        quantity=quantity,
        unit_price=Decimal(unit_price),
        discount=Decimal("0.00"),
        channel="online",
    )


def total_revenue() -> Decimal:
    return sum(Sale.objects.values_list("amount", flat=True), Decimal("0.00"))


def test_anonymous_callers_get_401(shop: None) -> None:
    response = APIClient().get("/api/analytics/summary")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_personal_token_gets_the_answer(shop: None, analyst: User) -> None:
    _, raw = api_token_create(workspace=workspace_default(), user=analyst, name="script")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = api.get("/api/analytics/summary")

    assert response.status_code == 200
    assert Decimal(response.json()["result"]["revenue"]) == total_revenue()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2025-02-30", "start", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        (
            "start=2025-03-01&end=2025-02-01",
            "end",
            "end (2025-02-01) must be after start (2025-03-01); the range is half-open.",
        ),
        ("region=US,XX", "region", "Unknown region: XX. Known: "),
        ("genre=poetry-slam", "genre", "Unknown genre: poetry-slam. Known: "),
        ("granularity=fortnight", "granularity", '"fortnight" is not a valid choice.'),
        ("limit=0", "limit", "Ensure this value is greater than or equal to 1."),
        ("regoin=US", "regoin", "Unknown parameter. Known: "),
        ("format=pdf", "format", "Unknown format; use one of: json, csv, xlsx."),
    ],
)
def test_bad_parameters_get_400_naming_the_field(
    client: APIClient, shop: None, query: str, field: str, message: str
) -> None:
    endpoint = "timeseries" if field == "granularity" else "top-books"

    response = client.get(f"/api/analytics/{endpoint}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][field][0].startswith(message)
    assert response.json()["detail"].startswith(f"Invalid {field}: ")


def test_every_bad_parameter_is_reported_at_once(client: APIClient, shop: None) -> None:
    response = client.get("/api/analytics/top-books?start=2025-13-01&region=XX&limit=500&colour=red&genre=")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "colour": ["Unknown parameter. Known: end, genre, limit, offset, order, region, search, start."],
        "genre": ["Give a value or leave the parameter out."],
        "limit": ["Ensure this value is less than or equal to 100."],
        "region": [response.json()["errors"]["region"][0]],
        "start": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
    }
    assert response.json()["errors"]["region"][0].startswith("Unknown region: XX. Known: ")


def test_unknown_department_and_exercice_are_refused(client: APIClient, shop: None) -> None:
    department = client.get("/api/analytics/finance/top-roi?department=999999")
    exercice = client.get("/api/analytics/statement/profit?exercice=1066")

    assert department.status_code == exercice.status_code == 400
    assert department.json()["errors"]["department"][0].startswith("Unknown department: 999999. Known: ")
    assert exercice.json()["errors"]["exercice"][0].startswith("Unknown exercice: 1066. Known: ")


def test_before_the_first_load_the_api_says_so_with_503(client: APIClient, pipeline: None) -> None:
    response = client.get("/api/analytics/summary")

    assert response.status_code == 503
    assert response.json() == {"detail": "The warehouse has no published generation yet; the first sync publishes one."}


def test_every_answer_says_its_generation_and_as_of_time(client: APIClient, shop: None) -> None:
    generation = published_generation()

    body = client.get("/api/analytics/sales-by-region").json()

    assert body["generation"] == generation.number == 1
    assert datetime.fromisoformat(body["as_of"]) == datetime.fromisoformat(generation.watermark["fact_sales"])


def test_a_repeat_is_a_hit_and_a_new_generation_is_a_miss_with_new_numbers(client: APIClient, shop: None) -> None:
    first = client.get("/api/analytics/summary")
    second = client.get("/api/analytics/summary")
    sale = new_sale(quantity=2, unit_price="10.00")
    warehouse_sync()

    third = client.get("/api/analytics/summary")

    assert (first["X-Cache"], second["X-Cache"], third["X-Cache"]) == ("MISS", "HIT", "MISS")
    assert second.json() == first.json()
    assert Decimal(third.json()["result"]["revenue"]) == Decimal(first.json()["result"]["revenue"]) + sale.amount
    assert (third.json()["generation"], third.json()["result"]["orders"]) == (2, first.json()["result"]["orders"] + 1)
    assert "query;dur=" in first["Server-Timing"] and "query;dur=" not in second["Server-Timing"]
    assert float(third["API-Process-Time"]) > 0


def test_concurrent_identical_misses_run_the_query_once(shop: None) -> None:
    calls = []

    def slow(source: object) -> str:
        calls.append(1)
        time.sleep(0.3)
        return "the answer"

    answers = []
    generation = current_generation()  # read here: the test database belongs to this thread
    threads = [
        threading.Thread(
            target=lambda: answers.append(
                runner.answer(
                    endpoint="slow", params={"a": 1}, scope=default_scope(), compute=slow, generation=generation
                )
            )
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(calls) == 1
    assert sorted(answer.hit for answer in answers) == [False, True, True, True]
    assert {answer.value for answer in answers} == {"the answer"}


def test_after_a_load_the_dashboard_questions_are_already_cached(client: APIClient, shop: None) -> None:
    computed = dashboard_warm()

    responses = [
        client.get(f"/api/analytics/{endpoint}") for endpoint in ("summary", "top-books", "finance/fund-table")
    ]

    assert computed == 16
    assert [response["X-Cache"] for response in responses] == ["HIT", "HIT", "HIT"]


def test_csv_export_has_the_rows_of_the_json_answer(client: APIClient, shop: None) -> None:
    rows = client.get("/api/analytics/top-books?limit=5").json()["results"]

    response = client.get("/api/analytics/top-books?limit=5&format=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="folio-top-books-g1.csv"'
    exported = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["book_id"], row["title"], row["revenue"]) for row in exported] == [
        (str(row["book_id"]), row["title"], row["revenue"]) for row in rows
    ]


def test_csv_export_escapes_cells_that_a_spreadsheet_would_run(client: APIClient, shop: None) -> None:
    best = client.get("/api/analytics/top-books?limit=1").json()["results"][0]
    Book.objects.filter(pk=best["book_id"]).update(
        title='=HYPERLINK("http://evil")', updated_at=datetime.now().astimezone()
    )
    warehouse_sync()

    response = client.get("/api/analytics/top-books?limit=1&format=csv")

    assert next(csv.DictReader(io.StringIO(response.content.decode())))["title"] == '\'=HYPERLINK("http://evil")'


def test_xlsx_export_holds_real_dates_and_numbers(client: APIClient, shop: None) -> None:
    rows = client.get("/api/analytics/timeseries?granularity=quarter").json()["results"]

    response = client.get("/api/analytics/timeseries?granularity=quarter&format=xlsx")

    sheet = load_workbook(io.BytesIO(response.content))["timeseries"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("bucket", "revenue", "units", "orders")
    read = []
    for bucket, revenue, units, _ in values[1:]:
        assert isinstance(bucket, datetime), f"{bucket!r} is not a date cell"
        read.append((bucket.date(), Decimal(str(revenue)), units))
    assert read == [(date.fromisoformat(row["bucket"]), Decimal(row["revenue"]), row["units"]) for row in rows]
    assert sum(Decimal(str(cell[1])) for cell in values[1:]) == total_revenue()


def test_an_empty_range_exports_a_header_only(client: APIClient, shop: None) -> None:
    response = client.get("/api/analytics/sales-by-region?start=2030-01-01&end=2030-01-02&format=csv")

    assert response.content.decode() == "region,name,revenue,units,orders,share,previous_revenue,revenue_change\r\n"


def test_freshness_reports_the_generation_and_a_failed_last_load(client: APIClient, shop: None) -> None:
    def broken(*_: object) -> None:
        raise LoadError("fact_sales: 1 row in the manifest, 0 loaded")

    new_sale(quantity=1, unit_price="5.00")
    with pytest.raises(LoadError):
        warehouse_sync(before_publish=broken)

    body = client.get("/api/analytics/freshness").json()

    assert (body["generation"], body["last_load_status"]) == (1, "failed")
    assert body["last_load_error"] == "LoadError: fact_sales: 1 row in the manifest, 0 loaded"
    assert [load["status"] for load in body["loads"]] == ["failed", "published"]


def test_generating_test_data_is_for_analysts_and_reports_through_its_status_url(shop: None, viewer: User) -> None:
    staff = member_user("boss", password="boss-password", is_staff=True, is_superuser=True)
    boss = APIClient()
    boss.force_login(staff)
    analyst_client = APIClient()
    analyst_client.force_login(viewer)
    before = Sale.objects.count()

    refused = analyst_client.post("/api/analytics/generate-test-data", {"books": 5, "sales": 50}, format="json")
    accepted = boss.post("/api/analytics/generate-test-data", {"books": 5, "sales": 50, "seed": 9}, format="json")
    generate_test_data_run(job_id=accepted.json()["id"])
    status = boss.get(accepted["Location"]).json()

    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Generating test data needs the analyst role in workspace “Default workspace”; you are a viewer."
    }
    assert (accepted.status_code, accepted.json()["status"]) == (202, "queued")
    assert accepted["Location"] == f"/api/analytics/jobs/{accepted.json()['id']}"
    assert (status["status"], status["result"]["sales"], status["result"]["seed"]) == ("succeeded", 50, 9)
    assert Sale.objects.count() == before + 50
    assert status["result"]["sync"].startswith("Warehouse generation 2 published")


def test_a_bad_generation_request_is_refused_and_records_nothing(shop: None) -> None:
    staff = member_user("boss", password="boss-password", is_staff=True, is_superuser=True)
    boss = APIClient()
    boss.force_login(staff)

    response = boss.post("/api/analytics/generate-test-data", {"books": 5, "sales": -1}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"sales": ["Ensure this value is greater than or equal to 0."]}
    assert Job.objects.count() == 0


def test_a_job_that_is_no_longer_queued_is_not_run_twice(shop: None) -> None:
    job = Job.objects.create(
        kind="generate_sales_data",
        workspace=workspace_default(),
        status=JobStatus.SUCCEEDED,
        parameters={"books": 1, "sales": 1, "years": 1, "seed": 1},
    )
    before = Sale.objects.count()

    generate_test_data_run(job_id=job.pk)

    assert Sale.objects.count() == before


# A real Redis, stopped mid-run ---------------------------------------------------------------


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A redis-server of this test's own on a free loopback port (so it can be stopped)."""
    binary = shutil.which("redis-server")
    if binary is None:
        service_missing("redis-server (the binary)", "PATH")
    assert binary is not None  # service_missing skipped or failed the test
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", process
    process.kill()
    process.wait()


def test_with_redis_stopped_mid_run_answers_stay_correct_and_uncached(
    client: APIClient, shop: None, private_redis: tuple[str, subprocess.Popen], caplog: pytest.LogCaptureFixture
) -> None:
    url, server = private_redis
    redis_cache = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    with override_settings(CACHES=redis_cache):
        cache.clear()
        first = client.get("/api/analytics/summary")
        second = client.get("/api/analytics/summary")
        server.kill()
        server.wait()
        started = time.perf_counter()
        with caplog.at_level(logging.WARNING):
            third = client.get("/api/analytics/summary")
        seconds = time.perf_counter() - started
        fourth = client.get("/api/analytics/summary")

    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert (third.status_code, third["X-Cache"], fourth.status_code, fourth["X-Cache"]) == (200, "MISS", 200, "MISS")
    assert third.json()["result"] == fourth.json()["result"] == first.json()["result"]
    assert Decimal(third.json()["result"]["revenue"]) == total_revenue()
    assert seconds < 2.0
    assert any("analytics cache unavailable" in record.getMessage() for record in caplog.records)


def test_each_user_is_throttled_on_their_own(shop: None, analyst: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PerUserThrottle, "THROTTLE_RATES", {"user": "3/min"})
    other = member_user("other", password="other-password")
    busy, calm = APIClient(), APIClient()
    busy.force_login(analyst)
    calm.force_login(other)

    statuses = [busy.get("/api/analytics/summary").status_code for _ in range(4)]
    refused = busy.get("/api/analytics/summary")
    answered = calm.get("/api/analytics/summary")

    assert statuses == [200, 200, 200, 429]
    assert refused.json()["detail"].startswith("Request was throttled. Expected available in ")
    assert int(refused["Retry-After"]) > 0
    assert answered.status_code == 200


def test_the_schema_and_the_interactive_docs_are_served(client: APIClient) -> None:
    schema = APIClient().get("/api/schema/?format=json")
    docs = APIClient().get("/api/docs/")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/analytics/summary", "/api/analytics/finance/top-roi", "/api/tokens/"} <= set(paths)
    parameters = {parameter["name"] for parameter in paths["/api/analytics/top-books"]["get"]["parameters"]}
    assert {"start", "end", "region", "genre", "limit", "offset", "order", "search", "format"} <= parameters
    assert set(paths["/api/analytics/summary"]["get"]["responses"]) == {"200", "400", "401", "403", "429", "503"}
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()


def test_analysts_start_a_sync_and_read_its_outcome(client: APIClient, shop: None, viewer: User) -> None:
    staff = member_user("boss", password="boss-password", is_staff=True, is_superuser=True)
    boss = APIClient()
    boss.force_login(staff)
    sale = new_sale(quantity=3, unit_price="7.00")
    viewer_client = APIClient()
    viewer_client.force_login(viewer)

    refused = viewer_client.post("/api/analytics/sync", {}, format="json")
    accepted = boss.post("/api/analytics/sync", {"full": False}, format="json")
    sync_run(job_id=accepted.json()["id"])
    status = boss.get(accepted["Location"]).json()
    summary = client.get("/api/analytics/summary").json()

    assert refused.status_code == 403
    assert (accepted.status_code, accepted.json()["kind"], accepted.json()["status"]) == (
        202,
        "sync_warehouse",
        "queued",
    )
    assert (status["status"], status["result"]["generation"]) == ("succeeded", 2)
    assert status["result"]["rows"]["fact_sales"] >= 1
    assert (summary["generation"], Decimal(summary["result"]["revenue"])) == (2, total_revenue())
    assert sale.amount == Decimal("21.00")
