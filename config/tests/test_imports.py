"""The shared CSV import framework on hand-made files: sniffing, streaming, row errors, rejects."""

import csv
from pathlib import Path

import pytest

from config.imports import (
    ImportRefused,
    ImportRejected,
    ImportSummary,
    RowError,
    columns_map,
    csv_rows,
    csv_sniff,
    import_finish,
    mapping_parse,
)


def write(tmp_path: Path, data: bytes, name: str = "input.csv") -> Path:
    """A file holding exactly these bytes."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_all(path: Path) -> tuple[list[tuple[int, dict[str, str]]], ImportSummary]:
    """Every yielded row and the summary the reader filled."""
    summary = ImportSummary()
    rows = list(csv_rows(csv_sniff(path), summary))
    return rows, summary


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter"),
    [
        ("Name,City\nRenée,Zürich\n".encode(), "utf-8", ","),
        (b"\xef\xbb\xbfName,City\nRen\xc3\xa9e,Z\xc3\xbcrich\n", "utf-8-sig", ","),
        ("Name;City\nRenée;Zürich\n".encode("latin-1"), "latin-1", ";"),
        ("Name\tCity\nRenée\tZürich\n".encode(), "utf-8", "\t"),
        ("Name|City\nRenée|Zürich\n".encode(), "utf-8", "|"),
    ],
    ids=["utf8", "utf8-bom", "latin1-semicolon", "tab", "pipe"],
)
def test_encoding_and_delimiter_are_detected(tmp_path: Path, data: bytes, encoding: str, delimiter: str) -> None:
    path = write(tmp_path, data)

    layout = csv_sniff(path)
    rows, summary = read_all(path)

    assert (layout.encoding, layout.delimiter, layout.header) == (encoding, delimiter, ("name", "city"))
    assert rows == [(2, {"name": "Renée", "city": "Zürich"})]
    assert (summary.read, summary.errors) == (1, [])


def test_header_is_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, b" Unit Price ,ISBN 13,Sold  At\n1.50,9780439023481,2024-01-01\n")

    assert csv_sniff(path).header == ("unit_price", "isbn_13", "sold_at")


def test_line_numbers_are_physical_lines(tmp_path: Path) -> None:
    path = write(tmp_path, b'title,price\n"Two\nlines",1.00\n\nnext,2.00\n')

    rows, _ = read_all(path)

    assert rows == [(2, {"title": "Two\nlines", "price": "1.00"}), (5, {"title": "next", "price": "2.00"})]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "input.csv is a PNG image, not a CSV file"),
        (
            b"PK\x03\x04\x14\x00\x00\x00",
            "input.csv is a ZIP archive (XLSX and ODS spreadsheets are ZIP archives too), not a CSV file",
        ),
        (b"a,b\n\x00\x01\x02,3\n", "input.csv is a binary file (it contains NUL bytes), not a CSV file"),
        (
            b"just one column\nvalue\n",
            (
                "input.csv is not a CSV file this importer reads: no delimiter (comma, semicolon, tab or pipe) "
                "found in its first line"
            ),
        ),
        (b"", "input.csv is empty"),
        (
            b"2024-01-01,12.50,3\n2024-01-02,1.00,1\n",
            "input.csv has no header: its first line holds values (2024-01-01, 12.50, 3…)",
        ),
        (b"a,,c\n1,2,3\n", "input.csv: the header has an empty column name (column 2)"),
        (b"A,a\n1,2\n", "input.csv: the header names a column twice: a"),
    ],
    ids=["png", "zip", "nul", "one-column", "empty", "no-header", "empty-name", "duplicate-name"],
)
def test_files_that_are_not_csv_are_refused_with_one_message(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, data)

    with pytest.raises(ImportRefused) as refused:
        csv_sniff(path)

    assert str(refused.value) == message


def test_truncated_last_line_is_a_row_error(tmp_path: Path) -> None:
    path = write(tmp_path, b"date,region,quantity\n2024-01-01,FR,1\n2024-01-02,DE")

    rows, summary = read_all(path)

    assert rows == [(2, {"date": "2024-01-01", "region": "FR", "quantity": "1"})]
    assert summary.errors == [
        RowError(3, "region", "2024-01-02,DE", "has 2 fields, the header has 3 (the last line is cut short)")
    ]
    assert summary.read == 2


def test_unterminated_quote_at_the_end_is_a_row_error(tmp_path: Path) -> None:
    path = write(tmp_path, b'title,price\nok,1.00\n"never closed,2.00\n')

    rows, summary = read_all(path)

    assert rows == [(2, {"title": "ok", "price": "1.00"})]
    assert summary.errors == [RowError(3, "", "", "not valid CSV: unexpected end of data")]


def test_wrong_field_count_in_the_middle_is_a_row_error(tmp_path: Path) -> None:
    path = write(tmp_path, b"a,b\n1,2\n1,2,3\n4,5\n")

    rows, summary = read_all(path)

    assert [line for line, _ in rows] == [2, 4]
    assert summary.errors == [RowError(3, "b", "1,2,3", "has 3 fields, the header has 2")]


def test_oversized_field_is_a_row_error(tmp_path: Path) -> None:
    path = write(tmp_path, b"title,price\n" + b"x" * 10_001 + b",1.00\nshort,2.00\n")

    rows, summary = read_all(path)

    assert rows == [(3, {"title": "short", "price": "2.00"})]
    assert [(e.line, e.column, e.reason) for e in summary.errors] == [
        (2, "title", "longer than 10,000 characters (10,001)")
    ]


FORMULA_REASON = "starts like a spreadsheet formula (=, +, -, @, tab or carriage return; - only before a plain number)"


@pytest.mark.parametrize(
    "cell",
    [
        "=cmd|' /C calc'!A0",
        "+SUM(A1)",
        "@SUM(A1)",
        "-cmd",
        "  =1+1",
        '-2+3+HYPERLINK(""http://evil"",""x"")',
        "-1+1+cmd|' /C calc'!A0",
        "-1+1",
        "-5*2",
        "\t=1+1",
        "\r-1+1",
        "\u00a0=1+1",
        "-2 +3",
    ],
)
def test_formula_cells_are_row_errors(tmp_path: Path, cell: str) -> None:
    path = write(tmp_path, f'title,price\n"{cell}",1.00\n'.encode())

    rows, summary = read_all(path)

    assert rows == []
    assert summary.errors == [RowError(2, "title", cell.strip().replace('""', '"'), FORMULA_REASON)]


@pytest.mark.parametrize(
    "cell", ["-12.50", "-.5", "-1 234,56", "-0,10", "-1,234.56", "2024-01-01", "2024-01-01T10:00:00+02:00", "a-b"]
)
def test_negative_numbers_and_dates_are_not_formulas(tmp_path: Path, cell: str) -> None:
    path = write(tmp_path, f'title,price\n"{cell}",1.00\n'.encode())

    rows, summary = read_all(path)

    assert rows == [(2, {"title": cell, "price": "1.00"})]
    assert summary.errors == []


def test_every_text_cell_of_the_rejects_file_is_defused(tmp_path: Path) -> None:
    source = write(tmp_path, b"a,b\n1,2\n")
    summary = ImportSummary(read=4)
    summary.reject(RowError(2, "@col", '-2+3+HYPERLINK("http://evil")', "=reason"))
    summary.reject(RowError(3, "b", "-12.50", "+reason"))
    summary.reject(RowError(4, "b", "\t-1+1+cmd|' /C calc'!A0", "not a number"))

    import_finish(summary, skip_invalid=True, rejects=None, source=source)

    with (tmp_path / "input.rejects.csv").open(newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["line", "column", "value", "reason"],
            ["2", "'@col", '\'-2+3+HYPERLINK("http://evil")', "'=reason"],
            ["3", "b", "'-12.50", "'+reason"],
            ["4", "b", "'\t-1+1+cmd|' /C calc'!A0", "not a number"],
        ]


def test_columns_map_uses_aliases_and_overrides() -> None:
    fields = {"isbn13": ("isbn_13", "ean"), "title": ("name",), "price": ()}

    found = columns_map(("ean", "name", "cost"), fields=fields, overrides=mapping_parse(["Cost=price"]))

    assert found == {"price": "cost", "isbn13": "ean", "title": "name"}


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["cost"], "--map 'cost' is not of the form column=field"),
        (["nope=price"], "--map names column 'nope', which the header does not have: ean, cost"),
        (["cost=colour"], "--map names field 'colour'; the fields are: isbn13, price"),
    ],
)
def test_bad_mappings_are_refused(pairs: list[str], message: str) -> None:
    with pytest.raises(ImportRefused) as refused:
        columns_map(("ean", "cost"), fields={"isbn13": ("ean",), "price": ()}, overrides=mapping_parse(pairs))

    assert str(refused.value) == message


def test_rejected_rows_write_the_rejects_file_and_refuse_the_import(tmp_path: Path) -> None:
    source = write(tmp_path, b"a,b\n1,2\n")
    summary = ImportSummary(read=3, created=2)
    summary.reject(RowError(3, "b", "=1+1", "starts like a spreadsheet formula"))

    with pytest.raises(ImportRejected):
        import_finish(summary, skip_invalid=False, rejects=None, source=source)

    with (tmp_path / "input.rejects.csv").open(newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["line", "column", "value", "reason"],
            ["3", "b", "'=1+1", "starts like a spreadsheet formula"],
        ]
    assert summary.lines() == [
        "nothing written: read 3, created 0, updated 0, unchanged 0, rejected 1",
        "  line 3, column b: starts like a spreadsheet formula (value '=1+1')",
        f"all rejected rows: {tmp_path / 'input.rejects.csv'}",
    ]


def test_skip_invalid_keeps_the_counts_and_writes_the_rejects(tmp_path: Path) -> None:
    source = write(tmp_path, b"a,b\n1,2\n")
    summary = ImportSummary(read=2, created=1)
    summary.reject(RowError(3, "a", "x", "not a number"))

    import_finish(summary, skip_invalid=True, rejects=tmp_path / "out.csv", source=source)

    assert summary.lines()[0] == "imported: read 2, created 1, updated 0, unchanged 0, rejected 1"
    assert summary.rejects_path == tmp_path / "out.csv"
    assert (tmp_path / "out.csv").read_text().splitlines()[1] == "3,a,x,not a number"
