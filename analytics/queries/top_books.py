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
SEARCH = " AND a.book_id IN (SELECT book_id FROM dim_book WHERE LOWER(title) LIKE %s OR LOWER(authors) LIKE %s)"


@dataclass(frozen=True)
class TopBooksParams:
    """The filters, the ranking column, the page, and an optional title/author search."""

    filters: SalesFilters
    order: str = "revenue"
    limit: int = 10
    offset: int = 0
    search: str = ""


def run(source: Source, params: TopBooksParams) -> list[dict]:
    """One row per book, best first; ties broken by book id so pages never overlap."""
    where, values = params.filters.where()
    search = ""
    if params.search:
        pattern = "%" + params.search.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
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
