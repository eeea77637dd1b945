"""The alerts API: create (validated, 400 naming the field, nothing written), test now, pause,
history, delete; owner- and workspace-scoped (another's id is a 404)."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core import mail

from alerts.models import Alert
from alerts.tests.conftest import alert_make, revenue
from analytics.tests.members import api_as, member_user
from workspaces.services import workspace_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop")]

BODY = {
    "name": "Weekly revenue low",
    "question": "timeseries",
    "params": {"granularity": "week", "region": "US"},
    "window": "12w",
    "value": {"field": "revenue", "bucket": "last_complete"},
    "condition": "below",
    "threshold": "50000",
}


def test_a_member_creates_tests_pauses_and_deletes_an_alert(owner: User) -> None:
    # given a viewer of the workspace
    api = api_as(owner)

    # when they create an alert, list it, test it, pause it, read its history and delete it
    created = api.post("/api/alerts/", BODY, format="json")
    alert_id = created.json()["id"]
    listed = api.get("/api/alerts/")
    tried = api.post(f"/api/alerts/{alert_id}/test/")
    paused = api.patch(f"/api/alerts/{alert_id}/", {"active": False}, format="json")
    events = api.get(f"/api/alerts/{alert_id}/events/")
    deleted = api.delete(f"/api/alerts/{alert_id}/")

    # then each answers as a user expects
    assert created.status_code == 201
    assert {key: created.json()[key] for key in ("state", "threshold", "window", "active")} == {
        "state": "ok",
        "threshold": "50000.0000",
        "window": "12w",
        "active": True,
    }
    assert created.json()["dashboard_url"] == "http://localhost:8000/?granularity=week&region=US"
    assert [row["name"] for row in listed.json()] == ["Weekly revenue low"]
    expected = revenue(date(2025, 12, 22), date(2025, 12, 29), "US")
    assert tried.status_code == 200
    assert (Decimal(tried.json()["value"]), tried.json()["holds"], tried.json()["email"]) == (expected, True, "sent")
    assert mail.outbox[0].subject == "[Folio] Weekly revenue low: test"
    assert mail.outbox[0].to == ["watcher@example.com"]
    assert paused.json()["active"] is False
    assert events.json() == []
    assert deleted.status_code == 204
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"params": {"region": "XX"}}, "params", "region: Unknown region: XX."),
        ({"params": {"colour": "red"}}, "params", "colour: Unknown parameter."),
        ({"question": "finance/initialise"}, "question", '"finance/initialise" is not a valid choice.'),
        ({"value": {"field": "title"}}, "value", "Choose the watched field among: revenue, units, orders"),
        ({"window": "7y"}, "window", "Give a count (1-999) and a unit"),
        (
            {"condition": "anomaly", "question": "summary", "value": {"field": "revenue"}},
            "condition",
            "anomaly compares",
        ),
        ({"threshold": None}, "threshold", "A below alert needs a threshold."),
        ({"recipients": ["stranger@example.com"]}, "recipients", "Not the email of a member of this workspace"),
    ],
)
def test_a_bad_alert_is_refused_naming_the_field_and_nothing_is_written(
    owner: User, change: dict, field: str, message: str
) -> None:
    response = api_as(owner).post("/api/alerts/", {**BODY, **change}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][field][0].startswith(message), response.json()
    assert not Alert.objects.exists()


def test_another_members_or_workspaces_alert_is_a_404(owner: User) -> None:
    # given the owner's alert, a colleague in the same workspace and an admin of another one
    alert = alert_make(owner, question="summary", value={"field": "revenue"}, condition="above", threshold=Decimal(1))
    colleague = api_as(member_user("colleague", role="admin"))
    stranger = api_as(member_user("stranger", role="admin", workspace=workspace_create(slug="other", name="Other")))

    # when they reach for it by id
    answers = [
        (
            api.get(f"/api/alerts/{alert.pk}/").status_code,
            api.patch(f"/api/alerts/{alert.pk}/", {"active": False}, format="json").status_code,
            api.get(f"/api/alerts/{alert.pk}/events/").status_code,
            api.post(f"/api/alerts/{alert.pk}/test/").status_code,
            api.delete(f"/api/alerts/{alert.pk}/").status_code,
            api.get("/api/alerts/").json(),
        )
        for api in (colleague, stranger)
    ]

    # then 404 everywhere, empty lists, and the alert untouched
    assert answers == [(404, 404, 404, 404, 404, [])] * 2
    assert Alert.objects.get(pk=alert.pk).active is True


def test_recipients_may_be_members_of_the_workspace(owner: User) -> None:
    member_user("colleague", role="viewer", email="colleague@example.com")

    response = api_as(owner).post("/api/alerts/", {**BODY, "recipients": ["colleague@example.com"]}, format="json")

    assert (response.status_code, response.json()["recipients"]) == (201, ["colleague@example.com"])
