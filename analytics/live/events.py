"""The live events' frames, identical on a WebSocket and in an event stream (README "Live updates").

`hello`: the generation the caller's API serves, sent first. `generation`: a newly published
generation that changed the caller's workspace, with the domains it changed and the dates
they span; a member limited to some regions or departments is told the domains only.
"""

import json
from dataclasses import dataclass
from typing import Any

from analytics.live.changes import ANY_DATE
from analytics.models import Generation
from analytics.runner import generation_as_of
from workspaces.models import Membership
from workspaces.selectors import membership_scope

# The channel layer message that carries a generation event to a workspace's group; its type
# names the consumers' handler (generation_published).
MESSAGE_TYPE = "generation.published"

Event = dict[str, Any]


@dataclass(frozen=True)
class LiveMember:
    """Whom a socket or stream serves: a workspace, and whether row limits hide the dates."""

    workspace_id: int
    workspace_slug: str
    limited: bool


def live_member(membership: Membership) -> LiveMember:
    """The member as the live events see them; row limits make them `limited`."""
    scope = membership_scope(membership)
    return LiveMember(
        workspace_id=membership.workspace_id,
        workspace_slug=membership.workspace.slug,
        limited=bool(scope.regions or scope.departments),
    )


def group_name(workspace_id: int) -> str:
    """The Channels group of a workspace's sockets and streams."""
    return f"folio.workspace.{workspace_id}"


def hello_event(generation: Generation | None, *, member: LiveMember) -> Event:
    """The first frame: the generation served (None before the first sync) and as of when."""
    as_of = generation_as_of(generation) if generation is not None else None
    return {
        "type": "hello",
        "generation": generation.number if generation is not None else None,
        "as_of": as_of.isoformat() if as_of is not None else None,
        "workspace": member.workspace_slug,
    }


def generation_event(generation: Generation, *, workspace_id: int) -> Event | None:
    """The frame telling a workspace about a published generation; None when it changed
    nothing of that workspace."""
    changed = generation.changes.get(str(workspace_id))
    if not changed:
        return None
    as_of = generation_as_of(generation)
    return {
        "type": "generation",
        "generation": generation.number,
        "as_of": as_of.isoformat() if as_of is not None else None,
        "published_at": generation.finished_at.isoformat() if generation.finished_at else None,
        "changed": {domain: dict(span) for domain, span in sorted(changed.items())},
    }


def event_for(event: Event, member: LiveMember) -> Event:
    """The event as this member may see it: no dates for a member with row limits (which
    dates moved could tell them about rows outside their limits)."""
    if not member.limited or "changed" not in event:
        return event
    return {**event, "changed": {domain: dict(ANY_DATE) for domain in event["changed"]}}


def sse_frame(event: Event) -> str:
    """One Server-Sent Events frame: the generation as its id (none before the first sync)."""
    lines = [] if event.get("generation") is None else [f"id: {event['generation']}"]
    lines += [f"event: {event['type']}", f"data: {json.dumps(event)}"]
    return "\n".join(lines) + "\n\n"
