"""The question catalogue: `manage.py ask` prints exactly the API's JSON body for every
question, with its default parameters and with a filtered set; its CSV and table formats;
a bad parameter or question is an error naming it."""

import io
import json
from collections.abc import Iterator
from datetime import date

import pytest
from auditlog.context import disable_auditlog
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import override_settings
from pytest_django import DjangoDbBlocker
from rest_framework.test import APIClient

from analytics.models import Generation
from analytics.questions.catalogue import QUESTIONS
from analytics.sync import warehouse_sync
from analytics.tests.members import member_user
from analytics.tests.test_api import MODELS
from audit.models import AuditEntry
from books.models import Region
from books.services.generation import SalesDataSpec, sales_data_generate
from finance.models import Department, Fund, StatementLine
from finance.services.generation import FinanceDataSpec, finance_data_generate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def published(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """A small shop and city synced into a DuckDB warehouse, shared by the module's tests."""
    directory = tmp_path_factory.mktemp("questions")
    url = f"duckdb:///{directory / 'warehouse'}"
    with django_db_blocker.unblock(), override_settings(WAREHOUSE_URL=url, LAKE_URL=(directory / "lake").as_uri()):
        sales_data_generate(spec=SalesDataSpec(books=20, sales=400, seed=7, years=2, end_date=date(2025, 12, 31)))
        finance_data_generate(spec=FinanceDataSpec(entries=200, years=2, seed=7, end_date=date(2025, 12, 31)))
        warehouse_sync()
        cache.clear()
        yield
        # Emptied without an audit entry per row, and the module's entries go too: the tests
        # that follow read the audit trail from an empty table.
        with disable_auditlog():
            for model in (*MODELS, StatementLine, Generation):
                model.objects.all().delete()
        AuditEntry.objects.all().delete()
        cache.clear()


@pytest.fixture
def client(published: None) -> APIClient:
    """A logged-in analyst."""
    api = APIClient()
    api.force_login(member_user("analyst"))
    return api


def filtered(name: str) -> dict[str, str]:
    """A filtered set of parameters for a question: every filter it takes, given a value the data has."""
    fields = set(QUESTIONS_BY_NAME[name].parameters().fields)
    values = {
        "start": "2025-02-01",
        "end": "2025-09-30",
        "granularity": "week",
        "limit": "3",
        "order": "units",
        "region": str(Region.objects.order_by("pk")[0].code),
        "department": str(Department.objects.order_by("pk")[0].code),
        "fund": str(Fund.objects.order_by("pk")[0].code),
        "exercice": str(StatementLine.objects.order_by("exercice")[0].exercice),
    }
    return {key: value for key, value in values.items() if key in fields}


QUESTIONS_BY_NAME = {question.name: question for question in QUESTIONS}


def ask_output(name: str, params: dict[str, str], fmt: str = "json") -> str:
    out = io.StringIO()
    words = [word for key, value in params.items() for word in (f"--{key}", value)]
    call_command("ask", name, *words, "--format", fmt, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("filters", ["default", "filtered"])
@pytest.mark.parametrize("name", sorted(QUESTIONS_BY_NAME))
def test_ask_prints_exactly_the_api_body(client: APIClient, name: str, filters: str) -> None:
    params = filtered(name) if filters == "filtered" else {}

    response = client.get(f"/api/analytics/{name}", params)
    printed = json.loads(ask_output(name, params))

    assert response.status_code == 200, response.content
    assert printed == response.json()
    assert set(printed) == {"generation", "as_of", "params", "results" if QUESTIONS_BY_NAME[name].many else "result"}
    assert printed["generation"] == Generation.objects.filter(status="published").latest("number").number


@pytest.mark.parametrize("name", sorted(name for name, question in QUESTIONS_BY_NAME.items() if question.many))
def test_ask_csv_is_the_api_export(client: APIClient, name: str) -> None:
    params = filtered(name)

    response = client.get(f"/api/analytics/{name}", {**params, "format": "csv"})

    assert response.status_code == 200
    assert ask_output(name, params, "csv") == response.content.decode()


def test_ask_table_lists_the_rows_under_their_columns(client: APIClient) -> None:
    body = client.get("/api/analytics/top-books", {"limit": "2"}).json()

    lines = ask_output("top-books", {"limit": "2"}, "table").splitlines()

    assert lines[0].split() == [
        "rank",
        "book_id",
        "isbn13",
        "title",
        "authors",
        "genre",
        "genre_name",
        "revenue",
        "units",
        "orders",
    ]
    assert len(lines) == 3
    assert lines[1].startswith("1 ") and body["results"][0]["revenue"] in lines[1]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["top-books", "--limit", "0"], "Invalid parameters: {'limit'"),
        (["best-books"], "No question 'best-books'; one of: summary, timeseries, top-books"),
        (["summary", "--format", "xml"], "--format: give one of json, csv, table."),
        (["summary", "--start"], "--start needs a value."),
    ],
)
def test_ask_refuses_what_the_api_refuses_naming_it(published: None, words: list[str], message: str) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("ask", *words, stdout=io.StringIO())

    assert str(refused.value).startswith(message)
