"""Members of a workspace as the API and the `workspace` command manage them: checked region
and department limits, no workspace left without an admin, invitations for unknown emails."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from books.models import Region
from finance.models import Department
from workspaces.models import Invitation, Membership, Workspace
from workspaces.services import WorkspaceError, invitation_create, member_remove, member_set


@dataclass(frozen=True)
class MemberAdded:
    """What adding someone did: a membership (a known user) or an invitation (an unknown email)."""

    membership: Membership | None
    invitation: Invitation | None


def limits_check(*, regions: list[str] | None, departments: list[int] | None) -> None:
    """Refuse region or department codes that do not exist, naming them."""
    if regions:
        unknown = sorted(set(regions) - set(Region.objects.filter(code__in=regions).values_list("code", flat=True)))
        if unknown:
            raise WorkspaceError(f"Unknown region code(s): {', '.join(unknown)}.")
    if departments:
        known = set(Department.objects.filter(code__in=departments).values_list("code", flat=True))
        missing = sorted(set(departments) - known)
        if missing:
            raise WorkspaceError(f"Unknown department code(s): {', '.join(str(code) for code in missing)}.")


def _user_by_email(email: str) -> User | None:
    users = list(User.objects.filter(email__iexact=email.strip(), is_active=True)[:2])
    if len(users) > 1:
        raise WorkspaceError(f"Several users have the email {email}; add one by username.")
    return users[0] if users else None


@transaction.atomic
def member_add(
    *,
    workspace: Workspace,
    role: str,
    username: str = "",
    email: str = "",
    regions: list[str] | None = None,
    departments: list[int] | None = None,
    invited_by: User | None = None,
) -> MemberAdded:
    """Add a user (by username, or by email when one user has it) as a member with the role;
    an email nobody has yet becomes an invitation. An existing member is refused: change
    their role instead."""
    limits_check(regions=regions, departments=departments)
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise WorkspaceError(f"No user is called {username!r}; invite them by email instead.")
    else:
        user = _user_by_email(email)
        if user is None:
            return MemberAdded(
                None, invitation_create(workspace=workspace, email=email, role=role, invited_by=invited_by)
            )
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise WorkspaceError(
            f"{user.get_username()} is already a member of {workspace.slug}; change their role instead."
        )
    membership = member_set(workspace=workspace, user=user, role=role, regions=regions, departments=departments)
    return MemberAdded(membership, None)


@transaction.atomic
def member_change(
    *,
    membership: Membership,
    role: str | None = None,
    regions: list[str] | None = None,
    departments: list[int] | None = None,
) -> Membership:
    """Change a member's role or limits; the last admin of a workspace stays an admin."""
    limits_check(regions=regions, departments=departments)
    return member_set(
        workspace=membership.workspace,
        user=membership.user,
        role=role if role is not None else membership.role,
        regions=regions,
        departments=departments,
    )


def member_delete(*, membership: Membership) -> None:
    """Remove a member (not the workspace's last admin); their tokens there stop working at
    once, since every request checks the owner's current membership."""
    member_remove(workspace=membership.workspace, user=membership.user)


def invitation_withdraw(*, workspace: Workspace, invitation_id: int) -> bool:
    """Delete one invitation of the workspace (signing in with its email no longer joins);
    False when the workspace has no invitation with this id."""
    deleted, _ = Invitation.objects.filter(pk=invitation_id, workspace=workspace).delete()
    return bool(deleted)
