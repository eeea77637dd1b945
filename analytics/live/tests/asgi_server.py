"""A real daphne serving the whole ASGI application (pages, API, WebSocket, event stream) on
loopback, in a thread of the test process, against the test database.

In the test process rather than a subprocess so that it reads what the test writes: the
test database is SQLite in memory (shared cache) or PostgreSQL, and either way a thread's
connection sees every committed row. Twisted's reactor runs once per process, so one server
serves the whole session (`live_asgi_server` in conftest.py).
"""

import threading
from typing import Any


class AsgiServerThread(threading.Thread):
    """daphne's Server on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self) -> None:
        super().__init__(name="live-asgi-server", daemon=True)
        self.ready = threading.Event()
        self.server: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        """Build the application and serve until stopped (or the process ends)."""
        try:
            # Imported here: daphne.server installs Twisted's asyncio reactor on import.
            from daphne.server import Server
            from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

            from config.asgi import application

            self.server = Server(
                # The dashboard's assets from the app folders, as runserver serves them
                # (production serves collected files through WhiteNoise).
                ASGIStaticFilesHandler(application),  # type: ignore[arg-type]  # stubs say ASGIHandler; any ASGI app is served
                endpoints=["tcp:port=0:interface=127.0.0.1"],
                signal_handlers=False,
                ready_callable=self.ready.set,
                verbosity=0,
            )
            self.server.run()
        except BaseException as error:  # reported to the fixture, which fails the test with it
            self.error = error
            self.ready.set()

    @property
    def url(self) -> str:
        """http://127.0.0.1:<port>, once ready."""
        host, port = self.server.listening_addresses[0]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        """Stop the reactor (from its own thread, as Twisted requires)."""
        from twisted.internet import reactor

        reactor.callFromThread(self.server.stop)
        self.join(timeout=10)
