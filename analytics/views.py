"""The pages Django itself serves: the dashboard's index, a health check, error pages."""

import logging
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error

from analytics.log_filters import text_trimmed

logger = logging.getLogger(__name__)


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
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the assets it names are content-hashed; it is not
    return response


def health(request: HttpRequest) -> JsonResponse:
    """Whether this process can reach its transactional database (for load balancers).
    Anyone gets ok or fail; only staff see which database and why it failed (the error
    names the database host), and the failure is logged for whoever runs Folio."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.error("health check failed: %s", error)
        details = {"database": str(error)} if _is_staff(request) else {}
        return JsonResponse({"status": "fail", **details}, status=503)
    details = {"database": connection.vendor} if _is_staff(request) else {}
    return JsonResponse({"status": "ok", **details})


def _is_staff(request: HttpRequest) -> bool:
    # The session lives in the database: with the database down nobody can be known as staff.
    try:
        return request.user.is_staff
    except DatabaseError:
        return False


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
