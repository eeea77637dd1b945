"""Webhooks end to end with real parts: a receiver on loopback that verifies every signature
with the README's recipe, the real sync publishing a generation, the real delivery tasks."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from analytics.models import Generation, GenerationStatus
from analytics.notices import alert_fired, notice_send, sync_failed
from analytics.services.import_jobs import import_run
from analytics.sync import warehouse_sync
from analytics.tests.members import api_as, member_user
from books.models import Book, Region, Sale
from books.services.generation import SalesDataSpec, sales_data_generate
from books.services.records import sale_create
from webhooks.dispatch import decimal_text
from webhooks.models import DeliveryStatus, Webhook, WebhookDelivery
from webhooks.services import delivery_attempt
from webhooks.tasks import webhook_deliver, webhook_deliveries_requeue
from webhooks.tests.receiver import Receiver
from workspaces.services import workspace_create, workspace_default

pytestmark = pytest.mark.django_db

KNOWN = "Known events: generation.published, alert.fired, alert.resolved, import.finished, sync.failed."
REFUSED = "Managing webhooks needs the admin role in workspace “Default workspace”; you are a viewer."


def test_registering_answers_201_with_the_secret_once_and_never_again(client: APIClient, receiver: Receiver) -> None:
    created = client.post("/api/webhooks/", {"url": receiver.url, "events": ["sync.failed"]}, format="json")
    hook_id = created.json()["id"]

    listed = client.get("/api/webhooks/").json()
    one = client.get(f"/api/webhooks/{hook_id}/").json()

    assert created.status_code == 201
    assert created.json()["secret"].startswith("whsec_") and len(created.json()["secret"]) > 40
    assert created.json()["secret"] == Webhook.objects.get().secret
    assert [(row["url"], row["events"], row["active"], "secret" in row) for row in listed] == [
        (receiver.url, ["sync.failed"], True, False)
    ]
    assert "secret" not in one and one["created_by"] == "ada"


def test_the_test_button_delivers_a_signed_body_the_receiver_verifies(
    client: APIClient, receiver: Receiver, hook: Webhook
) -> None:
    queued = client.post(f"/api/webhooks/{hook.pk}/test/")

    status = webhook_deliver(queued.json()["id"])  # the task the commit queues, run here
    log = client.get(f"/api/webhooks/{hook.pk}/deliveries/").json()

    assert (queued.status_code, queued.json()["status"], status) == (202, "pending", "succeeded")
    [request] = receiver.requests
    assert (request.verified, request.error) == (True, "")
    body = json.loads(request.raw)
    assert body == {
        "event": "webhook.test",
        "id": queued.json()["delivery_id"],
        "occurred_at": body["occurred_at"],
        "workspace": "default",
        "message": "A test delivery from Folio.",
        "webhook": hook.pk,
    }
    assert request.headers["X-Folio-Delivery"] == queued.json()["delivery_id"]
    assert request.headers["X-Folio-Event"] == "webhook.test"
    assert [(row["event"], row["status"], row["attempts"], row["response_code"]) for row in log["results"]] == [
        ("webhook.test", "succeeded", 1, 200)
    ]
    assert log["count"] == 1


def test_a_published_generation_sends_one_delivery_with_its_number_and_the_workspaces_own_rows(
    pipeline: None, receiver: Receiver, hook: Webhook, client: APIClient
) -> None:
    # given a second workspace with sales of its own, whose admin has a webhook too
    other = workspace_create(slug="atlas", name="Atlas Books")
    other_hook = Webhook.objects.create(
        workspace=other, url=receiver.url, events=["generation.published"], secret="whsec_other"
    )
    sales_data_generate(spec=SalesDataSpec(books=8, sales=120, seed=3, years=1, end_date=date(2025, 12, 31)))
    sales_data_generate(
        spec=SalesDataSpec(books=5, sales=70, seed=4, years=1, end_date=date(2025, 12, 31), workspace="atlas")
    )
    warehouse_sync()
    first_deliveries = {d.webhook_id: d for d in WebhookDelivery.objects.all()}

    # when sales are created in the default workspace only and the sync publishes them
    book, region = Book.objects.filter(workspace=workspace_default()).first(), Region.objects.first()
    assert book is not None and region is not None
    for day in range(1, 31):
        sale_create(
            workspace=workspace_default(),
            book=book,
            region=region,
            sold_at=datetime(2025, 6, day, tzinfo=UTC),
            quantity=1,
        )
    with override_settings(EXPORT_LOOKBACK_SECONDS=0):  # re-reading the last minutes would re-export atlas' rows
        generation = warehouse_sync()

    # then exactly one delivery for the default workspace's webhook carries that generation
    new = WebhookDelivery.objects.exclude(pk__in=[d.pk for d in first_deliveries.values()])
    assert [(d.webhook_id, d.event) for d in new] == [(hook.pk, "generation.published")]
    assert set(first_deliveries) == {hook.pk, other_hook.pk}  # the first sync changed both
    assert webhook_deliver(new.get().pk) == "succeeded"
    body = receiver.bodies()[0]
    assert (body["event"], body["generation"], body["workspace"]) == (
        "generation.published",
        generation.number,
        "default",
    )
    assert body["rows"]["fact_sales"] == Sale.objects.filter(workspace=workspace_default()).count() == 150
    assert body["rows"]["dim_book"] == 8
    assert body["changed"] == {"sales": {"from": "2025-06-01", "to": "2025-06-30"}}
    assert body["as_of"] is not None


def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_try(
    receiver: Receiver, hook: Webhook, eager: None
) -> None:
    receiver.codes = [500, 500]
    attempt = Generation.objects.create(status=GenerationStatus.FAILED, backend="duckdb", error="LoadError: x")
    notice_send(sync_failed, Generation, attempt=attempt)
    delivery = WebhookDelivery.objects.get()

    # the beat's sweep finds the delivery due each time (the back-off made 0 s here)
    with override_settings(WEBHOOK_RETRY_BASE_SECONDS=0):
        queued = [webhook_deliveries_requeue() for _ in range(4)]

    delivery.refresh_from_db()
    assert queued == [1, 1, 1, 0]
    assert [entry["code"] for entry in delivery.attempt_log] == [500, 500, 200]
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 3, 200)
    assert delivery.attempt_log[0]["error"] == "The receiver answered 500 Internal Server Error."
    assert [request.verified for request in receiver.requests] == [True, True, True]
    assert {request.headers["X-Folio-Delivery"] for request in receiver.requests} == {str(delivery.delivery_id)}


def test_failures_back_off_exponentially_and_give_up_a_day_after_the_first_attempt(
    receiver: Receiver, hook: Webhook
) -> None:
    receiver.codes = [503] * 3
    attempt = Generation.objects.create(status=GenerationStatus.FAILED, backend="duckdb", error="LoadError: x")
    notice_send(sync_failed, Generation, attempt=attempt)
    delivery = WebhookDelivery.objects.get()

    first = delivery_attempt(delivery_id=delivery.pk)
    assert first is not None and first.next_attempt_at is not None and first.last_attempt_at is not None
    waits = [round((first.next_attempt_at - first.last_attempt_at).total_seconds())]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    second = delivery_attempt(delivery_id=delivery.pk)
    assert second is not None and second.next_attempt_at is not None and second.last_attempt_at is not None
    waits.append(round((second.next_attempt_at - second.last_attempt_at).total_seconds()))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now(), first_attempt_at=timezone.now() - timedelta(hours=24)
    )
    last = delivery_attempt(delivery_id=delivery.pk)

    assert waits == [30, 60]
    assert last is not None
    assert (last.status, last.attempts, last.next_attempt_at) == (DeliveryStatus.FAILED, 3, None)
    assert delivery_attempt(delivery_id=delivery.pk) is None  # given up: never tried again


def test_sync_failed_reaches_every_workspace_without_the_operators_error_text(
    receiver: Receiver, hook: Webhook
) -> None:
    other = workspace_create(slug="atlas", name="Atlas Books")
    Webhook.objects.create(workspace=other, url=receiver.url, events=["sync.failed"], secret=receiver.secret)
    attempt = Generation.objects.create(
        status=GenerationStatus.FAILED,
        backend="postgresql",
        error="OperationalError: connection to server at warehouse.internal (10.1.2.3) failed",
    )

    notice_send(sync_failed, Generation, attempt=attempt)
    for delivery in WebhookDelivery.objects.order_by("pk"):
        webhook_deliver(delivery.pk)

    bodies = receiver.bodies()
    assert [body["workspace"] for body in bodies] == ["default", "atlas"]
    assert {(body["attempt"], body["error_type"]) for body in bodies} == {(attempt.pk, "OperationalError")}
    assert not [body for body in bodies if "10.1.2.3" in json.dumps(body) or "internal" in json.dumps(body)]


class FakeAlert:
    """An alert as the alerts app passes it (the shared contract's attributes); the alerts app is not here."""

    pk, name, question, condition = 7, "Weekly revenue", "summary", "below"
    params = {"granularity": "week"}
    threshold = Decimal("50000.00")
    dashboard_url = "http://localhost:8000/?granularity=week"

    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id


class FakeAlertEvent:
    pk, kind, value, generation, message = 3, "fired", Decimal("41234.50"), 12, "Revenue 41,234.50 is below 50,000.00"
    created_at = timezone.now()


def test_alert_fired_carries_the_value_the_threshold_and_the_generation(receiver: Receiver, hook: Webhook) -> None:
    notice_send(alert_fired, object, alert=FakeAlert(hook.workspace_id), event=FakeAlertEvent())
    webhook_deliver(WebhookDelivery.objects.get().pk)

    [body] = receiver.bodies()
    assert (body["event"], body["generation"], body["value"], body["alert"]["threshold"]) == (
        "alert.fired",
        12,
        "41234.50",
        "50000.00",
    )
    assert body["alert"]["url"] == "http://localhost:8000/?granularity=week"


@pytest.mark.parametrize(
    ("stored", "sent"),
    [("50000.0000", "50000.00"), ("12.5000", "12.50"), ("12.3456", "12.3456"), ("-0.5000", "-0.50"), ("0E-4", "0.00")],
)
def test_a_threshold_is_sent_as_the_value_is_written(stored: str, sent: str) -> None:
    assert decimal_text(Decimal(stored)) == sent


def test_a_paused_webhook_receives_nothing_until_resumed(client: APIClient, receiver: Receiver, hook: Webhook) -> None:
    paused = client.patch(f"/api/webhooks/{hook.pk}/", {"active": False}, format="json")
    attempt = Generation.objects.create(status=GenerationStatus.FAILED, backend="duckdb", error="LoadError: x")
    notice_send(sync_failed, Generation, attempt=attempt)
    test = client.post(f"/api/webhooks/{hook.pk}/test/")

    assert paused.json()["active"] is False
    assert WebhookDelivery.objects.count() == 0
    assert (test.status_code, test.json()["errors"]) == (
        400,
        {"active": ["This webhook is paused; resume it to send a test delivery."]},
    )


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:8000/hook", "resolves to 127.0.0.1, a loopback address"),
        ("http://[::1]/hook", "resolves to ::1, a loopback address"),
        ("http://10.0.0.5/hook", "resolves to 10.0.0.5, a private address"),
        ("http://169.254.169.254/latest/meta-data", "resolves to 169.254.169.254, a link-local address"),
        ("http://[::ffff:127.0.0.1]/hook", "resolves to ::ffff:127.0.0.1, a loopback address"),
        ("http://0.0.0.0/hook", "resolves to 0.0.0.0, an unspecified address"),
        ("http://224.0.0.1/hook", "resolves to 224.0.0.1, a multicast address"),
        ("http://240.0.0.1/hook", "resolves to 240.0.0.1, a reserved address"),
        ("http://[fe80::1]/hook", "resolves to fe80::1, a link-local address"),
        ("http://[fd00::1]/hook", "resolves to fd00::1, a private address"),
        ("http://100.64.0.1/hook", "resolves to 100.64.0.1, a non-public address"),
    ],
)
def test_private_and_loopback_urls_are_refused_unless_allowed(client: APIClient, url: str, why: str) -> None:
    with override_settings(WEBHOOK_ALLOWED_HOSTS=[]):
        response = client.post("/api/webhooks/", {"url": url, "events": ["sync.failed"]}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["url"]
    assert why in response.json()["errors"]["url"][0]
    assert Webhook.objects.count() == 0


def test_another_scheme_is_refused(client: APIClient) -> None:
    response = client.post("/api/webhooks/", {"url": "ftp://example.com/x", "events": ["sync.failed"]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"url": ["Only http and https URLs can receive webhooks."]}
    assert Webhook.objects.count() == 0


def test_the_address_is_checked_again_before_each_attempt(receiver: Receiver, hook: Webhook) -> None:
    attempt = Generation.objects.create(status=GenerationStatus.FAILED, backend="duckdb", error="LoadError: x")
    notice_send(sync_failed, Generation, attempt=attempt)

    with override_settings(WEBHOOK_ALLOWED_HOSTS=[]):
        tried = delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk)

    assert receiver.requests == []
    assert tried is not None and (tried.status, tried.response_code) == ("pending", None)
    assert "a loopback address" in tried.error


def test_unknown_events_are_refused_naming_them_and_listing_the_known_ones(
    client: APIClient, receiver: Receiver
) -> None:
    response = client.post(
        "/api/webhooks/", {"url": receiver.url, "events": ["sync.failed", "sale.created", "nope"]}, format="json"
    )

    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"events": [f"Unknown events: sale.created, nope. {KNOWN}"]},
    )
    assert Webhook.objects.count() == 0


def test_a_viewer_is_refused_with_the_role_needed(hook: Webhook) -> None:
    viewer = api_as(member_user("vic", role="viewer"))

    answers = [
        viewer.get("/api/webhooks/"),
        viewer.post("/api/webhooks/", {"url": "http://127.0.0.1/", "events": ["sync.failed"]}, format="json"),
        viewer.get(f"/api/webhooks/{hook.pk}/deliveries/"),
        viewer.post(f"/api/webhooks/{hook.pk}/test/"),
    ]

    assert {(answer.status_code, answer.json()["detail"]) for answer in answers} == {(403, REFUSED)}
    assert Webhook.objects.count() == 1


def test_another_workspaces_webhook_is_a_404_on_every_route(receiver: Receiver) -> None:
    other = workspace_create(slug="atlas", name="Atlas Books")
    theirs = Webhook.objects.create(workspace=other, url=receiver.url, events=["sync.failed"], secret="whsec_theirs")
    delivery = WebhookDelivery.objects.create(webhook=theirs, event="sync.failed", body="{}")
    client = api_as(member_user("ada", role="admin"))
    base = f"/api/webhooks/{theirs.pk}"

    answers = [
        client.get(f"{base}/"),
        client.patch(f"{base}/", {"active": False}, format="json"),
        client.delete(f"{base}/"),
        client.get(f"{base}/deliveries/"),
        client.post(f"{base}/test/"),
        client.post(f"{base}/deliveries/{delivery.pk}/redeliver/"),
    ]

    assert [(a.status_code, a.json()["detail"]) for a in answers] == [
        (404, "No webhook of this workspace has this id.")
    ] * 6
    assert Webhook.objects.get(pk=theirs.pk).active is True
    assert WebhookDelivery.objects.count() == 1
    assert client.get("/api/webhooks/").json() == []


def test_the_events_listing_gives_each_events_json_schema(client: APIClient) -> None:
    listing = {row["name"]: row for row in client.get("/api/webhooks/events/").json()}

    assert list(listing) == [
        "generation.published",
        "alert.fired",
        "alert.resolved",
        "import.finished",
        "sync.failed",
        "webhook.test",
    ]
    published = listing["generation.published"]["schema"]
    assert published["required"] == [
        "event",
        "id",
        "occurred_at",
        "workspace",
        "generation",
        "as_of",
        "changed",
        "rows",
    ]


CATALOGUE = (
    "isbn13,title,authors,genre,publisher,price,published\n"
    "9780439023481,The Hunger Games,Suzanne Collins,Young Adult,Scholastic,12.99,2008-09-14\n"
    "9780316769488,The Catcher in the Rye,J. D. Salinger,Literary Fiction,Little Brown,9.50,1951-07-16\n"
)


def test_an_import_that_finishes_sends_its_counts_and_no_server_paths(
    client: APIClient, receiver: Receiver, hook: Webhook, tmp_path: Path
) -> None:
    with override_settings(IMPORT_UPLOAD_DIR=str(tmp_path / "uploads")):
        upload = SimpleUploadedFile("catalogue.csv", CATALOGUE.encode(), "text/csv")
        accepted = client.post("/api/analytics/imports/books", {"file": upload}, format="multipart")
        import_run(job_id=accepted.json()["id"])
    webhook_deliver(WebhookDelivery.objects.get().pk)

    [body] = receiver.bodies()
    assert (body["event"], body["workspace"]) == ("import.finished", "default")
    assert body["job"]["id"] == accepted.json()["id"]
    assert (body["job"]["kind"], body["job"]["status"], body["job"]["error"]) == ("import_books", "succeeded", "")
    assert {key: body["job"]["counts"][key] for key in ("read", "created", "rejected")} == {
        "read": 2,
        "created": 2,
        "rejected": 0,
    }
    assert str(tmp_path) not in json.dumps(body)
