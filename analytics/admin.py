"""Admin for what the pipeline and the API record: load generations, API tokens, jobs.

All three are written by services (the sync, token creation, job runs); the admin shows
them and offers only the one safe change, revoking tokens. Starting work (an import) needs
its own permission (analytics/permissions.py): being staff only opens the admin.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.datastructures import MultiValueDict

from analytics.client_address import client_address
from analytics.models import ApiToken, Generation, Job
from analytics.permissions import IMPORTS, NO_IMPORT, import_kinds_allowed
from analytics.services.import_jobs import IMPORTERS, UploadRefused
from analytics.services.job_starts import import_start
from analytics.services.logins import LoginLocked, login_failure_record, login_lock_check, login_success_record
from analytics.services.tokens import api_tokens_revoke
from analytics.upload_limit import upload_limited, upload_refusal
from config.pagination import CappedCountPaginator
from workspaces.models import Workspace
from workspaces.services import workspace_default


class LockingAdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, under the same lock-out as the API's login: while the account
    or the address is locked it says so and checks no password."""

    def clean(self) -> dict:
        """Refuse a locked account or address; otherwise check the password and count a failure."""
        username = self.cleaned_data.get("username") or ""
        assert self.request is not None, "the admin's login view passes its request to the form"
        address = client_address(self.request)
        try:
            login_lock_check(username=username, address=address)
        except LoginLocked as locked:
            raise ValidationError(str(locked), code="locked") from None
        try:
            cleaned = super().clean()
        except ValidationError:
            if self.user_cache is None:  # a wrong password, not a right one without staff status
                login_failure_record(username=username, address=address)
            raise
        if self.user_cache is not None:
            login_success_record(username=username)
        return cleaned


admin.site.login_form = LockingAdminLoginForm


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

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        """Revoking changes a token: it needs "Can change API token", not mere staff status."""
        return request.user.has_perm("analytics.change_apitoken")

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        """Revoke tokens and the tokens they created (those already revoked keep their first
        revocation time); they stop authenticating at once."""
        revoked = api_tokens_revoke(tokens=queryset)
        self.message_user(request, f"Revoked {revoked} token(s).")


class ImportForm(forms.Form):
    """What the admin's "Import a file" page asks for; it offers only the kinds the user may import."""

    kind = forms.ChoiceField(choices=[])
    # Operators choose the workspace the file goes into; the default one is preselected.
    workspace = forms.ModelChoiceField(
        queryset=Workspace.objects.all(), initial=workspace_default, required=False, help_text="Default: default."
    )
    file = forms.FileField()
    skip_invalid = forms.BooleanField(
        required=False, label="Import the valid rows and report the others (default: all or nothing)"
    )

    def __init__(
        self, data: QueryDict | None, files: MultiValueDict[str, UploadedFile] | None, *, kinds: list[str]
    ) -> None:
        """The form, its kind limited to `kinds`."""
        super().__init__(data, files)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)  # declared so above
        kind_field.choices = [(kind, IMPORTERS[kind][0]) for kind in kinds]


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "status", "created_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("error",)
    list_select_related = ("created_by",)
    change_list_template = "admin/analytics/job/change_list.html"

    def has_view_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        """Holders of "Can view job", and whoever started this job (an import's outcome)."""
        return super().has_view_permission(request, obj) or (obj is not None and obj.created_by_id == request.user.pk)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """The job list; its "Import a file" link shows only to users who may import something."""
        extra_context = {**(extra_context or {}), "can_import": bool(import_kinds_allowed(request.user))}
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list:
        """The job list, plus the upload page of imports."""
        # The upload limit goes in before admin_view's CSRF check reads the body.
        view = upload_limited(self.admin_site.admin_view(self.import_view))
        upload = path("import/", view, name="analytics_job_import")
        return [upload, *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file; its import runs as a job, whose page then shows the outcome. Each
        kind needs its own permission; a refusal is a 403 naming it, and nothing is stored."""
        kinds = import_kinds_allowed(request.user)
        if not kinds:
            raise PermissionDenied(NO_IMPORT)
        asked = request.POST.get("kind", "")
        if request.method == "POST" and asked in IMPORTS and asked not in kinds:
            raise PermissionDenied(IMPORTS[asked].refusal)
        form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds)
        refusal = upload_refusal(request)
        if refusal is not None:
            form.is_valid()
            form.errors["file"] = form.error_class([refusal])
        elif request.method == "POST" and form.is_valid():
            try:
                job = import_start(
                    user=request.user,
                    workspace=form.cleaned_data["workspace"] or workspace_default(),
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
        return TemplateResponse(
            request, "admin/analytics/job/import.html", context, status=413 if refusal is not None else 200
        )
