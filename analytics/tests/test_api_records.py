"""POST /api/sales/ records one sale in the caller's workspace: exact amounts, the analyst
role, the member's region limits, and a refusal that names what was wrong and writes nothing."""

from decimal import Decimal

import pytest

from analytics.tests.members import api_as, member_user
from books.models import Book, Genre, Region, Sale
from workspaces.services import workspace_create, workspace_default

pytestmark = pytest.mark.django_db

ISBN = "9780439023481"
AWARE = "2025-06-01T10:30:00+02:00"


@pytest.fixture
def book() -> Book:
    Region.objects.create(code="FR", name="France")
    Region.objects.create(code="DE", name="Germany")
    genre = Genre.objects.create(name="Fiction", slug="fiction")
    return Book.objects.create(
        workspace=workspace_default(), isbn13=ISBN, title="The Hunger Games", genre=genre, list_price=Decimal("12.99")
    )


def sale(**fields: object) -> dict[str, object]:
    return {"isbn13": ISBN, "region": "FR", "sold_at": "2025-06-01T10:30:00+02:00", "quantity": 3, **fields}


def test_an_analyst_records_a_sale_exact_to_the_cent(book: Book) -> None:
    client = api_as(member_user("ana", role="analyst"))
    response = client.post("/api/sales/", sale(unit_price="10.10", discount="0.30"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["isbn13"], body["region"], body["quantity"]) == (ISBN, "FR", 3)
    assert (body["unit_price"], body["discount"], body["amount"]) == ("10.10", "0.30", "30.00")
    stored = Sale.objects.get(pk=body["id"])
    assert stored.amount == Decimal("30.00") and stored.workspace_id == book.workspace_id


def test_the_unit_price_defaults_to_the_list_price(book: Book) -> None:
    response = api_as(member_user("ana", role="analyst")).post("/api/sales/", sale(), format="json")
    assert response.status_code == 201
    assert response.json()["amount"] == "38.97"


def test_a_viewer_is_refused_and_nothing_is_written(book: Book) -> None:
    response = api_as(member_user("vic", role="viewer")).post("/api/sales/", sale(), format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Recording sales need the analyst role in workspace “Default workspace”; you are a viewer."
    }
    assert Sale.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"isbn13": "9780000000002"}, "isbn13", "No book with ISBN-13 9780000000002 in workspace “default”."),
        ({"region": "XX"}, "region", "Unknown region code 'XX'."),
        ({"quantity": 0}, "quantity", "Ensure this value is greater than or equal to 1."),
        ({"sold_at": "2025-06-01T10:30:00"}, "sold_at", f"The sale time needs a time zone (e.g. {AWARE})."),
        ({"discount": "100.00"}, "discount", "Discount 100.00 exceeds the gross amount 38.97."),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(book: Book, fields: dict, field: str, message: str) -> None:
    response = api_as(member_user("ana", role="analyst")).post("/api/sales/", sale(**fields), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][field] == [message]
    assert Sale.objects.count() == 0


def test_another_workspaces_book_is_unknown_here(book: Book) -> None:
    other = workspace_create(slug="shop-b", name="Shop B")
    client = api_as(member_user("bob", role="analyst", workspace=other))
    response = client.post("/api/sales/", sale(), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["isbn13"] == [f"No book with ISBN-13 {ISBN} in workspace “shop-b”."]
    assert Sale.objects.count() == 0


def test_a_region_limited_member_records_only_in_their_regions(book: Book) -> None:
    client = api_as(member_user("fra", role="analyst", regions=["FR"]))
    refused = client.post("/api/sales/", sale(region="DE"), format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Your membership of “Default workspace” is limited to regions FR; you cannot record a sale in DE."
    )
    assert Sale.objects.count() == 0
    assert client.post("/api/sales/", sale(region="FR"), format="json").status_code == 201


def test_anonymous_callers_get_401(book: Book) -> None:
    from rest_framework.test import APIClient

    assert APIClient().post("/api/sales/", sale(), format="json").status_code == 401
