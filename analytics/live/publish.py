"""Publishing a generation to the workspaces it changed, through the channel layer.

With a shared (Redis) layer the process that published the generation, a Celery worker or a
command, sends right after publishing: one group message per workspace the generation
changed. With the in-memory layer a message sent here would never leave this process: the
ASGI process's watcher (analytics/live/watcher.py) finds the generation in the database and
sends the same messages there.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, InMemoryChannelLayer, get_channel_layer
from django.core.exceptions import ImproperlyConfigured
from redis.exceptions import RedisError

from analytics.live.events import MESSAGE_TYPE, generation_event, group_name
from analytics.models import Generation

logger = logging.getLogger(__name__)


def channel_layer() -> BaseChannelLayer:
    """The configured channel layer (CHANNEL_LAYERS["default"]; settings always set one)."""
    layer = get_channel_layer()
    if layer is None:
        raise ImproperlyConfigured("CHANNEL_LAYERS has no default layer: the live events need one")
    return layer


def layer_is_shared(layer: BaseChannelLayer | None = None) -> bool:
    """Whether the channel layer reaches other processes (not the in-memory one)."""
    return not isinstance(layer if layer is not None else channel_layer(), InMemoryChannelLayer)


async def generation_fan_out(layer: BaseChannelLayer, generation: Generation) -> int:
    """Send the generation's event to each workspace it changed; returns how many."""
    sent = 0
    for workspace in sorted(generation.changes, key=int):
        event = generation_event(generation, workspace_id=int(workspace))
        if event is None:
            continue
        await layer.group_send(group_name(int(workspace)), {"type": MESSAGE_TYPE, "event": event})
        sent += 1
    return sent


def generation_publish(generation: Generation) -> int:
    """Tell open dashboards about a generation just published, when the layer is shared;
    returns the workspaces told. A layer that fails is logged, never raised: the generation
    is published either way, and sockets that missed it learn it from their next hello."""
    layer = channel_layer()
    if not layer_is_shared(layer):
        return 0
    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the usual case: a worker or command, no event loop in this thread
            return async_to_sync(generation_fan_out)(layer, generation)
        # Called by sync code inside a running loop (Playwright's sync API in a browser test),
        # where async_to_sync refuses to run: publish from a thread and loop of its own.
        with ThreadPoolExecutor(max_workers=1) as thread:
            return thread.submit(asyncio.run, generation_fan_out(layer, generation)).result()
    except (RedisError, OSError) as error:
        logger.warning("live events: generation %s not announced: %s", generation.number, error)
        return 0
