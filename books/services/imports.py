"""Import a book catalogue and historical sales from CSV files, all or nothing, idempotently.

Natural keys. A book is keyed by its ISBN-13: the `isbn13` column when it holds 13 digits
with a right check digit, else the `isbn` column converted from ISBN-10 (goodreads exports
write ISBN-10 as an integer that lost its leading zeros, so it is zero-padded first). An
`isbn13` written in float notation (`9.78043902348e+12`) has lost digits and is never
trusted. A book with no usable ISBN is keyed by its source id (`book_id`), stored in
`Book.source_key`. A sale has no id of its own in Folio, so its key is its whole content:
time, book, region, channel, quantity, unit price and discount. Re-running a file adds
nothing; two identical lines in one file are rejected as a duplicate (a real second sale
of the same copies at the same second would need its own time or a sale id column, which
Folio cannot store yet).

A sale's time is an ISO date (midnight in settings.TIME_ZONE) or an ISO time with its
zone offset (`…T10:00:00+01:00`, `…Z`); a time without a zone is an error, as in
`sale_create`. Unknown region codes are an error (there is no separate --strict: every
rule is strict) unless `create_missing`, which creates them named by their code; unknown
books are always an error (import the catalogue first). Genres and publishers named by a
catalogue are created when new; a book without a genre goes to "Uncategorised", without
a price gets 0.00, without a language gets "und" (ISO 639-2 "undetermined").

Only new and changed rows are written, with a new `updated_at`, so the next warehouse
sync picks up exactly them; unchanged rows keep theirs.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from analytics.sync_requests import sync_request, sync_requests_deferred
from books.models import Author, Book, BookAuthor, Channel, Genre, Publisher, Region, Sale
from books.services.bulk_load import BulkWriter
from config.date_window import DateWindow, date_window
from config.imports import (
    CsvLayout,
    ImportRefused,
    ImportSummary,
    Progress,
    RowChecker,
    RowError,
    RowRefused,
    SilentProgress,
    columns_map,
    csv_rows,
    csv_sniff,
    import_finish,
)
from workspaces.models import Workspace
from workspaces.services import workspace_default

CENT = Decimal("0.01")
DEFAULT_GENRE = "Uncategorised"
UNKNOWN_LANGUAGE = "und"  # ISO 639-2 "undetermined"
LOOKUP_CHUNK = 5_000  # under SQLite's 32,766 bound parameters per statement
WRITE_CHUNK = 2_000
SALE_BATCH = 50_000
# From this many staged sales on, PostgreSQL loads with foreign keys and indexes rebuilt
# after, as the generator does (BulkWriter.constraints_deferred has the measurements).
BULK_THRESHOLD = 200_000
MAX_QUANTITY = 2_147_483_647
MAX_UNIT_PRICE_CENTS = 10**10 - 1  # DecimalField(max_digits=10, decimal_places=2)
MAX_DISCOUNT_CENTS = 10**12 - 1
STAGE_TABLE = "import_sale_stage"
FLOAT_NOTATION = re.compile(r"^\d+(?:\.\d*)?[eE][+-]?\d+$|^\d+\.\d+$")
ISBN_SEPARATORS = re.compile(r"[\s-]")
# At most 15 digits before the point and 2 after it (zeros aside): Decimal holds it exactly.
MONEY_WRITTEN = re.compile(r"(?:0*[0-9]{1,15}(?:\.[0-9]{0,2}0*)?|\.[0-9]{1,2}0*)")
YEAR_WRITTEN = re.compile(r"-?[0-9]{1,6}(?:\.0*)?")

BOOK_FIELDS: dict[str, tuple[str, ...]] = {
    "source_id": ("book_id", "id", "source_key"),
    "isbn13": ("isbn_13", "ean"),
    "isbn": ("isbn10", "isbn_10"),
    "title": ("name",),
    "authors": ("author",),
    "genre": ("category",),
    "publisher": (),
    "price": ("list_price",),
    "published": ("published_on", "publication_date"),
    "published_year": ("original_publication_year", "publication_year", "year"),
    "language": ("language_code", "lang"),
}
SALE_FIELDS: dict[str, tuple[str, ...]] = {
    "sold_at": ("date", "timestamp", "sold_on", "sale_date", "datetime"),
    "isbn": ("isbn13", "isbn_13", "ean"),
    "book_id": ("book",),
    "region": ("region_code",),
    "quantity": ("qty", "copies"),
    "unit_price": ("price",),
    "discount": (),
    "channel": (),
}
CHANNELS = frozenset(Channel.values)
# Catalogue field → the Book attribute it sets (title is always present).
FIELD_COLUMNS = {
    "genre": "genre_id",
    "publisher": "publisher_id",
    "price": "list_price",
    "published": "published_on",
    "language": "language",
}


def isbn10_to_isbn13(text: str) -> str | None:
    """A valid ISBN-10 (leading zeros may be missing, may end in X) as ISBN-13, else None."""
    digits = text.zfill(10).upper()
    if len(digits) != 10 or not digits[:9].isdigit() or not (digits[9].isdigit() or digits[9] == "X"):
        return None
    total = sum((10 - index) * int(char) for index, char in enumerate(digits[:9]))
    total += 10 if digits[9] == "X" else int(digits[9])
    if total % 11:
        return None
    twelve = f"978{digits[:9]}"
    return twelve + str((10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(twelve)) % 10) % 10)


def isbn13_valid(text: str) -> bool:
    """13 ASCII digits with a right ISBN-13 check digit."""
    if len(text) != 13 or not text.isascii() or not text.isdigit():
        return False
    return sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(text)) % 10 == 0


def isbn_normalise(text: str) -> str | None:
    """Any written ISBN (13 digits, or ISBN-10 maybe without leading zeros, hyphens allowed) as ISBN-13."""
    compact = ISBN_SEPARATORS.sub("", text)
    if isbn13_valid(compact):
        return compact
    if len(compact) <= 10:
        return isbn10_to_isbn13(compact)
    return None


@dataclass(frozen=True)
class BookRecord:
    """One validated catalogue row."""

    line: int
    isbn13: str | None
    source_key: str
    key_column: str
    title: str
    authors: tuple[str, ...]
    genre: str
    publisher: str | None
    list_price: Decimal
    published_on: date | None
    language: str

    @property
    def key(self) -> str:
        """The natural key: ISBN-13, else the source id."""
        return self.isbn13 or f"source:{self.source_key}"


def _refuse_missing(columns: dict[str, str], header: Sequence[str], *required: str | tuple[str, ...]) -> None:
    missing = []
    for need in required:
        options = need if isinstance(need, tuple) else (need,)
        if not any(option in columns for option in options):
            missing.append(" or ".join(options))
    if missing:
        raise ImportRefused(
            f"the header has no column for {', '.join(missing)} (found: {', '.join(header)}); "
            "name it with --map column=field"
        )


def books_import(
    *,
    path: Path | str,
    mapping: dict[str, str] | None = None,
    skip_invalid: bool = False,
    rejects: Path | str | None = None,
    progress: Progress | None = None,
    using: str = "default",
    workspace: Workspace | None = None,
) -> ImportSummary:
    """Import a book catalogue CSV into the workspace (None: the default one): books are
    matched by ISBN or source id within it, publishers and authors too; raises
    ImportRefused (bad file) or ImportRejected (bad rows)."""
    path = Path(path)
    progress = progress or SilentProgress()
    layout = csv_sniff(path)
    columns = columns_map(layout.header, fields=BOOK_FIELDS, overrides=mapping)
    _refuse_missing(columns, layout.header, "title", "authors", ("isbn13", "isbn", "source_id"))
    summary = ImportSummary()
    records: list[BookRecord] = []
    seen: dict[str, int] = {}
    progress.start("books", max(layout.lines - 1, 0))
    for line, row in csv_rows(layout, summary):
        progress.advance(1)
        try:
            record = _book_parse(line, row, columns)
        except RowRefused as invalid:
            summary.reject(invalid.error)
            continue
        first = seen.setdefault(record.key, line)
        if first != line:
            summary.reject(
                RowError(
                    line, record.key_column, row[record.key_column], f"duplicate key: the same book as line {first}"
                )
            )
            continue
        records.append(record)
    # Bulk writes send no per-row signals: one sync is requested for the whole import.
    with transaction.atomic(using=using), sync_requests_deferred():
        if skip_invalid or not summary.errors:
            # Resolved only now: a refused file never touches the database.
            workspace_id = (workspace or workspace_default(using=using)).pk
            _books_write(records, columns, summary, using, progress, workspace_id)
        import_finish(summary, skip_invalid=skip_invalid, rejects=rejects, source=path)
        if summary.created or summary.updated:
            sync_request(using=using)
    return summary


def _book_parse(line: int, row: dict[str, str], columns: dict[str, str]) -> BookRecord:
    check = RowChecker(line=line, row=row, columns=columns)
    cell, fail = check.text, check.refused

    isbn13, unusable, key_column = None, "", columns.get("source_id", "")
    written13 = cell("isbn13")
    if written13 and not FLOAT_NOTATION.match(written13):
        isbn13 = isbn_normalise(written13) if len(ISBN_SEPARATORS.sub("", written13)) == 13 else None
        unusable = "" if isbn13 else f"{written13!r} is not a valid ISBN-13"
        key_column = columns["isbn13"] if isbn13 else key_column
    if isbn13 is None and cell("isbn"):
        isbn13 = isbn_normalise(cell("isbn"))
        unusable = unusable or ("" if isbn13 else f"{cell('isbn')!r} is not a valid ISBN")
        key_column = columns["isbn"] if isbn13 else key_column
    source_key = cell("source_id")
    if len(source_key) > 64:
        raise fail("source_id", "a source id is at most 64 characters")
    if isbn13 is None and not source_key:
        name = "isbn13" if "isbn13" in columns and written13 else "isbn" if "isbn" in columns else "source_id"
        raise fail(name, f"no usable ISBN ({unusable or 'none given'}) and no source id to key the book by")
    title = cell("title")
    if not title:
        raise fail("title", "a book needs a title")
    if len(title) > 500:
        raise fail("title", "a title is at most 500 characters")
    authors = tuple(dict.fromkeys(name.strip() for name in re.split(r"[,;]", cell("authors")) if name.strip()))
    if not authors:
        raise fail("authors", "a book needs at least one author")
    if any(len(name) > 200 for name in authors):
        raise fail("authors", "an author's name is at most 200 characters")
    genre = cell("genre") or DEFAULT_GENRE
    if len(genre) > 100:
        raise fail("genre", "a genre is at most 100 characters")
    publisher = cell("publisher") or None
    if publisher and len(publisher) > 200:
        raise fail("publisher", "a publisher is at most 200 characters")
    price = Decimal("0.00")
    if cell("price"):
        try:
            # ASCII only: Decimal() also reads Arabic-Indic and other Unicode digits.
            if not cell("price").isascii():
                raise InvalidOperation
            price = Decimal(cell("price"))
        except InvalidOperation:
            raise fail("price", "not a number") from None
        if not price.is_finite() or price < 0 or price >= 10**8 or price != price.quantize(CENT):
            raise fail("price", "a price is a non-negative amount with at most 2 decimals, under 100,000,000")
        price = price.quantize(CENT)
    published_on = None
    if cell("published"):
        text = cell("published")
        try:
            if not text.isascii():
                raise ValueError(text)
            published_on = date(int(text), 1, 1) if text.isdigit() and len(text) == 4 else date.fromisoformat(text)
        except ValueError:
            raise fail("published", "not a date (YYYY-MM-DD or a year)") from None
    elif cell("published_year"):
        # Goodreads writes "1997.0"; a pattern first, as float() reads "inf", "1e400" and Unicode digits.
        if not YEAR_WRITTEN.fullmatch(cell("published_year")):
            raise fail("published_year", "not a year")
        year = int(float(cell("published_year")))
        # Goodreads gives years before the common era as negative numbers: no date for those.
        published_on = date(year, 1, 1) if 1 <= year <= 9999 else None
    if published_on is not None and published_on > timezone.localdate():
        raise fail("published" if cell("published") else "published_year", "a publication date in the future")
    language = cell("language") or UNKNOWN_LANGUAGE
    if len(language) > 12:
        raise fail("language", "a language code is at most 12 characters")
    return BookRecord(
        line=line,
        isbn13=isbn13,
        source_key="" if isbn13 else source_key,
        key_column=key_column,
        title=title,
        authors=authors,
        genre=genre,
        publisher=publisher,
        list_price=price,
        published_on=published_on,
        language=language,
    )


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _books_write(
    records: list[BookRecord],
    columns: dict[str, str],
    summary: ImportSummary,
    using: str,
    progress: Progress,
    workspace_id: int,
) -> None:
    """Create the new books, update the changed ones, leave the unchanged ones untouched."""
    present = {"title"} | {
        model_field
        for field, model_field in FIELD_COLUMNS.items()
        if field in columns or (field == "published" and "published_year" in columns)
    }
    books = Book.objects.using(using).filter(workspace_id=workspace_id)
    existing: dict[str, Book] = {}
    isbns = [record.isbn13 for record in records if record.isbn13]
    sources = [record.source_key for record in records if not record.isbn13]
    for chunk in _chunks(isbns, LOOKUP_CHUNK):
        existing.update({book.isbn13: book for book in books.filter(isbn13__in=chunk) if book.isbn13})
    for chunk in _chunks(sources, LOOKUP_CHUNK):
        existing.update({f"source:{book.source_key}": book for book in books.filter(source_key__in=chunk)})
    credits: dict[int, tuple[str, ...]] = {}
    book_ids = [book.pk for book in existing.values()]
    for chunk in _chunks(book_ids, LOOKUP_CHUNK):
        for book_id, name in (
            BookAuthor.objects.using(using)
            .filter(book_id__in=chunk)
            .order_by("book_id", "position")
            .values_list("book_id", "author__name")
        ):
            credits[book_id] = (*credits.get(book_id, ()), name)
    genres = _genres_ensure({record.genre for record in records}, using)
    publishers = _publishers_ensure({record.publisher for record in records if record.publisher}, using, workspace_id)

    now = timezone.now()
    created: list[tuple[Book, BookRecord]] = []
    changed: list[tuple[Book, BookRecord, bool]] = []
    for record in records:
        book = existing.get(record.key)
        wanted = {
            "title": record.title,
            "genre_id": genres[record.genre],
            "publisher_id": publishers.get(record.publisher) if record.publisher else None,
            "list_price": record.list_price,
            "published_on": record.published_on,
            "language": record.language,
        }
        if book is None:
            created.append(
                (
                    Book(
                        workspace_id=workspace_id,
                        isbn13=record.isbn13,
                        source_key=record.source_key,
                        updated_at=now,
                        **wanted,
                    ),
                    record,
                )
            )
            continue
        # A field the file has no column for keeps its stored value: a goodreads export
        # must not reset the genre and price a richer catalogue gave the book.
        wanted = {name: value for name, value in wanted.items() if name in present}
        current = {name: getattr(book, name) for name in wanted}
        authors_changed = credits.get(book.pk, ()) != record.authors
        if current == wanted and not authors_changed:
            summary.unchanged += 1
            continue
        for name, value in wanted.items():
            setattr(book, name, value)
        book.updated_at = now
        changed.append((book, record, authors_changed))

    authors = _authors_ensure(
        {name for _, record in created for name in record.authors}
        | {name for _, record, moved in changed if moved for name in record.authors},
        using,
        now,
        workspace_id,
    )
    progress.start("writing", len(created) + len(changed))
    for chunk in _chunks(created, WRITE_CHUNK):
        Book.objects.using(using).bulk_create([book for book, _ in chunk])
        BookAuthor.objects.using(using).bulk_create(
            [
                BookAuthor(book_id=book.pk, author_id=authors[name], position=position)
                for book, record in chunk
                for position, name in enumerate(record.authors, start=1)
            ]
        )
        progress.advance(len(chunk))
    fields = [name.removesuffix("_id") for name in sorted(present)] + ["updated_at"]
    for chunk in _chunks(changed, WRITE_CHUNK):
        Book.objects.using(using).bulk_update([book for book, _, _ in chunk], fields)
        moved = [(book, record) for book, record, authors_changed in chunk if authors_changed]
        BookAuthor.objects.using(using).filter(book_id__in=[book.pk for book, _ in moved]).delete()
        BookAuthor.objects.using(using).bulk_create(
            [
                BookAuthor(book_id=book.pk, author_id=authors[name], position=position)
                for book, record in moved
                for position, name in enumerate(record.authors, start=1)
            ]
        )
        progress.advance(len(chunk))
    summary.created += len(created)
    summary.updated += len(changed)


def _genres_ensure(names: set[str], using: str) -> dict[str, int]:
    """Genre ids by name, creating the new ones (matched by name, then by slug)."""
    found = dict(Genre.objects.using(using).filter(name__in=names).values_list("name", "pk"))
    for name in sorted(names - found.keys()):
        slug = slugify(name)[:100] or "genre"
        genre, _ = Genre.objects.using(using).get_or_create(slug=slug, defaults={"name": name})
        found[name] = genre.pk
    return found


def _publishers_ensure(names: set[str], using: str, workspace_id: int) -> dict[str, int]:
    """The workspace's publisher ids by name, creating the new ones."""
    found: dict[str, int] = {}
    publishers = Publisher.objects.using(using).filter(workspace_id=workspace_id)
    for chunk in _chunks(sorted(names), LOOKUP_CHUNK):
        found.update(publishers.filter(name__in=chunk).values_list("name", "pk"))
    missing = [Publisher(workspace_id=workspace_id, name=name) for name in sorted(names - found.keys())]
    Publisher.objects.using(using).bulk_create(missing)
    found.update({publisher.name: publisher.pk for publisher in missing})
    return found


def _authors_ensure(names: set[str], using: str, now: datetime, workspace_id: int) -> dict[str, int]:
    """The workspace's author ids by exact name (the oldest when two share a name), creating the new ones."""
    found: dict[str, int] = {}
    authors = Author.objects.using(using).filter(workspace_id=workspace_id)
    for chunk in _chunks(sorted(names), LOOKUP_CHUNK):
        for name, pk in authors.filter(name__in=chunk).order_by("-pk").values_list("name", "pk"):
            found[name] = pk
    missing = [Author(workspace_id=workspace_id, name=name, updated_at=now) for name in sorted(names - found.keys())]
    for chunk in _chunks(missing, WRITE_CHUNK):
        Author.objects.using(using).bulk_create(chunk)
    found.update({author.name: author.pk for author in missing})
    return found


@dataclass
class _SaleLookups:
    """What a sales row is resolved against: books by ISBN and id, regions by code."""

    books_by_isbn: dict[str, int]
    book_ids: set[int]
    regions: dict[str, int]
    workspace_id: int
    create_missing: bool
    using: str
    now_text: str
    utc_suffix: str
    window: DateWindow
    first_text: str  # the window as naive UTC text, compared with each sale's
    after_text: str


def sales_import(
    *,
    path: Path | str,
    mapping: dict[str, str] | None = None,
    skip_invalid: bool = False,
    create_missing: bool = False,
    rejects: Path | str | None = None,
    progress: Progress | None = None,
    using: str = "default",
    workspace: Workspace | None = None,
) -> ImportSummary:
    """Import historical sales from a CSV in one streaming pass through a staging table,
    into the workspace (None: the default one): ISBNs and book ids resolve to its books only."""
    path = Path(path)
    progress = progress or SilentProgress()
    layout = csv_sniff(path)
    columns = columns_map(layout.header, fields=SALE_FIELDS, overrides=mapping)
    _refuse_missing(columns, layout.header, "sold_at", ("isbn", "book_id"), "region", "quantity", "unit_price")
    summary = ImportSummary()
    writer = BulkWriter(using)
    window = date_window()
    first_text, after_text = window.utc_text_bounds()
    with transaction.atomic(using=using), sync_requests_deferred():
        # Resolved inside the import's transaction: a refused file never touches the database.
        workspace_id = (workspace or workspace_default(using=using)).pk
        books = Book.objects.using(using).filter(workspace_id=workspace_id)
        lookups = _SaleLookups(
            books_by_isbn={isbn: pk for isbn, pk in books.values_list("isbn13", "pk") if isbn is not None},
            book_ids=set(books.values_list("pk", flat=True)) if "book_id" in columns else set(),
            regions=dict(Region.objects.using(using).values_list("code", "pk")),
            workspace_id=workspace_id,
            create_missing=create_missing,
            using=using,
            now_text=timezone.now().astimezone(UTC).replace(tzinfo=None).isoformat(" "),
            utc_suffix="+00" if writer.vendor == "postgresql" else "",
            window=window,
            first_text=first_text,
            after_text=after_text,
        )
        _stage_create(writer)
        staged = _sales_stage(layout, columns, lookups, writer, summary, progress)
        staged -= _stage_duplicates_reject(writer, columns, summary)
        created = _stage_insert(writer, staged, workspace_id) if staged and (skip_invalid or not summary.errors) else 0
        summary.created, summary.unchanged = created, staged - created
        _stage_drop(writer)
        import_finish(summary, skip_invalid=skip_invalid, rejects=rejects, source=path)
        if created:
            sync_request(using=using)  # one for the import: its COPY sends no per-row signals
    return summary


def _stage_create(writer: BulkWriter) -> None:
    _stage_drop(writer)  # a caller's outer transaction may still hold the last import's table
    with writer.connection.cursor() as cursor:
        if writer.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMP TABLE {STAGE_TABLE} (line bigint, book_id bigint, region_id bigint, "
                "sold_at timestamptz, quantity integer, unit_price numeric(10, 2), discount numeric(12, 2), "
                "amount numeric(12, 2), channel varchar(16)) ON COMMIT DROP"
            )
        else:
            # Column types match what Django's SQLite backend gives books_sale, so values
            # compare equal: decimals with NUMERIC affinity, times as text.
            cursor.execute(
                f"CREATE TEMP TABLE {STAGE_TABLE} (line integer, book_id integer, region_id integer, "
                "sold_at text, quantity integer, unit_price decimal, discount decimal, amount decimal, "
                "channel varchar(16))"
            )


def _stage_drop(writer: BulkWriter) -> None:
    schema = "pg_temp" if writer.vendor == "postgresql" else "temp"
    with writer.connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {schema}.{STAGE_TABLE}")


def _money_cents(text: str, *, maximum: int) -> int | None:
    """Exact cents of a non-negative amount with at most 2 decimals, else None."""
    # Plain ASCII notation only: an exponent such as 1e999999999 overflows the decimal context
    # and 1e-999999999 rounds to zero cents; NaN, Infinity and Unicode digits are not amounts.
    if not MONEY_WRITTEN.fullmatch(text):
        return None
    cents = Decimal(text) * 100
    if cents != cents.to_integral_value() or cents > maximum:
        return None
    return int(cents)


def _sales_stage(
    layout: CsvLayout,
    columns: dict[str, str],
    lookups: _SaleLookups,
    writer: BulkWriter,
    summary: ImportSummary,
    progress: Progress,
) -> int:
    """Validate every row and stage the valid ones in batches; returns how many were staged."""
    batch: dict[str, list] = {name: [] for name in _STAGE_COLUMNS}
    staged = 0
    progress.start("sales", max(layout.lines - 1, 0))
    local_zone = timezone.get_current_timezone()
    for line, row in csv_rows(layout, summary):
        try:
            values = _sale_parse(line, row, columns, lookups, local_zone)
        except RowRefused as invalid:
            summary.reject(invalid.error)
            continue
        for name, value in zip(_STAGE_COLUMNS, values, strict=True):
            batch[name].append(value)
        if len(batch["line"]) >= SALE_BATCH:
            staged += writer.insert(STAGE_TABLE, batch)
            progress.advance(len(batch["line"]))
            batch = {name: [] for name in _STAGE_COLUMNS}
    staged += writer.insert(STAGE_TABLE, batch)
    progress.advance(len(batch["line"]))
    return staged


_STAGE_COLUMNS = ("line", "book_id", "region_id", "sold_at", "quantity", "unit_price", "discount", "amount", "channel")
_KEY_COLUMNS = "sold_at, book_id, region_id, channel, quantity, unit_price, discount"


def _cents_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _sale_parse(
    line: int, row: dict[str, str], columns: dict[str, str], lookups: _SaleLookups, local_zone: tzinfo
) -> tuple:
    fail = RowChecker(line=line, row=row, columns=columns).refused

    text = row[columns["sold_at"]]
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time(), tzinfo=local_zone)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail("sold_at", "not a date (YYYY-MM-DD) or a time with its zone (YYYY-MM-DDTHH:MM:SS+HH:MM)") from None
    if moment.tzinfo is None:
        raise fail("sold_at", "a time needs its time zone, e.g. 2024-03-01T10:00:00+01:00 or …Z")
    try:
        sold_at = moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    except OverflowError:  # a time within hours of year 1 or 9999
        raise fail("sold_at", lookups.window.refusal_text) from None
    # ISO text with 4-digit years sorts as time does: one string comparison a row (a million in 0.1 s).
    if not lookups.first_text <= sold_at < lookups.after_text:
        raise fail("sold_at", lookups.window.refusal_text)
    if sold_at > lookups.now_text:
        raise fail("sold_at", "a sale in the future")

    if "isbn" in columns and row[columns["isbn"]]:
        written = row[columns["isbn"]]
        book_id = lookups.books_by_isbn.get(written)
        if book_id is None:
            isbn13 = isbn_normalise(written)
            if isbn13 is None:
                raise fail("isbn", "not a valid ISBN")
            book_id = lookups.books_by_isbn.get(isbn13)
            if book_id is None:
                raise fail("isbn", "no book has this ISBN (import the catalogue first)")
    elif "book_id" in columns and row[columns["book_id"]]:
        written = row[columns["book_id"]]
        if not (written.isascii() and written.isdigit()):
            raise fail("book_id", "a book id is a whole number")
        book_id = int(written) if len(written) <= 19 else 0  # 0 is no book's id; int() refuses 4,300+ digits
        if book_id not in lookups.book_ids:
            raise fail("book_id", "no book has this id")
    else:
        raise fail("isbn" if "isbn" in columns else "book_id", "no book given")

    code = row[columns["region"]]
    region_id = lookups.regions.get(code)
    if region_id is None:
        if not code:
            raise fail("region", "no region given")
        if len(code) > 12:
            raise fail("region", "a region code is at most 12 characters")
        if not lookups.create_missing:
            raise fail("region", "unknown region code (add it first, or import with --create-missing)")
        region_id = Region.objects.using(lookups.using).create(code=code, name=code).pk
        lookups.regions[code] = region_id

    written = row[columns["quantity"]]
    if not (written.isascii() and written.lstrip("-").isdigit()):
        raise fail("quantity", "not a whole number")
    # int() refuses 4,300+ digits with its own message; anything past 12 digits is too many anyway.
    quantity = int(written) if len(written) <= 12 else MAX_QUANTITY + 1
    if not 0 < quantity <= MAX_QUANTITY:
        raise fail("quantity", "the quantity must be a positive whole number")
    price = _money_cents(row[columns["unit_price"]], maximum=MAX_UNIT_PRICE_CENTS)
    if price is None:
        raise fail("unit_price", "not a non-negative amount with at most 2 decimals")
    discount = 0
    if "discount" in columns and row[columns["discount"]]:
        given = _money_cents(row[columns["discount"]], maximum=MAX_DISCOUNT_CENTS)
        if given is None:
            raise fail("discount", "not a non-negative amount with at most 2 decimals")
        discount = given
    amount = quantity * price - discount
    if amount < 0:
        raise fail("discount", f"the discount exceeds the gross amount {_cents_text(quantity * price)}")
    if amount > MAX_DISCOUNT_CENTS:
        raise fail("quantity", "the amount is too large")
    channel = Channel.ONLINE.value
    if "channel" in columns and row[columns["channel"]]:
        channel = row[columns["channel"]].lower()
        if channel not in CHANNELS:
            raise fail("channel", f"unknown channel (one of {', '.join(sorted(CHANNELS))})")
    return (
        line,
        book_id,
        region_id,
        sold_at + lookups.utc_suffix,
        quantity,
        _cents_text(price),
        _cents_text(discount),
        _cents_text(amount),
        channel,
    )


def _stage_duplicates_reject(writer: BulkWriter, columns: dict[str, str], summary: ImportSummary) -> int:
    """Reject every staged sale that repeats an earlier line of the file; returns how many."""
    with writer.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {STAGE_TABLE} GROUP BY {_KEY_COLUMNS} HAVING COUNT(*) > 1) AS d"
        )
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(
            f"SELECT line, first_line, sold_at FROM (SELECT line, sold_at, MIN(line) OVER "
            f"(PARTITION BY {_KEY_COLUMNS}) AS first_line FROM {STAGE_TABLE}) AS s"
            " WHERE line > first_line ORDER BY line"
        )
        duplicates = cursor.fetchall()
        for line, first_line, sold_at in duplicates:
            summary.reject(
                RowError(line, columns["sold_at"], str(sold_at), f"duplicate key: the same sale as line {first_line}")
            )
        for chunk in _chunks([line for line, _, _ in duplicates], LOOKUP_CHUNK):
            cursor.execute(
                f"DELETE FROM {STAGE_TABLE} WHERE line IN ({', '.join(['%s'] * len(chunk))})",
                list(chunk),
            )
    return len(duplicates)


def _stage_insert(writer: BulkWriter, staged: int, workspace_id: int) -> int:
    """Copy the staged sales that the table does not hold yet into books_sale, in the
    workspace (their books' one: books were looked up in it); returns how many."""
    table = Sale._meta.db_table
    now = timezone.now()
    insert = (
        f'INSERT INTO "{table}" (workspace_id, book_id, region_id, sold_at, quantity, unit_price, discount, amount, '
        f"channel, updated_at) SELECT %s, s.book_id, s.region_id, s.sold_at, s.quantity, s.unit_price, s.discount, "
        f'   s.amount, s.channel, %s FROM {STAGE_TABLE} AS s WHERE NOT EXISTS (SELECT 1 FROM "{table}" AS x '
        "   WHERE x.sold_at = s.sold_at AND {plus}x.book_id = s.book_id AND x.region_id = s.region_id "
        "   AND x.channel = s.channel AND x.quantity = s.quantity AND x.unit_price = s.unit_price "
        "   AND x.discount = s.discount) ORDER BY s.line"
    )
    # SQLite without statistics probes the book_id index, which holds every sale of a
    # best-seller (measured: 513 s to recheck 200K sales); a unary + keeps it on sold_at (4.5 s).
    insert = insert.replace("{plus}", "+" if writer.vendor == "sqlite" else "")
    connection = writer.connection
    updated_at = now if writer.vendor == "postgresql" else now.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if writer.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The temp table has no statistics otherwise; the planner needs them to pick a hash anti-join.
            cursor.execute(f"ANALYZE {STAGE_TABLE}")
            # Two imports of one file at once would both find a sale missing and both insert it;
            # this mode conflicts with itself and with writers, not with readers, until commit.
            cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
    if writer.vendor == "postgresql" and staged >= BULK_THRESHOLD:
        with writer.constraints_deferred(table), connection.cursor() as cursor:
            cursor.execute(insert, [workspace_id, updated_at])
            return cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute(insert, [workspace_id, updated_at])
        return cursor.rowcount
