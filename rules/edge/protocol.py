"""The pure half of the Binance WebSocket API client: frames in and out, no I/O.

Rules this module obeys (the shape of h11 and wsproto: bring your own I/O):

1. :func:`build_request`, :func:`exchange_info_params`, :func:`parse_response` and
   :func:`clock_offset` are pure: text in, values out; no sockets, no clock, no files.
2. It never imports ``websocket`` (websocket-client): only the shell, :mod:`rules.edge.ws`,
   talks to the network. :mod:`rules.edge.ws` re-exports every public name defined here.
3. These requests are public: a request that would carry an API key or a signature is
   refused, not sent.

The frames are the ones ``web-socket-api.md`` describes: a request is a JSON text frame
``{"id", "method", "params"}``; a response is ``{"id", "status", "result" | "error",
"rateLimits"}``, matched to its request by ``id``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from rules.errors import (
    ApiError,
    IpBannedError,
    MalformedFrameError,
    RateLimitedError,
)
from rules.model.numbers import MAX_TIMESTAMP_MS

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_URL",
    "MAX_SERVER_TIME",
    "MAX_TIMEOUT",
    "SYMBOL_STATUSES",
    "RateLimitStatus",
    "Request",
    "Response",
    "ServerTime",
    "build_request",
    "clock_offset",
    "exchange_info_params",
    "parse_response",
]

DEFAULT_URL: Final = "wss://ws-api.binance.com:443/ws-api/v3"
"""The production endpoint (``web-socket-api.md``, "General API Information")."""

DEFAULT_TIMEOUT: Final = 10.0
"""Seconds one request may take, connecting included."""

MAX_TIMEOUT: Final = 86_400.0
"""The longest timeout accepted, in seconds (one day); longer ones are refused."""

MAX_SERVER_TIME: Final = MAX_TIMESTAMP_MS
"""The latest ``serverTime`` accepted: 9999-12-31T23:59:59.999Z, in ms since the epoch."""

SYMBOL_STATUSES: Final = ("TRADING", "HALT", "BREAK")
"""The values ``exchangeInfo`` accepts for ``symbolStatus``."""

# Parameters that would carry credentials. These requests are public, so a request
# that holds one is a mistake we refuse rather than send.
_SECRET_PARAMS: Final = frozenset({"apiKey", "signature"})

# ----------------------------------------------------------------------------- values


@attrs.frozen
class RateLimitStatus:
    """One entry of a response's ``rateLimits``: ``count`` used of ``limit`` per interval.

    ``interval_num`` ``interval`` is the window (``1 MINUTE``, ``10 SECOND``).
    """

    rate_limit_type: str
    interval: str
    interval_num: int
    limit: int
    count: int


@attrs.frozen
class Request:
    """One request frame: ``text`` is what goes on the wire."""

    id: str
    method: str
    params: Mapping[str, Any] = attrs.field(hash=False)
    text: str


@attrs.frozen
class Response:
    """A successful response matched to its request.

    ``result`` is the parsed JSON value; ``result_text`` is the exact text of the
    ``result`` member as it arrived in the frame (lossless, for caching).
    """

    id: str | int | None
    status: int
    result: Any = attrs.field(hash=False, repr=False)
    result_text: str = attrs.field(repr=False)
    rate_limits: tuple[RateLimitStatus, ...] = ()


@attrs.frozen
class ServerTime:
    """The server's clock and how far the local clock is from it.

    ``offset`` is server time minus local time in milliseconds, estimated at the midpoint
    of the round trip: positive when the local clock is behind. A bot that signs requests
    should use ``local time + offset`` as its ``timestamp``; a clock that is off by more
    than the ``recvWindow`` gets ``-1021`` on every signed request.
    """

    server_time: int
    offset: int
    round_trip: int
    rate_limits: tuple[RateLimitStatus, ...] = ()


# ----------------------------------------------------------------------------- pure: requests


def build_request(
    method: str, params: Mapping[str, Any] | None = None, *, request_id: str | None = None
) -> Request:
    """Build one request frame with a unique ``id``.

    Args:
        method: the WebSocket API method (``"ping"``, ``"time"``, ``"exchangeInfo"``).
        params: the request parameters; omitted from the frame when empty.
        request_id: the ``id`` to use; a fresh UUID4 by default.

    Returns:
        The request, whose ``text`` is the JSON text frame.

    Raises:
        ValueError: ``method`` is empty, a parameter is not JSON (NaN, or a string that is
            not UTF-8 encodable, included), or a parameter would carry credentials
            (``apiKey``, ``signature``).

    >>> build_request("time", request_id="1").text
    '{"id":"1","method":"time"}'
    """
    if not method:
        raise ValueError(f"expected a method name, not {method!r}")
    frame: dict[str, Any] = {"id": request_id or str(uuid.uuid4()), "method": method}
    params = dict(params or {})
    secret = _SECRET_PARAMS.intersection(params)
    if secret:
        raise ValueError(f"refusing to send credentials ({', '.join(sorted(secret))})")
    if params:
        frame["params"] = params
    try:
        text = json.dumps(frame, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
        text.encode("utf-8")  # a lone surrogate (from an undecodable argv) cannot be sent
    except (TypeError, ValueError) as error:  # UnicodeEncodeError is a ValueError
        raise ValueError(f"parameters are not JSON: {error}") from None
    return Request(frame["id"], method, params, text)


def exchange_info_params(
    *,
    symbol: str | None = None,
    symbols: Sequence[str] | None = None,
    permissions: str | Sequence[str] | None = None,
    show_permission_sets: bool | None = None,
    symbol_status: str | None = None,
) -> dict[str, Any]:
    """The ``params`` of an ``exchangeInfo`` request, refusing what Binance forbids.

    The docs allow only one of ``symbol``, ``symbols`` and ``permissions``; and
    ``symbolStatus`` (one of :data:`SYMBOL_STATUSES`) not together with ``symbol`` or
    ``symbols``. A parameter left ``None`` is not sent.

    Raises:
        ValueError: a forbidden combination, an empty or duplicated symbol list, an
            empty name, or an unknown ``symbol_status``.
        TypeError: a parameter of the wrong type (``symbols="BTCUSDT"``).

    >>> exchange_info_params(symbols=["BTCUSDT", "BNBBTC"])
    {'symbols': ['BTCUSDT', 'BNBBTC']}
    >>> exchange_info_params(symbol="BTCUSDT", symbol_status="TRADING")
    Traceback (most recent call last):
    ...
    ValueError: symbol_status cannot be combined with symbol
    """
    chosen = [
        name
        for name, value in (
            ("symbol", symbol),
            ("symbols", symbols),
            ("permissions", permissions),
        )
        if value is not None
    ]
    if len(chosen) > 1:
        raise ValueError(f"only one of symbol, symbols and permissions may be given, not {chosen}")
    if symbol_status is not None and chosen and chosen[0] != "permissions":
        raise ValueError(f"symbol_status cannot be combined with {chosen[0]}")
    params: dict[str, Any] = {}
    if symbol is not None:
        params["symbol"] = _name("symbol", symbol)
    if symbols is not None:
        params["symbols"] = _names("symbols", symbols)
    if permissions is not None:
        params["permissions"] = (
            _name("permissions", permissions)
            if isinstance(permissions, str)
            else _names("permissions", permissions)
        )
    if show_permission_sets is not None:
        if not isinstance(show_permission_sets, bool):
            raise TypeError(f"show_permission_sets must be a bool, not {show_permission_sets!r}")
        params["showPermissionSets"] = show_permission_sets
    if symbol_status is not None:
        if symbol_status not in SYMBOL_STATUSES:
            raise ValueError(
                f"symbol_status must be one of {', '.join(SYMBOL_STATUSES)}, not {symbol_status!r}"
            )
        params["symbolStatus"] = symbol_status
    return params


def _name(what: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, not {value!r}")
    if not value:
        raise ValueError(f"{what} must not be empty")
    return value


def _names(what: str, values: object) -> list[str]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(f"{what} must be a list of strings, not {values!r}")
    names = [_name(what, value) for value in values]
    if not names:
        raise ValueError(f"{what} must not be an empty list")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{what} lists {', '.join(duplicates)} more than once")
    return names


# ----------------------------------------------------------------------------- pure: responses


@attrs.frozen
class _Envelope:
    """Any frame the server sends, before matching and unwrapping."""

    id: str | int | None
    status: int | None
    is_event: bool
    result: Any
    result_text: str | None
    error: ApiError | None
    rate_limits: tuple[RateLimitStatus, ...]


_SPACE: Final = re.compile(r"[ \t\n\r]*")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant)


def _excerpt(text: str) -> str:
    return repr(text[:60] + ("..." if len(text) > 60 else ""))


def _members(text: str) -> dict[str, tuple[Any, int, int]]:
    """The top-level members of a JSON object: ``name -> (value, start, end)``.

    Values are parsed by the standard library's scanner; ``start``/``end`` locate each
    value's exact text, so the ``result`` can be kept byte for byte.

    Raises:
        ValueError: the text is not one JSON object, or repeats a member.
    """
    i = _SPACE.match(text).end()  # type: ignore[union-attr] # the pattern matches ""
    if not text.startswith("{", i):
        raise ValueError("not a JSON object")
    i = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
    members: dict[str, tuple[Any, int, int]] = {}
    if text.startswith("}", i):
        i += 1
    else:
        while True:
            if not text.startswith('"', i):
                raise ValueError(f"expected a member name at character {i}")
            name, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
            if not text.startswith(":", i):
                raise ValueError(f"expected ':' at character {i}")
            start = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
            value, end = _DECODER.raw_decode(text, start)
            if name in members:
                raise ValueError(f"member {name!r} appears twice")
            members[name] = (value, start, end)
            i = _SPACE.match(text, end).end()  # type: ignore[union-attr]
            if text.startswith(",", i):
                i = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
                continue
            if text.startswith("}", i):
                i += 1
                break
            raise ValueError(f"expected ',' or '}}' at character {i}")
    if _SPACE.match(text, i).end() != len(text):  # type: ignore[union-attr]
        raise ValueError(f"extra data after the object at character {i}")
    return members


def _rate_limits(value: Any) -> tuple[RateLimitStatus, ...]:
    if not isinstance(value, list):
        raise ValueError(f"rateLimits is not a list: {value!r}")
    limits = []
    for entry in value:
        if not isinstance(entry, dict):
            raise ValueError(f"rateLimits entry is not an object: {entry!r}")
        try:
            fields = (
                entry["rateLimitType"],
                entry["interval"],
                entry["intervalNum"],
                entry["limit"],
                entry["count"],
            )
        except KeyError as missing:
            raise ValueError(f"rateLimits entry without {missing}: {entry!r}") from None
        if not all(isinstance(f, str) for f in fields[:2]) or not all(
            type(f) is int for f in fields[2:]
        ):
            raise ValueError(f"rateLimits entry of the wrong types: {entry!r}")
        limits.append(RateLimitStatus(*fields))
    return tuple(limits)


def _error(status: int, error: Any, members: Mapping[str, tuple[Any, int, int]]) -> ApiError:
    if not isinstance(error, dict):
        raise ValueError(f"error is not an object: {error!r}")
    code, msg = error.get("code"), error.get("msg")
    if type(code) is not int or not isinstance(msg, str):
        raise ValueError(f"error without an integer code and a msg: {error!r}")
    if status not in (418, 429):
        return ApiError(code, msg, status=status)
    # web-socket-api.md, "IP limits": rate-limited and banned responses carry a
    # ``retryAfter`` (ms since epoch); its example puts it in ``error.data``.
    # A retryAfter that is not an integer is ignored, not an error: the answer is still
    # a rate limit or a ban, only the instant to wait for is unknown (retry_after None).
    data = error.get("data")
    candidates = (
        data.get("retryAfter") if isinstance(data, dict) else None,
        members["retryAfter"][0] if "retryAfter" in members else None,
    )
    # An instant out of range (negative, after the year 9999) is ignored the same way.
    retry_after = next(
        (c for c in candidates if type(c) is int and 0 <= c <= MAX_TIMESTAMP_MS), None
    )
    kind = IpBannedError if status == 418 else RateLimitedError
    return kind(code, msg, status=status, retry_after=retry_after)


def _parse_envelope(text: str | bytes) -> _Envelope:
    """Parse any server frame.

    Raises:
        MalformedFrameError: not UTF-8, not JSON, or not a response or event envelope.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedFrameError("received a frame that is not UTF-8 text") from None
    try:
        members = _members(text)
        get = {name: value for name, (value, _, _) in members.items()}
        if "id" not in get and "event" in get:  # serverShutdown and friends
            return _Envelope(None, None, True, None, None, None, ())
        request_id, status = get.get("id"), get.get("status")
        if "id" not in get:
            raise ValueError("no id")
        if request_id is not None and not isinstance(request_id, str | int):
            raise ValueError(f"id is not a string or an integer: {request_id!r}")
        if type(status) is not int:
            raise ValueError(f"status is not an integer: {status!r}")
        limits = _rate_limits(get["rateLimits"]) if "rateLimits" in get else ()
        if "error" in get:
            error = _error(status, get["error"], members)
            return _Envelope(request_id, status, False, None, None, error, limits)
        if "result" not in get or not 200 <= status < 300:
            raise ValueError(f"status {status} without a result or an error")
        _, start, end = members["result"]
        return _Envelope(request_id, status, False, get["result"], text[start:end], None, limits)
    except (ValueError, RecursionError) as error:
        raise MalformedFrameError(
            f"received a frame that is not a WebSocket API response ({error}): {_excerpt(text)}"
        ) from None


def parse_response(text: str | bytes, *, request_id: str | int | None) -> Response | None:
    """Unwrap the response to request ``request_id`` from one text frame.

    Args:
        text: the frame's payload.
        request_id: the ``id`` of the request waiting for an answer.

    Returns:
        The response, or ``None`` when the frame is not for this request: the answer
        to another ``id``, or an event such as ``serverShutdown``. An error envelope
        whose ``id`` is ``null`` is taken as the answer: Binance sends one when it
        could not read the request's ``id``.

    Raises:
        RateLimitedError: status 429; ``retry_after`` when Binance gave one.
        IpBannedError: status 418; ``retry_after`` is when the ban ends.
        ApiError: any other error envelope, with Binance's ``code``, ``msg`` and ``status``.
        MalformedFrameError: the frame is not JSON, or not a response envelope.

    >>> parse_response('{"id":"1","status":200,"result":{}}', request_id="1").result
    {}
    >>> parse_response('{"id":"1","status":400,"error":{"code":-1121,"msg":"Invalid symbol."}}',
    ...                request_id="1")
    Traceback (most recent call last):
    ...
    rules.errors.ApiError: Binance error -1121: Invalid symbol. (status 400)
    """
    return _unwrap(_parse_envelope(text), request_id)


def _unwrap(envelope: _Envelope, request_id: str | int | None) -> Response | None:
    if envelope.is_event:
        return None
    if envelope.id != request_id and not (envelope.id is None and envelope.error is not None):
        return None
    if envelope.error is not None:
        raise envelope.error
    assert envelope.status is not None
    assert envelope.result_text is not None
    return Response(
        envelope.id, envelope.status, envelope.result, envelope.result_text, envelope.rate_limits
    )


def clock_offset(response: Response, *, sent: float, received: float) -> ServerTime:
    """The local clock's offset from a ``time`` response.

    Args:
        response: the ``time`` response (``{"serverTime": ms}``).
        sent: local time (ms since epoch) when the request was sent.
        received: local time (ms since epoch) when the response arrived.

    Raises:
        MalformedFrameError: the result has no integer ``serverTime``, or one out of
            range (below 0 or after :data:`MAX_SERVER_TIME`).

    >>> r = Response("1", 200, {"serverTime": 1_000_600}, '{"serverTime":1000600}')
    >>> clock_offset(r, sent=1_000_000.0, received=1_000_200.0)
    ServerTime(server_time=1000600, offset=500, round_trip=200, rate_limits=())
    """
    result = response.result
    server = result.get("serverTime") if isinstance(result, dict) else None
    if type(server) is not int:
        raise MalformedFrameError(
            f"the time result has no integer serverTime: {_excerpt(response.result_text)}"
        )
    if not 0 <= server <= MAX_SERVER_TIME:  # compared, never printed: it may be huge
        raise MalformedFrameError(
            f"the time result's serverTime is out of range (0 to {MAX_SERVER_TIME}, "
            f"the year 9999): {_excerpt(response.result_text)}"
        )
    midpoint = (sent + received) / 2
    return ServerTime(
        server_time=server,
        offset=round(server - midpoint),
        round_trip=round(received - sent),
        rate_limits=response.rate_limits,
    )
