"""The workspace a request acts in, and the caller's membership there, resolved once per request.

A token belongs to one workspace: a request it authenticates acts there, with the owner's
role of the moment (a member removed since is refused). A session acts in the workspace it
last switched to (`request.session["workspace"]`), while the user is still a member of it,
else in the user's first workspace (by name).
"""

from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request

from analytics.models import ApiToken
from analytics.permissions import RoleAction
from audit.context import audit_workspace_set
from workspaces.models import Membership
from workspaces.scope import Scope
from workspaces.selectors import first_membership, membership_of, membership_scope, memberships_of

SESSION_KEY = "workspace"
NO_MEMBERSHIP = "You are not a member of any workspace; ask an admin of a workspace to invite you."
TOKEN_OWNER_GONE = "This token's workspace no longer counts its owner as a member; ask an admin of it to add you again."
TOKEN_CANNOT_SWITCH = "A token acts in its own workspace; create a token in the other workspace instead."
_RESOLVED = "_folio_membership"


def token_of(request: Request) -> ApiToken | None:
    """The API token the request authenticated with, if any."""
    return request.auth if isinstance(request.auth, ApiToken) else None


def request_membership(request: Request) -> Membership:
    """The caller's membership of the workspace the request acts in; 401 when not logged
    in, 403 when the caller is a member of no workspace (or no longer of the token's)."""
    resolved = getattr(request, _RESOLVED, None)
    if resolved is not None:
        return resolved
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated()
    token = token_of(request)
    # A request built without the session middleware (a test's RequestFactory) has none.
    membership = membership_acting(
        user,
        token_workspace_id=None if token is None else token.workspace_id,
        session=getattr(request, "session", None),
    )
    if membership is None:
        raise PermissionDenied(TOKEN_OWNER_GONE if token is not None else NO_MEMBERSHIP)
    setattr(request, _RESOLVED, membership)
    # Events that belong to no record (a refusal) go to this workspace's audit trail.
    audit_workspace_set(membership.workspace_id)
    return membership


def membership_acting(user: User, *, token_workspace_id: int | None, session: SessionBase | None) -> Membership | None:
    """The membership a caller acts with, by the rules above: a token's workspace (None when
    its owner is no longer a member there), else the session's current workspace, else the
    user's first (None: a member of no workspace). Shared by the API and the live events.

    The fallback is not written back to the session: a page's first requests run
    concurrently, and each saving the session raced (on SQLite, "cannot start a transaction
    within a transaction" and a 500). Only switching workspace writes it."""
    if token_workspace_id is not None:
        return membership_of(user, token_workspace_id)
    current = membership_of(user, session.get(SESSION_KEY) if session is not None else None)
    return current or first_membership(user)


def request_membership_or_none(request: Request) -> Membership | None:
    """The membership as request_membership finds it, or None for a user in no workspace."""
    try:
        return request_membership(request)
    except PermissionDenied:
        return None


def request_scope(request: Request) -> Scope:
    """What the caller may see: the request's workspace, within the member's row limits."""
    return membership_scope(request_membership(request))


def role_require(request: Request, action: RoleAction) -> Membership:
    """The caller's membership when its role allows the action; else 403 naming the role needed."""
    membership = request_membership(request)
    if not action.allowed(membership):
        raise PermissionDenied(action.refusal(membership))
    return membership


def workspace_switch(request: Request, *, slug: str) -> Membership:
    """Make the session act in the workspace with this slug; 404 unless the caller is a
    member of it (another workspace's existence is not revealed), 400 for a token."""
    if token_of(request) is not None:
        raise ValidationError({"slug": [TOKEN_CANNOT_SWITCH]})
    user = request.user
    assert isinstance(user, User)  # the view's IsAuthenticated ran first
    membership = memberships_of(user).filter(workspace__slug=slug).first()
    if membership is None:
        raise NotFound(f"You are not a member of a workspace “{slug}”.")
    request.session[SESSION_KEY] = membership.workspace_id
    setattr(request, _RESOLVED, membership)
    # Events that belong to no record (a refusal) go to this workspace's audit trail.
    audit_workspace_set(membership.workspace_id)
    return membership
