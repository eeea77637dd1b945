"""Isolation between workspaces, tested as an attacker would: a member of workspace A who
sends B's job numbers, token ids, member and invitation ids to every endpoint under /api/
(read from the URLconf, so a new endpoint is swept without touching this file) gets a 404
or 403 and never a row of B; a token of A reads A only; an answer cached for one workspace
is never served to the other."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from alerts.models import Alert
from analytics.models import ApiToken, Job, JobStatus
from analytics.services.tokens import api_token_create
from analytics.sync import warehouse_sync
from analytics.tests.members import api_as, member_user
from books.models import Book, Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from finance.services.generation import FinanceDataSpec, finance_data_generate
from reports.models import Subscription, SubscriptionDelivery
from webhooks.models import Webhook, WebhookDelivery
from workspaces.models import Invitation, Membership, Workspace
from workspaces.services import invitation_create, workspace_create

pytestmark = pytest.mark.django_db

# Texts that exist only in workspace B: none may ever reach a member of A.
B_MARKERS = (
    "beta-secret-token",
    "beta_admin",
    "beta_analyst",
    "beta-only@example.com",
    "invitee-of-beta@example.com",
    "Beta Books",
    "beta-hooks.example",
)
LEFT = "This token's workspace no longer counts its owner as a member; ask an admin of it to add you again."


@dataclass(frozen=True)
class Route:
    """One route under /api/ as the URLconf declares it."""

    path: str  # e.g. "api/analytics/jobs/<int:job_id>"
    name: str
    methods: tuple[str, ...]


def _walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def api_routes() -> list[Route]:
    """Every declared route under /api/ with the HTTP methods its view answers (the other
    spelling of each route is the same view, and skipped)."""
    routes = []
    for path, pattern in _walk(get_resolver().url_patterns):
        if not path.startswith("api/") or getattr(pattern.callback, "alternate_spelling", False):
            continue
        view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        methods = tuple(m for m in ("get", "post", "put", "patch", "delete") if view and hasattr(view, m))
        routes.append(Route(path=path, name=pattern.name or path, methods=methods))
    return routes


SWEEP = [(route, method) for route in api_routes() for method in route.methods]


@dataclass
class TwoWorkspaces:
    """A and B, each with members, a job, a token and an invitation; `attacker` is A's admin."""

    a: Workspace
    b: Workspace
    attacker: User
    a_token: str
    b_job: Job
    b_token: ApiToken
    b_member: Membership
    b_invitation: Invitation
    b_alert: Alert
    b_webhook: Webhook
    b_delivery: WebhookDelivery
    b_subscription: Subscription

    def b_ids(self) -> dict[str, str]:
        """B's id for each URL parameter; a new parameter must be added here (the sweep fails until it is)."""
        return {
            "job_id": str(self.b_job.pk),
            "token_id": str(self.b_token.pk),
            "member_id": str(self.b_member.pk),
            "invitation_id": str(self.b_invitation.pk),
            "alert_id": str(self.b_alert.pk),
            "kind": "books",
            "webhook_id": str(self.b_webhook.pk),
            "delivery_id": str(self.b_delivery.pk),
            "subscription_id": str(self.b_subscription.pk),
        }


@pytest.fixture
def two(tmp_path: Path) -> Iterator[TwoWorkspaces]:
    a = workspace_create(slug="alpha", name="Alpha Books")
    b = workspace_create(slug="beta", name="Beta Books")
    attacker = member_user("alpha_admin", role="admin", workspace=a)
    member_user("alpha_viewer", role="viewer", workspace=a)
    b_admin = member_user("beta_admin", role="admin", workspace=b, email="beta-only@example.com")
    member_user("beta_analyst", role="analyst", workspace=b)
    b_job = Job.objects.create(
        kind="import_books",
        workspace=b,
        created_by=b_admin,
        status=JobStatus.FAILED,
        parameters={"file": "beta-secret-token.csv", "stored": str(tmp_path / "b" / "x.csv"), "skip_invalid": False},
        result={"rejects_file": None},
    )
    b_token, _ = api_token_create(user=b_admin, workspace=b, name="beta-secret-token")
    _, a_token = api_token_create(user=attacker, workspace=a, name="alpha script")
    b_webhook = Webhook.objects.create(
        workspace=b, url="https://beta-hooks.example/in", events=["sync.failed"], secret="whsec_beta-secret-token"
    )
    b_subscription = Subscription.objects.create(
        workspace=b,
        created_by=b_admin,
        name="beta-secret-token report",
        target="question",
        question="sales-by-region",
        format="csv",
        schedule="daily",
        time="09:00",
    )
    SubscriptionDelivery.objects.create(
        subscription=b_subscription, trigger="manual", scheduled_for="2025-01-01T00:00:00Z", status="sent"
    )
    with override_settings(IMPORT_UPLOAD_DIR=str(tmp_path / "uploads")):
        yield TwoWorkspaces(
            a=a,
            b=b,
            attacker=attacker,
            a_token=a_token,
            b_job=b_job,
            b_token=b_token,
            b_member=Membership.objects.get(user=b_admin),
            b_invitation=invitation_create(workspace=b, email="invitee-of-beta@example.com", role="viewer"),
            b_alert=Alert.objects.create(
                workspace=b,
                created_by=b_admin,
                name="beta-secret-token alert",
                question="summary",
                value={"field": "revenue"},
                condition="above",
                threshold=1,
            ),
            b_webhook=b_webhook,
            b_delivery=WebhookDelivery.objects.create(webhook=b_webhook, event="sync.failed", body="{}"),
            b_subscription=b_subscription,
        )


def _filled(path: str, ids: dict[str, str]) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(2)
        if name not in ids:
            pytest.fail(f"No id of workspace B for the URL parameter {name!r}: add one to TwoWorkspaces.b_ids")
        return ids[name]

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, path)


def _body(route: Route, method: str, two: TwoWorkspaces) -> tuple[dict[str, Any], str]:
    """A request body worth sending: what a real client would send to this route, with B's names where it takes one."""
    if route.name == "analytics-import":
        return {"file": SimpleUploadedFile("c.csv", b"isbn13,title,authors\n9780439023481,T,A\n")}, "multipart"
    bodies: dict[str, dict[str, Any]] = {
        "workspace-current": {"slug": two.b.slug},
        "workspace-member-list": {"email": "someone-new@example.com", "role": "viewer"},
        "workspace-member-detail": {"role": "viewer"},
        "analytics-generate-test-data": {"books": 1, "sales": 1},
        "token-list": {"name": "probe"},
        "webhook-list": {"url": "http://127.0.0.1:9/in", "events": ["sync.failed"]},
        "webhook-detail": {"active": False},
        "subscription-list": {
            "name": "probe",
            "target": "question",
            "question": "sales-by-region",
            "format": "csv",
            "schedule": "daily",
            "time": "09:00",
        },
        "subscription-detail": {"active": False},
        "auth-login": {"username": "beta_admin", "password": "wrong"},
    }
    return bodies.get(route.name, {}), "json"


def _b_unchanged(two: TwoWorkspaces) -> None:
    assert Job.objects.filter(pk=two.b_job.pk, workspace=two.b).exists()
    assert ApiToken.objects.get(pk=two.b_token.pk).revoked_at is None
    assert Membership.objects.get(pk=two.b_member.pk).role == "admin"
    assert Invitation.objects.filter(pk=two.b_invitation.pk).exists()
    assert Alert.objects.filter(pk=two.b_alert.pk, active=True).exists()
    assert Webhook.objects.get(pk=two.b_webhook.pk).active is True
    assert list(WebhookDelivery.objects.filter(webhook=two.b_webhook).values_list("pk", flat=True)) == [
        two.b_delivery.pk
    ]
    assert Subscription.objects.filter(pk=two.b_subscription.pk, active=True).exists()
    assert SubscriptionDelivery.objects.filter(subscription=two.b_subscription).count() == 1
    assert set(Membership.objects.filter(workspace=two.b).values_list("user__username", flat=True)) == {
        "beta_admin",
        "beta_analyst",
    }


def test_the_sweep_covers_the_workspace_jobs_and_token_endpoints() -> None:
    names = {route.name for route, _ in SWEEP}

    assert {
        "analytics-job",
        "analytics-import-rejects",
        "token-detail",
        "workspace-member-detail",
        "workspace-invitation-detail",
        "workspace-current",
        "analytics-summary",
        "webhook-detail",
        "webhook-deliveries",
        "webhook-redeliver",
        "subscription-detail",
        "subscription-send",
        "subscription-deliveries",
        "subscription-delivery-file",
    } <= names


@pytest.mark.parametrize(("route", "method"), SWEEP, ids=[f"{method}-{route.path}" for route, method in SWEEP])
def test_a_member_of_a_sending_bs_ids_gets_nothing_of_b(two: TwoWorkspaces, route: Route, method: str) -> None:
    # given A's admin, with B's ids in the URL
    client = api_as(two.attacker)
    url = _filled(route.path, two.b_ids())
    body, fmt = _body(route, method, two)

    # when they call the endpoint
    response = getattr(client, method)(url, body, format=fmt) if method != "get" else client.get(url)

    # then a URL holding a B id is refused, and no answer holds anything of B
    # The event stream's answer is streamed (under the test client: its hello alone).
    streamed = b"".join(getattr(response, "streaming_content", [])) if response.streaming else b""
    text = (streamed if response.streaming else response.content).decode("utf-8", errors="replace")
    assert not [marker for marker in B_MARKERS if marker in text], (response.status_code, text[:300])
    if "<" in route.path and route.name != "analytics-import":
        assert response.status_code in (403, 404), (response.status_code, text[:300])
    if route.name == "workspace-current":
        assert (response.status_code, response.json()) == (
            404,
            {"detail": "You are not a member of a workspace “beta”."},
        )
    _b_unchanged(two)


@pytest.mark.parametrize("path", ["/api/analytics/jobs/{job}", "/api/analytics/jobs/{job}/rejects"])
def test_a_token_of_a_cannot_read_bs_job(two: TwoWorkspaces, path: str) -> None:
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {two.a_token}")

    response = client.get(path.format(job=two.b_job.pk))

    assert response.status_code == 404


def test_a_token_of_a_cannot_revoke_bs_token_nor_switch_workspace(two: TwoWorkspaces) -> None:
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {two.a_token}")

    revoked = client.delete(f"/api/tokens/{two.b_token.pk}/")
    switched = client.post("/api/workspaces/current/", {"slug": "alpha"}, format="json")

    assert (revoked.status_code, revoked.json()) == (404, {"detail": "No such token."})
    assert (switched.status_code, switched.json()["errors"]) == (
        400,
        {"slug": ["A token acts in its own workspace; create a token in the other workspace instead."]},
    )
    assert ApiToken.objects.get(pk=two.b_token.pk).revoked_at is None


def test_a_token_stops_working_when_its_owner_leaves_the_workspace(two: TwoWorkspaces) -> None:
    viewer = member_user("alpha_reader", role="viewer", workspace=two.a)
    _, raw = api_token_create(user=viewer, workspace=two.a, name="reader script")
    Membership.objects.filter(user=viewer).delete()

    response = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/analytics/freshness")

    assert (response.status_code, response.json()["detail"]) == (403, LEFT)


def test_a_session_switches_only_to_its_own_workspaces(two: TwoWorkspaces) -> None:
    both = member_user("both", role="viewer", workspace=two.a)
    Membership.objects.create(workspace=two.b, user=both, role="analyst")
    client = api_as(both)

    before = client.get("/api/auth/me/").json()
    switched = client.post("/api/workspaces/current/", {"slug": "beta"}, format="json")
    after = client.get("/api/auth/me/").json()
    listed = client.get("/api/workspaces/").json()

    assert (before["workspace"]["slug"], before["role"]) == ("alpha", "viewer")
    assert switched.json() == {"slug": "beta", "name": "Beta Books", "role": "analyst", "current": True}
    assert (after["workspace"]["slug"], after["role"]) == ("beta", "analyst")
    assert listed == [
        {"slug": "alpha", "name": "Alpha Books", "role": "viewer", "current": False},
        {"slug": "beta", "name": "Beta Books", "role": "analyst", "current": True},
    ]


# --- Answers: every workspace's data in one warehouse, each member sees their own ---------


@pytest.fixture
def shops(tmp_path: Path) -> Iterator[tuple[Workspace, Workspace]]:
    """Two workspaces with different books, sales and ledgers (other seeds), synced into one warehouse."""
    a = workspace_create(slug="alpha", name="Alpha Books")
    b = workspace_create(slug="beta", name="Beta Books")
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        for workspace, seed, sales in ((a, 3, 300), (b, 11, 500)):
            sales_data_generate(
                spec=SalesDataSpec(
                    books=15, sales=sales, seed=seed, years=1, end_date=date(2025, 12, 31), workspace=workspace.slug
                )
            )
            finance_data_generate(
                spec=FinanceDataSpec(
                    entries=80, years=1, seed=seed, end_date=date(2025, 12, 31), workspace=workspace.slug
                )
            )
        warehouse_sync()
        yield a, b


def _revenue(workspace: Workspace) -> Decimal:
    return sum(Sale.objects.filter(workspace=workspace).values_list("amount", flat=True), Decimal("0.00"))


def test_an_answer_cached_for_b_is_not_served_to_a(shops: tuple[Workspace, Workspace]) -> None:
    a, b = shops
    from_b = api_as(member_user("beta_viewer", role="viewer", workspace=b)).get("/api/analytics/summary")
    from_a = api_as(member_user("alpha_viewer", role="viewer", workspace=a)).get("/api/analytics/summary")
    again = api_as(member_user("alpha_other", role="viewer", workspace=a)).get("/api/analytics/summary")

    assert (from_b["X-Cache"], from_a["X-Cache"], again["X-Cache"]) == ("MISS", "MISS", "HIT")


def test_an_export_rendered_for_b_is_not_served_to_a(shops: tuple[Workspace, Workspace]) -> None:
    a, b = shops
    from_b = api_as(member_user("beta_analyst", workspace=b)).get("/api/analytics/top-books", {"format": "csv"})
    from_a = api_as(member_user("alpha_analyst", workspace=a)).get("/api/analytics/top-books", {"format": "csv"})

    assert (from_b.status_code, from_a.status_code) == (200, 200)
    assert (from_b["X-Cache"], from_a["X-Cache"]) == ("MISS", "MISS")


def test_each_member_reads_their_own_workspaces_revenue(shops: tuple[Workspace, Workspace]) -> None:
    a, b = shops

    seen_by_a = api_as(member_user("alpha_viewer", role="viewer", workspace=a)).get("/api/analytics/summary").json()
    seen_by_b = api_as(member_user("beta_viewer", role="viewer", workspace=b)).get("/api/analytics/summary").json()

    assert Decimal(seen_by_a["result"]["revenue"]) == _revenue(a)
    assert Decimal(seen_by_b["result"]["revenue"]) == _revenue(b)


def test_a_members_best_sellers_and_their_export_hold_only_their_books(shops: tuple[Workspace, Workspace]) -> None:
    a, _ = shops
    client = api_as(member_user("alpha_analyst", workspace=a))
    own = set(Book.objects.filter(workspace=a).values_list("pk", flat=True))

    listed = client.get("/api/analytics/top-books", {"limit": "100"}).json()["results"]
    exported = client.get("/api/analytics/top-books", {"limit": "100", "format": "csv"}).content.decode()
    exported_ids = {int(line.split(",")[1]) for line in exported.splitlines()[1:] if line}

    assert {row["book_id"] for row in listed} <= own
    assert exported_ids <= own


def test_a_token_of_a_reads_as_revenue_only(shops: tuple[Workspace, Workspace]) -> None:
    a, _ = shops
    _, raw = api_token_create(user=member_user("alpha_script", role="viewer", workspace=a), workspace=a, name="s")

    body = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/analytics/summary").json()

    assert Decimal(body["result"]["revenue"]) == _revenue(a)
