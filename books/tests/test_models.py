"""Rules that hold in the database itself, on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction

from books.models import Book, Genre, Region, Sale
from books.tests.factories import valid_isbn13
from workspaces.services import workspace_default

GOOD_SALE = {"quantity": 3, "unit_price": Decimal("19.99"), "discount": Decimal("5.97"), "amount": Decimal("54.00")}


@pytest.fixture
def shelf(db_alias: str) -> dict:
    """A genre, a region and a book on the database under test."""
    genre = Genre.objects.using(db_alias).create(name="Poetry", slug="poetry")
    region = Region.objects.using(db_alias).create(code="FR", name="France")
    workspace = workspace_default(using=db_alias)
    book = Book.objects.using(db_alias).create(
        workspace=workspace, isbn13=valid_isbn13(1), title="Alcools", genre=genre, list_price=Decimal("19.99")
    )
    return {"alias": db_alias, "book": book, "region": region, "genre": genre, "workspace": workspace}


def sale_save(shelf: dict, **fields: object) -> None:
    """Insert a sale straight into the database (bypassing the service) to test the constraint."""
    sale = Sale(
        workspace=shelf["workspace"],
        book=shelf["book"],
        region=shelf["region"],
        sold_at=datetime(2024, 5, 1, tzinfo=UTC),
        **{**GOOD_SALE, **fields},
    )
    with transaction.atomic(using=shelf["alias"]):
        sale.save(using=shelf["alias"])


@pytest.mark.django_db(databases="__all__")
def test_a_consistent_sale_is_stored_exactly(shelf: dict) -> None:
    sale_save(shelf)

    stored = Sale.objects.using(shelf["alias"]).get()
    assert (stored.quantity, stored.unit_price, stored.discount, stored.amount) == (
        3,
        Decimal("19.99"),
        Decimal("5.97"),
        Decimal("54.00"),
    )


@pytest.mark.parametrize(
    ("fields", "constraints"),
    [
        ({"quantity": 0, "discount": Decimal(0), "amount": Decimal(0)}, {"sale_quantity_positive"}),
        # A negative price makes the amount negative too; either rule may be reported first.
        (
            {"unit_price": Decimal("-1.00"), "discount": Decimal(0), "amount": Decimal("-3.00")},
            {"sale_unit_price_not_negative", "sale_discount_within_gross"},
        ),
        ({"discount": Decimal("-1.00"), "amount": Decimal("60.97")}, {"sale_discount_not_negative"}),
        ({"discount": Decimal("70.00"), "amount": Decimal("-10.03")}, {"sale_discount_within_gross"}),
        ({"amount": Decimal("54.01")}, {"sale_amount_is_quantity_times_price_less_discount"}),
    ],
)
@pytest.mark.django_db(databases="__all__")
def test_inconsistent_sales_are_refused_by_the_database(shelf: dict, fields: dict, constraints: set[str]) -> None:
    with pytest.raises(IntegrityError) as refused:
        sale_save(shelf, **fields)

    # Both databases name the violated CHECK constraint in their message.
    assert any(name in str(refused.value) for name in constraints), str(refused.value)
    assert Sale.objects.using(shelf["alias"]).count() == 0


@pytest.mark.parametrize(
    "isbn13",
    ["9780439023482", "978043902348", "97804390234810", "97804390234x1", "9.78043902348e+12"[:13]],
    ids=["wrong-check-digit", "twelve-digits", "fourteen-digits", "letter", "float-notation"],
)
@pytest.mark.django_db(databases="__all__")
def test_books_with_invalid_isbn13_are_refused_by_the_database(shelf: dict, isbn13: str) -> None:
    # PostgreSQL refuses fourteen characters as too long for varchar(13) (DataError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic(using=shelf["alias"]):
        Book.objects.using(shelf["alias"]).create(
            workspace=shelf["workspace"], isbn13=isbn13, title="Bad", genre=shelf["genre"], list_price=Decimal("1.00")
        )

    assert list(Book.objects.using(shelf["alias"]).values_list("title", flat=True)) == ["Alcools"]


@pytest.mark.django_db(databases="__all__")
def test_a_valid_isbn13_and_a_keyless_book_with_a_source_key_are_accepted(shelf: dict) -> None:
    Book.objects.using(shelf["alias"]).create(
        workspace=shelf["workspace"],
        isbn13="9780439023481",
        title="Hunger",
        genre=shelf["genre"],
        list_price=Decimal("8.99"),
    )
    Book.objects.using(shelf["alias"]).create(
        workspace=shelf["workspace"],
        isbn13=None,
        source_key="goodbooks:42",
        title="No ISBN",
        genre=shelf["genre"],
        list_price=Decimal("8.99"),
    )

    assert Book.objects.using(shelf["alias"]).count() == 3


@pytest.mark.django_db(databases="__all__")
def test_a_book_needs_an_isbn_or_a_source_key(shelf: dict) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(using=shelf["alias"]):
        Book.objects.using(shelf["alias"]).create(
            workspace=shelf["workspace"], isbn13=None, title="Keyless", genre=shelf["genre"], list_price=Decimal("1.00")
        )

    assert Book.objects.using(shelf["alias"]).count() == 1


@pytest.mark.django_db(databases="__all__")
def test_negative_list_prices_are_refused_by_the_database(shelf: dict) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(using=shelf["alias"]):
        Book.objects.using(shelf["alias"]).create(
            workspace=shelf["workspace"],
            isbn13=valid_isbn13(2),
            title="Owed",
            genre=shelf["genre"],
            list_price=Decimal("-0.01"),
        )

    assert Book.objects.using(shelf["alias"]).count() == 1
