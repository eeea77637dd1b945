"""Book-sales records. The warehouse copies every model here that has `updated_at`.

Rules that hold in the database, not only in forms: positive quantities, non-negative
prices, ISBN-13 check digits, and a sale's amount equal to quantity × unit price − discount.
`updated_at` moves on every write made through the services; a delete made through the
services leaves a `Tombstone` so that a sync removes the row from the warehouse too.
"""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Length, Mod, Round, Substr
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual

from config.date_window import date_plausible_validate
from config.records import TombstoneBase, Tracked

ISBN13_LENGTH = 13


def isbn13_is_valid(field: str) -> Q:
    """A condition true when `field` is 13 ASCII digits whose ISBN-13 check digit is right.

    Written with portable functions only (SUBSTR, CAST, MOD) so that SQLite and PostgreSQL
    enforce the very same rule; SQLite has no REGEXP outside Django's own connections.
    """
    chars = [Substr(field, position, 1) for position in range(1, ISBN13_LENGTH + 1)]
    all_digits = [GreaterThanOrEqual(char, Value("0")) & LessThanOrEqual(char, Value("9")) for char in chars]
    weighted: Combinable = Value(0)
    for index, char in enumerate(chars):
        weighted = weighted + Cast(char, models.IntegerField()) * (1 if index % 2 == 0 else 3)
    condition = Q(Exact(Length(field), ISBN13_LENGTH))
    for digit_check in all_digits:
        condition &= Q(digit_check)
    return condition & Q(Exact(Mod(weighted, 10), 0))


class Author(Tracked):
    """A person who wrote one or more books."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200, db_index=True)

    class Meta(Tracked.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Publisher(Tracked):
    """A publishing house."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)

    class Meta(Tracked.Meta):
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="publisher_name_unique_in_workspace")]

    def __str__(self) -> str:
        return self.name


class Genre(Tracked):
    """A shelf a book sits on."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta(Tracked.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Region(Tracked):
    """A sales region, keyed by a short code (ISO 3166 country codes in generated data)."""

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100)

    class Meta(Tracked.Meta):
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Book(Tracked):
    """A title in the catalogue, keyed by ISBN-13, or by its source key when it has none."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.PROTECT, related_name="+")
    # Unique within a workspace: two booksellers may both sell the same ISBN.
    isbn13 = models.CharField("ISBN-13", max_length=ISBN13_LENGTH, null=True, blank=True)  # noqa: DJ001 NULL, not "", is "no ISBN": the unique constraint must not see two blanks
    source_key = models.CharField(
        max_length=64, blank=True, default="", help_text="The id a catalogue import gave a book with no usable ISBN."
    )
    title = models.CharField(max_length=500)
    authors = models.ManyToManyField(Author, through="BookAuthor", related_name="books")
    genre = models.ForeignKey(Genre, on_delete=models.PROTECT, related_name="books")
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="books", null=True, blank=True)
    list_price = models.DecimalField(max_digits=10, decimal_places=2)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=12, default="eng", help_text="ISO 639 code, e.g. eng, fre, spa.")

    class Meta(Tracked.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(list_price__gte=0), name="book_list_price_not_negative"),
            models.CheckConstraint(
                condition=Q(isbn13__isnull=True) | isbn13_is_valid("isbn13"),
                name="book_isbn13_valid",
                violation_error_message="ISBN-13 must be 13 digits with a correct check digit.",
            ),
            models.CheckConstraint(condition=Q(isbn13__isnull=False) | ~Q(source_key=""), name="book_has_a_key"),
            models.UniqueConstraint(fields=["workspace", "isbn13"], name="book_isbn13_unique_in_workspace"),
            models.UniqueConstraint(
                fields=["workspace", "source_key"], condition=~Q(source_key=""), name="book_source_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BookAuthor(models.Model):
    """One author of a book, in credit order."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="credits")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="credits")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["book", "position"]
        constraints = [models.UniqueConstraint(fields=["book", "author"], name="book_author_unique")]

    def __str__(self) -> str:
        """Book and author ids with the credit position, without loading either row."""
        return f"book {self.book_id}: author {self.author_id} (#{self.position})"


class Channel(models.TextChoices):
    """Where a sale happened."""

    ONLINE = "online", "Online shop"
    STORE = "store", "Bookstore"
    MARKETPLACE = "marketplace", "Marketplace"
    WHOLESALE = "wholesale", "Wholesale"


class Sale(Tracked):
    """One order line: copies of one book sold in one region at one moment."""

    # Always the book's workspace (the services set it from the book).
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.PROTECT, related_name="+", db_index=False)
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="sales")
    # No index on region: a dozen values make it useless to the planner, and it costs
    # every bulk load of millions of sales.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="sales", db_index=False)
    # The plausible window moves with today, so a validator checks it, not a CHECK constraint.
    sold_at = models.DateTimeField(db_index=True, validators=[date_plausible_validate])
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.ONLINE)

    class Meta(Tracked.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sale_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="sale_unit_price_not_negative"),
            models.CheckConstraint(condition=Q(discount__gte=0), name="sale_discount_not_negative"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="sale_discount_within_gross"),
            # ROUND keeps SQLite, which stores decimals as binary floats, exact to the cent.
            models.CheckConstraint(
                condition=Q(
                    amount=Round(
                        models.ExpressionWrapper(
                            F("quantity") * F("unit_price") - F("discount"),
                            output_field=models.DecimalField(max_digits=14, decimal_places=2),
                        ),
                        2,
                    )
                ),
                name="sale_amount_is_quantity_times_price_less_discount",
            ),
        ]

    def __str__(self) -> str:
        return f"Sale {self.pk}"


class Tombstone(TombstoneBase):
    """The key of a deleted books row, kept so the next warehouse sync deletes it too."""
