"""The WebSocket at /ws/events/: who is let in, what each member hears."""

from datetime import UTC, datetime

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User

from analytics.live.publish import channel_layer, generation_fan_out
from analytics.live.tests.conftest import communicator, session_cookie
from analytics.models import Generation
from analytics.services.tokens import api_token_create
from analytics.tests.members import member_user
from books.models import Region
from workspaces.models import Workspace
from workspaces.services import member_remove, workspace_default

pytestmark = pytest.mark.django_db(transaction=True)

HELLO_BEFORE_ANY_SYNC = {"type": "hello", "generation": None, "as_of": None, "workspace": "default"}
SPAN = {"from": "2025-03-02", "to": "2025-03-09"}


def published(workspace: Workspace, number: int = 7) -> Generation:
    """A generation (as the sync records it) that changed the workspace's sales in March 2025."""
    return Generation(
        number=number,
        watermark={"fact_sales": "2026-12-07T04:00:00+00:00"},
        finished_at=datetime(2026, 12, 7, 4, 0, 1, tzinfo=UTC),
        changes={str(workspace.pk): {"sales": SPAN}},
    )


def test_a_signed_in_member_is_accepted_and_greeted_with_the_generation_served(analyst: User) -> None:
    cookie = session_cookie(analyst)

    async def scenario() -> tuple[bool, dict]:
        socket = communicator(cookie)
        connected, _ = await socket.connect()
        hello = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return connected, hello

    assert async_to_sync(scenario)() == (True, HELLO_BEFORE_ANY_SYNC)


@pytest.mark.parametrize(
    "authorization",
    [None, b"Bearer folio_not-a-real-token", b"Bearer", b"Token folio_x folio_y"],
    ids=["anonymous", "unknown-token", "no-token", "two-tokens"],
)
def test_a_caller_the_api_would_refuse_is_refused_the_handshake(authorization: bytes | None) -> None:
    headers = [] if authorization is None else [(b"authorization", authorization)]

    async def scenario() -> bool:
        connected, _ = await communicator(*headers).connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_a_token_is_accepted_in_its_own_workspace(analyst: User, other_workspace: Workspace) -> None:
    member_user("olga", workspace=other_workspace)
    _, raw = api_token_create(user=analyst, workspace=workspace_default(), name="script")

    async def scenario() -> dict:
        socket = communicator((b"authorization", f"Bearer {raw}".encode()))
        await socket.connect()
        hello = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return hello

    assert async_to_sync(scenario)() == HELLO_BEFORE_ANY_SYNC


def test_a_token_whose_owner_left_the_workspace_is_refused(analyst: User) -> None:
    _, raw = api_token_create(user=analyst, workspace=workspace_default(), name="script")
    member_user("root", role="admin")  # the workspace keeps an admin
    member_remove(workspace=workspace_default(), user=analyst)

    async def scenario() -> bool:
        connected, _ = await communicator((b"authorization", f"Bearer {raw}".encode())).connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_a_user_in_no_workspace_is_refused() -> None:
    loner = User.objects.create_user("loner", password="loner-password")

    cookie = session_cookie(loner)

    async def scenario() -> bool:
        connected, _ = await communicator(cookie).connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_a_page_of_another_site_is_refused(analyst: User) -> None:
    cookie = session_cookie(analyst)

    async def scenario() -> bool:
        socket = communicator(cookie, (b"origin", b"https://evil.example"))
        connected, _ = await socket.connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_a_member_hears_only_their_own_workspace_s_generations(analyst: User, other_workspace: Workspace) -> None:
    olga = member_user("olga", workspace=other_workspace)

    cookies = session_cookie(analyst), session_cookie(olga)
    generation = published(other_workspace)

    async def scenario() -> tuple[dict, bool]:
        ours, theirs = communicator(cookies[0]), communicator(cookies[1])
        for socket in (ours, theirs):
            await socket.connect()
            await socket.receive_json_from(timeout=5)  # hello
        await generation_fan_out(channel_layer(), generation)
        heard = await theirs.receive_json_from(timeout=5)
        silent = await ours.receive_nothing(timeout=0.5)
        for socket in (ours, theirs):
            await socket.disconnect()
        return heard, silent

    heard, silent = async_to_sync(scenario)()

    assert heard == {
        "type": "generation",
        "generation": 7,
        "as_of": "2026-12-07T04:00:00+00:00",
        "published_at": "2026-12-07T04:00:01+00:00",
        "changed": {"sales": SPAN},
    }
    assert silent is True


def test_a_member_with_row_limits_is_told_the_domain_without_dates(analyst: User, region: Region) -> None:
    limited = member_user("lim", role="viewer", regions=[region.code])

    cookies = session_cookie(analyst), session_cookie(limited)
    generation = published(workspace_default())

    async def scenario() -> list[dict]:
        sockets = [communicator(cookie) for cookie in cookies]
        for socket in sockets:
            await socket.connect()
            await socket.receive_json_from(timeout=5)
        await generation_fan_out(channel_layer(), generation)
        events = [await socket.receive_json_from(timeout=5) for socket in sockets]
        for socket in sockets:
            await socket.disconnect()
        return events

    unlimited, row_limited = async_to_sync(scenario)()

    assert unlimited["changed"] == {"sales": SPAN}
    assert row_limited["changed"] == {"sales": {"from": None, "to": None}}


def test_what_a_client_sends_is_ignored(analyst: User) -> None:
    cookie = session_cookie(analyst)

    async def scenario() -> bool:
        socket = communicator(cookie)
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        await socket.send_to(text_data="not json {")
        quiet = await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()
        return quiet

    assert async_to_sync(scenario)() is True
