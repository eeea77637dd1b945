"""The outermost middleware: gives each request its id (logs, response header, the Celery
tasks it starts) and times it for folio_http_request_duration_seconds."""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponseBase

from analytics.ops.counters import REQUEST_SECONDS
from analytics.ops.request_id import HEADER, request_id_chosen, request_id_set

UNMATCHED = "<unmatched>"


def request_id_forget(**kwargs: object) -> None:
    """request_finished: the request is over, its id too. The id outlives the middleware
    until then, since Django logs a 4xx or 5xx ("Unauthorized: /api/…") after the
    middleware returned."""
    request_id_set(None)


request_finished.connect(request_id_forget, dispatch_uid="folio-request-id-forget")


class RequestObservedMiddleware:
    """Sets the request id for everything the request does, echoes it in X-Request-ID and
    observes the request's duration by route and status (exceptions are answered by the
    handlers inside, so every request ends with a status)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        """Keep the next handler."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        """Serve the request under its id and record how long it took."""
        request_id = request_id_chosen(request.headers.get(HEADER))
        request_id_set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        # A streamed export is timed up to its first byte, as API-Process-Time is.
        REQUEST_SECONDS.labels(endpoint=endpoint_label(request), status=str(response.status_code)).observe(
            time.perf_counter() - started
        )
        response[HEADER] = request_id
        return response


def endpoint_label(request: HttpRequest) -> str:
    """The request's route as a label: the URL pattern (`/api/analytics/jobs/<int:job_id>`),
    the same for both spellings of a route, so that the label's values are bounded by the
    URL map whatever paths clients send."""
    if request.path.startswith(f"/{settings.STATIC_URL.strip('/')}/"):
        return "static"  # WhiteNoise answers before URLs are resolved
    match = getattr(request, "resolver_match", None)
    if match is None or match.route is None:
        return UNMATCHED
    route: str = match.route
    if route.startswith("^") or "(?" in route:  # a regular expression: the catch-all routes
        return match.view_name
    return "/" + route.rstrip("/")


# Answered whatever Host a probe or scraper sends: load balancers and kubelets address a
# task or pod by its IP, which DJANGO_ALLOWED_HOSTS does not (and should not) list.
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class ProbeHostMiddleware:
    """For the probe paths only, a Host that DJANGO_ALLOWED_HOSTS refuses is replaced by the
    first host it names, so that health checks and scrapes by IP are answered while every
    other path keeps Django's host validation (a 400). What these paths answer does not
    depend on the host: details need a staff session or the metrics token."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        """Keep the next handler."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        """Serve the request, a probe's under a host Folio answers to."""
        if request.path in PROBE_PATHS:
            try:
                request.get_host()
            except DisallowedHost:
                canonical = next((host for host in settings.ALLOWED_HOSTS if host[:1] not in ("", ".", "*")), None)
                if canonical is not None:
                    request.META["HTTP_HOST"] = canonical
                    request.META.pop("HTTP_X_FORWARDED_HOST", None)
        return self.get_response(request)
