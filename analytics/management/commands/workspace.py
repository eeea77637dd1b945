"""`manage.py workspace create|add|remove|list|invite`: operators manage workspaces and their members."""

import argparse
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from analytics.services.members import limits_check
from workspaces.models import Membership, Role, Workspace
from workspaces.services import (
    WorkspaceError,
    invitation_create,
    member_remove,
    member_set,
    workspace_create,
    workspace_named,
)

ROLES = [role.value for role in Role]


def _codes(text: str) -> list[str]:
    """`FR,DE` → ["FR", "DE"] (blank parts dropped)."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _department_codes(text: str) -> list[int]:
    """`12,14` → [12, 14]; anything but whole numbers is refused, naming the value."""
    codes = _codes(text)
    bad = [code for code in codes if not (code.isascii() and code.isdigit())]
    if bad:
        raise argparse.ArgumentTypeError(f"department codes are whole numbers; got {', '.join(bad)}")
    return [int(code) for code in codes]


class Command(BaseCommand):
    """Parse the subcommand, call the workspaces services, print what changed."""

    help = "Create workspaces and manage their members: create, add, remove, list, invite."

    def add_arguments(self, parser: CommandParser) -> None:
        """One subparser per action."""
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Create a workspace.")
        create.add_argument("slug")
        create.add_argument("--name", default="", help="Its display name (default: the slug).")
        add = actions.add_parser("add", help="Make a user a member (or change their role and limits).")
        add.add_argument("slug")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=ROLES)
        add.add_argument("--regions", type=_codes, default=None, help="Limit to these region codes, e.g. FR,DE.")
        add.add_argument(
            "--departments", type=_department_codes, default=None, help="Limit to these department codes, e.g. 12,14."
        )
        remove = actions.add_parser("remove", help="Remove a member (not the last admin).")
        remove.add_argument("slug")
        remove.add_argument("username")
        listing = actions.add_parser("list", help="Workspaces with member counts, or one workspace's members.")
        listing.add_argument("slug", nargs="?")
        invite = actions.add_parser("invite", help="Invite an email (single sign-on) with a role.")
        invite.add_argument("slug")
        invite.add_argument("email")
        invite.add_argument("--role", required=True, choices=ROLES)

    def handle(self, *args: object, **options: Any) -> None:
        """Run the action; every refusal is a CommandError naming what was wrong."""
        try:
            getattr(self, f"_{options['action']}")(options)
        except WorkspaceError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:  # a slug or an email the model refuses
            raise CommandError(" ".join(error.messages)) from None

    def _create(self, options: dict[str, Any]) -> None:
        workspace = workspace_create(slug=options["slug"], name=options["name"])
        self.stdout.write(self.style.SUCCESS(f"Created workspace {workspace.slug} ({workspace.name})."))

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        return user

    def _add(self, options: dict[str, Any]) -> None:
        workspace = workspace_named(options["slug"])
        user = self._user(options["username"])
        limits_check(regions=options["regions"], departments=options["departments"])
        membership = member_set(
            workspace=workspace,
            user=user,
            role=options["role"],
            regions=options["regions"],
            departments=options["departments"],
        )
        self.stdout.write(self.style.SUCCESS(f"{user.username} is {_described(membership)} in {workspace.slug}."))

    def _remove(self, options: dict[str, Any]) -> None:
        workspace = workspace_named(options["slug"])
        user = self._user(options["username"])
        if not member_remove(workspace=workspace, user=user):
            raise CommandError(f"{user.username} is not a member of {workspace.slug}.")
        self.stdout.write(self.style.SUCCESS(f"Removed {user.username} from {workspace.slug}."))

    def _list(self, options: dict[str, Any]) -> None:
        if options["slug"] is None:
            for counted in Workspace.objects.annotate(members=Count("memberships")).order_by("slug"):
                self.stdout.write(f"{counted.slug}\t{counted.name}\t{counted.members} member(s)")
            return
        workspace = workspace_named(options["slug"])
        members = Membership.objects.filter(workspace=workspace).select_related("user").order_by("user__username")
        for membership in members:
            self.stdout.write(f"{membership.user.username}\t{_described(membership)}")

    def _invite(self, options: dict[str, Any]) -> None:
        workspace = workspace_named(options["slug"])
        invitation = invitation_create(workspace=workspace, email=options["email"], role=options["role"])
        self.stdout.write(self.style.SUCCESS(f"Invited {invitation.email} to {workspace.slug} as {invitation.role}."))


def _described(membership: Membership) -> str:
    """`analyst`, or `viewer (regions FR, DE; departments 12)` for a limited member."""
    limits = []
    if membership.regions:
        limits.append(f"regions {', '.join(membership.regions)}")
    if membership.departments:
        limits.append(f"departments {', '.join(str(code) for code in membership.departments)}")
    return f"{membership.role} ({'; '.join(limits)})" if limits else membership.role
