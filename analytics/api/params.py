"""Query-parameter serializers: every parameter described (for the schema), validated,
normalized (for the cache key), and refused with a message per field when wrong."""

from collections.abc import Callable
from datetime import date, timedelta

from rest_framework import serializers

from analytics.queries.base import GRANULARITIES, Period
from analytics.queries.ledger_filters import LedgerFilters
from analytics.queries.sales_filters import SalesFilters
from analytics.queries.top_books import ORDERINGS

MAX_LIST = 50  # values in one comma-separated filter


class CodeListField(serializers.CharField):
    """One or more comma-separated values (`region=US,GB`), checked against the known ones."""

    def __init__(self, *, noun: str, known: Callable[[dict], list], integers: bool = False, **kwargs: object) -> None:
        self.noun = noun
        self.known = known  # the values the current generation holds, from the filter options
        self.integers = integers
        super().__init__(required=False, max_length=2000, **kwargs)

    def to_internal_value(self, data: object) -> tuple:
        """A sorted tuple of distinct values."""
        text = super().to_internal_value(data)
        values = [value.strip() for value in text.split(",") if value.strip()]
        if not values:
            raise serializers.ValidationError("Give at least one value, or leave the parameter out.")
        if len(values) > MAX_LIST:
            raise serializers.ValidationError(f"At most {MAX_LIST} values.")
        if self.integers:
            wrong = [value for value in values if not value.isdigit() or len(value) > 9]
            if wrong:
                raise serializers.ValidationError(f"Not a whole number: {', '.join(wrong[:5])}.")
            parsed = tuple(sorted({int(value) for value in values}))
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

    def to_internal_value(self, data: object) -> dict:
        """Every problem at once, one message per field: unknown parameter names, blank
        values (DRF would quietly take `?start=` as absent), then each field's own check."""
        errors: dict[str, list[str]] = {
            name: [f"Unknown parameter. Known: {', '.join(sorted(self.fields))}."]
            for name in sorted(set(data) - set(self.fields) - set(self.allowed_extra))
        }
        for name, field in self.fields.items():
            if data.get(name) == "" and not getattr(field, "allow_blank", False):
                errors[name] = ["Give a value or leave the parameter out."]
        try:
            value = super().to_internal_value({name: data[name] for name in data if name not in errors})
        except serializers.ValidationError as invalid:
            errors.update(invalid.detail)
        if errors:
            raise serializers.ValidationError(errors)
        return value


class PeriodQuerySerializer(StrictQuerySerializer):
    """`start` and `end`: a half-open range of ISO dates; defaults to all the data."""

    start = serializers.DateField(
        required=False, help_text="First day included (ISO date). Default: first day with data."
    )
    end = serializers.DateField(
        required=False,
        help_text="First day excluded (ISO date, half-open range). Default: the day after the last day with data.",
    )
    bounds = ("sales_first_date", "sales_last_date")

    def validate(self, attrs: dict) -> dict:
        """Fill the default range and check that it is not empty or reversed."""
        attrs = super().validate(attrs)
        options = self.context["options"]
        first, last = options[self.bounds[0]], options[self.bounds[1]]
        today = date.today()
        start = attrs.get("start") or first or today
        end = attrs.get("end") or ((last + timedelta(days=1)) if last else start + timedelta(days=1))
        if "end" not in attrs and end <= start:
            end = start + timedelta(days=1)
        if "start" not in attrs and start >= end:
            start = end - timedelta(days=1)
        if end <= start:
            raise serializers.ValidationError(
                {"end": [f"end ({end}) must be after start ({start}); the range is half-open."]}
            )
        if (end - start).days > 366 * 100:
            raise serializers.ValidationError({"start": ["The range may span at most 100 years."]})
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

    def validate(self, attrs: dict) -> dict:
        """The filters the queries take."""
        attrs = super().validate(attrs)
        attrs["filters"] = SalesFilters(attrs["period"], attrs.get("region", ()), attrs.get("genre", ()))
        return attrs


class GranularityMixin(serializers.Serializer):
    """Bucket size for time series."""

    granularity = serializers.ChoiceField(
        choices=GRANULARITIES, default="month", help_text="Bucket size; weeks start on Monday."
    )


class LimitMixin(serializers.Serializer):
    """How many rows."""

    limit = serializers.IntegerField(default=10, min_value=1, max_value=100, help_text="Rows to return (1-100).")


class TimeseriesQuerySerializer(GranularityMixin, SalesQuerySerializer):
    """Sales filters and bucket size."""


class TopBooksQuerySerializer(LimitMixin, SalesQuerySerializer):
    """Sales filters, ranking and paging."""

    order = serializers.ChoiceField(choices=sorted(ORDERINGS), default="revenue", help_text="Rank by this measure.")
    offset = serializers.IntegerField(default=0, min_value=0, max_value=100_000, help_text="Rows to skip (paging).")
    search = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=100,
        help_text="Only books whose title or authors contain this text.",
    )


class LedgerQuerySerializer(PeriodQuerySerializer):
    """The city-ledger filters."""

    bounds = ("ledger_first_date", "ledger_last_date")
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

    def validate(self, attrs: dict) -> dict:
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

    books = serializers.IntegerField(default=500, min_value=1, max_value=500_000)
    sales = serializers.IntegerField(default=10_000, min_value=0, max_value=10_000_000)
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    years = serializers.IntegerField(default=3, min_value=1, max_value=20)


class SyncRequestSerializer(serializers.Serializer):
    """What `sync` does: an incremental sync, or a full rebuild."""

    full = serializers.BooleanField(default=False, help_text="Rebuild the warehouse from scratch.")


class ImportUploadSerializer(serializers.Serializer):
    """A file to import, as multipart/form-data."""

    file = serializers.FileField(help_text="The CSV (or, for the statement, the explore API's JSON).")
    skip_invalid = serializers.BooleanField(
        default=False, help_text="Import the valid rows and report the others, instead of all or nothing."
    )
