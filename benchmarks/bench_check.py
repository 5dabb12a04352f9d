"""Speed of the order checker, next to bare baselines, in one run so the ratios mean something.

1. One LIMIT order given as string params on the 2023-08 BTCUSDT rules:
   - baseline: parse the three strings with ``Decimal`` and apply only PRICE_FILTER,
     LOT_SIZE, NOTIONAL and PERCENT_PRICE_BY_SIDE;
   - full: :func:`rules.evaluate` (every check, a Verdict out).
   Target: full at most 2x the baseline.
2. ``rules check`` on 100k JSON lines, next to a bare JSON Lines read-and-write loop
   (``json.loads`` + ``json.dumps`` per line). Target: at least half its speed.

Run: ``.venv/bin/python benchmarks/bench_check.py`` from the checkout (needs ../shared).

Method: the machine is shared and noisy, so each pair is timed *interleaved*
(baseline, full, baseline, full, ...) and each side keeps its best round; the
ratio of the two bests is printed along with the median of the per-round
ratios, which is robust to load that drifts during the run. See README.md.
"""

from __future__ import annotations

import io
import json
import statistics
import timeit
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.cli.main import Streams, run
from rules.model.load import load_path
from rules.model.models import LotSizeFilter, NotionalFilter, PercentPriceBySideFilter, PriceFilter

SNAPSHOT = Path(__file__).resolve().parents[2] / "shared/data/exchange_info/spot-full-2023-08.json"
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


def bench_single() -> tuple[float, float, float]:
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
    base, fast, median = interleaved(baseline, full, number=20_000, rounds=25)
    return base * 1e6, fast * 1e6, median


def bench_cli(lines: int = 100_000) -> tuple[float, float, float]:
    line = json.dumps({"params": PARAMS, "context": {"avgPrice": "29410.55", "openOrders": 3}})
    text = (line + "\n") * lines

    def bare() -> None:
        out = io.StringIO()
        for raw in io.StringIO(text):
            out.write(json.dumps(json.loads(raw)) + "\n")

    def cli() -> None:
        out = io.StringIO()
        code = run(
            ["check", "--exchange-info", str(SNAPSHOT)],
            streams=Streams(io.StringIO(text), out, io.StringIO()),
        )
        assert code == 0

    bare_s, cli_s, median = interleaved(bare, cli, number=1, rounds=5)
    return lines / bare_s, lines / cli_s, 1 / median


def main() -> None:
    base, full, median = bench_single()
    print(
        f"single LIMIT order, 2023-08 BTCUSDT: baseline {base:.2f} µs, full check {full:.2f} µs,"
        f" ratio {full / base:.2f}x (median of rounds {median:.2f}x; target <= 2x)"
    )
    bare, cli, median = bench_cli()
    print(
        f"rules check, 100k lines: bare JSON Lines loop {bare:,.0f} lines/s, rules check"
        f" {cli:,.0f} lines/s (includes loading the full snapshot), ratio {cli / bare:.2f}"
        f" (median of rounds {median:.2f}; target >= 0.5)"
    )


if __name__ == "__main__":
    main()
