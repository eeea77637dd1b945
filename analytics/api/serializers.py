"""Response shapes, declared for the OpenAPI schema (money is an exact decimal string,
ratios are decimal strings with four places: "0.1234" is 12.34 %)."""

from rest_framework import serializers


def Money(*, allow_null: bool = False, help_text: str | None = None) -> serializers.DecimalField:
    """An exact amount with two decimals, as a string."""
    return serializers.DecimalField(max_digits=30, decimal_places=2, allow_null=allow_null, help_text=help_text)


def Ratio(*, help_text: str | None = None) -> serializers.DecimalField:
    """A ratio with four decimals, as a string; null when its denominator is zero."""
    return serializers.DecimalField(max_digits=30, decimal_places=4, allow_null=True, help_text=help_text)


class ErrorSerializer(serializers.Serializer):
    """Every error: a sentence, and for bad parameters the messages per field."""

    detail = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]  # a field: the metaclass moves it off the class
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class SummarySerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Excluded.")
    revenue = Money()
    units = serializers.IntegerField()
    orders = serializers.IntegerField()
    average_order_value = Money(allow_null=True, help_text="revenue / orders; null without orders.")
    previous_start = serializers.DateField()
    previous_end = serializers.DateField()
    previous_revenue = Money()
    previous_units = serializers.IntegerField()
    previous_orders = serializers.IntegerField()
    previous_average_order_value = Money(allow_null=True)
    revenue_change = Ratio(help_text="(current − previous) / previous.")
    units_change = Ratio()
    orders_change = Ratio()
    average_order_value_change = Ratio()


class SalesBucketSerializer(serializers.Serializer):
    bucket = serializers.DateField(help_text="First day of the bucket.")
    revenue = Money()
    units = serializers.IntegerField()
    orders = serializers.IntegerField()


class TopBookSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    book_id = serializers.IntegerField()
    isbn13 = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    authors = serializers.CharField()
    genre = serializers.CharField(allow_null=True, help_text="Genre slug.")
    genre_name = serializers.CharField(allow_null=True)
    revenue = Money()
    units = serializers.IntegerField()
    orders = serializers.IntegerField()


class RegionSalesSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="Region code.")
    name = serializers.CharField()
    revenue = Money()
    units = serializers.IntegerField()
    orders = serializers.IntegerField()
    share = Ratio(help_text="Share of the revenue of all rows.")
    previous_revenue = Money(help_text="Revenue in the period of equal length before.")
    revenue_change = Ratio()


class GenreSalesSerializer(RegionSalesSerializer):
    region = None  # type: ignore[assignment]  # DRF's way to drop an inherited field
    genre = serializers.CharField(help_text="Genre slug.")


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class NumberedNameSerializer(serializers.Serializer):
    code = serializers.IntegerField()
    name = serializers.CharField()


class GenreOptionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class FilterOptionsSerializer(serializers.Serializer):
    sales_first_date = serializers.DateField(allow_null=True)
    sales_last_date = serializers.DateField(allow_null=True)
    ledger_first_date = serializers.DateField(allow_null=True)
    ledger_last_date = serializers.DateField(allow_null=True)
    regions = CodeNameSerializer(many=True)
    genres = GenreOptionSerializer(many=True)
    departments = NumberedNameSerializer(many=True)
    funds = NumberedNameSerializer(many=True)
    exercices = serializers.ListField(child=serializers.IntegerField())


class TopRoiSerializer(serializers.Serializer):
    department = serializers.IntegerField(help_text="Department code.")
    name = serializers.CharField()
    revenue = Money()
    expenses = Money()
    net = Money(help_text="revenue − expenses.")
    roi = Ratio(help_text="net / expenses; null without expenses (ranked last).")


class TopBudgetSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["department", "cost_center"])
    code = serializers.IntegerField()
    name = serializers.CharField()
    expenses = Money()
    budget = Money(allow_null=True, help_text="Budget of the fiscal years the period touches; null for cost centres.")
    budget_used = Ratio(help_text="expenses / budget.")


class LedgerBucketSerializer(serializers.Serializer):
    bucket = serializers.DateField()
    revenue = Money()
    expenses = Money()
    net = Money()


class NetProfitBucketSerializer(LedgerBucketSerializer):
    cumulative_net = Money(help_text="Running total of net from the start of the period.")
    margin = Ratio(help_text="net / revenue of the bucket; null without revenue.")
    cumulative_margin = Ratio(help_text="cumulative_net / revenue from the start of the period; null without revenue.")


class FundRowSerializer(serializers.Serializer):
    fund = serializers.IntegerField(help_text="Fund code.")
    name = serializers.CharField()
    revenue = Money()
    expenses = Money()
    net = Money()
    ratio = Ratio(help_text="revenue / expenses.")


class StatementProfitSerializer(serializers.Serializer):
    exercice = serializers.IntegerField()
    produits = Money()
    charges = Money()
    resultat = Money(help_text="produits − charges.")
    resultat_exploitation = Money()
    resultat_financier = Money()
    resultat_exceptionnel = Money()


class StatementOperatingSerializer(serializers.Serializer):
    exercice = serializers.IntegerField()
    produits = Money()
    charges = Money()
    resultat = Money()
    marge = Ratio(help_text="resultat / produits.")


class StatementPosteSerializer(serializers.Serializer):
    exercice = serializers.IntegerField()
    type_de_resultat = serializers.ChoiceField(choices=["EXPLOITATION", "FINANCIER", "EXCEPTIONNEL"])
    poste = serializers.CharField()
    montant = Money()
    share = Ratio(help_text="Share of the exercice's total in this table.")


class LoadSerializer(serializers.Serializer):
    attempt = serializers.IntegerField()
    generation = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["running", "published", "exported", "failed"])
    full_refresh = serializers.BooleanField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    rows = serializers.DictField()
    timings = serializers.DictField()
    error = serializers.CharField(allow_blank=True)
    note = serializers.CharField(
        allow_blank=True, help_text="Why the load was built as it was: a self-healing full rebuild, from the lake."
    )


class FreshnessSerializer(serializers.Serializer):
    generation = serializers.IntegerField(
        allow_null=True, help_text="The generation the API serves; null before the first load."
    )
    warehouse_status = serializers.ChoiceField(
        choices=["available", "unavailable"],
        allow_null=True,
        help_text="Whether the served generation's data can be read; null before the first load.",
    )
    warehouse_message = serializers.CharField(
        allow_null=True, help_text="Why the warehouse is unavailable (the next sync rebuilds it); null when available."
    )
    as_of = serializers.DateTimeField(allow_null=True, help_text="The data is complete up to this time.")
    published_at = serializers.DateTimeField(allow_null=True)
    backend = serializers.CharField(allow_null=True)
    last_load_status = serializers.CharField(allow_null=True)
    last_load_error = serializers.CharField(allow_null=True)
    loads = LoadSerializer(many=True)


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "running", "succeeded", "failed"])
    parameters = serializers.DictField()
    result = serializers.DictField()
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.CharField()


def envelope(name: str, result: type[serializers.Serializer], *, many: bool) -> type[serializers.Serializer]:
    """The response around an answer: generation, as-of time, normalized parameters, result(s)."""
    fields = {
        "generation": serializers.IntegerField(help_text="Warehouse generation the answer comes from."),
        "as_of": serializers.DateTimeField(allow_null=True, help_text="The data is complete up to this time."),
        "params": serializers.DictField(help_text="The parameters as understood, defaults filled in."),
        ("results" if many else "result"): result(many=many),
    }
    return type(name, (serializers.Serializer,), {**fields, "__doc__": f"{name}: an answer with its generation."})
