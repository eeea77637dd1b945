"""A real HTTP receiver on loopback for the webhook tests: it verifies each request's signature
with the README's recipe (copied verbatim below) and answers the codes it is told to, in order."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


# --- the README's verification recipe -------------------------------------------------------
def verify(secret: str, headers: dict[str, str], raw_body: bytes, tolerance: int = 300) -> dict:
    """The parsed body when the request is signed with `secret` and recent; else ValueError."""
    timestamp = headers["X-Folio-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        raise ValueError("timestamp too old (or in the future): refuse replays")
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, headers["X-Folio-Signature"]):
        raise ValueError("bad signature")
    return json.loads(raw_body)


# ---------------------------------------------------------------------------------------------


@dataclass
class Received:
    """One request as the receiver got it, and whether its signature held."""

    headers: dict[str, str]
    raw: bytes
    verified: bool
    error: str


@dataclass
class Receiver:
    """The receiver's address, its secret (set once the webhook exists), answers and requests."""

    url: str
    secret: str = ""
    codes: list[int] = field(default_factory=list)  # answered in order; 200 once used up
    requests: list[Received] = field(default_factory=list)

    def bodies(self) -> list[dict]:
        """The bodies of the requests that verified."""
        return [json.loads(request.raw) for request in self.requests if request.verified]


@contextmanager
def receiver_running(path: str = "/hooks/folio") -> Iterator[Receiver]:
    """A ThreadingHTTPServer on 127.0.0.1 (a free port) for the duration of the block."""
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {name: value for name, value in self.headers.items()}
            try:
                verify(state.secret, headers, raw)
                verified, error = True, ""
            except (ValueError, KeyError) as failure:
                verified, error = False, str(failure)
            state.requests.append(Received(headers=headers, raw=raw, verified=verified, error=error))
            code = state.codes.pop(0) if state.codes else 200
            answer = b'{"ok": true}' if code < 300 else b"receiver broke"
            self.send_response(code)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test reads the requests, not a log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
