"""Hostile and implausible inputs to the read API: every parameter of every endpoint gets a
400 naming the field or an answer, never a 500; records with absurd dates in the warehouse
never make a default question fail."""

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import psycopg
import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from analytics.api import analytics_urls
from analytics.api.answer_views import AnswerView
from analytics.api.params import GIVEN_TWICE
from analytics.queries import top_books
from analytics.queries.base import Period, Source
from analytics.queries.sales_filters import SalesFilters
from analytics.sync import warehouse_sync
from analytics.tests.conftest import (
    _postgres_warehouse_empty,
    default_scope,
    postgres_warehouse,
    published_generation,
)
from analytics.tests.members import member_user
from analytics.tests.redshift_wire_shim import RedshiftWireShim
from analytics.warehouse.backends import warehouse_for
from analytics.warehouse.redshift_backend import RedshiftWarehouse
from books.models import Book, Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from books.services.records import sale_create
from finance.services.generation import FinanceDataSpec, finance_data_generate
from workspaces.services import workspace_default

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

# Every GET answer endpoint with its parameters, read from the URL map: a new endpoint is swept too.
ANSWER_ROUTES = {
    str(pattern.pattern).rstrip("/"): view_class
    for pattern in analytics_urls.urlpatterns
    for view_class in [getattr(pattern.callback, "view_class", None)]
    if isinstance(view_class, type) and issubclass(view_class, AnswerView)
}
HOSTILE = [
    "²",
    "٣",
    "１",  # noqa: RUF001 — non-ASCII digits on purpose: the input being refused
    "9" * 5000,
    "-1",
    "1e3",
    "5.0",
    " 5",
    "a\x00b",
    "x" * 8192,
    "0001-01-01",
    "9999-12-31",
    "٢٠٢٥-٠١-٠١",  # noqa: RUF001 — non-ASCII digits on purpose: the input being refused
    "20250101",
    "2025-W01-1",
    "%_\\",
    "",
]


def parameters(route: str) -> list[str]:
    return [*ANSWER_ROUTES[route].query_serializer().fields, "format"]


@pytest.mark.parametrize("route", sorted(ANSWER_ROUTES))
def test_no_hostile_value_of_any_parameter_gets_a_500(client: APIClient, shop: None, route: str) -> None:
    statuses = {
        (name, value[:12]): client.get(f"/api/analytics/{route}", {name: value}).status_code
        for name in parameters(route)
        for value in HOSTILE
    }

    assert {key: code for key, code in statuses.items() if code not in {200, 400}} == {}


@pytest.mark.parametrize("route", sorted(ANSWER_ROUTES))
def test_a_single_valued_parameter_given_twice_is_a_400_naming_it(client: APIClient, shop: None, route: str) -> None:
    single = [name for name in parameters(route) if name not in {"region", "genre", "department", "fund", "exercice"}]
    twice = {"format": "json"}  # a format the endpoint renders, so that only the repetition is wrong
    answers = {
        name: client.get(f"/api/analytics/{route}?{name}={twice.get(name, '1')}&{name}={twice.get(name, '2')}")
        for name in single
    }

    assert {name: response.status_code for name, response in answers.items()} == {name: 400 for name in single}
    assert {name: response.json()["errors"][name] for name, response in answers.items()} == {
        name: ["Given 2 times; give it once (only list filters take several values)."] for name in single
    }


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("summary?start=0001-01-01&end=0002-01-01", "start", "Give a date from 1000-01-01 to 9000-01-01."),
        ("summary?start=9999-12-31", "start", "Give a date from 1000-01-01 to 9000-01-01."),
        ("timeseries?end=9999-12-31&granularity=year", "end", "Give a date from 1000-01-01 to 9000-01-01."),
        ("finance/net-profit?start=0999-12-31", "start", "Give a date from 1000-01-01 to 9000-01-01."),
        ("summary?start=٢٠٢٥-٠١-٠١", "start", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),  # noqa: RUF001 — non-ASCII digits on purpose: the input being refused
        ("summary?start=20250101", "start", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        ("statement/profit?exercice=²", "exercice", "Not a whole number of at most 9 digits 0-9: ²."),
        ("finance/top-roi?department=²", "department", "Not a whole number of at most 9 digits 0-9: ²."),
        ("finance/fund-table?fund=٣", "fund", "Not a whole number of at most 9 digits 0-9: ٣."),
        ("top-books?limit=٣", "limit", "A valid integer is required."),
        ("top-books?offset=１", "offset", "A valid integer is required."),  # noqa: RUF001 — non-ASCII digits on purpose: the input being refused
        ("top-books?limit=5.0", "limit", "A valid integer is required."),
        ("top-books?limit=" + "9" * 900, "limit", "Ensure this value is less than or equal to 100."),
        ("top-books?limit=3&limit=5", "limit", GIVEN_TWICE.format(count=2)),
        ("top-books?format=json&format=csv", "format", GIVEN_TWICE.format(count=2)),
    ],
)
def test_bad_numbers_and_dates_are_a_400_naming_the_field(
    client: APIClient, shop: None, path: str, field: str, message: str
) -> None:
    response = client.get(f"/api/analytics/{path}")

    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]


@pytest.mark.parametrize(
    ("route", "repeated", "listed"),
    [
        ("sales-by-region", "region=US&region=GB", "region=GB,US"),
        ("finance/fund-table", "fund={0}&fund={1}", "fund={0},{1}"),
    ],
)
def test_a_list_filter_given_twice_means_both_values(
    client: APIClient, shop: None, route: str, repeated: str, listed: str
) -> None:
    funds = [row["code"] for row in client.get("/api/analytics/finance/initialise").json()["result"]["funds"][:2]]

    both = client.get(f"/api/analytics/{route}?{repeated.format(*funds)}")
    together = client.get(f"/api/analytics/{route}?{listed.format(*funds)}")

    assert both.status_code == 200
    assert both.json()["results"] == together.json()["results"]
    assert both.json()["params"] == together.json()["params"]


# Absurd dates already in the warehouse (the write side refuses them now; older data may hold them) ---


def absurd_rows_insert(execute: Callable[[str, list[object]], object]) -> None:
    """A sale on 0001-01-01 and on 9999-12-31, and ledger entries on both days, copied from
    real rows straight into the published warehouse tables and rollups."""
    for day in ("0001-01-01", "9999-12-31"):
        execute(
            "INSERT INTO fact_sales SELECT sale_id + 1000000 + %s, workspace_id, book_id, region_id,"
            " CAST(%s AS TIMESTAMP), CAST(%s AS DATE), quantity, unit_price, discount, amount, channel, updated_at"
            " FROM fact_sales WHERE sale_id = (SELECT MIN(sale_id) FROM fact_sales)",
            [int(day[:4]), day, day],
        )
        execute(
            "INSERT INTO agg_sales_daily SELECT workspace_id, CAST(%s AS DATE), book_id, region_id, genre_id, orders,"
            " units, revenue FROM agg_sales_daily WHERE sale_date = (SELECT MIN(sale_date) FROM agg_sales_daily)",
            [day],
        )
        execute(
            "INSERT INTO agg_sales_mix_daily SELECT workspace_id, CAST(%s AS DATE), region_id, genre_id, orders,"
            " units, revenue FROM agg_sales_mix_daily"
            " WHERE sale_date = (SELECT MIN(sale_date) FROM agg_sales_mix_daily)",
            [day],
        )
        execute(
            "INSERT INTO fact_ledger SELECT entry_id + 1000000 + %s, workspace_id, CAST(%s AS DATE), amount, kind,"
            " department_id, fund_id, cost_center_id, updated_at FROM fact_ledger"
            " WHERE entry_id = (SELECT MIN(entry_id) FROM fact_ledger)",
            [int(day[:4]), day],
        )
        # The filter options read each workspace's first and last days from these.
        for scope, codes in (
            ("agg_sales_scope", "region_id, genre_id"),
            ("agg_ledger_scope", "department_id, fund_id"),
        ):
            execute(
                f"INSERT INTO {scope} SELECT workspace_id, {codes}, CAST(%s AS DATE), CAST(%s AS DATE) FROM {scope}"
                f" WHERE first_day = (SELECT MIN(first_day) FROM {scope})",
                [day, day],
            )


@pytest.fixture(params=["duckdb", "postgresql"])
def absurd_shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """The shop of `shop`, published on each backend, with absurd dates loaded into the warehouse."""
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path / 'warehouse'}"
    else:
        url = request.getfixturevalue("postgres_warehouse_url")
        _postgres_warehouse_empty(url)
        postgres_warehouse(url).close()
    with override_settings(WAREHOUSE_URL=url, LAKE_URL=(tmp_path / "lake").as_uri()):
        sales_data_generate(spec=SalesDataSpec(books=20, sales=400, seed=3, years=1, end_date=date(2025, 12, 31)))
        finance_data_generate(spec=FinanceDataSpec(entries=100, years=1, seed=3, end_date=date(2025, 12, 31)))
        warehouse_sync()
        location = published_generation().location
        if request.param == "duckdb":
            with duckdb.connect(location) as connection:
                absurd_rows_insert(lambda sql, values: connection.execute(sql.replace("%s", "?"), values))
        else:
            with psycopg.connect(url, autocommit=True) as connection:
                absurd_rows_insert(connection.execute)
        yield


@pytest.mark.parametrize("route", sorted(ANSWER_ROUTES))
def test_absurd_dates_in_the_warehouse_never_fail_a_default_question(
    client: APIClient, absurd_shop: None, route: str
) -> None:
    response = client.get(f"/api/analytics/{route}")

    assert response.status_code == 200, response.content[:300]


def test_a_range_longer_than_100_years_and_the_plausible_window_is_a_400(client: APIClient, shop: None) -> None:
    # a plausible window shorter than 100 years: the limit is 100 years
    with override_settings(FOLIO_EARLIEST_DATE=date(1950, 1, 1)):
        response = client.get("/api/analytics/summary?start=1900-01-01&end=2025-01-01")

    assert response.status_code == 400
    assert response.json()["errors"]["start"] == ["The range may span at most 100 years (36600 days)."]


def test_a_range_as_long_as_the_plausible_window_is_answered(client: APIClient, shop: None) -> None:
    # the default window starts in 1900: 126 years, longer than 100, must be askable explicitly too
    response = client.get("/api/analytics/summary?start=1900-01-01&end=2026-01-01")

    assert response.status_code == 200
    assert Decimal(response.json()["result"]["revenue"]) == sum(
        Sale.objects.values_list("amount", flat=True), Decimal("0.00")
    )


def test_with_absurd_dates_the_default_range_is_the_plausible_window_and_holds_the_real_sales(
    client: APIClient, absurd_shop: None
) -> None:
    last_plausible = timezone.localdate() + timedelta(days=366)  # FOLIO_LATEST_DAYS_AHEAD

    body = client.get("/api/analytics/summary").json()

    assert (body["params"]["start"], body["params"]["end"]) == ("1900-01-01", str(last_plausible + timedelta(days=1)))
    assert Decimal(body["result"]["revenue"]) == sum(Sale.objects.values_list("amount", flat=True), Decimal("0.00"))


@pytest.mark.parametrize("route", ["summary", "sales-by-region", "timeseries?granularity=year"])
def test_a_sale_a_century_old_that_a_write_accepts_is_in_the_default_all_data_answer(
    client: APIClient, shop: None, route: str
) -> None:
    # given a sale dated 1901, inside the plausible window writes are held to, recorded by the clerks' service
    old = sale_create(
        workspace=workspace_default(),
        book=Book.objects.order_by("pk")[0],
        region=Sale.objects.order_by("pk")[0].region,
        sold_at=datetime(1901, 3, 4, 10, 0, tzinfo=UTC),
        quantity=2,
        unit_price=Decimal("7.35"),
    )
    warehouse_sync()

    # when a dashboard asks without dates ("All data")
    body = client.get(f"/api/analytics/{route}").json()

    # then the old sale is counted: every stored sale is in the default range
    rows = body["results"] if "results" in body else [body["result"]]
    assert old.amount == Decimal("14.70")
    assert sum((Decimal(row["revenue"]) for row in rows), Decimal("0.00")) == sum(
        Sale.objects.values_list("amount", flat=True), Decimal("0.00")
    )


# top-books search matches %, _ and \ literally, on every backend ------------------------------------

TITLES = ["100% Pure", "1000 Pure Words", "snake_case Poems", "snakeXcase Poems", "Back\\slash Tales", "Backslash"]


@pytest.fixture(params=["duckdb", "postgresql", "redshift"])
def titled_source(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Source]:
    """Books titled with LIKE's special characters and look-alikes without them, published
    and read through each backend's own driver (Redshift's through the wire shim)."""
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path / 'warehouse'}"
    else:
        url = request.getfixturevalue("postgres_warehouse_url")
        _postgres_warehouse_empty(url)
        postgres_warehouse(url).close()
    with override_settings(WAREHOUSE_URL=url, LAKE_URL=(tmp_path / "lake").as_uri()):
        sales_data_generate(spec=SalesDataSpec(books=20, sales=400, seed=3, years=1, end_date=date(2025, 12, 31)))
        sold = Book.objects.filter(pk__in=Sale.objects.values("book_id")).order_by("pk")
        for book, title in zip(sold, TITLES, strict=False):
            Book.objects.filter(pk=book.pk).update(title=title)
        warehouse_sync()
        generation = published_generation()
        if request.param != "redshift":
            yield Source(warehouse_for(url), generation.location, default_scope())
            return
        parts = urlsplit(url)
        assert parts.hostname is not None
        shim = RedshiftWireShim((parts.hostname, parts.port or 5432)).start()
        shimmed = f"redshift://{parts.username}:unused@127.0.0.1:{shim.port}{parts.path}?sslmode=disable"
        yield Source(RedshiftWarehouse(shimmed, iam_role=""), generation.location, default_scope())
        shim.stop()


@pytest.mark.parametrize(
    ("search", "titles"),
    [
        ("100%", ["100% Pure"]),
        ("e_c", ["snake_case Poems"]),
        ("k\\s", ["Back\\slash Tales"]),
        ("%", ["100% Pure"]),
        ("_", ["snake_case Poems"]),
        ("!", []),
        ("pure", ["100% Pure", "1000 Pure Words"]),
    ],
)
def test_top_books_search_matches_percent_underscore_and_backslash_literally(
    titled_source: Source, search: str, titles: list[str]
) -> None:
    params = top_books.TopBooksParams(
        SalesFilters(Period(date(2025, 1, 1), date(2026, 1, 1))), limit=100, search=search
    )

    found = top_books.run(titled_source, params)

    assert sorted(row["title"] for row in found) == titles


# Any text in any parameter: generated by hypothesis -------------------------------------------------


@pytest.mark.parametrize("route", ["top-books", "timeseries", "finance/top-roi", "statement/profit"])
def test_generated_values_of_every_parameter_never_get_a_500(client: APIClient, shop: None, route: str) -> None:
    names = parameters(route)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        query=st.lists(
            st.tuples(st.sampled_from(names), st.one_of(st.text(max_size=30), st.from_regex(r"-?[0-9]{1,12}"))),
            min_size=1,
            max_size=4,
        )
    )
    def never_500(query: list[tuple[str, str]]) -> None:
        response = client.get(f"/api/analytics/{route}", [(name, value) for name, value in query])
        assert response.status_code in {200, 400}, (query, response.content[:300])

    never_500()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/tokens/", {"name": "script", "days": "٣"}, "days"),
        ("/api/tokens/", {"name": "script", "days": "²"}, "days"),
        ("/api/analytics/generate-test-data", {"books": "٣"}, "books"),
        ("/api/analytics/generate-test-data", {"sales": 5.0}, "sales"),
    ],
)
def test_numbers_in_request_bodies_are_ascii_digits_too(path: str, body: dict, field: str) -> None:
    staff = APIClient()
    staff.force_login(member_user("boss", password="boss-password", is_staff=True, is_superuser=True))

    response = staff.post(path, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {field: ["A valid integer is required."]}
