"""Admin for what the pipeline and the API record: load generations, API tokens, jobs.

All three are written by services (the sync, token creation, job runs); the admin shows
them and offers only the one safe change, revoking tokens.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from analytics.models import ApiToken, Generation, Job
from analytics.services.tokens import api_token_forget
from config.pagination import CappedCountPaginator


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only services write: viewable, never added or edited by hand; the list
    never counts the whole table (capped count, as for books and finance)."""

    paginator = CappedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Generation)
class GenerationAdmin(ReadOnlyAdmin):
    list_display = ("id", "number", "status", "backend", "full_refresh", "started_at", "finished_at")
    list_filter = ("status", "backend", "full_refresh")
    search_fields = ("error", "lake_prefix")
    ordering = ("-id",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "prefix", "user__username")
    exclude = ("digest",)
    list_select_related = ("user",)
    actions = ("revoke",)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        """Revoke tokens (those already revoked keep their first revocation time)."""
        digests = list(queryset.filter(revoked_at__isnull=True).values_list("digest", flat=True))
        revoked = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        for digest in digests:
            api_token_forget(digest)
        self.message_user(request, f"Revoked {revoked} token(s).")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "status", "created_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("error",)
    list_select_related = ("created_by",)
