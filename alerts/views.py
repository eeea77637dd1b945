"""The alerts API: a member's own alerts in the workspace the request acts in (another's id is a 404)."""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.models import Alert
from alerts.selectors import alert_events, alert_get, alerts_of
from alerts.serializers import AlertEventSerializer, AlertSerializer, AlertTriedSerializer, AlertWriteSerializer
from alerts.services import alert_change, alert_create, alert_try
from analytics.api.permissions import RoleAllowed
from analytics.api.serializers import ErrorSerializer
from analytics.api.workspace import request_membership


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


NOT_LOGGED_IN = _error("No valid session or token.")
NOT_MEMBER = _error("A member of no workspace.")
NOT_FOUND = _error("None of your alerts in this workspace has this id.")
INVALID = _error("A field is wrong; `errors` names each (a bad question parameter is named under `params`).")
NO_DATA = _error("The warehouse has nothing published yet, or cannot answer now (Retry-After).")


class AlertView(APIView):
    """Any member manages their own alerts: they watch only what the member may read."""

    permission_classes = (IsAuthenticated, RoleAllowed)

    def alert(self, request: Request, alert_id: int) -> Alert:
        """One of the caller's alerts in the request's workspace; 404 for anyone else's."""
        found = alert_get(request_membership(request), alert_id)
        if found is None:
            raise NotFound("None of your alerts in this workspace has this id.")
        return found


class AlertListView(AlertView):
    @extend_schema(
        tags=["alerts"],
        summary="My alerts",
        responses={200: AlertSerializer(many=True), 401: NOT_LOGGED_IN, 403: NOT_MEMBER},
    )
    def get(self, request: Request) -> Response:
        """The caller's alerts in the current workspace, by name, with their state and last value."""
        return Response(AlertSerializer(alerts_of(request_membership(request)), many=True).data)

    @extend_schema(
        tags=["alerts"],
        summary="Create an alert",
        request=AlertWriteSerializer,
        responses={201: AlertSerializer, 400: INVALID, 401: NOT_LOGGED_IN, 403: NOT_MEMBER, 503: NO_DATA},
    )
    def post(self, request: Request) -> Response:
        """Watch one value of a question in the caller's scope; evaluated after each published generation."""
        body = AlertWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = alert_create(membership=request_membership(request), fields=dict(body.validated_data))
        return Response(AlertSerializer(created).data, status=status.HTTP_201_CREATED)


class AlertDetailView(AlertView):
    @extend_schema(
        tags=["alerts"],
        summary="One alert",
        responses={200: AlertSerializer, 401: NOT_LOGGED_IN, 403: NOT_MEMBER, 404: NOT_FOUND},
    )
    def get(self, request: Request, alert_id: int) -> Response:
        """The alert, its state and last value."""
        return Response(AlertSerializer(self.alert(request, alert_id)).data)

    @extend_schema(
        tags=["alerts"],
        summary="Change, pause or resume an alert",
        request=AlertWriteSerializer(partial=True),
        responses={
            200: AlertSerializer,
            400: INVALID,
            401: NOT_LOGGED_IN,
            403: NOT_MEMBER,
            404: NOT_FOUND,
            503: NO_DATA,
        },
    )
    def patch(self, request: Request, alert_id: int) -> Response:
        """Change the fields given (`active: false` pauses); a change of what is watched starts it afresh."""
        alert = self.alert(request, alert_id)
        body = AlertWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        changed = alert_change(alert=alert, membership=request_membership(request), fields=dict(body.validated_data))
        return Response(AlertSerializer(changed).data)

    @extend_schema(
        tags=["alerts"],
        summary="Delete an alert",
        request=None,
        responses={204: None, 401: NOT_LOGGED_IN, 403: NOT_MEMBER, 404: NOT_FOUND},
    )
    def delete(self, request: Request, alert_id: int) -> Response:
        """Delete the alert and its history."""
        with transaction.atomic():
            self.alert(request, alert_id).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlertEventListView(AlertView):
    @extend_schema(
        tags=["alerts"],
        summary="An alert's history",
        responses={200: AlertEventSerializer(many=True), 401: NOT_LOGGED_IN, 403: NOT_MEMBER, 404: NOT_FOUND},
    )
    def get(self, request: Request, alert_id: int) -> Response:
        """Fired, resolved, reminder and error events, newest first (the last 200), with their email status."""
        return Response(AlertEventSerializer(alert_events(self.alert(request, alert_id)), many=True).data)


class AlertTestView(AlertView):
    @extend_schema(
        tags=["alerts"],
        summary="Test an alert now",
        request=None,
        responses={200: AlertTriedSerializer, 401: NOT_LOGGED_IN, 403: NOT_MEMBER, 404: NOT_FOUND, 503: NO_DATA},
    )
    def post(self, request: Request, alert_id: int) -> Response:
        """Evaluate the alert against the current generation and email the result to you; its state does not change."""
        tried = alert_try(alert=self.alert(request, alert_id), membership=request_membership(request))
        shown = {
            "generation": tried.generation,
            "value": tried.value,
            "observed": tried.observed,
            "holds": tried.holds,
            "band_low": tried.band[0] if tried.band else None,
            "band_high": tried.band[1] if tried.band else None,
            "detail": tried.detail,
            "error": tried.error,
            "email": tried.email,
        }
        return Response(AlertTriedSerializer(shown).data)
