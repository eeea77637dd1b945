"""The best-selling books of a period, by revenue or by units, with an optional search.

Grain: the coarsest book rollups that tile the period. Without a region filter a period is
cut into whole years (agg_sales_book_yearly), whole months at its edges
(agg_sales_book_monthly) and days at the edges of those (agg_sales_daily). A period that is
exactly one year or one month, or that covers every day with sales (agg_sales_book_total),
has one row per book: no aggregation; and the first pages of a year or of all the data,
with no genre or search, are read ready-ranked from agg_sales_book_top. A region filter, or a
scope limited to some regions, needs the day × book × region grain. Every read is of the
scope's workspace alone (each rollup leads with workspace_id). Otherwise the page of books is
ranked first, then joined to dim_book (joining 500K books before the LIMIT costs seconds).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from analytics.queries.base import Period, Source, count, money
from analytics.queries.sales_filters import SalesFilters
from analytics.warehouse.schema import BOOK_MONTHLY, BOOK_TOP, BOOK_TOTAL, BOOK_YEARLY, ROLLUP, TOP_PLACES
from workspaces.scope import Scope

ORDERINGS = {"revenue": "revenue", "units": "units", "orders": "orders"}  # allowlist: ?order= → column

MEASURES = "a.book_id, a.revenue, a.units, a.orders"
SQL = (
    "WITH ranked AS ({ranked} ORDER BY {order} DESC, a.book_id LIMIT %s OFFSET %s)"
    " SELECT r.book_id, b.isbn13, b.title, b.authors, g.slug, g.name, r.revenue, r.units, r.orders"
    " FROM ranked r JOIN dim_book b ON b.book_id = r.book_id LEFT JOIN dim_genre g ON g.genre_id = b.genre_id"
    " ORDER BY r.{order} DESC, r.book_id"
)
# Several pieces (or the day grain, where a book has a row per day and region): summed per book.
SUMMED = (
    "SELECT a.book_id, SUM(a.revenue) AS revenue, SUM(a.units) AS units, SUM(a.orders) AS orders"
    " FROM ({pieces}) a GROUP BY a.book_id"
)
# `!` escapes, not a backslash: Redshift treats backslashes in string literals specially and
# PostgreSQL and DuckDB do not, while `!` means the same on all three. The searched text is
# a bound value, so a backslash in it is plain text.
LIKE_ESCAPE = "!"
SEARCH = (
    " AND a.book_id IN (SELECT book_id FROM dim_book"
    f" WHERE LOWER(title) LIKE %s ESCAPE '{LIKE_ESCAPE}' OR LOWER(authors) LIKE %s ESCAPE '{LIKE_ESCAPE}')"
)
# Coarsest first: a period takes whole buckets of the first grain that fits, then of the next.
BUCKET_GRAINS = (("year", BOOK_YEARLY), ("month", BOOK_MONTHLY))
ONE_DAY = timedelta(days=1)
# The first pages of one bucket, pre-ranked with the book's details (see schema.BOOK_TOP).
TOP_SQL = (
    "SELECT book_id, isbn13, title, authors, genre, genre_name, revenue, units, orders FROM {table}"
    " WHERE workspace_id = %s AND grain = %s{bucket} AND ordering = %s AND place > %s AND place <= %s ORDER BY place"
)


@dataclass(frozen=True)
class TopBooksParams:
    """The filters, the ranking column, the page, and an optional title/author search."""

    filters: SalesFilters
    order: str = "revenue"
    limit: int = 10
    offset: int = 0
    search: str = ""


@dataclass(frozen=True)
class Piece:
    """A part of the period read from one rollup (`period` None: the whole of BOOK_TOTAL)."""

    table: str
    period: Period | None


def like_literal(text: str) -> str:
    """`text` as a LIKE pattern that matches it literally: `%`, `_` and the escape escaped."""
    for special in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, LIKE_ESCAPE + special)
    return text


def bucket_start(day: date, grain: str) -> date:
    """The first day of the year or month holding `day`."""
    return day.replace(month=1, day=1) if grain == "year" else day.replace(day=1)


def next_bucket_start(day: date, grain: str) -> date | None:
    """The first day of the year or month after the one holding `day` (None past the last
    year dates can hold)."""
    year, month = (day.year + 1, 1) if grain == "year" else (day.year + day.month // 12, day.month % 12 + 1)
    return date(year, month, 1) if year <= date.max.year else None


def pieces(filters: SalesFilters, scope: Scope) -> list[Piece]:
    """The rollup reads that together hold exactly the filtered period's sales (`span`, the
    days with sales, is the scope's own)."""
    period, span = filters.period, filters.span
    if filters.by_region(scope):
        return [Piece(ROLLUP, period)]
    if span is not None:
        if period.start <= span.start and period.end >= span.end:
            return [Piece(BOOK_TOTAL, None)]
        if period.end <= span.start or period.start >= span.end:
            return []
        # No sale lies before the span or after it: an edge beyond it may move to the year
        # boundary past the span's edge, so that the period tiles into whole buckets.
        start = period.start if period.start > span.start else bucket_start(span.start, "year")
        end = period.end
        if period.end >= span.end:
            end = next_bucket_start(span.end - ONE_DAY, "year") or period.end
        period = Period(start, end)
    return _tiled(period, 0)


def _tiled(period: Period, level: int) -> list[Piece]:
    """`period` as whole buckets of grain `level` and, at its edges, finer pieces."""
    if period.end <= period.start:
        return []
    if level == len(BUCKET_GRAINS):
        return [Piece(ROLLUP, period)]
    grain, table = BUCKET_GRAINS[level]
    aligned = bucket_start(period.start, grain) == period.start
    first = period.start if aligned else next_bucket_start(period.start, grain)
    last = bucket_start(period.end, grain)
    if first is None or first >= last:
        return _tiled(period, level + 1)
    return [
        *_tiled(Period(period.start, first), level + 1),
        Piece(table, Period(first, last)),
        *_tiled(Period(last, period.end), level + 1),
    ]


def _piece_sql(
    piece: Piece, filters: SalesFilters, scope: Scope, search: tuple[str, list[object]]
) -> tuple[str, list[object]]:
    """One piece's rows (book and measures) of the scope, with the filters and the search applied."""
    if piece.period is None:
        dimensions, values = filters.dimensions(scope)
        where = f" WHERE a.workspace_id = %s{dimensions}"
        values = [scope.workspace_id, *values]
    else:
        where, values = filters.where(scope, period=piece.period)
    return f"SELECT {MEASURES} FROM {piece.table} a{where}{search[0]}", [*values, *search[1]]


def _pre_ranked(parts: list[Piece], params: TopBooksParams, scope: Scope) -> tuple[str, list[object]] | None:
    """The read of the pre-ranked table that answers `params`, if one does: one whole
    year or all the data, no genre or search, a page within the first TOP_PLACES."""
    if len(parts) != 1 or params.filters.genres or params.search or params.offset + params.limit > TOP_PLACES:
        return None
    piece = parts[0]
    window = [ORDERINGS[params.order], params.offset, params.offset + params.limit]
    if piece.period is None:
        return TOP_SQL.format(table=BOOK_TOP, bucket=""), [scope.workspace_id, "all", *window]
    if piece.table != BOOK_YEARLY or piece.period.end != next_bucket_start(piece.period.start, "year"):
        return None
    bucket = " AND sale_date = %s"
    return TOP_SQL.format(table=BOOK_TOP, bucket=bucket), [scope.workspace_id, "year", piece.period.start, *window]


def _ranked(parts: list[Piece], params: TopBooksParams, scope: Scope) -> tuple[str, list[object]]:
    """The page of books ranked from the rollups, joined to their details afterwards."""
    search: tuple[str, list[object]] = ("", [])
    if params.search:
        pattern = "%" + like_literal(params.search.lower()) + "%"
        search = (SEARCH, [pattern, pattern])
    reads = [_piece_sql(piece, params.filters, scope, search) for piece in parts]
    if len(parts) == 1 and parts[0].table != ROLLUP:
        ranked, values = reads[0]  # one row per book already
    else:
        ranked = SUMMED.format(pieces=" UNION ALL ".join(sql for sql, _ in reads))
        values = [value for _, piece_values in reads for value in piece_values]
    return SQL.format(ranked=ranked, order=ORDERINGS[params.order]), [*values, params.limit, params.offset]


def run(source: Source, params: TopBooksParams) -> list[dict]:
    """One row per book, best first; ties broken by book id so pages never overlap."""
    parts = pieces(params.filters, source.scope)
    if not parts:
        return []
    sql, values = _pre_ranked(parts, params, source.scope) or _ranked(parts, params, source.scope)
    return [
        {
            "rank": params.offset + position,
            "book_id": book_id,
            "isbn13": isbn13,
            "title": title,
            "authors": authors,
            "genre": genre,
            "genre_name": genre_name,
            "revenue": money(revenue),
            "units": count(units),
            "orders": count(orders),
        }
        for position, (book_id, isbn13, title, authors, genre, genre_name, revenue, units, orders) in enumerate(
            source.rows(sql, values), start=1
        )
    ]
