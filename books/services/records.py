"""Single-record writes to the catalogue and sales: they keep amounts exact, move
`updated_at`, and leave a tombstone for every delete so the warehouse follows."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from books.models import Book, Channel, Region, Sale, Tombstone
from config.records import records_delete
from workspaces.models import Workspace

CENT = Decimal("0.01")


def sale_amount(*, quantity: int, unit_price: Decimal, discount: Decimal) -> Decimal:
    """quantity × unit price − discount, exact to the cent: the rule the database enforces."""
    return (quantity * unit_price - discount).quantize(CENT)


def _sale_validate(sale: Sale) -> None:
    errors = {}
    if sale.quantity is None or sale.quantity <= 0:
        errors["quantity"] = f"Quantity must be a positive whole number, got {sale.quantity}."
    if sale.unit_price < 0:
        errors["unit_price"] = f"Unit price cannot be negative, got {sale.unit_price}."
    if sale.discount < 0:
        errors["discount"] = f"Discount cannot be negative, got {sale.discount}."
    elif not errors and sale.discount > sale.quantity * sale.unit_price:
        errors["discount"] = f"Discount {sale.discount} exceeds the gross amount {sale.quantity * sale.unit_price}."
    if errors:
        raise ValidationError(errors)


def _workspace_check(*, workspace: Workspace, field: str, record: Book | Sale) -> None:
    """Refuse a record of another workspace, naming it (a sale belongs to its book's workspace)."""
    if record.workspace_id != workspace.pk:
        kind = "book" if isinstance(record, Book) else "sale"
        raise ValidationError({field: f"This {kind} (#{record.pk}) is not in workspace “{workspace.slug}”."})


@transaction.atomic
def sale_create(
    *,
    workspace: Workspace,
    book: Book,
    region: Region,
    sold_at: datetime,
    quantity: int,
    unit_price: Decimal | None = None,
    discount: Decimal = Decimal("0.00"),
    channel: str = Channel.ONLINE,
) -> Sale:
    """Record a sale of one of the workspace's books (in that workspace); the unit price
    defaults to the book's list price, the amount is derived."""
    _workspace_check(workspace=workspace, field="book", record=book)
    if timezone.is_naive(sold_at):
        raise ValidationError({"sold_at": "The sale time needs a time zone."})
    price = (book.list_price if unit_price is None else Decimal(unit_price)).quantize(CENT)
    sale = Sale(
        workspace_id=book.workspace_id,  # a sale is always in its book's workspace
        book=book,
        region=region,
        sold_at=sold_at,
        quantity=quantity,
        unit_price=price,
        discount=Decimal(discount).quantize(CENT),
        channel=channel,
        amount=Decimal("0.00"),
    )
    _sale_validate(sale)
    sale.amount = sale_amount(quantity=quantity, unit_price=sale.unit_price, discount=sale.discount)
    # The table's CHECK constraints are the rules _sale_validate just applied with named
    # messages (and the amount is derived): Django's validation of them would ask the
    # database once per constraint, which was more than half of a single sale's write.
    # PostgreSQL and SQLite still enforce them on the INSERT.
    sale.full_clean(validate_constraints=False)
    sale.save()
    return sale


@transaction.atomic
def sale_update(
    *,
    workspace: Workspace,
    sale: Sale,
    quantity: int | None = None,
    discount: Decimal | None = None,
    region: Region | None = None,
) -> Sale:
    """Change a sale of the workspace: its quantity, discount or region; the amount and `updated_at` follow."""
    _workspace_check(workspace=workspace, field="sale", record=sale)
    if quantity is not None:
        sale.quantity = quantity
    if discount is not None:
        sale.discount = Decimal(discount).quantize(CENT)
    if region is not None:
        sale.region = region
    _sale_validate(sale)
    sale.amount = sale_amount(quantity=sale.quantity, unit_price=sale.unit_price, discount=sale.discount)
    sale.save()
    return sale


def sale_delete(*, workspace: Workspace, sale: Sale) -> None:
    """Delete one sale of the workspace, leaving its tombstone."""
    _workspace_check(workspace=workspace, field="sale", record=sale)
    records_delete(queryset=Sale.objects.filter(pk=sale.pk), tombstones=Tombstone)
