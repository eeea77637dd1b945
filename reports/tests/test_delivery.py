"""Deliveries through a real SMTP server on loopback: the attachment opened and checked
against the API's own answer, links that download for the owner only, retries after a
refusing server, one delivery per run however often the beat runs, after-load deliveries
for the workspaces a generation changed, paused subscriptions left alone."""

import csv
import io
from datetime import timedelta
from email.message import Message

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from openpyxl import load_workbook

from analytics.models import Generation
from analytics.notices import generation_published, notice_send
from analytics.tests.mailbox import Inbox
from analytics.tests.members import api_as, member_user
from reports.models import DeliveryStatus, Subscription, SubscriptionDelivery, Trigger
from reports.services import after_load_deliveries_create, delivery_attempt, delivery_send_now
from reports.tasks import deliveries_queue, reports_beat
from reports.tests.conftest import BASE_URL, subscription_make
from workspaces.models import Membership
from workspaces.services import workspace_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop", "eager")]

PERIOD = {"start": "2025-01-01", "end": "2025-07-01"}


@pytest.fixture
def analyst() -> User:
    return member_user("ana", role="analyst", email="ana@example.com")


def served() -> int:
    found = Generation.objects.filter(status="published").order_by("-number").first()
    assert found is not None and found.number is not None
    return int(found.number)


def attachments(message: Message) -> list[tuple[str, str, bytes]]:
    """(filename, content type, bytes) of each attached file."""
    return [
        (part.get_filename() or "", part.get_content_type(), part.get_payload(decode=True))  # type: ignore[misc]
        for part in message.walk()
        if part.get_filename()
    ]


def body_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            return part.get_payload(decode=True).decode()  # type: ignore[union-attr]
    return ""


def cell_of(value: object) -> object:
    """A JSON value as openpyxl reads its cell back: a decimal string is a number (a float of exactly those digits)."""
    if isinstance(value, str) and value.replace(".", "", 1).lstrip("-").isdigit():
        return float(value) if "." in value else int(value)
    return value


def api_rows(user: User, question: str, params: dict) -> list[dict]:
    response = api_as(user).get(f"/api/analytics/{question}", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_an_xlsx_of_a_table_arrives_attached_with_the_apis_exact_cells(
    analyst: User, smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    # given an analyst's subscription to sales by region for the first half of 2025, as XLSX
    subscription = subscription_make(analyst, name="Regions H1", params=PERIOD)

    # when they send it now
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        sent = api_as(analyst).post(f"/api/subscriptions/{subscription.pk}/send/")

    # then the email arrives with the workbook, whose cells are the API's answer
    assert sent.status_code == 202
    assert sent.json()["trigger"] == "manual"
    generation = served()
    [(recipients, message)] = smtp.messages
    assert recipients == ["ana@example.com"]
    assert message["Subject"] == f"[Folio] Regions H1: generation {generation}"
    assert f"Dashboard: {BASE_URL}/regions?start=2025-01-01&end=2025-07-01" in body_text(message)
    [(filename, content_type, content)] = attachments(message)
    assert filename == f"folio-sales-by-region-g{generation}.xlsx"
    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = api_rows(analyst, "sales-by-region", PERIOD)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == list(rows[0])
    assert len(cells) == len(rows) + 1 and len(rows) >= 3
    for cell_row, api_row in zip(cells[1:], rows, strict=True):
        assert cell_row == [cell_of(value) for value in api_row.values()]
    # and the delivery is recorded: to whom, the size, the file, sent on the first attempt
    delivery = SubscriptionDelivery.objects.get(subscription=subscription)
    assert (delivery.status, delivery.attempts, delivery.recipient, delivery.size_bytes, delivery.generation) == (
        DeliveryStatus.SENT,
        1,
        "ana@example.com",
        len(content),
        generation,
    )
    assert delivery.sent_at is not None and delivery.error == "" and delivery.next_attempt_at is None


def test_a_csv_of_a_table_arrives_attached_with_the_apis_rows(
    analyst: User, smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    subscription = subscription_make(analyst, question="top-books", format="csv", params={"limit": "5", **PERIOD})

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        api_as(analyst).post(f"/api/subscriptions/{subscription.pk}/send/")

    [(_, message)] = smtp.messages
    [(filename, content_type, content)] = attachments(message)
    table = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    rows = api_rows(analyst, "top-books", {"limit": "5", **PERIOD})
    assert (filename, content_type) == (f"folio-top-books-g{served()}.csv", "text/csv")
    assert table[0] == list(rows[0])
    assert table[1:] == [["" if value is None else str(value) for value in row.values()] for row in rows]
    assert len(table) == 6


def test_a_linked_report_has_no_attachment_and_its_link_downloads_for_the_owner_only(
    analyst: User, smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    # given a linked CSV report, sent
    subscription = subscription_make(analyst, format="csv", delivery="link", params=PERIOD)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        api_as(analyst).post(f"/api/subscriptions/{subscription.pk}/send/")
    delivery = SubscriptionDelivery.objects.get(subscription=subscription)
    path = f"/api/subscriptions/{subscription.pk}/deliveries/{delivery.pk}/file/"

    # when the owner and a colleague follow the link
    mine = api_as(analyst).get(path)
    theirs = api_as(member_user("colleague", role="admin", email="c@example.com")).get(path)

    # then the email links to the file and attaches nothing; the owner downloads it, the colleague gets a 404
    [(_, message)] = smtp.messages
    assert attachments(message) == []
    assert f"{BASE_URL}{path}" in body_text(message)
    assert mine.status_code == 200
    assert mine["Content-Disposition"] == f'attachment; filename="folio-sales-by-region-g{served()}.csv"'
    content = b"".join(mine.streaming_content)  # type: ignore[attr-defined]
    assert content.decode().splitlines()[0] == ",".join(api_rows(analyst, "sales-by-region", PERIOD)[0])
    assert len(content) == delivery.size_bytes
    assert theirs.status_code == 404
    listed = api_as(analyst).get(f"/api/subscriptions/{subscription.pk}/deliveries/").json()
    assert [(row["status"], row["file_url"]) for row in listed] == [("sent", path)]


def test_a_file_over_the_attachment_cap_is_linked(
    analyst: User, smtp: Inbox, settings: object, django_capture_on_commit_callbacks: object
) -> None:
    settings.REPORT_ATTACH_MAX_BYTES = 100  # type: ignore[attr-defined]  # pytest-django's settings
    subscription = subscription_make(analyst, format="xlsx", params=PERIOD)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        api_as(analyst).post(f"/api/subscriptions/{subscription.pk}/send/")

    [(_, message)] = smtp.messages
    assert attachments(message) == []
    assert "/file/" in body_text(message)


def test_a_refusing_server_is_retried_with_back_off_and_the_third_attempt_is_sent(
    analyst: User, smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    # given a server that refuses the next two messages (554)
    smtp.refuse = 2
    subscription = subscription_make(analyst, params=PERIOD)

    # when the report is sent, and the beat runs each time the retry is due
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        api_as(analyst).post(f"/api/subscriptions/{subscription.pk}/send/")
    delivery = SubscriptionDelivery.objects.get(subscription=subscription)
    seen = []
    for _ in range(2):
        delivery.refresh_from_db()
        assert delivery.next_attempt_at is not None
        seen.append((delivery.status, delivery.attempts, delivery.error, delivery.next_attempt_at - timezone.now()))
        not_yet = reports_beat()  # not due yet: nothing is queued
        assert SubscriptionDelivery.objects.get(pk=delivery.pk).attempts == delivery.attempts and not_yet == 0
        SubscriptionDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            reports_beat()
    delivery.refresh_from_db()

    # then two retrying states, one and two minutes off, then sent at the third attempt
    assert [(status, attempts) for status, attempts, _, _ in seen] == [("retrying", 1), ("retrying", 2)]
    assert all("554" in error and "refused for the test" in error for _, _, error, _ in seen)
    assert timedelta(seconds=55) < seen[0][3] <= timedelta(seconds=60)
    assert timedelta(seconds=115) < seen[1][3] <= timedelta(seconds=120)
    assert (delivery.status, delivery.attempts, delivery.error, delivery.next_attempt_at) == ("sent", 3, "", None)
    assert len(smtp.messages) == 1


def test_a_delivery_fails_for_good_after_the_last_attempt(
    analyst: User, smtp: Inbox, settings: object, django_capture_on_commit_callbacks: object
) -> None:
    settings.REPORT_MAX_ATTEMPTS = 2  # type: ignore[attr-defined]
    smtp.refuse = 5
    subscription = subscription_make(analyst, params=PERIOD)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        api_as(analyst).post(f"/api/subscriptions/{subscription.pk}/send/")
    SubscriptionDelivery.objects.update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        reports_beat()

    delivery = SubscriptionDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    assert "554" in delivery.error
    assert smtp.messages == []


def test_the_beat_run_twice_makes_one_delivery_and_moves_the_next_run(
    analyst: User, smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    # given a daily report whose run is due
    subscription = subscription_make(analyst, params=PERIOD)
    due = timezone.now() - timedelta(minutes=1)
    Subscription.objects.filter(pk=subscription.pk).update(next_run_at=due)

    # when the beat runs twice
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        made = [reports_beat(), reports_beat()]

    # then one delivery of that run, sent once; the next run is the next 09:00 UTC
    subscription.refresh_from_db()
    delivery = SubscriptionDelivery.objects.get(subscription=subscription)
    assert made == [1, 0]
    assert (delivery.trigger, delivery.scheduled_for, delivery.status) == (Trigger.SCHEDULE, due, "sent")
    assert len(smtp.messages) == 1
    assert subscription.next_run_at is not None and subscription.next_run_at > timezone.now()
    assert (subscription.next_run_at.hour, subscription.next_run_at.minute) == (9, 0)


def test_a_paused_subscription_is_not_delivered(analyst: User, smtp: Inbox) -> None:
    subscription = subscription_make(analyst, params=PERIOD)
    paused = api_as(analyst).patch(f"/api/subscriptions/{subscription.pk}/", {"active": False}, format="json")
    Subscription.objects.filter(pk=subscription.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))
    after_load = subscription_make(analyst, name="After load", schedule="after_load", active=False)

    made = reports_beat()
    after = after_load_deliveries_create(served())

    assert paused.json()["active"] is False and paused.json()["next_run_at"] is None
    assert (made, after) == (0, [])
    assert not SubscriptionDelivery.objects.exists()
    assert smtp.messages == [] and after_load.active is False


def test_a_published_generation_makes_one_delivery_per_after_load_subscription_of_a_changed_workspace(
    analyst: User, smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    # given two after-load subscriptions in the default workspace, a daily one, and one in another workspace
    first = subscription_make(analyst, name="A", schedule="after_load", params=PERIOD)
    second = subscription_make(analyst, name="B", schedule="after_load", format="csv", params=PERIOD)
    subscription_make(analyst, name="Daily", params=PERIOD)
    other = workspace_create(slug="other", name="Other")
    stranger = member_user("olga", role="analyst", workspace=other, email="olga@example.com")
    Subscription.objects.create(
        workspace=other,
        created_by=stranger,
        name="Elsewhere",
        target="question",
        question="sales-by-region",
        format="csv",
        schedule="after_load",
        time="00:00",
    )
    generation = Generation.objects.get(number=served())
    Generation.objects.filter(pk=generation.pk).update(
        changes={str(first.workspace_id): {"books": 1}}, full_refresh=False
    )
    generation.refresh_from_db()

    # when the generation is published (its notice sent), twice
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        notice_send(generation_published, Generation, generation=generation)
        notice_send(generation_published, Generation, generation=generation)

    # then one delivery each for A and B, of that generation, sent; none for the other workspace or the daily one
    deliveries = SubscriptionDelivery.objects.order_by("subscription__name")
    assert [(d.subscription.name, d.trigger, d.generation, d.status) for d in deliveries] == [
        ("A", "after_load", generation.number, "sent"),
        ("B", "after_load", generation.number, "sent"),
    ]
    assert sorted(message["Subject"] for _, message in smtp.messages) == [
        f"[Folio] A: generation {generation.number}",
        f"[Folio] B: generation {generation.number}",
    ]
    assert {d.subscription_id for d in deliveries} == {first.pk, second.pk}


def test_an_owner_without_an_email_gets_a_failed_delivery_that_says_so(
    smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    user = member_user("noemail", role="analyst")
    subscription = subscription_make(user, params=PERIOD)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        api_as(user).post(f"/api/subscriptions/{subscription.pk}/send/")

    delivery = SubscriptionDelivery.objects.get()
    assert (delivery.status, delivery.error, delivery.attempts) == ("failed", "The owner has no email address.", 1)
    assert smtp.messages == []


def test_two_workers_given_one_delivery_send_it_once(
    analyst: User, smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    subscription = subscription_make(analyst, params=PERIOD)
    delivery = delivery_send_now(subscription)

    first = delivery_attempt(delivery_id=delivery.pk)
    second = delivery_attempt(delivery_id=delivery.pk)

    assert first is not None and first.status == "sent"
    assert second is None
    assert len(smtp.messages) == 1
    assert SubscriptionDelivery.objects.get().attempts == 1


def test_a_pending_delivery_whose_message_was_lost_is_queued_again_after_ten_minutes(
    analyst: User, smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    # given two deliveries made but never queued: one 9 minutes ago, one 11
    subscription = subscription_make(analyst, params=PERIOD)
    recent, lost = delivery_send_now(subscription), delivery_send_now(subscription)
    now = timezone.now()
    SubscriptionDelivery.objects.filter(pk=recent.pk).update(next_attempt_at=now - timedelta(minutes=9))
    SubscriptionDelivery.objects.filter(pk=lost.pk).update(next_attempt_at=now - timedelta(minutes=11))

    # when the beat runs
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        reports_beat()

    # then the lost one is sent; the recent one is left to its own message
    statuses = dict(SubscriptionDelivery.objects.values_list("pk", "status"))
    assert statuses == {recent.pk: "pending", lost.pk: "sent"}
    assert len(smtp.messages) == 1


def test_an_owner_who_left_the_workspace_gets_a_failed_delivery_and_a_paused_subscription(
    analyst: User, smtp: Inbox
) -> None:
    subscription = subscription_make(analyst, params=PERIOD)
    delivery = delivery_send_now(subscription)
    Membership.objects.filter(user=analyst).delete()

    attempted = delivery_attempt(delivery_id=delivery.pk)

    assert attempted is not None
    assert (attempted.status, attempted.error) == (
        "failed",
        "The owner is no longer a member of this workspace: the subscription is paused.",
    )
    assert Subscription.objects.filter(pk=subscription.pk, active=False, next_run_at=None).exists()
    assert smtp.messages == []


def test_files_older_than_the_keeping_days_are_deleted_and_their_links_404(
    analyst: User, smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    # given a linked report sent 31 days ago and one sent now
    subscription = subscription_make(analyst, format="csv", delivery="link", params=PERIOD)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        old = delivery_send_now(subscription)
        new = delivery_send_now(subscription)
        deliveries_queue([old.pk, new.pk])
    old.refresh_from_db()
    name = old.file.name
    SubscriptionDelivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    # when the beat sweeps
    reports_beat()

    # then the old file is gone and its link answers 404; the new one still downloads
    api = api_as(analyst)
    base = f"/api/subscriptions/{subscription.pk}/deliveries"
    assert name and not old.file.storage.exists(name)
    assert SubscriptionDelivery.objects.get(pk=old.pk).file.name == ""
    assert api.get(f"{base}/{old.pk}/file/").status_code == 404
    assert api.get(f"{base}/{new.pk}/file/").status_code == 200


def test_deleting_a_subscription_deletes_its_files(
    analyst: User, smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    subscription = subscription_make(analyst, format="csv", params=PERIOD)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        api_as(analyst).post(f"/api/subscriptions/{subscription.pk}/send/")
    delivery = SubscriptionDelivery.objects.get()
    name, storage = delivery.file.name, delivery.file.storage
    assert name and storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        deleted = api_as(analyst).delete(f"/api/subscriptions/{subscription.pk}/")

    assert deleted.status_code == 204
    assert not storage.exists(name)


def test_a_page_whose_filters_no_longer_hold_fails_at_once_without_opening_a_browser(owner: User, smtp: Inbox) -> None:
    # given a page report of region US, whose region has since gone (stored as XX)
    subscription = subscription_make(owner, target="page", page="/regions", format="pdf", params={"region": "US"})
    Subscription.objects.filter(pk=subscription.pk).update(params={"region": "XX"})

    delivery = delivery_attempt(delivery_id=delivery_send_now(subscription).pk)

    assert delivery is not None
    assert (delivery.status, delivery.attempts, delivery.error) == (
        "failed",
        1,
        "The filters no longer hold: params: region: Unknown region: XX."
        " Known: AU, BR, CA, FR, DE, IN, IT, JP, NL, ES, GB, US.",
    )
    assert smtp.messages == []


def test_a_table_whose_question_is_gone_fails_at_once_and_a_fault_is_retried(
    analyst: User, smtp: Inbox, settings: object
) -> None:
    # given a table report whose question left the catalogue, and one that meets a fault of Folio's
    gone = subscription_make(analyst, name="Gone", params=PERIOD)
    Subscription.objects.filter(pk=gone.pk).update(question="sales-by-planet")
    faulty = subscription_make(analyst, name="Faulty", params=PERIOD)
    settings.API_EXPORT_MAX_ROWS = "not a number"  # type: ignore[attr-defined]  # a comparison that raises

    failed = delivery_attempt(delivery_id=delivery_send_now(gone).pk)
    retried = delivery_attempt(delivery_id=delivery_send_now(faulty).pk)

    assert failed is not None and retried is not None
    assert (failed.status, failed.error.split(":")[0]) == ("failed", "The question no longer exists")
    assert (retried.status, retried.error.split(":")[0], retried.attempts) == ("retrying", "TypeError", 1)
    assert smtp.messages == []
