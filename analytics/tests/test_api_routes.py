"""The seed's documented paths, with a trailing slash, answer exactly as Folio's own
spelling does, for every route and method; the schema documents one spelling."""

import json
import logging
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import URLPattern
from rest_framework.test import APIClient

from analytics.api import account_urls, analytics_urls
from analytics.api.throttling import PerUserThrottle
from analytics.log_filters import LongArgumentsTrimmed
from analytics.services.job_starts import sync_start
from analytics.services.tokens import api_token_create
from analytics.tests.members import member_user
from workspaces.services import workspace_default

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

DECLARED = {
    f"/api/{prefix}{pattern.pattern}"
    for prefix, module in (("analytics/", analytics_urls), ("", account_urls))
    for pattern in module.urlpatterns
    if isinstance(pattern, URLPattern) and not getattr(pattern.callback, "alternate_spelling", False)
} | {"/api/schema/", "/api/docs/"}

FRESH_CSRF_TOKEN = {"/api/auth/csrf/", "/api/docs/"}  # each answer carries a newly masked token


def body(response: object) -> bytes:
    """The answer's bytes, streamed ones (the event stream's) included."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]  # a streaming answer
    return response.content  # type: ignore[attr-defined]  # a test client's answer


def other_spelling(path: str) -> str:
    return path[:-1] if path.endswith("/") else f"{path}/"


@pytest.fixture
def boss() -> User:
    return member_user("boss", password="boss-password", is_staff=True, is_superuser=True)


@pytest.fixture
def staff(boss: User) -> APIClient:
    api = APIClient()
    api.force_login(boss)
    return api


def concrete(route: str, boss: User) -> str:
    """A route with its converters filled by real objects (a job, a token)."""
    job = sync_start(workspace=workspace_default(), user=boss, full=False)
    token, _ = api_token_create(workspace=workspace_default(), user=boss, name="routes")
    return (
        route.replace("<int:job_id>", str(job.pk))
        .replace("<str:kind>", "sales")
        .replace("<int:token_id>", str(token.pk))
    )


def test_the_sweep_covers_every_declared_route() -> None:
    assert len(DECLARED) == 32
    assert {
        "/api/analytics/summary",
        "/api/analytics/freshness",
        "/api/analytics/events",
        "/api/tokens/",
        "/api/auth/login/",
        "/api/auth/providers/",
    } <= DECLARED


@pytest.mark.parametrize("route", sorted(DECLARED))
def test_every_route_answers_a_get_the_same_under_both_spellings(
    staff: APIClient, shop: None, boss: User, route: str
) -> None:
    path = concrete(route, boss)

    declared = staff.get(path)
    other = staff.get(other_spelling(path))

    assert declared.status_code != 404 or route.endswith("/rejects")  # the job rejected nothing: 404 by design
    assert other.status_code == declared.status_code
    assert route in FRESH_CSRF_TOKEN or body(other) == body(declared)


@pytest.mark.parametrize(
    ("route", "body", "status", "expected"),
    [
        ("/api/analytics/generate-test-data", {"books": 0}, 400, "Invalid books: "),
        ("/api/analytics/sync", {"full": "maybe"}, 400, "Invalid full: "),
        ("/api/auth/login/", {"username": "boss", "password": "wrong"}, 400, "Wrong username or password"),
        ("/api/tokens/", {"name": ""}, 400, "Invalid name: "),
    ],
)
def test_a_post_body_reaches_the_view_under_both_spellings(
    staff: APIClient, route: str, body: dict, status: int, expected: str
) -> None:
    declared = staff.post(route, body, format="json")
    other = staff.post(other_spelling(route), body, format="json")

    assert (declared.status_code, other.status_code) == (status, status)
    assert declared.json() == other.json()
    assert other.json()["detail"].startswith(expected)


def test_an_import_upload_reaches_the_view_under_both_spellings(staff: APIClient) -> None:
    declared = staff.post("/api/analytics/imports/sales", {"skip_invalid": "true"}, format="multipart")
    other = staff.post("/api/analytics/imports/sales/", {"skip_invalid": "true"}, format="multipart")

    assert (declared.status_code, other.status_code) == (400, 400)
    assert declared.json() == other.json()
    assert other.json() == {
        "detail": "Invalid file: No file was submitted.",
        "errors": {"file": ["No file was submitted."]},
    }


@pytest.mark.parametrize("export", ["csv", "xlsx", "json"])
def test_exports_are_the_same_file_under_both_spellings(staff: APIClient, shop: None, export: str) -> None:
    declared = staff.get(f"/api/analytics/finance/fund-table?format={export}")
    other = staff.get(f"/api/analytics/finance/fund-table/?format={export}")

    assert (declared.status_code, other.status_code) == (200, 200)
    assert other["Content-Type"] == declared["Content-Type"]
    assert other.content == declared.content or export == "xlsx"  # a workbook's zip stamps the time


def test_the_schema_documents_each_route_once() -> None:
    paths = set(APIClient().get("/api/schema/?format=json").json()["paths"])

    assert {"/api/analytics/summary", "/api/analytics/statement/profit", "/api/tokens/", "/api/auth/login/"} <= paths
    assert not {other_spelling(path) for path in paths} & paths


# Unknown paths: short log lines, and anonymous callers throttled per address ----------------------

LONG_PATH = "/api/analytics/" + "x" * 8192


def test_an_anonymous_404_for_an_8kb_path_is_answered_and_logged_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    django_lines: list[str] = []
    handler = logging.Handler()
    monkeypatch.setattr(handler, "emit", lambda record: django_lines.append(record.getMessage()))
    handler.addFilter(LongArgumentsTrimmed())
    logging.getLogger("django.request").addHandler(handler)
    log = tmp_path / "api.jsonl"
    try:
        with override_settings(API_LOG_PATH=log):
            response = APIClient().get(LONG_PATH)
    finally:
        logging.getLogger("django.request").removeHandler(handler)

    logged = json.loads(log.read_text().splitlines()[-1])
    assert response.status_code == 404
    assert response.json()["detail"] == f"No such API endpoint: {LONG_PATH[:200]}…(+{len(LONG_PATH) - 200} chars)"
    assert logged["path"] == logged["endpoint"] == f"{LONG_PATH[:300]}…(+{len(LONG_PATH) - 300} chars)"
    assert django_lines == [f"Not Found: {LONG_PATH[:300]}…(+{len(LONG_PATH) - 300} chars)"]


def test_anonymous_requests_are_throttled_per_address_404s_and_401s_included(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(PerUserThrottle, "THROTTLE_RATES", {"user": "3/min"})
    prober, neighbour = APIClient(REMOTE_ADDR="203.0.113.7"), APIClient(REMOTE_ADDR="203.0.113.8")

    statuses = [prober.get(path).status_code for path in ("/api/nope", "/api/analytics/nope", "/api/analytics/summary")]
    refused = prober.get("/api/nope")
    other = neighbour.get("/api/nope")

    assert statuses == [404, 404, 401]
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Request was throttled. Expected available in ")
    assert int(refused["Retry-After"]) > 0
    assert other.status_code == 404


def test_a_made_up_token_is_counted_as_anonymous_and_a_real_one_is_not(
    monkeypatch: pytest.MonkeyPatch, boss: User
) -> None:
    monkeypatch.setattr(PerUserThrottle, "THROTTLE_RATES", {"user": "3/min"})
    _, raw = api_token_create(workspace=workspace_default(), user=boss, name="script")
    forger, script = APIClient(REMOTE_ADDR="203.0.113.10"), APIClient(REMOTE_ADDR="203.0.113.11")
    forger.credentials(HTTP_AUTHORIZATION="Bearer folio_made-up")
    script.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    forged = [forger.get("/api/nope").status_code for _ in range(4)]
    real = [script.get("/api/auth/me/").status_code for _ in range(4)]

    assert forged == [404, 404, 404, 429]
    assert real == [200, 200, 200, 429]  # counted once per request, per user, by the view


def test_an_anonymous_request_to_a_public_view_counts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PerUserThrottle, "THROTTLE_RATES", {"user": "3/min"})
    visitor = APIClient(REMOTE_ADDR="203.0.113.9")

    statuses = [visitor.get("/api/auth/csrf/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
