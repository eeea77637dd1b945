"""The pages Django itself serves: the dashboard's index and error pages (health and
metrics: analytics.ops.views)."""

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error

from analytics.log_filters import text_trimmed


@ensure_csrf_cookie
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every page of the React dashboard: its index.html (the app routes in the browser).
    The CSRF cookie comes with it, for the login form. Without a build, a page says how
    to make one."""
    index = Path(settings.FRONTEND_DIST) / "index.html"
    try:
        page = index.read_bytes()
    except FileNotFoundError:
        return render(request, "analytics/home.html", status=503)
    if settings.LIVE_EVENTS_PORT:
        # The events server listens on a port of its own (compose): the page's socket goes there.
        meta = f'<meta name="folio-events-port" content="{int(settings.LIVE_EVENTS_PORT)}">'
        page = page.replace(b"</head>", meta.encode() + b"</head>", 1)
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the assets it names are content-hashed; it is not
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON under /api/ (API clients parse it), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"No such API endpoint: {text_trimmed(request.path, 200)}"}, status=404)
    return page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Internal error; it has been logged."}, status=500)
    return django_server_error(request)
