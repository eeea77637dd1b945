"""The subscriptions API: a member's own scheduled reports in the workspace the request acts in
(another's id is a 404), their deliveries and the kept files."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api.permissions import RoleAllowed
from analytics.api.serializers import ErrorSerializer
from analytics.api.workspace import request_membership
from reports.models import Subscription
from reports.selectors import delivery_get, subscription_deliveries, subscription_get, subscriptions_of
from reports.serializers import SubscriptionDeliverySerializer, SubscriptionSerializer, SubscriptionWriteSerializer
from reports.services import delivery_send_now, subscription_change, subscription_create, subscription_delete
from reports.tasks import deliveries_queue


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


NOT_LOGGED_IN = _error("No valid session or token.")
NOT_MEMBER = _error("A member of no workspace.")
NOT_FOUND = _error("None of your subscriptions in this workspace has this id.")
NO_FILE = _error("No such delivery of yours, or its file was not kept or has expired.")
INVALID = _error("A field is wrong; `errors` names each (a bad filter is named under `params`).")
NO_DATA = _error("The warehouse has nothing published yet, or cannot answer now (Retry-After).")
TAGS = ["reports"]


class SubscriptionView(APIView):
    """Any member manages their own subscriptions: a report shows only what its owner may read."""

    permission_classes = (IsAuthenticated, RoleAllowed)

    def subscription(self, request: Request, subscription_id: int) -> Subscription:
        """One of the caller's subscriptions in the request's workspace; 404 for anyone else's."""
        found = subscription_get(request_membership(request), subscription_id)
        if found is None:
            raise NotFound("None of your subscriptions in this workspace has this id.")
        return found


class SubscriptionListView(SubscriptionView):
    @extend_schema(
        tags=TAGS,
        summary="My scheduled reports",
        responses={200: SubscriptionSerializer(many=True), 401: NOT_LOGGED_IN, 403: NOT_MEMBER},
    )
    def get(self, request: Request) -> Response:
        """The caller's subscriptions in the current workspace, by name, with their last delivery."""
        return Response(SubscriptionSerializer(subscriptions_of(request_membership(request)), many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Subscribe to a page or a table",
        request=SubscriptionWriteSerializer,
        responses={201: SubscriptionSerializer, 400: INVALID, 401: NOT_LOGGED_IN, 403: NOT_MEMBER, 503: NO_DATA},
    )
    def post(self, request: Request) -> Response:
        """Send yourself a dashboard page (PDF, PNG) or a table (CSV, XLSX) on a schedule or after each load."""
        body = SubscriptionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = subscription_create(membership=request_membership(request), fields=dict(body.validated_data))
        return Response(SubscriptionSerializer(created).data, status=status.HTTP_201_CREATED)


class SubscriptionDetailView(SubscriptionView):
    @extend_schema(
        tags=TAGS,
        summary="One scheduled report",
        responses={200: SubscriptionSerializer, 401: NOT_LOGGED_IN, 403: NOT_MEMBER, 404: NOT_FOUND},
    )
    def get(self, request: Request, subscription_id: int) -> Response:
        """The subscription, its next run and last delivery."""
        return Response(SubscriptionSerializer(self.subscription(request, subscription_id)).data)

    @extend_schema(
        tags=TAGS,
        summary="Change, pause or resume a scheduled report",
        request=SubscriptionWriteSerializer(partial=True),
        responses={
            200: SubscriptionSerializer,
            400: INVALID,
            401: NOT_LOGGED_IN,
            403: NOT_MEMBER,
            404: NOT_FOUND,
            503: NO_DATA,
        },
    )
    def patch(self, request: Request, subscription_id: int) -> Response:
        """Change the fields given (`active: false` pauses); the next run is scheduled afresh from now."""
        subscription = self.subscription(request, subscription_id)
        body = SubscriptionWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        changed = subscription_change(
            subscription=subscription, membership=request_membership(request), fields=dict(body.validated_data)
        )
        return Response(SubscriptionSerializer(changed).data)

    @extend_schema(
        tags=TAGS,
        summary="Delete a scheduled report",
        request=None,
        responses={204: None, 401: NOT_LOGGED_IN, 403: NOT_MEMBER, 404: NOT_FOUND},
    )
    def delete(self, request: Request, subscription_id: int) -> Response:
        """Delete the subscription, its deliveries and their files."""
        subscription_delete(self.subscription(request, subscription_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubscriptionSendView(SubscriptionView):
    @extend_schema(
        tags=TAGS,
        summary="Send a report now",
        request=None,
        responses={202: SubscriptionDeliverySerializer, 401: NOT_LOGGED_IN, 403: NOT_MEMBER, 404: NOT_FOUND},
    )
    def post(self, request: Request, subscription_id: int) -> Response:
        """Queue a delivery now (trigger `manual`); follow it in the deliveries."""
        delivery = delivery_send_now(self.subscription(request, subscription_id))
        deliveries_queue([delivery.pk])
        return Response(SubscriptionDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class SubscriptionDeliveryListView(SubscriptionView):
    @extend_schema(
        tags=TAGS,
        summary="A scheduled report's deliveries",
        responses={
            200: SubscriptionDeliverySerializer(many=True),
            401: NOT_LOGGED_IN,
            403: NOT_MEMBER,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, subscription_id: int) -> Response:
        """When, to whom, the file's size, the status and error of each delivery, newest first (the last 50)."""
        deliveries = subscription_deliveries(self.subscription(request, subscription_id))
        return Response(SubscriptionDeliverySerializer(deliveries, many=True).data)


class SubscriptionDeliveryFileView(SubscriptionView):
    @extend_schema(
        tags=TAGS,
        summary="A delivery's file",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            401: NOT_LOGGED_IN,
            403: NOT_MEMBER,
            404: NO_FILE,
        },
    )
    def get(self, request: Request, subscription_id: int, delivery_id: int) -> FileResponse:
        """The rendered file as it was sent (kept REPORT_KEEP_DAYS days), as a download."""
        delivery = delivery_get(self.subscription(request, subscription_id), delivery_id)
        if delivery is None or not delivery.file.name or not delivery.file.storage.exists(delivery.file.name):
            raise NotFound("No file is kept for this delivery.")
        return FileResponse(
            delivery.file.open("rb"),
            as_attachment=True,
            filename=delivery.filename,
            content_type=delivery.content_type or "application/octet-stream",
        )
