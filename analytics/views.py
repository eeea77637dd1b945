"""Pages served before the dashboard lands: the home placeholder and a health check."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The page at `/` until the React dashboard replaces it."""
    return render(request, "analytics/home.html")


def health(request: HttpRequest) -> JsonResponse:
    """Whether this process can reach its transactional database (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return JsonResponse({"status": "error", "database": str(error)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
