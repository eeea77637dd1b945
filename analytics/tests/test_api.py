"""The analytics API against an independent computation over the source records (the ORM
and plain Python), on the DuckDB and PostgreSQL warehouses, for several filter combinations."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from auditlog.context import disable_auditlog
from django.core.cache import cache
from django.test import override_settings
from pytest_django import DjangoDbBlocker
from rest_framework.test import APIClient

from analytics.models import Generation
from analytics.sync import warehouse_sync
from analytics.tests.conftest import _postgres_warehouse_empty
from analytics.tests.members import member_user
from audit.models import AuditEntry
from books.models import Author, Book, BookAuthor, Genre, Publisher, Region, Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from finance.models import Budget, CostCenter, Department, Fund, LedgerEntry, StatementLine
from finance.services.generation import FinanceDataSpec, finance_data_generate

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")
MODELS = (Sale, BookAuthor, Book, Author, Publisher, Genre, Region, LedgerEntry, Budget, CostCenter, Fund, Department)


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def published(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """One shop and city (80 books, 3,000 sales over 2024-2025, 600 ledger entries and a
    statement), synced into the warehouse under test; shared by the module's tests."""
    directory = tmp_path_factory.mktemp(f"api-{request.param}")
    if request.param == "duckdb":
        url = f"duckdb:///{directory / 'warehouse'}"
    else:
        url = request.getfixturevalue("postgres_warehouse_url")
        _postgres_warehouse_empty(url)
    with django_db_blocker.unblock(), override_settings(WAREHOUSE_URL=url, LAKE_URL=(directory / "lake").as_uri()):
        sales_data_generate(spec=SalesDataSpec(books=80, sales=3_000, seed=5, years=2, end_date=date(2025, 12, 31)))
        finance_data_generate(spec=FinanceDataSpec(entries=600, years=2, seed=5, end_date=date(2025, 12, 31)))
        warehouse_sync()
        cache.clear()
        yield request.param
        # Emptied without an audit entry per row, and the module's entries go too: the tests
        # that follow read the audit trail from an empty table.
        with disable_auditlog():
            for model in (*MODELS, StatementLine, Generation):
                model.objects.all().delete()
        AuditEntry.objects.all().delete()
        cache.clear()


@pytest.fixture
def client(published: str) -> APIClient:
    """A logged-in analyst (session authentication, as the dashboard uses)."""
    user = member_user("analyst", password="not-used-here")
    api = APIClient()
    api.force_login(user)
    return api


def get(client: APIClient, endpoint: str, **params: str | int) -> dict:
    response = client.get(f"/api/analytics/{endpoint}", params)
    assert response.status_code == 200, response.content
    return response.json()


# Independent computations over the transactional records --------------------------------


def sales(start: date | None = None, end: date | None = None, region: str = "", genre: str = "") -> list[Sale]:
    """The sales a filter selects, by their UTC day."""
    query = Sale.objects.select_related("region", "book__genre")
    if start:
        query = query.filter(sold_at__gte=datetime(start.year, start.month, start.day, tzinfo=UTC))
    if end:
        query = query.filter(sold_at__lt=datetime(end.year, end.month, end.day, tzinfo=UTC))
    if region:
        query = query.filter(region__code__in=region.split(","))
    if genre:
        query = query.filter(book__genre__slug__in=genre.split(","))
    return list(query)


def revenue(selected: list[Sale]) -> Decimal:
    return sum((sale.amount for sale in selected), Decimal("0.00"))


def pct(numerator: Decimal, denominator: Decimal) -> str | None:
    if not denominator:
        return None
    return str((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


FILTERS = [
    pytest.param({}, id="all-data"),
    pytest.param({"start": "2025-03-01", "end": "2025-06-01", "region": "US"}, id="spring-2025-US"),
    pytest.param({"start": "2024-12-20", "end": "2024-12-21"}, id="single-day"),
    pytest.param({"start": "2030-01-01", "end": "2030-02-01"}, id="empty-range"),
    pytest.param(
        {"start": "2024-01-01", "end": "2025-01-01", "region": "GB,DE", "genre": "romance"}, id="2024-GB-DE-romance"
    ),
]


def period(params: dict) -> tuple[date, date]:
    if "start" in params:
        return date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
    days = [sale.sold_at.astimezone(UTC).date() for sale in Sale.objects.all()]
    return min(days), max(days) + timedelta(days=1)


@pytest.mark.parametrize("params", FILTERS)
def test_summary_equals_the_sales_records(client: APIClient, params: dict) -> None:
    start, end = period(params)
    current = sales(start, end, params.get("region", ""), params.get("genre", ""))
    before = sales(start - (end - start), start, params.get("region", ""), params.get("genre", ""))

    body = get(client, "summary", **params)

    result = body["result"]
    assert (result["start"], result["end"]) == (start.isoformat(), end.isoformat())
    assert (Decimal(result["revenue"]), result["units"], result["orders"]) == (
        revenue(current),
        sum(sale.quantity for sale in current),
        len(current),
    )
    assert result["average_order_value"] == (
        str((revenue(current) / len(current)).quantize(CENT, rounding=ROUND_HALF_UP)) if current else None
    )
    assert (Decimal(result["previous_revenue"]), result["previous_orders"]) == (revenue(before), len(before))
    assert result["revenue_change"] == pct(revenue(current) - revenue(before), revenue(before))
    assert body["generation"] == Generation.objects.get().number


@pytest.mark.parametrize("params", FILTERS)
@pytest.mark.parametrize("granularity", ["week", "month", "quarter"])
def test_timeseries_buckets_keep_their_year_and_equal_the_records(
    client: APIClient, params: dict, granularity: str
) -> None:
    start, end = period(params)
    expected: dict[date, list] = defaultdict(lambda: [Decimal("0.00"), 0, 0])
    for sale in sales(start, end, params.get("region", ""), params.get("genre", "")):
        day = sale.sold_at.astimezone(UTC).date()
        bucket = {
            "week": day - timedelta(days=day.weekday()),
            "month": date(day.year, day.month, 1),
            "quarter": date(day.year, (day.month - 1) // 3 * 3 + 1, 1),
        }[granularity]
        expected[bucket][0] += sale.amount
        expected[bucket][1] += sale.quantity
        expected[bucket][2] += 1

    rows = get(client, "timeseries", granularity=granularity, **params)["results"]

    found = {date.fromisoformat(row["bucket"]): [Decimal(row["revenue"]), row["units"], row["orders"]] for row in rows}
    assert {bucket: values for bucket, values in found.items() if values[2]} == dict(expected)
    assert sum(Decimal(row["revenue"]) for row in rows) == sum((values[0] for values in expected.values()), Decimal(0))
    assert [row["bucket"] for row in rows] == sorted(row["bucket"] for row in rows)


def test_the_same_month_of_two_years_stays_two_buckets(client: APIClient) -> None:
    rows = get(client, "timeseries", granularity="month", start="2024-12-01", end="2026-01-01")["results"]

    decembers = [row for row in rows if row["bucket"].endswith("-12-01")]

    assert [row["bucket"] for row in decembers] == ["2024-12-01", "2025-12-01"]
    assert Decimal(decembers[0]["revenue"]) == revenue(sales(date(2024, 12, 1), date(2025, 1, 1)))
    assert Decimal(decembers[1]["revenue"]) == revenue(sales(date(2025, 12, 1), date(2026, 1, 1)))


@pytest.mark.parametrize("params", FILTERS)
@pytest.mark.parametrize("order", ["revenue", "units"])
def test_top_books_rank_the_books_of_the_records(client: APIClient, params: dict, order: str) -> None:
    start, end = period(params)
    per_book: dict[int, list] = defaultdict(lambda: [Decimal("0.00"), 0])
    for sale in sales(start, end, params.get("region", ""), params.get("genre", "")):
        per_book[sale.book_id][0] += sale.amount
        per_book[sale.book_id][1] += sale.quantity
    measure = 0 if order == "revenue" else 1
    expected = sorted(per_book.items(), key=lambda item: (-item[1][measure], item[0]))[:5]

    rows = get(client, "top-books", order=order, limit=5, **params)["results"]

    assert [(row["book_id"], Decimal(row["revenue"]), row["units"]) for row in rows] == [
        (book_id, values[0], values[1]) for book_id, values in expected
    ]
    books = {book.pk: book for book in Book.objects.select_related("genre").filter(pk__in=per_book)}
    assert [(row["title"], row["genre"]) for row in rows] == [
        (books[book_id].title, books[book_id].genre.slug) for book_id, _ in expected
    ]


def test_top_books_page_through_without_overlap_and_search_by_title(client: APIClient) -> None:
    first = get(client, "top-books", limit=5)["results"]
    second = get(client, "top-books", limit=5, offset=5)["results"]
    book = Book.objects.get(pk=first[2]["book_id"])
    word = max(book.title.split(), key=len)

    found = get(client, "top-books", limit=100, search=word.upper())["results"]

    assert [row["rank"] for row in second] == [6, 7, 8, 9, 10]
    assert not {row["book_id"] for row in first} & {row["book_id"] for row in second}
    assert book.pk in {row["book_id"] for row in found}
    assert all(word.lower() in (row["title"] + " " + row["authors"]).lower() for row in found)


@pytest.mark.parametrize("params", FILTERS)
@pytest.mark.parametrize("dimension", ["region", "genre"])
def test_sales_by_region_and_genre_equal_the_records(client: APIClient, params: dict, dimension: str) -> None:
    start, end = period(params)
    selected = sales(start, end, params.get("region", ""), params.get("genre", ""))
    before = sales(start - (end - start), start, params.get("region", ""), params.get("genre", ""))
    key = (lambda sale: sale.region.code) if dimension == "region" else (lambda sale: sale.book.genre.slug)
    now: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    earlier: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for sale in selected:
        now[key(sale)] += sale.amount
    for sale in before:
        earlier[key(sale)] += sale.amount
    total = sum(now.values(), Decimal("0.00"))

    rows = get(client, f"sales-by-{dimension}", **params)["results"]

    assert {row[dimension]: Decimal(row["revenue"]) for row in rows} == {
        code: now[code] for code in set(now) | set(earlier)
    }
    assert {row[dimension]: row["share"] for row in rows} == {
        code: pct(now[code], total) for code in set(now) | set(earlier)
    }
    assert {row[dimension]: Decimal(row["previous_revenue"]) for row in rows} == {
        code: earlier[code] for code in set(now) | set(earlier)
    }
    assert [Decimal(row["revenue"]) for row in rows] == sorted((Decimal(row["revenue"]) for row in rows), reverse=True)


# The city ledger ----------------------------------------------------------------------------


def ledger(start: date, end: date, department: str = "", fund: str = "") -> list[LedgerEntry]:
    query = LedgerEntry.objects.select_related("department", "fund").filter(entry_date__gte=start, entry_date__lt=end)
    if department:
        query = query.filter(department__code__in=[int(code) for code in department.split(",")])
    if fund:
        query = query.filter(fund__code__in=[int(code) for code in fund.split(",")])
    return list(query)


def signed(entry: LedgerEntry) -> tuple[Decimal, Decimal]:
    """(revenue, expense) of one entry under the sign rules: a negative revenue is an
    expense and a negative expense is revenue."""
    if entry.kind == "Revenues":
        return (entry.amount, Decimal("0.00")) if entry.amount >= 0 else (Decimal("0.00"), -entry.amount)
    return (Decimal("0.00"), entry.amount) if entry.amount >= 0 else (-entry.amount, Decimal("0.00"))


def ledger_filters() -> list[dict]:
    department = Department.objects.order_by("code")[0].code
    fund = Fund.objects.order_by("code")[0].code
    return [
        {},
        {"start": "2025-01-01", "end": "2025-07-01"},
        {"start": "2024-06-15", "end": "2024-06-16"},
        {"start": "2031-01-01", "end": "2031-02-01"},
        {"start": "2024-01-01", "end": "2026-01-01", "department": str(department), "fund": str(fund)},
    ]


def ledger_period(params: dict) -> tuple[date, date]:
    if "start" in params:
        return date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
    days = list(LedgerEntry.objects.values_list("entry_date", flat=True))
    return min(days), max(days) + timedelta(days=1)


@pytest.mark.parametrize("case", range(5))
def test_top_roi_is_net_over_expenses_sorted_by_it(client: APIClient, case: int) -> None:
    params = ledger_filters()[case]
    per_department: dict[int, list] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
    for entry in ledger(*ledger_period(params), params.get("department", ""), params.get("fund", "")):
        gained, spent = signed(entry)
        per_department[entry.department.code][0] += gained
        per_department[entry.department.code][1] += spent
    expected = [
        (code, values[0], values[1], pct(values[0] - values[1], values[1])) for code, values in per_department.items()
    ]
    expected.sort(key=lambda row: (row[3] is None, -Decimal(row[3] or 0), row[0]))

    rows = get(client, "finance/top-roi", limit=100, **params)["results"]

    assert [
        (row["department"], Decimal(row["revenue"]), Decimal(row["expenses"]), row["roi"]) for row in rows
    ] == expected


@pytest.mark.parametrize("case", range(5))
def test_fund_table_and_revenue_expenses_equal_the_ledger(client: APIClient, case: int) -> None:
    params = ledger_filters()[case]
    entries = ledger(*ledger_period(params), params.get("department", ""), params.get("fund", ""))
    per_fund: dict[int, list] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
    per_month: dict[str, list] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
    for entry in entries:
        gained, spent = signed(entry)
        per_fund[entry.fund.code][0] += gained
        per_fund[entry.fund.code][1] += spent
        per_month[entry.entry_date.strftime("%Y-%m-01")][0] += gained
        per_month[entry.entry_date.strftime("%Y-%m-01")][1] += spent

    funds = get(client, "finance/fund-table", **params)["results"]
    months = get(client, "finance/revenue-expenses", granularity="month", **params)["results"]

    assert {row["fund"]: (Decimal(row["revenue"]), Decimal(row["expenses"]), row["ratio"]) for row in funds} == {
        code: (values[0], values[1], pct(values[0], values[1])) for code, values in per_fund.items()
    }
    assert {
        row["bucket"]: (Decimal(row["revenue"]), Decimal(row["expenses"]))
        for row in months
        if row["revenue"] != "0.00" or row["expenses"] != "0.00"
    } == {bucket: tuple(values) for bucket, values in per_month.items() if any(values)}
    assert all(Decimal(row["net"]) == Decimal(row["revenue"]) - Decimal(row["expenses"]) for row in months)


@pytest.mark.parametrize("case", range(5))
def test_net_profit_is_the_net_result_its_running_total_and_margin(client: APIClient, case: int) -> None:
    params = ledger_filters()[case]
    entries = ledger(*ledger_period(params), params.get("department", ""), params.get("fund", ""))
    per_month: dict[str, list] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
    for entry in entries:
        gained, spent = signed(entry)
        per_month[entry.entry_date.strftime("%Y-%m-01")][0] += gained
        per_month[entry.entry_date.strftime("%Y-%m-01")][1] += spent
    expected = []
    revenue_so_far, cumulative = Decimal("0.00"), Decimal("0.00")
    months = get(client, "finance/net-profit", granularity="month", **params)["results"]
    for bucket in (row["bucket"] for row in months):
        revenue, expenses = per_month.get(bucket, (Decimal("0.00"), Decimal("0.00")))
        revenue_so_far += revenue
        cumulative += revenue - expenses
        expected.append(
            (bucket, revenue - expenses, cumulative, pct(revenue - expenses, revenue), pct(cumulative, revenue_so_far))
        )

    assert [
        (row["bucket"], Decimal(row["net"]), Decimal(row["cumulative_net"]), row["margin"], row["cumulative_margin"])
        for row in months
    ] == expected
    net = sum((gained - spent for gained, spent in map(signed, entries)), Decimal("0.00"))
    assert (Decimal(months[-1]["cumulative_net"]) if months else Decimal("0.00")) == net


def test_top_budget_ranks_departments_by_spending_with_their_budget(client: APIClient) -> None:
    spent: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for entry in ledger(date(2025, 1, 1), date(2026, 1, 1)):
        spent[entry.department.code] += signed(entry)[1]
    budgets = {
        budget.department.code: budget.amount
        for budget in Budget.objects.select_related("department").filter(fiscal_year=2025)
    }
    expected = sorted(spent.items(), key=lambda item: (-item[1], item[0]))[:10]

    rows = get(client, "finance/top-budget", start="2025-01-01", end="2026-01-01")["results"]

    assert [(row["code"], Decimal(row["expenses"]), Decimal(row["budget"])) for row in rows] == [
        (code, amount, budgets[code]) for code, amount in expected
    ]


def test_top_budget_for_one_department_ranks_its_cost_centres(client: APIClient) -> None:
    department = Department.objects.order_by("code")[0]
    spent: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for entry in LedgerEntry.objects.select_related("cost_center").filter(department=department):
        spent[entry.cost_center.code] += signed(entry)[1]
    expected = sorted(spent.items(), key=lambda item: (-item[1], item[0]))[:10]

    rows = get(client, "finance/top-budget", department=department.code)["results"]

    assert [(row["level"], row["code"], Decimal(row["expenses"]), row["budget"]) for row in rows] == [
        ("cost_center", code, amount, None) for code, amount in expected
    ]


# The compte de résultat -------------------------------------------------------------------


def test_statement_profit_and_operating_result_per_exercice(client: APIClient) -> None:
    totals: dict[tuple, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in StatementLine.objects.all():
        totals[(line.exercice, line.type_de_resultat, line.produit_charge)] += line.montant_en_eur
    exercices = sorted({key[0] for key in totals})

    profit = get(client, "statement/profit")["results"]
    operating = get(client, "statement/operating", exercice=exercices[-1])["results"]

    assert [(row["exercice"], Decimal(row["resultat"])) for row in profit] == [
        (
            year,
            sum((amount for key, amount in totals.items() if key[0] == year and key[2] == "PRODUITS"), Decimal("0.00"))
            - sum(
                (amount for key, amount in totals.items() if key[0] == year and key[2] == "CHARGES"), Decimal("0.00")
            ),
        )
        for year in exercices
    ]
    produits = totals[(exercices[-1], "EXPLOITATION", "PRODUITS")]
    charges = totals[(exercices[-1], "EXPLOITATION", "CHARGES")]
    assert operating == [
        {
            "exercice": exercices[-1],
            "produits": str(produits),
            "charges": str(charges),
            "resultat": str(produits - charges),
            "marge": pct(produits - charges, produits),
        }
    ]


@pytest.mark.parametrize(
    ("endpoint", "side", "kind"),
    [
        ("statement/expenses-by-poste", "CHARGES", None),
        ("statement/exceptional-charges", "CHARGES", "EXCEPTIONNEL"),
        ("statement/financial-income", "PRODUITS", "FINANCIER"),
    ],
)
def test_statement_postes_equal_the_lines(client: APIClient, endpoint: str, side: str, kind: str | None) -> None:
    lines = StatementLine.objects.filter(produit_charge=side, **({"type_de_resultat": kind} if kind else {}))
    expected: dict[tuple, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in lines:
        expected[(line.exercice, line.poste)] += line.montant_en_eur

    rows = get(client, endpoint)["results"]

    assert {(row["exercice"], row["poste"]): Decimal(row["montant"]) for row in rows} == dict(expected)
    for year in {row["exercice"] for row in rows}:
        assert sum(Decimal(row["share"]) for row in rows if row["exercice"] == year) == pytest.approx(
            Decimal(1), abs=Decimal("0.001")
        )
