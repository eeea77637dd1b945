"""Who may listen, by the API's rules: a token acts in its own workspace with its owner's
role of the moment; a session in its current workspace, else the user's first."""

from collections.abc import Mapping
from typing import Any

from analytics.api.authentication import KEYWORDS
from analytics.api.workspace import SESSION_KEY
from analytics.live.events import LiveMember, live_member
from analytics.services.tokens import api_token_authenticate
from workspaces.selectors import first_membership, membership_of


def socket_member(scope: Mapping[str, Any]) -> LiveMember | None:
    """The member a WebSocket handshake authenticates as, or None (refused): anonymous, a
    malformed, expired or revoked token, or no membership (a token's owner removed since)."""
    authorization = dict(scope.get("headers", [])).get(b"authorization", b"").split()
    if authorization and authorization[0].lower() in KEYWORDS:
        if len(authorization) != 2:
            return None
        try:
            raw = authorization[1].decode("ascii")
        except UnicodeDecodeError:
            return None
        token = api_token_authenticate(raw=raw)
        if token is None:
            return None
        membership = membership_of(token.user, token.workspace_id)
        return live_member(membership) if membership is not None else None
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return None
    session = scope.get("session")
    membership = membership_of(user, session.get(SESSION_KEY) if session is not None else None)
    membership = membership or first_membership(user)
    return live_member(membership) if membership is not None else None
