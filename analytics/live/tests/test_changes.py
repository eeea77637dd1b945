"""What a sync records as changed, per workspace: from the exported batch of real syncs."""

import pytest

from analytics.live.tests.conftest import book_in, sale_on
from analytics.sync import warehouse_sync
from books.models import Region
from books.services.records import sale_delete
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
