"""When a report is due: local times in a time zone across daylight saving time, the hour
skipped and the hour repeated, weekly days and monthly days past a short month's end."""

from datetime import UTC, datetime, time

import pytest

from reports.schedule import next_run


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("2025-01-15T00:00", "2025-01-15T08:00"),  # winter, CET (UTC+1): 09:00 local is 08:00 UTC
        ("2025-07-15T00:00", "2025-07-15T07:00"),  # summer, CEST (UTC+2): 07:00 UTC
        ("2025-07-15T07:00", "2025-07-16T07:00"),  # strictly after: the run at `after` is the previous one
        ("2025-03-29T08:00", "2025-03-30T07:00"),  # 08:00 UTC on Saturday, then Sunday after the change
        ("2025-10-25T07:00", "2025-10-26T08:00"),  # back to winter time on Sunday 26 October
    ],
)
def test_a_daily_report_keeps_its_local_time_across_daylight_saving(after: str, expected: str) -> None:
    found = next_run(after=at(after), schedule="daily", at=time(9), zone="Europe/Paris")

    assert found == at(expected)


def test_a_local_time_the_spring_change_skips_moves_forward_by_the_gap() -> None:
    # 02:30 does not exist in Paris on 2025-03-30 (02:00 CET became 03:00 CEST): sent at 03:30 CEST
    found = next_run(after=at("2025-03-29T12:00"), schedule="daily", at=time(2, 30), zone="Europe/Paris")

    assert found == at("2025-03-30T01:30")
    assert next_run(after=found, schedule="daily", at=time(2, 30), zone="Europe/Paris") == at("2025-03-31T00:30")


def test_a_local_time_the_autumn_change_repeats_is_sent_once_at_its_first_occurrence() -> None:
    # 02:30 happens twice in Paris on 2025-10-26: first at 00:30 UTC (CEST), again at 01:30 UTC (CET)
    first = next_run(after=at("2025-10-25T12:00"), schedule="daily", at=time(2, 30), zone="Europe/Paris")
    following = next_run(after=first, schedule="daily", at=time(2, 30), zone="Europe/Paris")

    assert (first, following) == (at("2025-10-26T00:30"), at("2025-10-27T01:30"))


def test_a_weekly_report_is_sent_on_its_weekday_in_local_time() -> None:
    # Mondays at 09:00 Paris, from Wednesday 2025-03-26: Monday 31 March is in summer time
    first = next_run(after=at("2025-03-26T00:00"), schedule="weekly", at=time(9), zone="Europe/Paris", weekday=0)
    second = next_run(after=first, schedule="weekly", at=time(9), zone="Europe/Paris", weekday=0)

    assert (first, second) == (at("2025-03-31T07:00"), at("2025-04-07T07:00"))


def test_a_weekly_report_late_in_the_evening_is_on_the_local_day_not_the_utc_one() -> None:
    # Sunday 23:30 in Tokyo is Sunday 14:30 UTC; in New York (EST) it is Monday 04:30 UTC
    tokyo = next_run(after=at("2025-01-01T00:00"), schedule="weekly", at=time(23, 30), zone="Asia/Tokyo", weekday=6)
    new_york = next_run(
        after=at("2025-01-01T00:00"), schedule="weekly", at=time(23, 30), zone="America/New_York", weekday=6
    )

    assert (tokyo, new_york) == (at("2025-01-05T14:30"), at("2025-01-06T04:30"))


def test_a_monthly_report_on_day_31_goes_out_on_the_last_day_of_shorter_months() -> None:
    runs = []
    after = at("2025-01-01T00:00")
    for _ in range(5):
        after = next_run(after=after, schedule="monthly", at=time(9), zone="Europe/Paris", day_of_month=31)
        runs.append(after)

    assert runs == [
        at("2025-01-31T08:00"),
        at("2025-02-28T08:00"),
        at("2025-03-31T07:00"),  # summer time since the 30th
        at("2025-04-30T07:00"),
        at("2025-05-31T07:00"),
    ]


def test_a_monthly_report_on_day_29_is_on_the_29th_of_a_leap_february() -> None:
    found = next_run(after=at("2028-02-01T00:00"), schedule="monthly", at=time(0), zone="UTC", day_of_month=29)

    assert found == at("2028-02-29T00:00")
