"""End to end through a real daphne and a real WebSocket client: a sale synced reaches the
socket of a signed-in member."""

import json
from urllib.request import Request, urlopen

import pytest
from django.contrib.auth.models import User
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from analytics.live.tests.conftest import book_in, sale_on, session_cookie
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
