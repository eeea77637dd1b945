"""Reads of workspaces and memberships that the API, commands and sign-on share."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from workspaces.models import ROLE_RANK, Membership, Role
from workspaces.scope import Scope


def memberships_of(user: User | AnonymousUser) -> QuerySet[Membership]:
    """The user's memberships with their workspaces, by workspace name."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name", "workspace__slug")
    )


def membership_of(user: User | AnonymousUser, workspace_id: int | None) -> Membership | None:
    """The user's membership of one workspace, or None."""
    if workspace_id is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, workspace_id=workspace_id).select_related("workspace").first()


def role_holds(membership: Membership | None, role: Role) -> bool:
    """Whether the membership's role is `role` or a higher one."""
    return membership is not None and ROLE_RANK[Role(membership.role)] >= ROLE_RANK[role]


def membership_scope(membership: Membership) -> Scope:
    """What a member sees: their workspace, limited to their regions and departments."""
    return Scope(
        workspace_id=membership.workspace_id,
        regions=tuple(sorted(str(code) for code in membership.regions)),
        departments=tuple(sorted(int(code) for code in membership.departments)),
    )
