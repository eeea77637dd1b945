"""The pages Django serves (the dashboard's index, health, admin) and the demo account."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/books?region=US&preset=90d", "/statement", "/settings"])
def test_every_dashboard_page_is_the_built_index_with_a_csrf_cookie(client: Client, tmp_path: Path, path: str) -> None:
    (tmp_path / "index.html").write_text('<!doctype html><div id="root"></div><script src="/static/assets/app.js">')

    with override_settings(FRONTEND_DIST=tmp_path):
        response = client.get(path)

    assert response.status_code == 200
    assert response.content.decode().endswith('<div id="root"></div><script src="/static/assets/app.js">')
    assert response["Cache-Control"] == "no-cache"
    assert "csrftoken" in response.cookies


def test_without_a_build_the_page_says_how_to_make_one(client: Client, tmp_path: Path) -> None:
    with override_settings(FRONTEND_DIST=tmp_path / "missing"):
        response = client.get("/")

    assert response.status_code == 503
    assert "The dashboard is not built yet." in response.content.decode()
    assert 'href="/api/docs/"' in response.content.decode()


def test_an_unknown_api_path_is_a_json_404_not_the_dashboard(client: Client) -> None:
    response = client.get("/api/analytics/nothing-here")

    assert response.status_code == 404
    assert response.json() == {"detail": "No such API endpoint: /api/analytics/nothing-here"}


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
