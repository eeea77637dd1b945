"""Benchmark the live events: N open WebSockets, one published generation, how long until
every socket has it, and what each socket costs the server in memory.

Self-contained by default: a scratch SQLite database, lake and DuckDB warehouse, a user
signed in by session, a small shop synced once, and a daphne serving config.asgi on a
free port (`--redis-url`: the Redis pub/sub channel layer, as in production; without it the
embedded default's in-memory layer and database watcher). It opens `--clients` sockets
(each waits for its hello), reads the server's RSS before and after, then publishes:

    --trigger sync   a sale is written and a real sync publishes the next generation (the
                     time counts from the generation's commit: the publish itself)
    --trigger layer  one group_send of a generation event through the channel layer (Redis
                     only): the fan-out alone

and reports p50/p95/max from the publish to each socket's receipt, and RSS per socket.
Against a server already running, give `--url ws://host:port/ws/events/`, `--token folio_…`
or `--session <sessionid>`, `--server-pid` for the memory figures, and run this with the
server's environment (DATABASE_URL, REDIS_URL, …) so that the trigger reaches it.

    .venv/bin/python bench/events_benchmark.py --clients 50
    .venv/bin/python bench/events_benchmark.py --clients 1000 --redis-url redis://127.0.0.1:6379/0
"""

import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONNECTS_AT_ONCE = 100  # handshakes in flight: more overflows the listen backlog


def main() -> None:
    """Parse the options, prepare or reach the server, measure, report."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000, help="sockets to open (default 1000)")
    parser.add_argument("--trigger", choices=["sync", "layer"], default="sync", help="how the generation is published")
    parser.add_argument("--redis-url", default="", help="self-contained run: the Redis of the channel layer")
    parser.add_argument("--url", default="", help="a running events server's ws://…/ws/events/ (else one is started)")
    parser.add_argument("--token", default="", help="with --url: an API token (Authorization: Bearer)")
    parser.add_argument("--session", default="", help="with --url: a session id (the sessionid cookie)")
    parser.add_argument("--server-pid", type=int, default=0, help="with --url: the server's pid, for its RSS")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for every socket's frame")
    arguments = parser.parse_args()
    descriptors_raise(arguments.clients)
    server: subprocess.Popen[bytes] | None = None
    if arguments.url:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        django_setup()
        url, pid = arguments.url, arguments.server_pid
        headers = auth_headers(token=arguments.token, session=arguments.session)
    else:
        scratch_prepare(arguments.redis_url)
        django_setup()
        headers = auth_headers(token="", session=scratch_shop())
        server, url = server_start()
        pid = server.pid
    try:
        report = asyncio.run(measure(url, headers, arguments.clients, arguments.trigger, pid, arguments.timeout))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    print(json.dumps(report, indent=2))


def descriptors_raise(clients: int) -> None:
    """A socket is a file descriptor on each side: raise this process's limit (and so the
    limit of a server it starts) to fit the clients, up to the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = clients * 2 + 256
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def scratch_prepare(redis_url: str) -> None:
    """The environment of a self-contained run: scratch files, and the layer asked for."""
    scratch = Path(tempfile.mkdtemp(prefix="folio-events-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="false",
        DATABASE_URL=f"sqlite:///{scratch / 'folio.sqlite3'}",
        LAKE_URL=(scratch / "lake").as_uri(),
        WAREHOUSE_URL=f"duckdb:///{scratch / 'warehouse'}",
        API_LOG_PATH=str(scratch / "api.jsonl"),
        LOG_LEVEL="WARNING",
    )
    if redis_url:
        os.environ.update(REDIS_URL=redis_url, CHANNEL_LAYER_PREFIX=f"folio-bench-{uuid.uuid4().hex[:8]}")


def django_setup() -> None:
    """Django, with this project on the path."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def scratch_shop() -> str:
    """Migrate, generate a small shop, sync it once, and sign a member in: the session id."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from analytics.sync import warehouse_sync
    from books.services.generation import SalesDataSpec, sales_data_generate
    from workspaces.services import member_set, workspace_default

    call_command("migrate", verbosity=0)
    sales_data_generate(spec=SalesDataSpec(books=20, sales=200, seed=3, years=1, end_date=date(2025, 12, 31)))
    warehouse_sync()
    user = User.objects.create_user("bench", password="bench-password")
    member_set(workspace=workspace_default(), user=user, role="viewer")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "workspaces.auth.MemberBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return str(session.session_key)


def server_start() -> tuple[subprocess.Popen[bytes], str]:
    """daphne on a free port of loopback, with this environment; its ws:// URL once it listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0", "config.asgi:application"]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"ws://127.0.0.1:{port}/ws/events/"
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("daphne did not listen within 30 s")


def auth_headers(*, token: str, session: str) -> dict[str, str]:
    """The handshake's credentials: a bearer token or the session cookie."""
    if token:
        return {"Authorization": f"Bearer {token}"}
    if session:
        return {"Cookie": f"sessionid={session}"}
    raise SystemExit("give --token or --session with --url")


def rss_kib(pid: int) -> int | None:
    """The process's resident memory (KiB), from /proc; None without a pid."""
    if not pid:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


async def measure(
    url: str, headers: dict[str, str], clients: int, trigger: str, pid: int, timeout: float
) -> dict[str, Any]:
    """Open the sockets, publish once, and time each socket's receipt."""
    from websockets.asyncio.client import ClientConnection, connect

    before = rss_kib(pid)
    sockets: list[ClientConnection] = []
    hellos: list[dict[str, Any]] = []
    started = time.perf_counter()
    for first in range(0, clients, CONNECTS_AT_ONCE):
        batch = await asyncio.gather(
            *(
                connect(url, additional_headers=headers, open_timeout=60, ping_interval=None)
                for _ in range(first, min(first + CONNECTS_AT_ONCE, clients))
            )
        )
        sockets += batch
        hellos += [json.loads(await opened.recv()) for opened in batch]
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(1)  # let the server settle before reading its memory
    after = rss_kib(pid)
    receipts = [asyncio.ensure_future(frame_time(opened)) for opened in sockets]
    published_at = await publish(trigger, hellos[0])
    done, pending = await asyncio.wait(receipts, timeout=timeout)
    for waiting in pending:
        waiting.cancel()
    await asyncio.gather(*(opened.close() for opened in sockets), return_exceptions=True)
    delays = sorted(task.result() - published_at for task in done)
    return {
        "clients": clients,
        "trigger": trigger,
        "connected_in_seconds": round(connect_seconds, 2),
        "received": len(delays),
        "missed": len(pending),
        "seconds_from_publish": {
            "p50": round(statistics.median(delays), 4) if delays else None,
            "p95": round(delays[max(0, int(len(delays) * 0.95) - 1)], 4) if delays else None,
            "max": round(delays[-1], 4) if delays else None,
        },
        "server_rss_kib": {"before": before, "after": after},
        "kib_per_socket": round((after - before) / clients, 1) if before and after else None,
    }


async def frame_time(opened: Any) -> float:
    """When the socket's next generation frame arrived (wall clock, comparable across processes)."""
    while True:
        event = json.loads(await opened.recv())
        if event["type"] == "generation":
            return time.time()


async def publish(trigger: str, hello: dict[str, Any]) -> float:
    """Publish one generation; the wall-clock time it was published."""
    from channels.db import database_sync_to_async

    if trigger == "sync":
        return await database_sync_to_async(sale_synced)()
    return await layer_send(hello)


def sale_synced() -> float:
    """Write one sale and sync: the generation's commit time."""
    from analytics.sync import warehouse_sync
    from books.models import Book, Region
    from books.services.records import sale_create
    from workspaces.services import workspace_default

    book = Book.objects.filter(workspace=workspace_default()).first()
    if book is None:
        raise SystemExit("the workspace has no book to sell: generate data first")
    sale_create(
        workspace=book.workspace,
        book=book,
        region=Region.objects.order_by("id").first() or Region.objects.create(code="BENCH", name="Bench"),
        sold_at=datetime.now(tz=UTC),
        quantity=1,
    )
    generation = warehouse_sync()
    assert generation.finished_at is not None
    return generation.finished_at.timestamp()


async def layer_send(hello: dict[str, Any]) -> float:
    """One generation event sent to the hello's workspace group through the channel layer."""
    from channels.db import database_sync_to_async

    from analytics.live.events import MESSAGE_TYPE, group_name
    from analytics.live.publish import channel_layer, layer_is_shared
    from workspaces.models import Workspace

    layer = channel_layer()
    if not layer_is_shared(layer):
        raise SystemExit("--trigger layer needs a Redis channel layer (--redis-url, or REDIS_URL for --url)")
    workspace = await database_sync_to_async(Workspace.objects.get)(slug=hello["workspace"])
    now = datetime.now(tz=UTC).isoformat()
    event = {
        "type": "generation",
        "generation": (hello["generation"] or 0) + 1,
        "as_of": now,
        "published_at": now,
        "changed": {"sales": {"from": None, "to": None}},
    }
    published_at = time.time()
    await layer.group_send(group_name(workspace.pk), {"type": MESSAGE_TYPE, "event": event})
    return published_at


if __name__ == "__main__":
    main()
