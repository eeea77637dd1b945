"""Admin for finance records: capped counts, deletes through the service (tombstones)."""

from django.contrib import admin

from config.admin_base import TombstoneAdmin
from config.admin_base import TrackedAdmin as BaseTrackedAdmin
from finance.models import Budget, CostCenter, Department, Fund, LedgerEntry, StatementLine, Tombstone


class TrackedAdmin(BaseTrackedAdmin):
    """Deletes leave tombstones in finance.Tombstone."""

    tombstones = Tombstone


@admin.register(Department)
class DepartmentAdmin(TrackedAdmin):
    list_display = ("code", "name", "updated_at")
    search_fields = ("=code", "name")


@admin.register(Fund)
class FundAdmin(TrackedAdmin):
    list_display = ("code", "name", "updated_at")
    search_fields = ("=code", "name")


@admin.register(CostCenter)
class CostCenterAdmin(TrackedAdmin):
    list_display = ("code", "name", "department")
    list_select_related = ("department",)
    list_filter = ("department",)
    search_fields = ("=code", "name")
    autocomplete_fields = ("department",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(TrackedAdmin):
    list_display = ("entry_date", "kind", "amount", "department", "fund", "cost_center")
    list_select_related = ("department", "fund", "cost_center")
    list_filter = ("kind", "department", "fund")
    search_fields = ("=id", "=cost_center__code")
    autocomplete_fields = ("department", "fund", "cost_center")
    ordering = ("-id",)


@admin.register(Budget)
class BudgetAdmin(TrackedAdmin):
    list_display = ("department", "fiscal_year", "amount")
    list_select_related = ("department",)
    list_filter = ("fiscal_year", "department")
    autocomplete_fields = ("department",)


@admin.register(StatementLine)
class StatementLineAdmin(TrackedAdmin):
    list_display = ("exercice", "type_de_resultat", "produit_charge", "poste", "detail_postes", "montant_en_eur")
    list_filter = ("exercice", "type_de_resultat", "produit_charge")
    search_fields = ("poste", "detail_postes")


admin.site.register(Tombstone, TombstoneAdmin)
