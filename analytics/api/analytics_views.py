"""The analytics endpoints: thin views that validate parameters, ask the query runner,
and return the answer with its generation, as-of time and timing headers."""

from collections.abc import Callable

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import runner
from analytics.api import params as p
from analytics.api import serializers as s
from analytics.api.locations import locations_hidden
from analytics.api.permissions import ActionAllowed, JobVisible
from analytics.api.renderers import EXPORT_FORMATS, CSVRenderer, ExactJSONRenderer, XLSXRenderer, export_filename
from analytics.permissions import GENERATE_DATA, IMPORTS, RUN_SYNC, Action
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
from analytics.selectors import current_generation, job_get, recent_generations
from analytics.services.import_jobs import (
    IMPORT_KINDS,
    UploadRefused,
    import_rejects_expired,
    import_rejects_path,
    import_start,
)
from analytics.services.jobs import generate_test_data_start, sync_start
from analytics.upload_limit import upload_limit_install, upload_refusal
from analytics.warehouse.backends import warehouse_problem

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="A parameter is wrong; `errors` has a message per field."),
    401: OpenApiResponse(s.ErrorSerializer, description="Not logged in and no valid API token."),
    429: OpenApiResponse(s.ErrorSerializer, description="Too many requests; retry after the time in Retry-After."),
    503: OpenApiResponse(
        s.ErrorSerializer,
        description="Nothing has been loaded into the warehouse yet, or it failed or timed out on this question.",
    ),
}


class ExportTooLarge(APIException):
    """An export with more rows than API_EXPORT_MAX_ROWS."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "export_too_large"


def data_scope(request: Request | None) -> str:
    """The slice of data the caller may see, part of every cache key. Every user sees all
    of Folio's data today; row-level restrictions would return a narrower scope here."""
    return "all"


class AnswerView(APIView):
    """GET: validate the parameters, answer through the runner, render JSON (or CSV/XLSX)."""

    endpoint = ""
    query_serializer: type[serializers.Serializer] = p.NoQuerySerializer
    renderer_classes = [ExactJSONRenderer]
    columns: tuple[str, ...] = ()  # header of an empty CSV/XLSX
    ratio_columns: tuple[str, ...] = ()
    many = True

    def compute(self, data: dict) -> Callable[[Source], object]:
        """The computation for validated parameters."""
        raise NotImplementedError

    @classmethod
    def answer_for(cls, query_params: object, scope: str) -> tuple[runner.Answer, dict, dict[str, float]]:
        """Validate parameters and answer them: (answer, normalized parameters, timings).
        The cache-warming task calls this too, so it warms exactly the keys requests use."""
        generation = runner.served_generation()
        if generation is None:
            raise runner.NoGeneration("The warehouse has no published generation yet; the first sync publishes one.")
        query = sorted(
            (name, value)
            for name in query_params
            if name != "format"
            for value in (query_params.getlist(name) if hasattr(query_params, "getlist") else [query_params[name]])
        )
        remembered = runner.request_answer_get(endpoint=cls.endpoint, query=query, scope=scope, generation=generation)
        if remembered is not None:
            found, normalized = remembered
            return found, normalized, found.timings
        options = runner.answer(
            endpoint="filter-options",
            params={},
            scope=scope,
            compute=lambda source: filter_options.run(source, filter_options.FilterOptionsParams()),
            generation=generation,
        )
        validated = cls.query_serializer(data=query_params, context={"options": options.value})
        validated.is_valid(raise_exception=True)
        data = validated.validated_data
        normalized = {name: value for name, value in data.items() if name not in {"period", "filters"}}
        if "period" in data:
            normalized.update(start=data["period"].start, end=data["period"].end)
        found = runner.answer(
            endpoint=cls.endpoint, params=normalized, scope=scope, compute=cls().compute(data), generation=generation
        )
        runner.request_answer_set(
            endpoint=cls.endpoint,
            query=query,
            scope=scope,
            generation=generation,
            normalized=normalized,
            value=found.value,
        )
        timings = {**{f"options-{name}": ms for name, ms in options.timings.items()}, **found.timings}
        return found, normalized, timings

    def get(self, request: Request) -> Response:
        """The answer for the current generation."""
        found, normalized, timings = self.answer_for(request.query_params, data_scope(request))
        body = {
            "generation": found.generation,
            "as_of": found.as_of,
            "params": normalized,
            ("results" if self.many else "result"): found.value,
        }
        headers = {
            "X-Cache": "HIT" if found.hit else "MISS",
            "Server-Timing": ", ".join(f"{name};dur={ms}" for name, ms in timings.items()),
        }
        if request.accepted_renderer.format in EXPORT_FORMATS:
            return self.export(request, body, normalized, headers)
        return Response(body, headers=headers)

    def export(self, request: Request, body: dict, normalized: dict, headers: dict[str, str]) -> HttpResponse:
        """The answer as a file: at most API_EXPORT_MAX_ROWS rows, rendered once per
        generation, parameters and format (the runner keeps the file)."""
        rows = len(body.get("results") or [])
        if rows > settings.API_EXPORT_MAX_ROWS:
            raise ExportTooLarge(
                f"This export would have {rows:,} rows; exports are limited to {settings.API_EXPORT_MAX_ROWS:,} rows"
                " (API_EXPORT_MAX_ROWS). Ask for a shorter period, a coarser granularity or fewer rows."
            )
        renderer = request.accepted_renderer
        context = {"view": self, "request": request}
        content, hit = runner.rendered(
            endpoint=self.endpoint,
            params=normalized,
            scope=data_scope(request),
            generation=body["generation"],
            fmt=renderer.format,
            render=lambda: renderer.render(body, renderer.media_type, context),
        )
        charset = f"; charset={renderer.charset}" if renderer.charset else ""
        response = HttpResponse(content, content_type=f"{renderer.media_type}{charset}")
        filename = export_filename(body, context, renderer.format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Cache"] = headers["X-Cache"] if hit else "MISS"
        response["Server-Timing"] = headers["Server-Timing"]
        return response

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        """An unknown ?format= is a 400 naming the formats, not a bare 404; a blank or
        repeated one too (checked here: a remembered answer skips the serializer)."""
        given = [] if force else request.query_params.getlist("format")  # force: rendering an error
        if given == [""]:
            raise serializers.ValidationError({"format": ["Give a value or leave the parameter out."]})
        if len(given) > 1:
            raise serializers.ValidationError({"format": [p.GIVEN_TWICE.format(count=len(given))]})
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            formats = ", ".join(renderer.format for renderer in self.renderer_classes)
            raise serializers.ValidationError({"format": [f"Unknown format; use one of: {formats}."]}) from None

    def finalize_response(self, request: Request, response: Response, *args: object, **kwargs: object) -> Response:
        """Errors are always JSON, even when a spreadsheet was asked for."""
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and (renderer is None or renderer.format != "json"):
            request.accepted_renderer = ExactJSONRenderer()
            request.accepted_media_type = ExactJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class TableView(AnswerView):
    """An answer that is a table: also rendered as CSV and XLSX (`?format=csv|xlsx`)."""

    renderer_classes = [ExactJSONRenderer, CSVRenderer, XLSXRenderer]


def documented(
    view: type[AnswerView], result: type[serializers.Serializer], summary_text: str, description: str = ""
) -> type[AnswerView]:
    """Attach the OpenAPI description of a GET answer view: its parameters and responses."""
    name = "".join(part.title() for part in view.endpoint.replace("/", "-").split("-")) + "Response"
    schema = extend_schema(
        summary=summary_text,
        description=description or (view.compute.__doc__ or ""),
        parameters=[view.query_serializer] if view.query_serializer().fields else [],
        responses={200: s.envelope(name, result, many=view.many), **ERRORS},
    )

    # Each view gets its own function: decorating the shared AnswerView.get would give
    # every view the schema of the last one decorated.
    def get(self: AnswerView, request: Request) -> Response:
        return AnswerView.get(self, request)

    get.__doc__ = AnswerView.get.__doc__
    view.get = schema(get)
    return view


# Books ------------------------------------------------------------------------------


class SummaryView(AnswerView):
    endpoint = "summary"
    query_serializer = p.SalesQuerySerializer
    many = False

    def compute(self, data: dict) -> Callable[[Source], object]:
        """Revenue, units, orders and average order value for the period, and their change
        against the period of equal length just before it."""
        return lambda source: summary.run(source, summary.SummaryParams(data["filters"]))


class TimeseriesView(TableView):
    endpoint = "timeseries"
    query_serializer = p.TimeseriesQuerySerializer
    columns = ("bucket", "revenue", "units", "orders")

    def compute(self, data: dict) -> Callable[[Source], object]:
        """Revenue, units and orders per bucket; a bucket is named by its first day, so the
        same month of two years never merges; empty buckets are zeros."""
        params = timeseries.TimeseriesParams(data["filters"], data["granularity"])
        return lambda source: timeseries.run(source, params)


class TopBooksView(TableView):
    endpoint = "top-books"
    query_serializer = p.TopBooksQuerySerializer
    columns = ("rank", "book_id", "isbn13", "title", "authors", "genre", "genre_name", "revenue", "units", "orders")

    def compute(self, data: dict) -> Callable[[Source], object]:
        """The best-selling books by revenue, units or orders, with title, authors and genre;
        `offset` pages through them and `search` keeps titles or authors containing the text."""
        params = top_books.TopBooksParams(data["filters"], data["order"], data["limit"], data["offset"], data["search"])
        return lambda source: top_books.run(source, params)


class SalesByRegionView(TableView):
    endpoint = "sales-by-region"
    query_serializer = p.SalesQuerySerializer
    columns = ("region", "name", "revenue", "units", "orders", "share", "previous_revenue", "revenue_change")
    ratio_columns = ("share", "revenue_change")

    def compute(self, data: dict) -> Callable[[Source], object]:
        """Revenue, units and orders per region, with its share of the total and its change
        against the previous period of equal length."""
        params = breakdown.BreakdownParams(data["filters"])
        return lambda source: breakdown.run(source, params, "region")


class SalesByGenreView(SalesByRegionView):
    endpoint = "sales-by-genre"
    columns = ("genre", "name", "revenue", "units", "orders", "share", "previous_revenue", "revenue_change")

    def compute(self, data: dict) -> Callable[[Source], object]:
        """Revenue, units and orders per genre, with its share of the total and its change
        against the previous period of equal length."""
        params = breakdown.BreakdownParams(data["filters"])
        return lambda source: breakdown.run(source, params, "genre")


# Finance: the city ledger -------------------------------------------------------------


class InitialiseView(AnswerView):
    endpoint = "finance/initialise"
    many = False

    def compute(self, data: dict) -> Callable[[Source], object]:
        """What the filters offer: regions, genres, departments, funds, exercices, and the
        first and last days with sales and with ledger entries."""
        return lambda source: filter_options.run(source, filter_options.FilterOptionsParams())


class TopRoiView(TableView):
    endpoint = "finance/top-roi"
    query_serializer = p.LedgerLimitQuerySerializer
    columns = ("department", "name", "revenue", "expenses", "net", "roi")
    ratio_columns = ("roi",)

    def compute(self, data: dict) -> Callable[[Source], object]:
        """Departments ranked by ROI, defined as net result over expenses: (revenue − expenses)
        / expenses. Sign rules: a negative revenue counts as an expense and a negative expense
        as revenue. Departments without expenses have no ROI and come last."""
        params = top_roi.TopRoiParams(data["filters"], data["limit"])
        return lambda source: top_roi.run(source, params)


class TopBudgetView(TableView):
    endpoint = "finance/top-budget"
    query_serializer = p.LedgerLimitQuerySerializer
    columns = ("level", "code", "name", "expenses", "budget", "budget_used")
    ratio_columns = ("budget_used",)

    def compute(self, data: dict) -> Callable[[Source], object]:
        """The largest spenders: departments by expenses with their budget for the fiscal
        years the period touches and the share used; with exactly one `department`, its cost
        centres by expenses."""
        params = top_budget.TopBudgetParams(data["filters"], data["limit"])
        return lambda source: top_budget.run(source, params)


class RevenueExpensesView(TableView):
    endpoint = "finance/revenue-expenses"
    query_serializer = p.LedgerSeriesQuerySerializer
    columns = ("bucket", "revenue", "expenses", "net", "cumulative_net")

    def compute(self, data: dict) -> Callable[[Source], object]:
        """Revenue and expenses per bucket under the sign rules, with the net result."""
        params = ledger_series.LedgerSeriesParams(data["filters"], data["granularity"])
        return lambda source: ledger_series.run(source, params)


class NetProfitView(RevenueExpensesView):
    endpoint = "finance/net-profit"

    def compute(self, data: dict) -> Callable[[Source], object]:
        """Net result (revenue − expenses) per bucket and its running total over the period."""
        params = ledger_series.LedgerSeriesParams(data["filters"], data["granularity"])
        return lambda source: ledger_series.run(source, params)


class FundTableView(TableView):
    endpoint = "finance/fund-table"
    query_serializer = p.LedgerQuerySerializer
    columns = ("fund", "name", "revenue", "expenses", "net", "ratio")
    ratio_columns = ("ratio",)

    def compute(self, data: dict) -> Callable[[Source], object]:
        """Revenue, expenses, net and ratio (revenue / expenses) per fund."""
        params = fund_table.FundTableParams(data["filters"])
        return lambda source: fund_table.run(source, params)


# Finance: the compte de résultat ---------------------------------------------------------


class StatementView(TableView):
    query_serializer = p.StatementQuerySerializer
    question: Callable[[Source, statement.StatementParams], list[dict]]

    def compute(self, data: dict) -> Callable[[Source], object]:
        """The compte de résultat question for the exercices asked for."""
        params = statement.StatementParams(data.get("exercice", ()))
        question = type(self).question
        return lambda source: question(source, params)


class StatementProfitView(StatementView):
    endpoint = "statement/profit"
    question = staticmethod(statement.profit)
    columns = (
        "exercice",
        "produits",
        "charges",
        "resultat",
        "resultat_exploitation",
        "resultat_financier",
        "resultat_exceptionnel",
    )


class StatementOperatingView(StatementView):
    endpoint = "statement/operating"
    question = staticmethod(statement.operating)
    columns = ("exercice", "produits", "charges", "resultat", "marge")
    ratio_columns = ("marge",)


class StatementExpensesByPosteView(StatementView):
    endpoint = "statement/expenses-by-poste"
    question = staticmethod(statement.expenses_by_poste)
    columns = ("exercice", "type_de_resultat", "poste", "montant", "share")
    ratio_columns = ("share",)


class StatementExceptionalChargesView(StatementExpensesByPosteView):
    endpoint = "statement/exceptional-charges"
    question = staticmethod(statement.exceptional_charges)


class StatementFinancialIncomeView(StatementExpensesByPosteView):
    endpoint = "statement/financial-income"
    question = staticmethod(statement.financial_income)


for _view, _result, _summary in (
    (SummaryView, s.SummarySerializer, "Sales KPIs with the change against the previous period"),
    (TimeseriesView, s.SalesBucketSerializer, "Sales per day, week, month, quarter or year"),
    (TopBooksView, s.TopBookSerializer, "Best-selling books"),
    (SalesByRegionView, s.RegionSalesSerializer, "Sales by region"),
    (SalesByGenreView, s.GenreSalesSerializer, "Sales by genre"),
    (InitialiseView, s.FilterOptionsSerializer, "Filter options and date bounds"),
    (TopRoiView, s.TopRoiSerializer, "Departments by return on investment"),
    (TopBudgetView, s.TopBudgetSerializer, "Largest spenders and their budget"),
    (RevenueExpensesView, s.LedgerBucketSerializer, "Revenue and expenses over time"),
    (NetProfitView, s.LedgerBucketSerializer, "Net result over time"),
    (FundTableView, s.FundRowSerializer, "Revenue, expenses and net per fund"),
    (StatementProfitView, s.StatementProfitSerializer, "Compte de résultat: result per exercice"),
    (StatementOperatingView, s.StatementOperatingSerializer, "Compte de résultat: operating profitability"),
    (StatementExpensesByPosteView, s.StatementPosteSerializer, "Compte de résultat: charges by poste"),
    (StatementExceptionalChargesView, s.StatementPosteSerializer, "Compte de résultat: exceptional charges"),
    (StatementFinancialIncomeView, s.StatementPosteSerializer, "Compte de résultat: financial income"),
):
    documented(_view, _result, _summary)


# Freshness and jobs -----------------------------------------------------------------------


class FreshnessView(APIView):
    """What the API serves and how the last loads went (read from the generations table)."""

    renderer_classes = [ExactJSONRenderer]

    @extend_schema(
        summary="Warehouse freshness: current generation, as-of time, recent loads",
        responses={200: s.FreshnessSerializer, 401: ERRORS[401]},
    )
    def get(self, request: Request) -> Response:
        """The current generation and the last loads, newest first (at most two seconds old);
        file paths and lake or warehouse URLs are shown to staff only."""
        body = runner.recent("freshness", runner.SERVED_SECONDS, freshness_body)
        return Response(shown_to(request, body))


def freshness_body() -> dict:
    """What the freshness endpoint says, read from the generations table."""
    generation = current_generation()
    loads = recent_generations(10)
    last = loads[0] if loads else None
    problem = warehouse_problem(generation.location) if generation else None
    return {
        "generation": generation.number if generation else None,
        "warehouse_status": ("unavailable" if problem else "available") if generation else None,
        "warehouse_message": problem,
        "as_of": runner.generation_as_of(generation) if generation else None,
        "published_at": generation.finished_at if generation else None,
        "backend": generation.backend if generation else None,
        "last_load_status": last.status if last else None,
        "last_load_error": (last.error or None) if last else None,
        "loads": [
            {
                "attempt": load.pk,
                "generation": load.number,
                "status": load.status,
                "full_refresh": load.full_refresh,
                "started_at": load.started_at,
                "finished_at": load.finished_at,
                "rows": load.rows,
                "timings": load.timings,
                "error": load.error,
                "note": load.note,
            }
            for load in loads
        ],
    }


def shown_to(request: Request, body: dict) -> dict:
    """The body as the caller may see it: server locations (an upload's stored path, a load
    error's file or URL) only for staff."""
    return body if request.user.is_staff else locations_hidden(body)


def job_body(job: object) -> dict:
    """A job as the API shows it, with the URL to poll."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "parameters": job.parameters,
        "result": job.result,
        "error": job.error,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "status_url": reverse("analytics-job", args=[job.pk]),
    }


class JobStartView(APIView):
    """Validate the body, start a background job, answer 202 with its status URL; the caller
    needs the view's permission (`job_action`), which staff status alone does not give."""

    permission_classes = [IsAuthenticated, ActionAllowed]
    renderer_classes = [ExactJSONRenderer]
    body_serializer: type[serializers.Serializer]
    start: Callable[..., object]
    job_action: Action

    def permission_action(self, kwargs: dict) -> Action:
        """The permission starting this job needs."""
        return self.job_action

    def post(self, request: Request) -> Response:
        """Queue the job as a Celery task; 202 with the job and its status URL."""
        body = self.body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = type(self).start(user=request.user, **body.validated_data)
        payload = shown_to(request, job_body(job))
        return Response(payload, status=status.HTTP_202_ACCEPTED, headers={"Location": payload["status_url"]})


def job_start_documented(view: type[JobStartView], summary_text: str, refused: str) -> type[JobStartView]:
    """Attach the OpenAPI description of a job-starting view (its own function, as for answers)."""

    def post(self: JobStartView, request: Request) -> Response:
        return JobStartView.post(self, request)

    post.__doc__ = JobStartView.post.__doc__
    view.post = extend_schema(
        summary=summary_text,
        description=f"{view.__doc__} Answers 202 with the job; poll its status_url.",
        request=view.body_serializer,
        responses={
            202: s.JobSerializer,
            400: ERRORS[400],
            401: ERRORS[401],
            403: OpenApiResponse(s.ErrorSerializer, description=refused),
        },
    )(post)
    return view


class GenerateTestDataView(JobStartView):
    """Needs analytics.generate_data: generate test sales in the background (`generate_sales_data`), then sync."""

    body_serializer = p.GenerateTestDataSerializer
    start = staticmethod(generate_test_data_start)
    job_action = GENERATE_DATA


class SyncView(JobStartView):
    """Needs analytics.run_sync: start a warehouse sync now instead of waiting for the schedule."""

    body_serializer = p.SyncRequestSerializer
    start = staticmethod(sync_start)
    job_action = RUN_SYNC


job_start_documented(GenerateTestDataView, "Generate test sales data", GENERATE_DATA.refusal)
job_start_documented(SyncView, "Start a warehouse sync", RUN_SYNC.refusal)


class UploadTooLarge(APIException):
    """413: the upload passed IMPORT_MAX_BYTES and was stopped while it streamed."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "upload_too_large"


class ImportView(APIView):
    """Needs analytics.import_<kind>: upload a file to import; the import runs as a background job."""

    permission_classes = [IsAuthenticated, ActionAllowed]
    renderer_classes = [ExactJSONRenderer]
    parser_classes = [MultiPartParser]

    def initialize_request(self, request: HttpRequest, *args: object, **kwargs: object) -> Request:
        """Limit the upload before anything (authentication's CSRF check included) reads the body."""
        upload_limit_install(request)
        return super().initialize_request(request, *args, **kwargs)

    def permission_action(self, kwargs: dict) -> Action | None:
        """The permission of the kind of import; None for an unknown kind (a 404 follows)."""
        return IMPORTS.get(kwargs.get("kind", ""))

    @extend_schema(
        summary="Import a file",
        description=(
            "Books catalogue, historical sales, city ledger or compte de résultat, as the matching "
            "`manage.py import_*` command reads it. All or nothing unless skip_invalid. Answers 202 with "
            "the job; its status_url gives the counts (read, created, updated, unchanged, rejected) and the "
            "first errors with their line, column and reason."
        ),
        request={"multipart/form-data": p.ImportUploadSerializer},
        responses={
            202: s.JobSerializer,
            400: ERRORS[400],
            401: ERRORS[401],
            403: OpenApiResponse(s.ErrorSerializer, description="The caller lacks “Can import …” for this kind."),
            404: OpenApiResponse(s.ErrorSerializer, description="No such kind of import."),
            413: OpenApiResponse(s.ErrorSerializer, description="The file is larger than IMPORT_MAX_BYTES."),
        },
    )
    def post(self, request: Request, kind: str) -> Response:
        """Store the file and queue its import."""
        if kind not in IMPORT_KINDS:
            raise Http404(f"No import {kind!r}; one of: {', '.join(IMPORT_KINDS)}.")
        data = request.data
        if (refusal := upload_refusal(request)) is not None:
            raise UploadTooLarge(refusal)
        body = p.ImportUploadSerializer(data=data)
        body.is_valid(raise_exception=True)
        try:
            job = import_start(
                user=request.user,
                kind=kind,
                upload=body.validated_data["file"],
                skip_invalid=body.validated_data["skip_invalid"],
            )
        except UploadRefused as refused:
            raise serializers.ValidationError({"file": [str(refused)]}) from None
        payload = shown_to(request, job_body(job))
        return Response(payload, status=status.HTTP_202_ACCEPTED, headers={"Location": payload["status_url"]})


class ImportRejectsView(APIView):
    """The rejects CSV of an import job (line, column, value, reason), for its starter or holders of “Can view job”."""

    permission_classes = [IsAuthenticated, JobVisible]

    @extend_schema(
        summary="An import's rejected rows as CSV",
        responses={
            (200, "text/csv"): OpenApiResponse(description="line, column, value, reason"),
            401: ERRORS[401],
            403: OpenApiResponse(s.ErrorSerializer, description="Neither the job's starter nor allowed to view jobs."),
            404: OpenApiResponse(s.ErrorSerializer, description="No such job, or it rejected nothing."),
        },
    )
    def get(self, request: Request, job_id: int) -> FileResponse:
        """Download the file."""
        job = job_get(job_id)
        if job is None or not job.kind.startswith("import_"):
            raise Http404("No such import job.")
        self.check_object_permissions(request, job)
        path = import_rejects_path(job)
        if import_rejects_expired(job):
            raise Http404(
                f"The rejects file of this import was removed after {settings.IMPORT_REJECTS_DAYS} days "
                "(IMPORT_REJECTS_DAYS)."
            )
        if not path.exists():
            raise Http404("This import rejected no rows.")
        return FileResponse(
            path.open("rb"), as_attachment=True, filename=f"rejects-{job.pk}.csv", content_type="text/csv"
        )


class JobView(APIView):
    """The status of a background job, for its starter or holders of “Can view job”."""

    permission_classes = [IsAuthenticated, JobVisible]
    renderer_classes = [ExactJSONRenderer]

    @extend_schema(
        summary="A background job's status",
        responses={
            200: s.JobSerializer,
            401: ERRORS[401],
            403: OpenApiResponse(s.ErrorSerializer, description="Neither the job's starter nor allowed to view jobs."),
            404: OpenApiResponse(s.ErrorSerializer, description="No such job."),
        },
    )
    def get(self, request: Request, job_id: int) -> Response:
        """The job's status, result counts and error."""
        job = job_get(job_id)
        if job is None:
            raise Http404("No such job.")
        self.check_object_permissions(request, job)
        return Response(shown_to(request, job_body(job)))
