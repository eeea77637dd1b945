"""Single-record services: exact amounts, clear refusals, and tombstones for every delete."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from books.models import Book, Sale, Tombstone
from books.services.records import sale_create, sale_delete, sale_update
from books.tests.factories import BookFactory, RegionFactory, SaleFactory
from config.records import records_delete
from workspaces.services import workspace_create, workspace_default

pytestmark = pytest.mark.django_db
MAY_DAY = datetime(2024, 5, 1, 10, 30, tzinfo=UTC)


def test_a_sale_takes_the_list_price_and_its_amount_is_exact() -> None:
    book = BookFactory.create(list_price=Decimal("12.99"))

    sale = sale_create(
        workspace=workspace_default(),
        book=book,
        region=RegionFactory.create(),
        sold_at=MAY_DAY,
        quantity=3,
        discount=Decimal("3.90"),
    )

    stored = Sale.objects.get(pk=sale.pk)
    assert (stored.unit_price, stored.amount) == (Decimal("12.99"), Decimal("35.07"))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"quantity": 0}, "quantity", "Quantity must be a positive whole number, got 0."),
        ({"quantity": -2}, "quantity", "Quantity must be a positive whole number, got -2."),
        ({"quantity": 1, "unit_price": Decimal(-1)}, "unit_price", "Unit price cannot be negative, got -1.00."),
        ({"quantity": 1, "discount": Decimal("-0.50")}, "discount", "Discount cannot be negative, got -0.50."),
        ({"quantity": 2, "discount": Decimal("40.00")}, "discount", "Discount 40.00 exceeds the gross amount 39.98."),
    ],
)
def test_bad_sales_are_refused_with_the_field_and_reason(fields: dict, field: str, message: str) -> None:
    book = BookFactory.create(list_price=Decimal("19.99"))

    with pytest.raises(ValidationError) as refused:
        sale_create(workspace=workspace_default(), book=book, region=RegionFactory.create(), sold_at=MAY_DAY, **fields)

    assert refused.value.message_dict == {field: [message]}
    assert Sale.objects.count() == 0


def test_a_naive_sale_time_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        sale_create(
            workspace=workspace_default(),
            book=BookFactory.create(),
            region=RegionFactory.create(),
            sold_at=datetime(2024, 5, 1),
            quantity=1,
        )

    assert refused.value.message_dict == {"sold_at": ["The sale time needs a time zone."]}


def test_updating_a_sale_recomputes_its_amount_and_moves_updated_at() -> None:
    sale = SaleFactory.create(quantity=1, book=BookFactory.create(list_price=Decimal("10.00")))
    before = Sale.objects.get(pk=sale.pk).updated_at

    sale_update(workspace=workspace_default(), sale=sale, quantity=4, discount=Decimal("2.50"))

    stored = Sale.objects.get(pk=sale.pk)
    assert stored.amount == Decimal("37.50")
    assert stored.updated_at > before


def test_deleting_a_sale_leaves_a_tombstone() -> None:
    sale = SaleFactory.create()
    sale_id = sale.pk

    sale_delete(workspace=workspace_default(), sale=sale)

    assert not Sale.objects.filter(pk=sale_id).exists()
    assert list(Tombstone.objects.values_list("table", "object_id")) == [("sale", sale_id)]


def test_a_book_with_sales_cannot_be_deleted_and_nothing_changes() -> None:
    sale = SaleFactory.create()

    with pytest.raises(ProtectedError):
        records_delete(queryset=Book.objects.filter(pk=sale.book_id), tombstones=Tombstone)

    assert Book.objects.filter(pk=sale.book_id).exists()
    assert Tombstone.objects.count() == 0


def test_a_sale_of_another_workspaces_book_is_refused_naming_it_and_nothing_is_written() -> None:
    book = BookFactory.create(workspace=workspace_create(slug="other", name="Other"))

    with pytest.raises(ValidationError) as refused:
        sale_create(
            workspace=workspace_default(), book=book, region=RegionFactory.create(), sold_at=MAY_DAY, quantity=1
        )

    assert refused.value.message_dict == {"book": [f"This book (#{book.pk}) is not in workspace “default”."]}
    assert Sale.objects.count() == 0


def test_a_sale_belongs_to_its_books_workspace() -> None:
    other = workspace_create(slug="other", name="Other")
    book = BookFactory.create(workspace=other)

    sale = sale_create(workspace=other, book=book, region=RegionFactory.create(), sold_at=MAY_DAY, quantity=1)

    assert Sale.objects.get(pk=sale.pk).workspace_id == other.pk


def test_another_workspaces_sale_can_be_neither_changed_nor_deleted() -> None:
    sale = SaleFactory.create(book=BookFactory.create(workspace=workspace_create(slug="other", name="Other")))

    with pytest.raises(ValidationError) as changed:
        sale_update(workspace=workspace_default(), sale=sale, quantity=9)
    with pytest.raises(ValidationError) as deleted:
        sale_delete(workspace=workspace_default(), sale=sale)

    message = {"sale": [f"This sale (#{sale.pk}) is not in workspace “default”."]}
    assert (changed.value.message_dict, deleted.value.message_dict) == (message, message)
    assert Sale.objects.get(pk=sale.pk).quantity == 1
