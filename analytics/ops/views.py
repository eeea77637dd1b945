"""/healthz (liveness), /readyz (readiness) and /metrics (Prometheus)."""

import hmac

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from analytics.api.locations import locations_hidden
from analytics.ops.metrics import metrics_text
from analytics.ops.readiness import readiness


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: this process answers requests. It checks no dependency (a database outage
    must not get every web process restarted) and says nothing else, to anyone."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database, the cache and the warehouse answer, each within a short
    time; 200 or 503. Anyone gets ok or fail; staff and holders of the metrics token also
    get each dependency's state (why it failed, which names hosts, to staff only)."""
    results = readiness()
    ready = all(result.ok for result in results.values())
    body: dict[str, object] = {"status": "ok" if ready else "fail"}
    token = metrics_token_presented(request)
    staff = not token and _is_staff(request)
    if token or staff:
        checks = {
            name: {"status": "ok" if result.ok else "fail", "detail": result.detail, "ms": result.ms}
            for name, result in results.items()
        }
        body["checks"] = checks if staff else locations_hidden(checks)
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for the bearer of METRICS_TOKEN. Without the setting the path
    does not exist (404); without the token 401, with another one 403, and no data."""
    if not settings.METRICS_TOKEN:
        raise Http404("metrics are off: METRICS_TOKEN is not set")
    if _bearer(request) is None:
        return HttpResponse(
            "Metrics need Authorization: Bearer <METRICS_TOKEN>.\n",
            status=401,
            content_type="text/plain; charset=utf-8",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    if not metrics_token_presented(request):
        return HttpResponse("Wrong metrics token.\n", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


def metrics_token_presented(request: HttpRequest) -> bool:
    """Whether the request carries METRICS_TOKEN as its bearer token (compared in constant time)."""
    expected = settings.METRICS_TOKEN
    presented = _bearer(request)
    if not expected or presented is None:
        return False
    return hmac.compare_digest(presented.encode(), expected.encode())


def _bearer(request: HttpRequest) -> str | None:
    parts = request.headers.get("Authorization", "").split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    return parts[1]


def _is_staff(request: HttpRequest) -> bool:
    # The session lives in the database: with the database down nobody can be known as staff.
    try:
        return request.user.is_staff
    except DatabaseError:
        return False
