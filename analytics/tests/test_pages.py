"""The pages Django serves (the dashboard's index, health, admin) and the demo account;
/healthz, /readyz and /metrics in detail: test_ops_health.py and test_ops_metrics.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# A web process whose database does not answer (nothing listens on port 1), asked by an
# anonymous load balancer: what /healthz and /readyz answer (last line), and what it logs.
HEALTH_WITH_THE_DATABASE_DOWN = """
import json, django
django.setup()
from django.test import Client
answers = {path: Client().get(path, HTTP_HOST="localhost") for path in ("/healthz", "/readyz")}
print(json.dumps({path: {"status": r.status_code, "body": r.json()} for path, r in answers.items()}))
"""

_EVENTS_META = '<head><meta name="folio-events-port" content="8001"></head>'


@pytest.mark.parametrize("path", ["/", "/books?region=US&preset=90d", "/statement", "/settings"])
def test_every_dashboard_page_is_the_built_index_with_a_csrf_cookie(client: Client, tmp_path: Path, path: str) -> None:
    (tmp_path / "index.html").write_text('<!doctype html><div id="root"></div><script src="/static/assets/app.js">')

    with override_settings(FRONTEND_DIST=tmp_path):
        response = client.get(path)

    assert response.status_code == 200
    assert response.content.decode().endswith('<div id="root"></div><script src="/static/assets/app.js">')
    assert response["Cache-Control"] == "no-cache"
    assert "csrftoken" in response.cookies


@pytest.mark.parametrize(("port", "head"), [(None, "<head></head>"), (8001, _EVENTS_META)])
def test_the_page_names_the_events_port_only_when_one_is_set(
    client: Client, tmp_path: Path, port: int | None, head: str
) -> None:
    (tmp_path / "index.html").write_text('<!doctype html><head></head><div id="root"></div>')

    with override_settings(FRONTEND_DIST=tmp_path, LIVE_EVENTS_PORT=port):
        page = client.get("/").content.decode()

    assert page == f'<!doctype html>{head}<div id="root"></div>'


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


def test_with_the_database_down_health_fails_without_naming_the_host() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": "postgresql://folio@db-host.invalid:1/folio",
        "DJANGO_DEBUG": "false",
    }

    seen = subprocess.run(
        [sys.executable, "-c", HEALTH_WITH_THE_DATABASE_DOWN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    *logged, answered = seen.stdout.splitlines()
    assert json.loads(answered) == {
        "/healthz": {"status": 200, "body": {"status": "ok"}},  # alive: restarting it would not help
        "/readyz": {"status": 503, "body": {"status": "fail"}},
    }
    assert any("readiness check database failed" in line and "db-host.invalid" in line for line in logged)


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
    # The account administers the default workspace, where the demo's data is: the API answers it.
    me = client.get("/api/auth/me/").json()
    assert (me["workspace"]["slug"], me["role"]) == ("default", "admin")


def test_demo_user_refuses_a_short_password() -> None:
    with pytest.raises(CommandError, match="--password must be at least 8 characters"):
        call_command("demo_user", "--password", "short")

    assert get_user_model().objects.count() == 0
