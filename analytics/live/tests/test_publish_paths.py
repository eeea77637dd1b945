"""A real sync reaches an open socket: through the watcher with the in-memory layer (the
embedded default), and through Redis when the layer is shared (production)."""

from datetime import UTC, datetime

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.core.cache import cache

from analytics.live.publish import channel_layer, generation_publish
from analytics.live.tests.conftest import book_in, communicator, sale_synced, session_cookie
from analytics.live.watcher import GenerationWatcher, loop_watcher
from analytics.models import Generation
from analytics.runner import SERVED_KEY, SERVED_SECONDS, served_generation
from analytics.sync import warehouse_sync
from books.models import Region
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db(transaction=True)


def heard_after_sync(analyst: User, region: Region) -> tuple[dict, dict, int, bool]:
    """Open a socket, sync a new sale, and return the hello, the next frame, the generation
    the sync published and whether a watcher ran in this loop."""
    cookie = session_cookie(analyst)
    book = book_in(workspace_default())
    warehouse_sync()  # generation 1: the book

    async def scenario() -> tuple[dict, dict, int, bool]:
        socket = communicator(cookie)
        await socket.connect()
        hello = await socket.receive_json_from(timeout=5)
        number = await database_sync_to_async(sale_synced)(book.pk, region)
        event = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return hello, event, number, loop_watcher().task is not None

    return async_to_sync(scenario)()


def test_with_the_in_memory_layer_the_watcher_tells_the_socket(pipeline: None, analyst: User, region: Region) -> None:
    hello, event, number, watched = heard_after_sync(analyst, region)

    assert hello["generation"] == 1
    assert (event["type"], event["generation"], event["changed"]) == (
        "generation",
        number,
        {"sales": {"from": "2025-05-04", "to": "2025-05-04"}},
    )
    assert number == 2
    assert watched is True


def test_with_the_redis_layer_the_publishing_sync_tells_the_socket(
    pipeline: None, redis_layer: None, analyst: User, region: Region
) -> None:
    hello, event, _, watched = heard_after_sync(analyst, region)

    assert (hello["generation"], event["generation"], event["changed"]) == (
        1,
        2,
        {"sales": {"from": "2025-05-04", "to": "2025-05-04"}},
    )
    assert watched is False  # the sync itself sent it, through Redis


def test_a_publish_from_sync_code_inside_a_running_loop_still_reaches_redis(redis_layer: None, analyst: User) -> None:
    cookie = session_cookie(analyst)
    generation = Generation(
        number=3,
        watermark={"fact_sales": "2026-12-07T04:00:00+00:00"},
        finished_at=datetime(2026, 12, 7, 4, 0, 1, tzinfo=UTC),
        changes={str(workspace_default().pk): {"ledger": {"from": None, "to": None}}},
    )

    async def scenario() -> tuple[int, dict]:
        socket = communicator(cookie)
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        told = generation_publish(generation)  # sync, with this loop running (as under Playwright)
        event = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return told, event

    told, event = async_to_sync(scenario)()

    assert told == 1
    assert (event["generation"], event["changed"]) == (3, {"ledger": {"from": None, "to": None}})


def test_the_watcher_makes_its_own_process_serve_the_generation_it_tells_of(pipeline: None, region: Region) -> None:
    """The worker that published could only announce the generation in its own local-memory
    cache: the web process, told by its watcher, must answer from it at once, or the pages it
    tells to refetch get the previous answers again (and keep them until the next sync)."""
    book = book_in(workspace_default())
    first = warehouse_sync()
    second = Generation.objects.get(number=sale_synced(book.pk, region))
    # This process's view, as a web process beside the worker has it: the previous generation.
    cache.set(SERVED_KEY, first, SERVED_SECONDS)
    assert served_number() == first.number

    seen = async_to_sync(GenerationWatcher().tick)(channel_layer(), first.number or 0)

    assert seen == second.number == 2
    assert served_number() == 2


def served_number() -> int | None:
    served = served_generation()
    return None if served is None else served.number
