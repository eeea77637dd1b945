"""What a sync records as changed, per workspace: from the exported batch of real syncs."""

from datetime import date

import pytest
from django.db.models import Max, Min

from analytics.live.tests.conftest import book_in, sale_on
from analytics.sync import warehouse_sync
from books.models import Region
from books.services.records import sale_delete
from finance.models import Budget, LedgerEntry, StatementLine
from finance.services.generation import FinanceDataSpec, finance_data_generate
from workspaces.models import Workspace
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db


def test_an_incremental_sync_records_each_workspace_s_sales_dates(
    pipeline: None, region: Region, other_workspace: Workspace
) -> None:
    default = workspace_default()
    ours, theirs = book_in(default), book_in(other_workspace)
    warehouse_sync()  # the books, a full first generation
    sale_on(ours, region, "2025-03-09")
    sale_on(ours, region, "2025-03-02")
    sale_on(theirs, region, "2024-12-31")

    generation = warehouse_sync()

    assert generation.changes == {
        str(default.pk): {"sales": {"from": "2025-03-02", "to": "2025-03-09"}},
        str(other_workspace.pk): {"sales": {"from": "2024-12-31", "to": "2024-12-31"}},
    }


def test_a_workspace_with_no_new_rows_is_not_in_the_changes(
    pipeline: None, region: Region, other_workspace: Workspace
) -> None:
    book = book_in(workspace_default())
    warehouse_sync()
    sale_on(book, region, "2025-06-15")

    generation = warehouse_sync()

    assert list(generation.changes) == [str(workspace_default().pk)]


def test_a_full_refresh_changes_every_domain_of_every_workspace_at_any_date(
    pipeline: None, region: Region, other_workspace: Workspace
) -> None:
    sale_on(book_in(workspace_default()), region, "2025-01-01")

    generation = warehouse_sync()

    any_date = {"from": None, "to": None}
    everything = {"sales": any_date, "ledger": any_date, "statement": any_date}
    assert generation.full_refresh
    assert generation.changes == {str(workspace_default().pk): everything, str(other_workspace.pk): everything}


def test_a_deleted_sale_changes_every_workspace_s_sales_at_any_date(
    pipeline: None, region: Region, other_workspace: Workspace
) -> None:
    sale = sale_on(book_in(workspace_default()), region, "2025-01-01")
    warehouse_sync()
    sale_delete(workspace=workspace_default(), sale=sale)

    generation = warehouse_sync()

    any_date = {"from": None, "to": None}
    assert generation.changes == {
        str(workspace_default().pk): {"sales": any_date},
        str(other_workspace.pk): {"sales": any_date},
    }


def test_new_finance_records_change_the_ledger_and_statement_over_their_dates(
    pipeline: None, other_workspace: Workspace
) -> None:
    finance_data_generate(spec=FinanceDataSpec(entries=50, years=1, seed=3, end_date=date(2025, 12, 31)))
    warehouse_sync()
    known = {model: set(model.objects.values_list("pk", flat=True)) for model in (LedgerEntry, Budget, StatementLine)}
    finance_data_generate(spec=FinanceDataSpec(entries=30, years=2, seed=4, end_date=date(2024, 6, 30)))

    generation = warehouse_sync()

    def added(model: type[LedgerEntry | Budget | StatementLine], column: str) -> tuple[object, object]:
        bounds = model.objects.exclude(pk__in=known[model]).aggregate(first=Min(column), last=Max(column))
        return bounds["first"], bounds["last"]

    (first_day, last_day), (first_year, last_year) = added(LedgerEntry, "entry_date"), added(Budget, "fiscal_year")
    days = [day for day in (first_day, last_day) if isinstance(day, date)]
    days += [date(year, 1, 1) for year in (first_year,) if isinstance(year, int)]
    days += [date(year, 12, 31) for year in (last_year,) if isinstance(year, int)]
    exercices = added(StatementLine, "exercice")
    assert generation.changes == {
        str(workspace_default().pk): {
            "ledger": {"from": min(days).isoformat(), "to": max(days).isoformat()},
            "statement": {"from": f"{exercices[0]}-01-01", "to": f"{exercices[1]}-12-31"},
        }
    }


def test_an_edited_book_changes_its_workspace_s_sales_at_any_date(
    pipeline: None, region: Region, other_workspace: Workspace
) -> None:
    book = book_in(other_workspace)
    sale_on(book, region, "2025-01-01")
    warehouse_sync()
    book.title = "A new title"
    book.save()  # as the admin saves it: updated_at moves

    generation = warehouse_sync()

    assert generation.changes == {str(other_workspace.pk): {"sales": {"from": None, "to": None}}}
