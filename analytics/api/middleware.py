"""Times every /api/ request (an `API-Process-Time` header and one JSON line in
API_LOG_PATH), throttles anonymous /api/ requests per address before anything else, and
keeps logged paths short."""

import json
import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from analytics.api.throttling import PerUserThrottle
from analytics.client_address import client_address
from analytics.log_filters import text_trimmed
from analytics.services.tokens import api_token_authenticate

logger = logging.getLogger("folio.api.requests")

API_PREFIX = "/api/"
CACHE_STATUSES = frozenset({"HIT", "MISS"})


TOKEN_KEYWORDS = ("bearer", "token")


def caller_anonymous(request: HttpRequest) -> bool:
    """Whether the request has neither a session user nor a valid API token: a made-up
    Authorization header is anonymous too, or it would skip the per-address count."""
    if request.user.is_authenticated:
        return False
    parts = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(parts) != 2 or parts[0].lower() not in TOKEN_KEYWORDS:
        return True
    return api_token_authenticate(raw=parts[1]) is None  # a cached lookup, repeated by the view


class AnonymousApiThrottleMiddleware:
    """Anonymous /api/ requests are counted per address before the URL is resolved or
    permissions checked: DRF throttles only inside a view and after its permission check,
    so unknown paths (404) and refused ones (401) were never counted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        """Keep the next handler."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        """Refuse with 429 past the rate; otherwise mark the request counted and pass it on."""
        if not request.path.startswith(API_PREFIX) or not caller_anonymous(request):
            return self.get_response(request)
        throttle = PerUserThrottle()
        if not throttle.allow_request(request, None):
            wait = round(throttle.wait())
            return JsonResponse(
                {"detail": f"Request was throttled. Expected available in {wait} seconds."},
                status=429,
                headers={"Retry-After": str(wait)},
            )
        request.throttle_counted = True  # type: ignore[attr-defined]  # a mark: PerUserThrottle skips counted requests
        return self.get_response(request)


class ApiRequestLogMiddleware:
    """Measure each /api/ request, tell the client in a header, and append it to the request log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        """Keep the next handler; the log path is read per request so tests can override it."""
        self.get_response = get_response
        # Warn when writing starts failing, not on every request of an outage.
        self.write_failing = False

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        """Pass the request on; for /api/ paths time it, set the header and log a line."""
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        started_at = datetime.now(UTC)
        started = time.perf_counter()
        response = self.get_response(request)
        # A streamed export is timed up to its first byte: the body is produced after we return.
        elapsed_ms = (time.perf_counter() - started) * 1000
        response.headers["API-Process-Time"] = f"{elapsed_ms:.2f}"
        self.line_write(api_request_line(request, response, started_at=started_at, elapsed_ms=elapsed_ms))
        return response

    def line_write(self, line: str) -> None:
        """Append one line to the log; a failure is logged, never raised into the response."""
        path = Path(settings.API_LOG_PATH)
        try:
            # One write() on an O_APPEND descriptor: lines from several worker processes never
            # interleave, and reopening per line follows the file after logrotate moves it.
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            except FileNotFoundError:  # the first line: create the folder (not on every request)
                path.parent.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(descriptor, line.encode("utf-8"))
            finally:
                os.close(descriptor)
        except OSError as error:
            if not self.write_failing:
                logger.warning("API request log not written to %s: %s", path, error)
            self.write_failing = True
        else:
            self.write_failing = False


def api_request_line(
    request: HttpRequest, response: HttpResponseBase, *, started_at: datetime, elapsed_ms: float
) -> str:
    """The JSON line, newline included, that records one answered request."""
    match = request.resolver_match
    # Read after the view ran: DRF copies the token-authenticated user onto the Django request.
    user = getattr(request, "user", None)
    cache = response.headers.get("X-Cache")
    record = {
        "ts": started_at.isoformat(timespec="milliseconds"),
        "method": request.method,
        "path": text_trimmed(request.path),
        "endpoint": match.route if match is not None and match.route else text_trimmed(request.path),
        "status": response.status_code,
        "ms": round(elapsed_ms, 2),
        "cache": cache if cache in CACHE_STATUSES else None,
        "user": user.pk if user is not None and user.is_authenticated else None,
        "client": client_address(request),
        "format": request.GET.get("format") or "json",
    }
    return json.dumps(record, separators=(",", ":")) + "\n"
