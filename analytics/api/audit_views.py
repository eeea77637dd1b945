"""The audit trail at /api/audit/: a workspace's entries for its admins, filtered, newest
first, as JSON pages or one CSV. Entries are read here and nowhere changed: GET alone."""

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.api import serializers as s
from analytics.api.answer_views import ERRORS, FormatChecked
from analytics.api.renderers import CSVRenderer, ExactJSONRenderer
from analytics.api.workspace import request_membership_or_none
from audit.models import AuditEntry
from audit.selectors import AuditFilters, audit_entries_of_workspace
from audit.services import PERMISSION_REFUSED, REVOKE, SIGNIN, SIGNIN_FAILED, SIGNOUT
from workspaces.models import Membership, Role
from workspaces.selectors import role_holds

# What `action` may name: an event, or its family ("import" is import.finished and import.failed).
ACTIONS = (
    "create",
    "update",
    "delete",
    REVOKE,
    "import",
    "import.finished",
    "import.failed",
    "generate",
    "generate.finished",
    "generate.failed",
    SIGNIN,
    SIGNIN_FAILED,
    SIGNOUT,
    "permission",
    PERMISSION_REFUSED,
)
MODELS = (
    "book",
    "author",
    "publisher",
    "sale",
    "ledgerentry",
    "budget",
    "statementline",
    "apitoken",
    "membership",
    "invitation",
    "workspace",
    "user",
)
CSV_COLUMNS = (
    "id",
    "at",
    "actor",
    "via",
    "action",
    "model",
    "object_id",
    "object_repr",
    "changes",
    "counts",
    "workspace",
)
ADMIN_ONLY = "Only a workspace admin may read its audit trail; your role here is {role}."


class AuditQuerySerializer(serializers.Serializer):
    """The filters of /api/audit/ (all optional), with the page."""

    since = serializers.DateTimeField(required=False, help_text="Entries at or after this time (ISO 8601).")
    until = serializers.DateTimeField(required=False, help_text="Entries before this time (ISO 8601).")
    actor = serializers.CharField(required=False, max_length=150, help_text="The actor's username.")
    action = serializers.ChoiceField(
        choices=ACTIONS, required=False, help_text="An event, or its family: import = import.finished + import.failed."
    )
    model = serializers.ChoiceField(choices=MODELS, required=False, help_text="The record's model, in lower case.")
    object_id = serializers.CharField(required=False, max_length=255, help_text="The record's id.")
    via = serializers.CharField(
        required=False,
        max_length=120,
        help_text='The channel: admin, api, sso, "import job 7", or a prefix ("import").',
    )
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """`since` must come before `until`."""
        if attrs.get("since") and attrs.get("until") and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": ["until must be later than since."]})
        return attrs


class AuditEntrySerializer(serializers.Serializer):
    """One entry as the API shows it (documentation of `entry_body`)."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True, help_text="Username; for a failed sign-in, the one tried.")
    via = serializers.CharField(help_text='admin, api, sso, web, "import job 7", "command generate_sales_data"…')
    action = serializers.CharField(help_text="create, update, delete, revoke, import.finished, signin, …")
    model = serializers.CharField()
    object_id = serializers.CharField(allow_null=True)
    object_repr = serializers.CharField()
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField(), min_length=2, max_length=2),
        help_text="Per field: [before, after]; decimals and dates as exact strings.",
    )
    counts = serializers.DictField(allow_null=True, help_text="A bulk load's counts (kind, read, created, rejected…).")
    details = serializers.DictField(
        allow_null=True, help_text="What else the event says: a refusal's path, method and message; a job's id."
    )
    workspace = serializers.IntegerField(allow_null=True)


class AuditPageSerializer(serializers.Serializer):
    """A page of entries, newest first."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AuditEntrySerializer(many=True)


class AuditPagination(PageNumberPagination):
    """50 entries a page unless `page_size` says otherwise (at most 500)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class AuditExportTooLarge(APIException):
    """A CSV export with more entries than AUDIT_EXPORT_MAX_ROWS."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "export_too_large"


class AuditCSVRenderer(CSVRenderer):
    """The entries as CSV, downloaded as folio-audit.csv."""

    def render(
        self, data: object, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        """CSV bytes under the audit trail's file name."""
        body = super().render(data, accepted_media_type, renderer_context)
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Disposition"] = 'attachment; filename="folio-audit.csv"'
        return body


def entry_body(entry: AuditEntry) -> dict[str, Any]:
    """One entry as the API shows it."""
    return {
        "id": entry.pk,
        "at": entry.timestamp,
        "actor": entry.actor_name or None,
        "via": entry.via,
        "action": entry.event,
        "model": entry.content_type.model,
        "object_id": entry.object_pk or None,
        "object_repr": entry.object_repr,
        "changes": entry.changes or {},
        "counts": entry.counts,
        "details": entry.additional_data,
        "workspace": entry.workspace_id,
    }


def csv_row(entry: AuditEntry) -> dict[str, Any]:
    """One entry as a CSV row: changes and counts as JSON text."""
    body = entry_body(entry)
    body["changes"] = json.dumps(body["changes"], sort_keys=True) if body["changes"] else ""
    body["counts"] = json.dumps(body["counts"], sort_keys=True) if body["counts"] else ""
    return {column: body[column] for column in CSV_COLUMNS}


def audit_membership(request: Request) -> Membership | None:
    """The caller's membership of the workspace the request acts in (None: in no workspace)."""
    return request_membership_or_none(request)


class AuditView(FormatChecked):
    """The workspace's audit trail, for its admins."""

    renderer_classes = [ExactJSONRenderer, AuditCSVRenderer]
    endpoint = "audit"
    columns = CSV_COLUMNS

    @extend_schema(
        summary="The audit trail: who changed what, when, through what; sign-ins and refusals",
        description=(
            "The current workspace's entries and its members' sign-ins, newest first, for workspace admins. "
            "`?format=csv` downloads every filtered entry (changes and counts as JSON text) instead of a page."
        ),
        parameters=[AuditQuerySerializer],
        responses={
            (200, "application/json"): AuditPageSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The filtered entries as CSV."),
            400: ERRORS[400],
            401: ERRORS[401],
            403: OpenApiResponse(s.ErrorSerializer, description="The caller is not an admin of the workspace."),
            404: OpenApiResponse(s.ErrorSerializer, description="`page` is past the last page."),
            429: ERRORS[429],
        },
    )
    def get(self, request: Request) -> Response:
        """A page of entries (JSON) or all of them (CSV), filtered."""
        membership = audit_membership(request)
        if not role_holds(membership, Role.ADMIN):
            raise PermissionDenied(ADMIN_ONLY.format(role=membership.role if membership else "none"))
        assert membership is not None  # role_holds is False for None
        query = AuditQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = AuditFilters(
            **{name: value for name, value in query.validated_data.items() if name not in ("page", "page_size")}
        )
        entries = audit_entries_of_workspace(workspace_id=membership.workspace_id, filters=filters)
        if getattr(request.accepted_renderer, "format", None) == AuditCSVRenderer.format:
            limit = settings.AUDIT_EXPORT_MAX_ROWS
            rows = [csv_row(entry) for entry in entries[: limit + 1]]
            if len(rows) > limit:
                raise AuditExportTooLarge(
                    f"More than {limit:,} entries match; narrow the filters (since, until, action…)."
                )
            return Response({"results": rows})
        paginator = AuditPagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response([entry_body(entry) for entry in page or []])
