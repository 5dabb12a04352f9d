"""rules.edge.live: a session against a loopback exchange that misbehaves on purpose.

Every scenario runs a :class:`tests._faulty.Reader` thread over the whole run and then
checks the same four things: the session recovered by itself; no reader ever saw a
snapshot that is not exactly one of the versions published; no request came before a
``retryAfter``; the weight Binance would count stayed under the budget; and the cache
holds one file per change of the rules sent, in order, a revert included. Intervals,
timeouts and backoffs are short, so that each test takes a few seconds at most.
"""

from __future__ import annotations

import asyncio
import faulthandler
import logging
import random
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rules.checker.context import Context
from rules.edge.cache import SnapshotCache
from rules.edge.live import Session
from rules.edge.record import rules_key
from rules.errors import SnapshotNotFoundError, UnknownSymbolError
from rules.model.models import UnknownFilter
from tests._faulty import (
    START_MS,
    Exchange,
    Reader,
    base_rules,
    collapse,
    halted,
    key_of,
    run_for,
    tick_changed,
    unknown_filter,
)
from tests._wsserver import closed_port

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """Each test is bounded in time: a hang prints every thread's stack and ends the run."""
    faulthandler.dump_traceback_later(60, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


VERSIONS = [
    base_rules(),
    halted(base_rules()),
    tick_changed(halted(base_rules())),
    unknown_filter(tick_changed(halted(base_rules()))),
]
INTERVAL = 0.1


def session_for(url: str, cache: Path | None, **options: Any) -> Session:
    settings: dict[str, Any] = {
        "interval": INTERVAL,
        "timeout": 0.5,
        "backoff": 0.05,
        "max_backoff": 0.3,
        "weight_budget": 1000,
        "price_wait": 2.0,
        "rng": random.Random(7),
    }
    settings.update(options)
    return Session(url, cache=None if cache is None else SnapshotCache(cache), **settings)


def at(when: float, action: Callable[[], object]) -> Callable[[float], None]:
    """A scenario step that runs ``action`` once, ``when`` seconds in."""
    done: list[bool] = []

    def step(elapsed: float) -> None:
        if elapsed >= when and not done:
            done.append(True)
            action()

    return step


def recorded(cache: Path) -> list[str]:
    return [rules_key(s.load()) for s in SnapshotCache(cache).snapshots()]


def assert_sound(exchange: Exchange, session: Session, reader: Reader, cache: Path) -> None:
    """The four promises, after any scenario."""
    assert reader.reads > 10
    assert reader.problems == []
    assert exchange.early == []
    assert exchange.highest_weight <= session.weight_budget
    assert exchange.sent_rules, "nothing was fetched"
    assert recorded(cache) == collapse(exchange.sent_rules)
    assert session.stats.recorded == len(recorded(cache))


def scenario(
    exchange: Exchange,
    cache: Path,
    seconds: float,
    step: Any = None,
    **options: Any,
) -> tuple[Session, Reader]:
    """Run a session for ``seconds`` while ``step(elapsed)`` plays the faults; then heal."""
    session = session_for(exchange.url, cache, **options)
    with session:
        assert session.wait_ready(3)
        reader = Reader(session, VERSIONS)
        reader.start()
        run_for(seconds, step)
        # The faults are over: the session must come back by itself.
        assert session.refresh(wait=5), session.stats
        assert session.age is not None
        assert session.age < 1.0
        reader.finish()
    assert_sound(exchange, session, reader, cache)
    return session, reader


class TestFaults:
    """Each misbehaviour of the server: the session recovers and keeps its promises."""

    def test_server_closes_every_few_seconds(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="rules.edge.live")
        with Exchange() as exchange:
            exchange.close_every(0.6)

            def step(elapsed: float) -> None:
                exchange.set_rules(VERSIONS[1] if elapsed > 1.2 else VERSIONS[0])

            session, reader = scenario(exchange, tmp_path, 2.5, step)
        stats = session.stats
        assert stats.reconnects >= 2
        # Planned closes cost the user nothing: a log line, and no snapshot grew old.
        assert reader.max_age < INTERVAL + 1.0
        assert any("closed the connection" in r.getMessage() for r in caplog.records)
        assert len(recorded(tmp_path)) == 2

    def test_refuses_handshakes_for_a_while(self, tmp_path: Path) -> None:
        with Exchange() as exchange:
            ages: list[float] = []

            def step(elapsed: float) -> None:
                refusing = 0.5 < elapsed < 1.7
                if refusing and exchange.reject_handshake is None:
                    exchange.reject_handshake = 503
                    exchange.drop_all()  # and the open connection goes
                if not refusing:
                    exchange.reject_handshake = None
                if 1.2 < elapsed < 1.7:
                    ages.append(session_age())

            holder: dict[str, Session] = {}

            def session_age() -> float:
                age = holder["s"].age
                assert age is not None
                return age

            session = session_for(exchange.url, tmp_path)
            holder["s"] = session
            with session:
                assert session.wait_ready(3)
                reader = Reader(session, VERSIONS)
                reader.start()
                run_for(2.2, step)
                assert session.refresh(wait=5)
                reader.finish()
            assert_sound(exchange, session, reader, tmp_path)
        # While refused, the last snapshot was served and its age said how old.
        assert ages
        assert max(ages) > 0.5
        assert session.stats.faults >= 1

    def test_connection_refused_at_start_then_the_server_comes(self, tmp_path: Path) -> None:
        port = closed_port()
        session = session_for(f"ws://127.0.0.1:{port}/ws-api/v3", tmp_path)
        with session:
            assert not session.wait_ready(0.6)
            with pytest.raises(SnapshotNotFoundError):
                session.info  # noqa: B018
            with Exchange(port=port) as exchange:
                assert session.wait_ready(5)
                assert session.stats.faults >= 1
                assert len(session.info) == 2
        assert recorded(tmp_path) == collapse(exchange.sent_rules)

    def test_429_then_418_with_retry_after(self, tmp_path: Path) -> None:
        with Exchange() as exchange:
            exchange.retry_after = 0.4

            session, _ = scenario(
                exchange, tmp_path, 2.0, at(0.3, lambda: exchange.rate_limits.extend([429, 418]))
            )
        stats = session.stats
        assert stats.rate_limited == 2
        assert stats.retry_after is not None
        assert exchange.rate_limits == []

    def test_stalls_without_answering(self, tmp_path: Path) -> None:
        with Exchange() as exchange:
            reads: list[float] = []
            ages: list[float] = []
            holder: dict[str, Session] = {}

            def step(elapsed: float) -> None:
                exchange.stall = 0.4 < elapsed < 1.6
                if 1.2 < elapsed < 1.6:
                    t = time.perf_counter()
                    info = holder["s"].info  # never waits for the stuck worker
                    reads.append(time.perf_counter() - t)
                    assert len(info) == 2
                    age = holder["s"].age
                    assert age is not None
                    ages.append(age)

            session = session_for(exchange.url, tmp_path)
            holder["s"] = session
            with session:
                assert session.wait_ready(3)
                reader = Reader(session, VERSIONS)
                reader.start()
                run_for(2.0, step)
                assert session.refresh(wait=5)
                reader.finish()
            assert_sound(exchange, session, reader, tmp_path)
        assert session.stats.faults >= 1
        assert "no reply within" in (session.stats.last_error or "") or session.stats.faults
        assert max(reads) < 0.25  # the worker was stuck for 0.5 s at a time
        assert max(ages) > 0.7

    def test_malformed_frames(self, tmp_path: Path) -> None:
        with Exchange() as exchange:
            session, _ = scenario(
                exchange, tmp_path, 1.5, at(0.3, lambda: setattr(exchange, "malformed", 3))
            )
        assert session.stats.faults >= 3
        assert exchange.malformed == 0

    def test_server_shutdown_event(self, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="rules.edge.live")
        with Exchange() as exchange:
            session, reader = scenario(
                exchange, tmp_path, 1.0, at(0.3, lambda: setattr(exchange, "shutdown_next", True))
            )
        assert session.stats.reconnects >= 1
        assert reader.max_age < INTERVAL + 1.0
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert warnings == []

    def test_weight_budget(self, tmp_path: Path) -> None:
        # 2-second windows and a budget of 3 exchangeInfo a window: the session,
        # asked to refresh every 20 ms, must wait for the windows instead.
        with Exchange(window=2) as exchange:
            session, _ = scenario(exchange, tmp_path, 4.0, interval=0.02, weight_budget=66)
        assert 44 <= exchange.highest_weight <= 66
        assert session.stats.highest_weight <= 66

    def test_renews_old_connections(self, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="rules.edge.live")
        with Exchange() as exchange:
            session, _ = scenario(exchange, tmp_path, 1.2, max_connection_age=0.3)
        assert session.stats.connections >= 3
        assert session.stats.faults == 0
        assert any("renewing" in r.getMessage() for r in caplog.records)


class TestChanges:
    """Each change of the rules is served whole and recorded once; a revert too."""

    def test_halt_filter_change_unknown_filter_and_revert(self, tmp_path: Path) -> None:
        with Exchange() as exchange:
            session = session_for(exchange.url, tmp_path, interval=30.0)
            with session:
                assert session.wait_ready(3)
                reader = Reader(session, VERSIONS)
                reader.start()
                for version in [*VERSIONS[1:], VERSIONS[0], VERSIONS[0]]:
                    exchange.set_rules(version)
                    assert session.refresh(wait=3)
                    assert session.snapshot is not None
                    assert session.snapshot.rules_key == key_of(version)
                    deadline = time.monotonic() + 2  # let the reader see it too
                    while reader.seen[-1:] != [key_of(version)] and time.monotonic() < deadline:
                        time.sleep(0.005)
                    if version is VERSIONS[1]:
                        assert session.info["BTCUSDT"].status == "HALT"
                    if version is VERSIONS[2]:
                        tick = session.info["BTCUSDT"].filters[0].tick_size  # type: ignore[union-attr]
                        assert tick == Decimal("0.1")
                    if version is VERSIONS[3]:
                        kinds = [type(f) for f in session.info["BTCUSDT"].filters]
                        assert UnknownFilter in kinds
                reader.finish()
            assert_sound(exchange, session, reader, tmp_path)
        keys = recorded(tmp_path)
        # base, halt, tick, unknown filter, back to base; the last refresh (same rules,
        # a new serverTime) wrote nothing.
        assert keys == [key_of(v) for v in [*VERSIONS, VERSIONS[0]]]
        assert session.stats.changes == 4
        assert reader.seen == keys

    def test_a_restart_does_not_record_the_same_rules_again(self, tmp_path: Path) -> None:
        with Exchange() as exchange:
            for _ in range(2):
                with session_for(exchange.url, tmp_path) as session:
                    assert session.refresh(wait=3)
        assert len(recorded(tmp_path)) == 1

    def test_the_cache_serves_until_the_first_refresh(self, tmp_path: Path) -> None:
        with Exchange() as exchange, session_for(exchange.url, tmp_path) as session:
            assert session.refresh(wait=3)
        port = closed_port()
        with session_for(f"ws://127.0.0.1:{port}/ws-api/v3", tmp_path) as offline:
            snapshot = offline.snapshot
            assert snapshot is not None
            assert snapshot.source == "cache"
            assert len(offline.info) == 2
            age = offline.age
            assert age is not None
            assert age >= time.time() - START_MS / 1000 - 60
        assert len(recorded(tmp_path)) == 1


class TestPrices:
    """Market prices on demand, cached for ``price_ttl``; contexts from them."""

    def test_context_from_live_prices(self) -> None:
        with Exchange() as exchange, session_for(exchange.url, None, price_ttl=30.0) as session:
            assert session.wait_ready(3)
            context = Context.from_prices(
                session.prices("BTCUSDT"), open_orders=3, permissions=["SPOT"]
            )
            assert context.avg_price == Decimal("101.50")
            assert context.reference_price == Decimal("100.00")
            assert context.last_price == Decimal("102.25")
            assert context.open_orders == 3
            assert context.permissions == frozenset({"SPOT"})
            sent = exchange.requests_of("avgPrice")
            again = session.prices("BTCUSDT")  # within the TTL: nothing is asked
            assert again.avg_price == Decimal("101.50")
            assert exchange.requests_of("avgPrice") == sent == 1

    def test_a_context_judges_an_order(self) -> None:
        from rules import evaluate

        with Exchange() as exchange, session_for(exchange.url, None) as session:
            assert session.wait_ready(3)
            context = Context.from_prices(session.prices("BTCUSDT", kinds=["avgPrice"]))
            assert context.last_price is None
            assert exchange.requests_of("ticker.price") == 0
            order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT",
                     "timeInForce": "GTC", "price": "101.505", "quantity": "1"}  # fmt: skip
            verdict = evaluate(session.info, order, context)
            assert [v.filter_type for v in verdict.violations] == ["PRICE_FILTER"]

    def test_the_ttl_expires(self) -> None:
        with Exchange() as exchange, session_for(exchange.url, None, price_ttl=0.2) as session:
            assert session.wait_ready(3)
            session.prices("BTCUSDT", kinds=["avgPrice"])
            time.sleep(0.3)
            session.prices("BTCUSDT", kinds=["avgPrice"])
            assert exchange.requests_of("avgPrice") == 2

    @pytest.mark.parametrize(("answer", "expected"), [(None, None), ("never", None)])
    def test_no_reference_price(self, answer: str | None, expected: Decimal | None) -> None:
        with Exchange() as exchange, session_for(exchange.url, None) as session:
            exchange.reference_price = answer
            assert session.wait_ready(3)
            prices = session.prices("BTCUSDT", kinds=["referencePrice"])
            assert prices.reference_price is expected
            assert "referencePrice" in prices.fetched

    def test_wait_zero_never_blocks_and_still_fetches(self) -> None:
        # A request deadline well above the server's delay: the fetch must succeed.
        with Exchange() as exchange, session_for(exchange.url, None, timeout=3.0) as session:
            assert session.wait_ready(3)
            exchange.price_delay = 0.35  # under the 0.5 s deadline of the whole request
            start = time.perf_counter()
            prices = session.prices("BTCUSDT", kinds=["avgPrice"], wait=0)
            assert time.perf_counter() - start < 0.25
            assert prices.avg_price is None
            deadline = time.monotonic() + 3
            while session.cached_prices("BTCUSDT").avg_price is None:
                assert time.monotonic() < deadline
                time.sleep(0.02)

    def test_while_disconnected_a_price_call_returns_within_its_wait(self) -> None:
        port = closed_port()
        with session_for(f"ws://127.0.0.1:{port}/ws-api/v3", None) as session:
            start = time.perf_counter()
            prices = session.prices("BTCUSDT", wait=0.3)
            assert 0.25 < time.perf_counter() - start < 2.0
            assert (prices.avg_price, prices.reference_price, prices.last_price) == (
                None,
                None,
                None,
            )

    def test_unknown_symbol_asks_nothing(self) -> None:
        with Exchange() as exchange, session_for(exchange.url, None) as session:
            assert session.wait_ready(3)
            with pytest.raises(UnknownSymbolError):
                session.prices("NOPEUSDT")
            assert exchange.requests_of("avgPrice") == 0

    def test_old_prices_stay_out_of_a_context(self) -> None:
        now = [time.time()]
        with (
            Exchange() as exchange,
            session_for(exchange.url, None, clock=lambda: now[0], price_ttl=100.0) as session,
        ):
            assert session.wait_ready(3)
            assert session.prices("BTCUSDT", max_age=10).avg_price == Decimal("101.50")
            now[0] += 11  # the price is now 11 s old, and still within the TTL
            assert session.prices("BTCUSDT", max_age=10, wait=0).avg_price is None
            assert session.prices("BTCUSDT", max_age=20, wait=0).avg_price == Decimal("101.50")
            assert session.cached_prices("BTCUSDT").avg_price == Decimal("101.50")

    @pytest.mark.parametrize(
        ("account", "message"),
        [
            ({"avg_price": "1"}, "prices come from the prices argument"),
            ({"open_order": 1}, "Context has no field 'open_order'"),
        ],
    )
    def test_bad_account_fields(self, account: dict[str, Any], message: str) -> None:
        with pytest.raises(TypeError, match=message):
            Context.from_prices(None, **account)

    def test_bad_arguments(self) -> None:
        session = session_for("ws://127.0.0.1:9/ws-api/v3", None)
        with pytest.raises(ValueError, match="max_age"):
            session.prices("BTCUSDT", wait=0, max_age=-1)
        with pytest.raises(ValueError, match="price kinds"):
            session.prices("BTCUSDT", wait=0, kinds=["bookTicker"])  # type: ignore[list-item]
        with pytest.raises(TypeError, match="symbol"):
            session.prices("", wait=0)


class TestAsyncio:
    """The ``*_async`` calls wait in a thread: the event loop keeps running."""

    def test_the_loop_is_never_blocked(self) -> None:
        with Exchange() as exchange:
            exchange.price_delay = 0.3
            session = session_for(exchange.url, None)

            async def main() -> tuple[Any, float, float]:
                gaps: list[float] = []

                async def heartbeat() -> None:
                    last = time.monotonic()
                    while True:
                        await asyncio.sleep(0.005)
                        now = time.monotonic()
                        gaps.append(now - last)
                        last = now

                async with session:
                    beat = asyncio.create_task(heartbeat())
                    assert await session.wait_ready_async(3)
                    start = time.monotonic()
                    prices = await session.prices_async("BTCUSDT")
                    context = Context.from_prices(prices, open_orders=1)
                    took = time.monotonic() - start
                    assert await session.refresh_async(3)
                    beat.cancel()
                return context, took, max(gaps)

            context, took, gap = asyncio.run(main())
        assert context.avg_price == Decimal("101.50")
        assert took >= 0.6  # two delayed prices were awaited ...
        assert gap < 0.3  # ... while the loop went on


class TestArguments:
    """Misuse is refused when the session is made, before any thread or request."""

    @pytest.mark.parametrize(
        ("options", "error", "message"),
        [
            ({"interval": 0}, ValueError, "interval must be a finite number of seconds"),
            ({"interval": float("nan")}, ValueError, "interval"),
            ({"interval": "60"}, TypeError, "interval must be a number"),
            ({"interval": 10**400}, ValueError, "interval must be a finite number"),
            ({"price_ttl": -1}, ValueError, "price_ttl"),
            ({"weight_budget": 10}, ValueError, "weight_budget must be at least 22"),
            ({"weight_budget": 100.0}, TypeError, "weight_budget must be an integer"),
            ({"backoff": 2.0, "max_backoff": 1.0}, ValueError, "max_backoff"),
            ({"symbols": ["A"], "permissions": ["SPOT"]}, ValueError, "only one of"),
            ({"timeout": 0}, ValueError, "timeout"),
        ],
    )
    def test_refused(self, options: dict[str, Any], error: type[Exception], message: str) -> None:
        with pytest.raises(error, match=message):
            Session("ws://127.0.0.1:9/ws-api/v3", **options)

    def test_bad_url(self) -> None:
        with pytest.raises(ValueError, match="ws:// or wss://"):
            Session("http://example.invalid/")

    def test_a_closed_session_does_not_start_again(self) -> None:
        session = Session("ws://127.0.0.1:9/ws-api/v3")
        session.close()
        with pytest.raises(RuntimeError, match="closed"):
            session.start()

    def test_no_snapshot_yet(self) -> None:
        session = Session("ws://127.0.0.1:9/ws-api/v3")
        assert session.snapshot is None
        assert session.age is None
        with pytest.raises(SnapshotNotFoundError, match="wait_ready"):
            session.info  # noqa: B018
