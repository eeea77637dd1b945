"""The job endpoints: start a sync, generate test data, import a file, a job's status and
rejects, and the warehouse's freshness."""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypedDict

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
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
from analytics.api.answer_views import ERRORS
from analytics.api.locations import locations_hidden
from analytics.api.permissions import JobVisible, RoleAllowed
from analytics.api.renderers import ExactJSONRenderer
from analytics.api.workspace import request_membership
from analytics.models import Job
from analytics.permissions import GENERATE, IMPORT, SYNC, RoleAction
from analytics.selectors import current_generation, job_get, recent_generations
from analytics.services.import_jobs import IMPORT_KINDS, UploadRefused, import_rejects_expired, import_rejects_path
from analytics.services.job_starts import generate_test_data_start, import_start, sync_start
from analytics.upload_limit import upload_limit_install, upload_refusal
from analytics.warehouse.backends import warehouse_problem


class FreshnessView(APIView):
    """What the API serves and how the last loads went (read from the generations table)."""

    renderer_classes = [ExactJSONRenderer]
    permission_classes = [IsAuthenticated, RoleAllowed]

    @extend_schema(
        summary="Warehouse freshness: current generation, as-of time, recent loads",
        responses={200: s.FreshnessSerializer, 401: ERRORS[401], 403: ERRORS[403]},
    )
    def get(self, request: Request) -> Response:
        """The current generation and the last loads, newest first (at most two seconds old);
        file paths and lake or warehouse URLs are shown to staff only."""
        body = runner.recent("freshness", runner.SERVED_SECONDS, freshness_body)
        return Response(shown_to(request, body))


def freshness_body() -> dict[str, object]:
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


def shown_to(request: Request, body: Mapping[str, object]) -> Mapping[str, object]:
    """The body as the caller may see it: server locations (an upload's stored path, a load
    error's file or URL) only for staff."""
    return body if request.user.is_staff else locations_hidden(body)


class JobBody(TypedDict):
    """A job as the API shows it (JobSerializer describes it for the schema)."""

    id: int
    kind: str
    status: str
    parameters: dict[str, Any]
    result: dict[str, Any]
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    status_url: str


def job_body(job: Job) -> JobBody:
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
    """Validate the body, start a background job in the request's workspace, answer 202
    with its status URL; the caller needs the role of the view's `job_action`."""

    permission_classes = [IsAuthenticated, RoleAllowed]
    renderer_classes = [ExactJSONRenderer]
    body_serializer: type[serializers.Serializer]
    start: Callable[..., Job]
    job_action: RoleAction

    def role_action(self, request: Request) -> RoleAction:
        """The action starting this job is."""
        return self.job_action

    def post(self, request: Request) -> Response:
        """Queue the job as a Celery task; 202 with the job and its status URL."""
        body = self.body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        workspace = request_membership(request).workspace
        job = type(self).start(user=request.user, workspace=workspace, **body.validated_data)
        shown = job_body(job)
        return Response(
            shown_to(request, shown), status=status.HTTP_202_ACCEPTED, headers={"Location": shown["status_url"]}
        )


def job_start_schema(summary_text: str, description: str, body: type[serializers.Serializer], refused: str) -> Callable:
    """drf-spectacular's description of a job-starting view's POST."""
    return extend_schema_view(
        post=extend_schema(
            summary=summary_text,
            description=f"{description} Answers 202 with the job; poll its status_url.",
            request=body,
            responses={
                202: s.JobSerializer,
                400: ERRORS[400],
                401: ERRORS[401],
                403: OpenApiResponse(s.ErrorSerializer, description=refused),
            },
        )
    )


@job_start_schema(
    "Generate test sales data",
    "Needs the analyst role: generate test sales into the workspace in the background (`generate_sales_data`), "
    "then sync.",
    p.GenerateTestDataSerializer,
    "Generating test data needs the analyst role in the workspace.",
)
class GenerateTestDataView(JobStartView):
    """Needs the analyst role: generate test sales into the workspace in the background, then sync."""

    body_serializer = p.GenerateTestDataSerializer
    start = staticmethod(generate_test_data_start)
    job_action = GENERATE


@job_start_schema(
    "Start a warehouse sync",
    "Needs the analyst role: start a warehouse sync now instead of waiting for the schedule.",
    p.SyncRequestSerializer,
    "Syncs need the analyst role in the workspace.",
)
class SyncView(JobStartView):
    """Needs the analyst role: start a warehouse sync now instead of waiting for the schedule."""

    body_serializer = p.SyncRequestSerializer
    start = staticmethod(sync_start)
    job_action = SYNC


class UploadTooLarge(APIException):
    """413: the upload passed IMPORT_MAX_BYTES and was stopped while it streamed."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "upload_too_large"


class ImportView(APIView):
    """Needs the analyst role: upload a file to import into the workspace; it runs as a background job."""

    permission_classes = [IsAuthenticated, RoleAllowed]
    renderer_classes = [ExactJSONRenderer]
    parser_classes = [MultiPartParser]

    def initialize_request(self, request: HttpRequest, *args: object, **kwargs: object) -> Request:
        """Limit the upload before anything (authentication's CSRF check included) reads the body."""
        upload_limit_install(request)
        return super().initialize_request(request, *args, **kwargs)

    def role_action(self, request: Request) -> RoleAction | None:
        """Importing needs an analyst; None for an unknown kind (a 404 follows)."""
        return IMPORT if self.kwargs.get("kind") in IMPORT_KINDS else None

    @extend_schema(
        summary="Import a file",
        description=(
            "Books catalogue, historical sales, city ledger or compte de résultat, as the matching "
            "`manage.py import_*` command reads it, into the request's workspace (a sales file's ISBNs "
            "resolve to this workspace's books only). All or nothing unless skip_invalid. Answers 202 with "
            "the job; its status_url gives the counts (read, created, updated, unchanged, rejected) and the "
            "first errors with their line, column and reason."
        ),
        request={"multipart/form-data": p.ImportUploadSerializer},
        responses={
            202: s.JobSerializer,
            400: ERRORS[400],
            401: ERRORS[401],
            403: OpenApiResponse(s.ErrorSerializer, description="Imports need the analyst role in the workspace."),
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
                workspace=request_membership(request).workspace,
                kind=kind,
                upload=body.validated_data["file"],
                skip_invalid=body.validated_data["skip_invalid"],
            )
        except UploadRefused as refused:
            raise serializers.ValidationError({"file": [str(refused)]}) from None
        shown = job_body(job)
        return Response(
            shown_to(request, shown), status=status.HTTP_202_ACCEPTED, headers={"Location": shown["status_url"]}
        )


class ImportRejectsView(APIView):
    """The rejects CSV of an import job of the workspace (line, column, value, reason), for its
    starter and the workspace's analysts and admins."""

    permission_classes = [IsAuthenticated, RoleAllowed, JobVisible]

    @extend_schema(
        summary="An import's rejected rows as CSV",
        responses={
            (200, "text/csv"): OpenApiResponse(description="line, column, value, reason"),
            401: ERRORS[401],
            403: OpenApiResponse(s.ErrorSerializer, description="A viewer asking for a job someone else started."),
            404: OpenApiResponse(
                s.ErrorSerializer, description="No such job in the workspace, or it rejected nothing."
            ),
        },
    )
    def get(self, request: Request, job_id: int) -> FileResponse:
        """Download the file."""
        job = job_get(job_id, workspace_id=request_membership(request).workspace_id)
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
    """The status of a background job of the workspace, for its starter and the workspace's analysts and admins."""

    permission_classes = [IsAuthenticated, RoleAllowed, JobVisible]
    renderer_classes = [ExactJSONRenderer]

    @extend_schema(
        summary="A background job's status",
        responses={
            200: s.JobSerializer,
            401: ERRORS[401],
            403: OpenApiResponse(s.ErrorSerializer, description="A viewer asking for a job someone else started."),
            404: OpenApiResponse(s.ErrorSerializer, description="No such job in the workspace."),
        },
    )
    def get(self, request: Request, job_id: int) -> Response:
        """The job's status, result counts and error."""
        job = job_get(job_id, workspace_id=request_membership(request).workspace_id)
        if job is None:
            raise Http404("No such job.")
        self.check_object_permissions(request, job)
        return Response(shown_to(request, job_body(job)))
