"""Admin base classes shared by books and finance: fast changelists on huge tables, and
deletes that leave tombstones for the warehouse."""

from django.contrib import admin, messages
from django.db.models import Model, ProtectedError, QuerySet
from django.http import HttpRequest

from config.pagination import CappedCountPaginator
from config.records import TombstoneBase, records_delete


class TrackedAdmin(admin.ModelAdmin):
    """Capped counts, and deletes through `records_delete` into the app's `tombstones` model."""

    tombstones: type[TombstoneBase]
    paginator = CappedCountPaginator
    show_full_result_count = False
    readonly_fields = ("updated_at",)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        """Delete one row, leaving its tombstone."""
        records_delete(queryset=type(obj)._default_manager.filter(pk=obj.pk), tombstones=self.tombstones)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Delete the selected rows, leaving their tombstones; protected rows stop it all."""
        try:
            records_delete(queryset=queryset, tombstones=self.tombstones)
        except ProtectedError as error:
            self.message_user(request, f"Nothing was deleted: {error.args[0]}", messages.ERROR)


class TombstoneAdmin(admin.ModelAdmin):
    """Tombstones are a log the sync reads: listed, never edited by hand."""

    list_display = ("table", "object_id", "deleted_at")
    list_filter = ("table",)
    search_fields = ("=object_id",)
    paginator = CappedCountPaginator
    show_full_result_count = False
    ordering = ("-id",)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Read-only."""
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Only deletes write tombstones."""
        return False
