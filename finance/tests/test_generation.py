"""generate_finance_data: a city's ledger, budgets and statement, exact and reproducible."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import ProtectedError

from config.records import records_delete
from finance.models import Budget, CostCenter, Department, Fund, LedgerEntry, StatementLine, Tombstone
from finance.services.generation import FinanceDataSpec, finance_data_generate

SPEC = FinanceDataSpec(entries=3_000, years=5, seed=5, end_date=date(2024, 12, 31))


def ledger_totals(alias: str) -> dict:
    """Revenues and expenses under the sign rules, summed in Python over exact Decimals."""
    revenues = expenses = Decimal("0.00")
    for kind, amount in LedgerEntry.objects.using(alias).values_list("kind", "amount"):
        if (kind == "Revenues") == (amount >= 0):
            revenues += abs(amount)
        else:
            expenses += abs(amount)
    return {"revenues": revenues, "expenses": expenses, "entries": LedgerEntry.objects.using(alias).count()}


@pytest.mark.django_db(databases="__all__")
def test_ledger_totals_follow_the_sign_rules_and_equal_the_report(db_alias: str) -> None:
    result = finance_data_generate(spec=SPEC, using=db_alias)

    assert ledger_totals(db_alias) == {"revenues": result.revenues, "expenses": result.expenses, "entries": 3_000}
    negative = LedgerEntry.objects.using(db_alias).filter(amount__lt=0).count()
    assert 10 < negative < 100  # about 1.5% corrections, which the sign rules move across


@pytest.mark.django_db(databases="__all__")
def test_same_seed_gives_the_same_city_on_sqlite_and_postgresql(postgres_alias: str) -> None:
    finance_data_generate(spec=SPEC, using="default")
    finance_data_generate(spec=SPEC, using=postgres_alias)

    assert ledger_totals("default") == ledger_totals(postgres_alias)
    columns = ["exercice", "type_de_resultat", "produit_charge", "poste", "detail_postes", "montant_en_eur"]
    assert list(StatementLine.objects.using("default").values_list(*columns)) == list(
        StatementLine.objects.using(postgres_alias).values_list(*columns)
    )


@pytest.mark.django_db
def test_the_city_has_its_departments_funds_cost_centres_and_budgets() -> None:
    result = finance_data_generate(spec=SPEC)

    assert (Department.objects.count(), Fund.objects.count()) == (24, 11)
    assert CostCenter.objects.count() == result.cost_centers
    assert all(
        c.department is not None and str(c.code).startswith(str(c.department.code))
        for c in CostCenter.objects.select_related("department")
    )
    assert Budget.objects.count() == 24 * 5
    assert sorted(set(Budget.objects.values_list("fiscal_year", flat=True))) == [2020, 2021, 2022, 2023, 2024]
    police = Department.objects.get(name="Police Bureau")
    council = Department.objects.get(name="City Council")
    assert (
        Budget.objects.get(department=police, fiscal_year=2024).amount
        > Budget.objects.get(department=council, fiscal_year=2024).amount
    )


@pytest.mark.django_db
def test_each_exercice_has_every_part_of_the_compte_de_resultat() -> None:
    finance_data_generate(spec=SPEC)

    parts = set(StatementLine.objects.values_list("exercice", "type_de_resultat", "produit_charge"))
    assert parts == {
        (year, kind, side)
        for year in range(2020, 2025)
        for kind in ("EXPLOITATION", "FINANCIER", "EXCEPTIONNEL")
        for side in ("PRODUITS", "CHARGES")
    }
    assert StatementLine.objects.filter(exercice=2024, poste="Charges de personnel").count() == 3


@pytest.mark.django_db
def test_a_second_run_adds_entries_and_updates_budgets_in_place() -> None:
    finance_data_generate(spec=SPEC)
    finance_data_generate(spec=SPEC)

    assert LedgerEntry.objects.count() == 6_000
    assert Budget.objects.count() == 120
    assert StatementLine.objects.count() == 5 * 37


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--entries", "-1"], "--entries must be between 0 and 10,000,000, got -1"),
        (["--years", "0"], "--years must be between 1 and 30, got 0"),
        (["--end-date", "31/12/2024"], "argument --end-date: '31/12/2024' is not a date in the form YYYY-MM-DD"),
        (["--batch-size", "1"], "--batch-size must be between 100 and 100,000, got 1"),
        (["--entries", "١٠"], "argument --entries: invalid int value: '١٠' (a whole number in digits 0-9)"),  # noqa: RUF001 — non-ASCII digits on purpose: the input being refused
    ],
)
@pytest.mark.django_db
def test_bad_options_are_refused_and_nothing_is_written(arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("generate_finance_data", *arguments)

    assert message in str(refused.value)
    assert (Department.objects.count(), LedgerEntry.objects.count(), StatementLine.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_deleting_entries_leaves_tombstones_and_a_used_department_is_protected() -> None:
    finance_data_generate(spec=FinanceDataSpec(entries=200, years=1, seed=1, end_date=date(2024, 12, 31)))
    first_ids = list(LedgerEntry.objects.order_by("id").values_list("id", flat=True)[:3])

    deleted = records_delete(queryset=LedgerEntry.objects.filter(id__in=first_ids), tombstones=Tombstone)
    used = Department.objects.filter(entries__isnull=False).distinct()[:1]
    with pytest.raises(ProtectedError):
        records_delete(queryset=Department.objects.filter(pk__in=used), tombstones=Tombstone)

    assert deleted == 3
    assert sorted(Tombstone.objects.values_list("table", "object_id")) == [("ledgerentry", i) for i in first_ids]
    assert Department.objects.count() == 24
