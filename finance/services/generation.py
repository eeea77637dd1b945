"""Generate a realistic city's finances: departments, funds and cost centres; years of
ledger entries; budgets per department and year; and the *compte de résultat* lines of
each complete exercice.

One transaction, options validated before any write; reruns reuse departments, funds and
cost centres (matched by code), add new ledger entries, and upsert budgets and
statement lines on their natural keys. The same seed and options give the same rows.
"""

import secrets
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from analytics.sync_requests import sync_request, sync_requests_deferred
from config.date_window import SETTINGS_NAMES as WINDOW_SETTINGS
from config.date_window import date_window
from finance.models import Budget, CostCenter, Department, EntryKind, Fund, LedgerEntry, StatementLine
from finance.services import city_catalogue as city
from workspaces.models import DEFAULT_SLUG
from workspaces.services import WorkspaceError, workspace_named

MAX_ENTRIES = 10_000_000
MAX_YEARS = 30
MIN_BATCH, MAX_BATCH = 100, 100_000
REVENUE_SHARE = 0.4
CORRECTION_SHARE = 0.015  # negative amounts: refunds and reversals, which flip the entry's side
# Spending per month of the fiscal (calendar) year: a December rush to use the budget.
MONTH_FACTORS = np.array([0.85, 0.9, 1.0, 0.95, 1.0, 1.05, 0.9, 0.8, 1.0, 1.05, 1.1, 1.4])


class InvalidFinanceRequest(ValueError):
    """The options asked for data that cannot be generated; nothing was written."""


@dataclass(frozen=True)
class FinanceDataSpec:
    """What to generate. `seed=None` draws a seed, which the result reports."""

    entries: int = 20_000
    years: int = 5
    seed: int | None = None
    end_date: date = field(default_factory=lambda: timezone.localdate())
    batch_size: int = 5_000
    workspace: str = DEFAULT_SLUG  # the slug of the workspace the ledger belongs to

    def validate(self) -> None:
        """Raise InvalidFinanceRequest naming the first option that is wrong."""
        if not 0 <= self.entries <= MAX_ENTRIES:
            raise InvalidFinanceRequest(f"--entries must be between 0 and {MAX_ENTRIES:,}, got {self.entries}")
        if not 1 <= self.years <= MAX_YEARS:
            raise InvalidFinanceRequest(f"--years must be between 1 and {MAX_YEARS}, got {self.years}")
        if not MIN_BATCH <= self.batch_size <= MAX_BATCH:
            raise InvalidFinanceRequest(
                f"--batch-size must be between {MIN_BATCH} and {MAX_BATCH:,}, got {self.batch_size}"
            )
        if self.seed is not None and not 0 <= self.seed < 2**63:
            raise InvalidFinanceRequest(f"--seed must be between 0 and 2**63 - 1, got {self.seed}")
        if self.end_date > timezone.localdate():
            raise InvalidFinanceRequest(f"--end-date {self.end_date.isoformat()} is in the future")
        window = date_window()
        opening = f"--end-date {self.end_date.isoformat()} with --years {self.years} starts"
        first_year = self.end_date.year - self.years + 1
        if first_year < 1:
            raise InvalidFinanceRequest(f"{opening} before the plausible window {window} ({WINDOW_SETTINGS})")
        if window.date_refusal(date(first_year, 1, 1)) is not None:
            raise InvalidFinanceRequest(
                f"{opening} on {date(first_year, 1, 1).isoformat()}, before the plausible window {window} "
                f"({WINDOW_SETTINGS})"
            )

    @property
    def fiscal_years(self) -> list[int]:
        """The calendar years the ledger covers, oldest first, ending with end_date's year."""
        return list(range(self.end_date.year - self.years + 1, self.end_date.year + 1))


@dataclass(frozen=True)
class FinanceDataResult:
    """What was written, with exact totals from the generated rows."""

    seed: int
    departments: int
    funds: int
    cost_centers: int
    entries: int
    revenues: Decimal
    expenses: Decimal
    budgets: int
    statement_lines: int
    exercices: list[int]
    seconds: float


def finance_data_generate(*, spec: FinanceDataSpec, using: str = "default") -> FinanceDataResult:
    """Generate a city's ledger, budgets and statement lines in one transaction."""
    spec.validate()
    seed = spec.seed if spec.seed is not None else secrets.randbelow(2**63)
    started = time.perf_counter()
    rng = np.random.default_rng([seed, 0])
    try:
        workspace_id = workspace_named(spec.workspace, using=using).pk
    except WorkspaceError as error:
        raise InvalidFinanceRequest(f"--workspace: {error}") from error
    # bulk_create sends no per-row signals: one sync is requested for the whole run.
    with transaction.atomic(using=using), sync_requests_deferred():
        departments = [
            Department.objects.using(using).get_or_create(code=d.code, defaults={"name": d.name})[0]
            for d in city.DEPARTMENTS
        ]
        funds = [
            Fund.objects.using(using).get_or_create(code=code, defaults={"name": name})[0]
            for code, name, _ in city.FUNDS
        ]
        cost_centers = _cost_centers(using, departments)
        entries, revenues, expenses, spent = _ledger_write(
            rng, spec, using, workspace_id, departments, funds, cost_centers
        )
        budgets = _budgets_write(rng, spec, using, workspace_id, departments, spent)
        exercices = [year for year in spec.fiscal_years if date(year, 12, 31) <= spec.end_date] or [
            spec.fiscal_years[0] - 1
        ]
        lines = _statement_write(rng, using, workspace_id, exercices)
        sync_request(using=using)
    return FinanceDataResult(
        seed=seed,
        departments=len(departments),
        funds=len(funds),
        cost_centers=sum(len(units) for units in cost_centers),
        entries=entries,
        revenues=revenues,
        expenses=expenses,
        budgets=budgets,
        statement_lines=lines,
        exercices=exercices,
        seconds=round(time.perf_counter() - started, 3),
    )


def _cost_centers(using: str, departments: list[Department]) -> list[list[CostCenter]]:
    """Four to ten cost centres per department; a centre's code starts with its department's."""
    centers = []
    for index, department in enumerate(departments):
        units = city.COST_CENTER_UNITS[: 4 + (index * 7) % 7]
        centers.append(
            [
                CostCenter.objects.using(using).get_or_create(
                    code=department.code * 1000 + position,
                    defaults={"name": f"{department.name}: {unit}", "department": department},
                )[0]
                for position, unit in enumerate(units)
            ]
        )
    return centers


def _ledger_write(
    rng: np.random.Generator,
    spec: FinanceDataSpec,
    using: str,
    workspace_id: int,
    departments: list[Department],
    funds: list[Fund],
    cost_centers: list[list[CostCenter]],
) -> tuple[int, Decimal, Decimal, dict[tuple[int, int], int]]:
    count = spec.entries
    start = date(spec.fiscal_years[0], 1, 1)
    days = np.arange(np.datetime64(start), np.datetime64(spec.end_date) + 1)
    weights = MONTH_FACTORS[days.astype("datetime64[M]").astype(np.int64) % 12]
    weights[(days.astype(np.int64) + 3) % 7 >= 5] *= 0.15  # weekends: little gets booked
    day = rng.choice(len(days), size=count, p=weights / weights.sum())
    is_revenue = rng.random(count) < REVENUE_SHARE
    spend_p = np.array([d.spending_weight for d in city.DEPARTMENTS])
    earn_p = np.array([d.revenue_weight for d in city.DEPARTMENTS])
    department = np.where(
        is_revenue,
        rng.choice(len(departments), size=count, p=earn_p / earn_p.sum()),
        rng.choice(len(departments), size=count, p=spend_p / spend_p.sum()),
    )
    fund_p = np.array([weight for _, _, weight in city.FUNDS])
    fund = rng.choice(len(funds), size=count, p=fund_p / fund_p.sum())
    unit_draw = rng.random(count)
    # Lognormal amounts: most entries are a few thousand, a few are millions.
    cents = np.maximum(100, np.round(rng.lognormal(mean=np.log(2_500), sigma=1.6, size=count) * 100)).astype(np.int64)
    cents[rng.random(count) < CORRECTION_SHARE] *= -1

    revenues = expenses = 0
    spent: dict[tuple[int, int], int] = {}
    rows = []
    for i in range(count):
        d = int(department[i])
        units = cost_centers[d]
        entry_date = start + timedelta(days=int(day[i]))
        kind = EntryKind.REVENUES if is_revenue[i] else EntryKind.EXPENSES
        amount = int(cents[i])
        # The sign rules: a negative revenue counts as an expense, a negative expense as revenue.
        if (kind == EntryKind.REVENUES) == (amount >= 0):
            revenues += abs(amount)
        else:
            expenses += abs(amount)
            key = (d, entry_date.year)
            spent[key] = spent.get(key, 0) + abs(amount)
        rows.append(
            LedgerEntry(
                workspace_id=workspace_id,
                entry_date=entry_date,
                amount=Decimal(amount).scaleb(-2),
                kind=kind,
                department_id=departments[d].pk,
                fund_id=funds[int(fund[i])].pk,
                cost_center_id=units[int(unit_draw[i] * len(units))].pk,
            )
        )
    LedgerEntry.objects.using(using).bulk_create(rows, batch_size=spec.batch_size)
    return count, _money(revenues), _money(expenses), spent


def _budgets_write(
    rng: np.random.Generator,
    spec: FinanceDataSpec,
    using: str,
    workspace_id: int,
    departments: list[Department],
    spent: dict,
) -> int:
    """Each department's budget per year: near what it spent, so some overrun and some don't."""
    budgets = []
    for index, department in enumerate(departments):
        for year in spec.fiscal_years:
            spent_cents = spent.get((index, year), 0)
            planned = int(spent_cents * rng.uniform(0.9, 1.15)) // 100_000 * 1_000  # whole thousands
            budgets.append(
                Budget(
                    workspace_id=workspace_id,
                    department=department,
                    fiscal_year=year,
                    amount=Decimal(max(planned, 1_000)),
                )
            )
    Budget.objects.using(using).bulk_create(
        budgets,
        update_conflicts=True,
        unique_fields=["workspace", "department", "fiscal_year"],
        update_fields=["amount", "updated_at"],
    )
    return len(budgets)


def _statement_write(rng: np.random.Generator, using: str, workspace_id: int, exercices: list[int]) -> int:
    """Every poste of the statement for each exercice, growing about 2% a year."""
    lines = []
    for exercice in exercices:
        growth = 1.02 ** (exercice - 2015)
        for poste in city.STATEMENT_POSTES:
            noise = rng.normal(1.0, 0.06)
            cents = round(poste.base_eur * growth * noise * 100)
            lines.append(
                StatementLine(
                    workspace_id=workspace_id,
                    exercice=exercice,
                    type_de_resultat=poste.type_de_resultat,
                    produit_charge=poste.produit_charge,
                    poste=poste.poste,
                    detail_postes=poste.detail_postes,
                    montant_en_eur=Decimal(cents).scaleb(-2),
                )
            )
    StatementLine.objects.using(using).bulk_create(
        lines,
        update_conflicts=True,
        unique_fields=["workspace", "exercice", "type_de_resultat", "produit_charge", "poste", "detail_postes"],
        update_fields=["montant_en_eur", "updated_at"],
    )
    return len(lines)


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))
