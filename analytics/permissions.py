"""The Django permissions that guard what staff can start (syncs, data generation, imports),
named once for the API views and the admin pages that check them."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User


@dataclass(frozen=True)
class Action:
    """Something a user may start, the permission it needs, and what a refusal says."""

    permission: str  # "app_label.codename", as User.has_perm takes it
    refusal: str


RUN_SYNC = Action("analytics.run_sync", "You need the permission “Can start a warehouse sync” to start a sync.")
GENERATE_DATA = Action(
    "analytics.generate_data", "You need the permission “Can generate test sales data” to generate data."
)
# One per import kind (Job.Meta.permissions declares their codenames).
IMPORTS = {
    "books": Action(
        "analytics.import_books", "You need the permission “Can import the book catalogue” to import books."
    ),
    "sales": Action("analytics.import_sales", "You need the permission “Can import sales” to import sales."),
    "ledger": Action(
        "analytics.import_ledger", "You need the permission “Can import the city ledger” to import the ledger."
    ),
    "statement": Action(
        "analytics.import_statement",
        "You need the permission “Can import the compte de résultat” to import the compte de résultat.",
    ),
}
NO_IMPORT = "You need a permission to import (“Can import …” for the kind of file) to use this page."


def action_allowed(user: User | AnonymousUser, action: Action) -> bool:
    """Whether the user holds the action's permission (active superusers hold every one)."""
    return bool(user.is_authenticated and user.has_perm(action.permission))


def import_kinds_allowed(user: User | AnonymousUser) -> list[str]:
    """The import kinds the user may start, in the order the admin lists them."""
    return [kind for kind, action in IMPORTS.items() if action_allowed(user, action)]
