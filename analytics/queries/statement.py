"""The public-sector *compte de résultat* per exercice: profit, exceptional charges,
operating (core) profitability, expenses by poste, financial income.

Grain: fact_statement_line (one row per exercice × type × produit/charge × poste × détail).
"""

from dataclasses import dataclass
from decimal import Decimal

from analytics.queries.base import NOTHING, Source, in_filter, money, ratio

RESULTS_SQL = (
    "SELECT exercice, type_de_resultat, produit_charge, SUM(montant_en_eur) FROM fact_statement_line"
    " WHERE workspace_id = %s{where} GROUP BY exercice, type_de_resultat, produit_charge"
)
POSTES_SQL = (
    "SELECT exercice, type_de_resultat, poste, SUM(montant_en_eur) FROM fact_statement_line"
    " WHERE produit_charge = %s AND workspace_id = %s{where} GROUP BY exercice, type_de_resultat, poste"
)
TYPES = ("EXPLOITATION", "FINANCIER", "EXCEPTIONNEL")


@dataclass(frozen=True)
class StatementParams:
    """The exercices asked for (all when empty)."""

    exercices: tuple[int, ...] = ()


def _where(source: Source, params: StatementParams) -> tuple[str, list[object]]:
    """The exercices asked for, within the scope: statement lines have no department, so a
    scope limited to some departments sees none of them."""
    where, values = in_filter("exercice", params.exercices)
    return where + (NOTHING if source.scope.departments else ""), [source.scope.workspace_id, *values]


def _totals(source: Source, params: StatementParams) -> dict[int, dict[tuple[str, str], Decimal]]:
    where, values = _where(source, params)
    totals: dict[int, dict[tuple[str, str], Decimal]] = {}
    for exercice, kind, side, amount in source.rows(RESULTS_SQL.format(where=where), values):
        totals.setdefault(exercice, {})[(kind, side)] = money(amount)
    return totals


def profit(source: Source, params: StatementParams) -> list[dict]:
    """Per exercice: total produits, total charges, the result and its three parts."""
    rows = []
    for exercice, sums in sorted(_totals(source, params).items()):
        row: dict = {"exercice": exercice}
        for kind in TYPES:
            row[f"resultat_{kind.lower()}"] = sums.get((kind, "PRODUITS"), money(0)) - sums.get(
                (kind, "CHARGES"), money(0)
            )
        row["produits"] = sum((sums.get((kind, "PRODUITS"), money(0)) for kind in TYPES), money(0))
        row["charges"] = sum((sums.get((kind, "CHARGES"), money(0)) for kind in TYPES), money(0))
        row["resultat"] = row["produits"] - row["charges"]
        rows.append(row)
    return rows


def operating(source: Source, params: StatementParams) -> list[dict]:
    """Per exercice: operating produits and charges, the operating result, and its margin
    (result over produits)."""
    rows = []
    for exercice, sums in sorted(_totals(source, params).items()):
        produits = sums.get(("EXPLOITATION", "PRODUITS"), money(0))
        charges = sums.get(("EXPLOITATION", "CHARGES"), money(0))
        rows.append(
            {
                "exercice": exercice,
                "produits": produits,
                "charges": charges,
                "resultat": produits - charges,
                "marge": ratio(produits - charges, produits),
            }
        )
    return rows


def _postes(source: Source, params: StatementParams, side: str, kind: str | None) -> list[dict]:
    where, values = _where(source, params)
    if kind:
        where += " AND type_de_resultat = %s"
        values.append(kind)
    found = [
        (exercice, found_kind, poste, money(amount))
        for exercice, found_kind, poste, amount in source.rows(POSTES_SQL.format(where=where), [side, *values])
    ]
    totals: dict[int, Decimal] = {}
    for exercice, _, _, amount in found:
        totals[exercice] = totals.get(exercice, money(0)) + amount
    found.sort(key=lambda row: (row[0], -row[3], row[1], row[2]))
    return [
        {
            "exercice": exercice,
            "type_de_resultat": found_kind,
            "poste": poste,
            "montant": amount,
            "share": ratio(amount, totals[exercice]),
        }
        for exercice, found_kind, poste, amount in found
    ]


def expenses_by_poste(source: Source, params: StatementParams) -> list[dict]:
    """Charges per exercice and poste, largest first, with their share of the exercice's charges."""
    return _postes(source, params, "CHARGES", None)


def exceptional_charges(source: Source, params: StatementParams) -> list[dict]:
    """Exceptional charges per exercice and poste, with their share of all exceptional charges."""
    return _postes(source, params, "CHARGES", "EXCEPTIONNEL")


def financial_income(source: Source, params: StatementParams) -> list[dict]:
    """Financial produits per exercice and poste, with their share of the financial income."""
    return _postes(source, params, "PRODUITS", "FINANCIER")
