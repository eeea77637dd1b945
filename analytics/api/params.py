"""Query-parameter serializers: every parameter described (for the schema), validated,
normalized (for the cache key), and refused with a message per field when wrong.

Numbers and dates are ASCII digits only (`int()` would read `٣` as 3 and fail on `²`);
a parameter given twice means both values where it takes a list (`region=US&region=GB`
is `region=US,GB`) and is refused everywhere else; dates stay in a window where no
period, previous period or bucket can overflow, and the default range derived from the
data is clamped into the plausible-date window that every write checks (config.date_window),
so no stored record can make a default question fail, and "all data" is all of it.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, ClassVar, Literal, cast

from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from rest_framework import serializers

from analytics.queries.base import GRANULARITIES, Period
from analytics.queries.filter_options import FilterOptions
from analytics.queries.ledger_filters import LedgerFilters
from analytics.queries.sales_filters import SalesFilters
from analytics.queries.top_books import ORDERINGS
from config.date_window import date_window

MAX_LIST = 50  # values in one comma-separated filter
ASCII_INTEGER = re.compile(r"-?[0-9]+")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Dates a parameter may name. Wide enough for any plausible record, narrow enough that a
# range of MAX_RANGE_DAYS before FIRST_DATE (the previous period) or a bucket after
# LAST_DATE never leaves Python's years 1..9999.
FIRST_DATE = date(1000, 1, 1)
LAST_DATE = date(9000, 1, 1)
MAX_RANGE_DAYS = 366 * 100  # at least; longer when the plausible-date window is (range_limit_days)
WIDEST_RANGE_DAYS = 366 * 500  # never longer, so a previous period before FIRST_DATE stays after year 1
ONE_DAY = timedelta(days=1)
GIVEN_TWICE = "Given {count} times; give it once (only list filters take several values)."
CodeValues = tuple[str, ...] | tuple[int, ...]  # what a CodeListField holds
DateBound = Literal["sales_first_date", "sales_last_date", "ledger_first_date", "ledger_last_date"]


class AsciiIntegerField(serializers.IntegerField):
    """An integer written in ASCII digits (DRF's own field takes `٣` and `5.0`)."""

    def to_internal_value(self, data: object) -> int:
        """The integer, or the usual "A valid integer is required." for anything else."""
        if not isinstance(data, int) and not (isinstance(data, str) and ASCII_INTEGER.fullmatch(data)):
            self.fail("invalid")
        return super().to_internal_value(data)


class AsciiDateField(serializers.DateField):
    """An ISO date, YYYY-MM-DD in ASCII digits, between FIRST_DATE and LAST_DATE."""

    def to_internal_value(self, value: object) -> date:
        """The date; wrong format and out-of-window dates are refused with their own message."""
        if isinstance(value, date):
            parsed = value
        elif isinstance(value, str) and ISO_DATE.fullmatch(value):
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                self.fail("invalid", format="YYYY-MM-DD")
        else:
            self.fail("invalid", format="YYYY-MM-DD")
        if not FIRST_DATE <= parsed <= LAST_DATE:
            raise serializers.ValidationError(f"Give a date from {FIRST_DATE} to {LAST_DATE}.")
        return parsed


def default_window(today: date) -> tuple[date, date]:
    """The half-open window that data-derived default dates are clamped into: the plausible-date
    window writes are held to. A stray record dated 0001-01-01 or 9999-12-31 (stored before
    writes checked dates) cannot stretch "all data" past what a question may span, and every
    record a write accepts is inside the default range."""
    window = date_window(today=today)
    return window.earliest, window.latest + ONE_DAY


def range_limit_days(today: date) -> int:
    """How many days one question may span: 100 years, or the whole plausible-date window
    when it is longer, so that the default range always fits."""
    low, high = default_window(today)
    return min(max(MAX_RANGE_DAYS, (high - low).days), WIDEST_RANGE_DAYS)


class CodeListField(serializers.CharField):
    """One or more comma-separated values (`region=US,GB`), checked against the known ones."""

    def __init__(
        self,
        *,
        noun: str,
        known: Callable[[FilterOptions], Sequence[str] | Sequence[int]],
        integers: bool = False,
        help_text: str,
    ) -> None:
        self.noun = noun
        self.known = known  # the values the current generation holds, from the filter options
        self.integers = integers
        super().__init__(required=False, max_length=2000, help_text=help_text)

    # CharField checks the text and gives the schema its string type; the value is the parsed tuple.
    def to_internal_value(self, data: str) -> CodeValues:  # type: ignore[override]  # parsed values, not text
        """A sorted tuple of distinct values."""
        text = super().to_internal_value(data)
        values = [value.strip() for value in text.split(",") if value.strip()]
        if not values:
            raise serializers.ValidationError("Give at least one value, or leave the parameter out.")
        if len(values) > MAX_LIST:
            raise serializers.ValidationError(f"At most {MAX_LIST} values.")
        if self.integers:
            wrong = [value for value in values if not re.fullmatch(r"[0-9]{1,9}", value)]
            if wrong:
                raise serializers.ValidationError(
                    f"Not a whole number of at most 9 digits 0-9: {', '.join(value[:20] for value in wrong[:5])}."
                )
            parsed: CodeValues = tuple(sorted({int(value) for value in values}))
        else:
            parsed = tuple(sorted(set(values)))
        known = self.known(self.context["options"])
        unknown = [str(value) for value in parsed if value not in set(known)]
        if unknown:
            sample = ", ".join(str(value) for value in known[:20]) + (" …" if len(known) > 20 else "")
            raise serializers.ValidationError(
                f"Unknown {self.noun}: {', '.join(unknown[:5])}. Known: {sample or 'none yet'}."
            )
        return parsed


class StrictQuerySerializer(serializers.Serializer):
    """Refuses parameters it does not know, so a typo is an error and not a silent default."""

    allowed_extra = ("format",)

    def to_internal_value(self, data: Mapping[str, object]) -> dict[str, Any]:
        """Every problem at once, one message per field: unknown parameter names, repeated
        ones, blank values (DRF would quietly take `?start=` as absent), then each field's
        own check."""
        given = {
            name: [str(value) for value in (data.getlist(name) if isinstance(data, MultiValueDict) else [data[name]])]
            for name in data
        }
        errors: dict[str, list[str]] = {
            name[:100]: [f"Unknown parameter. Known: {', '.join(sorted(self.fields))}."]
            for name in sorted(set(given) - set(self.fields) - set(self.allowed_extra))
        }
        values: dict[str, str] = {}
        for name, found in given.items():
            if len(found) == 1 or name[:100] in errors:
                values[name] = found[0]
            elif isinstance(self.fields.get(name), CodeListField):
                values[name] = ",".join(found)  # region=US&region=GB means region=US,GB
            else:
                errors[name] = [GIVEN_TWICE.format(count=len(found))]
        for name in [*self.fields, *self.allowed_extra]:
            if values.get(name) == "" and not getattr(self.fields.get(name), "allow_blank", False):
                errors[name] = ["Give a value or leave the parameter out."]
        try:
            value = super().to_internal_value(
                {name: values[name] for name in values if name not in errors and name in self.fields}
            )
        except serializers.ValidationError as invalid:
            # A serializer's own errors: per field, a list of messages (ErrorDetail is a str).
            errors.update(cast(dict[str, list[str]], invalid.detail))
        if errors:
            raise serializers.ValidationError(errors)
        return value


class PeriodQuerySerializer(StrictQuerySerializer):
    """`start` and `end`: a half-open range of ISO dates; defaults to all the data."""

    start = AsciiDateField(required=False, help_text="First day included (ISO date). Default: first day with data.")
    end = AsciiDateField(
        required=False,
        help_text="First day excluded (ISO date, half-open range). Default: the day after the last day with data.",
    )
    bounds: ClassVar[tuple[DateBound, DateBound]] = ("sales_first_date", "sales_last_date")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Fill the default range and check that it is not empty, reversed or too long.

        A default comes from the data's first and last days, clamped into default_window and
        to at most range_limit_days next to the date given: a record dated 0001-01-01 or
        9999-12-31 cannot make a default fail."""
        attrs = super().validate(attrs)
        options: FilterOptions = self.context["options"]
        first, last = options[self.bounds[0]], options[self.bounds[1]]
        today = timezone.localdate()
        low, high = default_window(today)
        data_start = min(max(first or today, low), high - ONE_DAY)
        data_end = min(max(last or data_start, data_start), high - ONE_DAY) + ONE_DAY
        limit_days = range_limit_days(today)
        limit = timedelta(days=limit_days)
        start: date | None = attrs.get("start")
        end: date | None = attrs.get("end")
        if start is None:
            if end is None:
                start, end = data_start, max(data_end, data_start + ONE_DAY)
                start = max(start, end - limit)
            else:
                start = max(data_start, end - limit)
                start = min(start, end - ONE_DAY)
        elif end is None:
            end = min(data_end, start + limit)
            end = max(end, start + ONE_DAY)
        if end <= start:
            raise serializers.ValidationError(
                {"end": [f"end ({end}) must be after start ({start}); the range is half-open."]}
            )
        if (end - start).days > limit_days:
            raise serializers.ValidationError(
                {"start": [f"The range may span at most {limit_days // 366} years ({limit_days} days)."]}
            )
        attrs["period"] = Period(start, end)
        return attrs


class SalesQuerySerializer(PeriodQuerySerializer):
    """The book-sales filters."""

    region = CodeListField(
        noun="region",
        known=lambda options: [region["code"] for region in options["regions"]],
        help_text="Region code(s), comma-separated, e.g. `US,GB` (see `initialise`).",
    )
    genre = CodeListField(
        noun="genre",
        known=lambda options: [genre["slug"] for genre in options["genres"]],
        help_text="Genre slug(s), comma-separated, e.g. `romance` (see `initialise`).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The filters the queries take."""
        attrs = super().validate(attrs)
        options = self.context["options"]
        first, last = options["sales_first_date"], options["sales_last_date"]
        # None when unknown, or when a stray record on the last day dates can hold leaves no day after it.
        span = Period(first, last + ONE_DAY) if first and last and last < date.max else None
        attrs["filters"] = SalesFilters(attrs["period"], attrs.get("region", ()), attrs.get("genre", ()), span)
        return attrs


class GranularityMixin(serializers.Serializer):
    """Bucket size for time series."""

    granularity = serializers.ChoiceField(
        choices=GRANULARITIES, default="month", help_text="Bucket size; weeks start on Monday."
    )


class LimitMixin(serializers.Serializer):
    """How many rows."""

    limit = AsciiIntegerField(default=10, min_value=1, max_value=100, help_text="Rows to return (1-100).")


class TimeseriesQuerySerializer(GranularityMixin, SalesQuerySerializer):
    """Sales filters and bucket size."""


class TopBooksQuerySerializer(LimitMixin, SalesQuerySerializer):
    """Sales filters, ranking and paging."""

    order = serializers.ChoiceField(choices=sorted(ORDERINGS), default="revenue", help_text="Rank by this measure.")
    offset = AsciiIntegerField(default=0, min_value=0, max_value=100_000, help_text="Rows to skip (paging).")
    search = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=100,
        help_text="Only books whose title or authors contain this text.",
    )


class LedgerQuerySerializer(PeriodQuerySerializer):
    """The city-ledger filters."""

    bounds: ClassVar[tuple[DateBound, DateBound]] = ("ledger_first_date", "ledger_last_date")
    department = CodeListField(
        noun="department",
        known=lambda options: [row["code"] for row in options["departments"]],
        integers=True,
        help_text="Department code(s), comma-separated (see `initialise`).",
    )
    fund = CodeListField(
        noun="fund",
        known=lambda options: [row["code"] for row in options["funds"]],
        integers=True,
        help_text="Fund code(s), comma-separated (see `initialise`).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The filters the queries take."""
        attrs = super().validate(attrs)
        attrs["filters"] = LedgerFilters(attrs["period"], attrs.get("department", ()), attrs.get("fund", ()))
        return attrs


class LedgerLimitQuerySerializer(LimitMixin, LedgerQuerySerializer):
    """Ledger filters and a row count."""


class LedgerSeriesQuerySerializer(GranularityMixin, LedgerQuerySerializer):
    """Ledger filters and bucket size."""


class StatementQuerySerializer(StrictQuerySerializer):
    """Which exercices of the compte de résultat."""

    exercice = CodeListField(
        noun="exercice",
        known=lambda options: options["exercices"],
        integers=True,
        help_text="Fiscal year(s), comma-separated. Default: every exercice.",
    )


class NoQuerySerializer(StrictQuerySerializer):
    """No parameters."""


class GenerateTestDataSerializer(serializers.Serializer):
    """What `generate-test-data` creates (the same options as `manage.py generate_sales_data`)."""

    books = AsciiIntegerField(default=500, min_value=1, max_value=500_000)
    sales = AsciiIntegerField(default=10_000, min_value=0, max_value=10_000_000)
    seed = AsciiIntegerField(required=False, min_value=0, max_value=2**31 - 1)
    years = AsciiIntegerField(default=3, min_value=1, max_value=20)


class SyncRequestSerializer(serializers.Serializer):
    """What `sync` does: an incremental sync, or a full rebuild."""

    full = serializers.BooleanField(default=False, help_text="Rebuild the warehouse from scratch.")


class ImportUploadSerializer(serializers.Serializer):
    """A file to import, as multipart/form-data."""

    file = serializers.FileField(help_text="The CSV (or, for the statement, the explore API's JSON).")
    skip_invalid = serializers.BooleanField(
        default=False, help_text="Import the valid rows and report the others, instead of all or nothing."
    )
