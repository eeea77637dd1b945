"""Who the client is (the socket, unless trusted proxies say otherwise), and repeated failed
logins locked out per account and per address, on the API and in the admin, with Redis and
with the local-memory cache."""

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory, override_settings
from rest_framework.test import APIClient

from analytics.api.throttling import PerUserThrottle
from analytics.client_address import client_address

if TYPE_CHECKING:  # the test clients' responses, as the stubs name them (no runtime classes)
    from django.test.client import _MonkeyPatchedWSGIResponse
    from rest_framework.response import _MonkeyPatchedResponse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOCKED = "Too many failed logins for this account or from this address; try again in 15 minute(s)."


@pytest.fixture
def ada() -> User:
    return User.objects.create_user("ada", password=PASSWORD, is_staff=True)


def api_login(client: APIClient, username: str, password: str, forwarded_for: str = "") -> "_MonkeyPatchedResponse":
    """POST /api/auth/login/ as the dashboard does (CSRF token first), optionally with an X-Forwarded-For."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    csrf = client.get("/api/auth/csrf/", headers=headers).json()["csrf_token"]
    return client.post(
        "/api/auth/login/",
        {"username": username, "password": password},
        format="json",
        headers={**headers, "X-CSRFToken": csrf},
    )


def admin_login(client: Client, username: str, password: str, forwarded_for: str = "") -> "_MonkeyPatchedWSGIResponse":
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, headers=headers)


@pytest.mark.parametrize(
    ("settings_", "peer", "forwarded", "client"),
    [
        ({}, "198.51.100.7", "203.0.113.1", "198.51.100.7"),
        ({"NUM_PROXIES": 1}, "10.0.3.4", "203.0.113.1, 198.51.100.7", "198.51.100.7"),
        ({"NUM_PROXIES": 2}, "10.0.3.4", "203.0.113.1, 198.51.100.7, 10.0.9.9", "198.51.100.7"),
        ({"NUM_PROXIES": 1}, "10.0.3.4", "", "10.0.3.4"),
        ({"TRUSTED_PROXIES": ["10.0.0.0/8"]}, "10.0.3.4", "203.0.113.1, 198.51.100.7", "198.51.100.7"),
        ({"TRUSTED_PROXIES": ["10.0.0.0/8"]}, "10.0.3.4", "203.0.113.1, 198.51.100.7, 10.0.9.9", "198.51.100.7"),
        ({"TRUSTED_PROXIES": ["10.0.0.0/8"]}, "198.51.100.9", "203.0.113.1", "198.51.100.9"),
        ({"TRUSTED_PROXIES": ["10.0.0.0/8"]}, "10.0.3.4", "not-an-address", "10.0.3.4"),
        ({"TRUSTED_PROXIES": ["10.0.0.0/8", "2001:db8::/32"]}, "2001:db8::1", "2001:db9::5", "2001:db9::5"),
    ],
)
def test_the_client_is_the_socket_unless_trusted_proxies_vouch(
    settings_: dict, peer: str, forwarded: str, client: str
) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(**settings_):
        seen = client_address(request)

    assert seen == client


def test_rotating_x_forwarded_for_does_not_escape_the_anonymous_throttle(
    each_cache: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PerUserThrottle, "THROTTLE_RATES", {"user": "3/min"})
    client = APIClient()

    statuses = [client.get("/api/auth/csrf/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(1, 6)]

    assert statuses == [200, 200, 200, 429, 429]


def test_an_ipv6_client_rotating_through_its_64_is_throttled_as_one(
    each_cache: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PerUserThrottle, "THROTTLE_RATES", {"user": "3/min"})

    statuses = [APIClient(REMOTE_ADDR=f"2001:db8:1:2::{n:x}").get("/api/auth/csrf/").status_code for n in range(1, 5)]
    neighbour = APIClient(REMOTE_ADDR="2001:db8:1:3::1").get("/api/auth/csrf/").status_code

    assert (statuses, neighbour) == ([200, 200, 200, 429], 200)


@override_settings(NUM_PROXIES=1)
def test_behind_a_load_balancer_each_client_is_throttled_on_its_own(
    each_cache: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PerUserThrottle, "THROTTLE_RATES", {"user": "3/min"})
    client = APIClient()

    busy = [
        client.get("/api/auth/csrf/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7").status_code for n in range(4)
    ]
    calm = client.get("/api/auth/csrf/", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code

    assert (busy, calm) == ([200, 200, 200, 429], 200)


def test_thirty_wrong_api_passwords_lock_the_account_whatever_the_forwarded_address(each_cache: str, ada: User) -> None:
    client = APIClient()

    statuses = [api_login(client, "ada", f"guess-{n}", f"203.0.113.{n}").status_code for n in range(30)]
    locked = api_login(client, "ada", PASSWORD, "198.51.100.1")
    me = client.get("/api/auth/me/")

    assert statuses == [400] * 5 + [429] * 25
    assert (locked.status_code, locked.json()["detail"]) == (429, f"{LOCKED} Expected available in 900 seconds.")
    assert 895 <= int(locked["Retry-After"]) <= 900
    assert me.status_code in (401, 403)


def test_one_address_guessing_many_accounts_is_locked_out(each_cache: str, ada: User) -> None:
    client = APIClient()

    statuses = [api_login(client, f"user{n}", "guess").status_code for n in range(20)]
    # the right password of another account, from the same address, is not even checked
    locked = api_login(client, "ada", PASSWORD)
    elsewhere = api_login(APIClient(REMOTE_ADDR="198.51.100.2"), "ada", PASSWORD)

    assert statuses == [400] * 20
    assert locked.status_code == 429
    assert elsewhere.status_code == 200


def test_after_the_window_the_right_password_works_again(each_cache: str, ada: User) -> None:
    client = APIClient()
    with override_settings(LOGIN_FAILURE_WINDOW_SECONDS=2):
        failures = [api_login(client, "ada", "guess").status_code for _ in range(5)]
        locked = api_login(client, "ada", PASSWORD).status_code
        time.sleep(2.2)
        reopened = api_login(client, "ada", PASSWORD)

    assert (failures, locked) == ([400] * 5, 429)
    assert (reopened.status_code, reopened.json()["username"]) == (200, "ada")


def test_a_successful_login_clears_the_accounts_failures(each_cache: str, ada: User) -> None:
    client = APIClient()

    statuses = [api_login(client, "ada", "guess").status_code for _ in range(4)]
    statuses.append(api_login(client, "ada", PASSWORD).status_code)
    statuses += [api_login(APIClient(), "ada", "guess").status_code for _ in range(4)]

    assert statuses == [400] * 4 + [200] + [400] * 4


def test_the_admin_login_is_locked_out_too_and_checks_no_password_while_locked(each_cache: str, ada: User) -> None:
    client = Client()

    pages = [admin_login(client, "ada", f"guess-{n}", f"203.0.113.{n}") for n in range(30)]
    locked = admin_login(client, "ada", PASSWORD)
    admin_home = client.get("/admin/")

    assert [page.status_code for page in pages] == [200] * 30
    assert all(LOCKED not in page.content.decode() for page in pages[:5])
    assert all(LOCKED in page.content.decode() for page in pages[5:])
    assert locked.status_code == 200 and LOCKED in locked.content.decode()
    assert (admin_home.status_code, admin_home["Location"]) == (302, "/admin/login/?next=/admin/")


def test_failures_count_across_the_api_and_the_admin(each_cache: str, ada: User) -> None:
    for _ in range(3):
        admin_login(Client(), "ada", "guess")
    for _ in range(2):
        api_login(APIClient(), "ada", "guess")

    refused = admin_login(Client(), "ada", PASSWORD)

    assert LOCKED in refused.content.decode()


def test_the_request_log_records_the_client_address(tmp_path: Path) -> None:
    log = tmp_path / "api.jsonl"
    with override_settings(API_LOG_PATH=log, NUM_PROXIES=1):
        APIClient().get("/api/auth/csrf/", HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7")

    assert json.loads(log.read_text())["client"] == "198.51.100.7"
