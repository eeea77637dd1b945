"""The CSV import framework books and finance share: sniff a file, stream its rows, collect errors.

An importer uses it in five steps (all names below are stable; finance relies on them):

1. `layout = csv_sniff(path)` finds the encoding (BOM, else a full UTF-8 decode test, else
   Latin-1), the delimiter (`csv.Sniffer` on the first 64 KB, restricted to `, ; TAB |`),
   and the normalised header (lowercase, stripped, spaces to underscores). Files that are
   not CSV (binary such as PNG, ZIP, PDF; a single column; no header; an empty file) raise
   `ImportRefused` with one message, before anything is read or written.
2. `columns = columns_map(layout.header, fields=ALIASES, overrides=mapping_parse(["col=field"]))`
   names the column holding each field the importer knows, applying `--map` overrides first.
3. `for line, row in csv_rows(layout, summary):` streams rows as dicts keyed by the
   normalised header, with the physical line number of the row's first line. Rows that
   are broken as CSV (wrong number of fields, a truncated last line, an unterminated quote),
   that hold a cell over 10,000 characters, or a cell that a spreadsheet would run as a
   formula (`=`, `+`, `-`, `@`, tab or carriage return first; only a plain negative number
   may start with `-`) are not yielded: they are recorded in the summary as a
   `RowError(line, column, value, reason)`. Numeric fields are then parsed as numbers by
   the importer, so a formula never reaches a text column nor the database.
4. The importer validates its own fields, calling `summary.reject(RowError(...))` for a bad
   row and counting `summary.read / created / updated / unchanged`.
5. Inside the import's one transaction it calls `import_finish(summary, skip_invalid=…,
   rejects=…)`: when rows were rejected it writes the rejects CSV (line, column, value,
   reason; every cell defused for spreadsheets) and, unless `skip_invalid`, raises
   `ImportRejected` so that the transaction rolls back and nothing is written.
   `summary.lines()` is the command's final report.
"""

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from config.spreadsheet import formula_like, spreadsheet_defuse

SNIFF_BYTES = 65_536
READ_CHUNK = 1 << 20
DELIMITERS = ",;\t|"
MAX_CELL = 10_000
# Well past MAX_CELL so that an oversized cell becomes a row error, not a csv.Error that
# loses the reader's place; csv's own default (128 KB) would stop the whole file.
CSV_FIELD_LIMIT = 16 * 1024 * 1024
SHOWN_ERRORS = 10
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"PK\x03\x04", "a ZIP archive (XLSX and ODS spreadsheets are ZIP archives too)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (XLS)"),
)
FORMULA_REASON = "starts like a spreadsheet formula (=, +, -, @, tab or carriage return; - only before a plain number)"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


class ImportRefused(Exception):
    """The file as a whole cannot be imported (not CSV, no header, missing columns); nothing was read."""


@dataclass(frozen=True)
class RowError:
    """Why one row was rejected: its physical line, the column (normalised name), the value, the reason."""

    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        column = f", column {self.column}" if self.column else ""
        return f"line {self.line}{column}: {self.reason} (value {_shorten(self.value)!r})"


@dataclass
class ImportSummary:
    """What an import read and did; `rejected` counts rows, `errors` says why each was rejected."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejects_path: Path | None = None
    written: bool = False

    @property
    def rejected(self) -> int:
        """Rows rejected (one error is kept per row)."""
        return len(self.errors)

    def counts(self) -> dict[str, int]:
        """The counts alone, as the audit trail records an import."""
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }

    def reject(self, error: RowError) -> None:
        """Record a rejected row."""
        self.errors.append(error)

    def lines(self) -> list[str]:
        """The final report: counts, the first errors, where the full list went."""
        verdict = "imported" if self.written else "nothing written"
        lines = [
            (
                f"{verdict}: read {self.read:,}, created {self.created:,}, updated {self.updated:,}, "
                f"unchanged {self.unchanged:,}, rejected {self.rejected:,}"
            )
        ]
        lines += [f"  {error}" for error in sorted(self.errors, key=lambda e: e.line)[:SHOWN_ERRORS]]
        if self.rejected > SHOWN_ERRORS:
            lines.append(f"  … and {self.rejected - SHOWN_ERRORS:,} more")
        if self.rejects_path is not None and self.errors:
            lines.append(f"all rejected rows: {self.rejects_path}")
        return lines


class ImportRejected(Exception):
    """Rows were rejected and --skip-invalid was not given: the import's transaction rolls back."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__(f"{summary.rejected:,} row(s) rejected; nothing was written")
        self.summary = summary


@dataclass(frozen=True)
class CsvLayout:
    """How a file is written: what `csv_sniff` found."""

    path: Path
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    lines: int  # physical lines, header included: the progress bar's total


class Progress(Protocol):
    """Where an import reports how far it got (the generator's protocol, reused)."""

    def start(self, stage: str, total: int) -> None:
        """A stage of `total` rows begins."""

    def advance(self, rows: int) -> None:
        """`rows` more rows are done."""


class SilentProgress:
    """Progress that goes nowhere (tests, tasks)."""

    def start(self, stage: str, total: int) -> None:
        """Ignore the stage."""

    def advance(self, rows: int) -> None:
        """Ignore the rows."""


def header_normalise(name: str) -> str:
    """`" Unit Price "` → `unit_price`: lowercase, stripped, inner spaces to underscores."""
    return re.sub(r"\s+", "_", name.strip().lower())


def csv_sniff(path: Path | str) -> CsvLayout:
    """Find a CSV file's encoding, delimiter and header, or raise ImportRefused saying why not."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror}") from None
    if not head.strip():
        raise ImportRefused(f"{path.name} is empty")
    for signature, what in BINARY_SIGNATURES:
        if head.startswith(signature):
            raise ImportRefused(f"{path.name} is {what}, not a CSV file")
    if b"\x00" in head:
        raise ImportRefused(f"{path.name} is a binary file (it contains NUL bytes), not a CSV file")
    encoding, lines = _encoding_detect(path, head)
    text = head.decode(encoding, errors="ignore")
    if encoding == "utf-8-sig":
        text = text.removeprefix("\ufeff")
    # Sniff whole lines only: a sample cut inside a quoted field misleads csv.Sniffer.
    if len(head) == SNIFF_BYTES and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    delimiter = _delimiter_detect(text, path.name)
    header_cells = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = tuple(header_normalise(cell) for cell in header_cells)
    if "" in header:
        raise ImportRefused(f"{path.name}: the header has an empty column name (column {header.index('') + 1})")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise ImportRefused(f"{path.name}: the header names a column twice: {', '.join(duplicates)}")
    if all(_looks_like_data(cell) for cell in header_cells):
        raise ImportRefused(f"{path.name} has no header: its first line holds values ({', '.join(header_cells[:3])}…)")
    return CsvLayout(path=path, encoding=encoding, delimiter=delimiter, header=header, lines=lines)


def _encoding_detect(path: Path, head: bytes) -> tuple[str, int]:
    """UTF-8 with BOM, UTF-8, else Latin-1 (which decodes any byte); also counts lines."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportRefused(f"{path.name} is UTF-16: save it as UTF-8 (or Latin-1) CSV")
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, lines = True, 0
    with path.open("rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            lines += chunk.count(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if head.startswith(codecs.BOM_UTF8):
        if not utf8:
            raise ImportRefused(f"{path.name} starts with a UTF-8 mark but is not valid UTF-8")
        return "utf-8-sig", lines
    return ("utf-8" if utf8 else "latin-1"), lines


def _delimiter_detect(text: str, name: str) -> str:
    first_line = text.splitlines()[0] if text else ""
    try:
        delimiter = csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        # The Sniffer wants consistent counts over several lines; a one-row file or a ragged
        # file fails it, so fall back to the delimiter the header line uses most.
        counts = {candidate: first_line.count(candidate) for candidate in DELIMITERS}
        delimiter = max(counts, key=counts.__getitem__)
        if counts[delimiter] == 0:
            delimiter = ""
    if not delimiter or delimiter not in first_line:
        raise ImportRefused(
            f"{name} is not a CSV file this importer reads: no delimiter (comma, semicolon, tab or pipe) "
            "found in its first line"
        )
    return delimiter


def _looks_like_data(cell: str) -> bool:
    """A header cell is a name; numbers and dates mean the first line is already a record."""
    return bool(re.fullmatch(r"[\s\d.,:+\-/]*", cell))


def mapping_parse(pairs: Sequence[str]) -> dict[str, str]:
    """`["ISBN Code=isbn13", …]` (the `--map` option) → `{"isbn_code": "isbn13"}`, or ImportRefused."""
    mapping = {}
    for pair in pairs:
        column, equals, target = pair.partition("=")
        if not equals or not column.strip() or not target.strip():
            raise ImportRefused(f"--map {pair!r} is not of the form column=field")
        mapping[header_normalise(column)] = header_normalise(target)
    return mapping


def columns_map(
    header: Sequence[str], *, fields: Mapping[str, Sequence[str]], overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The column holding each known field: `fields` maps a field to the header names it goes by
    (its own name first), `overrides` maps a column to a field and wins over the names.
    Fields absent from the header are absent from the answer; unknown columns are ignored."""
    overrides = overrides or {}
    for column, target in overrides.items():
        if column not in header:
            raise ImportRefused(f"--map names column {column!r}, which the header does not have: {', '.join(header)}")
        if target not in fields:
            raise ImportRefused(f"--map names field {target!r}; the fields are: {', '.join(fields)}")
    found = {target: column for column, target in overrides.items()}
    taken = set(overrides)
    for target, names in fields.items():
        if target in found:
            continue
        for name in (target, *names):
            if name in header and name not in taken:
                found[target] = name
                taken.add(name)
                break
    return found


class RowRefused(Exception):
    """One field of one row is wrong; carries the RowError the import records."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


class RowChecker:
    """Reads the fields of one row through the matched columns and keeps the first reason to refuse it."""

    def __init__(self, *, line: int, row: Mapping[str, Any], columns: Mapping[str, str]) -> None:
        self.line = line
        self.row = row
        self.columns = columns
        self.error: RowError | None = None

    def raw(self, field: str) -> Any:
        """The row's value for a field; None when the file has no such column."""
        column = self.columns.get(field)
        return None if column is None else self.row.get(column)

    def present(self, field: str) -> bool:
        """Whether the row has a non-blank value for the field."""
        value = self.raw(field)
        return value is not None and str(value).strip() != ""

    def get(self, field: str, parse: Callable[[Any], Any]) -> Any:
        """The parsed value, or None after recording why it was refused."""
        value = self.raw(field)
        try:
            return parse("" if value is None else value)
        except ValueError as error:
            self.fail(field, value, str(error))
            return None

    def text(self, field: str) -> str:
        """The row's value for a field as text; "" when the file has no such column."""
        value = self.raw(field)
        return "" if value is None else str(value)

    def refused(self, field: str, reason: str) -> "RowRefused":
        """The exception that refuses the whole row at once for the field's current value
        (importers that stop at the first wrong field raise it; the others call `fail`)."""
        return RowRefused(RowError(self.line, self.columns.get(field, field), self.text(field), reason))

    def fail(self, field: str, value: Any, reason: str) -> None:
        """Refuse the row for the field's value (the framework keeps one error per row: the first)."""
        if self.error is None:
            value_text = "" if value is None else str(value)
            self.error = RowError(self.line, self.columns.get(field, field), value_text, reason)


def cell_check(line: int, column: str, value: str) -> RowError | None:
    """A cell too long to be a real value, one a spreadsheet would run as a formula, or one holding
    a NUL (JSON can carry one; PostgreSQL text cannot store it)."""
    if "\x00" in value:
        return RowError(line, column, value.replace("\x00", "\N{SYMBOL FOR NULL}"), "contains a NUL character")
    if len(value) > MAX_CELL:
        return RowError(line, column, value, f"longer than {MAX_CELL:,} characters ({len(value):,})")
    if formula_like(value):
        return RowError(line, column, value, FORMULA_REASON)
    return None


def csv_rows(layout: CsvLayout, summary: ImportSummary) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream the data rows as `(line, {column: stripped value})`; broken rows go to `summary`.

    Every record is counted in `summary.read`, yielded or not. A blank line is skipped. A
    quote left open at the end of the file rejects that record and ends the file.
    """
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    width = len(layout.header)
    with layout.path.open(encoding=layout.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=layout.delimiter, strict=True)
        try:
            next(reader)
        except csv.Error as error:
            raise ImportRefused(f"{layout.path.name}: the header line is not valid CSV ({error})") from None
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                summary.read += 1
                summary.reject(RowError(line, "", "", f"not valid CSV: {error}"))
                return
            start, line = line, reader.line_num + 1
            if not cells or cells == [""]:
                continue
            summary.read += 1
            if len(cells) != width:
                where = " (the last line is cut short)" if line > layout.lines + 1 and len(cells) < width else ""
                summary.reject(
                    RowError(
                        start,
                        layout.header[min(len(cells), width) - 1],
                        layout.delimiter.join(cells),
                        f"has {len(cells)} fields, the header has {width}{where}",
                    )
                )
                continue
            row = dict(zip(layout.header, (cell.strip() for cell in cells), strict=True))
            bad_cell = next(
                (problem for column, value in row.items() if (problem := cell_check(start, column, value))), None
            )
            if bad_cell is not None:
                summary.reject(bad_cell)
                continue
            yield start, row


def rejects_write(path: Path | str, errors: Sequence[RowError]) -> Path:
    """Write the rejected rows as CSV (line, column, value, reason), values defused for spreadsheets."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "column", "value", "reason"])
        for error in sorted(errors, key=lambda e: e.line):
            # Column names and reasons can hold the file's own text too: every cell is defused.
            cells = (error.column, error.value[:MAX_CELL], error.reason)
            writer.writerow([error.line, *(spreadsheet_defuse(cell) for cell in cells)])
    return path


def rejects_default_path(source: Path | str) -> Path:
    """`sales.csv` → `sales.rejects.csv`, next to the input."""
    source = Path(source)
    return source.with_name(f"{source.stem}.rejects.csv")


def import_finish(summary: ImportSummary, *, skip_invalid: bool, rejects: Path | str | None, source: Path) -> None:
    """The all-or-nothing rule: with rejected rows, write the rejects CSV, then raise
    ImportRejected (so the caller's transaction rolls back) unless `skip_invalid`."""
    if summary.errors:
        summary.rejects_path = rejects_write(rejects or rejects_default_path(source), summary.errors)
        if not skip_invalid:
            summary.created = summary.updated = summary.unchanged = 0
            raise ImportRejected(summary)
    summary.written = True


def _shorten(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else f"{value[:limit]}…"
