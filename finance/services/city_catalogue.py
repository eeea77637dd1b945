"""The shape of a generated city: departments with cost centres, funds, and the postes of
a public-sector *compte de résultat* (the M57 headings the City of Paris publishes).

Weights and amounts are chosen to look like a large city: policing, fire, public works
and social services spend most; taxes and state grants bring most revenue.
"""

from typing import NamedTuple


class DepartmentSpec(NamedTuple):
    """A department, its share of spending, and its share of revenue."""

    code: int
    name: str
    spending_weight: float
    revenue_weight: float


class StatementPoste(NamedTuple):
    """One line of the statement and its yearly amount in euros (before noise and growth)."""

    type_de_resultat: str
    produit_charge: str
    poste: str
    detail_postes: str
    base_eur: int


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(101, "Office of the Mayor", 0.8, 0.1),
    DepartmentSpec(102, "City Council", 0.5, 0.0),
    DepartmentSpec(103, "Innovation and Performance", 0.9, 0.1),
    DepartmentSpec(107, "Department of Finance", 1.5, 9.0),
    DepartmentSpec(108, "Law Department", 1.0, 0.4),
    DepartmentSpec(109, "Human Resources", 1.2, 0.1),
    DepartmentSpec(110, "City Planning", 1.1, 1.2),
    DepartmentSpec(111, "Permits, Licenses and Inspections", 1.0, 2.5),
    DepartmentSpec(120, "Police Bureau", 9.0, 0.8),
    DepartmentSpec(121, "Fire Bureau", 6.0, 0.5),
    DepartmentSpec(122, "Emergency Medical Services", 3.0, 1.5),
    DepartmentSpec(130, "Public Works", 7.0, 1.8),
    DepartmentSpec(131, "Transportation and Infrastructure", 4.0, 1.4),
    DepartmentSpec(132, "Water and Sewer", 3.5, 4.5),
    DepartmentSpec(133, "Environmental Services", 2.5, 1.0),
    DepartmentSpec(140, "Parks and Recreation", 3.0, 1.2),
    DepartmentSpec(141, "Public Library", 1.8, 0.2),
    DepartmentSpec(150, "Human Services", 5.0, 2.0),
    DepartmentSpec(151, "Public Health", 2.5, 1.1),
    DepartmentSpec(152, "Housing and Community Development", 2.2, 0.9),
    DepartmentSpec(160, "Information Technology", 2.0, 0.1),
    DepartmentSpec(161, "Fleet and Facilities", 2.4, 0.2),
    DepartmentSpec(170, "Economic Development", 1.0, 0.6),
    DepartmentSpec(180, "Pensions and Benefits", 3.0, 0.3),
)

COST_CENTER_UNITS: tuple[str, ...] = (
    "Administration",
    "Operations",
    "Capital Projects",
    "Maintenance",
    "Grants Management",
    "Community Programs",
    "Training",
    "Technology",
    "Field Services",
    "Contracts",
)

FUNDS: tuple[tuple[int, str, float], ...] = (
    (11101, "General Fund", 0.58),
    (21300, "Special Revenue Fund", 0.08),
    (22050, "Federal and State Grants Fund", 0.07),
    (26100, "Water Utility Fund", 0.06),
    (26200, "Sewer Utility Fund", 0.04),
    (27010, "Parking Enterprise Fund", 0.03),
    (28050, "Senior Citizens Program Trust Fund", 0.02),
    (29100, "Library Trust Fund", 0.01),
    (31000, "Capital Projects Fund", 0.06),
    (41000, "Debt Service Fund", 0.03),
    (51000, "Internal Services Fund", 0.02),
)

STATEMENT_POSTES: tuple[StatementPoste, ...] = (
    StatementPoste(
        "EXPLOITATION", "PRODUITS", "Impôts et taxes", "Taxe foncière sur les propriétés bâties", 1_820_000_000
    ),
    StatementPoste("EXPLOITATION", "PRODUITS", "Impôts et taxes", "Droits de mutation à titre onéreux", 1_450_000_000),
    StatementPoste(
        "EXPLOITATION", "PRODUITS", "Impôts et taxes", "Taxe d'enlèvement des ordures ménagères", 480_000_000
    ),
    StatementPoste("EXPLOITATION", "PRODUITS", "Impôts et taxes", "Taxe de séjour", 95_000_000),
    StatementPoste(
        "EXPLOITATION", "PRODUITS", "Dotations et participations", "Dotation globale de fonctionnement", 420_000_000
    ),
    StatementPoste(
        "EXPLOITATION",
        "PRODUITS",
        "Dotations et participations",
        "Participations de l'État et des autres collectivités",
        310_000_000,
    ),
    StatementPoste("EXPLOITATION", "PRODUITS", "Dotations et participations", "Compensations fiscales", 60_000_000),
    StatementPoste(
        "EXPLOITATION",
        "PRODUITS",
        "Produits des services, du domaine et ventes diverses",
        "Redevances d'occupation du domaine public",
        210_000_000,
    ),
    StatementPoste(
        "EXPLOITATION", "PRODUITS", "Produits des services, du domaine et ventes diverses", "Stationnement", 260_000_000
    ),
    StatementPoste(
        "EXPLOITATION",
        "PRODUITS",
        "Produits des services, du domaine et ventes diverses",
        "Prestations périscolaires et de restauration",
        140_000_000,
    ),
    StatementPoste(
        "EXPLOITATION", "PRODUITS", "Reprises sur amortissements et provisions", "Reprises sur provisions", 75_000_000
    ),
    StatementPoste(
        "EXPLOITATION", "CHARGES", "Charges de personnel", "Rémunérations du personnel titulaire", 1_650_000_000
    ),
    StatementPoste(
        "EXPLOITATION", "CHARGES", "Charges de personnel", "Rémunérations du personnel non titulaire", 320_000_000
    ),
    StatementPoste(
        "EXPLOITATION", "CHARGES", "Charges de personnel", "Cotisations sociales et patronales", 720_000_000
    ),
    StatementPoste(
        "EXPLOITATION", "CHARGES", "Achats et charges externes", "Contrats de prestations de services", 520_000_000
    ),
    StatementPoste("EXPLOITATION", "CHARGES", "Achats et charges externes", "Fournitures et énergie", 190_000_000),
    StatementPoste("EXPLOITATION", "CHARGES", "Achats et charges externes", "Entretien et réparations", 160_000_000),
    StatementPoste(
        "EXPLOITATION", "CHARGES", "Subventions et contingents", "Contribution à la Préfecture de police", 225_000_000
    ),
    StatementPoste(
        "EXPLOITATION", "CHARGES", "Subventions et contingents", "Contribution à Île-de-France Mobilités", 400_000_000
    ),
    StatementPoste(
        "EXPLOITATION", "CHARGES", "Subventions et contingents", "Subventions aux associations", 260_000_000
    ),
    StatementPoste(
        "EXPLOITATION", "CHARGES", "Allocations et prestations sociales", "Revenu de solidarité active", 390_000_000
    ),
    StatementPoste(
        "EXPLOITATION",
        "CHARGES",
        "Allocations et prestations sociales",
        "Allocation personnalisée d'autonomie",
        140_000_000,
    ),
    StatementPoste(
        "EXPLOITATION",
        "CHARGES",
        "Allocations et prestations sociales",
        "Prestation de compensation du handicap",
        95_000_000,
    ),
    StatementPoste(
        "EXPLOITATION",
        "CHARGES",
        "Dotations aux amortissements et provisions",
        "Dotations aux amortissements des immobilisations",
        540_000_000,
    ),
    StatementPoste(
        "EXPLOITATION",
        "CHARGES",
        "Dotations aux amortissements et provisions",
        "Dotations aux provisions pour risques",
        45_000_000,
    ),
    StatementPoste("FINANCIER", "PRODUITS", "Produits financiers", "Produits des participations", 28_000_000),
    StatementPoste("FINANCIER", "PRODUITS", "Produits financiers", "Intérêts des placements et prêts", 9_000_000),
    StatementPoste(
        "FINANCIER", "PRODUITS", "Produits financiers", "Gains de change et autres produits financiers", 2_500_000
    ),
    StatementPoste("FINANCIER", "CHARGES", "Charges financières", "Intérêts des emprunts et dettes", 165_000_000),
    StatementPoste("FINANCIER", "CHARGES", "Charges financières", "Intérêts des lignes de trésorerie", 6_000_000),
    StatementPoste(
        "FINANCIER", "CHARGES", "Charges financières", "Charges nettes sur instruments de couverture", 12_000_000
    ),
    StatementPoste(
        "EXCEPTIONNEL", "PRODUITS", "Produits exceptionnels", "Produits des cessions d'immobilisations", 180_000_000
    ),
    StatementPoste(
        "EXCEPTIONNEL", "PRODUITS", "Produits exceptionnels", "Mandats annulés sur exercices antérieurs", 14_000_000
    ),
    StatementPoste("EXCEPTIONNEL", "PRODUITS", "Produits exceptionnels", "Autres produits exceptionnels", 22_000_000),
    StatementPoste(
        "EXCEPTIONNEL", "CHARGES", "Charges exceptionnelles", "Valeur comptable des immobilisations cédées", 120_000_000
    ),
    StatementPoste(
        "EXCEPTIONNEL", "CHARGES", "Charges exceptionnelles", "Titres annulés sur exercices antérieurs", 18_000_000
    ),
    StatementPoste("EXCEPTIONNEL", "CHARGES", "Charges exceptionnelles", "Subventions exceptionnelles", 35_000_000),
)
