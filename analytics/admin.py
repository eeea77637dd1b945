"""Admin for what the pipeline and the API record: load generations, API tokens, jobs.

All three are written by services (the sync, token creation, job runs); the admin shows
them and offers only the one safe change, revoking tokens.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from analytics.models import ApiToken, Generation, Job
from analytics.services.import_jobs import IMPORTERS, UploadRefused, import_start
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
    search_fields = ("error", "note", "lake_prefix")
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


class ImportForm(forms.Form):
    """What the admin's "Import a file" page asks for."""

    kind = forms.ChoiceField(choices=[(kind, label) for kind, (label, _) in IMPORTERS.items()])
    file = forms.FileField()
    skip_invalid = forms.BooleanField(
        required=False, label="Import the valid rows and report the others (default: all or nothing)"
    )


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "status", "created_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("error",)
    list_select_related = ("created_by",)
    change_list_template = "admin/analytics/job/change_list.html"

    def get_urls(self) -> list:
        """The job list, plus the upload page of imports."""
        upload = path("import/", self.admin_site.admin_view(self.import_view), name="analytics_job_import")
        return [upload, *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file; its import runs as a job, whose page then shows the outcome."""
        if not request.user.is_staff:
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = import_start(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    skip_invalid=form.cleaned_data["skip_invalid"],
                )
            except UploadRefused as refused:
                form.add_error("file", str(refused))
            else:
                self.message_user(request, f"Import #{job.pk} is queued; this page shows its outcome.")
                return redirect(reverse("admin:analytics_job_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Import a file",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/analytics/job/import.html", context)
