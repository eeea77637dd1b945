"""Writes to workspaces, memberships and invitations (commands, the API and sign-on call these)."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from workspaces.models import DEFAULT_SLUG, Invitation, Membership, Role, Workspace


class WorkspaceError(ValueError):
    """A workspace request that cannot be carried out; the message names what was wrong."""


def workspace_default(*, using: str = "default") -> Workspace:
    """The workspace records land in when none is named (the single-team install's only one).
    The first migration creates it; it is made again if a database was emptied since."""
    workspace, _ = Workspace.objects.using(using).get_or_create(
        slug=DEFAULT_SLUG, defaults={"name": "Default workspace"}
    )
    return workspace


def workspace_named(slug: str | None, *, using: str = "default") -> Workspace:
    """The workspace with this slug (the default one for None); an unknown slug is refused
    with the list of known ones, so a typo never creates or fills a new workspace."""
    if slug is None or slug == DEFAULT_SLUG:
        return workspace_default(using=using)
    workspace = Workspace.objects.using(using).filter(slug=slug).first()
    if workspace is None:
        known = ", ".join(Workspace.objects.using(using).values_list("slug", flat=True)) or "none"
        raise WorkspaceError(f"No workspace has the slug {slug!r} (known: {known}).")
    return workspace


@transaction.atomic
def workspace_create(*, slug: str, name: str = "") -> Workspace:
    """A new workspace; a slug already taken is refused."""
    if Workspace.objects.filter(slug=slug).exists():
        raise WorkspaceError(f"A workspace with the slug {slug!r} already exists.")
    workspace = Workspace(slug=slug, name=name or slug)
    workspace.full_clean()
    workspace.save()
    return workspace


def _role_checked(role: str) -> Role:
    if role not in Role.values:
        raise WorkspaceError(f"Unknown role {role!r}; use one of: {', '.join(Role.values)}.")
    return Role(role)


@transaction.atomic
def member_set(
    *,
    workspace: Workspace,
    user: User,
    role: str,
    regions: list[str] | None = None,
    departments: list[int] | None = None,
) -> Membership:
    """Make the user a member with this role (and limits, when given), or change the role;
    the last admin of a workspace stays an admin."""
    checked = _role_checked(role)
    membership, _ = Membership.objects.select_for_update().get_or_create(
        workspace=workspace, user=user, defaults={"role": checked}
    )
    if checked != Role.ADMIN:
        _last_admin_refuse(membership)
    membership.role = checked
    if regions is not None:
        membership.regions = sorted(set(regions))
    if departments is not None:
        membership.departments = sorted(set(departments))
    membership.save()
    return membership


@transaction.atomic
def member_remove(*, workspace: Workspace, user: User) -> bool:
    """Remove the user from the workspace; False when they were not a member. The last admin
    of a workspace cannot be removed (nobody could manage it afterwards)."""
    membership = Membership.objects.select_for_update().filter(workspace=workspace, user=user).first()
    if membership is None:
        return False
    _last_admin_refuse(membership)
    membership.delete()
    return True


def _last_admin_refuse(membership: Membership) -> None:
    """Refuse to demote or remove the workspace's only admin: nobody could manage it after."""
    if membership.role != Role.ADMIN:
        return
    others = Membership.objects.filter(workspace_id=membership.workspace_id, role=Role.ADMIN).exclude(pk=membership.pk)
    if not others.exists():
        raise WorkspaceError(
            f"{membership.user.get_username()} is the last admin of {membership.workspace.slug};"
            " make another admin first."
        )


@transaction.atomic
def invitation_create(*, workspace: Workspace, email: str, role: str, invited_by: User | None = None) -> Invitation:
    """Invite an email address (compared without case) into a workspace with a role; inviting
    it again changes the role of the pending invitation."""
    checked = _role_checked(role)
    address = email.strip()
    invitation = Invitation.objects.filter(workspace=workspace, email__iexact=address).first()
    if invitation is None:
        invitation = Invitation(workspace=workspace, email=address, role=checked, invited_by=invited_by)
    invitation.role = checked
    invitation.full_clean(validate_constraints=False)
    invitation.save()
    return invitation


def invited(email: str) -> bool:
    """Whether a pending invitation names this email address (without case)."""
    return Invitation.objects.filter(email__iexact=email.strip(), accepted_at__isnull=True).exists()


@transaction.atomic
def invitations_accept(*, user: User, email: str) -> list[Membership]:
    """Turn every pending invitation of this (verified) email into a membership of the user."""
    memberships = []
    pending = Invitation.objects.select_for_update().filter(email__iexact=email.strip(), accepted_at__isnull=True)
    for invitation in pending:
        existing = Membership.objects.filter(workspace=invitation.workspace, user=user).first()
        if existing is None:
            memberships.append(member_set(workspace=invitation.workspace, user=user, role=invitation.role))
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return memberships
