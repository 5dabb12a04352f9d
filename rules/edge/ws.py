"""The Binance WebSocket API client: ``ping``, ``time`` and ``exchangeInfo``.

Rules this module obeys (the shape of h11 and httpcore: pure parts, a thin I/O shell):

1. The pure parts live in :mod:`rules.edge.protocol`: :func:`build_request`,
   :func:`exchange_info_params`, :func:`parse_response` and :func:`clock_offset` are
   pure: text in, values out; no sockets, no clock, no files. This module re-exports
   them with the value types and constants, so ``from rules.edge.ws import ...`` reaches them.
2. Only :class:`Client` talks to the network, and only it imports ``websocket``
   (websocket-client), lazily, so ``import rules`` never loads it.
3. Every exception of the transport (``websocket``, :mod:`ssl`, :mod:`socket`) is
   translated at the boundary into a :class:`~rules.errors.FetchError`; callers never
   see the transport library's types.
4. ``wss://`` certificates and host names are always verified. A private CA is trusted
   through the standard ``SSL_CERT_FILE`` environment variable; no option turns
   verification off, and a context is checked again before every connection, so
   changing it after :class:`Client` was made cannot turn it off either. Redirects
   are refused (a ``3xx`` handshake answer is a :class:`~rules.errors.FetchConnectionError`),
   so ``wss://`` is never followed to plain ``ws://`` or to another host.
5. These requests are public: the client never sends an API key or a signature.

The frames are the ones ``web-socket-api.md`` describes: a request is a JSON text frame
``{"id", "method", "params"}``; a response is ``{"id", "status", "result" | "error",
"rateLimits"}``, matched to its request by ``id``.
"""

from __future__ import annotations

import contextlib
import math
import ssl
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from rules.edge.protocol import (
    DEFAULT_TIMEOUT,
    DEFAULT_URL,
    MAX_SERVER_TIME,
    MAX_TIMEOUT,
    SYMBOL_STATUSES,
    RateLimitStatus,
    Request,
    Response,
    ServerTime,
    _excerpt,
    _parse_envelope,
    _unwrap,
    build_request,
    clock_offset,
    exchange_info_params,
    parse_response,
)
from rules.edge.transport import (
    DEFAULT_MAX_HEADER_SIZE,
    DEFAULT_MAX_MESSAGE_SIZE,
    BoundedSocket,
    check_size,
    open_socket,
    remaining,
)
from rules.errors import (
    ApiError,
    FetchConnectionError,
    FetchError,
    FetchTimeoutError,
    FetchTlsError,
    MalformedFrameError,
    ResponseTooLargeError,
    redact_url,
)

if TYPE_CHECKING:
    from types import TracebackType

    from rules.model.models import ExchangeInfo

__all__ = [
    "DEFAULT_MAX_HEADER_SIZE",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "DEFAULT_TIMEOUT",
    "DEFAULT_URL",
    "MAX_SERVER_TIME",
    "MAX_TIMEOUT",
    "SYMBOL_STATUSES",
    "Client",
    "RateLimitStatus",
    "Request",
    "Response",
    "ResponseTooLargeError",
    "ServerTime",
    "build_request",
    "clock_offset",
    "exchange_info_params",
    "fetch",
    "parse_response",
]


# ----------------------------------------------------------------------------- the shell


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ValueError(f"expected a ws:// or wss:// URL, not {redact_url(url)!r}")
    return url


def _check_timeout(timeout: float) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"timeout must be a number of seconds, not {timeout!r}")
    try:
        seconds = float(timeout)
    except OverflowError:  # an int too large for a float
        seconds = math.inf
    if not 0 < seconds <= MAX_TIMEOUT:  # NaN fails both comparisons
        raise ValueError(
            f"timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds (one day), "
            f"not {seconds!r}"
        )
    return seconds


def _check_context(context: ssl.SSLContext, *, changed: bool = False) -> ssl.SSLContext:
    if context.verify_mode != ssl.CERT_REQUIRED or not context.check_hostname:
        when = " (it was changed after the Client was made)" if changed else ""
        raise ValueError(
            f"ssl_context must verify certificates and host names "
            f"(verify_mode=CERT_REQUIRED, check_hostname=True){when}"
        )
    return context


def _redirect_refused(status: int, location: object) -> str:
    target = f" to {redact_url(location)!r}" if isinstance(location, str) else ""
    return (
        f"the server answered the WebSocket handshake with a redirect (HTTP {status}{target}); "
        f"redirects are not followed: use the final URL"
    )


class Client:
    """A connection to the WebSocket API that several requests can share, one at a time.

    The connection opens on the first request and again after a failure; :meth:`close`
    (or leaving the ``with`` block) closes it. Not thread-safe: use one client per thread.

    Args:
        url: ``wss://`` (or, for tests and proxies, ``ws://``) endpoint. Redirects are
            not followed.
        timeout: seconds each request may take, all of it: connecting, TLS, the
            WebSocket handshake and every frame of the reply (one deadline, not a
            timeout per read). More than 0 and at most :data:`MAX_TIMEOUT` (one day).
        max_message_size: the largest message accepted, in bytes (default 32 MiB);
            a larger one is refused with :class:`ResponseTooLargeError` as it arrives.
        max_header_size: the largest WebSocket handshake answer accepted, in bytes
            (default 64 KiB).
        ssl_context: the TLS settings for ``wss://``; by default
            :func:`ssl.create_default_context`, which trusts the system store or the
            file ``SSL_CERT_FILE`` names. A context that does not verify certificates
            and host names is refused, here and again before every connection (a
            request on a context changed since raises :class:`ValueError`).

    Raises:
        ValueError: the URL is not ``ws://`` or ``wss://``, the timeout is not more than
            0 and at most :data:`MAX_TIMEOUT`, a size is under 1024 bytes, or the
            context does not verify.
        TypeError: the timeout is not a number, or a size not an ``int``.

    Example (needs the network, so not a doctest)::

        with Client() as client:
            offset = client.time().offset
            response = client.exchange_info(symbols=["BTCUSDT", "ETHBTC"])
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        ssl_context: ssl.SSLContext | None = None,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        max_header_size: int = DEFAULT_MAX_HEADER_SIZE,
    ) -> None:
        self.url = _check_url(url)
        self.timeout = _check_timeout(timeout)
        self.max_message_size = check_size("max_message_size", max_message_size)
        self.max_header_size = check_size("max_header_size", max_header_size)
        self._ssl_context = None if ssl_context is None else _check_context(ssl_context)
        self._ws: Any = None
        self._sock: BoundedSocket | None = None
        self._rate_limits: tuple[RateLimitStatus, ...] = ()

    @property
    def rate_limits(self) -> tuple[RateLimitStatus, ...]:
        """The ``rateLimits`` of the last response, error responses included."""
        return self._rate_limits

    @property
    def connected(self) -> bool:
        """Whether a connection is open (the next request reuses it)."""
        return self._ws is not None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection, if open (a clean WebSocket close, briefly awaited)."""
        ws, self._ws = self._ws, None
        sock, self._sock = self._sock, None
        if ws is not None:
            if sock is not None:  # the clean close has its own short deadline
                sock.deadline = time.monotonic() + min(self.timeout, 1.0)
            with contextlib.suppress(Exception):
                ws.close(timeout=min(self.timeout, 1.0))
            ws.shutdown()

    def _abort(self) -> None:
        ws, self._ws = self._ws, None
        self._sock = None
        if ws is not None:
            ws.shutdown()

    def request(self, method: str, params: Mapping[str, Any] | None = None) -> Response:
        """Send one request and wait for its response.

        Frames answering other ids and events are skipped; server ping frames are
        answered while waiting.

        Raises:
            ValueError: see :func:`build_request`; or the ``ssl_context`` was changed
                after the client was made and no longer verifies (nothing is sent).
            RateLimitedError: status 429.
            IpBannedError: status 418.
            ApiError: any other error envelope.
            FetchTimeoutError: no response within ``timeout`` seconds.
            FetchTlsError: the ``wss://`` certificate or host name did not verify.
            FetchConnectionError: refused, rejected or redirected handshake, or closed
                before the reply.
            MalformedFrameError: a frame that is not a response (the connection is closed).
            FetchError: any other failure of the transport (the connection is closed).
        """
        response, _, _ = self._exchange(build_request(method, params))
        return response

    def ping(self) -> Response:
        """Send ``ping`` (weight 1): the server is reachable and answering.

        Raises:
            FetchError: as :meth:`request`.
            ApiError: as :meth:`request`.
        """
        return self.request("ping")

    def time(self) -> ServerTime:
        """Send ``time`` (weight 1): the server's clock and the local clock's offset.

        Raises:
            FetchError: as :meth:`request`.
            ApiError: as :meth:`request`.
        """
        response, sent, received = self._exchange(build_request("time"))
        return clock_offset(response, sent=sent, received=received)

    def exchange_info(
        self,
        *,
        symbol: str | None = None,
        symbols: Sequence[str] | None = None,
        permissions: str | Sequence[str] | None = None,
        show_permission_sets: bool | None = None,
        symbol_status: str | None = None,
    ) -> Response:
        """Send ``exchangeInfo`` (weight 20) filtered as :func:`exchange_info_params` says.

        The raw response is returned; :func:`fetch` loads it into rule objects. Without
        parameters Binance lists the symbols with SPOT, MARGIN or LEVERAGED permissions.

        Raises:
            ValueError: a combination the docs forbid (nothing is sent).
            TypeError: a parameter of the wrong type (nothing is sent).
            FetchError: as :meth:`request`.
            ApiError: as :meth:`request`.
        """
        params = exchange_info_params(
            symbol=symbol,
            symbols=symbols,
            permissions=permissions,
            show_permission_sets=show_permission_sets,
            symbol_status=symbol_status,
        )
        response = self.request("exchangeInfo", params)
        if not isinstance(response.result, dict):
            raise MalformedFrameError(
                f"the exchangeInfo result is not an object: {_excerpt(response.result_text)}",
                url=self.url,
            )
        return response

    # -- I/O

    def _exchange(self, request: Request) -> tuple[Response, float, float]:
        deadline = time.monotonic() + self.timeout
        if self._ws is None and self._ssl_context is not None:
            # Checked again before each connection: a context changed after __init__
            # must not turn verification off.
            _check_context(self._ssl_context, changed=True)
        with self._translate():
            ws = self._connection(deadline)
            assert self._sock is not None
            self._sock.deadline = deadline  # a reused connection: this request's deadline
            sent = time.time() * 1000
            ws.send(request.text)
            while True:
                envelope = _parse_envelope(self._receive(ws, deadline))
                received = time.time() * 1000
                if not envelope.is_event and envelope.id in (request.id, None):
                    self._rate_limits = envelope.rate_limits
                response = _unwrap(envelope, request.id)
                if response is not None:
                    return response, sent, received

    def _connection(self, deadline: float) -> Any:
        if self._ws is not None:
            return self._ws
        import websocket  # only the shell needs the transport

        context = self._ssl_context or ssl.create_default_context()
        ws: Any = websocket.WebSocket(
            enable_multithread=False,
            # UTF-8 is checked by bytes.decode in _parse_envelope, at C speed.
            skip_utf8_validation=True,
        )
        # Our own socket (rules.edge.transport): TCP and TLS by the deadline, then every
        # read and write of websocket-client within it, and a byte budget per phase.
        sock = open_socket(self.url, deadline, self.timeout, context)
        sock.expect(self.max_header_size, "the WebSocket handshake answer")
        try:
            # websocket-client follows up to 3 redirects by default, to any URL, wss://
            # to plain ws:// included; redirect_limit=0 makes a 3xx answer an error.
            ws.connect(self.url, redirect_limit=0, socket=sock)
        except websocket.WebSocketException:
            sock.close()
            answer = getattr(ws, "handshake_response", None)
            status = getattr(answer, "status", None)
            if isinstance(status, int) and 300 <= status < 400:
                location = getattr(answer, "headers", {}).get("location")
                raise FetchConnectionError(_redirect_refused(status, location)) from None
            raise
        except BaseException:
            sock.close()
            raise
        self._sock = sock
        self._ws = ws
        return ws

    def _remaining(self, deadline: float) -> float:
        return remaining(deadline, self.timeout)

    def _receive(self, ws: Any, deadline: float) -> str | bytes:
        """The next data frame; control frames come back here so the deadline holds."""
        from websocket import ABNF

        # One budget for the message and the control frames around it: a ping between
        # two fragments must not start a new budget while the fragments pile up.
        assert self._sock is not None
        self._sock.expect(self.max_message_size, "a message from the server")
        while True:
            self._remaining(deadline)
            # control_frame=True: websocket-client answers a ping with a pong, then
            # returns it instead of waiting on, so pings cannot extend the timeout.
            opcode, frame = ws.recv_data_frame(control_frame=True)
            if opcode in (ABNF.OPCODE_PING, ABNF.OPCODE_PONG):
                continue
            data: bytes = frame.data
            if opcode == ABNF.OPCODE_TEXT:
                return data  # decoded, and so checked for UTF-8, by _parse_envelope
            if opcode == ABNF.OPCODE_CLOSE:
                code = int.from_bytes(data[:2], "big") if len(data) >= 2 else None
                reason = data[2:].decode("utf-8", "replace")
                detail = f" (close code {code}{': ' + reason if reason else ''})" if code else ""
                raise FetchConnectionError(
                    f"the server closed the connection before the reply{detail}"
                )
            raise MalformedFrameError(
                "received a binary frame where a JSON text frame was expected"
            )

    @contextlib.contextmanager
    def _translate(self) -> Iterator[None]:
        """Map transport exceptions to ours, and drop a connection in an unknown state."""
        import websocket

        try:
            yield
        except ApiError:
            raise  # the connection is fine: Binance answered
        except FetchError as error:
            self._abort()
            error.url = error.url or self.url
            raise
        except websocket.WebSocketTimeoutException:
            self._abort()
            raise FetchTimeoutError(f"no reply within {self.timeout:g} s", url=self.url) from None
        except TimeoutError:
            self._abort()
            raise FetchTimeoutError(f"no reply within {self.timeout:g} s", url=self.url) from None
        except ssl.SSLCertVerificationError as error:
            self._abort()
            reason = str(error.verify_message or error.reason).rstrip(".")
            hint = (
                ""
                if "mismatch" in reason
                else "; to trust a private CA, set SSL_CERT_FILE to its certificate file"
            )
            raise FetchTlsError(f"TLS verification failed: {reason}{hint}", url=self.url) from None
        except ssl.SSLError as error:
            self._abort()
            raise FetchTlsError(f"TLS failed: {error.reason or error}", url=self.url) from None
        except ConnectionRefusedError:
            self._abort()
            raise FetchConnectionError("connection refused", url=self.url) from None
        except websocket.WebSocketBadStatusException as error:
            self._abort()
            raise FetchConnectionError(
                f"the server refused the WebSocket handshake with HTTP {error.status_code}",
                url=self.url,
            ) from None
        except websocket.WebSocketAddressException as error:
            self._abort()
            raise FetchConnectionError(f"cannot resolve the host: {error}", url=self.url) from None
        except websocket.WebSocketConnectionClosedException:
            self._abort()
            raise FetchConnectionError(
                "the server closed the connection before the reply", url=self.url
            ) from None
        except (websocket.WebSocketProtocolException, websocket.WebSocketPayloadException) as e:
            self._abort()
            raise MalformedFrameError(f"received an invalid frame: {e}", url=self.url) from None
        except websocket.WebSocketException as error:
            self._abort()
            raise FetchConnectionError(f"WebSocket failure: {error}", url=self.url) from None
        except OSError as error:
            self._abort()
            raise FetchConnectionError(
                f"connection failed: {error.strerror or error}", url=self.url
            ) from None
        except Exception as error:
            # Nothing else should come out of the transport; if something does, it is
            # still a failed fetch, never a foreign exception type (nor a CLI traceback).
            self._abort()
            raise FetchError(
                f"unexpected failure: {type(error).__name__}: {error}", url=self.url
            ) from error
        except BaseException:  # KeyboardInterrupt, SystemExit: drop the connection, go on
            self._abort()
            raise


def fetch(
    url: str = DEFAULT_URL,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    ssl_context: ssl.SSLContext | None = None,
    symbol: str | None = None,
    symbols: Sequence[str] | None = None,
    permissions: str | Sequence[str] | None = None,
    show_permission_sets: bool | None = None,
    symbol_status: str | None = None,
    max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
) -> ExchangeInfo:
    """Fetch the live ``exchangeInfo`` and load it into rule objects.

    One connection, one request, closed afterwards. To keep the raw text (for the
    snapshot cache), use :meth:`Client.exchange_info` and :mod:`rules.edge.cache`.

    Raises:
        ValueError: a bad URL or timeout, or a parameter combination the docs forbid
            (nothing sent).
        TypeError: a parameter of the wrong type (nothing sent).
        RateLimitedError: status 429; back off until ``retry_after``.
        IpBannedError: status 418.
        ApiError: any other error envelope.
        FetchError: timeout, TLS, connection or malformed-frame failure.
        LoadError: the result is not a loadable exchangeInfo.
    """
    from rules.model.load import loads  # keeps this module light to import

    with Client(
        url, timeout=timeout, ssl_context=ssl_context, max_message_size=max_message_size
    ) as client:
        response = client.exchange_info(
            symbol=symbol,
            symbols=symbols,
            permissions=permissions,
            show_permission_sets=show_permission_sets,
            symbol_status=symbol_status,
        )
    return loads(response.result_text, source=redact_url(url))
