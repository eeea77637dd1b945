"""The pages the demo serves before the dashboard lands, and the demo account."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_says_the_dashboard_is_coming_and_links_the_admin(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert "The dashboard is coming." in response.content.decode()
    assert 'href="/admin/"' in response.content.decode()


def test_health_reports_the_database(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "sqlite"}


def test_the_admin_asks_for_a_login(client: Client) -> None:
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_demo_user_prints_its_credentials_and_can_sign_in(capsys: pytest.CaptureFixture, client: Client) -> None:
    call_command("demo_user")
    call_command("demo_user")  # a second run resets, never duplicates

    assert "demo user: username 'demo', password 'folio-demo'" in capsys.readouterr().out
    assert get_user_model().objects.filter(username="demo", is_staff=True).count() == 1
    assert client.login(username="demo", password="folio-demo")


def test_demo_user_refuses_a_short_password() -> None:
    with pytest.raises(CommandError, match="--password must be at least 8 characters"):
        call_command("demo_user", "--password", "short")

    assert get_user_model().objects.count() == 0
