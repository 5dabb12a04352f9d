"""Speed of the order checker, next to bare baselines, in one run so the ratios mean something.

1. One LIMIT order given as string params on the 2023-08 BTCUSDT rules:
   - baseline: parse the three strings with ``Decimal`` and apply only PRICE_FILTER,
     LOT_SIZE, NOTIONAL and PERCENT_PRICE_BY_SIDE;
   - full: :func:`rules.evaluate` (every check, a Verdict out).
   Target: full at most 2x the baseline.
2. ``rules check`` on 100k JSON lines, next to a bare JSON Lines read-and-write loop
   (``json.loads`` + ``json.dumps`` per line). Target: at least half its speed.

Run: ``.venv/bin/python benchmarks/bench_check.py`` from the checkout (needs ../shared).
"""

from __future__ import annotations

import io
import json
import timeit
from decimal import Decimal
from pathlib import Path

from rules.cli import Streams, run
from rules.context import Context
from rules.load import load_path
from rules.models import LotSizeFilter, NotionalFilter, PercentPriceBySideFilter, PriceFilter
from rules.validate import evaluate

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


def _best(stmt: object, number: int) -> float:
    """Best of 7 repeats, in microseconds per call."""
    return min(timeit.repeat(stmt, number=number, repeat=7)) / number * 1e6  # type: ignore[arg-type]


def bench_single() -> tuple[float, float]:
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
    n = 50_000
    return _best(baseline, n), _best(full, n)


def bench_cli(lines: int = 100_000) -> tuple[float, float]:
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

    bare_s = min(timeit.repeat(bare, number=1, repeat=3))
    cli_s = min(timeit.repeat(cli, number=1, repeat=3))
    return lines / bare_s, lines / cli_s


def main() -> None:
    base, full = bench_single()
    print(
        f"single LIMIT order, 2023-08 BTCUSDT: baseline {base:.2f} µs, full check {full:.2f} µs,"
        f" ratio {full / base:.2f}x (target <= 2x)"
    )
    bare, cli = bench_cli()
    print(
        f"rules check, 100k lines: bare JSON Lines loop {bare:,.0f} lines/s, rules check"
        f" {cli:,.0f} lines/s (includes loading the full snapshot), ratio {cli / bare:.2f}"
        f" (target >= 0.5)"
    )


if __name__ == "__main__":
    main()
