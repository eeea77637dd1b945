"""One place that turns errors into API responses: `{"detail": …}`, plus `errors` per
field for bad parameters; a warehouse with nothing published or whose published data is
unavailable, or a question the warehouse failed or timed out on, is 503, not 500."""

from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from analytics.runner import NoGeneration, QueryFailed
from analytics.warehouse.base import WarehouseUnavailable


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
    return response
