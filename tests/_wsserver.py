"""A real WebSocket server on 127.0.0.1 for the client tests, scripted per test.

It is the ``websockets`` library's threaded server, bound to an ephemeral loopback
port; nothing here mocks ``websocket-client``. Each test passes a *reply* function
that receives every request frame (already parsed) and sends whatever frames the
scenario needs: a normal response, an error envelope, garbage, nothing at all.
Handlers wait on :attr:`WsServer.stop` instead of sleeping, so shutdown is prompt.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

SHARED = Path(__file__).parents[2] / "shared"
FULL_SNAPSHOT = SHARED / "data" / "exchange_info" / "spot-full-2022-05.json"

RATE_LIMITS: list[dict[str, Any]] = [
    {
        "rateLimitType": "REQUEST_WEIGHT",
        "interval": "MINUTE",
        "intervalNum": 1,
        "limit": 6000,
        "count": 21,
    }
]

Reply = Callable[["WsServer", ServerConnection, dict[str, Any]], None]


def ok(request: Mapping[str, Any], result: Any, *, rate_limits: Any = None) -> str:
    """A success envelope for ``request``."""
    return json.dumps(
        {
            "id": request["id"],
            "status": 200,
            "result": result,
            "rateLimits": RATE_LIMITS if rate_limits is None else rate_limits,
        }
    )


def ok_raw(request: Mapping[str, Any], result_text: str) -> str:
    """A success envelope whose ``result`` is ``result_text`` verbatim."""
    head = json.dumps({"id": request["id"], "status": 200})[:-1]
    return f'{head}, "result": {result_text}, "rateLimits": {json.dumps(RATE_LIMITS)}}}'


def error(request: Mapping[str, Any] | None, status: int, code: int, msg: str, **more: Any) -> str:
    """An error envelope for ``request`` (``None``: an envelope with ``"id": null``)."""
    body: dict[str, Any] = {"code": code, "msg": msg}
    if more:
        body["data"] = more
    return json.dumps(
        {
            "id": None if request is None else request["id"],
            "status": status,
            "error": body,
            "rateLimits": RATE_LIMITS,
        }
    )


def exchange_info(server_time: int = 1_700_000_000_000, *names: str) -> dict[str, Any]:
    """A small loadable exchangeInfo ``result``."""
    return {
        "timezone": "UTC",
        "serverTime": server_time,
        "rateLimits": [],
        "exchangeFilters": [],
        "symbols": [
            {
                "symbol": name,
                "status": "TRADING",
                "baseAsset": name[:3],
                "quoteAsset": name[3:],
                "orderTypes": ["LIMIT", "MARKET"],
                "filters": [
                    {
                        "filterType": "PRICE_FILTER",
                        "minPrice": "0.01000000",
                        "maxPrice": "1000000.00000000",
                        "tickSize": "0.01000000",
                    }
                ],
                "permissions": [],
                "permissionSets": [["SPOT"]],
            }
            for name in (names or ("BTCUSDT",))
        ],
    }


def binance_like(server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
    """Answer ``ping``, ``time`` and ``exchangeInfo`` as Binance documents them."""
    method, params = request["method"], request.get("params", {})
    if method == "ping":
        conn.send(ok(request, {}))
    elif method == "time":
        conn.send(ok(request, {"serverTime": server.clock_ms()}))
    elif method == "exchangeInfo":
        names = params.get("symbols") or ([params["symbol"]] if "symbol" in params else [])
        conn.send(ok(request, exchange_info(1_700_000_000_000, *names)))
    else:
        conn.send(error(request, 400, -1020, "This operation is not supported."))


class WsServer:
    """A threaded WebSocket server on ``127.0.0.1:0``; use it as a context manager.

    ``reject_handshake`` answers every handshake with that HTTP status; ``redirect``,
    ``(status, location)``, with that redirect. ``requests`` records every request frame
    received, ``headers`` every handshake that was accepted; ``events`` is free for the
    scenario to note things (a pong received).
    """

    def __init__(
        self,
        reply: Reply = binance_like,
        *,
        ssl_context: ssl.SSLContext | None = None,
        clock_ms: Callable[[], int] | None = None,
        reject_handshake: int | None = None,
        redirect: tuple[int, str] | None = None,
        port: int = 0,
    ) -> None:
        self.reply = reply
        self.bind_port = port  # 0: an ephemeral port
        self.reject_handshake = reject_handshake
        self.redirect = redirect
        self.ssl_context = ssl_context
        self.clock_ms = clock_ms or (lambda: 1_700_000_000_000)
        self.stop = threading.Event()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.events: list[str] = []
        self.connections = 0
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        assert self._port is not None, "the server is not started"
        return self._port

    @property
    def url(self) -> str:
        scheme = "wss" if self.ssl_context else "ws"
        return f"{scheme}://127.0.0.1:{self.port}/ws-api/v3"

    def _handle(self, conn: ServerConnection) -> None:
        self.connections += 1
        assert conn.request is not None
        self.headers.append({k.lower(): v for k, v in conn.request.headers.raw_items()})
        try:
            for message in conn:
                request = json.loads(message)
                self.requests.append(request)
                self.reply(self, conn, request)
        except ConnectionClosed:
            pass

    def _process_request(self, conn: ServerConnection, request: Request) -> Response | None:
        if self.redirect is not None:  # (status, Location): answer the handshake with a 3xx
            status, location = self.redirect
            response = conn.respond(status, "moved\n")
            response.headers["Location"] = location
            return response
        if self.reject_handshake is None:
            return None
        return conn.respond(self.reject_handshake, "rejected by the test server\n")

    def __enter__(self) -> Self:
        self._server = serve(
            self._handle,
            "127.0.0.1",
            self.bind_port,
            ssl=self.ssl_context,
            compression=None,
            ping_interval=None,
            close_timeout=1,
            max_size=2**16,
            process_request=self._process_request,
        )
        self._port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop.set()
        assert self._server is not None
        assert self._thread is not None
        self._server.shutdown()
        self._thread.join(5)
        assert not self._thread.is_alive()


def drop_tcp(conn: ServerConnection) -> None:
    """Cut the TCP connection without a WebSocket close frame."""
    conn.socket.shutdown(socket.SHUT_RDWR)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port
