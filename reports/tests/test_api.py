"""The subscriptions API: create (validated, 400 naming the field, nothing written), read,
change, pause, send now, deliveries, delete; owner- and workspace-scoped (another's id is a 404)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from analytics.tests.members import api_as, member_user
from reports.models import Subscription, SubscriptionDelivery
from reports.tests.conftest import BASE_URL, subscription_make
from workspaces.services import workspace_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop", "smtp")]

BODY = {
    "name": "Overview every Monday",
    "target": "page",
    "page": "/",
    "params": {"start": "2025-01-01", "end": "2025-04-01", "region": "US"},
    "format": "pdf",
    "schedule": "weekly",
    "time": "09:00",
    "timezone": "Europe/Paris",
    "weekday": 0,
}


def test_a_viewer_subscribes_to_a_page_reads_pauses_resumes_and_deletes_it(owner: User) -> None:
    # given a viewer of the workspace
    api = api_as(owner)

    # when they subscribe, list, read, pause, resume, send now, read the deliveries and delete
    created = api.post("/api/subscriptions/", BODY, format="json")
    subscription_id = created.json()["id"]
    listed = api.get("/api/subscriptions/")
    paused = api.patch(f"/api/subscriptions/{subscription_id}/", {"active": False}, format="json")
    resumed = api.patch(f"/api/subscriptions/{subscription_id}/", {"active": True}, format="json")
    sent = api.post(f"/api/subscriptions/{subscription_id}/send/")
    read = api.get(f"/api/subscriptions/{subscription_id}/")
    deliveries = api.get(f"/api/subscriptions/{subscription_id}/deliveries/")
    deleted = api.delete(f"/api/subscriptions/{subscription_id}/")

    # then each answers as the contract says
    assert created.status_code == 201, created.json()
    shown = created.json()
    assert {key: shown[key] for key in BODY} == BODY
    assert {key: shown[key] for key in ("question", "delivery", "day_of_month", "active", "last_delivery")} == {
        "question": "",
        "delivery": "attach",
        "day_of_month": None,
        "active": True,
        "last_delivery": None,
    }
    assert shown["dashboard_url"] == f"{BASE_URL}/?start=2025-01-01&end=2025-04-01&region=US"
    next_run = datetime.fromisoformat(shown["next_run_at"])
    local = next_run.astimezone(ZoneInfo("Europe/Paris"))
    assert (local.weekday(), local.hour, local.minute) == (0, 9, 0) and next_run > timezone.now()
    assert [row["name"] for row in listed.json()] == ["Overview every Monday"]
    assert (paused.json()["active"], paused.json()["next_run_at"]) == (False, None)
    assert (resumed.json()["active"], resumed.json()["next_run_at"]) == (True, shown["next_run_at"])
    assert sent.status_code == 202
    assert {key: sent.json()[key] for key in ("trigger", "status", "attempts", "file_url")} == {
        "trigger": "manual",
        "status": "pending",
        "attempts": 0,
        "file_url": None,
    }
    assert read.json()["last_delivery"]["id"] == sent.json()["id"]
    assert [row["id"] for row in deliveries.json()] == [sent.json()["id"]]
    assert deleted.status_code == 204
    assert not Subscription.objects.exists() and not SubscriptionDelivery.objects.exists()


def test_an_after_load_table_has_no_next_run(owner: User) -> None:
    analyst = member_user("ana", role="analyst", email="ana@example.com")
    body = {
        "name": "Regions after each load",
        "target": "question",
        "question": "sales-by-region",
        "params": {"region": ["US", "FR"]},
        "format": "xlsx",
        "delivery": "link",
        "schedule": "after_load",
    }

    created = api_as(analyst).post("/api/subscriptions/", body, format="json")

    assert created.status_code == 201, created.json()
    assert {key: created.json()[key] for key in ("page", "next_run_at", "time", "weekday", "params")} == {
        "page": "",
        "next_run_at": None,
        "time": "00:00",
        "weekday": None,
        "params": {"region": ["US", "FR"]},
    }
    assert created.json()["dashboard_url"] == f"{BASE_URL}/regions?region=US&region=FR"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"page": "/pipeline"}, "page", '"/pipeline" is not a valid choice.'),
        ({"target": "question", "page": ""}, "question", "Choose the table to send: one of timeseries, top-books"),
        ({"question": "top-books"}, "question", "A page's report has no question; leave it empty."),
        ({"format": "xlsx"}, "format", "A page is sent as pdf or png."),
        ({"params": {"region": "XX"}}, "params", "region: Unknown region: XX."),
        ({"params": {"colour": "red"}}, "params", "colour: Not a filter of the dashboard."),
        ({"params": {"start": "2025-13-01"}}, "params", "start: "),
        ({"params": {"region": 3}}, "params", "region: Give a text or a non-empty list of texts."),
        ({"params": {"search": "a\x00b"}}, "params", "search: Null characters are not allowed."),
        ({"params": {"region": []}}, "params", "region: Give a text or a non-empty list of texts."),
        ({"params": {"preset": "5y"}}, "params", "preset: Choose one of 30d, 90d, ytd, 12m, all, custom."),
        ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone: Mars/Olympus."),
        ({"weekday": None}, "weekday", "A weekly report needs its weekday"),
        ({"schedule": "daily"}, "weekday", "Only a weekly report has a weekday."),
        ({"schedule": "monthly", "weekday": None}, "day_of_month", "A monthly report needs its day of the month"),
        ({"day_of_month": 3}, "day_of_month", "Only a monthly report has a day of the month."),
        ({"weekday": 7}, "weekday", "Ensure this value is less than or equal to 6."),
        ({"time": "25:00"}, "time", "Time has wrong format."),
        ({"time": None}, "time", "Give the local time (HH:MM) the report is sent at."),
        ({"schedule": "hourly"}, "schedule", '"hourly" is not a valid choice.'),
    ],
)
def test_a_bad_subscription_is_refused_naming_the_field_and_nothing_is_written(
    owner: User, change: dict, field: str, message: str
) -> None:
    response = api_as(owner).post("/api/subscriptions/", {**BODY, **change}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][field][0].startswith(message), response.json()
    assert not Subscription.objects.exists()


def test_a_viewer_may_not_subscribe_to_a_table_an_export(owner: User) -> None:
    body = {**BODY, "target": "question", "page": "", "question": "sales-by-region", "format": "csv", "params": {}}

    response = api_as(owner).post("/api/subscriptions/", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["format"] == [
        "Exports need the analyst role in workspace “Default workspace”; you are a viewer."
        " A page may be sent as PDF or PNG."
    ]
    assert not Subscription.objects.exists()


def test_a_bad_change_is_refused_and_the_subscription_is_unchanged(owner: User) -> None:
    subscription = subscription_make(owner, target="page", page="/finance", format="png", params={})

    response = api_as(owner).patch(
        f"/api/subscriptions/{subscription.pk}/", {"params": {"department": "nope"}}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["params"]
    assert Subscription.objects.get(pk=subscription.pk).params == {}


def test_another_members_or_workspaces_subscription_is_a_404(owner: User) -> None:
    # given the owner's subscription with one delivery, a colleague in the same workspace and an admin of another
    subscription = subscription_make(owner, target="page", page="/", format="pdf")
    delivery = SubscriptionDelivery.objects.create(
        subscription=subscription, trigger="manual", scheduled_for=datetime(2025, 1, 1, tzinfo=UTC)
    )
    colleague = member_user("colleague", role="admin")
    stranger = member_user("stranger", role="admin", workspace=workspace_create(slug="other", name="Other"))
    base = f"/api/subscriptions/{subscription.pk}"

    # when they reach for it by id
    answers = [
        (
            api.get(f"{base}/").status_code,
            api.patch(f"{base}/", {"active": False}, format="json").status_code,
            api.post(f"{base}/send/").status_code,
            api.get(f"{base}/deliveries/").status_code,
            api.get(f"{base}/deliveries/{delivery.pk}/file/").status_code,
            api.delete(f"{base}/").status_code,
            api.get("/api/subscriptions/").json(),
        )
        for api in (api_as(colleague), api_as(stranger))
    ]
    # and the colleague asks for the owner's delivery under a subscription of their own
    own = subscription_make(colleague, target="page", page="/", format="pdf")
    crossed = api_as(colleague).get(f"/api/subscriptions/{own.pk}/deliveries/{delivery.pk}/file/")

    # then 404 everywhere, empty lists, and the subscription untouched with its one delivery
    assert answers == [(404, 404, 404, 404, 404, 404, [])] * 2
    assert crossed.status_code == 404
    assert Subscription.objects.get(pk=subscription.pk).active is True
    assert SubscriptionDelivery.objects.filter(subscription=subscription).count() == 1
