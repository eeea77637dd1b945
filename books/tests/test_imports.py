"""import_books and import_sales: real files in full, exact counts, idempotent, all or nothing."""

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from books.models import Author, Book, Region, Sale
from books.services.imports import books_import, sales_import
from config.date_window import date_window
from config.imports import ImportRefused, ImportRejected, RowError
from conftest import IN_CI

GOODBOOKS = Path(settings.BASE_DIR).parent / "shared" / "datasets" / "goodbooks10k" / "books.csv"
PLAIN_HEADER = "isbn13,title,authors,genre,publisher,price,published\n"
PLAIN_BOOKS = (
    PLAIN_HEADER
    + "9780439023481,The Hunger Games,Suzanne Collins,Young Adult,Scholastic,12.99,2008-09-14\n"
    + '9780439554930,Harry Potter,"J.K. Rowling, Mary GrandPré",Fantasy,Scholastic,9.50,1997\n'
)
SALES_HEADER = "sold_at,isbn,region,quantity,unit_price,discount\n"
SALES = (
    SALES_HEADER
    + "2024-03-01T10:00:00+01:00,9780439023481,FR,2,12.99,1.00\n"
    + "2024-03-01,978-0-439-55493-0,DE,1,9.50,0\n"
    + "2024-03-02T08:30:00Z,0439023483,FR,3,12.99,\n"
)
SALES_REVENUE = 2 * Decimal("12.99") - Decimal("1.00") + Decimal("9.50") + 3 * Decimal("12.99")


def goodbooks_path() -> Path:
    """The goodbooks-10k catalogue, or a skip (a failure in CI) when the datasets folder is absent."""
    if not GOODBOOKS.exists():
        message = f"the goodbooks-10k dataset is not at {GOODBOOKS}"
        if IN_CI:
            pytest.fail(f"{message} (CI=true: dataset-backed tests must run)")
        pytest.skip(message)
    return GOODBOOKS


def isbn10_as_13(written: str) -> str | None:
    """An independent ISBN-10 → ISBN-13 conversion for checking the importer."""
    padded = written.zfill(10)
    if len(padded) != 10 or not padded[:9].isdigit() or padded[9] not in "0123456789Xx":
        return None
    weights = sum(int(char) * weight for char, weight in zip(padded[:9], range(10, 1, -1), strict=True))
    if (weights + (10 if padded[9] in "Xx" else int(padded[9]))) % 11:
        return None
    body = "978" + padded[:9]
    odd_even = sum(int(char) * (3 if index % 2 else 1) for index, char in enumerate(body))
    return body + str(-odd_even % 10)


def write(tmp_path: Path, text: str, name: str = "input.csv", encoding: str = "utf-8") -> Path:
    """A file holding the text in the given encoding."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(alias: str) -> dict:
    """What a failed import must leave exactly as it was: counts and a sample row."""
    first = Book.objects.using(alias).order_by("pk").values("isbn13", "title", "list_price", "updated_at").first()
    return {
        "books": Book.objects.using(alias).count(),
        "authors": Author.objects.using(alias).count(),
        "sales": Sale.objects.using(alias).count(),
        "regions": Region.objects.using(alias).count(),
        "first_book": first,
        "sale_times": sorted(Sale.objects.using(alias).values_list("sold_at", "updated_at")),
    }


@pytest.fixture
def regions(db_alias: str) -> str:
    """The regions the sales files name (FR, DE), on the database under test."""
    for code, name in (("FR", "France"), ("DE", "Germany")):
        Region.objects.using(db_alias).get_or_create(code=code, defaults={"name": name})
    return db_alias


@pytest.fixture
def catalogue(regions: str, tmp_path: Path) -> str:
    """The two plain-layout books and the regions, on the database under test."""
    books_import(path=write(tmp_path, PLAIN_BOOKS, "catalogue.csv"), using=regions)
    return regions


@pytest.mark.django_db(databases="__all__")
def test_goodbooks_imports_in_full_and_again_unchanged(db_alias: str) -> None:
    path = goodbooks_path()
    with path.open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    by_isbn = {isbn10_as_13(row["isbn"]) for row in source if row["isbn"] and isbn10_as_13(row["isbn"])}
    by_source = {row["book_id"] for row in source if not (row["isbn"] and isbn10_as_13(row["isbn"]))}

    first = books_import(path=path, using=db_alias)
    stamps = dict(Book.objects.using(db_alias).values_list("pk", "updated_at"))
    second = books_import(path=path, using=db_alias)

    assert (len(source), len(by_isbn), len(by_source)) == (10_000, 9_277, 723)
    assert (first.read, first.created, first.updated, first.unchanged, first.rejected) == (10_000, 10_000, 0, 0, 0)
    assert (second.read, second.created, second.updated, second.unchanged, second.rejected) == (10_000, 0, 0, 10_000, 0)
    books = Book.objects.using(db_alias)
    assert books.count() == 10_000
    assert set(books.exclude(isbn13=None).values_list("isbn13", flat=True)) == by_isbn
    assert set(books.filter(isbn13=None).values_list("source_key", flat=True)) == by_source
    assert dict(books.values_list("pk", "updated_at")) == stamps
    potter = books.get(isbn13="9780439554930")
    assert list(potter.credits.order_by("position").values_list("author__name", flat=True)) == [
        "J.K. Rowling",
        "Mary GrandPré",
    ]
    assert (potter.published_on, potter.language) == (date(1997, 1, 1), "eng")
    # The float column says 9.78043902348e+12: trusting it would give 9780439023480, a wrong ISBN.
    assert books.get(title="The Hunger Games (The Hunger Games, #1)").isbn13 == "9780439023481"


@pytest.mark.django_db(databases="__all__")
def test_plain_layout_imports_every_field(db_alias: str, tmp_path: Path) -> None:
    path = write(tmp_path, PLAIN_BOOKS)

    summary = books_import(path=path, using=db_alias)

    assert (summary.created, summary.rejected) == (2, 0)
    book = Book.objects.using(db_alias).get(isbn13="9780439023481")
    assert book.publisher is not None
    assert (book.title, book.genre.name, book.publisher.name, book.list_price, book.published_on, book.source_key) == (
        "The Hunger Games",
        "Young Adult",
        "Scholastic",
        Decimal("12.99"),
        date(2008, 9, 14),
        "",
    )


@pytest.mark.django_db(databases="__all__")
def test_a_changed_book_is_updated_and_only_it_moves(db_alias: str, tmp_path: Path) -> None:
    books_import(path=write(tmp_path, PLAIN_BOOKS), using=db_alias)
    before = dict(Book.objects.using(db_alias).values_list("isbn13", "updated_at"))
    changed = PLAIN_BOOKS.replace("Harry Potter,", "Harry Potter and the Philosopher's Stone,").replace("9.50", "10.50")

    summary = books_import(path=write(tmp_path, changed, "changed.csv"), using=db_alias)

    after = dict(Book.objects.using(db_alias).values_list("isbn13", "updated_at"))
    potter = Book.objects.using(db_alias).get(isbn13="9780439554930")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    assert (potter.title, potter.list_price) == ("Harry Potter and the Philosopher's Stone", Decimal("10.50"))
    assert after["9780439023481"] == before["9780439023481"]
    assert after["9780439554930"] > before["9780439554930"]


@pytest.mark.django_db(databases="__all__")
def test_a_file_without_a_column_keeps_the_stored_value(db_alias: str, tmp_path: Path) -> None:
    books_import(path=write(tmp_path, PLAIN_BOOKS), using=db_alias)
    before = dict(Book.objects.using(db_alias).values_list("isbn13", "updated_at"))
    lean = "isbn13,title,authors\n9780439023481,The Hunger Games,Suzanne Collins\n"

    summary = books_import(path=write(tmp_path, lean, "lean.csv"), using=db_alias)

    book = Book.objects.using(db_alias).get(isbn13="9780439023481")
    assert (summary.unchanged, summary.updated) == (1, 0)
    assert (book.genre.name, book.list_price, book.updated_at) == ("Young Adult", Decimal("12.99"), before[book.isbn13])


@pytest.mark.django_db
def test_latin1_semicolon_file_with_a_mapped_layout(tmp_path: Path) -> None:
    text = "Code;Titre;Auteurs;Prix\n2-07-036822-X;L'Étranger;Albert Camus;7.50\n"
    path = write(tmp_path, text, encoding="latin-1")

    summary = books_import(path=path, mapping={"code": "isbn", "titre": "title", "auteurs": "authors", "prix": "price"})

    book = Book.objects.get()
    assert (summary.created, book.isbn13, book.title, book.list_price) == (
        1,
        "9782070368228",
        "L'Étranger",
        Decimal("7.50"),
    )


@pytest.mark.django_db
def test_a_book_without_isbn_is_keyed_by_its_source_id(tmp_path: Path) -> None:
    path = write(tmp_path, "book_id,isbn,isbn13,title,authors\n77,,9.78043902348e+12,Untitled,Anon\n")

    books_import(path=path)
    again = books_import(path=path)

    book = Book.objects.get()
    assert (book.isbn13, book.source_key, again.unchanged) == (None, "77", 1)


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (
            "9780439023482,Bad Check,Someone,,,1.00,",
            RowError(
                3,
                "isbn13",
                "9780439023482",
                "no usable ISBN ('9780439023482' is not a valid ISBN-13) and no source id to key the book by",
            ),
        ),
        (
            "9780439023481,Again,Someone,,,1.00,",
            RowError(3, "isbn13", "9780439023481", "duplicate key: the same book as line 2"),
        ),
        ("9780306406157,Priced,Someone,,,abc,", RowError(3, "price", "abc", "not a number")),
        (
            "9780306406157,Priced,Someone,,,-1.00,",
            RowError(
                3, "price", "-1.00", "a price is a non-negative amount with at most 2 decimals, under 100,000,000"
            ),
        ),
        (
            "9780306406157,Dated,Someone,,,1.00,2024-02-30",
            RowError(3, "published", "2024-02-30", "not a date (YYYY-MM-DD or a year)"),
        ),
        ("9780306406157,,Someone,,,1.00,", RowError(3, "title", "", "a book needs a title")),
        ("9780306406157,No Authors,,,,1.00,", RowError(3, "authors", "", "a book needs at least one author")),
        (
            "9780306406157,=cmd|' /C calc'!A0,Someone,,,1.00,",
            RowError(
                3,
                "title",
                "=cmd|' /C calc'!A0",
                "starts like a spreadsheet formula (=, +, -, @, tab or carriage return; - only before a plain number)",
            ),
        ),
        (
            "9780306406157,@SUM(A1),Someone,,,1.00,",
            RowError(
                3,
                "title",
                "@SUM(A1)",
                "starts like a spreadsheet formula (=, +, -, @, tab or carriage return; - only before a plain number)",
            ),
        ),
        (
            '9780306406157,-2+3+HYPERLINK("x"),Someone,,,1.00,',
            RowError(
                3,
                "title",
                '-2+3+HYPERLINK("x")',
                "starts like a spreadsheet formula (=, +, -, @, tab or carriage return; - only before a plain number)",
            ),
        ),
        (
            "9780306406157,Title,-1+1+cmd|' /C calc'!A0,,,1.00,",
            RowError(
                3,
                "authors",
                "-1+1+cmd|' /C calc'!A0",
                "starts like a spreadsheet formula (=, +, -, @, tab or carriage return; - only before a plain number)",
            ),
        ),
        (
            "9780306406157," + "x" * 10_001 + ",Someone,,,1.00,",
            RowError(3, "title", "x" * 10_001, "longer than 10,000 characters (10,001)"),
        ),
        (
            "9780306406157,Cut Short,Someone",
            RowError(
                3,
                "authors",
                "9780306406157,Cut Short,Someone",
                "has 3 fields, the header has 7 (the last line is cut short)",
            ),
        ),
    ],
    ids=[
        "bad-isbn",
        "duplicate",
        "price-text",
        "price-negative",
        "bad-date",
        "no-title",
        "no-authors",
        "formula",
        "at-formula",
        "minus-formula-title",
        "minus-formula-author",
        "oversized",
        "truncated",
    ],
)
@pytest.mark.django_db(databases="__all__")
def test_a_bad_book_row_is_reported_and_nothing_changes(
    db_alias: str, tmp_path: Path, row: str, error: RowError
) -> None:
    books_import(path=write(tmp_path, PLAIN_BOOKS, "catalogue.csv"), using=db_alias)
    before = snapshot(db_alias)
    text = PLAIN_HEADER + "9780439023481,The Hunger Games,Suzanne Collins,Young Adult,Scholastic,12.99,2008-09-14\n"
    path = write(tmp_path, text + row + ("" if "Cut Short" in row else "\n"))

    with pytest.raises(ImportRejected) as rejected:
        books_import(path=path, using=db_alias)

    assert rejected.value.summary.errors == [error]
    assert snapshot(db_alias) == before
    with (tmp_path / "input.rejects.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][0:2] == [str(error.line), error.column]
    assert rows[1][3] == error.reason


@pytest.mark.django_db(databases="__all__")
def test_sales_import_exact_revenue_and_idempotent(catalogue: str, tmp_path: Path) -> None:
    path = write(tmp_path, SALES)

    first = sales_import(path=path, using=catalogue)
    stamps = sorted(Sale.objects.using(catalogue).values_list("pk", "updated_at"))
    second = sales_import(path=path, using=catalogue)

    amounts = list(Sale.objects.using(catalogue).values_list("amount", flat=True))
    assert (first.read, first.created, first.unchanged, first.rejected) == (3, 3, 0, 0)
    assert (second.read, second.created, second.unchanged, second.rejected) == (3, 0, 3, 0)
    assert sum(amounts, Decimal("0.00")) == SALES_REVENUE == Decimal("73.45")
    assert sorted(Sale.objects.using(catalogue).values_list("pk", "updated_at")) == stamps
    first_sale = Sale.objects.using(catalogue).get(quantity=2)
    assert (first_sale.sold_at, first_sale.region.code, first_sale.amount, first_sale.book.isbn13) == (
        datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
        "FR",
        Decimal("24.98"),
        "9780439023481",
    )
    assert Sale.objects.using(catalogue).get(quantity=1).sold_at == datetime(2024, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (
            "2024-13-01,9780439023481,FR,1,12.99,0",
            RowError(
                3,
                "sold_at",
                "2024-13-01",
                "not a date (YYYY-MM-DD) or a time with its zone (YYYY-MM-DDTHH:MM:SS+HH:MM)",
            ),
        ),
        (
            "2024-03-01T10:00:00,9780439023481,FR,1,12.99,0",
            RowError(
                3, "sold_at", "2024-03-01T10:00:00", "a time needs its time zone, e.g. 2024-03-01T10:00:00+01:00 or …Z"
            ),
        ),
        (
            "2024-03-05,9780439023481,FR,1,twelve,0",
            RowError(3, "unit_price", "twelve", "not a non-negative amount with at most 2 decimals"),
        ),
        (
            "2024-03-05,9780439023481,FR,1,12.99,1.005",
            RowError(3, "discount", "1.005", "not a non-negative amount with at most 2 decimals"),
        ),
        (
            "2024-03-05,9780439023481,FR,-2,12.99,0",
            RowError(3, "quantity", "-2", "the quantity must be a positive whole number"),
        ),
        ("2024-03-05,9780439023481,FR,1.5,12.99,0", RowError(3, "quantity", "1.5", "not a whole number")),
        (
            "2024-03-05,9780439023481,FR,1,12.99,20.00",
            RowError(3, "discount", "20.00", "the discount exceeds the gross amount 12.99"),
        ),
        (
            "2024-03-05,9780439023481,XX,1,12.99,0",
            RowError(3, "region", "XX", "unknown region code (add it first, or import with --create-missing)"),
        ),
        (
            "2024-03-05,9780000000002,FR,1,12.99,0",
            RowError(3, "isbn", "9780000000002", "no book has this ISBN (import the catalogue first)"),
        ),
        (
            "2024-03-01T09:00:00Z,9780439023481,FR,1,12.99,0",
            RowError(3, "sold_at", "2024-03-01 09:00:00", "duplicate key: the same sale as line 2"),
        ),
        (
            "2024-03-05,9780439023481,FR,1",
            RowError(
                3,
                "quantity",
                "2024-03-05,9780439023481,FR,1",
                "has 4 fields, the header has 6 (the last line is cut short)",
            ),
        ),
        (
            "2024-03-05,9780439023481,+FR,1,12.99,0",
            RowError(
                3,
                "region",
                "+FR",
                "starts like a spreadsheet formula (=, +, -, @, tab or carriage return; - only before a plain number)",
            ),
        ),
        (
            "2024-03-05,9780439023481,-1+1+FR,1,12.99,0",
            RowError(
                3,
                "region",
                "-1+1+FR",
                "starts like a spreadsheet formula (=, +, -, @, tab or carriage return; - only before a plain number)",
            ),
        ),
        (
            "2024-03-05,9780439023481,FR,1,-1+13.99,0",
            RowError(
                3,
                "unit_price",
                "-1+13.99",
                "starts like a spreadsheet formula (=, +, -, @, tab or carriage return; - only before a plain number)",
            ),
        ),
    ],
    ids=[
        "bad-date",
        "naive-time",
        "price-text",
        "sub-cent",
        "negative-quantity",
        "fractional-quantity",
        "discount-too-big",
        "unknown-region",
        "unknown-book",
        "duplicate",
        "truncated",
        "formula",
        "minus-formula-region",
        "minus-formula-price",
    ],
)
@pytest.mark.django_db(databases="__all__")
def test_a_bad_sale_row_is_reported_and_nothing_changes(
    catalogue: str, tmp_path: Path, row: str, error: RowError
) -> None:
    sales_import(path=write(tmp_path, SALES, "earlier.csv"), using=catalogue)
    before = snapshot(catalogue)
    text = SALES_HEADER + "2024-03-01T10:00:00+01:00,9780439023481,FR,1,12.99,0\n" + row
    path = write(tmp_path, text + ("" if row.count(",") < 5 else "\n"))

    with pytest.raises(ImportRejected) as rejected:
        sales_import(path=path, using=catalogue)

    errors = rejected.value.summary.errors
    shown = [RowError(e.line, e.column, e.value.replace("+00:00", "").replace("+00", ""), e.reason) for e in errors]
    assert shown == [error]
    assert snapshot(catalogue) == before


@pytest.mark.django_db(databases="__all__")
def test_skip_invalid_imports_the_valid_rows_and_writes_the_rejects(catalogue: str, tmp_path: Path) -> None:
    text = SALES + "2024-03-03,9780439023481,XX,1,12.99,0\n2024-03-04,9780439023481,FR,0,12.99,0\n"
    rejects = tmp_path / "out" / "rejects.csv"
    rejects.parent.mkdir()

    summary = sales_import(path=write(tmp_path, text), skip_invalid=True, rejects=rejects, using=catalogue)

    assert (summary.read, summary.created, summary.rejected) == (5, 3, 2)
    assert sum(Sale.objects.using(catalogue).values_list("amount", flat=True), Decimal("0.00")) == SALES_REVENUE
    with rejects.open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["line", "column", "value", "reason"],
            ["5", "region", "XX", "unknown region code (add it first, or import with --create-missing)"],
            ["6", "quantity", "0", "the quantity must be a positive whole number"],
        ]


@pytest.mark.django_db(databases="__all__")
def test_create_missing_adds_unknown_regions(catalogue: str, tmp_path: Path) -> None:
    path = write(tmp_path, SALES_HEADER + "2024-03-03,9780439023481,XX,1,12.99,0\n")

    summary = sales_import(path=path, create_missing=True, using=catalogue)

    assert (summary.created, Region.objects.using(catalogue).get(code="XX").name) == (1, "XX")


@pytest.mark.django_db(databases="__all__")
def test_sales_by_book_id_with_a_tab_delimiter_and_bom(catalogue: str, tmp_path: Path) -> None:
    book = Book.objects.using(catalogue).get(isbn13="9780439554930")
    text = f"\ufeffDate\tBook ID\tRegion\tQty\tPrice\n2024-01-02\t{book.pk}\tDE\t4\t9.50\n"

    summary = sales_import(path=write(tmp_path, text), using=catalogue)

    sale = Sale.objects.using(catalogue).get()
    assert (summary.created, sale.book_id, sale.amount, sale.discount) == (
        1,
        book.pk,
        Decimal("38.00"),
        Decimal("0.00"),
    )


@pytest.mark.django_db(databases="__all__")
def test_command_refuses_a_rejected_file_with_its_first_errors(catalogue: str, tmp_path: Path) -> None:
    path = write(tmp_path, SALES + "2024-03-03,9780439023481,XX,1,12.99,0\n")

    with pytest.raises(CommandError) as refused:
        call_command("import_sales", str(path), "--database", catalogue, verbosity=0)

    assert str(refused.value) == (
        "1 row(s) rejected, nothing was written (use --skip-invalid to import the valid rows); first: "
        "line 5, column region: unknown region code (add it first, or import with --create-missing) (value 'XX')"
    )
    assert Sale.objects.using(catalogue).count() == 0
    assert (tmp_path / "input.rejects.csv").exists()


@pytest.mark.django_db
def test_command_refuses_a_png_with_one_message(tmp_path: Path) -> None:
    path = tmp_path / "cover.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")

    with pytest.raises(CommandError) as refused:
        call_command("import_books", str(path), verbosity=0)

    assert str(refused.value) == f"{path}: cover.csv is a PNG image, not a CSV file"
    assert Book.objects.count() == 0


@pytest.mark.django_db
def test_command_refuses_a_file_missing_a_needed_column(tmp_path: Path) -> None:
    path = write(tmp_path, "isbn13,name_of_book\n9780439023481,The Hunger Games\n")

    with pytest.raises(CommandError) as refused:
        call_command("import_books", str(path), verbosity=0)

    assert str(refused.value) == (
        f"{path}: the header has no column for title, authors (found: isbn13, name_of_book); "
        "name it with --map column=field"
    )


@pytest.mark.django_db
def test_command_prints_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, PLAIN_BOOKS)

    call_command("import_books", str(path), "--map", "Genre=genre")

    assert capsys.readouterr().out.strip() == "Imported: read 2, created 2, updated 0, unchanged 0, rejected 0"


@pytest.mark.django_db(databases="__all__")
def test_a_crash_part_way_leaves_the_database_as_it_was(
    catalogue: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(catalogue)

    def interrupted(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("books.services.imports._stage_insert", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sales_import(path=write(tmp_path, SALES), create_missing=True, using=catalogue)

    assert snapshot(catalogue) == before


def test_refusals_happen_before_any_database_access(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused) as refused:
        sales_import(path=write(tmp_path, "just one column\n1\n"))

    assert "no delimiter" in str(refused.value)


@pytest.mark.django_db(databases="__all__")
def test_skip_invalid_books_keeps_the_valid_rows(db_alias: str, tmp_path: Path) -> None:
    text = PLAIN_BOOKS + "9780306406157,,Someone,,,1.00,\n"

    summary = books_import(path=write(tmp_path, text), skip_invalid=True, using=db_alias)

    assert (summary.created, summary.rejected, summary.rejects_path) == (2, 1, tmp_path / "input.rejects.csv")
    assert list(Book.objects.using(db_alias).order_by("isbn13").values_list("isbn13", flat=True)) == [
        "9780439023481",
        "9780439554930",
    ]


@pytest.mark.parametrize(
    "written",
    ["0001-01-01", "0001-01-01T00:00:00+01:00", "1899-12-31T12:00:00Z", "9999-12-31T23:59:59-05:00", "9999-12-31"],
    ids=["year-1", "year-1-with-offset", "before-1900", "year-9999-with-offset", "year-9999"],
)
@pytest.mark.django_db(databases="__all__")
def test_a_sale_outside_the_plausible_window_is_a_row_error(catalogue: str, tmp_path: Path, written: str) -> None:
    before = snapshot(catalogue)
    path = write(tmp_path, SALES + f"{written},9780439023481,FR,1,12.99,0\n")

    with pytest.raises(ImportRejected) as rejected:
        sales_import(path=path, using=catalogue)

    latest = date_window().latest.isoformat()
    assert [str(error) for error in rejected.value.summary.errors] == [
        f"line 5, column sold_at: the date is outside the plausible window 1900-01-01 to {latest} "
        f"(FOLIO_EARLIEST_DATE, FOLIO_LATEST_DAYS_AHEAD) (value '{written}')"
    ]
    assert snapshot(catalogue) == before
    rejects = (tmp_path / "input.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[1].startswith(f"5,sold_at,{written},")


HUGE_INTEGER = "9" * 5_000


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            f"2024-03-05,9780439023481,FR,{HUGE_INTEGER},12.99,0",
            "quantity",
            "the quantity must be a positive whole number",
        ),
        (
            f"2024-03-05,9780439023481,FR,1,{HUGE_INTEGER},0",
            "unit_price",
            "not a non-negative amount with at most 2 decimals",
        ),
        (
            "2024-03-05,9780439023481,FR,1,1e999999999,0",
            "unit_price",
            "not a non-negative amount with at most 2 decimals",
        ),
        (
            "2024-03-05,9780439023481,FR,1,12.99,1e-999999999",
            "discount",
            "not a non-negative amount with at most 2 decimals",
        ),
        (
            "2024-03-05,9780439023481,FR,1,12." + "0" * 5_000 + "1,0",
            "unit_price",
            "not a non-negative amount with at most 2 decimals",
        ),
        ("2024-03-05,9780439023481,FR,1,NaN,0", "unit_price", "not a non-negative amount with at most 2 decimals"),
        ("2024-03-05,9780439023481,FR,1,Infinity,0", "unit_price", "not a non-negative amount with at most 2 decimals"),
        ("2024-03-05,9780439023481,FR,1,١٢.٩٩,0", "unit_price", "not a non-negative amount with at most 2 decimals"),
        (f"2024-03-05,{HUGE_INTEGER},FR,1,12.99,0", "isbn", "not a valid ISBN"),
        ("0001-01-01T00:00:00+01:00,9780439023481,FR,1,12.99,0", "sold_at", "the date is outside the plausible window"),
        (
            "99999-01-01,9780439023481,FR,1,12.99,0",
            "sold_at",
            "not a date (YYYY-MM-DD) or a time with its zone (YYYY-MM-DDTHH:MM:SS+HH:MM)",
        ),
    ],
    ids=[
        "5000-digit-quantity",
        "5000-digit-price",
        "huge-exponent",
        "tiny-exponent",
        "5000-decimals",
        "nan",
        "infinity",
        "arabic-indic-digits",
        "5000-digit-isbn",
        "offset-year-1",
        "year-99999",
    ],
)
@pytest.mark.django_db(databases="__all__")
def test_an_unreadable_sale_value_is_a_row_error(
    catalogue: str, tmp_path: Path, row: str, column: str, reason: str
) -> None:
    before = snapshot(catalogue)
    path = write(tmp_path, SALES + row + "\n")

    with pytest.raises(ImportRejected) as rejected:
        sales_import(path=path, using=catalogue)

    assert [(e.line, e.column, e.reason[: len(reason)]) for e in rejected.value.summary.errors] == [(5, column, reason)]
    assert snapshot(catalogue) == before


@pytest.mark.parametrize(
    ("header", "row", "column", "reason"),
    [
        (
            "isbn13,title,authors,original_publication_year",
            "9780306406157,T,A,1e400",
            "original_publication_year",
            "not a year",
        ),
        (
            "isbn13,title,authors,original_publication_year",
            "9780306406157,T,A,inf",
            "original_publication_year",
            "not a year",
        ),
        (
            "isbn13,title,authors,original_publication_year",
            f"9780306406157,T,A,{HUGE_INTEGER}",
            "original_publication_year",
            "not a year",
        ),
        ("isbn13,title,authors,price", "9780306406157,T,A,١٢.50", "price", "not a number"),
        ("isbn13,title,authors,published", "9780306406157,T,A,١٩٩٧", "published", "not a date (YYYY-MM-DD or a year)"),
        (
            "isbn13,title,authors,published",
            "9780306406157,T,A,0001-01-01T00:00:00+01:00",
            "published",
            "not a date (YYYY-MM-DD or a year)",
        ),
    ],
    ids=["year-1e400", "year-inf", "5000-digit-year", "arabic-indic-price", "arabic-indic-year", "offset-time"],
)
@pytest.mark.django_db
def test_an_unreadable_book_value_is_a_row_error(
    tmp_path: Path, header: str, row: str, column: str, reason: str
) -> None:
    path = write(tmp_path, f"{header}\n{row}\n")

    with pytest.raises(ImportRejected) as rejected:
        books_import(path=path)

    assert [(e.line, e.column, e.reason) for e in rejected.value.summary.errors] == [(2, column, reason)]
    assert Book.objects.count() == 0
