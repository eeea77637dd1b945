"""A loopback proxy that lets redshift_connector talk to PostgreSQL (tests only).

The real driver sends four startup parameters PostgreSQL rejects (42704) and cannot parse
a Debian `server_version` such as "15.18 (Debian …)". This proxy drops those parameters
from the StartupMessage and reports server_version 8.0.2, as Redshift does; every other
byte passes through untouched, so the driver's own code runs against the stand-in.
"""

import socket
import struct
import threading

DROPPED = {b"client_protocol_version", b"driver_version", b"os_version", b"driver_discovery_version"}
SSL_REQUEST = 80877103
PROTOCOL_3 = 196608


def _read_exact(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("peer closed")
        data += chunk
    return data


class RedshiftWireShim:
    """Listens on 127.0.0.1:<free port> and forwards to PostgreSQL at `upstream`."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> "RedshiftWireShim":
        """Begin accepting connections."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting connections."""
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            startup = self._startup_read(client)
            server = socket.create_connection(self.upstream)
            for end in (client, server):
                end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            server.sendall(startup)
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()
            self._server_to_client(server, client)
        except (ConnectionError, OSError):
            pass
        finally:
            client.close()

    def _startup_read(self, client: socket.socket) -> bytes:
        while True:
            length = struct.unpack("!I", _read_exact(client, 4))[0]
            body = _read_exact(client, length - 4)
            code = struct.unpack("!I", body[:4])[0]
            if code == SSL_REQUEST:
                client.sendall(b"N")  # no TLS on loopback
                continue
            if code != PROTOCOL_3:
                raise ConnectionError(f"unexpected startup code {code}")
            fields = body[4:].split(b"\x00")
            pairs = [(fields[i], fields[i + 1]) for i in range(0, len(fields) - 2, 2) if fields[i]]
            kept = b"".join(k + b"\x00" + v + b"\x00" for k, v in pairs if k not in DROPPED) + b"\x00"
            payload = struct.pack("!I", PROTOCOL_3) + kept
            return struct.pack("!I", len(payload) + 4) + payload

    def _server_to_client(self, server: socket.socket, client: socket.socket) -> None:
        """Relay server messages, rewriting server_version; whole reads at a time, so a
        result of many small messages crosses in few packets."""
        pending = b""
        while chunk := server.recv(65536):
            pending += chunk
            out = []
            while len(pending) >= 5:
                length = struct.unpack("!I", pending[1:5])[0]
                if len(pending) < length + 1:
                    break
                kind, body, pending = pending[:1], pending[5 : length + 1], pending[length + 1 :]
                if kind == b"S" and body.startswith(b"server_version\x00"):
                    body = b"server_version\x008.0.2\x00"
                out.append(kind + struct.pack("!I", len(body) + 4) + body)
            if out:
                client.sendall(b"".join(out))

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            target.close()
