"""The warehouse's tables, declared once: names, key, columns, types and money columns.

Every backend builds its DDL from these declarations, and the exporter writes Parquet
files with exactly these columns, so a column is named and typed the same everywhere.
Types are written in the subset DuckDB, PostgreSQL and Redshift share.

Workspaces: every fact, dim_book and every rollup carries `workspace_id`, and every question
filters by it. The rollups lead with it (column, grouping, insert order and Redshift sort
key), so one workspace's rows sit together and the filter prunes by zone maps. The genre,
region, department, fund and cost-centre dimensions carry none: they are shared reference
data, nobody's records, and a workspace only ever sees those its own facts reference.
"""

from dataclasses import dataclass

import pyarrow as pa

from analytics.manifest import Manifest

# 2: department, fund and cost-centre codes are BIGINT (a real city's cost centres reach
# 9,993,817,000). A generation of an older version is followed by a full rebuild.
# 3: the book rollups (month, year, all data) that top-books reads.
# 4: workspace_id on the facts, dim_book and every rollup (the top lists ranked per workspace).
SCHEMA_VERSION = 4


@dataclass(frozen=True)
class Column:
    """One warehouse column: its SQL type, the Arrow type of its Parquet column, and the SQL
    expression the exporter reads it with from the transactional table ("" when the exporter
    derives it from other columns, or for rollup columns, which no export feeds)."""

    name: str
    sql: str
    arrow: pa.DataType
    source: str = ""


@dataclass(frozen=True)
class Source:
    """Where a warehouse table's rows come from in the transactional database."""

    from_clause: str  # "{authors}" stands for the export's per-vendor authors subquery
    alias: str  # the alias of the table whose id and updated_at bound the export window
    tombstone_table: str
    model_name: str  # the tombstones' "table" value for the model


@dataclass(frozen=True)
class Table:
    """A warehouse table, fed from one transactional table when it has a source."""

    name: str
    key: str
    columns: tuple[Column, ...]
    source: Source | None = None  # None: a table the loads build (rollups), not the export
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


def _id(name: str, source: str = "") -> Column:
    return Column(name, "BIGINT", pa.int64(), source)


def _code(name: str, source: str) -> Column:
    return Column(name, "BIGINT", pa.int64(), source)


def _int(name: str, source: str) -> Column:
    return Column(name, "INTEGER", pa.int32(), source)


def _text(name: str, length: int, source: str) -> Column:
    return Column(name, f"VARCHAR({length})", pa.string(), source)


def _money(name: str, digits: int, source: str = "") -> Column:
    return Column(name, f"NUMERIC({digits},2)", pa.decimal128(digits, 2), source)


def _date(name: str, source: str = "") -> Column:
    return Column(name, "DATE", pa.date32(), source)


def _timestamp(name: str, source: str) -> Column:
    return Column(name, "TIMESTAMPTZ", pa.timestamp("us", tz="UTC"), source)


def _updated_at(alias: str) -> Column:
    return _timestamp("updated_at", f"{alias}.updated_at")


def _books(from_clause: str, alias: str, model_name: str) -> Source:
    return Source(from_clause, alias, "books_tombstone", model_name)


def _finance(from_clause: str, alias: str, model_name: str) -> Source:
    return Source(from_clause, alias, "finance_tombstone", model_name)


TABLES: tuple[Table, ...] = (
    Table(
        "dim_genre",
        "genre_id",
        (_id("genre_id", "g.id"), _text("name", 100, "g.name"), _text("slug", 100, "g.slug"), _updated_at("g")),
        source=_books("books_genre g", "g", "genre"),
    ),
    Table(
        "dim_region",
        "region_id",
        (_id("region_id", "r.id"), _text("code", 12, "r.code"), _text("name", 100, "r.name"), _updated_at("r")),
        source=_books("books_region r", "r", "region"),
    ),
    Table(
        "dim_book",
        "book_id",
        (
            _id("book_id", "b.id"),
            _id("workspace_id", "b.workspace_id"),
            _text("isbn13", 13, "b.isbn13"),
            _text("title", 500, "b.title"),
            _text("authors", 2000, "au.authors"),
            _id("genre_id", "b.genre_id"),
            _text("publisher", 200, "p.name"),
            _money("list_price", 10, "b.list_price"),
            _date("published_on", "b.published_on"),
            _text("language", 12, "b.language"),
            _updated_at("b"),
        ),
        source=_books(
            "books_book b LEFT JOIN books_publisher p ON p.id = b.publisher_id"
            " LEFT JOIN ({authors}) au ON au.book_id = b.id",
            "b",
            "book",
        ),
        money=("list_price",),
        dist_key="book_id",
    ),
    Table(
        "fact_sales",
        "sale_id",
        (
            _id("sale_id", "s.id"),
            _id("workspace_id", "s.workspace_id"),
            _id("book_id", "s.book_id"),
            _id("region_id", "s.region_id"),
            _timestamp("sold_at", "s.sold_at"),
            _date("sale_date"),  # derived by the exporter: the UTC day of sold_at
            _int("quantity", "s.quantity"),
            _money("unit_price", 10, "s.unit_price"),
            _money("discount", 12, "s.discount"),
            _money("amount", 12, "s.amount"),
            _text("channel", 16, "s.channel"),
            _updated_at("s"),
        ),
        source=_books("books_sale s", "s", "sale"),
        money=("amount", "discount"),
        sort_key="sale_date",
        dist_key="book_id",
    ),
    Table(
        "dim_department",
        "department_id",
        (_id("department_id", "d.id"), _code("code", "d.code"), _text("name", 200, "d.name"), _updated_at("d")),
        source=_finance("finance_department d", "d", "department"),
    ),
    Table(
        "dim_fund",
        "fund_id",
        (_id("fund_id", "f.id"), _code("code", "f.code"), _text("name", 200, "f.name"), _updated_at("f")),
        source=_finance("finance_fund f", "f", "fund"),
    ),
    Table(
        "dim_cost_center",
        "cost_center_id",
        (
            _id("cost_center_id", "c.id"),
            _code("code", "c.code"),
            _text("name", 200, "c.name"),
            _id("department_id", "c.department_id"),
            _updated_at("c"),
        ),
        source=_finance("finance_costcenter c", "c", "costcenter"),
    ),
    Table(
        "fact_ledger",
        "entry_id",
        (
            _id("entry_id", "e.id"),
            _id("workspace_id", "e.workspace_id"),
            _date("entry_date", "e.entry_date"),
            _money("amount", 14, "e.amount"),
            _text("kind", 8, "e.kind"),
            _id("department_id", "e.department_id"),
            _id("fund_id", "e.fund_id"),
            _id("cost_center_id", "e.cost_center_id"),
            _updated_at("e"),
        ),
        source=_finance("finance_ledgerentry e", "e", "ledgerentry"),
        money=("amount",),
        sort_key="workspace_id, entry_date",
        dist_key="department_id",
    ),
    Table(
        "fact_budget",
        "budget_id",
        (
            _id("budget_id", "u.id"),
            _id("workspace_id", "u.workspace_id"),
            _id("department_id", "u.department_id"),
            _int("fiscal_year", "u.fiscal_year"),
            _money("amount", 14, "u.amount"),
            _updated_at("u"),
        ),
        source=_finance("finance_budget u", "u", "budget"),
        money=("amount",),
    ),
    Table(
        "fact_statement_line",
        "line_id",
        (
            _id("line_id", "l.id"),
            _id("workspace_id", "l.workspace_id"),
            _int("exercice", "l.exercice"),
            _text("type_de_resultat", 12, "l.type_de_resultat"),
            _text("produit_charge", 8, "l.produit_charge"),
            _text("poste", 255, "l.poste"),
            _text("detail_postes", 255, "l.detail_postes"),
            _money("montant_en_eur", 16, "l.montant_en_eur"),
            _updated_at("l"),
        ),
        source=_finance("finance_statementline l", "l", "statementline"),
        money=("montant_en_eur",),
    ),
)

TABLES_BY_NAME = {table.name: table for table in TABLES}

# The rollups the API reads, all maintained inside every load: rebuilt for what a batch
# touches, or whole on a full refresh or when books change (a book's genre moves all its rows).
#
# agg_sales_daily: one row per day, book and region (genre from dim_book); on benchmark data
# nearly one row per sale. The finest grain: every other rollup is built from it.
ROLLUP = "agg_sales_daily"
ROLLUP_COLUMNS: tuple[Column, ...] = (
    _id("workspace_id"),
    _date("sale_date"),
    _id("book_id"),
    _id("region_id"),
    _id("genre_id"),
    Column("orders", "BIGINT", pa.int64()),
    Column("units", "BIGINT", pa.int64()),
    _money("revenue", 18),
)
ROLLUP_SELECT = (
    "SELECT s.workspace_id, s.sale_date, s.book_id, s.region_id, b.genre_id, COUNT(*), SUM(s.quantity),"
    " SUM(s.amount) FROM fact_sales s JOIN dim_book b ON b.book_id = s.book_id{where}"
    " GROUP BY s.workspace_id, s.sale_date, s.book_id, s.region_id, b.genre_id"
)
# agg_sales_mix_daily: one row per day, region and genre (a few hundred thousand rows for
# 10M sales). Summary, time series and the region and genre breakdowns read it.
ROLLUP_MIX = "agg_sales_mix_daily"
ROLLUP_MIX_COLUMNS: tuple[Column, ...] = (
    _id("workspace_id"),
    Column("sale_date", "DATE", pa.date32()),
    _id("region_id"),
    _id("genre_id"),
    Column("orders", "BIGINT", pa.int64()),
    Column("units", "BIGINT", pa.int64()),
    _money("revenue", 18),
)
# Inserted in workspace and date order: DuckDB's zone maps then skip other workspaces' rows.
ROLLUP_MIX_SELECT = (
    f"SELECT workspace_id, sale_date, region_id, genre_id, SUM(orders), SUM(units), SUM(revenue) FROM {ROLLUP}{{where}}"
    " GROUP BY workspace_id, sale_date, region_id, genre_id ORDER BY workspace_id, sale_date"
)
# The book rollups top-books reads when no region is asked for: one row per month and book,
# per year and book, and per book over all the data (sale_date is the bucket's first day).
# A period is answered from whole years, then whole months, then days at its edges; a period
# that is one bucket, or that covers all the data, is a pre-ranked read with no aggregation.
BOOK_MONTHLY = "agg_sales_book_monthly"
BOOK_YEARLY = "agg_sales_book_yearly"
BOOK_TOTAL = "agg_sales_book_total"
_BOOK_MEASURES: tuple[Column, ...] = (
    _id("book_id"),
    _id("genre_id"),
    Column("orders", "BIGINT", pa.int64()),
    Column("units", "BIGINT", pa.int64()),
    _money("revenue", 18),
)
BOOK_BUCKET_COLUMNS: tuple[Column, ...] = (_id("workspace_id"), _date("sale_date"), *_BOOK_MEASURES)
BOOK_TOTAL_COLUMNS: tuple[Column, ...] = (_id("workspace_id"), *_BOOK_MEASURES)
# agg_sales_book_top: the first TOP_PLACES books of every workspace's years and all its data,
# by each ranking, with what top-books shows of them (title, authors, genre): the first pages
# of a one-bucket question with no genre or search read a few rows of it, with no
# aggregation, sort or join. sale_date is NULL for all the data.
BOOK_TOP = "agg_sales_book_top"
TOP_PLACES = 100
TOP_ORDERINGS = ("revenue", "units", "orders")
# Years and all the data: what "All data", year to date and a calendar year ask. Months are
# left out: re-ranking every touched month cost as much as the rest of a load's rollups.
TOP_GRAINS = (("year", BOOK_YEARLY), ("all", BOOK_TOTAL))
BOOK_TOP_COLUMNS: tuple[Column, ...] = (
    _id("workspace_id"),
    Column("grain", "VARCHAR(5)", pa.string()),
    _date("sale_date"),
    Column("ordering", "VARCHAR(8)", pa.string()),
    Column("place", "INTEGER", pa.int32()),
    _id("book_id"),
    Column("isbn13", "VARCHAR(13)", pa.string()),
    Column("title", "VARCHAR(500)", pa.string()),
    Column("authors", "VARCHAR(2000)", pa.string()),
    Column("genre", "VARCHAR(100)", pa.string()),
    Column("genre_name", "VARCHAR(100)", pa.string()),
    _money("revenue", 18),
    Column("units", "BIGINT", pa.int64()),
    Column("orders", "BIGINT", pa.int64()),
)
# What each workspace's facts reference, for the filter options (a workspace lists only its own
# codes and dates): agg_sales_scope has one row per workspace, region and genre with sales, with
# their first and last day (a few hundred rows, read instead of grouping the mix rollup:
# measured 4 ms for that at 1M sales, most of the options' time); agg_ledger_scope one per
# workspace, department and fund with ledger entries, and per budgeted department (fund and
# days NULL). Rebuilt whole, from the mix rollup and the ledger, when their sources change.
SALES_SCOPE = "agg_sales_scope"
SALES_SCOPE_COLUMNS: tuple[Column, ...] = (
    _id("workspace_id"),
    _id("region_id"),
    _id("genre_id"),
    _date("first_day"),
    _date("last_day"),
)
SALES_SCOPE_SELECT = (
    f"SELECT workspace_id, region_id, genre_id, MIN(sale_date), MAX(sale_date) FROM {ROLLUP_MIX}"
    " GROUP BY workspace_id, region_id, genre_id"
)
LEDGER_SCOPE = "agg_ledger_scope"
LEDGER_SCOPE_COLUMNS: tuple[Column, ...] = (
    _id("workspace_id"),
    _id("department_id"),
    _id("fund_id"),
    _date("first_day"),
    _date("last_day"),
)
LEDGER_SCOPE_SELECT = (
    "SELECT workspace_id, department_id, fund_id, MIN(entry_date), MAX(entry_date) FROM fact_ledger"
    " GROUP BY workspace_id, department_id, fund_id"
    " UNION ALL SELECT DISTINCT workspace_id, department_id, CAST(NULL AS BIGINT), CAST(NULL AS DATE),"
    " CAST(NULL AS DATE) FROM fact_budget"
)
# Every rollup, in the order a load rebuilds them (each from the one before it), with its
# physical design on Redshift: the book-grain ones spread by book like fact_sales, the small
# one copied to every node. Every question reads one workspace, so the sort keys lead with it
# (a compound key: the date or grain after it still prunes within the workspace).
WORKSPACE_DATE = "workspace_id, sale_date"
ROLLUP_TABLES: tuple[Table, ...] = (
    Table(ROLLUP, key="", columns=ROLLUP_COLUMNS, sort_key=WORKSPACE_DATE, dist_key="book_id"),
    Table(ROLLUP_MIX, key="", columns=ROLLUP_MIX_COLUMNS, sort_key=WORKSPACE_DATE),
    Table(BOOK_MONTHLY, key="", columns=BOOK_BUCKET_COLUMNS, sort_key=WORKSPACE_DATE, dist_key="book_id"),
    Table(BOOK_YEARLY, key="", columns=BOOK_BUCKET_COLUMNS, sort_key=WORKSPACE_DATE, dist_key="book_id"),
    Table(BOOK_TOTAL, key="", columns=BOOK_TOTAL_COLUMNS, sort_key="workspace_id", dist_key="book_id"),
    Table(BOOK_TOP, key="", columns=BOOK_TOP_COLUMNS, sort_key="workspace_id, grain"),
    Table(SALES_SCOPE, key="", columns=SALES_SCOPE_COLUMNS, sort_key="workspace_id"),
    Table(LEDGER_SCOPE, key="", columns=LEDGER_SCOPE_COLUMNS, sort_key="workspace_id"),
)
ROLLUPS: tuple[tuple[str, tuple[Column, ...]], ...] = tuple((table.name, table.columns) for table in ROLLUP_TABLES)
# Before fact_sales is merged: the (day, book) pairs whose rollup rows the batch changes, with
# their workspace (a book never changes workspace; the top lists are re-ranked per workspace).
TOUCHED = "touched_sales"
# What a full refresh on PostgreSQL or Redshift drops before recreating (DuckDB starts a new file).
FULL_REFRESH_DROPS: tuple[str, ...] = (*(table.name for table in TABLES), *(name for name, _ in ROLLUPS))


def bucket_start(grain: str, column: str) -> str:
    """The first day of the month or year holding date `column`, as a DATE on all three backends."""
    return f"CAST(DATE_TRUNC('{grain}', {column}) AS DATE)"


def touched_sql(stage: str, gone: str) -> str:
    """Before fact_sales is merged: the day and book of every sale row the batch adds, and of
    every row it replaces or deletes (a sale moved to another day or book touches both)."""
    keys = "workspace_id, sale_date, book_id"
    return (
        f"CREATE TEMP TABLE {TOUCHED} AS SELECT {keys} FROM {stage}"
        f" UNION SELECT {keys} FROM fact_sales WHERE sale_id IN (SELECT sale_id FROM {stage})"
        f" UNION SELECT {keys} FROM fact_sales WHERE sale_id IN (SELECT sale_id FROM {gone})"
    )


def _names(columns: tuple[Column, ...]) -> str:
    return ", ".join(column.name for column in columns)


_MEASURES_SUMMED = "SUM(a.orders), SUM(a.units), SUM(a.revenue)"


def _book_bucket_select(grain: str, finer: str, keys: str = "") -> str:
    """The rows of the month or year rollup from the finer one, for every bucket or (with
    `keys`, a table of sale_date and book_id) for the touched buckets of the touched books."""
    bucket = bucket_start(grain, "a.sale_date")
    if not keys:
        return (
            f"SELECT a.workspace_id, {bucket}, a.book_id, a.genre_id, {_MEASURES_SUMMED} FROM {finer} a"
            f" GROUP BY a.workspace_id, {bucket}, a.book_id, a.genre_id ORDER BY 1, 2"
        )
    return (
        f"SELECT a.workspace_id, k.sale_date, a.book_id, a.genre_id, {_MEASURES_SUMMED} FROM {finer} a"
        f" JOIN {keys} k ON k.book_id = a.book_id AND k.sale_date = {bucket}"
        f" WHERE a.sale_date >= (SELECT MIN(sale_date) FROM {keys})"
        " GROUP BY a.workspace_id, k.sale_date, a.book_id, a.genre_id"
    )


def _book_total_select(keys: str = "") -> str:
    """Every book's totals from the year rollup, or (with `keys`) the touched books' only."""
    join = f" JOIN {keys} k ON k.book_id = a.book_id" if keys else ""
    order = "" if keys else " ORDER BY 1"
    return (
        f"SELECT a.workspace_id, a.book_id, a.genre_id, {_MEASURES_SUMMED} FROM {BOOK_YEARLY} a{join}"
        f" GROUP BY a.workspace_id, a.book_id, a.genre_id{order}"
    )


def _replaced(
    table: str, columns: tuple[Column, ...], keys: str, key_columns: tuple[str, ...], select: str
) -> list[str]:
    """Delete `table`'s rows whose key is in the temp table `keys`, insert them again from
    `select`, and drop `keys`."""
    match = " AND ".join(f"{table}.{column} = {keys}.{column}" for column in key_columns)
    return [
        f"DELETE FROM {table} USING {keys} WHERE {match}",
        f"INSERT INTO {table} ({_names(columns)}) {select}",
        f"DROP TABLE {keys}",
    ]


def _top_insert(grain: str, table: str, ordering: str, keys: str = "") -> str:
    """The first TOP_PLACES books of each workspace's buckets of `table` by `ordering`, ties
    broken by book id as top-books breaks them; with `keys` (a table of workspace_id, and
    sale_date for a year) only the buckets it names."""
    year = grain != "all"
    bucket = "a.sale_date" if year else "CAST(NULL AS DATE)"
    partition = "PARTITION BY a.workspace_id, a.sale_date " if year else "PARTITION BY a.workspace_id "
    join = ""
    if keys:
        join = f" JOIN {keys} k ON k.workspace_id = a.workspace_id" + (" AND k.sale_date = a.sale_date" if year else "")
    return (
        f"INSERT INTO {BOOK_TOP} ({_names(BOOK_TOP_COLUMNS)})"
        f" SELECT r.workspace_id, '{grain}', r.bucket, '{ordering}', r.place, r.book_id, b.isbn13, b.title,"
        " b.authors, g.slug, g.name, r.revenue, r.units, r.orders"
        f" FROM (SELECT a.workspace_id, {bucket} AS bucket, a.book_id, a.revenue, a.units, a.orders,"
        f" ROW_NUMBER() OVER ({partition}ORDER BY a.{ordering} DESC, a.book_id) AS place FROM {table} a{join}) r"
        " JOIN dim_book b ON b.book_id = r.book_id LEFT JOIN dim_genre g ON g.genre_id = b.genre_id"
        f" WHERE r.place <= {TOP_PLACES}"
    )


def _top_rebuilt() -> list[str]:
    """The pre-ranked table rebuilt whole."""
    return [
        f"DELETE FROM {BOOK_TOP}",
        *(_top_insert(grain, table, ordering) for grain, table in TOP_GRAINS for ordering in TOP_ORDERINGS),
    ]


# The buckets a batch touched, per workspace: its years, and all its data.
_TOP_TOUCHED = {
    "year": ("touched_top_years", f"workspace_id, {bucket_start('year', 'sale_date')} AS sale_date"),
    "all": ("touched_workspaces", "workspace_id"),
}


def _top_refreshed() -> list[str]:
    """The pre-ranked rows of the years a batch touched and of all the data, re-ranked only
    in the workspaces it touched (another workspace's books cannot enter or leave them)."""
    statements = []
    for grain, table in TOP_GRAINS:
        keys, selected = _TOP_TOUCHED[grain]
        match = f"{BOOK_TOP}.workspace_id = {keys}.workspace_id"
        if grain != "all":
            match += f" AND {BOOK_TOP}.sale_date = {keys}.sale_date"
        statements += [
            f"CREATE TEMP TABLE {keys} AS SELECT DISTINCT {selected} FROM {TOUCHED}",
            f"DELETE FROM {BOOK_TOP} USING {keys} WHERE {BOOK_TOP}.grain = '{grain}' AND {match}",
            *(_top_insert(grain, table, ordering, keys) for ordering in TOP_ORDERINGS),
            f"DROP TABLE {keys}",
        ]
    return statements


def rollup_statements(manifest: Manifest) -> list[str]:
    """The statements that bring the rollups up to date after the batch's merges."""
    books = manifest.tables.get("dim_book")
    if manifest.full or (books is not None and books.changed):
        return _rollups_rebuilt()
    genres = manifest.tables.get("dim_genre")
    # The pre-ranked rows carry each book's genre slug and name.
    top = _top_rebuilt() if genres is not None and genres.changed else []
    ledger_changed = any(entry.changed for name, entry in manifest.tables.items() if name in LEDGER_SCOPE_SOURCES)
    ledger = _rebuilt(LEDGER_SCOPE, LEDGER_SCOPE_COLUMNS, LEDGER_SCOPE_SELECT) if ledger_changed else []
    if "fact_sales" not in manifest.tables:
        return [*top, *ledger]
    days = f"SELECT sale_date FROM {TOUCHED}"
    months, years, touched_books = "touched_months", "touched_years", "touched_books"
    return [
        f"DELETE FROM {ROLLUP} WHERE sale_date IN ({days})",
        f"INSERT INTO {ROLLUP} ({_names(ROLLUP_COLUMNS)})"
        f" {ROLLUP_SELECT.format(where=f' WHERE s.sale_date IN ({days})')}",
        f"DELETE FROM {ROLLUP_MIX} WHERE sale_date IN ({days})",
        f"INSERT INTO {ROLLUP_MIX} ({_names(ROLLUP_MIX_COLUMNS)})"
        f" {ROLLUP_MIX_SELECT.format(where=f' WHERE sale_date IN ({days})')}",
        f"CREATE TEMP TABLE {months} AS SELECT DISTINCT {bucket_start('month', 'sale_date')} AS sale_date, book_id"
        f" FROM {TOUCHED}",
        *_replaced(
            BOOK_MONTHLY,
            BOOK_BUCKET_COLUMNS,
            months,
            ("sale_date", "book_id"),
            _book_bucket_select("month", ROLLUP, months),
        ),
        f"CREATE TEMP TABLE {years} AS SELECT DISTINCT {bucket_start('year', 'sale_date')} AS sale_date, book_id"
        f" FROM {TOUCHED}",
        *_replaced(
            BOOK_YEARLY,
            BOOK_BUCKET_COLUMNS,
            years,
            ("sale_date", "book_id"),
            _book_bucket_select("year", BOOK_MONTHLY, years),
        ),
        f"CREATE TEMP TABLE {touched_books} AS SELECT DISTINCT book_id FROM {TOUCHED}",
        *_replaced(BOOK_TOTAL, BOOK_TOTAL_COLUMNS, touched_books, ("book_id",), _book_total_select(touched_books)),
        *(top or _top_refreshed()),
        *(
            _rebuilt(SALES_SCOPE, SALES_SCOPE_COLUMNS, SALES_SCOPE_SELECT)
            if manifest.tables["fact_sales"].changed
            else []
        ),
        *ledger,
    ]


LEDGER_SCOPE_SOURCES = ("fact_ledger", "fact_budget")


def _rebuilt(table: str, columns: tuple[Column, ...], select: str) -> list[str]:
    """A rollup emptied and filled again whole from `select`."""
    return [f"DELETE FROM {table}", f"INSERT INTO {table} ({_names(columns)}) {select}"]


def _rollups_rebuilt() -> list[str]:
    """The statements that rebuild every rollup whole, each from the finer one."""
    selects = (
        (ROLLUP, ROLLUP_COLUMNS, ROLLUP_SELECT.format(where="")),
        (ROLLUP_MIX, ROLLUP_MIX_COLUMNS, ROLLUP_MIX_SELECT.format(where="")),
        (BOOK_MONTHLY, BOOK_BUCKET_COLUMNS, _book_bucket_select("month", ROLLUP)),
        (BOOK_YEARLY, BOOK_BUCKET_COLUMNS, _book_bucket_select("year", BOOK_MONTHLY)),
        (BOOK_TOTAL, BOOK_TOTAL_COLUMNS, _book_total_select()),
    )
    statements = [statement for table, columns, select in selects for statement in _rebuilt(table, columns, select)]
    return [
        *statements,
        *_top_rebuilt(),
        *_rebuilt(SALES_SCOPE, SALES_SCOPE_COLUMNS, SALES_SCOPE_SELECT),
        *_rebuilt(LEDGER_SCOPE, LEDGER_SCOPE_COLUMNS, LEDGER_SCOPE_SELECT),
    ]


def rollup_statements_after(manifests: list[Manifest]) -> list[str]:
    """The rollup statements after applying `manifests` in order: one batch's own (what it
    touched), or a whole rebuild after several batches (a rebuild from the lake)."""
    return rollup_statements(manifests[0]) if len(manifests) == 1 else _rollups_rebuilt()


def touched_needed(manifests: list[Manifest], name: str) -> bool:
    """Whether merging table `name` must first record what it touches (one fact_sales batch)."""
    return len(manifests) == 1 and name == "fact_sales"
