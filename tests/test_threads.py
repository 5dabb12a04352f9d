"""Shared state under threads: a snapshot and its plans give the same answers (issue 17).

``ExchangeInfo``'s symbol index and the checker's per-snapshot plans are built lazily;
they must be built whole before another thread can see them, and a name that is not
found must never be remembered as "no such symbol". A tiny switch interval makes the
interpreter change threads every few bytecodes, so a half-published index is seen
within a few rounds when there is one.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import attrs
import pytest

from rules import ExchangeInfo, evaluate, load_path
from tests._shared import EXCHANGE_INFO

ROUNDS = 60
THREADS = 4


@pytest.fixture(scope="module")
def full() -> ExchangeInfo:
    return load_path(EXCHANGE_INFO / "spot-full-2019-05.json")


def _probe(info: ExchangeInfo) -> list[dict[str, Any]]:
    # The index is filled from the end of the list; the first symbols come last.
    names = [s.symbol for s in info.symbols[:3]] + [info.symbols[-1].symbol]
    return [{"symbol": n, "side": "BUY", "type": "MARKET", "quantity": "1"} for n in names]


def test_threads_never_see_a_half_built_index(
    full: ExchangeInfo, tiny_switch_interval: None
) -> None:
    orders = _probe(full)
    wrong: list[tuple[int, str]] = []
    started = time.monotonic()
    for round_ in range(ROUNDS):
        info = attrs.evolve(full)  # a fresh object: nothing built yet
        barrier = threading.Barrier(THREADS)

        def work(
            n: int,
            info: ExchangeInfo = info,
            barrier: threading.Barrier = barrier,
            round_: int = round_,
        ) -> None:
            barrier.wait()
            sum(range(n * 50))  # a little work before the first call, different per thread
            for order in orders:
                if order["symbol"] not in info:
                    wrong.append((round_, f"{order['symbol']} not in info"))
                codes = [v.code for v in evaluate(info, order).violations]
                if -1121 in codes:
                    wrong.append((round_, order["symbol"]))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # And the snapshot stays right afterwards, on one thread too.
        for order in orders:
            assert -1121 not in [v.code for v in evaluate(info, order).violations]
        assert all(s.symbol in info for s in info.symbols)
    assert wrong == []
    assert time.monotonic() - started < 60


def test_unknown_names_are_not_remembered(full: ExchangeInfo) -> None:
    from rules.checker.plans import PLANS

    info = attrs.evolve(full)
    for n in range(2000):
        verdict = evaluate(info, {"symbol": f"NOPE{n}" + "X" * 1000, "side": "BUY"})
        assert verdict.violations[0].code == -1121
    plan = PLANS[id(info)]
    assert len(plan.symbols) <= len(info.symbols)
    assert all(name in info for name in plan.symbols)
