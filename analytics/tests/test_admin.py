"""Every admin changelist answers, and none counts a whole table on the way."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.services.tokens import api_token_authenticate, api_token_create
from books.models import Sale, Tombstone
from books.tests.factories import SaleFactory
from config import pagination
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db

MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in {"books", "finance", "analytics"}),
    key=lambda model: model._meta.label,
)


@pytest.fixture
def staff_client() -> Client:
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "a-long-password")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS, ids=[model._meta.label for model in MODELS])
def test_every_changelist_answers_without_counting_the_whole_table(staff_client: Client, model: type[Model]) -> None:
    SaleFactory.create_batch(3)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(url)

    assert response.status_code == 200
    table = model._meta.db_table
    full_counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and f'FROM "{table}"' in q["sql"]]
    assert full_counts == []


def test_the_sales_list_says_more_than_the_cap_instead_of_counting(
    staff_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "CAP", 5)
    SaleFactory.create_batch(8)

    response = staff_client.get(reverse("admin:books_sale_changelist"))

    assert response.status_code == 200
    assert "More than 5 sales: filter or search to narrow them" in response.content.decode()
    assert len(response.context["cl"].result_list) == 8


def test_deleting_sales_in_the_admin_leaves_tombstones(staff_client: Client) -> None:
    sales = SaleFactory.create_batch(2)
    ids = sorted(sale.pk for sale in sales)

    response = staff_client.post(
        reverse("admin:books_sale_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert response.status_code == 302
    assert Sale.objects.count() == 0
    assert sorted(Tombstone.objects.values_list("object_id", flat=True)) == ids


def test_deleting_a_sold_book_in_the_admin_is_refused_and_nothing_changes(staff_client: Client) -> None:
    sale: Sale = SaleFactory.create()

    response = staff_client.post(
        reverse("admin:books_book_changelist"),
        {"action": "delete_selected", "_selected_action": [sale.book_id], "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert Sale.objects.count() == 1
    assert Tombstone.objects.count() == 0


def test_revoking_tokens_in_the_admin_stops_them_and_keeps_no_plaintext(staff_client: Client) -> None:
    owner = get_user_model().objects.create_user("owner", password="owner-password")
    token, raw = api_token_create(workspace=workspace_default(), user=owner, name="old script")

    response = staff_client.post(
        reverse("admin:analytics_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    page = staff_client.get(reverse("admin:analytics_apitoken_change", args=[token.pk])).content.decode()

    assert "Revoked 1 token(s)." in response.content.decode()
    assert api_token_authenticate(raw=raw) is None
    assert raw not in page and token.digest not in page
