"""Exports cost what they are worth: a file is rendered once per generation and parameters,
is capped in rows with a message naming the limit, and counts for more in the throttle."""

import io
from typing import Any

import pytest
from django.test import override_settings
from openpyxl import load_workbook
from rest_framework.test import APIClient

from analytics.api.renderers import XLSXRenderer
from analytics.api.throttling import PerUserThrottle
from analytics.sync import warehouse_sync
from books.models import Sale
from books.services.records import sale_delete
from workspaces.services import workspace_default

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

A_YEAR_OF_DAYS = "/api/analytics/timeseries?granularity=day&start=2025-01-01&end=2026-01-01"


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the XLSX renderings (the renderer itself runs unchanged)."""
    counted: list[int] = []
    render = XLSXRenderer.render

    def counting(self: XLSXRenderer, *args: Any, **kwargs: Any) -> bytes:
        counted.append(1)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(XLSXRenderer, "render", counting)
    return counted


def test_a_repeated_xlsx_export_is_rendered_once_per_generation(
    client: APIClient, shop: None, renders: list[int]
) -> None:
    first = client.get(f"{A_YEAR_OF_DAYS}&format=xlsx")
    second = client.get(f"{A_YEAR_OF_DAYS}&format=xlsx")
    sale_delete(workspace=workspace_default(), sale=Sale.objects.filter(sold_at__year=2025).order_by("pk")[0])
    warehouse_sync()
    third = client.get(f"{A_YEAR_OF_DAYS}&format=xlsx")

    sheet = load_workbook(io.BytesIO(second.content)).worksheets[0]
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 200)
    assert (first["X-Cache"], second["X-Cache"], third["X-Cache"]) == ("MISS", "HIT", "MISS")
    assert second.content == first.content
    assert second["Content-Disposition"] == 'attachment; filename="folio-timeseries-g1.xlsx"'
    assert third["Content-Disposition"] == 'attachment; filename="folio-timeseries-g2.xlsx"'
    assert sheet.max_row == 1 + 365
    assert len(renders) == 2


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_an_export_over_the_row_limit_is_a_400_naming_the_limit(client: APIClient, shop: None, export: str) -> None:
    with override_settings(API_EXPORT_MAX_ROWS=100):
        response = client.get(f"{A_YEAR_OF_DAYS}&format={export}")
        as_json = client.get(A_YEAR_OF_DAYS)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "This export would have 365 rows; exports are limited to 100 rows (API_EXPORT_MAX_ROWS)."
        " Ask for a shorter period, a coarser granularity or fewer rows."
    }
    assert (as_json.status_code, len(as_json.json()["results"])) == (200, 365)


def test_an_export_counts_for_ten_requests_in_the_throttle(
    client: APIClient, shop: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PerUserThrottle, "THROTTLE_RATES", {"user": "25/min"})

    exports = [client.get(f"{A_YEAR_OF_DAYS}&format=csv").status_code for _ in range(2)]
    answers = [client.get(A_YEAR_OF_DAYS).status_code for _ in range(6)]

    assert exports == [200, 200]
    assert answers == [200, 200, 200, 200, 200, 429]
