"""Renderers: JSON with exact decimals, and CSV / XLSX of a table endpoint's rows.

Spreadsheet cells hold real dates and numbers (money with two decimals, ratios as
percentages); text that a spreadsheet would run as a formula is defused: a leading
apostrophe in CSV, a string cell (never a formula) with Excel's quote prefix in XLSX.
"""

import csv
import io
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from config.spreadsheet import FORMULA_START, spreadsheet_defuse

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# What an answer's row holds.
CellValue = str | int | float | Decimal | date | datetime | None


class ExactJSONEncoder(JSONEncoder):
    """DRF's encoder, except that a Decimal stays exact (a string) instead of a float."""

    def default(self, obj: object) -> object:
        """Decimals as strings; everything else as DRF does it."""
        if isinstance(obj, Decimal):
            return str(obj)
        return super().default(obj)


class ExactJSONRenderer(JSONRenderer):
    """JSON where money never passes through a float."""

    encoder_class = ExactJSONEncoder


def cell_text(value: object) -> object:
    """A value as a CSV cell: text that starts like a formula gets a leading apostrophe."""
    if isinstance(value, str):
        return spreadsheet_defuse(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None:
        return ""
    return value


def _table(data: object, renderer_context: Mapping[str, Any]) -> tuple[list[str], list[dict[str, CellValue]]]:
    view = renderer_context.get("view")
    rows = data.get("results", []) if isinstance(data, dict) else []
    columns = list(rows[0]) if rows else list(getattr(view, "columns", ()))
    return columns, rows


def export_filename(data: object, renderer_context: Mapping[str, Any], extension: str) -> str:
    """The download's name: endpoint and generation, e.g. folio-top-books-g3.xlsx."""
    view = renderer_context.get("view")
    endpoint = getattr(view, "endpoint", "export").replace("/", "-")
    generation = data.get("generation") if isinstance(data, dict) else None
    return f"folio-{endpoint}-g{generation}.{extension}"


class CSVRenderer(BaseRenderer):
    """The rows of a table endpoint as CSV (UTF-8, header row)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: object, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        """CSV bytes, offered as a download."""
        renderer_context = renderer_context or {}
        columns, rows = _table(data, renderer_context)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell_text(row.get(column)) for column in columns])
        response = renderer_context.get("response")
        if response is not None:
            filename = export_filename(data, renderer_context, "csv")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return buffer.getvalue().encode("utf-8")


class XLSXRenderer(BaseRenderer):
    """The rows of a table endpoint as an Excel workbook, with an "About" sheet saying what
    the data is (endpoint, parameters, generation, as of)."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self, data: object, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        """XLSX bytes, offered as a download."""
        renderer_context = renderer_context or {}
        columns, rows = _table(data, renderer_context)
        view = renderer_context.get("view")
        ratios = set(getattr(view, "ratio_columns", ()))
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(getattr(view, "endpoint", "data").replace("/", "-")[:31])
        sheet.append(columns)
        for row in rows:
            sheet.append([self._cell(sheet, column, row.get(column), ratios) for column in columns])
        about = workbook.create_sheet("About")
        if isinstance(data, dict):
            about.append(["endpoint", getattr(view, "endpoint", "")])
            about.append(["generation", data.get("generation")])
            about.append(["as_of", str(data.get("as_of") or "")])
            about.append(["params", json.dumps(data.get("params", {}), cls=ExactJSONEncoder, sort_keys=True)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = renderer_context.get("response")
        if response is not None:
            filename = export_filename(data, renderer_context, "xlsx")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return buffer.getvalue()

    @staticmethod
    def _cell(sheet: "WriteOnlyWorksheet", column: str, value: CellValue, ratios: set[str]) -> Cell:
        if isinstance(value, str):
            # XML 1.0 cannot hold most control characters, and openpyxl refuses them (a 500) rather
            # than drop them; an imported or admin-typed title may hold one.
            value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
        cell = WriteOnlyCell(sheet)
        cell.value = value  # set apart: the stubs type WriteOnlyCell(value=) without Decimal and date
        if isinstance(value, str):
            # openpyxl makes any text starting with "=" a formula; the text is data, exactly as stored.
            cell.data_type = "s"
            cell.quotePrefix = value.startswith(FORMULA_START)
        elif isinstance(value, Decimal):
            cell.number_format = "0.00%" if column in ratios else "#,##0.00"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        return cell


# The formats that are files to download: rendered once per generation, capped in rows, and
# charged more than one request by the throttle.
EXPORT_FORMATS = frozenset({CSVRenderer.format, XLSXRenderer.format})
