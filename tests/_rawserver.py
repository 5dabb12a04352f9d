"""A raw TCP server that plays a hostile WebSocket API server, byte by byte.

``websockets`` (tests/_wsserver.py) only speaks correct WebSocket; these scenarios
break it on purpose: a handshake answer dribbled one byte at a time, a header line
that never ends, a frame dribbled, a message that never ends, a frame that claims
500 MB. Each scenario runs on its own thread per connection and stops when the
client goes away or the server is closed.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import socket
import struct
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self

Scenario = Callable[[socket.socket, threading.Event], None]

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_handshake(conn: socket.socket) -> bytes:
    """Read the client's handshake request; the ``Sec-WebSocket-Key`` it holds."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            raise ConnectionError("closed during the handshake")
        data += chunk
    for line in data.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            return value.strip()
    raise ConnectionError("no Sec-WebSocket-Key")


def handshake_answer(key: bytes) -> bytes:
    accept = base64.b64encode(hashlib.sha1(key + _GUID).digest())
    return (
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
    )


def frame_header(opcode: int, length: int, *, fin: bool = True) -> bytes:
    """The header of an unmasked server frame."""
    first = (0x80 if fin else 0) | opcode
    if length < 126:
        return bytes([first, length])
    if length < 1 << 16:
        return bytes([first, 126]) + struct.pack("!H", length)
    return bytes([first, 127]) + struct.pack("!Q", length)


def dribble(conn: socket.socket, data: bytes, stop: threading.Event, every: float = 0.5) -> None:
    for byte in data:
        if stop.wait(every):
            return
        conn.sendall(bytes([byte]))


def pour(conn: socket.socket, chunk: bytes, stop: threading.Event, *, limit: int) -> None:
    """Send ``chunk`` again and again, up to ``limit`` bytes or until the client leaves."""
    sent = 0
    while sent < limit and not stop.is_set():
        conn.sendall(chunk)
        sent += len(chunk)


class RawServer:
    """Listen on 127.0.0.1; every connection runs ``scenario``. A context manager."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)  # so that the accept loop sees stop promptly
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._listener.getsockname()[1]}/ws-api/v3"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            thread = threading.Thread(target=self._run, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _run(self, conn: socket.socket) -> None:
        # OSError: the client went away, which is how every scenario ends.
        with conn, contextlib.suppress(OSError):
            self.scenario(conn, self.stop)

    def __enter__(self) -> Self:
        self._accepter.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop.set()
        self._accepter.join(5)
        self._listener.close()
        for thread in self._threads:
            thread.join(5)


# ----------------------------------------------------------------------------- scenarios

MIB = 1024 * 1024


def slow_handshake(conn: socket.socket, stop: threading.Event) -> None:
    """The 101 answer, one byte every half second."""
    dribble(conn, handshake_answer(read_handshake(conn)), stop)


def header_flood(conn: socket.socket, stop: threading.Event) -> None:
    """A 101 status line, then one header line that never ends (up to 64 MiB)."""
    read_handshake(conn)
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nX-Flood: ")
    pour(conn, b"a" * MIB, stop, limit=64 * MIB)


def slow_frame(conn: socket.socket, stop: threading.Event) -> None:
    """A good handshake, then a reply frame one byte every half second."""
    conn.sendall(handshake_answer(read_handshake(conn)))
    payload = b'{"id":null,"status":200,"result":{"serverTime":1700000000000}}'
    dribble(conn, frame_header(0x1, len(payload)) + payload, stop)


def endless_message(conn: socket.socket, stop: threading.Event) -> None:
    """A good handshake, then a text message whose continuation frames never end."""
    conn.sendall(handshake_answer(read_handshake(conn)))
    chunk = b" " * MIB
    conn.sendall(frame_header(0x1, len(chunk), fin=False) + chunk)
    pour(conn, frame_header(0x0, len(chunk), fin=False) + chunk, stop, limit=1024 * MIB)


def huge_frame(conn: socket.socket, stop: threading.Event) -> None:
    """A good handshake, then one frame that claims 500 MB and sends them."""
    conn.sendall(handshake_answer(read_handshake(conn)))
    conn.sendall(frame_header(0x1, 500 * 1000 * 1000))
    pour(conn, b" " * MIB, stop, limit=500 * MIB)


def slow_relay(port: int, every: float = 0.2) -> Scenario:
    """Relay to ``127.0.0.1:port``: the client's bytes at once, the server's one at a time.

    In front of a TLS server, this dribbles the TLS handshake itself.
    """

    def relay(conn: socket.socket, stop: threading.Event) -> None:
        with socket.create_connection(("127.0.0.1", port)) as upstream:

            def forward() -> None:
                with contextlib.suppress(OSError):
                    while data := conn.recv(4096):
                        upstream.sendall(data)

            threading.Thread(target=forward, daemon=True).start()
            while data := upstream.recv(4096):
                dribble(conn, data, stop, every)
                if stop.is_set():
                    return

    return relay


def pinged_fragments(conn: socket.socket, stop: threading.Event) -> None:
    """A text message whose fragments never end, a ping between each two."""
    conn.sendall(handshake_answer(read_handshake(conn)))
    chunk = b" " * MIB
    ping = frame_header(0x9, 0)
    conn.sendall(frame_header(0x1, len(chunk), fin=False) + chunk + ping)
    pour(conn, frame_header(0x0, len(chunk), fin=False) + chunk + ping, stop, limit=1024 * MIB)
