"""factory_boy factories for book-sales records on the default database."""

from datetime import UTC, datetime
from decimal import Decimal

import factory
import numpy as np

from books.models import Author, Book, BookAuthor, Genre, Publisher, Region, Sale
from books.services.generation import isbn13_check_digit
from workspaces.services import workspace_default


def valid_isbn13(n: int) -> str:
    """The n-th valid ISBN-13 in a range no generated or real book uses (979-0, music)."""
    twelve = 979_000_000_000 + n
    return f"{twelve}{int(isbn13_check_digit(np.array([twelve]))[0])}"


class GenreFactory(factory.django.DjangoModelFactory[Genre]):
    class Meta:
        model = Genre
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.Sequence(lambda n: f"genre-{n}")


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.Sequence(lambda n: f"Region {n}")


class PublisherFactory(factory.django.DjangoModelFactory[Publisher]):
    class Meta:
        model = Publisher
        django_get_or_create = ("name",)

    workspace = factory.LazyFunction(workspace_default)
    name = factory.Sequence(lambda n: f"Publisher {n}")


class AuthorFactory(factory.django.DjangoModelFactory[Author]):
    class Meta:
        model = Author

    workspace = factory.LazyFunction(workspace_default)
    name = factory.Sequence(lambda n: f"Author {n}")


class BookFactory(factory.django.DjangoModelFactory[Book]):
    class Meta:
        model = Book
        skip_postgeneration_save = True

    workspace = factory.LazyFunction(workspace_default)
    isbn13 = factory.Sequence(valid_isbn13)
    title = factory.Sequence(lambda n: f"Book {n}")
    genre = factory.SubFactory(GenreFactory)
    publisher = factory.SubFactory(PublisherFactory, workspace=factory.SelfAttribute("..workspace"))
    list_price = Decimal("19.99")
    language = "eng"

    @factory.post_generation
    def with_authors(book: Book, create: bool, extracted: int | None, **kwargs: object) -> None:
        """Credit one author by default (`with_authors=N` for more); factory_boy passes the new book."""
        if create:
            for position in range(1, (extracted or 1) + 1):
                BookAuthor.objects.create(
                    book=book, author=AuthorFactory.create(workspace=book.workspace), position=position
                )


class SaleFactory(factory.django.DjangoModelFactory[Sale]):
    class Meta:
        model = Sale

    book = factory.SubFactory(BookFactory)
    workspace = factory.SelfAttribute("book.workspace")
    region = factory.SubFactory(RegionFactory)
    sold_at = factory.Sequence(lambda n: datetime(2024, 1, 1, 12, tzinfo=UTC).replace(minute=n % 60))
    quantity = 1
    unit_price = factory.LazyAttribute(lambda sale: sale.book.list_price)
    discount = Decimal("0.00")
    amount = factory.LazyAttribute(lambda sale: sale.quantity * sale.unit_price - sale.discount)
