"""The live session's worker: one thread, one connection, every request.

:class:`~rules.edge.live.Session` is the public face; this module does the work it
describes (rules 2 to 6 of :mod:`rules.edge.live`): it picks the next job (a price a
caller waits for first, then a refresh asked for or due), asks the
:class:`~rules.edge.pacing.Pacer` when it may go, sends it, and files the answer.
Everything shared with callers is guarded by :attr:`Worker.cond`, except
:attr:`Worker.snapshot`, one reference swapped whole.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from rules.edge.pacing import CONNECT_WEIGHT, WEIGHTS, Pacer
from rules.edge.prices import MarketPrices, PriceKind, parse_price
from rules.edge.record import Recorder, rules_key
from rules.errors import (
    ApiError,
    FetchConnectionError,
    FetchError,
    FetchTlsError,
    LoadError,
    RateLimitedError,
)

if TYPE_CHECKING:
    from rules.edge.protocol import Response
    from rules.edge.ws import Client
    from rules.model.models import ExchangeInfo

__all__ = ["LiveSnapshot", "SessionStats", "Worker"]

log = logging.getLogger("rules.edge.live")

# The longest a waiting thread sleeps before looking again (wall-clock jumps, stop).
NAP: Final = 0.5


@attrs.frozen
class LiveSnapshot:
    """One complete snapshot: its rules, when it arrived, and where from.

    ``received_at`` is epoch seconds; for a snapshot read from the cache at start
    (``source == "cache"``) it is the snapshot's ``serverTime``. ``rules_key`` is
    :func:`~rules.edge.record.rules_key` of ``info``.
    """

    info: ExchangeInfo = attrs.field(repr=False)
    received_at: float
    rules_key: str = attrs.field(repr=False)
    source: Literal["live", "cache"] = "live"

    def age(self, now: float | None = None) -> float:
        """Seconds since it arrived (never negative)."""
        return max(0.0, (time.time() if now is None else now) - self.received_at)


@attrs.frozen
class SessionStats:
    """What the session did so far (a copy; counters only grow).

    ``retry_after`` is the last ``retryAfter`` Binance gave (epoch seconds);
    ``highest_weight`` the highest ``REQUEST_WEIGHT`` count it reported.
    """

    requests: int = 0
    connections: int = 0
    reconnects: int = 0
    faults: int = 0
    rate_limited: int = 0
    refreshes: int = 0
    changes: int = 0
    recorded: int = 0
    weight_sent: int = 0
    highest_weight: int = 0
    connected: bool = False
    retry_after: float | None = None
    last_error: str | None = None


@attrs.frozen
class Job:
    method: str
    symbol: str | None = None


REFRESH: Final = Job("exchangeInfo")


class Worker:
    """The background thread of a session and the state it shares with callers."""

    def __init__(
        self,
        client: Client,
        params: Mapping[str, Any],
        *,
        interval: float,
        max_connection_age: float,
        recorder: Recorder | None,
        pacer: Pacer,
        clock: Callable[[], float],
    ) -> None:
        self.client = client
        self.params = params
        self.interval = interval
        self.max_connection_age = max_connection_age
        self.recorder = recorder
        self.pacer = pacer
        self.clock = clock
        #: Guards everything below but ``snapshot``; notified on every change.
        self.cond = threading.Condition()
        self.thread: threading.Thread | None = None
        self.stopping = False
        #: The current snapshot: one reference, replaced whole.
        self.snapshot: LiveSnapshot | None = None
        self.next_refresh = 0.0  # time.monotonic(): due at once
        self.refresh_asked = 0  # on-demand refreshes asked for ...
        self.refresh_done = 0  # ... and the highest one answered by a snapshot
        self.wanted: dict[Job, None] = {}  # price jobs, oldest first
        self.prices: dict[str, MarketPrices] = {}
        self.price_errors: dict[Job, float] = {}  # when a price last failed
        self.stats = SessionStats()
        self._connected_at = 0.0
        self._stale_retry = False

    def seed(self) -> None:
        if self.recorder is None:
            return
        try:
            info = self.recorder.seed()
        except OSError as error:
            log.error("cannot read the snapshot cache: %s", error)
            return
        if info is None or self.snapshot is not None:
            return
        when = info.server_time / 1000 if info.server_time is not None else self.clock()
        assert self.recorder.last_key is not None
        self.snapshot = LiveSnapshot(info, when, self.recorder.last_key, "cache")
        log.info("serving the cached snapshot of serverTime %s until a refresh", info.server_time)

    def run(self) -> None:
        log.info("live session started on %s", self.client.url)
        try:
            while (job := self._next_job()) is not None:
                try:
                    self._perform(job)
                except Exception as error:  # a bug must not end the session
                    log.exception("unexpected failure in the live session")
                    self._note(faults=1, last_error=f"{type(error).__name__}: {error}")
                    self.pacer.failed(now=self.clock())
        finally:
            self.client.close()
            with self.cond:
                self.cond.notify_all()
            log.info("live session on %s closed", self.client.url)

    def _next_job(self) -> Job | None:
        with self.cond:
            while not self.stopping:
                job = self._due()
                if job is None:
                    wait = self.next_refresh - time.monotonic()
                else:
                    weight = WEIGHTS[job.method]
                    if not self.client.connected:
                        weight += CONNECT_WEIGHT
                    wait = self.pacer.wait(weight, now=self.clock())
                    if wait <= 0:
                        return job
                self.cond.wait(min(max(wait, 0.001), NAP))
            return None

    def _due(self) -> Job | None:
        # A refresh asked for goes first, and so does one overdue by a whole interval
        # (the first one included); then the prices callers wait for; then a refresh due.
        late = time.monotonic() - self.next_refresh
        if self.refresh_asked > self.refresh_done or late >= self.interval:
            return REFRESH
        if self.wanted:
            return next(iter(self.wanted))
        return REFRESH if late >= 0 else None

    def _note(self, **counts: Any) -> None:
        with self.cond:
            changes = {
                name: value if name == "last_error" else getattr(self.stats, name) + value
                for name, value in counts.items()
            }
            self.stats = attrs.evolve(self.stats, **changes)

    def _perform(self, job: Job) -> None:
        client = self.client
        if client.connected and time.monotonic() - self._connected_at >= self.max_connection_age:
            log.info("renewing the connection before Binance's 24-hour limit")
            client.close()
        fresh = not client.connected
        weight = WEIGHTS[job.method] + (CONNECT_WEIGHT if fresh else 0)
        with self.cond:
            asked = self.refresh_asked
        self.pacer.sent(weight, now=self.clock())
        reconnect = int(fresh and self.stats.connections > 0)
        self._note(requests=1, weight_sent=weight, connections=int(fresh), reconnects=reconnect)
        if reconnect:
            log.info("reconnecting to %s", self.client.url)
        params = self.params if job is REFRESH else {"symbol": job.symbol}
        try:
            response = client.request(job.method, params)
        except RateLimitedError as error:
            delay = self.pacer.rate_limited(error, client.rate_limits, now=self.clock())
            self._note(rate_limited=1, last_error=str(error))
            log.warning("%s: %s; nothing is sent for %.3f s", job.method, error, delay)
            return
        except ApiError as error:
            self.pacer.succeeded(client.rate_limits, now=self.clock())
            self._note(last_error=str(error))
            self._refused(job, error)
            return
        except FetchError as error:
            self._fault(job, error, reused=not fresh)
            return
        finally:
            if fresh and client.connected:
                self._connected_at = time.monotonic()
        self._stale_retry = False
        self.pacer.succeeded(response.rate_limits, now=self.clock())
        if job is REFRESH:
            self._take_snapshot(response, asked)
        else:
            self._take_price(job, response)

    def _fault(self, job: Job, error: FetchError, *, reused: bool) -> None:
        self._note(faults=1, last_error=str(error))
        closed = isinstance(error, FetchConnectionError) and not isinstance(error, FetchTlsError)
        if reused and closed and not self._stale_retry:
            # The server closed an idle connection (its 24-hour limit, serverShutdown,
            # a restart): reconnect at once, once.
            self._stale_retry = True
            log.info("%s: the server closed the connection (%s); reconnecting", job.method, error)
            return
        self._stale_retry = False
        delay = self.pacer.failed(now=self.clock())
        log.warning("%s failed: %s; retrying in %.3f s", job.method, error, delay)

    def _refused(self, job: Job, error: ApiError) -> None:
        if job is REFRESH:
            delay = self.pacer.failed(now=self.clock())
            log.error("exchangeInfo refused: %s; retrying in %.3f s", error, delay)
            return
        log.warning("%s for %s refused: %s", job.method, job.symbol, error)
        with self.cond:
            self.wanted.pop(job, None)
            self.price_errors[job] = self.clock()
            self.cond.notify_all()

    def _take_snapshot(self, response: Response, asked: int) -> None:
        from rules.model.load import loads

        try:
            info = loads(response.result_text, source=self.client.url)
        except (LoadError, ApiError) as error:
            self._note(faults=1, last_error=str(error))
            delay = self.pacer.failed(now=self.clock())
            log.error("exchangeInfo did not load, the last snapshot stays: %s (retry in %.3f s)",
                      error, delay)  # fmt: skip
            return
        key = rules_key(info)
        previous = self.snapshot
        changed = previous is not None and previous.rules_key != key
        self.snapshot = LiveSnapshot(info, self.clock(), key, "live")  # one swap
        if changed:
            log.info("the rules changed (serverTime %s)", info.server_time)
        recorded = 0
        if self.recorder is not None:
            try:
                written = self.recorder.offer(response.result_text, info, key=key)
            except (OSError, LoadError) as error:
                log.error("cannot record the snapshot in %s: %s", self.recorder.cache.directory,
                          error)  # fmt: skip
            else:
                if written is not None:
                    recorded = 1
                    log.info("recorded %s", written.path.name)
        with self.cond:
            self.stats = attrs.evolve(
                self.stats,
                refreshes=self.stats.refreshes + 1,
                changes=self.stats.changes + int(changed),
                recorded=self.stats.recorded + recorded,
            )
            self.refresh_done = max(self.refresh_done, asked)
            self.next_refresh = time.monotonic() + self.interval
            self.cond.notify_all()

    def _take_price(self, job: Job, response: Response) -> None:
        assert job.symbol is not None
        kind: PriceKind = job.method  # type: ignore[assignment] # a price job's method
        try:
            price = parse_price(kind, response.result)
        except FetchError as error:
            self._refused_malformed(job, error)
            return
        with self.cond:
            current = self.prices.get(job.symbol) or MarketPrices(job.symbol)
            self.prices[job.symbol] = current.with_price(kind, price, at=self.clock())
            self.wanted.pop(job, None)
            self.cond.notify_all()

    def _refused_malformed(self, job: Job, error: FetchError) -> None:
        log.warning("%s for %s: %s", job.method, job.symbol, error)
        self._note(last_error=str(error))
        with self.cond:
            self.wanted.pop(job, None)
            self.price_errors[job] = self.clock()
            self.cond.notify_all()
