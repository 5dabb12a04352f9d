"""Evaluating a 212-name permission set, next to a bare ``frozenset`` intersection, in one run.

    python benchmarks/bench_permissions.py

Uses the real 2025-11 mainnet BTCUSDT (one set: SPOT, MARGIN, TRD_GRP_004 ...
TRD_GRP_245, 212 names). For each account it prints the per-call time of
:func:`rules.evaluate_permissions` (building the verdict included), of the
bare intersection ``bool(account & required)`` on prebuilt frozensets, and
their ratio. Also usable under pytest-benchmark::

    pytest benchmarks/bench_permissions.py --benchmark-only
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import rules

if TYPE_CHECKING:
    from pytest_benchmark.fixture import BenchmarkFixture

SNAPSHOT = (
    Path(__file__).resolve().parents[2]
    / "shared/data/exchange_info/spot-9symbols-keyed-2025-11.json"
)

#: Accounts: where the match is in the set changes the work the intersection does.
ACCOUNTS: dict[str, frozenset[str]] = {
    "SPOT (first name)": frozenset({"SPOT"}),
    "TRD_GRP_245 (last name)": frozenset({"TRD_GRP_245"}),
    "none of them (fails)": frozenset({"TRD_GRP_001", "LEVERAGED"}),
    "5 names, one matching": frozenset(
        {"LEVERAGED", "TRD_GRP_001", "TRD_GRP_002", "TRD_GRP_003", "TRD_GRP_100"}
    ),
}


def btcusdt() -> rules.SymbolInfo:
    return rules.load_path(SNAPSHOT, symbols=["BTCUSDT"])["BTCUSDT"]


def per_call(fn: Callable[[], object], *, repeat: int = 7) -> float:
    """Best-of-``repeat`` seconds per call (the least disturbed by the machine)."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def row(label: str, symbol: rules.SymbolInfo, account: frozenset[str]) -> str:
    """One line of the table: ours, the bare intersection, their ratio, the built-set variant."""
    (required,) = rules.required_permission_sets(symbol) or ((),)
    required_set = frozenset(required)
    verdict = rules.evaluate_permissions(symbol, account)
    assert verdict.permitted is bool(account & required_set)
    ours = per_call(lambda: rules.evaluate_permissions(symbol, account))
    bare = per_call(lambda: bool(account & required_set))
    built = per_call(lambda: bool(account & frozenset(required)))
    return (
        f"{label:<26} {ours * 1e9:>7.0f} ns {bare * 1e9:>7.0f} ns {ours / bare:>5.1f}x"
        f" {built * 1e9:>10.0f} ns  {verdict.permitted}"
    )


def main() -> int:
    symbol = btcusdt()
    size = sum(map(len, rules.required_permission_sets(symbol) or ()))
    print(f"BTCUSDT 2025-11: one permission set of {size} names; per call, best of 7")
    print(
        f"{'account':<26} {'evaluate':>10} {'bare &':>10} {'ratio':>6}"
        f" {'&, set built':>13}  permitted"
    )
    for label, account in ACCOUNTS.items():
        print(row(label, symbol, account))
    print(
        "bare &: the account against a prebuilt frozenset of the 212 names;"
        " '&, set built': the frozenset built from the symbol's tuple on each call."
    )
    return 0


# ---------------------------------------------------------------- pytest-benchmark


def test_evaluate_212(benchmark: BenchmarkFixture) -> None:
    symbol = btcusdt()
    account = frozenset({"TRD_GRP_245"})
    verdict = benchmark(rules.evaluate_permissions, symbol, account)
    assert verdict.permitted is True


def test_frozenset_intersection_212(benchmark: BenchmarkFixture) -> None:
    (required,) = rules.required_permission_sets(btcusdt()) or ((),)
    required_set = frozenset(required)
    account = frozenset({"TRD_GRP_245"})
    assert benchmark(lambda: bool(account & required_set)) is True


if __name__ == "__main__":
    sys.exit(main())
