"""Webhooks of the current workspace, for its admins: register, list, change, pause, delete,
the delivery log, a test delivery and a redelivery; and the events' catalogue with their schemas."""

import json
from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api.permissions import RoleAllowed
from analytics.api.serializers import ErrorSerializer
from analytics.api.workspace import request_membership
from analytics.permissions import WEBHOOKS, RoleAction
from webhooks.dispatch import WebhookPaused, delivery_redeliver, test_delivery_create
from webhooks.events import EVENTS, SUBSCRIBABLE
from webhooks.models import DeliveryStatus, Webhook, WebhookDelivery
from webhooks.selectors import deliveries_of_webhook, webhook_of_workspace, webhooks_of_workspace
from webhooks.services import WebhookRefused, webhook_change, webhook_create, webhook_delete


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


NOT_LOGGED_IN = _error("No valid session or token.")
NOT_ADMIN = _error("A member of no workspace, or not an admin of the current one (the message names the role).")
NO_WEBHOOK = "No webhook of this workspace has this id."
NOT_FOUND = _error(NO_WEBHOOK)
SIGNING = (
    " Each delivery is a POST of a JSON body with the headers `X-Folio-Event`, `X-Folio-Delivery` (the body's `id`),"
    " `X-Folio-Timestamp` (Unix seconds) and `X-Folio-Signature: sha256=<hex HMAC-SHA256 of"
    ' "<timestamp>.<raw body>" keyed with the secret>`.'
)


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=SUBSCRIBABLE))
    active = serializers.BooleanField(help_text="A paused webhook (false) receives nothing.")
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="The signing secret: shown in this answer only, never again.")


class WebhookCreateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000, help_text="http or https, resolving to a public address.")
    events = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=20, help_text=f"Any of: {', '.join(SUBSCRIBABLE)}."
    )


class WebhookChangeSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000, required=False)
    events = serializers.ListField(child=serializers.CharField(max_length=40), max_length=20, required=False)
    active = serializers.BooleanField(required=False, help_text="false pauses, true resumes.")


class AttemptSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    code = serializers.IntegerField(allow_null=True, help_text="The answer's status code; null when none came.")
    error = serializers.CharField(allow_blank=True)
    ms = serializers.IntegerField()


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    delivery_id = serializers.UUIDField(help_text="The body's `id` and the X-Folio-Delivery header.")
    event = serializers.CharField()
    status = serializers.ChoiceField(choices=DeliveryStatus.values)
    attempts = serializers.IntegerField()
    response_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    response_excerpt = serializers.CharField(allow_blank=True, help_text="The start of the last answer's body.")
    created_at = serializers.DateTimeField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True, help_text="When a pending delivery is tried next.")
    finished_at = serializers.DateTimeField(allow_null=True)
    attempt_log = AttemptSerializer(many=True)
    body = serializers.JSONField(help_text="The body as sent.")

    def to_representation(self, instance: WebhookDelivery) -> dict[str, Any]:
        """The stored body text as the JSON it is."""
        shown = super().to_representation(instance)
        shown["body"] = json.loads(instance.body)
        return shown


class DeliveryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DeliverySerializer(many=True)


class EventKindSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    schema = serializers.JSONField(help_text="The JSON schema of the body.")


class DeliveryPagination(PageNumberPagination):
    """25 deliveries a page unless `page_size` says otherwise (at most 200)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


def _refused(error: WebhookRefused) -> ValidationError:
    return ValidationError({error.field: [str(error)]})


def _events_description() -> str:
    """Markdown: each event, what it means and its body's JSON schema."""
    parts = [
        "Every event a webhook can receive (and `webhook.test`, sent by the test button), with the JSON schema of"
        " its body. Every body is one flat object: `event`, `id`, `occurred_at`, `workspace`, then the event's"
        " own fields." + SIGNING
    ]
    for kind in EVENTS.values():
        parts.append(f"### `{kind.name}`\n\n{kind.description}\n\n```json\n{json.dumps(kind.schema(), indent=2)}\n```")
    return "\n\n".join(parts)


class WebhookAdminView(APIView):
    """A view of the current workspace's webhooks: admins only."""

    permission_classes = (IsAuthenticated, RoleAllowed)

    def role_action(self, request: Request) -> RoleAction:
        """Managing webhooks needs the admin role."""
        return WEBHOOKS

    def webhook(self, request: Request, webhook_id: int) -> Webhook:
        """A webhook of the current workspace by id; 404 for another workspace's."""
        found = webhook_of_workspace(workspace_id=request_membership(request).workspace_id, webhook_id=webhook_id)
        if found is None:
            raise NotFound(NO_WEBHOOK)
        return found


class WebhookEventsView(WebhookAdminView):
    """The events' catalogue."""

    @extend_schema(
        tags=["webhooks"],
        summary="Webhook events and their bodies",
        description=_events_description(),
        responses={200: EventKindSerializer(many=True), 401: NOT_LOGGED_IN, 403: NOT_ADMIN},
    )
    def get(self, request: Request) -> Response:
        """Every event, its meaning and its body's JSON schema."""
        rows = [{"name": k.name, "description": k.description, "schema": k.schema()} for k in EVENTS.values()]
        return Response(EventKindSerializer(rows, many=True).data)


class WebhookListView(WebhookAdminView):
    """The current workspace's webhooks: list, register."""

    @extend_schema(
        tags=["webhooks"],
        summary="The current workspace's webhooks",
        responses={200: WebhookSerializer(many=True), 401: NOT_LOGGED_IN, 403: NOT_ADMIN},
    )
    def get(self, request: Request) -> Response:
        """Every webhook, newest first (secrets are never listed)."""
        hooks = webhooks_of_workspace(request_membership(request).workspace_id)
        return Response(WebhookSerializer(hooks, many=True).data)

    @extend_schema(
        tags=["webhooks"],
        summary="Register a webhook",
        description="The answer carries the generated signing `secret`, shown this once." + SIGNING,
        request=WebhookCreateSerializer,
        responses={
            201: WebhookCreatedSerializer,
            400: _error(
                "`url` is not http(s), does not resolve, or resolves to a private, loopback, link-local, multicast,"
                " reserved or unspecified address (unless its host is in WEBHOOK_ALLOWED_HOSTS); or `events` names"
                " an unknown event (the message lists the known ones)."
            ),
            401: NOT_LOGGED_IN,
            403: NOT_ADMIN,
        },
    )
    def post(self, request: Request) -> Response:
        """A new active webhook for the URL and events; its secret is in this answer only."""
        body = WebhookCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            hook = webhook_create(
                workspace=request_membership(request).workspace,
                user=request.user if isinstance(request.user, User) else None,
                url=body.validated_data["url"],
                events=body.validated_data["events"],
            )
        except WebhookRefused as error:
            raise _refused(error) from error
        return Response(WebhookCreatedSerializer(hook).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(WebhookAdminView):
    """One webhook: read, change or pause, delete."""

    @extend_schema(
        tags=["webhooks"],
        summary="A webhook",
        responses={200: WebhookSerializer, 401: NOT_LOGGED_IN, 403: NOT_ADMIN, 404: NOT_FOUND},
    )
    def get(self, request: Request, webhook_id: int) -> Response:
        """The webhook (without its secret)."""
        return Response(WebhookSerializer(self.webhook(request, webhook_id)).data)

    @extend_schema(
        tags=["webhooks"],
        summary="Change a webhook, pause or resume it",
        request=WebhookChangeSerializer,
        responses={
            200: WebhookSerializer,
            400: _error("`url` refused (as when registering) or `events` names an unknown event."),
            401: NOT_LOGGED_IN,
            403: NOT_ADMIN,
            404: NOT_FOUND,
        },
    )
    def patch(self, request: Request, webhook_id: int) -> Response:
        """Change the URL, the events, or `active` (the fields given); resuming sends what waited at once."""
        hook = self.webhook(request, webhook_id)
        body = WebhookChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            changed = webhook_change(webhook=hook, **body.validated_data)
        except WebhookRefused as error:
            raise _refused(error) from error
        return Response(WebhookSerializer(changed).data)

    @extend_schema(
        tags=["webhooks"],
        summary="Delete a webhook",
        request=None,
        responses={204: None, 401: NOT_LOGGED_IN, 403: NOT_ADMIN, 404: NOT_FOUND},
    )
    def delete(self, request: Request, webhook_id: int) -> Response:
        """Delete the webhook and its delivery log."""
        webhook_delete(webhook=self.webhook(request, webhook_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryListView(WebhookAdminView):
    """A webhook's delivery log."""

    @extend_schema(
        tags=["webhooks"],
        summary="A webhook's deliveries",
        parameters=[],
        responses={
            200: DeliveryPageSerializer,
            401: NOT_LOGGED_IN,
            403: NOT_ADMIN,
            404: _error("No webhook of this workspace has this id, or `page` is past the last page."),
        },
    )
    def get(self, request: Request, webhook_id: int) -> Response:
        """Its deliveries, newest first, each with its status, attempts, last response code and error."""
        deliveries = deliveries_of_webhook(self.webhook(request, webhook_id))
        paginator = DeliveryPagination()
        page = paginator.paginate_queryset(deliveries, request, view=self)
        return paginator.get_paginated_response(DeliverySerializer(page or [], many=True).data)


class WebhookTestView(WebhookAdminView):
    """The test button."""

    @extend_schema(
        tags=["webhooks"],
        summary="Send a test delivery",
        request=None,
        responses={
            202: DeliverySerializer,
            400: _error("The webhook is paused (`active`)."),
            401: NOT_LOGGED_IN,
            403: NOT_ADMIN,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, webhook_id: int) -> Response:
        """Queue a `webhook.test` delivery; the answer is the delivery as queued (poll the log for its outcome)."""
        try:
            delivery = test_delivery_create(self.webhook(request, webhook_id))
        except WebhookPaused as error:
            raise ValidationError({"active": [str(error)]}) from error
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class RedeliverView(WebhookAdminView):
    """Send a delivery again."""

    @extend_schema(
        tags=["webhooks"],
        summary="Redeliver",
        request=None,
        responses={
            202: DeliverySerializer,
            400: _error("The webhook is paused (`active`)."),
            401: NOT_LOGGED_IN,
            403: NOT_ADMIN,
            404: _error("No webhook of this workspace has this id, or it has no delivery with this id."),
        },
    )
    def post(self, request: Request, webhook_id: int, delivery_id: int) -> Response:
        """Queue the delivery's body again as a new delivery (new id and signature)."""
        original = deliveries_of_webhook(self.webhook(request, webhook_id)).filter(pk=delivery_id).first()
        if original is None:
            raise NotFound("This webhook has no delivery with this id.")
        try:
            again = delivery_redeliver(original)
        except WebhookPaused as error:
            raise ValidationError({"active": [str(error)]}) from error
        return Response(DeliverySerializer(again).data, status=status.HTTP_202_ACCEPTED)
