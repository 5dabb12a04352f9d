"""A live session: the rules of now and market prices, kept current over one connection.

Rules this module obeys:

1. **Reads never wait.** :attr:`Session.info`, :attr:`Session.snapshot`, :attr:`Session.age`
   and :attr:`Session.stats` read what is there; no read does I/O. Only the calls that
   take a ``wait`` (:meth:`Session.prices`, :meth:`Session.refresh`, :meth:`Session.wait_ready`)
   may wait, and never longer than asked.
2. **One worker owns the connection.** A background thread holds the one
   :class:`~rules.edge.ws.Client` (websocket-client, public methods only, no API key)
   and sends every request; callers hand it work and are woken when it is done.
3. **A snapshot is replaced whole.** A refresh loads the new ``exchangeInfo`` completely,
   then swaps one reference to an immutable :class:`LiveSnapshot`: a reader sees the old
   rules or the new ones, never a mix. A snapshot that does not load is logged and
   dropped; the last good one stays.
4. **Faults are the session's business.** A refused or dropped connection, a timeout or
   a malformed frame: the next attempt waits a jittered exponential backoff. A connection
   the server closed between requests (Binance's 24-hour limit, ``serverShutdown``) is
   replaced at once, and a connection is renewed before it is ``max_connection_age``
   old. A 429 or 418 holds every request until its ``retryAfter``. The weight Binance
   reports is kept under ``weight_budget`` (see :mod:`rules.edge.pacing`). Meanwhile
   ``info`` keeps serving the last good snapshot, and ``age`` says how old it is.
5. **Every change is recorded once**, when a cache is given (:mod:`rules.edge.record`).
6. It logs through :mod:`logging` (logger ``rules.edge.live``) and never prints.

The edge imports nothing of the checker: :meth:`rules.Context.from_prices` makes a
context from what :meth:`Session.prices` returns. Asyncio callers use the ``*_async``
methods, which wait in a worker thread, never on the event loop.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Final, Self

import attrs

from rules.edge.cache import SnapshotCache
from rules.edge.pacing import CONNECT_WEIGHT, WEIGHTS, Backoff, Pacer
from rules.edge.prices import MarketPrices, PriceKind, price_kinds
from rules.edge.protocol import DEFAULT_TIMEOUT, DEFAULT_URL, exchange_info_params
from rules.edge.record import Recorder
from rules.edge.worker import NAP, Job, LiveSnapshot, SessionStats, Worker
from rules.edge.ws import Client
from rules.errors import SnapshotNotFoundError, UnknownSymbolError

if TYPE_CHECKING:
    import ssl
    from types import TracebackType

    from rules.model.models import ExchangeInfo

__all__ = ["LiveSnapshot", "Session", "SessionStats"]

#: Renew a connection this many seconds after it opened (Binance closes it at 24 h).
DEFAULT_MAX_CONNECTION_AGE: Final = 23 * 3600.0


def _seconds(name: str, value: object, *, zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {value!r}")
    try:
        seconds = float(value)
    except OverflowError:  # an int too large for a float
        seconds = math.inf
    if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not zero):
        bound = "0 or more" if zero else "more than 0"
        raise ValueError(f"{name} must be a finite number of seconds, {bound}, not {value!r}")
    return seconds


def _check_symbol(symbol: object) -> None:
    if not isinstance(symbol, str) or not symbol:
        raise TypeError(f"symbol must be a non-empty string, not {symbol!r}")


class Session:
    """The rules of now and market prices, kept current in the background.

    Args:
        url: the WebSocket API endpoint (``ws://`` for tests and proxies).
        interval: seconds between refreshes of ``exchangeInfo``.
        cache: a :class:`~rules.edge.cache.SnapshotCache` (or its directory) to record
            every change to; its latest snapshot also serves until the first refresh.
        symbols: only these symbols (``exchangeInfo``'s ``symbols``); default all.
        permissions: only symbols with these permissions; not with ``symbols``.
        price_ttl: seconds a fetched price is served without asking again.
        price_wait: seconds :meth:`prices` waits for a fresh price by default.
        price_max_age: the oldest price :meth:`prices` returns; an older one is left
            out, and the rules needing it come back ``unchecked``.
        weight_budget: the most ``REQUEST_WEIGHT`` per window the session lets the IP
            reach (Binance's limit is 6000 a minute; the count includes other clients
            of the IP); at least 22, one ``exchangeInfo`` on a new connection.
        timeout: seconds each request may take, connecting included.
        backoff: the first delay after a fault, in seconds; it doubles up to ``max_backoff``.
        max_backoff: the longest delay after faults.
        max_connection_age: seconds after which the connection is renewed.
        ssl_context: TLS settings for ``wss://`` (always verified; see
            :class:`~rules.edge.ws.Client`).
        clock: epoch seconds (``time.time``); ``retryAfter``, ages and windows use it.
        rng: the random source of the backoff's jitter.

    Raises:
        ValueError: a bad URL, a number out of range, ``symbols`` with ``permissions``.
        TypeError: a parameter of the wrong type.

    Example (needs the network, so not a doctest)::

        with Session(interval=60, cache="rules-history") as session:
            session.wait_ready(10)
            prices = session.prices("BTCUSDT")
            context = rules.Context.from_prices(prices, open_orders=3)
            verdict = rules.evaluate(session.info, order, context)
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        interval: float = 60.0,
        cache: SnapshotCache | str | os.PathLike[str] | None = None,
        symbols: Sequence[str] | None = None,
        permissions: str | Sequence[str] | None = None,
        price_ttl: float = 2.0,
        price_wait: float = 1.0,
        price_max_age: float = 60.0,
        weight_budget: int = 1200,
        timeout: float = DEFAULT_TIMEOUT,
        backoff: float = 0.5,
        max_backoff: float = 60.0,
        max_connection_age: float = DEFAULT_MAX_CONNECTION_AGE,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self._client = Client(url, timeout=timeout, ssl_context=ssl_context)
        self.url = self._client.url
        self._params = exchange_info_params(symbols=symbols, permissions=permissions)
        self.interval = _seconds("interval", interval)
        self.price_ttl = _seconds("price_ttl", price_ttl, zero=True)
        self.price_wait = _seconds("price_wait", price_wait, zero=True)
        self.price_max_age = _seconds("price_max_age", price_max_age, zero=True)
        self.max_connection_age = _seconds("max_connection_age", max_connection_age)
        first, most = _seconds("backoff", backoff), _seconds("max_backoff", max_backoff)
        if most < first:
            raise ValueError(f"max_backoff ({most:g}) must not be less than backoff ({first:g})")
        least = WEIGHTS["exchangeInfo"] + CONNECT_WEIGHT
        if type(weight_budget) is not int:
            raise TypeError(f"weight_budget must be an integer, not {weight_budget!r}")
        if weight_budget < least:
            raise ValueError(f"weight_budget must be at least {least}, not {weight_budget}")
        self.weight_budget = weight_budget
        if cache is not None and not isinstance(cache, SnapshotCache):
            cache = SnapshotCache(cache)
        self.cache = cache
        self._clock = clock

        self._w = Worker(
            self._client,
            self._params,
            interval=self.interval,
            max_connection_age=self.max_connection_age,
            recorder=None if cache is None else Recorder(cache),
            pacer=Pacer(weight_budget, Backoff(first, most, rng or random.Random())),
            clock=clock,
        )

    # ------------------------------------------------------------------ life cycle

    def start(self) -> Self:
        """Start the background worker (once); serve the cache's latest snapshot meanwhile.

        Raises:
            RuntimeError: the session was closed.
        """
        with self._w.cond:
            if self._w.stopping:
                raise RuntimeError("the session is closed; make a new one")
            if self._w.thread is not None:
                return self
            self._w.thread = threading.Thread(target=self._w.run, name="rules-live", daemon=True)
        self._w.seed()
        self._w.thread.start()
        return self

    def close(self) -> None:
        """Stop the worker and close the connection; waits for a request in flight."""
        with self._w.cond:
            self._w.stopping = True
            self._w.cond.notify_all()
            thread = self._w.thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(self._client.timeout + 2.0)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        import asyncio

        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        import asyncio

        await asyncio.to_thread(self.close)

    # ------------------------------------------------------------------ reads (never wait)

    @property
    def snapshot(self) -> LiveSnapshot | None:
        """The current snapshot, whole (``None`` before the first)."""
        return self._w.snapshot

    @property
    def info(self) -> ExchangeInfo:
        """The current rules: a complete, loaded snapshot.

        Raises:
            SnapshotNotFoundError: no snapshot yet (see :meth:`wait_ready`).
        """
        snapshot = self._w.snapshot
        if snapshot is None:
            raise SnapshotNotFoundError(
                f"no exchangeInfo from {self.url} yet: start the session and wait_ready()"
            )
        return snapshot.info

    @property
    def age(self) -> float | None:
        """Seconds since the current snapshot arrived (``None``: none yet)."""
        snapshot = self._w.snapshot
        return None if snapshot is None else snapshot.age(self._clock())

    @property
    def stats(self) -> SessionStats:
        """What the session did so far (a copy)."""
        with self._w.cond:
            return attrs.evolve(
                self._w.stats,
                connected=self._client.connected,
                retry_after=self._w.pacer.retry_after,
                highest_weight=self._w.pacer.weights.highest_reported,
            )

    def cached_prices(self, symbol: str) -> MarketPrices:
        """The prices of ``symbol`` as last fetched, however old (never waits)."""
        with self._w.cond:
            return self._w.prices.get(symbol) or MarketPrices(symbol)

    # ------------------------------------------------------------------ calls that may wait

    def wait_ready(self, timeout: float, *, max_age: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds for a snapshot (no older than ``max_age``).

        Returns:
            Whether there is one.
        """
        deadline = time.monotonic() + _seconds("timeout", timeout, zero=True)
        with self._w.cond:
            while True:
                snapshot = self._w.snapshot
                if snapshot is not None and (
                    max_age is None or snapshot.age(self._clock()) <= max_age
                ):
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or self._w.stopping:
                    return False
                self._w.cond.wait(min(left, NAP))

    def refresh(self, wait: float = 0.0) -> bool:
        """Ask for a refresh now (after Binance answered what the rules did not predict).

        Calls made while one is pending share it. Waits up to ``wait`` seconds for it.

        Returns:
            Whether a snapshot fetched after this call arrived within ``wait``.
        """
        deadline = time.monotonic() + _seconds("wait", wait, zero=True)
        with self._w.cond:
            self._w.refresh_asked += 1
            mine = self._w.refresh_asked
            self._w.cond.notify_all()
            while self._w.refresh_done < mine:
                left = deadline - time.monotonic()
                if left <= 0 or self._w.stopping:
                    return False
                self._w.cond.wait(min(left, NAP))
            return True

    def prices(
        self,
        symbol: str,
        *,
        kinds: Iterable[PriceKind] | None = None,
        wait: float | None = None,
        max_age: float | None = None,
    ) -> MarketPrices:
        """The market prices of ``symbol``, fetched if older than ``price_ttl``.

        :meth:`rules.Context.from_prices` makes the context of an order from them::

            context = rules.Context.from_prices(session.prices("BTCUSDT"), open_orders=3)

        Args:
            symbol: the symbol; if the current snapshot does not list it, nothing is asked.
            kinds: which of ``avgPrice``, ``referencePrice``, ``ticker.price`` (default all).
            wait: seconds to wait for fresh prices (default ``price_wait``; 0: never wait,
                the fetch still happens in the background).
            max_age: the oldest price returned (default ``price_max_age``): an older one,
                or one not fetched in time, is ``None``, so the rules that need it come
                back ``unchecked`` rather than judged on an old price.

        Returns:
            The prices of ``kinds`` after the wait, each no older than ``max_age``.

        Raises:
            UnknownSymbolError: the current snapshot has no such symbol.
            ValueError: an unknown kind, a bad ``wait`` or ``max_age``.
            TypeError: ``symbol`` is not a non-empty string.
        """
        wanted = price_kinds(kinds)
        limit = self.price_wait if wait is None else _seconds("wait", wait, zero=True)
        oldest = self.price_max_age if max_age is None else _seconds("max_age", max_age, zero=True)
        snapshot = self._w.snapshot
        _check_symbol(symbol)
        if snapshot is not None and symbol not in snapshot.info:
            raise UnknownSymbolError(symbol)
        deadline = time.monotonic() + limit
        asked = self._clock()
        with self._w.cond:
            current = self._w.prices.get(symbol) or MarketPrices(symbol)
            stale = [k for k in wanted if not self._fresh(current, k, asked)]
            for kind in stale:
                self._w.wanted.setdefault(Job(kind, symbol))
            if stale:
                self._w.cond.notify_all()
            while stale:
                current = self._w.prices.get(symbol) or current
                stale = [
                    k
                    for k in stale
                    if current.fetched.get(k, -math.inf) < asked
                    and self._w.price_errors.get(Job(k, symbol), -math.inf) < asked
                ]
                left = deadline - time.monotonic()
                if not stale or left <= 0 or self._w.stopping:
                    break
                self._w.cond.wait(min(left, NAP))
        chosen = MarketPrices(symbol)
        for kind in wanted:
            when = current.fetched.get(kind)
            if when is not None:
                chosen = chosen.with_price(kind, current.price(kind), at=when)
        return chosen.within(oldest, now=self._clock())

    async def wait_ready_async(self, timeout: float, *, max_age: float | None = None) -> bool:
        """:meth:`wait_ready`, waiting in a worker thread (the event loop runs on)."""
        import asyncio

        return await asyncio.to_thread(self.wait_ready, timeout, max_age=max_age)

    async def refresh_async(self, wait: float = 0.0) -> bool:
        """:meth:`refresh`, waiting in a worker thread."""
        import asyncio

        return await asyncio.to_thread(self.refresh, wait)

    async def prices_async(
        self,
        symbol: str,
        *,
        kinds: Iterable[PriceKind] | None = None,
        wait: float | None = None,
        max_age: float | None = None,
    ) -> MarketPrices:
        """:meth:`prices`, waiting in a worker thread."""
        import asyncio

        return await asyncio.to_thread(self.prices, symbol, kinds=kinds, wait=wait, max_age=max_age)

    def _fresh(self, prices: MarketPrices, kind: PriceKind, now: float) -> bool:
        age = prices.age(kind, now=now)
        return age is not None and age <= self.price_ttl

    # ------------------------------------------------------------------ the worker
