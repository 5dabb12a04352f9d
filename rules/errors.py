"""Every exception :mod:`rules` raises.

All of them derive from :class:`RulesError`; each also derives from the builtin
whose meaning it shares, so ``except KeyError`` still catches an unknown symbol.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rules.checker.violations import Verdict

__all__ = [
    "ApiError",
    "FetchConnectionError",
    "FetchError",
    "FetchTimeoutError",
    "FetchTlsError",
    "IpBannedError",
    "LoadError",
    "MalformedFrameError",
    "OrderRejected",
    "RateLimitedError",
    "ResponseTooLargeError",
    "RulesError",
    "SnapshotNotFoundError",
    "UnknownSymbolError",
    "redact_url",
]


def redact_url(url: str) -> str:
    """The URL with any ``user:password@`` replaced by ``***@``, fit to print.

    >>> redact_url("wss://bot:s3cret@example.com:9443/ws-api/v3")
    'wss://***@example.com:9443/ws-api/v3'
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = len(rest)
    for stop in "/?#":
        index = rest.find(stop)
        if index != -1:
            end = min(end, index)
    authority = rest[:end]
    if "@" not in authority:
        return url
    return f"{scheme}://***@{authority.rpartition('@')[2]}{rest[end:]}"


class RulesError(Exception):
    """Base class of every error raised by :mod:`rules`."""


class LoadError(RulesError, ValueError):
    """The input is not an exchangeInfo the library can load.

    ``problems`` holds one line per problem, each starting with the JSON path
    of the offending value (``$.symbols[12].filters[0].tickSize: ...``).
    """

    def __init__(self, problems: Iterable[str], *, source: str | None = None) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        where = f" from {self.source}" if self.source else ""
        if len(self.problems) == 1:
            return f"cannot load exchangeInfo{where}: {self.problems[0]}"
        lines = "\n".join(f"  {p}" for p in self.problems)
        return f"cannot load exchangeInfo{where}: {len(self.problems)} problems\n{lines}"

    def __str__(self) -> str:
        return self._render()


class ApiError(RulesError):
    """Binance answered with an error envelope instead of a result.

    Carries Binance's own ``code`` (``-1121``) and ``msg`` (``"Invalid symbol."``),
    and the envelope's HTTP-like ``status`` (400, 429, 418, ...) when there was one.
    """

    def __init__(self, code: int, msg: str, *, status: int | None = None) -> None:
        self.code = code
        self.msg = msg
        self.status = status
        super().__init__(code, msg, status)

    def __str__(self) -> str:
        status = f" (status {self.status})" if self.status is not None else ""
        return f"Binance error {self.code}: {self.msg}{status}"


class UnknownSymbolError(RulesError, KeyError):
    """The exchangeInfo has no symbol of that name."""

    def __init__(self, symbol: str, *, hint: str | None = None) -> None:
        self.symbol = symbol
        #: What was probably meant, or why the name is unknown (``"did you mean 'BTCUSDT'?"``).
        self.hint = hint
        super().__init__(symbol)

    def __str__(self) -> str:
        tail = f" ({self.hint})" if self.hint else ""
        return f"unknown symbol {self.symbol!r}{tail}"


class RateLimitedError(ApiError):
    """Binance refused the request because a rate limit is exhausted (status 429).

    ``retry_after`` is the instant (milliseconds since the epoch, UTC) from which
    Binance says the request may be retried, when the envelope gave one.
    Back off until then; repeated 429s lead to an IP ban (:class:`IpBannedError`).
    """

    def __init__(
        self, code: int, msg: str, *, status: int | None = 429, retry_after: int | None = None
    ) -> None:
        super().__init__(code, msg, status=status)
        self.retry_after = retry_after

    def __str__(self) -> str:
        after = f"; retry after {self.retry_after} (ms since epoch)" if self.retry_after else ""
        return f"{super().__str__()}{after}"


class IpBannedError(RateLimitedError):
    """The IP address is banned for ignoring rate limits (status 418).

    A ban is a rate limit that lasts longer, so ``except RateLimitedError`` catches it too.
    ``retry_after`` is when the ban is lifted.
    """

    def __init__(
        self, code: int, msg: str, *, status: int | None = 418, retry_after: int | None = None
    ) -> None:
        super().__init__(code, msg, status=status, retry_after=retry_after)


class FetchError(RulesError):
    """Talking to the Binance WebSocket API failed before a usable reply arrived.

    ``url`` is the endpoint, when known. Binance's own refusals are :class:`ApiError`.
    """

    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.message = message
        self.url = url
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message} ({redact_url(self.url)})" if self.url else self.message


class FetchTimeoutError(FetchError, TimeoutError):
    """No reply arrived within the timeout."""


class FetchConnectionError(FetchError, ConnectionError):
    """The connection was refused, could not be opened, or was closed before the reply."""


class FetchTlsError(FetchConnectionError):
    """The server's ``wss://`` certificate or host name could not be verified.

    Trust a private CA through the standard ``SSL_CERT_FILE`` environment variable;
    verification is never turned off.
    """


class ResponseTooLargeError(FetchError):
    """The server sent more than the client accepts: a handshake answer or a message.

    The limits are :class:`rules.edge.ws.Client`'s ``max_header_size`` and
    ``max_message_size``; reading stops as soon as one is passed.
    """


class MalformedFrameError(FetchError, ValueError):
    """A frame from the server is not a WebSocket API response (not JSON, not an envelope)."""


class SnapshotNotFoundError(RulesError, LookupError):
    """The snapshot cache holds no snapshot that answers the question."""


class OrderRejected(RulesError, ValueError):
    """Binance would reject the order; raised by :func:`rules.check`.

    ``verdict`` is the whole :class:`~rules.checker.violations.Verdict`, every violation
    included; the message lists them, one a line.
    """

    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict
        super().__init__(verdict)

    def __str__(self) -> str:
        lines = [str(v) for v in self.verdict.violations]
        if len(lines) == 1:
            return f"order rejected: {lines[0]}"
        return f"order rejected: {len(lines)} violations\n" + "\n".join(f"  {x}" for x in lines)
