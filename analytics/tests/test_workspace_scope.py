"""Workspaces in the warehouse: two workspaces generated with different seeds, on every
backend. Every question's answer for a workspace equals the source filtered by that
workspace; a scope limited to some regions or departments gets exactly their rows; an answer
or a rendered export cached for one scope is never served to another."""

import io
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from rest_framework.exceptions import ValidationError

from analytics import runner
from analytics.queries import summary
from analytics.queries.base import Period, Source
from analytics.queries.sales_filters import SalesFilters
from analytics.questions.ask import ask
from analytics.questions.warm import DASHBOARD_DEFAULTS, dashboard_warm
from analytics.sync import warehouse_sync
from analytics.tests.conftest import _postgres_warehouse_empty, postgres_warehouse, published_generation
from analytics.tests.test_redshift import redshift, s3_endpoint  # noqa: F401  the Redshift stand-in's fixtures
from books.models import Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from finance.models import Budget, LedgerEntry, StatementLine
from finance.services.generation import FinanceDataSpec, finance_data_generate
from workspaces.models import Workspace
from workspaces.scope import Scope
from workspaces.services import workspace_create, workspace_default

LAST_DAY = date(2025, 12, 31)
ZERO = Decimal("0.00")


@pytest.fixture(params=["duckdb", "postgresql", "redshift"])
def two_workspaces(
    request: pytest.FixtureRequest, tmp_path: Path, db: None, fresh_cache: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Workspace, Workspace]]:
    """The default workspace and "north", each with its own shop and city ledger (other seeds,
    sizes and years), published as generation 1 on the backend under test."""
    # The redshift fixture points the sync at the stand-in and the lake at S3 itself.
    settings: dict[str, str] = {}
    if request.param == "redshift":
        warehouse = request.getfixturevalue("redshift")
        for module in ("analytics.runner", "analytics.questions.warm"):
            monkeypatch.setattr(f"{module}.current_warehouse", lambda: warehouse)
    elif request.param == "duckdb":
        settings = {"WAREHOUSE_URL": f"duckdb:///{tmp_path / 'warehouse'}", "LAKE_URL": (tmp_path / "lake").as_uri()}
    else:
        url = request.getfixturevalue("postgres_warehouse_url")
        _postgres_warehouse_empty(url)
        postgres_warehouse(url).close()
        settings = {"WAREHOUSE_URL": url, "LAKE_URL": (tmp_path / "lake").as_uri()}
    north = workspace_create(slug="north", name="North")
    with override_settings(**settings):
        sales_data_generate(spec=SalesDataSpec(books=20, sales=500, seed=3, years=2, end_date=LAST_DAY))
        sales_data_generate(
            spec=SalesDataSpec(books=12, sales=300, seed=4, years=1, end_date=LAST_DAY, workspace="north")
        )
        finance_data_generate(spec=FinanceDataSpec(entries=300, years=2, seed=3, end_date=LAST_DAY))
        finance_data_generate(spec=FinanceDataSpec(entries=150, years=1, seed=4, end_date=LAST_DAY, workspace="north"))
        warehouse_sync()
        yield workspace_default(), north


def value(name: str, scope: Scope, params: dict | None = None) -> object:
    """The answer's value (a list of rows or one object) for a scope."""
    return ask(name, params or {}, scope=scope).answer.value


def rows(name: str, scope: Scope, params: dict | None = None) -> list[dict]:
    found = value(name, scope, params)
    assert isinstance(found, list)
    return found


def one(name: str, scope: Scope, params: dict | None = None) -> dict:
    found = value(name, scope, params)
    assert isinstance(found, dict)
    return found


# What the source says, per workspace ------------------------------------------------------------


def sales_by(workspace: Workspace, key: str, regions: tuple[str, ...] = ()) -> dict:
    """Revenue per `key` (a Sale lookup) of the workspace's sales, optionally in some regions."""
    sales = Sale.objects.filter(workspace=workspace)
    if regions:
        sales = sales.filter(region__code__in=regions)
    totals: dict = defaultdict(lambda: ZERO)
    for group, amount in sales.values_list(key, "amount"):
        totals[group] += amount
    return dict(totals)


def sign_ruled(kind: str, amount: Decimal) -> tuple[Decimal, Decimal]:
    """(revenue, expense) of one ledger entry under the sign rules."""
    if kind == "Revenues":
        return (amount, ZERO) if amount > 0 else (ZERO, -amount)
    return (ZERO, amount) if amount > 0 else (-amount, ZERO)


def ledger_by(workspace: Workspace, key: str, departments: tuple[int, ...] = ()) -> dict:
    """(revenue, expenses) per `key` (a LedgerEntry lookup) of the workspace's ledger."""
    entries = LedgerEntry.objects.filter(workspace=workspace)
    if departments:
        entries = entries.filter(department__code__in=departments)
    totals: dict = defaultdict(lambda: (ZERO, ZERO))
    for group, kind, amount in entries.values_list(key, "kind", "amount"):
        revenue, expense = sign_ruled(kind, amount)
        totals[group] = (totals[group][0] + revenue, totals[group][1] + expense)
    return dict(totals)


def statement_by_exercice(workspace: Workspace) -> dict[int, tuple[Decimal, Decimal]]:
    """(produits, charges) per exercice of the workspace's statement lines."""
    totals: dict = defaultdict(lambda: (ZERO, ZERO))
    for exercice, side, amount in StatementLine.objects.filter(workspace=workspace).values_list(
        "exercice", "produit_charge", "montant_en_eur"
    ):
        produits, charges = totals[exercice]
        totals[exercice] = (produits + amount, charges) if side == "PRODUITS" else (produits, charges + amount)
    return dict(totals)


def revenue_in_2025(workspace: Workspace) -> Decimal:
    """The workspace's sales revenue of 2025 (UTC days, as the warehouse buckets them)."""
    sales = Sale.objects.filter(workspace=workspace).values_list("sold_at", "amount")
    return sum((amount for sold_at, amount in sales if sold_at.date().year == 2025), ZERO)


def scope_of(workspace: Workspace, **limits: tuple) -> Scope:
    return Scope(workspace_id=workspace.pk, **limits)


# Every question, per workspace ------------------------------------------------------------------


def test_every_question_answers_each_workspace_from_its_own_records(two_workspaces: tuple) -> None:
    for workspace in two_workspaces:
        scope = scope_of(workspace)
        sales = Sale.objects.filter(workspace=workspace)
        days = sorted(sold_at.date() for sold_at in sales.values_list("sold_at", flat=True))
        total = sum(sales_by(workspace, "workspace_id").values(), ZERO)
        options = one("finance/initialise", scope)
        ledger_departments = set(
            LedgerEntry.objects.filter(workspace=workspace).values_list("department__code", flat=True)
        )
        budget_departments = set(Budget.objects.filter(workspace=workspace).values_list("department__code", flat=True))

        assert (options["sales_first_date"], options["sales_last_date"]) == (days[0], days[-1])
        assert {region["code"] for region in options["regions"]} == set(sales_by(workspace, "region__code"))
        assert {genre["slug"] for genre in options["genres"]} == set(sales_by(workspace, "book__genre__slug"))
        assert {row["code"] for row in options["departments"]} == ledger_departments | budget_departments
        assert {row["code"] for row in options["funds"]} == set(ledger_by(workspace, "fund__code"))
        assert options["exercices"] == sorted(statement_by_exercice(workspace))

        summed = one("summary", scope)
        assert (summed["start"], summed["end"]) == (days[0], days[-1] + timedelta(days=1))
        assert (summed["revenue"], summed["orders"]) == (total, sales.count())
        assert sum((row["revenue"] for row in rows("timeseries", scope, {"granularity": "month"})), ZERO) == total
        assert {row["region"]: row["revenue"] for row in rows("sales-by-region", scope)} == sales_by(
            workspace, "region__code"
        )
        assert {row["genre"]: row["revenue"] for row in rows("sales-by-genre", scope)} == sales_by(
            workspace, "book__genre__slug"
        )
        assert {row["book_id"]: row["revenue"] for row in rows("top-books", scope, {"limit": "100"})} == sales_by(
            workspace, "book_id"
        )

        by_fund = ledger_by(workspace, "fund__code")
        by_department = ledger_by(workspace, "department__code")
        revenue = sum((revenue for revenue, _ in by_fund.values()), ZERO)
        expenses = sum((expense for _, expense in by_fund.values()), ZERO)
        assert {row["fund"]: (row["revenue"], row["expenses"]) for row in rows("finance/fund-table", scope)} == by_fund
        assert {
            row["department"]: (row["revenue"], row["expenses"])
            for row in rows("finance/top-roi", scope, {"limit": "100"})
        } == by_department
        assert {row["code"]: row["expenses"] for row in rows("finance/top-budget", scope, {"limit": "100"})} == {
            code: expense for code, (_, expense) in by_department.items()
        }
        series = rows("finance/net-profit", scope, {"granularity": "year"})
        assert (sum((row["revenue"] for row in series), ZERO), series[-1]["cumulative_net"]) == (
            revenue,
            revenue - expenses,
        )
        assert {row["exercice"]: (row["produits"], row["charges"]) for row in rows("statement/profit", scope)} == (
            statement_by_exercice(workspace)
        )
        charges: dict = defaultdict(lambda: ZERO)
        for row in rows("statement/expenses-by-poste", scope):
            charges[row["exercice"]] += row["montant"]
        assert dict(charges) == {exercice: c for exercice, (_, c) in statement_by_exercice(workspace).items()}


def test_the_two_workspaces_hold_different_books_sales_and_ledgers(two_workspaces: tuple) -> None:
    default, north = two_workspaces
    assert set(sales_by(default, "book_id")).isdisjoint(sales_by(north, "book_id"))
    assert one("summary", scope_of(default))["revenue"] != one("summary", scope_of(north))["revenue"]


# Row-level limits ----------------------------------------------------------------------------------


def test_a_scope_limited_to_one_region_sees_exactly_that_regions_sales(two_workspaces: tuple) -> None:
    default, _ = two_workspaces
    codes = sorted(sales_by(default, "region__code"))
    kept, other = codes[0], codes[1]
    limited = scope_of(default, regions=(kept,))
    expected = sales_by(default, "workspace_id", regions=(kept,))[default.pk]

    options = one("finance/initialise", limited)
    summed = one("summary", limited)
    by_region = rows("sales-by-region", limited)
    books = rows("top-books", limited, {"limit": "100"})
    genres = rows("sales-by-genre", limited)

    assert [region["code"] for region in options["regions"]] == [kept]
    assert summed["revenue"] == expected
    assert [(row["region"], row["revenue"]) for row in by_region] == [(kept, expected)]
    assert {row["book_id"]: row["revenue"] for row in books} == sales_by(default, "book_id", regions=(kept,))
    assert {row["genre"]: row["revenue"] for row in genres} == sales_by(default, "book__genre__slug", regions=(kept,))
    with pytest.raises(ValidationError) as refused:
        ask("summary", {"region": other}, scope=limited)
    assert f"Unknown region: {other}. Known: {kept}." in str(refused.value.detail)


def test_a_region_outside_the_scopes_limits_gives_no_rows(two_workspaces: tuple) -> None:
    default, _ = two_workspaces
    kept, other = sorted(sales_by(default, "region__code"))[:2]
    generation = published_generation()
    source = Source(runner.current_warehouse(), generation.location, scope_of(default, regions=(kept,)))
    period = Period(date(2000, 1, 1), date(2030, 1, 1))

    outside = summary.run(source, summary.SummaryParams(SalesFilters(period, regions=(other,))))
    inside = summary.run(source, summary.SummaryParams(SalesFilters(period, regions=(kept, other))))

    assert (outside["revenue"], outside["orders"]) == (ZERO, 0)
    assert inside["revenue"] == sales_by(default, "workspace_id", regions=(kept,))[default.pk]


def test_a_scope_limited_to_one_department_sees_exactly_its_ledger_and_no_statement(
    two_workspaces: tuple,
) -> None:
    default, _ = two_workspaces
    kept = sorted(ledger_by(default, "department__code"))[0]
    limited = scope_of(default, departments=(kept,))
    revenue, expenses = ledger_by(default, "department__code")[kept]
    budgets = Budget.objects.filter(workspace=default, department__code=kept)

    options = one("finance/initialise", limited)
    roi = rows("finance/top-roi", limited, {"limit": "100"})
    funds = rows("finance/fund-table", limited)
    spenders = rows("finance/top-budget", limited, {"limit": "100"})

    assert [row["code"] for row in options["departments"]] == [kept]
    assert options["exercices"] == []
    assert [(row["department"], row["revenue"], row["expenses"]) for row in roi] == [(kept, revenue, expenses)]
    assert {row["fund"]: (row["revenue"], row["expenses"]) for row in funds} == ledger_by(
        default, "fund__code", departments=(kept,)
    )
    assert [(row["code"], row["expenses"]) for row in spenders] == [(kept, expenses)]
    first, last = options["ledger_first_date"].year, options["ledger_last_date"].year
    budgeted = [budget.amount for budget in budgets if first <= budget.fiscal_year <= last]
    assert spenders[0]["budget"] == (sum(budgeted, ZERO) if budgeted else None)
    assert rows("statement/profit", limited) == []
    assert rows("statement/financial-income", limited) == []


# The cache never crosses scopes -------------------------------------------------------------------


def test_an_answer_cached_for_one_workspace_is_never_served_to_another(two_workspaces: tuple) -> None:
    default, north = two_workspaces
    params = {"start": "2025-01-01", "end": "2026-01-01"}
    generation = published_generation()
    assert generation.number is not None

    first = ask("summary", params, scope=scope_of(default))
    second = ask("summary", params, scope=scope_of(north))
    again = ask("summary", params, scope=scope_of(north))

    assert (first.answer.hit, second.answer.hit, again.answer.hit) == (False, False, True)
    assert first.answer.generation == second.answer.generation
    assert isinstance(first.answer.value, dict) and isinstance(second.answer.value, dict)
    assert first.answer.value["revenue"] == revenue_in_2025(default)
    assert second.answer.value["revenue"] == revenue_in_2025(north)
    assert first.answer.value["revenue"] != second.answer.value["revenue"]
    normalized = first.params
    keys = {
        runner.answer_key("summary", normalized, scope, generation.number)
        for scope in (
            scope_of(default),
            scope_of(north),
            scope_of(default, regions=("US",)),
            scope_of(default, departments=(1,)),
        )
    }
    assert len(keys) == 4


def test_an_export_rendered_for_one_scope_is_never_served_to_another(two_workspaces: tuple) -> None:
    default, north = two_workspaces
    generation = published_generation()
    assert generation.number is not None
    params = {"start": date(2025, 1, 1), "end": date(2026, 1, 1)}

    def rendered(scope: Scope, content: str) -> tuple[str | bytes, bool]:
        return runner.rendered(
            endpoint="sales-by-region",
            params=params,
            scope=scope,
            generation=generation.number or 0,
            fmt="csv",
            render=lambda: content,
        )

    assert rendered(scope_of(default), "default's regions") == ("default's regions", False)
    assert rendered(scope_of(north), "north's regions") == ("north's regions", False)
    assert rendered(scope_of(default, regions=("US",)), "one region") == ("one region", False)
    assert rendered(scope_of(default), "rendered again") == ("default's regions", True)
    assert rendered(scope_of(north), "rendered again") == ("north's regions", True)


def test_warming_answers_the_dashboard_of_every_workspace_with_data(two_workspaces: tuple) -> None:
    default, north = two_workspaces
    workspace_create(slug="empty", name="Empty")

    computed = dashboard_warm()

    assert computed == 2 * len(DASHBOARD_DEFAULTS)
    assert ask("summary", {}, scope=scope_of(north)).answer.hit
    assert ask("finance/top-roi", {}, scope=scope_of(default)).answer.hit


def test_manage_py_ask_answers_from_the_workspace_it_names(two_workspaces: tuple) -> None:
    _, north = two_workspaces
    printed = io.StringIO()

    call_command("ask", "summary", "--workspace", "north", stdout=printed)

    assert Decimal(json.loads(printed.getvalue())["result"]["revenue"]) == sales_by(north, "workspace_id")[north.pk]
    with pytest.raises(CommandError) as refused:
        call_command("ask", "summary", "--workspace", "south", stdout=io.StringIO())
    assert str(refused.value) == (
        "--workspace: No workspace has the slug 'south' (known: default, north). Nothing was written."
    )
