"""Generate realistic book-sales data fast, for demos and benchmarks (up to 10M sales).

Everything is drawn with numpy in column batches and streamed to the database by
`BulkWriter` inside one transaction: bad options are refused before anything is written,
and a failure or Ctrl-C part-way leaves the database as it was.

What makes the data look real: Zipf-like book popularity (a few best-sellers, a long
tail), a December peak and a weekly rhythm with busier weekends, yearly growth, regional
weights, price tiers by genre, about a fifth of retail sales discounted, rare wholesale
orders of many copies, and no sale of a book before its publication date.

The same seed and options give the same rows on SQLite and PostgreSQL; `batch_size` only
changes how rows are written, not which rows are drawn.
"""

import secrets
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Protocol

import numpy as np
import pyarrow as pa
from django.db import transaction
from django.utils import timezone

from analytics.sync_requests import sync_request, sync_requests_deferred
from books.models import Author, Book, BookAuthor, Genre, Publisher, Region, Sale
from books.services import sample_vocabulary as vocab
from books.services.bulk_load import BulkWriter, money_array, timestamp_array
from config.date_window import SETTINGS_NAMES as WINDOW_SETTINGS
from config.date_window import date_window
from workspaces.models import DEFAULT_SLUG
from workspaces.services import WorkspaceError, workspace_named

# Rows drawn per random stream: fixed so that batch_size never changes the data.
DRAW_CHUNK = 1 << 20
MAX_SALES = 50_000_000
# From this many rows on, a table is loaded with its foreign keys and indexes rebuilt after.
BULK_THRESHOLD = 200_000
MAX_BOOKS = 5_000_000
MAX_YEARS = 50
MIN_BATCH, MAX_BATCH = 1_000, 1_000_000
BACKLIST_SHARE = 0.8
RETAIL_DISCOUNT_SHARE = 0.22
WHOLESALE_DISCOUNT_PERCENT = 40
ISBN_PREFIX = 979_000_000_000  # 979 + nine digits; the check digit is appended
ISBN_SPACE = 1_000_000_000

# Month 1..12 and Monday..Sunday factors: December peak, quiet February, busy weekends.
MONTH_FACTORS = np.array([0.85, 0.78, 0.9, 0.92, 0.95, 1.0, 1.05, 1.05, 0.95, 1.0, 1.25, 1.9])
WEEKDAY_FACTORS = np.array([0.9, 0.88, 0.92, 0.97, 1.08, 1.3, 1.15])
HOUR_FACTORS = np.array(
    [
        0.2,
        0.1,
        0.08,
        0.06,
        0.06,
        0.1,
        0.3,
        0.6,
        0.9,
        1.1,
        1.2,
        1.4,
        1.6,
        1.5,
        1.3,
        1.2,
        1.2,
        1.3,
        1.5,
        1.7,
        1.8,
        1.5,
        1.0,
        0.5,
    ]
)
YEARLY_GROWTH = 0.06
CHANNELS: tuple[tuple[str, float], ...] = (
    ("online", 0.55),
    ("store", 0.32),
    ("marketplace", 0.12),
    ("wholesale", 0.01),
)
RETAIL_QUANTITIES = (np.array([1, 2, 3, 4, 5]), np.array([0.85, 0.1, 0.03, 0.013, 0.007]))
DISCOUNT_PERCENTS = np.array([10, 15, 20, 25, 30])

# Stream ids for np.random.default_rng([seed, stream, chunk]).
_AUTHORS, _BOOKS, _CREDITS, _DAYS, _SALES = range(5)


class InvalidGenerationRequest(ValueError):
    """The options asked for data that cannot or should not be generated; nothing was written."""


class Progress(Protocol):
    """Where the generator reports how far it got."""

    def start(self, stage: str, total: int) -> None:
        """A stage of `total` rows begins."""

    def advance(self, rows: int) -> None:
        """`rows` more rows of the current stage are written."""


class SilentProgress:
    """Progress that goes nowhere (tests, API tasks)."""

    def start(self, stage: str, total: int) -> None:
        """Ignore the stage."""

    def advance(self, rows: int) -> None:
        """Ignore the rows."""


@dataclass(frozen=True)
class SalesDataSpec:
    """What to generate. `seed=None` draws a seed, which the result reports."""

    books: int = 500
    sales: int = 10_000
    seed: int | None = None
    years: int = 5
    end_date: date = field(default_factory=lambda: timezone.localdate())
    batch_size: int = 100_000
    workspace: str = DEFAULT_SLUG  # the slug of the workspace the books and sales belong to

    def validate(self) -> None:
        """Raise InvalidGenerationRequest naming the first option that is wrong."""
        if not 0 <= self.books <= MAX_BOOKS:
            raise InvalidGenerationRequest(f"--books must be between 0 and {MAX_BOOKS:,}, got {self.books}")
        if not 0 <= self.sales <= MAX_SALES:
            raise InvalidGenerationRequest(f"--sales must be between 0 and {MAX_SALES:,}, got {self.sales}")
        if self.sales > 0 and self.books == 0:
            raise InvalidGenerationRequest("--books must be at least 1 when sales are requested (--sales > 0)")
        if not 1 <= self.years <= MAX_YEARS:
            raise InvalidGenerationRequest(f"--years must be between 1 and {MAX_YEARS}, got {self.years}")
        if not MIN_BATCH <= self.batch_size <= MAX_BATCH:
            raise InvalidGenerationRequest(
                f"--batch-size must be between {MIN_BATCH:,} and {MAX_BATCH:,}, got {self.batch_size}"
            )
        if self.seed is not None and not 0 <= self.seed < 2**63:
            raise InvalidGenerationRequest(f"--seed must be between 0 and 2**63 - 1, got {self.seed}")
        if self.end_date > timezone.localdate():
            raise InvalidGenerationRequest(f"--end-date {self.end_date.isoformat()} is in the future")
        window = date_window()
        opening = f"--end-date {self.end_date.isoformat()} with --years {self.years} starts"
        if self.end_date.year - self.years < 1:
            raise InvalidGenerationRequest(f"{opening} before the plausible window {window} ({WINDOW_SETTINGS})")
        if window.date_refusal(self.start_date) is not None:
            raise InvalidGenerationRequest(
                f"{opening} on {self.start_date.isoformat()}, before the plausible window {window} ({WINDOW_SETTINGS})"
            )

    @property
    def start_date(self) -> date:
        """The first day of the sales window (the window ends on `end_date`, inclusive)."""
        return _years_before(self.end_date, self.years) + timedelta(days=1)


@dataclass(frozen=True)
class SalesDataResult:
    """What was written, with exact totals computed from the generated rows themselves."""

    seed: int
    authors: int
    books: int
    sales: int
    units: int
    revenue: Decimal
    discounts: Decimal
    discounted_sales: int
    first_day: date | None
    last_day: date | None
    seconds: float


@dataclass
class _Catalogue:
    """The new books, as the sales draw needs them."""

    ids: np.ndarray
    price_cents: np.ndarray
    published_day: np.ndarray  # days since the sales window's first day; negative is before it
    popularity_cdf: np.ndarray
    backlist: np.ndarray
    backlist_cdf: np.ndarray


def sales_data_generate(
    *, spec: SalesDataSpec, using: str = "default", progress: Progress | None = None
) -> SalesDataResult:
    """Generate `spec.books` books (with authors) and `spec.sales` sales in one transaction."""
    spec.validate()
    seed = spec.seed if spec.seed is not None else secrets.randbelow(2**63)
    progress = progress or SilentProgress()
    started = time.perf_counter()
    updated_at = datetime.now(tz=UTC).replace(microsecond=0)
    try:
        workspace_id = workspace_named(spec.workspace, using=using).pk
    except WorkspaceError as error:
        raise InvalidGenerationRequest(f"--workspace: {error}") from error
    writer = BulkWriter(using, workspace_id)
    # COPY and executemany send no per-row signals: one sync is requested for the whole run.
    with transaction.atomic(using=using), sync_requests_deferred():
        genre_ids, genre_tiers, region_ids = _reference_rows(using)
        publisher_ids = _publisher_ids(using, workspace_id)
        author_ids = _authors_write(writer, seed, spec, updated_at, progress)
        catalogue = _books_write(writer, seed, spec, updated_at, genre_ids, genre_tiers, publisher_ids, progress)
        _credits_write(writer, seed, catalogue.ids, author_ids, spec.batch_size, progress)
        totals = _sales_write(writer, seed, spec, updated_at, catalogue, region_ids, progress)
        sync_request(using=using)
    return SalesDataResult(
        seed=seed,
        authors=len(author_ids),
        books=len(catalogue.ids),
        seconds=round(time.perf_counter() - started, 3),
        **totals,
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February into a non-leap year
        return day.replace(year=day.year - years, day=28)


def _rng(seed: int, stream: int, chunk: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, stream, chunk])


def _cdf(weights: np.ndarray) -> np.ndarray:
    cdf = np.cumsum(weights, dtype=np.float64)
    cdf /= cdf[-1]
    cdf[-1] = 1.0
    return cdf


def _draw(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    """Indexes drawn with the probabilities whose cumulative sum is `cdf`."""
    return np.searchsorted(cdf, rng.random(size), side="right").clip(0, len(cdf) - 1)


def _reference_rows(using: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Genres and regions, created on first use and reused afterwards (matched by slug and code)."""
    genre_ids = []
    for genre_spec in vocab.GENRES:
        genre, _ = Genre.objects.using(using).get_or_create(slug=genre_spec.slug, defaults={"name": genre_spec.name})
        genre_ids.append(genre.pk)
    region_ids = []
    for region_spec in vocab.REGIONS:
        region, _ = Region.objects.using(using).get_or_create(
            code=region_spec.code, defaults={"name": region_spec.name}
        )
        region_ids.append(region.pk)
    return (
        np.array(genre_ids, dtype=np.int64),
        [spec.tier for spec in vocab.GENRES],
        np.array(region_ids, dtype=np.int64),
    )


def _publisher_ids(using: str, workspace_id: int) -> np.ndarray:
    ids = []
    for name in vocab.PUBLISHERS:
        publisher, _ = Publisher.objects.using(using).get_or_create(workspace_id=workspace_id, name=name)
        ids.append(publisher.pk)
    return np.array(ids, dtype=np.int64)


def _authors_write(
    writer: BulkWriter, seed: int, spec: SalesDataSpec, updated_at: datetime, progress: Progress
) -> np.ndarray:
    """About one author for every two books, so prolific authors have many titles."""
    count = 0 if spec.books == 0 else max(1, round(spec.books * 0.45))
    rng = _rng(seed, _AUTHORS)
    first = rng.integers(0, len(vocab.FIRST_NAMES), count)
    last = rng.integers(0, len(vocab.LAST_NAMES), count)
    middle = rng.random(count) < 0.06
    initials = rng.integers(0, 26, count)
    names = [
        f"{vocab.FIRST_NAMES[f]} {chr(65 + i)}. {vocab.LAST_NAMES[s]}"
        if m
        else f"{vocab.FIRST_NAMES[f]} {vocab.LAST_NAMES[s]}"
        for f, s, m, i in zip(first.tolist(), last.tolist(), middle.tolist(), initials.tolist(), strict=True)
    ]
    ids = writer.reserve_ids(Author._meta.db_table, count)
    _write_batches(
        writer,
        Author._meta.db_table,
        {
            "id": ids,
            "workspace_id": writer.workspace_column(count),
            "name": names,
            "updated_at": _constant_timestamps(updated_at, count),
        },
        spec.batch_size,
        "authors",
        progress,
    )
    return ids


def _books_write(
    writer: BulkWriter,
    seed: int,
    spec: SalesDataSpec,
    updated_at: datetime,
    genre_ids: np.ndarray,
    genre_tiers: Sequence[str],
    publisher_ids: np.ndarray,
    progress: Progress,
) -> _Catalogue:
    count = spec.books
    rng = _rng(seed, _BOOKS)
    genre_index = _draw(rng, _cdf(np.array([g.weight for g in vocab.GENRES])), count)
    tier_prices = {tier: np.array(points) for tier, points in vocab.PRICE_TIERS.items()}
    price_draw = rng.random(count)
    price_cents = np.empty(count, dtype=np.int64)
    for index, tier in enumerate(genre_tiers):
        mask = genre_index == index
        points = tier_prices[tier]
        price_cents[mask] = points[(price_draw[mask] * len(points)).astype(np.int64)]
    publisher_index = _draw(rng, _cdf(1.0 / np.arange(1, len(publisher_ids) + 1) ** 0.9), count)
    language_index = _draw(rng, _cdf(np.array([weight for _, weight in vocab.LANGUAGES])), count)

    # Four in five books are backlist, published before the window and skewed to recent years;
    # the rest come out during it. The first book is always backlist so every day has stock.
    window_days = (spec.end_date - spec.start_date).days + 1
    backlist_span = (spec.start_date - date(1950, 1, 1)).days
    is_backlist = rng.random(count) < BACKLIST_SHARE
    if count:
        is_backlist[0] = True
    published_day = np.where(
        is_backlist,
        -1 - (rng.beta(1.0, 3.0, count) * (backlist_span - 1)).astype(np.int64),
        rng.integers(0, window_days, count),
    )
    published_on = pa.array(
        (np.datetime64(spec.start_date, "D") + published_day.astype("timedelta64[D]")), type=pa.date32()
    )

    # Popularity: Zipf-like over a random ranking of the new books.
    ranks = rng.permutation(count) + 1
    popularity = 1.0 / ranks.astype(np.float64) ** 1.07
    titles = _titles(rng, count)
    isbns = _isbns_unused(writer, seed, count)
    ids = writer.reserve_ids(Book._meta.db_table, count)
    _write_batches(
        writer,
        Book._meta.db_table,
        {
            "id": ids,
            "workspace_id": writer.workspace_column(count),
            "isbn13": isbns,
            "source_key": [""] * count,
            "title": titles,
            "genre_id": genre_ids[genre_index],
            "publisher_id": publisher_ids[publisher_index],
            "list_price": money_array(price_cents, precision=10),
            "published_on": published_on,
            "language": [vocab.LANGUAGES[i][0] for i in language_index.tolist()],
            "updated_at": _constant_timestamps(updated_at, count),
        },
        spec.batch_size,
        "books",
        progress,
    )
    backlist = np.flatnonzero(is_backlist)
    return _Catalogue(
        ids=ids,
        price_cents=price_cents,
        published_day=published_day,
        popularity_cdf=_cdf(popularity) if count else np.empty(0),
        backlist=backlist,
        backlist_cdf=_cdf(popularity[backlist]) if count else np.empty(0),
    )


def _titles(rng: np.random.Generator, count: int) -> list[str]:
    patterns = rng.integers(0, len(vocab.TITLE_PATTERNS), count).tolist()
    words = {
        "a": rng.integers(0, len(vocab.TITLE_ADJECTIVES), count).tolist(),
        "n": rng.integers(0, len(vocab.TITLE_NOUNS), count).tolist(),
        "m": rng.integers(0, len(vocab.TITLE_NOUNS), count).tolist(),
        "p": rng.integers(0, len(vocab.TITLE_PLACES), count).tolist(),
        "s": rng.integers(0, len(vocab.NONFICTION_SUBJECTS), count).tolist(),
    }
    return [
        vocab.TITLE_PATTERNS[pattern].format(
            a=vocab.TITLE_ADJECTIVES[words["a"][i]],
            n=vocab.TITLE_NOUNS[words["n"][i]],
            m=vocab.TITLE_NOUNS[words["m"][i]],
            p=vocab.TITLE_PLACES[words["p"][i]],
            s=vocab.NONFICTION_SUBJECTS[words["s"][i]],
        )
        for i, pattern in enumerate(patterns)
    ]


def isbn13_check_digit(first_twelve: np.ndarray) -> np.ndarray:
    """ISBN-13 check digits for integers of twelve digits: weights 1,3,1,3… from the left."""
    total = np.zeros(len(first_twelve), dtype=np.int64)
    remaining = first_twelve.astype(np.int64).copy()
    for position in range(12):  # rightmost digit first; it has weight 3
        total += (remaining % 10) * (3 if position % 2 == 0 else 1)
        remaining //= 10
    return (10 - total % 10) % 10


def _isbns_unused(writer: BulkWriter, seed: int, count: int) -> list[str]:
    """`count` valid ISBN-13s in the 979 range that no book in the database has yet.

    The k-th ISBN is an affine permutation of k, so numbers never repeat within a run,
    and runs after the first start past the books already there.
    """
    rng = _rng(seed, _BOOKS, 1)
    multiplier = int(rng.integers(1, ISBN_SPACE // 10)) * 10 + 7  # ends in 7: coprime to 10**9
    offset = int(rng.integers(0, ISBN_SPACE))
    start = Book.objects.using(writer.connection.alias).filter(workspace_id=writer.workspace()).count()
    chosen: list[str] = []
    while len(chosen) < count:
        k = np.arange(start, start + count - len(chosen), dtype=np.int64)
        start += len(k)
        twelve = ISBN_PREFIX + (k * multiplier + offset) % ISBN_SPACE
        candidates = [f"{t}{c}" for t, c in zip(twelve.tolist(), isbn13_check_digit(twelve).tolist(), strict=True)]
        taken = _isbns_taken(writer.connection.alias, writer.workspace(), candidates)
        chosen.extend(isbn for isbn in candidates if isbn not in taken)
    return chosen


def _isbns_taken(using: str, workspace_id: int, isbns: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(isbns), 5_000):
        chunk = isbns[start : start + 5_000]
        found = (
            Book.objects.using(using)
            .filter(workspace_id=workspace_id, isbn13__in=chunk)
            .values_list("isbn13", flat=True)
        )
        taken.update(isbn for isbn in found if isbn is not None)
    return taken


def _credits_write(
    writer: BulkWriter, seed: int, book_ids: np.ndarray, author_ids: np.ndarray, batch_size: int, progress: Progress
) -> None:
    """Each book's authors: one, or two for about one book in twelve; prolific authors recur."""
    if len(book_ids) == 0:
        return
    rng = _rng(seed, _CREDITS)
    author_cdf = _cdf(1.0 / np.arange(1, len(author_ids) + 1) ** 0.8)
    first = author_ids[_draw(rng, author_cdf, len(book_ids))]
    second = author_ids[_draw(rng, author_cdf, len(book_ids))]
    co_written = (rng.random(len(book_ids)) < 0.08) & (second != first)
    book_column = np.concatenate([book_ids, book_ids[co_written]])
    author_column = np.concatenate([first, second[co_written]])
    positions = np.concatenate([np.ones(len(book_ids), np.int64), np.full(int(co_written.sum()), 2, np.int64)])
    _write_batches(
        writer,
        BookAuthor._meta.db_table,
        {"book_id": book_column, "author_id": author_column, "position": positions},
        batch_size,
        "credits",
        progress,
    )


def _sale_days(seed: int, spec: SalesDataSpec) -> np.ndarray:
    """Every sale's moment in seconds since the epoch, sorted, so ids follow time as in life."""
    window = np.arange(np.datetime64(spec.start_date, "D"), np.datetime64(spec.end_date, "D") + 1)
    months = window.astype("datetime64[M]").astype(np.int64) % 12
    weekdays = (window.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    years_in = np.arange(len(window)) / 365.25
    weights = MONTH_FACTORS[months] * WEEKDAY_FACTORS[weekdays] * (1 + YEARLY_GROWTH) ** years_in
    rng = _rng(seed, _DAYS)
    days = _draw(rng, _cdf(weights), spec.sales)
    seconds = _draw(rng, _cdf(HOUR_FACTORS), spec.sales) * 3600 + rng.integers(0, 3600, spec.sales)
    moments = window[0].astype("datetime64[s]").astype(np.int64) + days.astype(np.int64) * 86_400 + seconds
    moments.sort()
    return moments


def _sales_write(
    writer: BulkWriter,
    seed: int,
    spec: SalesDataSpec,
    updated_at: datetime,
    catalogue: _Catalogue,
    region_ids: np.ndarray,
    progress: Progress,
) -> dict:
    if spec.sales == 0:
        return {
            "sales": 0,
            "units": 0,
            "revenue": _money(0),
            "discounts": _money(0),
            "discounted_sales": 0,
            "first_day": None,
            "last_day": None,
        }
    moments = _sale_days(seed, spec)
    progress.start("sales", spec.sales)
    with _loading(writer, Sale._meta.db_table, spec.sales):
        totals = _sales_chunks_write(writer, seed, spec, updated_at, catalogue, region_ids, moments, progress)
    first_day, last_day = (datetime.fromtimestamp(int(moments[i]), tz=UTC).date() for i in (0, -1))
    return {**totals, "sales": spec.sales, "first_day": first_day, "last_day": last_day}


def _loading(writer: BulkWriter, table: str, rows: int) -> AbstractContextManager:
    return writer.constraints_deferred(table) if rows >= BULK_THRESHOLD else nullcontext()


def _sales_chunks_write(
    writer: BulkWriter,
    seed: int,
    spec: SalesDataSpec,
    updated_at: datetime,
    catalogue: _Catalogue,
    region_ids: np.ndarray,
    moments: np.ndarray,
    progress: Progress,
) -> dict:
    window_start = np.datetime64(spec.start_date, "s").astype(np.int64)
    region_cdf = _cdf(np.array([r.weight for r in vocab.REGIONS]))
    channel_names = np.array([name for name, _ in CHANNELS])
    channel_cdf = _cdf(np.array([weight for _, weight in CHANNELS]))
    wholesale = len(CHANNELS) - 1
    quantity_values, quantity_weights = RETAIL_QUANTITIES
    quantity_cdf = _cdf(quantity_weights)
    units = revenue = discounts = discounted = 0
    for chunk, chunk_start in enumerate(range(0, spec.sales, DRAW_CHUNK)):
        sold_at = moments[chunk_start : chunk_start + DRAW_CHUNK]
        size = len(sold_at)
        rng = _rng(seed, _SALES, chunk)
        sold_day = (sold_at - window_start) // 86_400
        book = _draw(rng, catalogue.popularity_cdf, size)
        # A book cannot sell before it is published: such draws go to the backlist instead.
        too_early = sold_day < catalogue.published_day[book]
        book[too_early] = catalogue.backlist[_draw(rng, catalogue.backlist_cdf, int(too_early.sum()))]
        region = _draw(rng, region_cdf, size)
        channel = _draw(rng, channel_cdf, size)
        is_wholesale = channel == wholesale
        quantity = np.where(
            is_wholesale, rng.integers(5, 51, size), quantity_values[_draw(rng, quantity_cdf, size)]
        ).astype(np.int64)
        unit_cents = catalogue.price_cents[book]
        gross = quantity * unit_cents
        percent = np.where(
            is_wholesale,
            WHOLESALE_DISCOUNT_PERCENT,
            np.where(rng.random(size) < RETAIL_DISCOUNT_SHARE, DISCOUNT_PERCENTS[rng.integers(0, 5, size)], 0),
        )
        discount = (gross * percent + 50) // 100  # to the nearest cent, halves up, in integers
        amount = gross - discount
        units += int(quantity.sum())
        revenue += int(amount.sum())
        discounts += int(discount.sum())
        discounted += int((discount > 0).sum())
        for start in range(0, size, spec.batch_size):
            part = slice(start, start + spec.batch_size)
            rows = writer.insert(
                Sale._meta.db_table,
                {
                    "workspace_id": writer.workspace_column(len(sold_at[part])),
                    "book_id": catalogue.ids[book[part]],
                    "region_id": region_ids[region[part]],
                    "sold_at": timestamp_array(sold_at[part]),
                    "quantity": quantity[part],
                    "unit_price": money_array(unit_cents[part], precision=10),
                    "discount": money_array(discount[part]),
                    "amount": money_array(amount[part]),
                    "channel": channel_names[channel[part]],
                    "updated_at": _constant_timestamps(updated_at, len(quantity[part])),
                },
            )
            progress.advance(rows)
    return {"units": units, "revenue": _money(revenue), "discounts": _money(discounts), "discounted_sales": discounted}


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _constant_timestamps(moment: datetime, count: int) -> pa.Array:
    return timestamp_array(np.full(count, int(moment.timestamp()), dtype=np.int64))


def _write_batches(
    writer: BulkWriter, table: str, columns: dict, batch_size: int, stage: str, progress: Progress
) -> None:
    total = len(next(iter(columns.values())))
    progress.start(stage, total)
    with _loading(writer, table, total):
        for start in range(0, total, batch_size):
            part = {name: values[start : start + batch_size] for name, values in columns.items()}
            progress.advance(writer.insert(table, part))
