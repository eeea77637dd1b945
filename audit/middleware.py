"""Every request runs in an audit context: its channel from the path (admin, api, sso), its
client address, and its user, read when an entry is written (DRF authenticates a token
inside the view, after this middleware ran, and sets the user on the Django request)."""

import ipaddress
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from analytics.client_address import client_address
from audit.context import Actor, AuditContext, audit_context_entered

# Path prefixes and the channel their requests are recorded under; the first match wins.
CHANNELS = (("/admin/", "admin"), ("/api/", "api"), ("/accounts/", "sso"))


def request_via(path: str) -> str:
    """The channel a request's changes are recorded under."""
    return next((via for prefix, via in CHANNELS if path.startswith(prefix)), "web")


def _address(text: str) -> str | None:
    # A forwarded hop is whatever a proxy wrote; the column holds addresses only.
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


class AuditContextMiddleware:
    """Puts the request's channel, user and address in the audit context for its duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def actor() -> Actor:
            return getattr(request, "user", None)

        context = AuditContext(
            via=request_via(request.path), actor=actor, remote_addr=_address(client_address(request))
        )
        with audit_context_entered(context):
            return self.get_response(request)
