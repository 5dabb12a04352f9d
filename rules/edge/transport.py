"""The socket under the WebSocket client: one deadline per request, bounded sizes.

``websocket-client`` applies its timeout to each socket operation, so a server that
sends one byte every half second keeps a request alive forever, and it reads a
handshake header line or a message of any length into memory. :func:`open_socket`
connects (TCP, then TLS) itself and hands ``websocket-client`` a :class:`BoundedSocket`:

- every ``recv`` and ``send`` may only use what is left of the request's deadline,
  and the TLS handshake runs non-blocking against the same deadline, so one request
  (connecting, TLS, the WebSocket handshake and every frame of the reply) never takes
  longer than its timeout;
- the bytes received are counted: the handshake answer may hold at most
  ``max_header_size`` bytes, and one message (its frames and their headers) at most
  ``max_message_size``; past that the read stops with :class:`ResponseTooLargeError`,
  before the bytes pile up.

The only parts not bounded by the deadline are the host name lookup (``getaddrinfo``
has no timeout) and the clean close, which :class:`~rules.edge.ws.Client` bounds itself.
The client connects directly: ``HTTP(S)_PROXY`` environment variables are not used.
"""

from __future__ import annotations

import select
import socket
import ssl
import time
from typing import Any, Final
from urllib.parse import urlsplit

from rules.errors import FetchTimeoutError, ResponseTooLargeError

__all__ = [
    "DEFAULT_MAX_HEADER_SIZE",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "BoundedSocket",
    "check_size",
    "open_socket",
    "remaining",
]

DEFAULT_MAX_MESSAGE_SIZE: Final = 32 * 1024 * 1024
"""The largest message accepted, in bytes: 32 MiB, eight times a full exchangeInfo (4 MB)."""

DEFAULT_MAX_HEADER_SIZE: Final = 64 * 1024
"""The largest WebSocket handshake answer (status line and headers) accepted, in bytes."""


def check_size(name: str, value: object) -> int:
    """A size limit in bytes: an ``int`` of at least 1024 (``bool`` is not one)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a number of bytes (int), not {value!r}")
    if value < 1024:
        raise ValueError(f"{name} must be at least 1024 bytes, not {value}")
    return value


def remaining(deadline: float, timeout: float) -> float:
    """Seconds left until ``deadline``; past it, :class:`FetchTimeoutError`."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchTimeoutError(f"no reply within {timeout:g} s")
    return left


class BoundedSocket:
    """A connected socket whose reads and writes obey a deadline and a byte budget.

    ``deadline`` is a :func:`time.monotonic` instant; :meth:`expect` starts a new
    budget (the handshake's, then each message's). Anything else is the socket's.
    """

    def __init__(self, sock: socket.socket, deadline: float, timeout: float) -> None:
        self._sock = sock
        self.deadline = deadline
        self.timeout = timeout
        self._budget = 0
        self._what = "the reply"
        self._received = 0

    def expect(self, budget: int, what: str) -> None:
        """From now on, at most ``budget`` more bytes may arrive for ``what``."""
        self._budget = budget
        self._what = what
        self._received = 0

    def _remaining(self) -> float:
        return remaining(self.deadline, self.timeout)

    # -- what websocket-client calls

    def recv(self, bufsize: int) -> bytes:
        self._sock.settimeout(self._remaining())
        left = self._budget - self._received
        if left <= 0:
            raise ResponseTooLargeError(
                f"{self._what} is larger than {self._budget} bytes; refused"
            )
        data = self._sock.recv(min(bufsize, left + 1))
        self._received += len(data)
        if self._received > self._budget:
            raise ResponseTooLargeError(
                f"{self._what} is larger than {self._budget} bytes; refused"
            )
        return data

    def send(self, data: bytes) -> int:
        self._sock.settimeout(self._remaining())
        return self._sock.send(data)

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[self.send(view) :]  # type: ignore[arg-type]

    def gettimeout(self) -> float:
        return max(self.deadline - time.monotonic(), 0.001)

    def settimeout(self, timeout: float | None) -> None:
        """Ignored: the deadline rules (``websocket-client`` calls it on its own)."""

    def fileno(self) -> int:
        return self._sock.fileno()

    def shutdown(self, how: int) -> None:
        self._sock.shutdown(how)

    def close(self) -> None:
        self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def open_socket(
    url: str, deadline: float, timeout: float, context: ssl.SSLContext | None
) -> BoundedSocket:
    """Connect to the URL's host (TLS for ``wss://``, with ``context``) by the deadline."""
    parts = urlsplit(url)
    host = parts.hostname
    assert host is not None  # Client checked the URL
    secure = parts.scheme == "wss"
    port = parts.port or (443 if secure else 80)
    sock = socket.create_connection((host, port), timeout=remaining(deadline, timeout))
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if secure:
            assert context is not None
            sock = _tls(sock, host, context, deadline, timeout)
    except BaseException:
        sock.close()
        raise
    return BoundedSocket(sock, deadline, timeout)


def _tls(
    raw: socket.socket, host: str, context: ssl.SSLContext, deadline: float, timeout: float
) -> ssl.SSLSocket:
    """The TLS handshake, non-blocking, so the whole of it obeys the deadline."""
    tls = context.wrap_socket(raw, server_hostname=host, do_handshake_on_connect=False)
    try:
        tls.setblocking(False)
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                select.select([tls], [], [], remaining(deadline, timeout))
            except ssl.SSLWantWriteError:
                select.select([], [tls], [], remaining(deadline, timeout))
        tls.settimeout(remaining(deadline, timeout))
    except BaseException:
        tls.close()  # wrap_socket took the raw socket over
        raise
    return tls
