"""A loopback exchange that misbehaves on purpose, and a reader that watches a session.

:class:`Exchange` answers ``exchangeInfo``, ``avgPrice``, ``referencePrice`` and
``ticker.price`` like Binance, counts request weight per window as Binance does (2 for
a connection, each method's weight) and reports it in ``rateLimits``; the test flips its
faults on and off while a :class:`~rules.edge.live.Session` runs: close every connection
every few seconds, refuse handshakes, answer 429/418 with a ``retryAfter``, stall,
send malformed frames, change the rules. It records what it sent and every request
that came before a ``retryAfter`` or over the budget, for the test to assert on.

:class:`Reader` is a thread that reads ``session.snapshot`` as fast as it can during the
whole run and checks each one is whole: its rules are exactly one of the versions
the exchange published, and its ``rules_key`` is theirs.
"""

from __future__ import annotations

import copy
import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from websockets.sync.server import ServerConnection

from rules.edge.live import Session
from rules.edge.record import rules_key
from rules.model.load import loads
from rules.model.models import ExchangeInfo
from tests._wsserver import WsServer, error, exchange_info

WEIGHTS = {
    "exchangeInfo": 20,
    "avgPrice": 2,
    "referencePrice": 2,
    "ticker.price": 2,
    "ping": 1,
    "time": 1,
}
START_MS = 1_780_000_000_000  # 2026-05-28: in the reference-price era, and past


def base_rules() -> dict[str, Any]:
    """Two TRADING symbols with a PRICE_FILTER each (no ``serverTime``: set per answer)."""
    rules = exchange_info(0, "BTCUSDT", "ETHBTC")
    del rules["serverTime"]
    return rules


def halted(rules: dict[str, Any], name: str = "BTCUSDT") -> dict[str, Any]:
    """``rules`` with ``name`` halted."""
    out = copy.deepcopy(rules)
    next(s for s in out["symbols"] if s["symbol"] == name)["status"] = "HALT"
    return out


def tick_changed(rules: dict[str, Any], tick: str = "0.10000000") -> dict[str, Any]:
    """``rules`` with BTCUSDT's ``tickSize`` changed."""
    out = copy.deepcopy(rules)
    symbol = next(s for s in out["symbols"] if s["symbol"] == "BTCUSDT")
    symbol["filters"][0]["tickSize"] = tick
    return out


def unknown_filter(rules: dict[str, Any]) -> dict[str, Any]:
    """``rules`` with a filter type this library does not know on BTCUSDT."""
    out = copy.deepcopy(rules)
    symbol = next(s for s in out["symbols"] if s["symbol"] == "BTCUSDT")
    symbol["filters"].append({"filterType": "MAX_DAILY_VOLUME", "maxVolume": "42"})
    return out


def key_of(rules: dict[str, Any]) -> str:
    """:func:`rules_key` of a version (any ``serverTime``)."""
    return rules_key(loads({**rules, "serverTime": START_MS}))


def collapse(keys: list[str]) -> list[str]:
    """``keys`` without consecutive repeats: what a recorder of changes writes."""
    return [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]


class Exchange(WsServer):
    """A scripted, faulty, Binance-like WebSocket API server on 127.0.0.1."""

    def __init__(
        self,
        *,
        window: int = 2,
        limit: int = 6000,
        rules: dict[str, Any] | None = None,
        port: int = 0,
    ) -> None:
        super().__init__(self._answer, port=port)
        self.lock = threading.Lock()
        self.window = window
        self.limit = limit
        self.rules = rules or base_rules()
        self._time_ms = START_MS
        # faults, flipped by the test
        self.stall = False
        self.malformed = 0  # this many requests get a frame that is not JSON
        self.rate_limits: list[int] = []  # statuses to answer the next requests with
        self.retry_after = 0.5  # seconds from now, in the 429/418 answers
        self.price_delay = 0.0
        self.reference_price: str | None = "100.00"
        self.shutdown_next = False  # after the next answer: serverShutdown, then close
        # records
        self.sent_rules: list[str] = []  # rules_key of each exchangeInfo answered
        self.arrivals: list[tuple[float, str]] = []  # (time.time(), method)
        self.weights: dict[int, int] = {}  # window number -> weight counted
        self.not_before = 0.0  # epoch seconds of the last retryAfter given
        self.early: list[str] = []  # requests that came before a retryAfter
        self.live: list[ServerConnection] = []
        self._closer: threading.Thread | None = None

    # -- weight, as Binance counts it

    def _count(self, weight: int) -> int:
        slot = math.floor(time.time() / self.window)
        self.weights[slot] = self.weights.get(slot, 0) + weight
        return self.weights[slot]

    @property
    def highest_weight(self) -> int:
        """The most weight counted in one window."""
        with self.lock:
            return max(self.weights.values(), default=0)

    def _limits(self, count: int) -> list[dict[str, Any]]:
        return [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "SECOND",
                "intervalNum": self.window,
                "limit": self.limit,
                "count": count,
            }
        ]

    # -- the server

    def _handle(self, conn: ServerConnection) -> None:
        with self.lock:
            self.live.append(conn)
            self._count(2)  # "Connecting to WebSocket API costs 2 weight."
        try:
            super()._handle(conn)
        finally:
            with self.lock:
                self.live.remove(conn)

    def close_every(self, seconds: float) -> None:
        """Close every open connection every ``seconds`` (a server-initiated close)."""

        def closer() -> None:
            while not self.stop.wait(seconds):
                self.drop_all()

        self._closer = threading.Thread(target=closer, daemon=True)
        self._closer.start()

    def drop_all(self) -> None:
        """Close every open connection now."""
        with self.lock:
            conns = list(self.live)
        for conn in conns:
            conn.close(1001, "going away")

    def set_rules(self, rules: dict[str, Any]) -> None:
        with self.lock:
            self.rules = rules

    def _answer(self, server: WsServer, conn: ServerConnection, request: dict[str, Any]) -> None:
        method = request["method"]
        now = time.time()
        with self.lock:
            self.arrivals.append((now, method))
            if now < self.not_before:
                self.early.append(f"{method} {self.not_before - now:.3f} s early")
            count = self._count(WEIGHTS.get(method, 1))
            if self.stall:
                return
            if self.malformed:
                self.malformed -= 1
                conn.send("this is not a WebSocket API response")
                return
            if self.rate_limits:
                status = self.rate_limits.pop(0)
                until = int((time.time() + self.retry_after) * 1000) / 1000  # as sent, in ms
                msg = "Too many requests." if status == 429 else "Way too much request weight used."
                retry = round(until * 1000)
                frame = json.loads(error(request, status, -1003, msg, retryAfter=retry))
                frame["rateLimits"] = self._limits(count)
                conn.send(json.dumps(frame))  # raises if the connection is gone ...
                self.not_before = until  # ... so this holds only once it went out
                if status == 418:
                    conn.close(1008, "banned")  # Binance disconnects a banned IP
                return
            self._time_ms += 1000
            rules = self.rules
        if method == "exchangeInfo":
            result: Any = {**rules, "serverTime": self._time_ms}
        elif method in ("avgPrice", "ticker.price"):
            time.sleep(self.price_delay)
            result = {"mins": 5, "price": "101.50", "closeTime": self._time_ms}
            if method == "ticker.price":
                result = {"symbol": request["params"]["symbol"], "price": "102.25"}
        elif method == "referencePrice":
            result = {"symbol": request["params"]["symbol"], "referencePrice": self.reference_price}
            if self.reference_price == "never":
                result = {"code": -2043, "msg": "This symbol doesn't have a reference price."}
        else:
            conn.send(error(request, 400, -1020, "This operation is not supported."))
            return
        envelope = {"id": request["id"], "status": 200, "result": result}
        conn.send(json.dumps({**envelope, "rateLimits": self._limits(count)}))
        if method == "exchangeInfo":  # only once it went out
            with self.lock:
                self.sent_rules.append(key_of(rules))
        if self.shutdown_next:
            self.shutdown_next = False
            conn.send(json.dumps({"event": {"e": "serverShutdown", "E": self._time_ms}}))
            conn.close(1001, "server shutdown")

    def requests_of(self, method: str) -> int:
        with self.lock:
            return sum(1 for _, m in self.arrivals if m == method)


class Reader(threading.Thread):
    """Reads ``session.snapshot`` in a loop and notes anything that is not whole."""

    def __init__(self, session: Session, versions: list[dict[str, Any]]) -> None:
        super().__init__(daemon=True)
        self.session = session
        self.keys = {key_of(v) for v in versions}
        self.problems: list[str] = []
        self.reads = 0
        self.max_age = 0.0
        self.seen: list[str] = []
        self._stop_reading = threading.Event()
        self._ready = False

    def run(self) -> None:
        last = None
        while not self._stop_reading.is_set():
            snapshot = self.session.snapshot
            self.reads += 1
            if snapshot is None:
                if self._ready:
                    self.problems.append("the snapshot went away")
                time.sleep(0.001)
                continue
            self._ready = True
            info: object = snapshot.info
            if not isinstance(info, ExchangeInfo) or info.server_time is None:
                self.problems.append(f"not a complete snapshot: {info!r:.80}")
                continue
            if snapshot is not last:  # the full check once per snapshot
                last = snapshot
                key = rules_key(info)
                if key != snapshot.rules_key or key not in self.keys:
                    self.problems.append(f"a snapshot whose rules were never published: {key}")
                if not self.seen or self.seen[-1] != key:
                    self.seen.append(key)
            age = self.session.age
            if age is not None and snapshot.source == "live":
                self.max_age = max(self.max_age, age)
            time.sleep(0.0005)

    def finish(self, min_reads: int = 50) -> None:
        # On a loaded machine the reader may have been starved of the GIL during
        # the scenario: let it take at least min_reads looks (at most 5 s more)
        # at the final snapshot before it stops, so that it always checked something.
        deadline = time.monotonic() + 5
        while self.reads < min_reads and time.monotonic() < deadline and self.is_alive():
            time.sleep(0.01)
        self._stop_reading.set()
        self.join(5)


def run_for(seconds: float, step: Callable[[float], None] | None = None) -> None:
    """Wait ``seconds``, calling ``step(elapsed)`` about every 50 ms."""
    start = time.monotonic()
    while (elapsed := time.monotonic() - start) < seconds:
        if step is not None:
            step(elapsed)
        time.sleep(0.05)
