"""CSV and XLSX exports of warehouse text: a title a spreadsheet would run stays inert text."""

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings
from openpyxl import load_workbook
from rest_framework.test import APIClient

from analytics.sync import warehouse_sync
from analytics.tests.members import member_user
from books.models import Book
from books.services.generation import SalesDataSpec, sales_data_generate

pytestmark = pytest.mark.django_db
PAYLOADS = [
    '=HYPERLINK("http://evil","x")',
    '-2+3+HYPERLINK("http://evil","x")',
    "-1+1+cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r-1+1",
]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[APIClient]:
    """20 books and 400 sales published in a warehouse of the test's own; a logged-in analyst."""
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        cache.clear()
        sales_data_generate(spec=SalesDataSpec(books=20, sales=400, seed=3, years=1, end_date=date(2025, 12, 31)))
        warehouse_sync()
        api = APIClient()
        api.force_login(member_user("analyst", password="analyst-password"))
        yield api
        cache.clear()


def best_book_titled(client: APIClient, title: str) -> None:
    """Give the best-selling book this title and publish it."""
    best = client.get("/api/analytics/top-books?limit=1").json()["results"][0]
    Book.objects.filter(pk=best["book_id"]).update(title=title, updated_at=datetime.now().astimezone())
    warehouse_sync()


@pytest.mark.parametrize("title", PAYLOADS)
def test_csv_export_defuses_every_formula_start(client: APIClient, title: str) -> None:
    best_book_titled(client, title)

    response = client.get("/api/analytics/top-books?limit=1&format=csv")

    assert next(csv.DictReader(io.StringIO(response.content.decode(), newline="")))["title"] == f"'{title}"


@pytest.mark.parametrize("title", PAYLOADS)
def test_xlsx_export_writes_formula_like_text_as_a_string_cell(client: APIClient, title: str) -> None:
    best_book_titled(client, title)

    response = client.get("/api/analytics/top-books?limit=1&format=xlsx")

    sheet = load_workbook(io.BytesIO(response.content))["top-books"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("title") + 1)
    assert (cell.value, cell.data_type) == (title, "s")


@pytest.mark.parametrize(
    ("title", "shown"), [("A\x01B", "A\N{REPLACEMENT CHARACTER}B"), ("\x1b[31mRed", "\N{REPLACEMENT CHARACTER}[31mRed")]
)
def test_an_xlsx_export_of_text_with_control_characters_answers_with_them_replaced(
    client: APIClient, title: str, shown: str
) -> None:
    best_book_titled(client, title)  # an importer or the admin stores such a title as it came

    response = client.get("/api/analytics/top-books?limit=1&format=xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["top-books"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=header.index("title") + 1).value == shown
