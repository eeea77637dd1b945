"""Fixtures of the live events' tests: a pipeline to sync into, members of two workspaces,
the channel layer each test starts from, and sockets opened as a member."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import Client, override_settings

from analytics.sync import warehouse_sync
from analytics.tests.members import member_user
from books.models import Book, Region, Sale
from books.services.records import sale_create
from books.tests.factories import BookFactory, RegionFactory
from config.asgi import application
from workspaces.models import Workspace
from workspaces.services import workspace_create, workspace_default


@pytest.fixture
def pipeline(tmp_path: Path) -> Iterator[None]:
    """A lake and a DuckDB warehouse of the test's own; exports read exactly the window since
    the last sync (no lookback), so a batch holds only what the test wrote since."""
    with override_settings(
        WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}",
        LAKE_URL=(tmp_path / "lake").as_uri(),
        EXPORT_LOOKBACK_SECONDS=0,
    ):
        yield


@pytest.fixture(autouse=True)
def layer_emptied() -> Iterator[None]:
    """Each test starts with an empty in-memory layer: no group of an earlier test's sockets."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.flush)()
    yield


@pytest.fixture
def redis_layer(redis_url: str) -> Iterator[None]:
    """channels_redis' pub/sub layer on the test Redis, under a prefix of this test's own
    (pub/sub ignores database numbers: another run on the server must not hear it)."""
    config = {"hosts": [redis_url], "prefix": f"folio-test-{uuid.uuid4().hex[:8]}"}
    with override_settings(
        CHANNEL_LAYERS={"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": config}}
    ):
        yield


@pytest.fixture
def other_workspace() -> Workspace:
    """A second workspace besides the default one."""
    return workspace_create(slug="other", name="Other shop")


@pytest.fixture
def region() -> Region:
    """A region sales are made in."""
    return RegionFactory.create(code="FR-IDF", name="Île-de-France")


def session_cookie(user: User) -> tuple[bytes, bytes]:
    """The Cookie header of a session signed in as the user (as the browser would send it)."""
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


def communicator(*headers: tuple[bytes, bytes]) -> WebsocketCommunicator:
    """A socket to /ws/events/ through the whole ASGI application, with these headers."""
    return WebsocketCommunicator(application, "/ws/events/", headers=list(headers))


def book_in(workspace: Workspace) -> Book:
    """A book of the workspace, at 10.00."""
    return BookFactory.create(workspace=workspace, list_price=Decimal("10.00"))


def sale_on(book: Book, region: Region, day: str) -> Sale:
    """A sale of one copy of the book at noon UTC on the day (ISO)."""
    sold_at = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
    return sale_create(workspace=book.workspace, book=book, region=region, sold_at=sold_at, quantity=1)


def sale_synced(book_id: int, region: Region) -> int:
    """Record a sale of the book on 2025-05-04 and sync; the generation's number."""
    sale_on(Book.objects.get(pk=book_id), region, "2025-05-04")
    return warehouse_sync().number or 0


@pytest.fixture
def analyst() -> User:
    """An analyst of the default workspace."""
    return member_user("ana", role="analyst", workspace=workspace_default())
