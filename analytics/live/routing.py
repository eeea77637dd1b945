"""The WebSocket side of the ASGI application: origin check, session, user, route."""

from typing import Any
from urllib.parse import ParseResult

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.urls import path

from analytics.live.consumers import LiveEventsConsumer

# Django's path() routes ASGI applications for Channels; its stubs expect a view (and the
# Channels stubs' pattern type cannot be built).
websocket_urlpatterns: list[Any] = [path("ws/events/", LiveEventsConsumer.as_asgi())]  # type: ignore[arg-type]


class BrowserOriginValidator(OriginValidator):
    """A handshake that names an Origin must name one of ALLOWED_HOSTS: a page of another
    site cannot open a socket with the visitor's session cookie. One that names none comes
    from an API client (every browser sends Origin on a WebSocket), which authenticates with
    a token or a cookie it holds itself, so there is nothing to forge."""

    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        """Absent: allowed; present: one of the allowed hosts, as Channels checks them."""
        return parsed_origin is None or super().valid_origin(parsed_origin)


def websocket_application() -> Any:
    """/ws/events/ behind the origin check, Django's session and the signed-in user."""
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = ["localhost", "127.0.0.1", "[::1]"]
    return BrowserOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), allowed)
