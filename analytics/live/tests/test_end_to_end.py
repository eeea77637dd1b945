"""End to end through a real daphne and a real WebSocket client: a sale synced reaches the
socket of a signed-in member."""

import json
import time
from typing import Any
from urllib.request import Request, urlopen

import pytest
from django.contrib.auth.models import User
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from analytics.live.tests.conftest import book_in, sale_on, session_cookie
from analytics.live.watcher import listeners_open
from analytics.runner import generation_as_of
from analytics.sync import warehouse_sync
from books.models import Region
from workspaces.services import workspace_default


def test_a_synced_sale_reaches_a_signed_in_socket(
    live_asgi_server: str, pipeline: None, analyst: User, region: Region
) -> None:
    cookie = session_cookie(analyst)[1].decode()
    book = book_in(workspace_default())
    warehouse_sync()
    url = live_asgi_server.replace("http://", "ws://") + "/ws/events/"

    with connect(url, additional_headers={"Cookie": cookie}, open_timeout=10) as socket:
        hello = json.loads(socket.recv(timeout=10))
        sale_on(book, region, "2025-08-15")
        published = warehouse_sync()
        event = json.loads(socket.recv(timeout=10))

    as_of = generation_as_of(published)
    assert (hello["type"], hello["generation"]) == ("hello", 1)
    assert event == {
        "type": "generation",
        "generation": published.number,
        "as_of": as_of.isoformat() if as_of else None,
        "published_at": published.finished_at.isoformat() if published.finished_at else None,
        "changed": {"sales": {"from": "2025-08-15", "to": "2025-08-15"}},
    }


def test_the_server_refuses_a_signed_out_socket(live_asgi_server: str) -> None:
    url = live_asgi_server.replace("http://", "ws://") + "/ws/events/"

    with pytest.raises(InvalidStatus) as refused:
        connect(url, open_timeout=10)

    assert refused.value.response.status_code == 403


def test_the_server_serves_pages_and_the_api_too(live_asgi_server: str, analyst: User) -> None:
    cookie = session_cookie(analyst)[1].decode()

    with urlopen(Request(f"{live_asgi_server}/api/analytics/freshness", headers={"Cookie": cookie}), timeout=10) as got:
        body = json.loads(got.read())

    assert body["generation"] is None


def test_the_event_stream_through_daphne_tells_a_sync_and_lets_go_when_the_client_leaves(
    live_asgi_server: str, pipeline: None, analyst: User, region: Region
) -> None:
    cookie = session_cookie(analyst)[1].decode()
    book = book_in(workspace_default())
    warehouse_sync()
    request = Request(f"{live_asgi_server}/api/analytics/events", headers={"Cookie": cookie, "Accept": EVENT_STREAM})

    with urlopen(request, timeout=10) as stream:
        content_type = stream.headers["Content-Type"]
        hello = frame_read(stream)
        sale_on(book, region, "2025-09-01")
        published = warehouse_sync()
        event = frame_read(stream)
    listening = listeners_after(seconds=3)

    assert content_type == "text/event-stream; charset=utf-8"
    assert hello[:2] == ["id: 1", "event: hello"]
    assert event[:2] == [f"id: {published.number}", "event: generation"]
    assert json.loads(event[2].removeprefix("data: "))["changed"] == {
        "sales": {"from": "2025-09-01", "to": "2025-09-01"}
    }
    assert listening == 0  # the server noticed the client left: no watcher polls for it


EVENT_STREAM = "text/event-stream"


def frame_read(stream: Any) -> list[str]:
    """The next frame's lines (comments, such as pings, skipped)."""
    lines: list[str] = []
    while True:
        line = stream.readline().decode().rstrip("\n")
        if line == "" and lines:
            return lines
        if line and not line.startswith(":"):
            lines.append(line)


def listeners_after(*, seconds: float) -> int:
    """The open sockets and streams the server's watchers count, once they drop to none or
    the time is up."""
    deadline = time.monotonic() + seconds
    while True:
        count = listeners_open()
        if count == 0 or time.monotonic() > deadline:
            return count
        time.sleep(0.05)
