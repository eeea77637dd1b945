"""One place that turns errors into API responses: `{"detail": …}`, plus `errors` per
field for bad parameters; a warehouse with nothing published or whose published data is
unavailable, or a question the warehouse failed or timed out on, is 503, not 500."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler

from analytics.runner import NoGeneration, QueryFailed
from analytics.warehouse.base import WarehouseUnavailable
from audit.context import audit_context
from audit.services import audit_refusal_record
from workspaces.services import workspace_default


def api_exception_handler(error: Exception, context: dict) -> Response | None:
    """DRF's handler, with Folio's error shape and its domain errors mapped."""
    if isinstance(error, NoGeneration):
        return Response(
            {"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "60"}
        )
    if isinstance(error, QueryFailed):
        return Response(
            {"detail": str(error)},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(error.retry_after)},
        )
    if isinstance(error, WarehouseUnavailable):
        # The published generation's data is gone or damaged; the next sync rebuilds it.
        return Response(
            {"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "60"}
        )
    response = exception_handler(error, context)
    if response is None:
        return None
    if isinstance(error, ValidationError):
        detail = error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}
        errors = {
            field: [str(message) for message in (messages if isinstance(messages, list) else [messages])]
            for field, messages in detail.items()
        }
        first = next(iter(errors.items()))
        response.data = {"detail": f"Invalid {first[0]}: {first[1][0]}", "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    if isinstance(error, (PermissionDenied, DjangoPermissionDenied)):
        _refusal_recorded(context.get("request"), response)
    return response


def _refusal_recorded(request: Request | None, response: Response) -> None:
    """A permission refusal goes into the audit trail of the workspace the request acts in
    (the default one for a caller who is a member of none)."""
    if request is None:
        return
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    audit_refusal_record(
        path=request.path,
        method=request.method or "",
        message=str(detail),
        status=response.status_code,
        workspace_id=audit_context().workspace_id or workspace_default().pk,
    )
