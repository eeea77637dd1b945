"""What every answer endpoint shares: parameters in, `ask`, render as JSON (or CSV/XLSX),
with the answer's generation, as-of time and timing headers; its OpenAPI description."""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import runner
from analytics.api import params as p
from analytics.api import serializers as s
from analytics.api.permissions import RoleAllowed
from analytics.api.renderers import EXPORT_FORMATS, CSVRenderer, ExactJSONRenderer, XLSXRenderer, export_filename
from analytics.api.workspace import request_scope
from analytics.permissions import EXPORT, READ, RoleAction
from analytics.questions.ask import ask
from analytics.questions.catalogue import Question
from workspaces.scope import Scope

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="A parameter is wrong; `errors` has a message per field."),
    401: OpenApiResponse(s.ErrorSerializer, description="Not logged in and no valid API token."),
    403: OpenApiResponse(
        s.ErrorSerializer,
        description="Not a member of any workspace (or no longer of the token's); an export needs the analyst role.",
    ),
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


def data_scope(request: Request) -> Scope:
    """The slice of data the caller may see, part of every cache key: the request's
    workspace, within the member's regions and departments."""
    return request_scope(request)


class FormatChecked(APIView):
    """A view whose `?format=` is checked: unknown, blank or repeated is a 400 naming the
    formats (DRF's own answer is a bare 404, before any permission check)."""

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


class AnswerView(FormatChecked):
    """GET: ask the view's question with the query's parameters, render JSON (or CSV/XLSX)."""

    question: Question
    # Read from the question (renderers and tests read them off the view).
    endpoint = ""
    query_serializer: type[serializers.Serializer] = p.NoQuerySerializer
    columns: tuple[str, ...] = ()
    ratio_columns: tuple[str, ...] = ()
    renderer_classes = [ExactJSONRenderer]
    permission_classes = [IsAuthenticated, RoleAllowed]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "question" in cls.__dict__:
            cls.endpoint = cls.question.name
            cls.query_serializer = cls.question.parameters
            cls.columns = cls.question.columns
            cls.ratio_columns = cls.question.ratio_columns

    def role_action(self, request: Request) -> RoleAction:
        """Reading needs a viewer; a file (`?format=csv|xlsx`, or asked for by Accept) an analyst."""
        renderer = getattr(request, "accepted_renderer", None)
        return EXPORT if renderer is not None and renderer.format in EXPORT_FORMATS else READ

    def get(self, request: Request) -> Response | HttpResponse:
        """The answer for the current generation."""
        asked = ask(self.question.name, request.query_params, scope=data_scope(request))
        body = asked.body()
        headers = {
            "X-Cache": "HIT" if asked.answer.hit else "MISS",
            "Server-Timing": ", ".join(f"{name};dur={ms}" for name, ms in asked.timings.items()),
        }
        if request.accepted_renderer.format in EXPORT_FORMATS:
            return self.export(request, body, asked.params, headers)
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


def answer_schema(question: Question) -> Callable[[type[AnswerView]], type[AnswerView]]:
    """drf-spectacular's description of a question's GET: its parameters, its answer, its errors."""
    name = "".join(part.title() for part in question.name.replace("/", "-").split("-")) + "Response"
    return extend_schema_view(
        get=extend_schema(
            summary=question.summary,
            description=question.description,
            parameters=[question.parameters] if question.parameters().fields else [],
            responses={200: s.envelope(name, question.result, many=question.many), **ERRORS},
        )
    )
