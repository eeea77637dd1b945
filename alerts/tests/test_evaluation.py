"""Alerts evaluated after real syncs: a generation crossing the threshold fires once (emailed
through a real SMTP server on loopback), a later one still past it makes nothing, one back
under it resolves; a generation that crossed nothing fires nothing; the issue's four examples."""

import statistics
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from alerts.models import Alert, AlertEvent, AlertState, Notified
from alerts.services import (
    MAX_NOTIFY_ATTEMPTS,
    alert_try,
    alerts_evaluate_run,
    alerts_read,
    event_notify,
    transition_apply,
)
from alerts.tasks import alerts_beat, alerts_evaluate
from alerts.tests.conftest import LAST_DAY, alert_make, membership, revenue, sale_add
from analytics.notices import alert_fired
from analytics.sync import warehouse_sync
from analytics.tests.conftest import default_scope
from analytics.tests.mailbox import Inbox, free_port
from analytics.tests.members import member_user
from books.services.records import sale_delete
from config.celery import app as celery_app
from finance.models import Budget
from workspaces.models import Membership
from workspaces.services import workspace_create, workspace_default

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop")]

FIRST_DAY = date(2025, 1, 1)
ALL = (date(2024, 1, 1), date(2026, 1, 1))


def synced(capture: object) -> int:
    """Sync inside the test's transaction, running what commits would start (the evaluation, the emails)."""
    with capture(execute=True):  # type: ignore[operator]  # django_capture_on_commit_callbacks
        generation = warehouse_sync()
    assert generation.number is not None
    return int(generation.number)


@pytest.mark.usefixtures("eager")
def test_a_sync_crossing_the_threshold_fires_once_emails_and_resolves_when_back(
    owner: User, smtp: Inbox, django_capture_on_commit_callbacks: object
) -> None:
    # given an alert on the total revenue, 100.00 above what it is
    total = revenue(*ALL)
    alert = alert_make(
        owner,
        name="Revenue record",
        question="summary",
        value={"field": "revenue"},
        condition="above",
        threshold=total + Decimal("100.00"),
    )

    # when a sale of 150.00 is recorded and a sync publishes it
    sale = sale_add(day=LAST_DAY, amount=Decimal("150.00"))
    second = synced(django_capture_on_commit_callbacks)

    # then the alert fires once, and the email reaches the SMTP server with the value, threshold and link
    event = AlertEvent.objects.get(alert=alert)
    assert (event.kind, event.value, event.threshold, event.generation) == (
        "fired",
        total + Decimal("150.00"),
        total + Decimal("100.00"),
        second,
    )
    assert [recipients for recipients, _ in smtp.messages] == [["watcher@example.com"]]
    message = smtp.messages[0][1]
    assert message["Subject"] == "[Folio] Revenue record: firing"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    lines = payload.decode().splitlines()
    assert lines[2:] == [
        f"Value: {total + Decimal('150.00')}",
        f"Threshold: {total + Decimal('100.00')}",
        f"Condition: revenue above {total + Decimal('100.00')}",
        f"Generation: {second}",
        "",
        "Dashboard: https://folio.example.org/",
    ]
    assert AlertEvent.objects.get(pk=event.pk).notified == Notified.SENT

    # when the same generation is evaluated again, and a later one is still above
    alerts_evaluate(second)
    sale_add(day=LAST_DAY, amount=Decimal("10.00"))
    synced(django_capture_on_commit_callbacks)

    # then nothing new
    assert AlertEvent.objects.filter(alert=alert).count() == 1
    assert len(smtp.messages) == 1

    # when the big sale is deleted and synced: back under the threshold
    sale_delete(workspace=workspace_default(), sale=sale)
    fourth = synced(django_capture_on_commit_callbacks)

    # then one resolved event, emailed
    resolved = AlertEvent.objects.filter(alert=alert, kind="resolved").get()
    assert (resolved.value, resolved.generation) == (total + Decimal("10.00"), fourth)
    assert smtp.messages[1][1]["Subject"] == "[Folio] Revenue record: resolved"
    assert Alert.objects.get(pk=alert.pk).state == AlertState.OK


@pytest.mark.usefixtures("eager")
def test_a_generation_that_crosses_nothing_fires_nothing(
    owner: User, django_capture_on_commit_callbacks: object
) -> None:
    # given an alert 1,000.00 above the total revenue
    total = revenue(*ALL)
    alert = alert_make(
        owner, question="summary", value={"field": "revenue"}, condition="above", threshold=total + Decimal("1000.00")
    )

    # when a sale of 5.00 is synced
    sale_add(day=LAST_DAY, amount=Decimal("5.00"))
    number = synced(django_capture_on_commit_callbacks)

    # then no event and no email, and the alert remembers the generation and the value it saw
    assert not AlertEvent.objects.exists()
    assert mail.outbox == []
    alert.refresh_from_db()
    assert (alert.state, alert.last_value, alert.last_evaluated_generation) == ("ok", total + Decimal("5.00"), number)


@pytest.mark.usefixtures("eager")
def test_two_workers_evaluating_one_generation_make_one_event(owner: User) -> None:
    # given an alert that holds
    alert = alert_make(owner, question="summary", value={"field": "revenue"}, condition="above", threshold=Decimal(1))
    number = _served()

    # when the generation is evaluated twice (a second worker, a repeated message)
    alerts_evaluate(number)
    alerts_evaluate(number)

    # then one fired event
    assert list(AlertEvent.objects.filter(alert=alert).values_list("kind", "generation")) == [("fired", number)]


def _served() -> int:
    from analytics.runner import served_generation

    served = served_generation()
    assert served is not None and served.number is not None
    return int(served.number)


def test_weekly_revenue_below_50000(owner: User) -> None:
    # given "weekly revenue below 50,000": the last complete week (Monday 2025-12-22 to Sunday 12-28)
    alert = alert_make(
        owner,
        name="Weekly revenue",
        question="timeseries",
        params={"granularity": "week"},
        window="8w",
        value={"field": "revenue", "bucket": "last_complete"},
        condition="below",
        threshold=Decimal("50000"),
    )

    # when it is tested
    tried = alert_try(alert=alert, membership=membership(owner))

    # then it reads that week's revenue, which is under 50,000
    assert tried.value == revenue(date(2025, 12, 22), date(2025, 12, 29))
    assert tried.holds is True


def test_a_departments_budget_use_above_100_percent(owner: User, django_capture_on_commit_callbacks: object) -> None:
    # given the largest spender of 2025 and its budget cut to half of what it spent
    params = {"start": "2025-01-01", "end": "2026-01-01", "limit": "100"}
    from analytics.questions.ask import ask
    from analytics.tests.conftest import default_scope

    top = ask("finance/top-budget", params, scope=default_scope()).answer.value[0]  # type: ignore[index]
    Budget.objects.filter(workspace=workspace_default(), department__code=top["code"], fiscal_year=2025).update(
        amount=top["expenses"] / 2
    )
    budget = Budget.objects.get(workspace=workspace_default(), department__code=top["code"], fiscal_year=2025)
    budget.save()  # a save stamps updated_at, which the next export follows
    synced(django_capture_on_commit_callbacks)
    alert = alert_make(
        owner,
        name="Over budget",
        question="finance/top-budget",
        params=params,
        value={"field": "budget_used", "row": {"code": str(top["code"])}},
        condition="above",
        threshold=Decimal("100"),
    )

    # when it is tested
    tried = alert_try(alert=alert, membership=membership(owner))

    # then it sees 200.00 % used
    assert (tried.value, tried.holds) == (Decimal("200.00"), True)


def test_revenue_of_a_region_down_more_than_20_percent(owner: User, django_capture_on_commit_callbacks: object) -> None:
    # given a large sale in region US in the 30 days before the last 30 days
    sale_add(day=date(2025, 11, 15), amount=Decimal("9000.00"), region="US")
    synced(django_capture_on_commit_callbacks)
    alert = alert_make(
        owner,
        name="US down",
        question="sales-by-region",
        window="30d",
        value={"field": "revenue", "row": {"region": "US"}},
        condition="change_below",
        threshold=Decimal("-20"),
    )

    # when it is tested
    tried = alert_try(alert=alert, membership=membership(owner))

    # then the change is the one the records give, and it is a fall of more than 20 %
    current = revenue(date(2025, 12, 2), date(2026, 1, 1), "US")
    previous = revenue(date(2025, 11, 2), date(2025, 12, 2), "US")
    assert tried.value == ((current - previous) / previous * 100).quantize(Decimal("0.01"))
    assert tried.value is not None and tried.value < Decimal("-20")
    assert tried.holds is True


def test_a_daily_revenue_outside_its_28_day_band(owner: User, django_capture_on_commit_callbacks: object) -> None:
    # given a sale of 20,000.00 on the last day
    sale_add(day=LAST_DAY, amount=Decimal("20000.00"))
    synced(django_capture_on_commit_callbacks)
    alert = alert_make(
        owner,
        name="Daily spike",
        question="timeseries",
        params={"granularity": "day"},
        value={"field": "revenue", "bucket": "last"},
        condition="anomaly",
        periods=28,
        deviations=Decimal("3"),
    )

    # when it is tested
    tried = alert_try(alert=alert, membership=membership(owner))

    # then the day's revenue is outside mean ± 3 sample standard deviations of the 28 days before
    days = [LAST_DAY - timedelta(days=offset) for offset in range(28, 0, -1)]
    trailing = [revenue(day, day + timedelta(days=1)) for day in days]
    mean, spread = statistics.mean(trailing), statistics.stdev(trailing) * 3
    assert tried.value == revenue(LAST_DAY, LAST_DAY + timedelta(days=1))
    assert tried.band == ((mean - spread).quantize(Decimal("0.0001")), (mean + spread).quantize(Decimal("0.0001")))
    assert tried.holds is True


def test_a_row_limited_owners_alert_sees_only_their_region(django_capture_on_commit_callbacks: object) -> None:
    # given an owner limited to region GB, watching the total revenue
    limited = member_user("gb_only", role="viewer", regions=["GB"], email="gb@example.com")
    alert = alert_make(
        limited, question="summary", value={"field": "revenue"}, condition="above", threshold=Decimal("1")
    )

    # when it is tested
    tried = alert_try(alert=alert, membership=membership(limited))

    # then the revenue is GB's alone
    assert tried.value == revenue(*ALL, "GB")
    assert tried.value != revenue(*ALL)


@pytest.mark.usefixtures("eager")
def test_an_owner_who_left_stops_their_alert(owner: User) -> None:
    # given an alert whose owner is then removed from the workspace
    alert = alert_make(owner, question="summary", value={"field": "revenue"}, condition="above", threshold=Decimal(1))
    Membership.objects.filter(user=owner).delete()

    # when the generation is evaluated
    alerts_evaluate(_served())

    # then the alert is paused in error, and nothing fired
    alert.refresh_from_db()
    assert (alert.active, alert.state) == (False, "error")
    assert list(AlertEvent.objects.values_list("kind", flat=True)) == ["error"]


@pytest.mark.usefixtures("eager")
def test_a_failed_email_is_recorded_and_sent_on_a_later_try(owner: User, smtp: Inbox, settings: object) -> None:
    # given a fired event whose first email meets no SMTP server
    alert = alert_make(owner, question="summary", value={"field": "revenue"}, condition="above", threshold=Decimal(1))
    settings.EMAIL_PORT = free_port()  # type: ignore[attr-defined]  # pytest-django's settings
    celery_app.conf.task_eager_propagates = False  # eager retries then run in turn, as a worker's would
    alerts_evaluate(_served())
    event = AlertEvent.objects.get(alert=alert)
    # then the failure is on the event, after every try
    assert event.notify_attempts == MAX_NOTIFY_ATTEMPTS
    assert event.notified == Notified.GAVE_UP
    assert "ConnectionRefusedError" in event.notify_error

    # when it is tried again with the server up
    AlertEvent.objects.filter(pk=event.pk).update(notified=Notified.FAILED)
    settings.EMAIL_PORT = smtp.port  # type: ignore[attr-defined]
    assert event_notify(event.pk) is True

    # then it is sent
    assert AlertEvent.objects.get(pk=event.pk).notified == Notified.SENT
    assert smtp.messages[0][1]["Subject"].endswith(": firing")


@pytest.mark.usefixtures("eager")
def test_a_firing_alert_reminds_after_its_interval(owner: User) -> None:
    # given an alert with a 60-minute reminder that fired
    alert = alert_make(
        owner,
        question="summary",
        value={"field": "revenue"},
        condition="above",
        threshold=Decimal(1),
        reminder_minutes=60,
    )
    alerts_evaluate(_served())

    # when the beat runs 59 and then 61 minutes after it fired
    Alert.objects.filter(pk=alert.pk).update(state_changed_at=timezone.now() - timedelta(minutes=59))
    early = alerts_beat()
    Alert.objects.filter(pk=alert.pk).update(state_changed_at=timezone.now() - timedelta(minutes=61))
    late = alerts_beat()

    # then one reminder, emailed
    assert (early, late) == (0, 1)
    assert [event.subject for event in mail.outbox] == ["[Folio] Watch: firing", "[Folio] Watch: still firing"]


def test_the_same_month_a_year_before_for_a_seasonal_alert(
    owner: User, django_capture_on_commit_callbacks: object
) -> None:
    # given a sale of 1,000.00 in December 2024
    sale_add(day=date(2024, 12, 15), amount=Decimal("1000.00"))
    synced(django_capture_on_commit_callbacks)
    alert = alert_make(
        owner,
        name="December vs December",
        question="timeseries",
        params={"granularity": "month"},
        value={"field": "revenue"},
        condition="seasonal",
        threshold=Decimal("10"),
    )

    # when it is tested
    tried = alert_try(alert=alert, membership=membership(owner))

    # then December 2025 is compared with December 2024, from the records
    now, before = revenue(date(2025, 12, 1), date(2026, 1, 1)), revenue(date(2024, 12, 1), date(2025, 1, 1))
    assert (tried.observed, tried.value) == (now, ((now - before) / before * 100).quantize(Decimal("0.01")))
    assert tried.value is not None and tried.holds is (abs(tried.value) > 10)


@pytest.mark.usefixtures("eager")
def test_a_generation_evaluates_only_the_workspaces_it_changed(
    owner: User, django_capture_on_commit_callbacks: object, settings: object
) -> None:
    # (no lookback: the shared regions made a moment ago would count as changed for everyone)
    settings.EXPORT_LOOKBACK_SECONDS = 0  # type: ignore[attr-defined]  # pytest-django's settings
    # given an alert in another workspace, with no data of its own
    other = workspace_create(slug="other", name="Other")
    stranger = member_user("stranger", role="viewer", workspace=other)
    theirs = Alert.objects.create(
        workspace=other,
        created_by=stranger,
        name="Theirs",
        question="summary",
        value={"field": "revenue"},
        condition="above",
        threshold=Decimal(1),
    )
    mine = alert_make(owner, question="summary", value={"field": "revenue"}, condition="above", threshold=Decimal(1))

    # when a sale of the default workspace is synced
    sale_add(day=LAST_DAY, amount=Decimal("5.00"))
    number = synced(django_capture_on_commit_callbacks)

    # then only the default workspace's alert was evaluated
    assert Alert.objects.get(pk=mine.pk).last_evaluated_generation == number
    assert Alert.objects.get(pk=theirs.pk).last_evaluated_generation is None


@pytest.mark.usefixtures("eager")
def test_a_fired_alert_tells_the_notice_receivers_what_the_webhooks_need(owner: User) -> None:
    # given a receiver of alert_fired, as the webhooks app connects one
    heard: list[dict] = []

    def hear(sender: type, *, alert: Any, event: Any, **named: object) -> None:
        heard.append(
            {
                "name": alert.name,
                "question": alert.question,
                "params": alert.params,
                "condition": alert.condition,
                "threshold": alert.threshold,
                "url": alert.dashboard_url,
                "kind": event.kind,
                "value": event.value,
                "generation": event.generation,
            }
        )

    alert_fired.connect(hear)
    try:
        # when an alert on US revenue since December fires
        alert_make(
            owner,
            name="US December",
            question="summary",
            params={"region": "US", "start": "2025-12-01"},
            value={"field": "revenue"},
            condition="above",
            threshold=Decimal("1.5"),
        )
        alerts_evaluate(_served())
    finally:
        alert_fired.disconnect(hear)

    # then the receiver got the alert and the event with the exact value and the dashboard link
    assert heard == [
        {
            "name": "US December",
            "question": "summary",
            "params": {"region": "US", "start": "2025-12-01"},
            "condition": "above",
            "threshold": Decimal("1.5000"),
            "url": "http://localhost:8000/?preset=custom&start=2025-12-01&region=US",
            "kind": "fired",
            "value": revenue(date(2025, 12, 1), date(2026, 1, 1), "US"),
            "generation": _served(),
        }
    ]


def test_a_window_ending_today_is_evaluated_by_the_beat_once_a_day(owner: User) -> None:
    # given an alert on the last 7 days ending today
    alert_make(
        owner,
        question="summary",
        window="7d",
        window_anchor="today",
        value={"field": "revenue"},
        condition="below",
        threshold=Decimal(1),
    )

    # when the beat runs twice the same day
    first = alerts_evaluate_run(today_only=True)
    second = alerts_evaluate_run(today_only=True)

    # then it was evaluated once: no sales in the last 7 days (the data ends in 2025), so it fired
    assert (first.evaluated, second.evaluated) == (1, 0)
    assert list(AlertEvent.objects.values_list("kind", "value")) == [("fired", Decimal("0.0000"))]


@pytest.mark.usefixtures("eager")
def test_a_worker_that_read_the_alert_before_another_moved_it_makes_no_second_event(owner: User) -> None:
    # given a worker's copy of an alert read before another worker evaluated the generation
    alert = alert_make(owner, question="summary", value={"field": "revenue"}, condition="above", threshold=Decimal(1))
    stale = Alert.objects.get(pk=alert.pk)
    number = _served()
    alerts_evaluate(number)

    # when the slow worker reaches its transition with its stale copy (state ok, never evaluated)
    evaluated, _, _ = alerts_read([stale], {stale.pk: default_scope()}, today=timezone.localdate())
    made = transition_apply(
        stale, evaluated[0], "firing", number=number, today=timezone.localdate(), now=timezone.now()
    )

    # then its conditional UPDATE finds nothing to move: one fired event in all
    assert made is None
    assert list(AlertEvent.objects.values_list("kind", flat=True)) == ["fired"]
