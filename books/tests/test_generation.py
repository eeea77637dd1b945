"""generate_sales_data: exact, reproducible, realistic, and all-or-nothing."""

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.models import Count, F, Min, Sum

from books.models import Author, Book, BookAuthor, Sale
from books.services import bulk_load, generation
from books.services.generation import SalesDataResult, SalesDataSpec, isbn13_check_digit, sales_data_generate

SPEC = SalesDataSpec(books=200, sales=5000, seed=7, end_date=date(2025, 12, 31), batch_size=1000)


def totals(alias: str) -> dict:
    """What a user would compare between two databases: counts and exact sums.

    Money is summed here in Python over each row's Decimal: SQLite's SUM adds binary
    floats, which is not an exact check (128433.970000007 instead of 128433.97).
    """
    amounts = list(Sale.objects.using(alias).values_list("amount", "discount", "quantity"))
    return {
        "rows": len(amounts),
        "units": sum(quantity for _, _, quantity in amounts),
        "revenue": sum((amount for amount, _, _ in amounts), Decimal("0.00")),
        "discounts": sum((discount for _, discount, _ in amounts), Decimal("0.00")),
        "books": Book.objects.using(alias).count(),
        "authors": Author.objects.using(alias).count(),
        "credits": BookAuthor.objects.using(alias).count(),
        "first_sale": Sale.objects.using(alias).aggregate(first=Min("sold_at"))["first"],
    }


@pytest.mark.django_db(databases="__all__")
def test_generated_totals_equal_what_the_generator_reports(db_alias: str) -> None:
    result = sales_data_generate(spec=SPEC, using=db_alias)

    stored = totals(db_alias)
    assert (stored["rows"], stored["books"]) == (5000, 200)
    assert stored["units"] == result.units
    assert stored["revenue"] == result.revenue
    assert stored["discounts"] == result.discounts
    assert stored["authors"] == result.authors == 90


@pytest.mark.django_db(databases="__all__")
def test_same_seed_gives_the_same_data_on_sqlite_and_postgresql(postgres_alias: str) -> None:
    sales_data_generate(spec=SPEC, using="default")
    sales_data_generate(spec=SPEC, using=postgres_alias)

    assert totals("default") == totals(postgres_alias)
    first_rows = ["book__isbn13", "region__code", "sold_at", "quantity", "unit_price", "discount", "amount", "channel"]
    sqlite_rows = list(Sale.objects.using("default").order_by("id").values_list(*first_rows)[:50])
    postgres_rows = list(Sale.objects.using(postgres_alias).order_by("id").values_list(*first_rows)[:50])
    assert sqlite_rows == postgres_rows


@pytest.mark.django_db
def test_batch_size_changes_how_rows_are_written_not_which() -> None:
    small = sales_data_generate(spec=SPEC, using="default")
    Sale.objects.all().delete()
    large = sales_data_generate(spec=SalesDataSpec(**{**SPEC.__dict__, "batch_size": 100_000}), using="default")

    assert (large.units, large.revenue, large.discounted_sales) == (small.units, small.revenue, small.discounted_sales)


@pytest.fixture
def generated(db: None) -> SalesDataResult:
    """A larger data set to read distribution properties from (SQLite)."""
    spec = SalesDataSpec(books=500, sales=60_000, seed=11, years=3, end_date=date(2025, 12, 31))
    return sales_data_generate(spec=spec)


def test_december_is_the_peak_month(generated: SalesDataResult) -> None:
    by_month: dict[int, Decimal] = {}
    for sale in Sale.objects.values("sold_at", "amount").iterator():
        by_month[sale["sold_at"].month] = by_month.get(sale["sold_at"].month, Decimal(0)) + sale["amount"]
    days_in_month = {1: 31, 2: 28.25, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
    per_day = {month: float(total) / days_in_month[month] for month, total in by_month.items()}

    assert max(per_day, key=per_day.__getitem__) == 12
    others = [value for month, value in per_day.items() if month != 12]
    assert per_day[12] > 1.4 * sum(others) / len(others)


def test_saturdays_sell_more_than_tuesdays(generated: SalesDataResult) -> None:
    weekday_counts = [0] * 7
    for sold_at in Sale.objects.values_list("sold_at", flat=True).iterator():
        weekday_counts[sold_at.weekday()] += 1

    assert weekday_counts[5] > 1.3 * weekday_counts[1]


def test_a_few_best_sellers_and_a_long_tail(generated: SalesDataResult) -> None:
    units_by_book = sorted(
        Sale.objects.values("book").annotate(units=Sum("quantity")).values_list("units", flat=True), reverse=True
    )
    total = sum(units_by_book)
    top_one_percent = sum(units_by_book[:5])  # 1% of 500 books

    assert top_one_percent > 0.12 * total
    assert Sale.objects.values("book").distinct().count() > 400  # the tail still sells


def test_regions_discounts_and_channels_have_their_shares(generated: SalesDataResult) -> None:
    sales = Sale.objects.count()
    by_region = dict(Sale.objects.values_list("region__code").annotate(n=Count("id")))
    discounted = Sale.objects.filter(discount__gt=0).count()
    wholesale = Sale.objects.filter(channel="wholesale").aggregate(n=Count("id"), copies=Min("quantity"))

    assert max(by_region, key=by_region.__getitem__) == "US"
    assert 0.35 < by_region["US"] / sales < 0.41
    assert 0.20 < discounted / sales < 0.25
    assert discounted == generated.discounted_sales
    assert 0.005 < wholesale["n"] / sales < 0.015
    assert wholesale["copies"] >= 5


def test_no_book_sells_before_it_is_published(generated: SalesDataResult) -> None:
    assert Sale.objects.filter(sold_at__date__lt=F("book__published_on")).count() == 0
    assert Book.objects.filter(published_on__gte=date(2023, 1, 1)).exists()  # new releases exist


def test_sales_stay_inside_the_window_and_prices_come_from_the_tiers(generated: SalesDataResult) -> None:
    window = Sale.objects.aggregate(first=Min("sold_at__date"))
    assert window["first"] >= date(2023, 1, 1)
    assert not Sale.objects.filter(sold_at__date__gt=date(2025, 12, 31)).exists()
    assert set(Sale.objects.values_list("unit_price", flat=True)) <= {
        Decimal(cents) / 100
        for cents in (
            699,
            799,
            899,
            999,
            1099,
            1299,
            1499,
            1599,
            1699,
            1799,
            1899,
            2200,
            2499,
            2699,
            2800,
            2999,
            3200,
            3500,
            1999,
            2499,
            4500,
            5999,
            7450,
            8999,
            11900,
        )
    }


def test_every_isbn_is_valid_and_unique(generated: SalesDataResult) -> None:
    isbns = [isbn for isbn in Book.objects.values_list("isbn13", flat=True) if isbn is not None]
    assert len(set(isbns)) == 500
    twelve = np.array([int(isbn[:12]) for isbn in isbns])
    assert [int(isbn[12]) for isbn in isbns] == isbn13_check_digit(twelve).tolist()


@pytest.mark.django_db
def test_a_second_run_adds_new_books_with_new_isbns() -> None:
    sales_data_generate(spec=SPEC)
    sales_data_generate(spec=SPEC)

    assert Book.objects.count() == 400
    assert Sale.objects.count() == 10_000


@pytest.mark.django_db
def test_the_command_prints_its_totals(capsys: pytest.CaptureFixture) -> None:
    call_command("generate_sales_data", "--seed", "7", "--books", "200", "--sales", "5000", "--end-date", "2025-12-31")

    out = capsys.readouterr().out
    revenue = totals("default")["revenue"]
    assert "200 books by 90 authors and 5,000 sales" in out
    assert f"revenue {revenue:,}" in out
    assert "seed 7" in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--sales", "-5"], "--sales must be between 0 and 50,000,000, got -5"),
        (["--books", "0", "--sales", "10"], "--books must be at least 1 when sales are requested"),
        (["--end-date", "2024-13-01"], "argument --end-date: '2024-13-01' is not a date in the form YYYY-MM-DD"),
        (["--end-date", "2999-01-01"], "--end-date 2999-01-01 is in the future"),
        (["--years", "0"], "--years must be between 1 and 50, got 0"),
        (["--batch-size", "10"], "--batch-size must be between 1,000 and 1,000,000, got 10"),
        (["--books", "ten"], "argument --books: invalid int value: 'ten'"),
        (["--years", "٣"], "argument --years: invalid int value: '٣' (a whole number in digits 0-9)"),
        (["--sales", "１０"], "argument --sales: invalid int value: '１０' (a whole number in digits 0-9)"),  # noqa: RUF001 — non-ASCII digits on purpose: the input being refused
        (["--database", "nowhere"], "--database 'nowhere' is not a configured database alias"),
    ],
)
@pytest.mark.django_db
def test_bad_options_are_refused_and_nothing_is_written(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("generate_sales_data", *arguments)

    assert message in str(refused.value)
    assert (Book.objects.count(), Sale.objects.count(), Author.objects.count()) == (0, 0, 0)


@pytest.mark.django_db(databases="__all__")
def test_a_failure_part_way_leaves_the_database_as_it_was(db_alias: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sales_data_generate(spec=SPEC, using=db_alias)
    before = totals(db_alias)
    original = bulk_load.BulkWriter.insert

    def insert_then_fail(self: bulk_load.BulkWriter, table: str, columns: dict) -> int:
        written = original(self, table, columns)
        if table == "books_sale":
            raise KeyboardInterrupt  # what Ctrl-C raises, after rows were sent
        return written

    monkeypatch.setattr(bulk_load.BulkWriter, "insert", insert_then_fail)
    with pytest.raises(KeyboardInterrupt):
        sales_data_generate(spec=SalesDataSpec(**{**SPEC.__dict__, "seed": 8}), using=db_alias)

    assert totals(db_alias) == before


def sale_indexes(alias: str) -> set[str]:
    """The indexes on books_sale, as the database reports them."""
    with connections[alias].cursor() as cursor:
        constraints = connections[alias].introspection.get_constraints(cursor, "books_sale")
    return {name for name, details in constraints.items() if details["index"] or details["foreign_key"]}


@pytest.mark.django_db(databases="__all__")
def test_a_bulk_load_rebuilds_indexes_and_foreign_keys(db_alias: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sale_indexes(db_alias)
    monkeypatch.setattr(generation, "BULK_THRESHOLD", 1_000)

    result = sales_data_generate(spec=SPEC, using=db_alias)

    assert sale_indexes(db_alias) == before
    assert totals(db_alias)["revenue"] == result.revenue


@pytest.mark.django_db(databases="__all__")
def test_a_bulk_load_that_fails_puts_indexes_back(db_alias: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sale_indexes(db_alias)
    monkeypatch.setattr(generation, "BULK_THRESHOLD", 1_000)
    original = bulk_load.BulkWriter.insert

    def fail_on_sales(self: bulk_load.BulkWriter, table: str, columns: dict) -> int:
        if table == "books_sale":
            raise RuntimeError("disk full")
        return original(self, table, columns)

    monkeypatch.setattr(bulk_load.BulkWriter, "insert", fail_on_sales)
    with pytest.raises(RuntimeError, match="disk full"):
        sales_data_generate(spec=SPEC, using=db_alias)

    assert sale_indexes(db_alias) == before
    assert Book.objects.using(db_alias).count() == 0
