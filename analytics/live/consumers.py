"""The WebSocket at /ws/events/: server to client only, the live events of one workspace."""

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from analytics.live.access import socket_member
from analytics.live.events import Event, LiveMember, event_for, group_name, hello_event
from analytics.live.watcher import listener_join, listener_leave
from analytics.runner import served_generation


def member_hello(member: LiveMember) -> Event:
    """The hello for a member: the generation the API serves now."""
    return hello_event(served_generation(), member=member)


class LiveEventsConsumer(AsyncJsonWebsocketConsumer):
    """Joins the member's workspace group and relays its generation events; refuses (closes
    before accepting: a 403 to the handshake) anyone the API would refuse."""

    member: LiveMember | None = None

    async def connect(self) -> None:
        """Authenticate, join the workspace's group, accept, send the hello."""
        self.member = await database_sync_to_async(socket_member)(self.scope)
        if self.member is None:
            await self.close()
            return
        await self.channel_layer.group_add(group_name(self.member.workspace_id), self.channel_name)
        # Before the hello is read: a generation published from here on reaches this socket.
        await listener_join()
        await self.accept()
        await self.send_json(await database_sync_to_async(member_hello)(self.member))

    async def disconnect(self, code: int) -> None:
        """Leave the group (and the watcher) of an accepted socket."""
        if self.member is None:
            return
        listener_leave()
        await self.channel_layer.group_discard(group_name(self.member.workspace_id), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        """Clients send nothing that matters: whatever arrives is ignored."""

    async def generation_published(self, message: dict[str, Any]) -> None:
        """A generation changed this workspace: tell the client, as this member may see it."""
        if self.member is not None:
            await self.send_json(event_for(message["event"], self.member))
