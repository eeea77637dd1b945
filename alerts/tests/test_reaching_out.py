"""An alert crossing its threshold after a real sync reaches a webhook subscriber too: the
alert.fired request arrives at a real HTTP receiver on loopback, signed, with the exact value,
the threshold, the generation and the dashboard link."""

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from alerts.models import AlertEvent
from alerts.tests.conftest import LAST_DAY, alert_make, revenue, sale_add
from alerts.tests.test_evaluation import ALL, synced
from analytics.tests.members import api_as, member_user
from webhooks.tests.receiver import Receiver, receiver_running

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop", "eager")]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_running() as running:
        yield running


def test_a_fired_alert_reaches_a_webhook_subscriber(
    owner: User, receiver: Receiver, django_capture_on_commit_callbacks: object
) -> None:
    # given an admin's webhook for alert.fired, and an owner's alert 100.00 above the US revenue
    created = api_as(member_user("hooker", role="admin")).post(
        "/api/webhooks/", {"url": receiver.url, "events": ["alert.fired"]}, format="json"
    )
    receiver.secret = created.json()["secret"]
    threshold = revenue(*ALL, "US") + Decimal("100.00")
    alert_make(
        owner,
        name="Revenue record",
        question="summary",
        params={"region": "US"},
        value={"field": "revenue"},
        condition="above",
        threshold=threshold,
    )

    # when a sale in the US of 150.00 is synced
    sale_add(day=LAST_DAY, amount=Decimal("150.00"), region="US")
    number = synced(django_capture_on_commit_callbacks)

    # then the receiver got one signed alert.fired with what the event recorded
    event = AlertEvent.objects.get()
    [body] = receiver.bodies()
    assert (body["event"], body["generation"], body["value"], body["alert"]["threshold"]) == (
        "alert.fired",
        number,
        str(revenue(*ALL, "US")),
        str(threshold),  # as the value is written: two decimals, not the column's four
    )
    assert (event.kind, event.value) == ("fired", revenue(*ALL, "US"))
    assert body["alert"]["url"] == "http://localhost:8000/?region=US"
