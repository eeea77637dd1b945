"""Who may listen, by the API's rules: a token acts in its own workspace with its owner's
role of the moment; a session in its current workspace, else the user's first."""

from collections.abc import Mapping
from typing import Any

from analytics.api.authentication import KEYWORDS
from analytics.api.workspace import membership_acting
from analytics.live.events import LiveMember, live_member
from analytics.services.tokens import api_token_authenticate


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
        membership = membership_acting(token.user, token_workspace_id=token.workspace_id, session=None)
    else:
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        membership = membership_acting(user, token_workspace_id=None, session=scope.get("session"))
    return live_member(membership) if membership is not None else None
