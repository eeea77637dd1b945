"""The embedded default's path from a published generation to the sockets: a watcher task in
the ASGI process that polls the database.

Without a Redis server the web process (daphne, `runserver`) and the process that publishes
(the Celery worker on kombu's filesystem broker, or a command) share no channel layer: the
in-memory one lives in one process. The one thing they do share without a server is the
database, where every sync records its generation. So each ASGI process (each event loop)
runs one watcher task while at least one socket or stream is open: every 250 ms it asks for
generations published after the last it saw (one indexed query) and fans each out through
the in-memory layer to the workspaces it changed. 250 ms keeps the push well within the
2-second target for about 4 queries a second per process; with no socket open it stops and
costs nothing. With a shared (Redis) layer the publisher sends instead and no watcher runs.
"""

import asyncio
import logging
import weakref

from channels.db import database_sync_to_async
from channels.layers import BaseChannelLayer
from django.db import DatabaseError

from analytics.live.publish import channel_layer, generation_fan_out, layer_is_shared
from analytics.models import Generation
from analytics.runner import generation_announce
from analytics.selectors import current_generation, generations_published_after

POLL_SECONDS = 0.25
logger = logging.getLogger(__name__)


class GenerationWatcher:
    """One event loop's watcher: runs while it has listeners (open sockets and streams)."""

    def __init__(self) -> None:
        self.listeners = 0
        self.task: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    async def join(self) -> None:
        """Count one more listener and make sure the watcher runs. The number it starts from
        is read before this returns, so a generation published after a listener joined (and
        before its hello was read) is sent to it rather than missed."""
        async with self._starting:
            if self.listeners == 0 and self.task is not None:
                # The last listener left and the task stops at its next tick: start afresh
                # rather than revive it with the number it saw back then.
                self.task.cancel()
                self.task = None
            self.listeners += 1
            if self.task is None or self.task.done():
                seen = await database_sync_to_async(_latest_number)()
                self.task = asyncio.get_running_loop().create_task(self._watch(seen))

    def leave(self) -> None:
        """Count one listener less; the watcher stops at its next tick when none is left."""
        self.listeners = max(0, self.listeners - 1)

    async def _watch(self, seen: int) -> None:
        layer = channel_layer()
        while self.listeners > 0:
            await asyncio.sleep(POLL_SECONDS)
            try:
                seen = await self.tick(layer, seen)
            except DatabaseError as error:  # a locked or restarting database: the next tick retries
                logger.warning("live events watcher: %s", error)

    async def tick(self, layer: BaseChannelLayer, seen: int) -> int:
        """Fan out the generations published after `seen`; the newest number seen.

        The newest is announced to this process first: the worker that published it could
        only announce it in its own local-memory cache, and this process would otherwise go
        on serving the previous generation for up to runner.SERVED_SECONDS, so the pages
        told to refetch would get the old answers again and keep them (seen: a sale shown
        only after the next scheduled sync, 45 s later)."""
        published = await database_sync_to_async(generations_published_after)(seen)
        if published:
            await database_sync_to_async(generation_announce)(published[-1])
        for generation in published:
            await generation_fan_out(layer, generation)
            seen = generation.number or seen
        return seen


_watchers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GenerationWatcher]" = weakref.WeakKeyDictionary()


def listeners_open() -> int:
    """The sockets and streams this process's watchers count, over every event loop."""
    return sum(watcher.listeners for watcher in list(_watchers.values()))


def watcher_needed() -> bool:
    """Whether this process must watch the database: only with the in-memory layer."""
    return not layer_is_shared()


def loop_watcher() -> GenerationWatcher:
    """The running event loop's watcher (one per ASGI process; a test's loop gets its own)."""
    loop = asyncio.get_running_loop()
    watcher = _watchers.get(loop)
    if watcher is None:
        watcher = _watchers[loop] = GenerationWatcher()
    return watcher


def _latest_number() -> int:
    generation: Generation | None = current_generation()
    return generation.number or 0 if generation is not None else 0


async def listener_join() -> None:
    """A socket or stream opened: with the in-memory layer, make sure the watcher runs."""
    if watcher_needed():
        await loop_watcher().join()


def listener_leave() -> None:
    """A socket or stream closed."""
    if watcher_needed():
        loop_watcher().leave()
