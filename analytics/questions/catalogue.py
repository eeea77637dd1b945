"""Every question Folio answers, declared once: its name, the parameters it takes, what it
computes (the SQL stays in analytics.queries), the shape of its result and its export columns.
Views, the cache-warming task, `manage.py ask` and the tests all read this one table."""

from collections.abc import Callable
from dataclasses import dataclass

from rest_framework import serializers

from analytics.api import params as p
from analytics.api import serializers as s
from analytics.queries import (
    breakdown,
    filter_options,
    fund_table,
    ledger_series,
    statement,
    summary,
    timeseries,
    top_books,
    top_budget,
    top_roi,
)
from analytics.queries.base import Source

Compute = Callable[[dict], Callable[[Source], object]]


@dataclass(frozen=True)
class Question:
    """One question: `name` is also its URL under /api/analytics/ and its cache key prefix."""

    name: str
    compute: Compute  # validated parameters -> the computation over a generation
    summary: str
    description: str
    result: type[serializers.Serializer]
    parameters: type[serializers.Serializer] = p.NoQuerySerializer
    many: bool = True  # a table (`results`, exportable) or one object (`result`)
    columns: tuple[str, ...] = ()  # header of an empty CSV/XLSX
    ratio_columns: tuple[str, ...] = ()

    @property
    def area(self) -> str:
        """The part of Folio the question is about: books (sales), finance (the city ledger) or statement."""
        return self.name.split("/")[0] if "/" in self.name else "books"


def _filter_options(data: dict) -> Callable[[Source], object]:
    return lambda source: filter_options.run(source, filter_options.FilterOptionsParams())


def _summary(data: dict) -> Callable[[Source], object]:
    return lambda source: summary.run(source, summary.SummaryParams(data["filters"]))


def _timeseries(data: dict) -> Callable[[Source], object]:
    params = timeseries.TimeseriesParams(data["filters"], data["granularity"])
    return lambda source: timeseries.run(source, params)


def _top_books(data: dict) -> Callable[[Source], object]:
    params = top_books.TopBooksParams(data["filters"], data["order"], data["limit"], data["offset"], data["search"])
    return lambda source: top_books.run(source, params)


def _breakdown(dimension: str) -> Compute:
    def compute(data: dict) -> Callable[[Source], object]:
        params = breakdown.BreakdownParams(data["filters"])
        return lambda source: breakdown.run(source, params, dimension)

    return compute


def _top_roi(data: dict) -> Callable[[Source], object]:
    params = top_roi.TopRoiParams(data["filters"], data["limit"])
    return lambda source: top_roi.run(source, params)


def _top_budget(data: dict) -> Callable[[Source], object]:
    params = top_budget.TopBudgetParams(data["filters"], data["limit"])
    return lambda source: top_budget.run(source, params)


def _ledger_series(run: Callable[[Source, ledger_series.LedgerSeriesParams], list[dict]]) -> Compute:
    def compute(data: dict) -> Callable[[Source], object]:
        params = ledger_series.LedgerSeriesParams(data["filters"], data["granularity"])
        return lambda source: run(source, params)

    return compute


def _fund_table(data: dict) -> Callable[[Source], object]:
    params = fund_table.FundTableParams(data["filters"])
    return lambda source: fund_table.run(source, params)


def _statement(question: Callable[[Source, statement.StatementParams], list[dict]]) -> Compute:
    def compute(data: dict) -> Callable[[Source], object]:
        params = statement.StatementParams(data.get("exercice", ()))
        return lambda source: question(source, params)

    return compute


BREAKDOWN_COLUMNS = ("name", "revenue", "units", "orders", "share", "previous_revenue", "revenue_change")
POSTE_COLUMNS = ("exercice", "type_de_resultat", "poste", "montant", "share")
FILTER_OPTIONS_DESCRIPTION = (
    "What the filters offer: regions, genres, departments, funds, exercices, and the first and last days "
    "with sales and with ledger entries."
)

QUESTIONS: tuple[Question, ...] = (
    Question(
        name="summary",
        compute=_summary,
        summary="Sales KPIs with the change against the previous period",
        description="Revenue, units, orders and average order value for the period, and their change "
        "against the period of equal length just before it.",
        result=s.SummarySerializer,
        parameters=p.SalesQuerySerializer,
        many=False,
    ),
    Question(
        name="timeseries",
        compute=_timeseries,
        summary="Sales per day, week, month, quarter or year",
        description="Revenue, units and orders per bucket; a bucket is named by its first day, so the "
        "same month of two years never merges; empty buckets are zeros.",
        result=s.SalesBucketSerializer,
        parameters=p.TimeseriesQuerySerializer,
        columns=("bucket", "revenue", "units", "orders"),
    ),
    Question(
        name="top-books",
        compute=_top_books,
        summary="Best-selling books",
        description="The best-selling books by revenue, units or orders, with title, authors and genre; "
        "`offset` pages through them and `search` keeps titles or authors containing the text.",
        result=s.TopBookSerializer,
        parameters=p.TopBooksQuerySerializer,
        columns=("rank", "book_id", "isbn13", "title", "authors", "genre", "genre_name", "revenue", "units", "orders"),
    ),
    Question(
        name="sales-by-region",
        compute=_breakdown("region"),
        summary="Sales by region",
        description="Revenue, units and orders per region, with its share of the total and its change "
        "against the previous period of equal length.",
        result=s.RegionSalesSerializer,
        parameters=p.SalesQuerySerializer,
        columns=("region", *BREAKDOWN_COLUMNS),
        ratio_columns=("share", "revenue_change"),
    ),
    Question(
        name="sales-by-genre",
        compute=_breakdown("genre"),
        summary="Sales by genre",
        description="Revenue, units and orders per genre, with its share of the total and its change "
        "against the previous period of equal length.",
        result=s.GenreSalesSerializer,
        parameters=p.SalesQuerySerializer,
        columns=("genre", *BREAKDOWN_COLUMNS),
        ratio_columns=("share", "revenue_change"),
    ),
    Question(
        name="finance/initialise",
        compute=_filter_options,
        summary="Filter options and date bounds",
        description=FILTER_OPTIONS_DESCRIPTION,
        result=s.FilterOptionsSerializer,
        many=False,
    ),
    Question(
        name="finance/top-roi",
        compute=_top_roi,
        summary="Departments by return on investment",
        description="Departments ranked by ROI, defined as net result over expenses: (revenue − expenses) "
        "/ expenses. Sign rules: a negative revenue counts as an expense and a negative expense "
        "as revenue. Departments without expenses have no ROI and come last.",
        result=s.TopRoiSerializer,
        parameters=p.LedgerLimitQuerySerializer,
        columns=("department", "name", "revenue", "expenses", "net", "roi"),
        ratio_columns=("roi",),
    ),
    Question(
        name="finance/top-budget",
        compute=_top_budget,
        summary="Largest spenders and their budget",
        description="The largest spenders: departments by expenses with their budget for the fiscal "
        "years the period touches and the share used; with exactly one `department`, its cost "
        "centres by expenses.",
        result=s.TopBudgetSerializer,
        parameters=p.LedgerLimitQuerySerializer,
        columns=("level", "code", "name", "expenses", "budget", "budget_used"),
        ratio_columns=("budget_used",),
    ),
    Question(
        name="finance/revenue-expenses",
        compute=_ledger_series(ledger_series.revenue_expenses),
        summary="Revenue and expenses over time",
        description="Revenue and expenses per bucket under the sign rules, with the net result.",
        result=s.LedgerBucketSerializer,
        parameters=p.LedgerSeriesQuerySerializer,
        columns=("bucket", "revenue", "expenses", "net"),
    ),
    Question(
        name="finance/net-profit",
        compute=_ledger_series(ledger_series.net_profit),
        summary="Net result over time",
        description="Net result (revenue − expenses) per bucket, its running total over the period, and the "
        "margin (net / revenue) of the bucket and of the period so far.",
        result=s.NetProfitBucketSerializer,
        parameters=p.LedgerSeriesQuerySerializer,
        columns=("bucket", "revenue", "expenses", "net", "cumulative_net", "margin", "cumulative_margin"),
        ratio_columns=("margin", "cumulative_margin"),
    ),
    Question(
        name="finance/fund-table",
        compute=_fund_table,
        summary="Revenue, expenses and net per fund",
        description="Revenue, expenses, net and ratio (revenue / expenses) per fund.",
        result=s.FundRowSerializer,
        parameters=p.LedgerQuerySerializer,
        columns=("fund", "name", "revenue", "expenses", "net", "ratio"),
        ratio_columns=("ratio",),
    ),
    Question(
        name="statement/profit",
        compute=_statement(statement.profit),
        summary="Compte de résultat: result per exercice",
        description="The compte de résultat question for the exercices asked for.",
        result=s.StatementProfitSerializer,
        parameters=p.StatementQuerySerializer,
        columns=(
            "exercice",
            "produits",
            "charges",
            "resultat",
            "resultat_exploitation",
            "resultat_financier",
            "resultat_exceptionnel",
        ),
    ),
    Question(
        name="statement/operating",
        compute=_statement(statement.operating),
        summary="Compte de résultat: operating profitability",
        description="The compte de résultat question for the exercices asked for.",
        result=s.StatementOperatingSerializer,
        parameters=p.StatementQuerySerializer,
        columns=("exercice", "produits", "charges", "resultat", "marge"),
        ratio_columns=("marge",),
    ),
    Question(
        name="statement/expenses-by-poste",
        compute=_statement(statement.expenses_by_poste),
        summary="Compte de résultat: charges by poste",
        description="The compte de résultat question for the exercices asked for.",
        result=s.StatementPosteSerializer,
        parameters=p.StatementQuerySerializer,
        columns=POSTE_COLUMNS,
        ratio_columns=("share",),
    ),
    Question(
        name="statement/exceptional-charges",
        compute=_statement(statement.exceptional_charges),
        summary="Compte de résultat: exceptional charges",
        description="The compte de résultat question for the exercices asked for.",
        result=s.StatementPosteSerializer,
        parameters=p.StatementQuerySerializer,
        columns=POSTE_COLUMNS,
        ratio_columns=("share",),
    ),
    Question(
        name="statement/financial-income",
        compute=_statement(statement.financial_income),
        summary="Compte de résultat: financial income",
        description="The compte de résultat question for the exercices asked for.",
        result=s.StatementPosteSerializer,
        parameters=p.StatementQuerySerializer,
        columns=POSTE_COLUMNS,
        ratio_columns=("share",),
    ),
)
CATALOGUE: dict[str, Question] = {question.name: question for question in QUESTIONS}


class UnknownQuestion(KeyError):
    """No question of that name in the catalogue."""


def question_get(name: str) -> Question:
    """The question called `name` (its URL under /api/analytics/), or UnknownQuestion listing the names."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise UnknownQuestion(f"No question {name!r}; one of: {', '.join(CATALOGUE)}.") from None
