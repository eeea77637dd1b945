"""The plausible-date window: the admin forms, the services and the generators refuse dates outside it."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse

from books.models import Sale
from books.services.generation import InvalidGenerationRequest, SalesDataSpec
from books.services.records import sale_create
from books.tests.factories import BookFactory, RegionFactory
from config.date_window import date_window
from finance.models import CostCenter, Department, Fund, LedgerEntry, StatementLine
from finance.services.generation import FinanceDataSpec, InvalidFinanceRequest
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db
WINDOW_SETTINGS = "(FOLIO_EARLIEST_DATE, FOLIO_LATEST_DAYS_AHEAD)"


@pytest.fixture
def staff_client() -> Client:
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "a-long-password")
    client = Client()
    client.force_login(user)
    return client


def window_text() -> str:
    return f"1900-01-01 to {date_window().latest.isoformat()} {WINDOW_SETTINGS}"


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_the_sale_admin_form_refuses_an_implausible_date(staff_client: Client, day: str) -> None:
    book, region = BookFactory.create(list_price=Decimal("10.00")), RegionFactory.create()
    form = {
        "book": book.pk,
        "region": region.pk,
        "sold_at_0": day,
        "sold_at_1": "10:00:00",
        "quantity": "1",
        "unit_price": "10.00",
        "discount": "0.00",
        "amount": "10.00",
        "channel": "online",
    }

    response = staff_client.post(reverse("admin:books_sale_add"), form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["sold_at"] == [
        f"{day}T10:00:00+00:00: the date is outside the plausible window {window_text()}."
    ]
    assert Sale.objects.count() == 0


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_ledger_admin_form_refuses_an_implausible_date(staff_client: Client, day: str) -> None:
    department = Department.objects.create(code=1, name="Parks")
    fund = Fund.objects.create(code=2, name="General")
    cost_center = CostCenter.objects.create(code=3, name="Trees", department=department)
    form = {
        "entry_date": day,
        "amount": "10.00",
        "kind": "Revenues",
        "department": department.pk,
        "fund": fund.pk,
        "cost_center": cost_center.pk,
    }

    response = staff_client.post(reverse("admin:finance_ledgerentry_add"), form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["entry_date"] == [
        f"{day}: the date is outside the plausible window {window_text()}."
    ]
    assert LedgerEntry.objects.count() == 0


def test_the_statement_admin_form_refuses_an_implausible_exercice(staff_client: Client) -> None:
    form = {
        "exercice": "2199",
        "type_de_resultat": "EXPLOITATION",
        "produit_charge": "CHARGES",
        "poste": "Achats",
        "detail_postes": "",
        "montant_en_eur": "1.00",
    }

    response = staff_client.post(reverse("admin:finance_statementline_add"), form)

    latest = date_window().latest.year
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["exercice"] == [
        f"2199: the year is outside the plausible years 1900 to {latest} {WINDOW_SETTINGS}."
    ]
    assert StatementLine.objects.count() == 0


def test_sale_create_refuses_an_implausible_time() -> None:
    with pytest.raises(ValidationError) as refused:
        sale_create(
            workspace=workspace_default(),
            book=BookFactory.create(),
            region=RegionFactory.create(),
            sold_at=datetime(1, 1, 1, 10, tzinfo=UTC),
            quantity=1,
        )

    assert refused.value.message_dict == {
        "sold_at": [f"0001-01-01T10:00:00+00:00: the date is outside the plausible window {window_text()}."]
    }
    assert Sale.objects.count() == 0


@override_settings(FOLIO_EARLIEST_DATE=date(2020, 1, 1))
def test_the_window_follows_its_setting() -> None:
    window = date_window(today=date(2024, 6, 1))

    assert (window.earliest, window.latest) == (date(2020, 1, 1), date(2024, 6, 1) + timedelta(days=366))
    assert window.date_refusal(date(2019, 12, 31)) is not None
    assert window.date_refusal(datetime(2020, 1, 1, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            SalesDataSpec(end_date=date(1903, 6, 30), years=5),
            "--end-date 1903-06-30 with --years 5 starts on 1898-07-01, before the plausible window {window}",
        ),
        (
            SalesDataSpec(end_date=date(3, 6, 30), years=5),
            "--end-date 0003-06-30 with --years 5 starts before the plausible window {window}",
        ),
    ],
    ids=["1898", "year-minus-2"],
)
def test_the_sales_generator_refuses_a_window_before_the_earliest_date(spec: SalesDataSpec, message: str) -> None:
    with pytest.raises(InvalidGenerationRequest) as refused:
        spec.validate()

    assert str(refused.value) == message.format(window=window_text())


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            FinanceDataSpec(end_date=date(1902, 6, 30), years=5),
            "--end-date 1902-06-30 with --years 5 starts on 1898-01-01, before the plausible window {window}",
        ),
        (
            FinanceDataSpec(end_date=date(2, 6, 30), years=5),
            "--end-date 0002-06-30 with --years 5 starts before the plausible window {window}",
        ),
    ],
    ids=["1898", "year-minus-2"],
)
def test_the_finance_generator_refuses_a_window_before_the_earliest_date(spec: FinanceDataSpec, message: str) -> None:
    with pytest.raises(InvalidFinanceRequest) as refused:
        spec.validate()

    assert str(refused.value) == message.format(window=window_text())


def test_the_finance_generator_command_refuses_year_one_and_writes_nothing() -> None:
    with pytest.raises(CommandError) as refused:
        call_command("generate_finance_data", "--end-date", "0001-12-31", "--years", "1", "--skip-upload")

    assert str(refused.value) == (
        f"--end-date 0001-12-31 with --years 1 starts on 0001-01-01, before the plausible window {window_text()}"
    )
    assert LedgerEntry.objects.count() == 0
