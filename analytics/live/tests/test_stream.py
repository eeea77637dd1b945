"""GET /api/analytics/events: the live events as Server-Sent Events."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.test import AsyncClient, Client

from analytics.live.tests.conftest import book_in, sale_synced
from analytics.runner import generation_as_of
from analytics.services.tokens import api_token_create
from analytics.sync import warehouse_sync
from books.models import Region
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db(transaction=True)
EVENT_STREAM = {"accept": "text/event-stream"}


def frame_data(frame: bytes) -> tuple[list[str], dict]:
    """A frame's field lines other than data, and its data as JSON."""
    lines = frame.decode().strip("\n").split("\n")
    data = [line.removeprefix("data: ") for line in lines if line.startswith("data: ")]
    return [line for line in lines if not line.startswith("data: ")], json.loads(data[0])


def test_an_anonymous_caller_gets_the_api_s_401() -> None:
    response = Client().get("/api/analytics/events", headers=EVENT_STREAM)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_user_in_no_workspace_gets_the_api_s_403() -> None:
    client = Client()
    client.force_login(User.objects.create_user("loner"))

    response = client.get("/api/analytics/events", headers=EVENT_STREAM)

    assert response.status_code == 403
    assert "not a member of any workspace" in response.json()["detail"]


def test_the_stream_says_hello_then_tells_each_generation(pipeline: None, analyst: User, region: Region) -> None:
    _, raw = api_token_create(user=analyst, workspace=workspace_default(), name="stream")
    book = book_in(workspace_default())
    first = warehouse_sync()
    as_of = generation_as_of(first)
    assert as_of is not None

    async def scenario() -> tuple[int, str, bytes, bytes, int]:
        headers = {**EVENT_STREAM, "authorization": f"Bearer {raw}", "last-event-id": "0"}
        response = await AsyncClient().get("/api/analytics/events", headers=headers)
        frames = aiter(response.streaming_content)  # type: ignore[attr-defined]  # a streaming answer (stubs: a plain one)
        hello = await asyncio.wait_for(anext(frames), 5)
        number = await database_sync_to_async(sale_synced)(book.pk, region)
        event = await asyncio.wait_for(anext(frames), 5)
        await response._iterator.aclose()  # type: ignore[attr-defined]  # the client went: the stream ends
        return response.status_code, response["Content-Type"], hello, event, number

    status, content_type, hello, event, number = async_to_sync(scenario)()

    assert (status, content_type) == (200, "text/event-stream; charset=utf-8")
    assert frame_data(hello) == (
        ["id: 1", "event: hello"],
        {"type": "hello", "generation": 1, "as_of": as_of.isoformat(), "workspace": "default"},
    )
    fields, data = frame_data(event)
    assert fields == [f"id: {number}", "event: generation"]
    assert (data["generation"], data["changed"]) == (2, {"sales": {"from": "2025-05-04", "to": "2025-05-04"}})


def test_a_wsgi_server_answers_the_hello_alone_and_asks_to_retry(analyst: User) -> None:
    client = Client()
    client.force_login(analyst)

    response = client.get("/api/analytics/events", headers=EVENT_STREAM)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == (  # type: ignore[attr-defined]  # a streaming answer
        "retry: 15000\n"
        'event: hello\ndata: {"type": "hello", "generation": null, "as_of": null, "workspace": "default"}\n\n'
    )


def test_the_schema_documents_the_stream_and_the_websocket() -> None:
    schema = Client().get("/api/schema/", headers={"accept": "application/json"}).json()

    operation = schema["paths"]["/api/analytics/events"]["get"]
    assert "text/event-stream" in operation["responses"]["200"]["content"]
    assert "/ws/events/" in operation["description"]
