"""Soak test of the live session: many minutes of random faults on a loopback exchange.

    python benchmarks/soak_live.py [--minutes 10] [--seed 1] [--json PATH]

Not part of CI (it runs for minutes). It needs the test extra (``websockets``) and is
run from the checkout, since it reuses ``tests/_faulty.py``'s exchange. Every few
seconds one fault is drawn at random: all connections closed, handshakes refused for a
while, a 429 or a 418 with a ``retryAfter``, a stall, malformed frames, a
``serverShutdown``, or a change of the rules (a halt, a filter change, an unknown filter
type, a revert). Meanwhile four caller threads ask for contexts on two symbols and a
reader thread checks every snapshot it sees.

It reports requests sent, reconnects, faults, the maximum staleness of the snapshot
served, and the process's memory (RSS, and Python's own allocations with tracemalloc)
after a warm-up and at the end; and it checks the promises of ``tests/test_live.py`` over
the whole run, exiting 1 if one was broken.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import random
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules.checker.context import Context
from rules.edge.cache import SnapshotCache
from rules.edge.live import Session
from rules.edge.record import rules_key
from tests._faulty import (
    Exchange,
    Reader,
    base_rules,
    collapse,
    halted,
    tick_changed,
    unknown_filter,
)

VERSIONS = [
    base_rules(),
    halted(base_rules()),
    tick_changed(halted(base_rules())),
    unknown_filter(tick_changed(halted(base_rules()))),
]
BUDGET = 1200  # per 60-second window, as a bot would set it against Binance's 6000
# A refresh every 2 s (600 weight a minute) and prices of 2 symbols every 2 s at most
# (360) fit the budget, so the staleness measured is the faults', not the budget's.
INTERVAL = 2.0
PRICE_TTL = 2.0
LIBRARY = str(Path(__file__).resolve().parents[1] / "rules") + "/*"


def rss_kib() -> int:
    """The resident set size of this process, in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def memory() -> dict[str, int]:
    """RSS; Python's allocations (the test exchange's records included); the library's."""
    gc.collect()
    current, _ = tracemalloc.get_traced_memory()
    library = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, LIBRARY)])
    return {
        "rss_kib": rss_kib(),
        "python_kib": current // 1024,
        "rules_library_kib": sum(stat.size for stat in library.statistics("filename")) // 1024,
        "threads": threading.active_count(),
    }


def trim(exchange: Exchange, counts: dict[str, int]) -> None:
    """Drop the test exchange's own request log (counted first), so that the memory
    measured is the session's, not the log's; ``sent_rules`` and ``early`` stay."""
    with exchange.lock:
        counts["received"] = counts.get("received", 0) + len(exchange.arrivals)
        exchange.arrivals.clear()
        exchange.requests.clear()
        exchange.headers.clear()


def fault(exchange: Exchange, rng: random.Random, counts: dict[str, int]) -> None:
    """Play one fault, drawn at random; some last a while (this thread waits)."""
    kind = rng.choice(
        ["close", "refuse", "429", "418", "stall", "malformed", "shutdown", "rules", "rules"]
    )
    counts[kind] = counts.get(kind, 0) + 1
    if kind == "close":
        exchange.drop_all()
    elif kind == "refuse":
        exchange.reject_handshake = 503
        exchange.drop_all()
        time.sleep(rng.uniform(0.5, 3.0))
        exchange.reject_handshake = None
    elif kind in ("429", "418"):
        exchange.retry_after = rng.uniform(0.2, 2.0)
        exchange.rate_limits.append(int(kind))
    elif kind == "stall":
        exchange.stall = True
        time.sleep(rng.uniform(0.5, 3.0))
        exchange.stall = False
    elif kind == "malformed":
        exchange.malformed = rng.randint(1, 3)
    elif kind == "shutdown":
        exchange.shutdown_next = True
    else:
        exchange.set_rules(rng.choice(VERSIONS))


def caller(session: Session, stop: threading.Event, rng: random.Random, out: list[float]) -> None:
    """A bot's order path: a context per order; note how long each call took."""
    while not stop.is_set():
        start = time.perf_counter()
        try:
            prices = session.prices(rng.choice(["BTCUSDT", "ETHBTC"]), wait=0.5)
            Context.from_prices(prices, open_orders=1)
        except Exception as error:  # a soak notes every failure, and goes on
            print(f"caller: {type(error).__name__}: {error}", file=sys.stderr)
        out.append(time.perf_counter() - start)
        stop.wait(rng.uniform(0.01, 0.2))


def soak(minutes: float, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    tracemalloc.start()
    faults: dict[str, int] = {}
    received: dict[str, int] = {}
    calls: list[float] = []
    with TemporaryDirectory() as tmp, Exchange(window=60) as exchange:
        cache = Path(tmp)
        session = Session(
            exchange.url,
            cache=SnapshotCache(cache),
            interval=INTERVAL,
            timeout=1.0,
            backoff=0.1,
            max_backoff=2.0,
            weight_budget=BUDGET,
            price_ttl=PRICE_TTL,
            max_connection_age=45.0,
            rng=random.Random(seed),
        )
        stop = threading.Event()
        with session:
            if not session.wait_ready(10):
                raise SystemExit("the session never became ready")
            reader = Reader(session, VERSIONS)
            reader.start()
            callers = [
                threading.Thread(target=caller, args=(session, stop, random.Random(i), calls))
                for i in range(4)
            ]
            for thread in callers:
                thread.start()
            start = time.monotonic()
            end = start + minutes * 60
            warm: dict[str, int] | None = None
            while (now := time.monotonic()) < end:
                if warm is None and now - start > min(30.0, minutes * 30):
                    trim(exchange, received)
                    warm = memory()
                time.sleep(rng.uniform(1.0, 5.0))
                fault(exchange, rng, faults)
                trim(exchange, received)
            # Heal, and let the session come back.
            exchange.stall, exchange.reject_handshake = False, None
            recovered = session.refresh(wait=70)
            stop.set()
            for thread in callers:
                thread.join(5)
            reader.finish()
        stats = session.stats
        trim(exchange, received)
        end_memory = memory()
        kept = [rules_key(s.load()) for s in SnapshotCache(cache).snapshots()]
        expected = collapse(exchange.sent_rules)
        calls.sort()
        report = {
            "minutes": minutes,
            "seed": seed,
            "faults_played": faults,
            "requests_sent": stats.requests,
            "requests_received": received.get("received", 0),
            "connections": stats.connections,
            "reconnects": stats.reconnects,
            "faults_seen": stats.faults,
            "rate_limited": stats.rate_limited,
            "refreshes": stats.refreshes,
            "rule_changes": stats.changes,
            "snapshots_recorded": len(kept),
            "max_staleness_s": round(reader.max_age, 3),
            "interval_s": INTERVAL,
            "snapshot_reads": reader.reads,
            "context_calls": len(calls),
            "context_call_p50_ms": round(calls[len(calls) // 2] * 1000, 2) if calls else None,
            "context_call_max_ms": round(calls[-1] * 1000, 2) if calls else None,
            "requests_before_a_retry_after": exchange.early[:10],
            "highest_weight_in_a_window": exchange.highest_weight,
            "weight_budget": BUDGET,
            "memory_after_warmup": warm,
            "memory_at_end": end_memory,
            "checks": {
                "recovered": recovered,
                "no_half_snapshot": reader.problems == [],
                "nothing_before_retry_after": exchange.early == [],
                "under_budget": exchange.highest_weight <= BUDGET,
                "each_change_recorded_once": kept == expected,
            },
        }
    tracemalloc.stop()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--log", action="store_true", help="log the session on stderr")
    args = parser.parse_args()
    if args.log:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    else:  # the faults are on purpose: keep their warnings out of the report
        logging.getLogger("rules.edge.live").addHandler(logging.NullHandler())
    report = soak(args.minutes, args.seed)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0 if all(report["checks"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
