"""One HTTP POST of a delivery, to the address its URL was checked to resolve to.

The connection is pinned to the checked address (HTTPS still verifies the certificate for the
URL's host name), so a DNS answer that changes between the check and the connect cannot send
the request inside. Redirects are not followed: a 3xx is a failed attempt."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from webhooks.addresses import Target

EXCERPT_CHARS = 500
USER_AGENT = "Folio-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code (None when no answer came), an error, an excerpt, its time."""

    code: int | None
    error: str
    excerpt: str
    ms: int

    @property
    def succeeded(self) -> bool:
        """A 2xx answer."""
        return self.code is not None and 200 <= self.code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to a fixed address, with the URL's host in the Host header."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        """Connect to the checked address, not to whatever the host resolves to now."""
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed address; the certificate is checked against the URL's host."""

    def __init__(self, target: Target, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = target.address

    def connect(self) -> None:
        """Connect to the checked address and speak TLS with the URL's host name (SNI, certificate)."""
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def post_signed(*, target: Target, body: str, headers: dict[str, str], timeout: float) -> Outcome:
    """POST the body; never raises for what the network or the receiver did (that is the outcome)."""
    connection: http.client.HTTPConnection = (
        _PinnedHTTPSConnection(target, timeout) if target.scheme == "https" else _PinnedHTTPConnection(target, timeout)
    )
    started = time.perf_counter()
    try:
        connection.request(
            "POST",
            target.path,
            body=body.encode(),
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_CHARS * 4).decode("utf-8", errors="replace")[:EXCERPT_CHARS]
        code = response.status
        error = "" if 200 <= code < 300 else f"The receiver answered {code} {response.reason}."
        if 300 <= code < 400:
            error += " Redirects are not followed: give the final URL."
    except (OSError, http.client.HTTPException) as failure:
        code, excerpt = None, ""
        error = f"{type(failure).__name__}: {failure}" if str(failure) else type(failure).__name__
    finally:
        connection.close()
    return Outcome(code=code, error=error, excerpt=excerpt, ms=round((time.perf_counter() - started) * 1000))
