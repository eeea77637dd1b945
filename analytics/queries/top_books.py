"""The best-selling books of a period, by revenue or by units, with an optional search.

Grain: agg_sales_daily aggregated per book first, then joined to dim_book for the page
of books asked for (joining 500K books before the LIMIT costs seconds).
"""

from dataclasses import dataclass

from analytics.queries.base import Source, count, money
from analytics.queries.sales_filters import SalesFilters

ORDERINGS = {"revenue": "revenue", "units": "units", "orders": "orders"}  # allowlist: ?order= → column

SQL = (
    "WITH ranked AS ("
    " SELECT a.book_id, SUM(a.revenue) AS revenue, SUM(a.units) AS units, SUM(a.orders) AS orders"
    " FROM agg_sales_daily a{where}{search}"
    " GROUP BY a.book_id ORDER BY {order} DESC, a.book_id LIMIT %s OFFSET %s)"
    " SELECT r.book_id, b.isbn13, b.title, b.authors, g.slug, g.name, r.revenue, r.units, r.orders"
    " FROM ranked r JOIN dim_book b ON b.book_id = r.book_id LEFT JOIN dim_genre g ON g.genre_id = b.genre_id"
    " ORDER BY r.{order} DESC, r.book_id"
)
# `!` escapes, not a backslash: Redshift treats backslashes in string literals specially and
# PostgreSQL and DuckDB do not, while `!` means the same on all three. The searched text is
# a bound value, so a backslash in it is plain text.
LIKE_ESCAPE = "!"
SEARCH = (
    " AND a.book_id IN (SELECT book_id FROM dim_book"
    f" WHERE LOWER(title) LIKE %s ESCAPE '{LIKE_ESCAPE}' OR LOWER(authors) LIKE %s ESCAPE '{LIKE_ESCAPE}')"
)


@dataclass(frozen=True)
class TopBooksParams:
    """The filters, the ranking column, the page, and an optional title/author search."""

    filters: SalesFilters
    order: str = "revenue"
    limit: int = 10
    offset: int = 0
    search: str = ""


def like_literal(text: str) -> str:
    """`text` as a LIKE pattern that matches it literally: `%`, `_` and the escape escaped."""
    for special in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, LIKE_ESCAPE + special)
    return text


def run(source: Source, params: TopBooksParams) -> list[dict]:
    """One row per book, best first; ties broken by book id so pages never overlap."""
    where, values = params.filters.where()
    search = ""
    if params.search:
        pattern = "%" + like_literal(params.search.lower()) + "%"
        search, values = SEARCH, [*values, pattern, pattern]
    sql = SQL.format(where=where, search=search, order=ORDERINGS[params.order])
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
            source.rows(sql, [*values, params.limit, params.offset]), start=1
        )
    ]
