"""The warehouse's tables, declared once: names, key, columns, types and money columns.

Every backend builds its DDL from these declarations, and the exporter writes Parquet
files with exactly these columns, so a column is named and typed the same everywhere.
Types are written in the subset DuckDB, PostgreSQL and Redshift share.
"""

from dataclasses import dataclass

import pyarrow as pa

# 2: department, fund and cost-centre codes are BIGINT (a real city's cost centres reach
# 9,993,817,000). A generation of an older version is followed by a full rebuild.
SCHEMA_VERSION = 2


@dataclass(frozen=True)
class Column:
    """One warehouse column: its SQL type and the Arrow type of its Parquet column."""

    name: str
    sql: str
    arrow: pa.DataType


@dataclass(frozen=True)
class Table:
    """A warehouse table fed from one transactional table."""

    name: str
    source: str  # "app.model": the transactional model it copies
    key: str
    columns: tuple[Column, ...]
    money: tuple[str, ...] = ()
    sort_key: str | None = None
    dist_key: str | None = None  # None: DISTSTYLE ALL on Redshift (small dimensions)

    @property
    def column_names(self) -> list[str]:
        """The columns in declaration order."""
        return [column.name for column in self.columns]

    @property
    def arrow_schema(self) -> pa.Schema:
        """The Parquet schema of this table's export files."""
        return pa.schema([pa.field(column.name, column.arrow) for column in self.columns])


def _id(name: str) -> Column:
    return Column(name, "BIGINT", pa.int64())


def _text(name: str, length: int) -> Column:
    return Column(name, f"VARCHAR({length})", pa.string())


def _money(name: str, digits: int) -> Column:
    return Column(name, f"NUMERIC({digits},2)", pa.decimal128(digits, 2))


UPDATED_AT = Column("updated_at", "TIMESTAMPTZ", pa.timestamp("us", tz="UTC"))

TABLES: tuple[Table, ...] = (
    Table(
        "dim_genre", "books.genre", "genre_id", (_id("genre_id"), _text("name", 100), _text("slug", 100), UPDATED_AT)
    ),
    Table(
        "dim_region", "books.region", "region_id", (_id("region_id"), _text("code", 12), _text("name", 100), UPDATED_AT)
    ),
    Table(
        "dim_book",
        "books.book",
        "book_id",
        (
            _id("book_id"),
            _text("isbn13", 13),
            _text("title", 500),
            _text("authors", 2000),
            _id("genre_id"),
            _text("publisher", 200),
            _money("list_price", 10),
            Column("published_on", "DATE", pa.date32()),
            _text("language", 12),
            UPDATED_AT,
        ),
        money=("list_price",),
        dist_key="book_id",
    ),
    Table(
        "fact_sales",
        "books.sale",
        "sale_id",
        (
            _id("sale_id"),
            _id("book_id"),
            _id("region_id"),
            Column("sold_at", "TIMESTAMPTZ", pa.timestamp("us", tz="UTC")),
            Column("sale_date", "DATE", pa.date32()),
            Column("quantity", "INTEGER", pa.int32()),
            _money("unit_price", 10),
            _money("discount", 12),
            _money("amount", 12),
            _text("channel", 16),
            UPDATED_AT,
        ),
        money=("amount", "discount"),
        sort_key="sale_date",
        dist_key="book_id",
    ),
    Table(
        "dim_department",
        "finance.department",
        "department_id",
        (_id("department_id"), Column("code", "BIGINT", pa.int64()), _text("name", 200), UPDATED_AT),
    ),
    Table(
        "dim_fund",
        "finance.fund",
        "fund_id",
        (_id("fund_id"), Column("code", "BIGINT", pa.int64()), _text("name", 200), UPDATED_AT),
    ),
    Table(
        "dim_cost_center",
        "finance.costcenter",
        "cost_center_id",
        (
            _id("cost_center_id"),
            Column("code", "BIGINT", pa.int64()),
            _text("name", 200),
            _id("department_id"),
            UPDATED_AT,
        ),
    ),
    Table(
        "fact_ledger",
        "finance.ledgerentry",
        "entry_id",
        (
            _id("entry_id"),
            Column("entry_date", "DATE", pa.date32()),
            _money("amount", 14),
            _text("kind", 8),
            _id("department_id"),
            _id("fund_id"),
            _id("cost_center_id"),
            UPDATED_AT,
        ),
        money=("amount",),
        sort_key="entry_date",
        dist_key="department_id",
    ),
    Table(
        "fact_budget",
        "finance.budget",
        "budget_id",
        (
            _id("budget_id"),
            _id("department_id"),
            Column("fiscal_year", "INTEGER", pa.int32()),
            _money("amount", 14),
            UPDATED_AT,
        ),
        money=("amount",),
    ),
    Table(
        "fact_statement_line",
        "finance.statementline",
        "line_id",
        (
            _id("line_id"),
            Column("exercice", "INTEGER", pa.int32()),
            _text("type_de_resultat", 12),
            _text("produit_charge", 8),
            _text("poste", 255),
            _text("detail_postes", 255),
            _money("montant_en_eur", 16),
            UPDATED_AT,
        ),
        money=("montant_en_eur",),
    ),
)

TABLES_BY_NAME = {table.name: table for table in TABLES}

# The rollup the API reads: one row per day, book and region (genre from dim_book).
# Maintained inside every load: rebuilt for the days a batch touches, or whole on a full
# refresh or when books change (a book's genre moves all its days).
ROLLUP = "agg_sales_daily"
ROLLUP_COLUMNS: tuple[Column, ...] = (
    Column("sale_date", "DATE", pa.date32()),
    _id("book_id"),
    _id("region_id"),
    _id("genre_id"),
    Column("orders", "BIGINT", pa.int64()),
    Column("units", "BIGINT", pa.int64()),
    _money("revenue", 18),
)
ROLLUP_SELECT = (
    "SELECT s.sale_date, s.book_id, s.region_id, b.genre_id, COUNT(*), SUM(s.quantity), SUM(s.amount)"
    " FROM fact_sales s JOIN dim_book b ON b.book_id = s.book_id{where}"
    " GROUP BY s.sale_date, s.book_id, s.region_id, b.genre_id"
)
# The small rollup: one row per day, region and genre (a few hundred thousand rows for
# 10M sales, against ~9.5M in agg_sales_daily, where nearly every sale is its own
# day × book × region). Summary, time series and the region and genre breakdowns read
# it; only top-books needs the book grain. Built from agg_sales_daily for the same days.
ROLLUP_MIX = "agg_sales_mix_daily"
ROLLUP_MIX_COLUMNS: tuple[Column, ...] = (
    Column("sale_date", "DATE", pa.date32()),
    _id("region_id"),
    _id("genre_id"),
    Column("orders", "BIGINT", pa.int64()),
    Column("units", "BIGINT", pa.int64()),
    _money("revenue", 18),
)
ROLLUP_MIX_SELECT = (
    f"SELECT sale_date, region_id, genre_id, SUM(orders), SUM(units), SUM(revenue) FROM {ROLLUP}{{where}}"
    " GROUP BY sale_date, region_id, genre_id"
)
# Every rollup with its columns, in the order a load rebuilds them.
ROLLUPS: tuple[tuple[str, tuple[Column, ...]], ...] = ((ROLLUP, ROLLUP_COLUMNS), (ROLLUP_MIX, ROLLUP_MIX_COLUMNS))
TOUCHED_DAYS = "touched_days"
# What a full refresh on PostgreSQL or Redshift drops before recreating (DuckDB starts a new file).
FULL_REFRESH_DROPS: tuple[str, ...] = (*(table.name for table in TABLES), *(name for name, _ in ROLLUPS))


def touched_days_sql(stage: str, gone: str) -> str:
    """Before fact_sales is merged: the days whose rollup rows the batch changes (the new
    rows' days, and the old days of rows it replaces or deletes)."""
    return (
        f"CREATE TEMP TABLE {TOUCHED_DAYS} AS SELECT sale_date FROM {stage}"
        f" UNION SELECT sale_date FROM fact_sales WHERE sale_id IN (SELECT sale_id FROM {stage})"
        f" UNION SELECT sale_date FROM fact_sales WHERE sale_id IN (SELECT sale_id FROM {gone})"
    )


def rollup_statements(manifest: dict) -> list[str]:
    """The statements that bring the rollups up to date after the batch's merges."""
    tables = manifest["tables"]
    books = tables.get("dim_book", {})
    columns = ", ".join(column.name for column in ROLLUP_COLUMNS)
    mix_columns = ", ".join(column.name for column in ROLLUP_MIX_COLUMNS)
    if manifest["full"] or books.get("rows") or books.get("tombstones"):
        return [
            f"DELETE FROM {ROLLUP}",
            f"INSERT INTO {ROLLUP} ({columns}) {ROLLUP_SELECT.format(where='')}",
            f"DELETE FROM {ROLLUP_MIX}",
            f"INSERT INTO {ROLLUP_MIX} ({mix_columns}) {ROLLUP_MIX_SELECT.format(where='')}",
        ]
    if "fact_sales" not in tables:
        return []
    days = f"SELECT sale_date FROM {TOUCHED_DAYS}"
    return [
        f"DELETE FROM {ROLLUP} WHERE sale_date IN ({days})",
        f"INSERT INTO {ROLLUP} ({columns}) {ROLLUP_SELECT.format(where=f' WHERE s.sale_date IN ({days})')}",
        f"DELETE FROM {ROLLUP_MIX} WHERE sale_date IN ({days})",
        f"INSERT INTO {ROLLUP_MIX} ({mix_columns}) {ROLLUP_MIX_SELECT.format(where=f' WHERE sale_date IN ({days})')}",
    ]


def rollup_statements_after(manifests: list[dict]) -> list[str]:
    """The rollup statements after applying `manifests` in order: one batch's own (days it
    touched), or a whole rebuild after several batches (a rebuild from the lake)."""
    return rollup_statements(manifests[0] if len(manifests) == 1 else {"full": True, "tables": {}})


def touched_days_needed(manifests: list[dict], name: str) -> bool:
    """Whether merging table `name` must first record the days it touches (one fact_sales batch)."""
    return len(manifests) == 1 and name == "fact_sales"
