"""Speed of the order checker, next to bare baselines, in one run so the ratios mean something.

    python benchmarks/bench_check.py [--quick] [--only single,context,mix,lists,cli] [--seed N]

1. ``single``: one LIMIT order given as string params on the 2023-08 BTCUSDT
   rules, the micro benchmark of the fast path:
   - baseline: parse the strings with ``Decimal`` and apply only PRICE_FILTER,
     LOT_SIZE, NOTIONAL and PERCENT_PRICE_BY_SIDE;
   - full: :func:`rules.evaluate` (every check, a Verdict out).
   ``context``: building a :class:`rules.Context` per order (from a mapping or
   directly), next to parsing the price into a small dict.
2. ``mix``: the realistic workload of :mod:`workload` (every order type over
   every TRADING symbol of 2023-08, ~40% breaking a rule, contexts none /
   avgPrice only / full passed as dicts), :func:`rules.evaluate` next to
   :func:`workload.baseline` on the same orders, per order type and per
   context shape. Targets (issue 11): the whole mix at most 2x the baseline,
   no type or shape above 3x.
4. ``lists``: an OCO bracket judged as a list (``orderList.place.oco``, D45-D50)
   next to its two legs judged as single orders (``order.place``), over
   realistic brackets of every TRADING symbol of 2023-08
   (:func:`workload.brackets`). Target: at most 2.5x.
3. ``cli``: ``rules check`` on 1,000,000 realistic lines (the same generator;
   100k with ``--quick``) from an in-memory stream (read by chunks, as a regular
   file is, when the batch extra is installed), next to a bare JSON Lines loop
   (``json.loads`` + ``json.dumps`` per line); the first 100k of them from a
   "pipe" (read line by line); and the best case of 100k identical accepted
   LIMIT lines. Target: at least 0.7x the bare loop on the realistic lines.

Run from the checkout, as ``PYTHONPATH=. python benchmarks/bench_check.py``, so
that the checkout's ``rules`` is measured (the first line says which); it reads
../shared. Method: the machine is shared and noisy, so each pair is timed
*interleaved* (baseline, rules, baseline, rules, ...) and each side keeps its
best round; the median of the per-round ratios is printed too, being robust to
load that drifts during the run. See README.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
import timeit
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import workload

import rules
from rules.checker.context import Context
from rules.checker.evaluate import _one_problem_verdict, evaluate
from rules.checker.fastpath import FiltersOnly
from rules.checker.plans import plan_of
from rules.cli.main import Streams, run
from rules.model.load import load_path
from rules.model.models import LotSizeFilter, NotionalFilter, PercentPriceBySideFilter, PriceFilter

SNAPSHOT = workload.SNAPSHOT
PARAMS = {
    "symbol": "BTCUSDT",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "price": "29400.01",
    "quantity": "0.00150",
}
CONTEXT = Context(avg_price=Decimal("29410.55"), open_orders=3)


def interleaved(
    first: Callable[[], object], second: Callable[[], object], number: int, rounds: int
) -> tuple[float, float, float]:
    """Best seconds per call of each, timed in alternation, and the median per-round ratio."""
    best_first = best_second = float("inf")
    ratios = []
    for _ in range(rounds):
        a = timeit.timeit(first, number=number) / number
        b = timeit.timeit(second, number=number) / number
        best_first, best_second = min(best_first, a), min(best_second, b)
        ratios.append(b / a)
    return best_first, best_second, statistics.median(ratios)


# --------------------------------------------------------------------------- 1. one order


def bench_single(quick: bool) -> None:
    info = load_path(SNAPSHOT, symbols=["BTCUSDT"])
    symbol = info["BTCUSDT"]
    pf = symbol.filter(PriceFilter)
    ls = symbol.filter(LotSizeFilter)
    nf = symbol.filter(NotionalFilter)
    pp = symbol.filter(PercentPriceBySideFilter)
    assert pf
    assert ls
    assert nf
    assert pp
    avg = CONTEXT.avg_price
    assert avg is not None

    def baseline() -> bool:
        params = PARAMS
        price = Decimal(params["price"])
        quantity = Decimal(params["quantity"])
        side = params["side"]
        ok = price >= pf.min_price and price <= pf.max_price and not price % pf.tick_size
        ok = ok and ls.min_qty <= quantity <= ls.max_qty and not quantity % ls.step_size
        notional = price * quantity
        ok = ok and nf.min_notional <= notional <= nf.max_notional
        up, down = (
            (pp.bid_multiplier_up, pp.bid_multiplier_down)
            if side == "BUY"
            else (pp.ask_multiplier_up, pp.ask_multiplier_down)
        )
        return ok and avg * down <= price <= avg * up

    def full() -> bool:
        return evaluate(info, PARAMS, CONTEXT).accepted

    assert baseline()
    assert full()
    base, fast, median = interleaved(
        baseline, full, number=20_000 if not quick else 5_000, rounds=25 if not quick else 7
    )
    print(
        f"single LIMIT order, 2023-08 BTCUSDT, Context given: baseline {base * 1e6:.2f} µs,"
        f" rules.evaluate {fast * 1e6:.2f} µs, ratio {fast / base:.2f}x"
        f" (median of rounds {median:.2f}x)"
    )


# --------------------------------------------------------------------------- contexts


def bench_context(quick: bool) -> None:
    """A context per order: building one, next to parsing its price into a small dict."""
    full = {"avgPrice": "29100.5", "openOrders": 3, "openAlgoOrders": 1, "basePosition": "0"}
    price = Decimal("29100.5")
    variants: dict[str, Callable[[], object]] = {
        'Context.from_mapping({"avgPrice": "29100.5"})': lambda: Context.from_mapping(
            {"avgPrice": "29100.5"}
        ),
        "Context.from_mapping(4 keys, full)": lambda: Context.from_mapping(full),
        'Context(avg_price="29100.5")': lambda: Context(avg_price="29100.5"),
        "Context(avg_price=Decimal(...))": lambda: Context(avg_price=price),
    }

    def baseline() -> object:
        return {"avg_price": Decimal("29100.5")}

    print('contexts, next to {"avg_price": Decimal("29100.5")} (baseline):')
    for label, fn in variants.items():
        base, ctx, median = interleaved(
            baseline, fn, number=20_000 if not quick else 5_000, rounds=15 if not quick else 5
        )
        print(
            f"  {label:46} {ctx * 1e6:5.2f} µs, baseline {base * 1e6:5.2f} µs:"
            f" {ctx / base:5.2f}x (median of rounds {median:5.2f}x)"
        )


# --------------------------------------------------------------------------- 2. the mix


Group = tuple[str, str, bool, str]  # (kind, shape, accepted by rules, path)


def _path(info: Any, params: dict[str, Any], context: dict[str, Any] | None) -> str:
    """Which path judges the order: the fast check's verdict (``fast``), its FILTERS
    answer (``filters``: the symbol's explainer, else ``judge_filters``), one request
    problem repaired then the filters (``one problem``), or the general path
    (``general``)."""
    info_plan = plan_of(info)
    symbol = info_plan.symbols.get(params.get("symbol"))  # type: ignore[arg-type]
    fast = None if symbol is None else symbol.fast_answers.get(params.get("type"))  # type: ignore[arg-type]
    if symbol is None or fast is None:
        return "general"
    ctx = Context() if context is None else Context.from_mapping(context)
    answer = fast(params, ctx)
    if isinstance(answer, FiltersOnly):
        return "filters"
    if answer is not None:
        return "fast"
    repaired = _one_problem_verdict(info_plan, symbol, fast, params, ctx)
    return "general" if repaired is None else "one problem"


def _time_loop(fn: Callable[[Any, Any], object], cases: Sequence[tuple[Any, Any]]) -> float:
    start = time.perf_counter()
    for params, context in cases:
        fn(params, context)
    return time.perf_counter() - start


def _per_order_median(
    base: Callable[[Any, Any], object],
    full: Callable[[Any, Any], object],
    cases: Sequence[tuple[Any, Any]],
) -> float:
    """The median over orders of (rules time / baseline time), each the best of 3 calls."""
    clock = time.perf_counter_ns
    empty = min(-clock() + clock() for _ in range(1000))
    ratios = []
    for params, context in cases:
        b = f = 1 << 62
        for _ in range(3):
            t0 = clock()
            base(params, context)
            t1 = clock()
            full(params, context)
            t2 = clock()
            b, f = min(b, t1 - t0), min(f, t2 - t1)
        ratios.append(max(f - empty, 1) / max(b - empty, 1))
    return statistics.median(ratios)


def bench_mix(count: int, rounds: int, seed: int) -> None:
    raw = workload.load_raw()
    cases = workload.generate(count, seed=seed, raw=raw)
    info = load_path(SNAPSHOT)
    base = workload.baseline(raw)

    def full(params: Any, context: Any) -> bool:
        return evaluate(info, params, context).accepted

    groups: dict[Group, list[tuple[Any, Any]]] = defaultdict(list)
    rejected = 0
    for case in cases:
        accepted = full(case.params, case.context)  # also warms every symbol's plans
        path = _path(info, case.params, case.context)
        groups[case.kind, case.shape, accepted, path].append((case.params, case.context))
        rejected += not accepted
    times: dict[Group, list[tuple[float, float]]] = defaultdict(list)
    for _ in range(rounds):
        for group, members in groups.items():
            times[group].append((_time_loop(base, members), _time_loop(full, members)))

    def row(label: str, keys: list[Group]) -> tuple[float, float]:
        n = sum(len(groups[k]) for k in keys)
        per_round = [
            (sum(times[k][r][0] for k in keys), sum(times[k][r][1] for k in keys))
            for r in range(rounds)
        ]
        b = min(x for x, _ in per_round) / n
        f = min(y for _, y in per_round) / n
        median = statistics.median(y / x for x, y in per_round)
        times_text = f"{b * 1e6:6.2f} µs  {f * 1e6:6.2f} µs"
        print(f"  {label:22} {n:7,}  {times_text}  {f / b:5.2f}x  {median:5.2f}x")
        return b, f

    print(
        f"realistic mix, 2023-08 ({count:,} orders over {len({c.params['symbol'] for c in cases})}"
        f" symbols, seed {seed}, {rejected / count:.0%} rejected by rules; {rounds} rounds):"
    )
    print(f"  {'':22} {'orders':>7}  {'baseline':>9}  {'rules':>9}  {'best':>6}  {'median':>6}")
    every = list(groups)
    row("whole mix", every)
    for kind in workload.KINDS:
        row(kind, [g for g in every if g[0] == kind])
    for shape in workload.SHAPES:
        row(f"context {shape}", [g for g in every if g[1] == shape])
    # Where the time goes: accepted orders take the fast path (all but a few
    # symbols'), rejected ones the filters' explainers or the general path.
    row("accepted by rules", [g for g in every if g[2]])
    row("rejected by rules", [g for g in every if not g[2]])
    # Which path judged the rejections: the filters (a well-formed order that
    # breaks a filter or a rule of the context), one request problem (a missing or
    # invalid side or timeInForce) then the filters, or the general path (the rest).
    # The filters: the symbol's explainer (rules.checker.explain), else judge_filters.
    row("  by the filters", [g for g in every if not g[2] and g[3] == "filters"])
    row("  by one problem", [g for g in every if not g[2] and g[3] == "one problem"])
    row("  by general path", [g for g in every if not g[2] and g[3] == "general"])
    sample = [(c.params, c.context) for c in cases[: min(count, 20_000)]]
    print(
        f"  median over orders of (rules / baseline), {len(sample):,} orders timed one by one:"
        f" {_per_order_median(base, full, sample):.2f}x"
        "  (targets: whole mix <= 2x, stretch 1.3x; no type or shape > 3x)"
    )


# --------------------------------------------------------------------------- 4. order lists


def bench_lists(count: int, rounds: int, seed: int) -> None:
    info = load_path(SNAPSHOT)
    cases = [(b, Context.from_mapping(b.context)) for b in workload.brackets(count, seed=seed)]
    accepted = 0
    for bracket, context in cases:  # also warms every symbol's plans
        accepted += evaluate(info, bracket.params, context, method="orderList.place.oco").accepted
        evaluate(info, bracket.take_profit, context)

    def as_list() -> None:
        for bracket, context in cases:
            evaluate(info, bracket.params, context, method="orderList.place.oco")

    def as_legs() -> None:
        for bracket, context in cases:
            evaluate(info, bracket.take_profit, context)
            evaluate(info, bracket.stop_loss, context)

    pairs = []
    for _ in range(rounds):
        legs_time = timeit.timeit(as_legs, number=1)
        list_time = timeit.timeit(as_list, number=1)
        pairs.append((legs_time, list_time))
    legs_best = min(x for x, _ in pairs) / count
    list_best = min(y for _, y in pairs) / count
    median = statistics.median(y / x for x, y in pairs)
    symbols = len({b.params["symbol"] for b, _ in cases})
    print(
        f"order lists, 2023-08 ({count:,} OCO brackets over {symbols} symbols, seed {seed}, "
        f"{accepted / count:.0%} accepted; {rounds} rounds):"
    )
    print(f"  two legs as single orders  {legs_best * 1e6:6.2f} µs")
    print(
        f"  the OCO (orderList.place.oco) {list_best * 1e6:6.2f} µs  "
        f"{list_best / legs_best:5.2f}x best, {median:5.2f}x median  (target <= 2.5x)"
    )


# --------------------------------------------------------------------------- 3. rules check


class _Piped(io.StringIO):
    """In-memory lines that say they come from a pipe: ``rules check`` reads them
    line by line, as it reads a bot's pipe or a terminal (docs/checking.md)."""

    def __init__(self, text: str, descriptor: int) -> None:
        super().__init__(text)
        self.descriptor = descriptor

    def fileno(self) -> int:
        return self.descriptor


def _cli_pair(text: str, rounds: int, *, piped: bool = False) -> tuple[float, float, float]:
    def bare() -> None:
        out = io.StringIO()
        for raw in io.StringIO(text):
            out.write(json.dumps(json.loads(raw)) + "\n")

    read, write = os.pipe()

    def cli() -> None:
        out = io.StringIO()
        stdin = _Piped(text, read) if piped else io.StringIO(text)
        code = run(
            ["check", "--exchange-info", str(SNAPSHOT)], streams=Streams(stdin, out, io.StringIO())
        )
        assert code in (0, 1), out.getvalue()[-200:]

    try:
        return interleaved(bare, cli, number=1, rounds=rounds)
    finally:
        os.close(read)
        os.close(write)


def bench_cli(count: int, rounds: int, seed: int) -> None:
    start = time.perf_counter()
    cases = workload.generate(count, seed=seed)
    text = "".join(case.line() + "\n" for case in cases)
    del cases
    made = time.perf_counter() - start
    bare_s, cli_s, median = _cli_pair(text, rounds)
    print(
        f"rules check, {count:,} realistic lines (made in {made:.1f} s): bare JSON Lines loop"
        f" {count / bare_s:,.0f} lines/s, rules check {count / cli_s:,.0f} lines/s (loading"
        f" the full snapshot included), ratio {bare_s / cli_s:.2f} (median of rounds"
        f" {1 / median:.2f}; target >= 0.7)"
    )
    # The same lines from a pipe: read line by line (the first 100k).
    first = "".join(text.splitlines(keepends=True)[:100_000])
    lines = first.count("\n")
    bare_s, cli_s, median = _cli_pair(first, rounds, piped=True)
    print(
        f"rules check, {lines:,} of those lines from a pipe (line by line): bare"
        f" {lines / bare_s:,.0f} lines/s, rules check {lines / cli_s:,.0f} lines/s, ratio"
        f" {bare_s / cli_s:.2f} (median of rounds {1 / median:.2f})"
    )
    same = 100_000
    line = json.dumps({"params": PARAMS, "context": {"avgPrice": "29410.55", "openOrders": 3}})
    bare_s, cli_s, median = _cli_pair((line + "\n") * same, rounds)
    print(
        f"rules check, best case: {same:,} identical accepted LIMIT lines: bare"
        f" {same / bare_s:,.0f} lines/s, rules check {same / cli_s:,.0f} lines/s, ratio"
        f" {bare_s / cli_s:.2f} (median of rounds {1 / median:.2f})"
    )


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller workloads, fewer rounds")
    parser.add_argument(
        "--only", default="single,context,mix,lists,cli", help="comma-separated sections"
    )
    parser.add_argument("--seed", type=int, default=11, help="the workload's seed")
    args = parser.parse_args(argv)
    sections = set(args.only.split(","))
    print(f"rules from {Path(rules.__file__).parent}")
    if "single" in sections:
        bench_single(args.quick)
    if "context" in sections:
        bench_context(args.quick)
    if "mix" in sections:
        bench_mix(15_000 if args.quick else 60_000, 3 if args.quick else 5, args.seed)
    if "lists" in sections:
        bench_lists(3_000 if args.quick else 12_000, 3 if args.quick else 7, args.seed)
    if "cli" in sections:
        bench_cli(100_000 if args.quick else 1_000_000, 3, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
