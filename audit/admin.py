"""The audit trail in the admin: readable by staff with "Can view audit entry", changeable
and deletable by nobody, superusers included (the library's own admin would let a cascade
delete entries, so it is replaced)."""

from typing import Any

from auditlog.mixins import LogEntryAdminMixin
from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEntry
from config.pagination import CappedCountPaginator

if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


# What an entry shows: every column that says something, none of them editable.
SHOWN = (
    "created",
    "event",
    "via",
    "actor_name",
    "remote_addr",
    "workspace_id",
    "resource_url",
    "msg",
    "counts",
    "additional_data",
)


@admin.register(AuditEntry)
class AuditEntryAdmin(LogEntryAdminMixin, admin.ModelAdmin):
    """Entries newest first, filtered by event and channel; no add, change or delete."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    date_hierarchy = "timestamp"
    list_display = ["created", "event", "via", "actor_name", "resource_url", "workspace_id", "msg_short"]
    list_filter = ["event", "via"]
    search_fields = ["object_repr", "actor_name", "via"]
    list_select_related = ["content_type"]
    fields = SHOWN
    readonly_fields = SHOWN

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Entries are written by Folio alone."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """No entry is ever changed."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """No entry is ever deleted, not even as a cascade of another deletion."""
        return False
