"""top-books reads the coarsest book rollups that tile a period (years, months, days, or all
the data): whatever the period, filters, ranking, page and search, its answer equals the
ranking computed from the transactional sales."""

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.queries.base import Period
from analytics.queries.sales_filters import SalesFilters
from analytics.queries.top_books import Piece, TopBooksParams, _pre_ranked, pieces
from analytics.questions.ask import ask
from analytics.sync import warehouse_sync
from analytics.tests.conftest import default_scope
from analytics.warehouse.schema import BOOK_MONTHLY, BOOK_TOTAL, BOOK_YEARLY, ROLLUP
from books.models import Book, BookAuthor, Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from workspaces.scope import Scope
from workspaces.services import workspace_create, workspace_default, workspace_named

FIRST_SALE, LAST_SALE = date(2023, 1, 1), date(2025, 12, 31)
SPAN = Period(FIRST_SALE, LAST_SALE + timedelta(days=1))
DAYS = st.dates(date(2022, 11, 1), date(2026, 1, 31))
YEARS = st.integers(2022, 2026)
ANYWHERE = Scope(workspace_id=1)  # a workspace without row limits


def test_a_period_is_tiled_by_whole_years_then_whole_months_then_days() -> None:
    period = Period(date(2023, 11, 20), date(2025, 2, 3))
    assert pieces(SalesFilters(period, span=SPAN), ANYWHERE) == [
        Piece(ROLLUP, Period(date(2023, 11, 20), date(2023, 12, 1))),
        Piece(BOOK_MONTHLY, Period(date(2023, 12, 1), date(2024, 1, 1))),
        Piece(BOOK_YEARLY, Period(date(2024, 1, 1), date(2025, 1, 1))),
        Piece(BOOK_MONTHLY, Period(date(2025, 1, 1), date(2025, 2, 1))),
        Piece(ROLLUP, Period(date(2025, 2, 1), date(2025, 2, 3))),
    ]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # One year or one month: one row per book, read pre-ranked.
        (Period(date(2025, 1, 1), date(2026, 1, 1)), [Piece(BOOK_YEARLY, Period(date(2025, 1, 1), date(2026, 1, 1)))]),
        (Period(date(2024, 2, 1), date(2024, 3, 1)), [Piece(BOOK_MONTHLY, Period(date(2024, 2, 1), date(2024, 3, 1)))]),
        # Every day with sales (the dashboard's "All data"), or more: the all-data rollup.
        (SPAN, [Piece(BOOK_TOTAL, None)]),
        (Period(date(2000, 1, 1), date(2030, 1, 1)), [Piece(BOOK_TOTAL, None)]),
        # Days outside the sales are dropped before tiling; a period with none reads nothing.
        (
            Period(date(2022, 6, 1), date(2023, 12, 1)),
            [Piece(BOOK_MONTHLY, Period(date(2023, 1, 1), date(2023, 12, 1)))],
        ),
        (Period(date(2026, 1, 1), date(2026, 6, 1)), []),
        # Days inside one month stay days.
        (Period(date(2025, 3, 3), date(2025, 3, 10)), [Piece(ROLLUP, Period(date(2025, 3, 3), date(2025, 3, 10)))]),
        # December's month ends at the next year's first day.
        (
            Period(date(2024, 12, 1), date(2025, 1, 5)),
            [
                Piece(BOOK_MONTHLY, Period(date(2024, 12, 1), date(2025, 1, 1))),
                Piece(ROLLUP, Period(date(2025, 1, 1), date(2025, 1, 5))),
            ],
        ),
    ],
)
def test_the_rollups_read_for_a_period(period: Period, expected: list[Piece]) -> None:
    assert pieces(SalesFilters(period, span=SPAN), ANYWHERE) == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # Sales from 2023-03-15 to 2025-12-19: "year to date" and a calendar year past the
        # data's edge are whole years, since no sale lies beyond the edge.
        (
            Period(date(2025, 1, 1), date(2025, 12, 20)),
            [Piece(BOOK_YEARLY, Period(date(2025, 1, 1), date(2026, 1, 1)))],
        ),
        (Period(date(2023, 1, 1), date(2024, 1, 1)), [Piece(BOOK_YEARLY, Period(date(2023, 1, 1), date(2024, 1, 1)))]),
        # "Last 30 days": the days of November, then December whole.
        (
            Period(date(2025, 11, 20), date(2025, 12, 20)),
            [
                Piece(ROLLUP, Period(date(2025, 11, 20), date(2025, 12, 1))),
                Piece(BOOK_MONTHLY, Period(date(2025, 12, 1), date(2026, 1, 1))),
            ],
        ),
        # An edge inside the data stays where it is.
        (
            Period(date(2023, 3, 16), date(2024, 1, 1)),
            [
                Piece(ROLLUP, Period(date(2023, 3, 16), date(2023, 4, 1))),
                Piece(BOOK_MONTHLY, Period(date(2023, 4, 1), date(2024, 1, 1))),
            ],
        ),
    ],
)
def test_an_edge_beyond_the_data_moves_to_the_year_boundary(period: Period, expected: list[Piece]) -> None:
    span = Period(date(2023, 3, 15), date(2025, 12, 20))
    assert pieces(SalesFilters(period, span=span), ANYWHERE) == expected


@pytest.mark.parametrize(
    ("period", "genres", "search", "offset", "pre_ranked"),
    [
        (Period(date(2025, 1, 1), date(2026, 1, 1)), (), "", 0, True),
        (Period(date(2024, 2, 1), date(2024, 3, 1)), (), "", 0, False),  # a month: its rollup's rows ranked
        (Period(date(2024, 1, 1), date(2025, 1, 1)), (), "", 90, True),
        (SPAN, (), "", 0, True),
        # A genre, a search or a page past the first TOP_PLACES books rank the rollup's rows.
        (Period(date(2025, 1, 1), date(2026, 1, 1)), ("romance",), "", 0, False),
        (SPAN, (), "war", 0, False),
        (SPAN, (), "", 91, False),
        # Two buckets, or days, are summed.
        (Period(date(2024, 1, 1), date(2026, 1, 1)), (), "", 0, False),
        (Period(date(2025, 3, 3), date(2025, 3, 10)), (), "", 0, False),
    ],
)
def test_the_first_pages_of_one_bucket_are_read_pre_ranked(
    period: Period, genres: tuple[str, ...], search: str, offset: int, pre_ranked: bool
) -> None:
    params = TopBooksParams(SalesFilters(period, genres=genres, span=SPAN), limit=10, offset=offset, search=search)
    read = _pre_ranked(pieces(params.filters, ANYWHERE), params, ANYWHERE)
    assert (read is not None) == pre_ranked
    if read is not None:
        assert "agg_sales_book_top" in read[0]


def test_data_on_the_last_days_dates_can_hold_is_tiled_without_overflow() -> None:
    span = Period(date(1, 1, 1), date(9999, 12, 31))
    period = Period(date(8999, 12, 1), date(9000, 1, 1))
    assert pieces(SalesFilters(Period(date(1, 1, 1), date(9000, 1, 1)), span=span), ANYWHERE) == [
        Piece(BOOK_YEARLY, Period(date(1, 1, 1), date(9000, 1, 1)))
    ]
    assert pieces(SalesFilters(period, span=span), ANYWHERE) == [Piece(BOOK_MONTHLY, period)]
    assert pieces(SalesFilters(Period(date(9999, 3, 1), date(9999, 12, 31)), span=span), ANYWHERE) == [
        Piece(BOOK_MONTHLY, Period(date(9999, 3, 1), date(9999, 12, 1))),
        Piece(ROLLUP, Period(date(9999, 12, 1), date(9999, 12, 31))),
    ]


def test_a_region_filter_reads_the_day_book_region_grain() -> None:
    period = Period(date(2025, 1, 1), date(2026, 1, 1))
    assert pieces(SalesFilters(period, regions=("US",), span=SPAN), ANYWHERE) == [Piece(ROLLUP, period)]


def test_a_scope_limited_to_some_regions_reads_the_day_book_region_grain() -> None:
    period = Period(date(2025, 1, 1), date(2026, 1, 1))
    limited = Scope(workspace_id=1, regions=("US",))
    assert pieces(SalesFilters(period, span=SPAN), limited) == [Piece(ROLLUP, period)]
    assert pieces(SalesFilters(SPAN, span=SPAN), limited) == [Piece(ROLLUP, SPAN)]


def test_without_the_span_a_period_is_tiled_as_asked() -> None:
    period = Period(date(2022, 12, 31), date(2024, 1, 1))
    assert pieces(SalesFilters(period), ANYWHERE) == [
        Piece(ROLLUP, Period(date(2022, 12, 31), date(2023, 1, 1))),
        Piece(BOOK_YEARLY, Period(date(2023, 1, 1), date(2024, 1, 1))),
    ]


@pytest.fixture
def three_years(warehouse_url: str, db: None, fresh_cache: None) -> Iterator[None]:
    """40 books and 3,000 sales over 2023-2025 in the default workspace, and 30 books and 2,000
    other sales in a second one, published on the backend under test (as generation 1, like
    every test's: answers cached by another test must not be served)."""
    sales_data_generate(spec=SalesDataSpec(books=40, sales=3_000, seed=11, years=3, end_date=LAST_SALE))
    workspace_create(slug="second", name="Second")
    sales_data_generate(
        spec=SalesDataSpec(books=30, sales=2_000, seed=12, years=3, end_date=LAST_SALE, workspace="second")
    )
    warehouse_sync()
    yield


def expected_top_books(
    period: Period, regions: tuple[str, ...], genres: tuple[str, ...], order: str, search: str
) -> list[tuple[int, Decimal, int, int]]:
    """(book, revenue, units, orders), best first by `order` then book id, from the ORM."""
    authors: dict[int, list[str]] = {}
    for book_id, name in BookAuthor.objects.order_by("book_id", "position", "id").values_list(
        "book_id", "author__name"
    ):
        authors.setdefault(book_id, []).append(name)
    found = {
        book_id
        for book_id, title in Book.objects.filter(workspace=workspace_default()).values_list("pk", "title")
        if search.lower() in title.lower() or search.lower() in ", ".join(authors.get(book_id, [])).lower()
    }
    totals: dict[int, tuple[Decimal, int, int]] = {}
    sales = Sale.objects.filter(book_id__in=found)
    if regions:
        sales = sales.filter(region__code__in=regions)
    if genres:
        sales = sales.filter(book__genre__slug__in=genres)
    for sold_at, book_id, quantity, amount in sales.values_list("sold_at", "book_id", "quantity", "amount"):
        if period.start <= sold_at.date() < period.end:
            revenue, units, orders = totals.get(book_id, (Decimal("0.00"), 0, 0))
            totals[book_id] = (revenue + amount, units + quantity, orders + 1)
    return ranked(totals, order)


def ranked(totals: dict[int, tuple[Decimal, int, int]], order: str) -> list[tuple[int, Decimal, int, int]]:
    """(book, revenue, units, orders), best first by `order`, ties broken by book id."""
    measure = {"revenue": 0, "units": 1, "orders": 2}[order]
    best_first = sorted(totals.items(), key=lambda item: (-item[1][measure], item[0]))
    return [(book_id, *values) for book_id, values in best_first]


@pytest.mark.parametrize("slug", ["default", "second"])
def test_every_bucket_read_pre_ranked_equals_the_ranking_of_the_source_sales(three_years: None, slug: str) -> None:
    """Each month, each year and all the data, by each ranking, first and later pages, read
    pre-ranked or from one bucket's rows, of each workspace: its own books alone
    (ties on units and orders are common here: the book id breaks them)."""
    workspace = workspace_named(slug)
    sales = [
        (sold_at.date(), book_id, quantity, amount)
        for sold_at, book_id, quantity, amount in Sale.objects.filter(workspace=workspace).values_list(
            "sold_at", "book_id", "quantity", "amount"
        )
    ]
    months = [date(year, month, 1) for year in (2023, 2024, 2025) for month in range(1, 13)]
    buckets: list[tuple[date, date] | None] = [None, *((date(y, 1, 1), date(y + 1, 1, 1)) for y in (2023, 2024, 2025))]
    buckets += [(month, date(month.year + month.month // 12, month.month % 12 + 1, 1)) for month in months]
    for bucket in buckets:
        start, end = bucket or (FIRST_SALE, LAST_SALE + timedelta(days=1))
        totals: dict[int, tuple[Decimal, int, int]] = {}
        for day, book_id, quantity, amount in sales:
            if start <= day < end:
                revenue, units, orders = totals.get(book_id, (Decimal("0.00"), 0, 0))
                totals[book_id] = (revenue + amount, units + quantity, orders + 1)
        for order in ("revenue", "units", "orders"):
            ranking = ranked(totals, order)
            for offset, limit in ((0, 10), (7, 20)):
                params: dict[str, object] = {"order": order, "offset": offset, "limit": limit}
                if bucket is not None:
                    params |= {"start": start.isoformat(), "end": end.isoformat()}
                rows = ask("top-books", params, scope=Scope(workspace_id=workspace.pk)).answer.value
                assert isinstance(rows, list)
                answered = [(row["book_id"], Decimal(row["revenue"]), row["units"], row["orders"]) for row in rows]
                assert answered == ranking[offset : offset + limit], (bucket, order, offset)


@pytest.mark.slow
def test_top_books_equals_the_ranking_of_the_source_sales(three_years: None) -> None:
    # The filters offer the regions and genres the workspace's own sales have.
    sales = Sale.objects.filter(workspace=workspace_default())
    regions = sorted(set(sales.values_list("region__code", flat=True)))
    genres = sorted(set(sales.values_list("book__genre__slug", flat=True)))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        period=st.one_of(
            st.none(),  # all the data
            st.builds(lambda start, days: (start, start + timedelta(days=days)), DAYS, st.integers(1, 1_300)),
            st.builds(
                lambda year, month: (date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)),
                YEARS,
                st.integers(1, 12),
            ),
            st.builds(lambda year: (date(year, 1, 1), date(year + 1, 1, 1)), YEARS),
        ),
        region=st.lists(st.sampled_from(regions), max_size=2, unique=True),
        genre=st.lists(st.sampled_from(genres), max_size=3, unique=True),
        order=st.sampled_from(["revenue", "units", "orders"]),
        limit=st.integers(1, 25),
        offset=st.integers(0, 30),
        search=st.sampled_from(["", "a", "the", "e"]),
    )
    def asked(
        period: tuple[date, date] | None,
        region: list[str],
        genre: list[str],
        order: str,
        limit: int,
        offset: int,
        search: str,
    ) -> None:
        params: dict[str, object] = {"order": order, "limit": limit, "offset": offset}
        if period is not None:
            params |= {"start": period[0].isoformat(), "end": period[1].isoformat()}
        if region:
            params["region"] = ",".join(region)
        if genre:
            params["genre"] = ",".join(genre)
        if search:
            params["search"] = search
        answer = ask("top-books", params, scope=default_scope())
        asked_period = Period(answer.params["start"], answer.params["end"])
        expected = expected_top_books(asked_period, tuple(region), tuple(genre), order, search)[offset : offset + limit]
        rows = answer.answer.value
        assert isinstance(rows, list)
        assert [(row["book_id"], Decimal(row["revenue"]), row["units"], row["orders"]) for row in rows] == expected, (
            answer.params
        )
        assert [row["rank"] for row in rows] == list(range(offset + 1, offset + len(expected) + 1))

    asked()
