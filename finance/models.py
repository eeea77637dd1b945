"""Finance records: a city ledger by department, fund and cost centre; budgets; and the
public-sector *compte de résultat* (City of Paris open-data layout).

Like `books`, every model the warehouse copies has `updated_at` (with `id`, the sync's
cursor), and deletes made through the services leave a `Tombstone`.
"""

from django.db import models
from django.db.models import Q

from config.date_window import date_plausible_validate, year_plausible_validate
from config.records import TombstoneBase, Tracked


class Department(Tracked):
    """A city department, keyed by the ledger's department id."""

    code = models.PositiveBigIntegerField(unique=True, help_text="The department id the ledger uses.")
    name = models.CharField(max_length=200)

    class Meta(Tracked.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Fund(Tracked):
    """A fund money is accounted in (General Fund, a trust fund, an enterprise fund…)."""

    code = models.PositiveBigIntegerField(unique=True)
    name = models.CharField(max_length=200)

    class Meta(Tracked.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CostCenter(Tracked):
    """A cost centre; in the ledgers Folio reads its id starts with its department's."""

    code = models.PositiveBigIntegerField(unique=True)
    name = models.CharField(max_length=200)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="cost_centers", null=True, blank=True
    )

    class Meta(Tracked.Meta):
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EntryKind(models.TextChoices):
    """The ledger's two sides. A negative revenue counts as an expense and vice versa."""

    REVENUES = "Revenues", "Revenues"
    EXPENSES = "Expenses", "Expenses"


class LedgerEntry(Tracked):
    """One ledger line: money in or out of a department, fund and cost centre on a date."""

    # The plausible window moves with today, so validators check it, not CHECK constraints.
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.PROTECT, related_name="+")
    entry_date = models.DateField(db_index=True, validators=[date_plausible_validate])
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    kind = models.CharField(max_length=8, choices=EntryKind.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="entries")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    cost_center = models.ForeignKey(CostCenter, on_delete=models.PROTECT, related_name="entries")

    class Meta(Tracked.Meta):
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="ledger_entry_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_date} {self.kind} {self.amount}"


class Budget(Tracked):
    """What a department may spend in a fiscal year."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="budgets")
    fiscal_year = models.PositiveSmallIntegerField(validators=[year_plausible_validate])
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta(Tracked.Meta):
        ordering = ["-fiscal_year", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "department", "fiscal_year"], name="budget_one_per_department_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=1900, fiscal_year__lte=2200), name="budget_fiscal_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.fiscal_year}"


class ResultType(models.TextChoices):
    """The three parts of a *compte de résultat*."""

    EXPLOITATION = "EXPLOITATION", "Exploitation (operating)"
    FINANCIER = "FINANCIER", "Financier"
    EXCEPTIONNEL = "EXCEPTIONNEL", "Exceptionnel"


class Side(models.TextChoices):
    """Income or charge."""

    PRODUITS = "PRODUITS", "Produits (income)"
    CHARGES = "CHARGES", "Charges (expenses)"


class StatementLine(Tracked):
    """One line of the public-sector *compte de résultat*, as the open-data portal gives it."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.PROTECT, related_name="+")
    exercice = models.PositiveSmallIntegerField(
        help_text="Fiscal year (exercice comptable).", validators=[year_plausible_validate]
    )
    type_de_resultat = models.CharField(max_length=12, choices=ResultType.choices)
    produit_charge = models.CharField(max_length=8, choices=Side.choices)
    poste = models.CharField(max_length=255)
    detail_postes = models.CharField(max_length=255, blank=True, default="")
    montant_en_eur = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta(Tracked.Meta):
        ordering = ["-exercice", "type_de_resultat", "produit_charge", "poste", "detail_postes"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "exercice", "type_de_resultat", "produit_charge", "poste", "detail_postes"],
                name="statement_line_natural_key",
            ),
            models.CheckConstraint(
                condition=Q(type_de_resultat__in=ResultType.values), name="statement_line_type_known"
            ),
            models.CheckConstraint(condition=Q(produit_charge__in=Side.values), name="statement_line_side_known"),
            models.CheckConstraint(
                condition=Q(exercice__gte=1900, exercice__lte=2200), name="statement_line_exercice_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercice} {self.type_de_resultat} {self.produit_charge} {self.poste}"


class Tombstone(TombstoneBase):
    """The key of a deleted finance row, kept so the next warehouse sync deletes it too."""
