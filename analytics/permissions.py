"""Who may do what. In the API, a member's role in the workspace (viewer, analyst, admin)
decides; in the Django admin, the operators' tool, the Django permissions below still do
(staff with "Can start a warehouse sync" and the like, superusers holding all)."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from workspaces.models import Membership, Role
from workspaces.selectors import role_holds


@dataclass(frozen=True)
class RoleAction:
    """Something done through the API, the least role it needs, and how a refusal names it."""

    role: Role
    what: str  # the subject of the refusal: "Exports", "Imports", …
    verb: str = "need"  # "needs" after a singular subject

    def allowed(self, membership: Membership | None) -> bool:
        """Whether the membership's role is this action's role or a higher one."""
        return role_holds(membership, self.role)

    def refusal(self, membership: Membership) -> str:
        """The 403 message: what needs which role, where, and the caller's own role."""
        return (
            f"{self.what} {self.verb} the {self.role.value} role in workspace “{membership.workspace.name}”; "
            f"you are {_article(membership.role)} {membership.role}."
        )


def _article(role: str) -> str:
    return "an" if role[:1] in "aeiou" else "a"


READ = RoleAction(Role.VIEWER, "Answers")
EXPORT = RoleAction(Role.ANALYST, "Exports")
IMPORT = RoleAction(Role.ANALYST, "Imports")
SYNC = RoleAction(Role.ANALYST, "Syncs")
GENERATE = RoleAction(Role.ANALYST, "Generating test data", "needs")
OTHERS_JOBS = RoleAction(Role.ANALYST, "Jobs started by others")
RECORD_SALES = RoleAction(Role.ANALYST, "Recording sales")
MEMBERS = RoleAction(Role.ADMIN, "Managing members and invitations", "needs")
WEBHOOKS = RoleAction(Role.ADMIN, "Managing webhooks", "needs")


# The Django admin's permissions (operators only; the API goes by roles).
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
