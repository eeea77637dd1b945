"""The plausible-date window that every write checks: imports, admin forms, services and generators.

One implausible record used to break the default views for everyone (a sale dated 0001-01-01
made every book endpoint answer 400, a ledger row dated 9999-12-31 made finance answer 500).
So nothing outside [FOLIO_EARLIEST_DATE, today + FOLIO_LATEST_DAYS_AHEAD] is stored. The
latest bound moves with today, which a database CHECK constraint cannot express (it is
evaluated once per write against a fixed expression, and PostgreSQL requires it immutable),
so the window is enforced here, in code, by the one function every writer calls.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

SETTINGS_NAMES = "FOLIO_EARLIEST_DATE, FOLIO_LATEST_DAYS_AHEAD"


@dataclass(frozen=True)
class DateWindow:
    """The first and last day a stored date may fall on, both included."""

    earliest: date
    latest: date

    def __str__(self) -> str:
        return f"{self.earliest.isoformat()} to {self.latest.isoformat()}"

    @cached_property
    def _moments(self) -> tuple[datetime, datetime]:
        """The first moment of the window and the first after it, in settings.TIME_ZONE."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.earliest, time(), tzinfo=zone),
            datetime.combine(self.latest + timedelta(days=1), time(), tzinfo=zone),
        )

    def utc_text_bounds(self) -> tuple[str, str]:
        """The window's first moment and the first after it as naive UTC ISO text ("YYYY-MM-DD HH:MM:SS"):
        a bulk importer compares its UTC text with these, a string comparison per row."""
        first, after = (moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ") for moment in self._moments)
        return first, after

    @property
    def refusal_text(self) -> str:
        """The reason given for a date outside the window."""
        return f"the date is outside the plausible window {self} ({SETTINGS_NAMES})"

    def date_refusal(self, value: date | datetime) -> str | None:
        """Why a date (or a time, on its local day) is implausible, or None when it is inside the window."""
        if isinstance(value, datetime) and value.tzinfo is not None:
            # Compared as moments: converting a time near year 1 or 9999 to the local zone overflows,
            # comparing does not (and costs a tenth of timezone.localtime on a million sales).
            first, after = self._moments
            inside = first <= value < after
        else:
            day = value.date() if isinstance(value, datetime) else value
            inside = self.earliest <= day <= self.latest
        return None if inside else self.refusal_text

    def year_refusal(self, year: int) -> str | None:
        """Why a fiscal year (exercice) is implausible, or None when it is inside the window's years."""
        if self.earliest.year <= year <= self.latest.year:
            return None
        return f"the year is outside the plausible years {self.earliest.year} to {self.latest.year} ({SETTINGS_NAMES})"


def date_window(*, today: date | None = None) -> DateWindow:
    """The window as configured, its latest day counted from today (in settings.TIME_ZONE)."""
    today = today or timezone.localdate()
    return DateWindow(
        earliest=settings.FOLIO_EARLIEST_DATE, latest=today + timedelta(days=settings.FOLIO_LATEST_DAYS_AHEAD)
    )


def date_plausible_validate(value: date | datetime) -> None:
    """Model field validator: ValidationError when a date or time is outside the window."""
    reason = date_window().date_refusal(value)
    if reason is not None:
        raise ValidationError(f"{value.isoformat()}: {reason}.", code="implausible_date")


def year_plausible_validate(value: int) -> None:
    """Model field validator: ValidationError when a fiscal year is outside the window's years."""
    reason = date_window().year_refusal(value)
    if reason is not None:
        raise ValidationError(f"{value}: {reason}.", code="implausible_year")
