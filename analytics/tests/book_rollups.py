"""The book rollups (month, year, all data) and the pre-ranked top lists as the source says
they must be, per workspace, and as the warehouse holds them: tests compare the two after
every kind of load. Every key leads with the workspace id."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from analytics.warehouse.schema import TOP_PLACES
from books.models import Book, Sale

Totals = dict[tuple, tuple[int, int, Decimal]]


def _add(totals: Totals, key: tuple, quantity: int, amount: Decimal) -> None:
    orders, units, revenue = totals.get(key, (0, 0, Decimal("0.00")))
    totals[key] = (orders + 1, units + quantity, revenue + amount)


def book_rollups_from_source() -> dict[str, Totals]:
    """Orders, units and revenue per (workspace, month, book, genre), (workspace, year, book,
    genre) and (workspace, book, genre)."""
    monthly: Totals = {}
    yearly: Totals = {}
    total: Totals = {}
    for workspace_id, sold_at, book_id, genre_id, quantity, amount in Sale.objects.values_list(
        "workspace_id", "sold_at", "book_id", "book__genre_id", "quantity", "amount"
    ):
        day = sold_at.date()
        _add(monthly, (workspace_id, date(day.year, day.month, 1), book_id, genre_id), quantity, amount)
        _add(yearly, (workspace_id, date(day.year, 1, 1), book_id, genre_id), quantity, amount)
        _add(total, (workspace_id, book_id, genre_id), quantity, amount)
    return {"agg_sales_book_monthly": monthly, "agg_sales_book_yearly": yearly, "agg_sales_book_total": total}


def book_top_from_source() -> set[tuple]:
    """The pre-ranked rows: (workspace, grain, bucket, ordering, place, book, revenue, units,
    orders, genre slug) for the first TOP_PLACES books of every workspace's years and all its
    data, by each ranking."""
    genres = dict(Book.objects.values_list("pk", "genre__slug"))
    expected: set[tuple] = set()
    rollups = book_rollups_from_source()
    buckets: dict[tuple[int, str, date | None], list[tuple]] = {}
    for (workspace_id, year, book_id, _genre), measures in rollups["agg_sales_book_yearly"].items():
        buckets.setdefault((workspace_id, "year", year), []).append((book_id, *measures))
    for (workspace_id, book_id, _genre), measures in rollups["agg_sales_book_total"].items():
        buckets.setdefault((workspace_id, "all", None), []).append((book_id, *measures))
    for (workspace_id, grain, bucket), books in buckets.items():
        expected |= _ranked(workspace_id, grain, bucket, books, genres)
    return expected


def _ranked(workspace_id: int, grain: str, bucket: date | None, books: list[tuple], genres: dict) -> set[tuple]:
    rows = set()
    for measure, ordering in ((3, "revenue"), (2, "units"), (1, "orders")):
        ranked = sorted(books, key=lambda book: (-book[measure], book[0]))[:TOP_PLACES]
        for place, (book_id, orders, units, revenue) in enumerate(ranked, start=1):
            rows.add((workspace_id, grain, bucket, ordering, place, book_id, revenue, units, orders, genres[book_id]))
    return rows


def book_top_in_warehouse(rows: Callable[[str], list[tuple]]) -> set[tuple]:
    """The same, read from the generation `rows` queries."""
    found = rows(
        "SELECT workspace_id, grain, sale_date, ordering, place, book_id, revenue, units, orders, genre"
        " FROM agg_sales_book_top"
    )
    as_set = {(w, g, d, o, int(p), b, Decimal(r), int(u), int(n), s) for w, g, d, o, p, b, r, u, n, s in found}
    assert len(as_set) == len(found), "agg_sales_book_top holds a row twice"
    return as_set


def book_rollups_in_warehouse(rows: Callable[[str], list[tuple]]) -> dict[str, Totals]:
    """The same, read from the generation `rows` queries (every row, duplicates kept apart)."""
    found: dict[str, Totals] = {}
    for table, key in (
        ("agg_sales_book_monthly", "workspace_id, sale_date, book_id, genre_id"),
        ("agg_sales_book_yearly", "workspace_id, sale_date, book_id, genre_id"),
        ("agg_sales_book_total", "workspace_id, book_id, genre_id"),
    ):
        width = key.count(",") + 1
        found[table] = {}
        for row in rows(f"SELECT {key}, orders, units, revenue FROM {table}"):
            assert tuple(row[:width]) not in found[table], f"{table} holds {row[:width]} twice"
            found[table][tuple(row[:width])] = (int(row[width]), int(row[width + 1]), Decimal(row[width + 2]))
    return found
