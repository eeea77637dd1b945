"""When a scheduled report is next due: the owner's local time, in their time zone, turned
into an instant (UTC) with zoneinfo, so that daylight saving time moves the instant and not
the local time.

- A local time that does not exist (the hour skipped when clocks spring forward) is moved
  forward by the gap: 02:30 on the last Sunday of March in Europe/Paris is sent at 03:30 CEST.
- A local time that happens twice (the hour repeated when clocks fall back) is sent once, at
  its first occurrence (PEP 495's fold=0).
- A monthly report on day 29, 30 or 31 is sent on the last day of a shorter month.
"""

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"
ONE_DAY = timedelta(days=1)


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) of the local `day` and `at` in `zone`; a nonexistent local time is
    read with the offset before the gap, which lands it as far after the gap's start as it
    was meant to be (02:30 → 03:30)."""
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)


def runs_on(day: date, *, schedule: str, weekday: int | None, day_of_month: int | None) -> bool:
    """Whether a report of this schedule is sent on the local `day`."""
    if schedule == DAILY:
        return True
    if schedule == WEEKLY:
        return day.weekday() == weekday
    if schedule == MONTHLY:
        last = calendar.monthrange(day.year, day.month)[1]
        return day_of_month is not None and day.day == min(day_of_month, last)
    raise ValueError(f"{schedule} has no time of its own")


def next_run(
    *, after: datetime, schedule: str, at: time, zone: str, weekday: int | None = None, day_of_month: int | None = None
) -> datetime:
    """The first run strictly after `after` (an aware datetime), in UTC."""
    tz = ZoneInfo(zone)
    day = after.astimezone(tz).date() - ONE_DAY  # the day before: a gap may move a run past midnight
    for _ in range(800):  # a monthly run is at most 31 days away; daily and weekly sooner
        if runs_on(day, schedule=schedule, weekday=weekday, day_of_month=day_of_month):
            instant = local_instant(day, at, tz)
            if instant > after:
                return instant
        day += ONE_DAY
    raise ValueError("no run found")  # pragma: no cover  (every schedule has a day in 800)
