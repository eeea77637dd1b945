"""GET /api/analytics/events: the live events as Server-Sent Events, for API clients.

An API view like the others (the same authenticators, permissions, throttle and error
answers, and a place in the OpenAPI schema) whose answer streams from an async iterator:
under ASGI (the `events` process, `runserver`) the stream lives on the event loop and holds
no thread. A WSGI server cannot hold a stream open without holding a thread, so there the
answer is the hello alone, with a `retry` that makes EventSource ask again in 15 s.
"""

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import BaseChannelLayer
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponseBase, StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api.answer_views import ERRORS
from analytics.api.permissions import RoleAllowed
from analytics.api.renderers import ExactJSONRenderer
from analytics.api.workspace import request_membership
from analytics.live.consumers import member_hello
from analytics.live.events import MESSAGE_TYPE, LiveMember, event_for, group_name, live_member, sse_frame
from analytics.live.publish import channel_layer
from analytics.live.watcher import listener_join, listener_leave

PING_SECONDS = 15.0  # a comment line this often keeps proxies (ALB: 60 s idle) from closing the stream
RETRY_MILLISECONDS = 15_000

DESCRIPTION = """The live events of the caller's workspace as Server-Sent Events
(`Accept: text/event-stream`). Frames: `id: <generation>`, `event: hello|generation`,
`data: <JSON>`; a `: ping` comment every 15 s. A client that reconnects sends the last id
it saw as `Last-Event-ID` (EventSource does) and compares it with the hello's generation.

* `hello`, first: `{"type": "hello", "generation": 42, "as_of": "…", "workspace": "default"}`,
  the generation the API serves now. A client that last saw another generation (the
  `Last-Event-ID` it sends on reconnecting is older) refetches what it shows.
* `generation`, for each newly published generation that changed the workspace:
  `{"type": "generation", "generation": 43, "as_of": "…", "published_at": "…", "changed":
  {"sales": {"from": "2025-01-02", "to": "2025-12-31"}}}`. `changed` names each domain that
  changed (`sales`: books and sales; `ledger`: ledger entries and budgets; `statement`:
  statement lines) with the dates the changed facts span; null means any date (a full
  refresh, deletions), and always for a member limited to some regions or departments.

The same frames, one JSON text message each, come over the WebSocket `wss://<host>/ws/events/`,
authenticated by the session cookie or `Authorization: Bearer folio_…`; a caller this
endpoint would refuse is refused the handshake (403). The server sends; it reads nothing."""


# One event of the stream as a client's SSE parser gives it (schemathesis checks each against it).
EVENT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "description": "The generation (absent before the first sync)."},
        "event": {"type": "string", "enum": ["hello", "generation"]},
        "data": {"type": "string", "description": "The frame's JSON (see the description)."},
        "retry": {"type": "integer", "description": "Milliseconds before reconnecting (WSGI servers only)."},
    },
    "required": ["event", "data"],
}


class EventStreamRenderer(BaseRenderer):
    """Lets DRF's content negotiation accept `text/event-stream` (the stream is the answer's body)."""

    media_type = "text/event-stream"
    format = "events"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        """Nothing is rendered through it: errors switch to JSON (EventStreamView.handle_exception)."""
        return b""


class AlwaysEventStream(BaseContentNegotiation):
    """The answer is the stream whatever the Accept header or ?format= says (no 406, no 404)."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        """A GET has no body to parse."""
        return None

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        """The event stream's renderer, always."""
        return EventStreamRenderer(), EventStreamRenderer.media_type


class EventStreamView(APIView):
    """The event stream: hello, then a frame per generation that changed the workspace."""

    renderer_classes = [EventStreamRenderer]
    content_negotiation_class = AlwaysEventStream
    permission_classes = [IsAuthenticated, RoleAllowed]

    @extend_schema(
        summary="Live events: a frame per published generation that changed the workspace",
        description=DESCRIPTION,
        responses={
            (200, "text/event-stream"): OpenApiResponse(
                EVENT_SCHEMA, description="The event stream: one event per frame."
            ),
            401: ERRORS[401],
            403: ERRORS[403],
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        """Open the stream for the caller's workspace."""
        member = live_member(request_membership(request))
        if isinstance(request._request, ASGIRequest):
            body: Any = event_stream(member)
        else:
            body = [f"retry: {RETRY_MILLISECONDS}\n", sse_frame(member_hello(member))]
        response = StreamingHttpResponse(body, content_type="text/event-stream; charset=utf-8")
        response["Cache-Control"] = "no-cache, no-store"
        response["X-Accel-Buffering"] = "no"  # nginx (ingress-nginx) passes each frame on at once
        return response

    def handle_exception(self, exc: Exception) -> Response:
        """Refusals (401, 403, 429) answer in JSON like every API error, whatever was accepted."""
        response = super().handle_exception(exc)
        self.request.accepted_renderer = ExactJSONRenderer()
        self.request.accepted_media_type = ExactJSONRenderer.media_type
        return response


async def event_stream(member: LiveMember) -> AsyncIterator[str]:
    """The frames of one stream until the client goes: hello, generations, pings."""
    layer = channel_layer()
    channel = await layer.new_channel()
    group = group_name(member.workspace_id)
    await layer.group_add(group, channel)
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    # One reader per stream: cancelling a layer's receive() drops its channel (channels_redis'
    # pub/sub layer unsubscribes it), so the ping's timeout waits on this queue instead.
    relay = asyncio.get_running_loop().create_task(_relay(layer, channel, inbox))
    try:
        await listener_join()  # before the hello is read: see LiveEventsConsumer.connect
        yield sse_frame(await database_sync_to_async(member_hello)(member))
        while True:
            try:
                message = await asyncio.wait_for(inbox.get(), PING_SECONDS)
            except TimeoutError:
                yield ": ping\n\n"
                continue
            yield sse_frame(event_for(message["event"], member))
    finally:
        relay.cancel()
        listener_leave()
        await layer.group_discard(group, channel)


async def _relay(layer: BaseChannelLayer, channel: str, inbox: "asyncio.Queue[dict[str, Any]]") -> None:
    while True:
        message = await layer.receive(channel)
        if message.get("type") == MESSAGE_TYPE:
            await inbox.put(message)
