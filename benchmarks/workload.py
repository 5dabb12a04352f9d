"""A realistic, seeded order workload over a real snapshot, and the exact Decimal baseline.

What a bot or a backtest sends, not the best case of one shape: orders of every
type the 2023-08 snapshot allows (LIMIT, LIMIT_MAKER, MARKET by ``quantity``
and by ``quoteOrderQty``, STOP_LOSS_LIMIT, TAKE_PROFIT_LIMIT, iceberg LIMITs)
over every TRADING symbol, about 40% of them breaking one rule, each with one
of three context shapes in equal parts, passed as dicts the way a caller has
them:

- ``none``: no context at all (``None``; a bare params line for ``rules check``);
- ``avgPrice``: ``{"avgPrice": "..."}`` only, the usual case of a bot that
  knows the price but not every counter;
- ``full``: every value the symbol's rules need (``avgPrice``, ``openOrders``,
  ``openAlgoOrders``, ``basePosition``), so that nothing is left unchecked
  (but MAX_POSITION, on its 9 symbols, for a BUY by ``quoteOrderQty``).

Everything is built from the raw JSON of the snapshot with :mod:`decimal`,
never from :mod:`rules`, so that the workload cannot inherit the checker's
mistakes. :func:`generate` is deterministic for a given seed; the benchmarks
(:mod:`bench_check`), the checker's redesign and the batch API reuse it.

:func:`baseline` is the bare yardstick the benchmarks compare with: an exact
``Decimal`` check of PRICE_FILTER, LOT_SIZE, NOTIONAL and
PERCENT_PRICE_BY_SIDE that parses the order's strings (``price``,
``quantity`` or ``quoteOrderQty``, ``stopPrice``, the context's ``avgPrice``)
and answers yes or no, with no explanation and no other rule.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any, Final

__all__ = [
    "KINDS",
    "SHAPES",
    "SNAPSHOT",
    "Case",
    "baseline",
    "generate",
    "lines",
    "load_raw",
]

SNAPSHOT: Final = (
    Path(__file__).resolve().parents[2] / "shared/data/exchange_info/spot-full-2023-08.json"
)

#: The order kinds and their share of the workload (weights sum to 100).
KINDS: Final[dict[str, int]] = {
    "LIMIT": 30,
    "LIMIT_MAKER": 10,
    "MARKET quantity": 14,
    "MARKET quoteOrderQty": 10,
    "STOP_LOSS_LIMIT": 13,
    "TAKE_PROFIT_LIMIT": 13,
    "LIMIT iceberg": 10,
}
#: The context shapes, in equal parts.
SHAPES: Final = ("none", "avgPrice", "full")
#: The share of orders built to break one rule.
INVALID_SHARE: Final = 0.4

Params = dict[str, str]


@dataclass(frozen=True, slots=True)
class Case:
    """One order of the workload: what is sent, and what it was built to be."""

    params: Params
    #: The context as a caller has it: ``None`` or a JSON-ready dict.
    context: dict[str, Any] | None
    kind: str
    shape: str
    #: The rule the order was built to break (``None``: built valid). Whether
    #: it is *seen* broken depends on the context: a price outside the
    #: PERCENT_PRICE_BY_SIDE band is unchecked, not rejected, without avgPrice.
    breaks: str | None

    def line(self) -> str:
        """The order as a ``rules check`` input line."""
        if self.context is None:
            return json.dumps(self.params)
        return json.dumps({"params": self.params, "context": self.context})


def load_raw(path: Path = SNAPSHOT) -> dict[str, Any]:
    """The snapshot's JSON, parsed with prices as strings (as on the wire)."""
    result: dict[str, Any] = json.loads(path.read_bytes())
    return result


# --------------------------------------------------------------------------- a symbol's numbers


@dataclass(frozen=True, slots=True)
class _Symbol:
    name: str
    tick: Decimal
    min_price: Decimal
    max_price: Decimal
    step: Decimal
    min_qty: Decimal
    max_qty: Decimal
    market_max_qty: Decimal
    min_notional: Decimal
    max_notional: Decimal
    bands: dict[str, tuple[Decimal, Decimal]]  # side -> (down, up)
    iceberg_parts: int
    max_orders: int
    max_algo: int
    quote_market: bool
    quote_precision: int
    has_position: bool


def _symbol(raw: Mapping[str, Any]) -> _Symbol | None:
    f = {x["filterType"]: x for x in raw["filters"]}
    needed = ("PRICE_FILTER", "LOT_SIZE", "NOTIONAL", "PERCENT_PRICE_BY_SIDE")
    if raw["status"] != "TRADING" or any(n not in f for n in needed):
        return None
    pp = f["PERCENT_PRICE_BY_SIDE"]
    market = f.get("MARKET_LOT_SIZE", {})
    return _Symbol(
        name=raw["symbol"],
        tick=Decimal(f["PRICE_FILTER"]["tickSize"]).normalize(),
        min_price=Decimal(f["PRICE_FILTER"]["minPrice"]),
        max_price=Decimal(f["PRICE_FILTER"]["maxPrice"]),
        step=Decimal(f["LOT_SIZE"]["stepSize"]).normalize(),
        min_qty=Decimal(f["LOT_SIZE"]["minQty"]),
        max_qty=Decimal(f["LOT_SIZE"]["maxQty"]),
        market_max_qty=Decimal(market.get("maxQty", "0")),
        min_notional=Decimal(f["NOTIONAL"]["minNotional"]),
        max_notional=Decimal(f["NOTIONAL"]["maxNotional"]),
        bands={
            "BUY": (Decimal(pp["bidMultiplierDown"]), Decimal(pp["bidMultiplierUp"])),
            "SELL": (Decimal(pp["askMultiplierDown"]), Decimal(pp["askMultiplierUp"])),
        },
        iceberg_parts=int(f.get("ICEBERG_PARTS", {}).get("limit", 1)),
        max_orders=int(f.get("MAX_NUM_ORDERS", {}).get("maxNumOrders", 200)),
        max_algo=int(f.get("MAX_NUM_ALGO_ORDERS", {}).get("maxNumAlgoOrders", 5)),
        quote_market=bool(raw.get("quoteOrderQtyMarketAllowed")),
        quote_precision=min(int(raw.get("quoteAssetPrecision", 8)), 8),
        has_position="MAX_POSITION" in f,
    )


def _on(value: Decimal, grid: Decimal, rounding: str = ROUND_FLOOR) -> Decimal:
    """``value`` on the grid (a power of ten or not), rounded as asked."""
    return (value / grid).to_integral_value(rounding=rounding) * grid


def _text(value: Decimal, grid: Decimal) -> str:
    """A value as a bot writes it: the grid's number of decimals, no exponent."""
    return format(value.quantize(grid if grid < 1 else Decimal(1)), "f")


class _Market:
    """One symbol at one moment: an average price and the prices and sizes valid around it."""

    def __init__(self, s: _Symbol, rng: random.Random) -> None:
        self.s = s
        top = s.max_price if s.max_price > 0 else s.tick * 10**9
        # A price of 10^3..10^5 ticks, as on real books; then kept where every rule has room.
        avg = _on(s.tick * Decimal(rng.randint(1_000, 100_000)), s.tick)
        # High enough that the largest quantity allowed (a MARKET order's is
        # often the smaller) still reaches 50 times the minimum notional.
        cap = min(q for q in (s.max_qty, s.market_max_qty, Decimal(10**12)) if q > 0)
        avg = max(avg, s.min_notional * 50 / cap)
        avg = min(max(avg, s.min_price * 4, s.tick * 20), top / 4)
        self.avg = _on(avg, s.tick)
        self._windows: dict[tuple[str, float], tuple[Decimal, int]] = {}

    def price(self, side: str, rng: random.Random, spread: float = 0.02) -> Decimal:
        """A price on the tick, within ``spread`` of the average and inside every band."""
        window = self._windows.get((side, spread))
        if window is None:
            down, up = self.s.bands[side]
            low = max(self.avg * max(down, Decimal(1) - Decimal(spread)), self.s.min_price)
            high = min(self.avg * min(up, Decimal(1) + Decimal(spread)), self._top())
            low, high = _on(low, self.s.tick, ROUND_CEILING), _on(high, self.s.tick)
            window = (low, int((high - low) / self.s.tick)) if high > low else (self.avg, 0)
            self._windows[side, spread] = window
        low, ticks = window
        return low + self.s.tick * rng.randint(0, ticks)

    def _top(self) -> Decimal:
        return self.s.max_price if self.s.max_price > 0 else self.avg * 100

    def quantity(self, price: Decimal, rng: random.Random, market: bool = False) -> Decimal:
        """A quantity on the step whose notional at ``price`` is comfortably allowed."""
        s = self.s
        target = max(s.min_notional, Decimal(1)) * Decimal(rng.choice((1.5, 2, 3, 5, 10, 40)))
        step = s.step if s.step > 0 else Decimal("0.00000001")
        qty = _on(target / price, step, ROUND_CEILING)
        qty = max(qty, s.min_qty if s.min_qty > 0 else step)
        top = s.max_qty if s.max_qty > 0 else qty
        if market and s.market_max_qty > 0:
            top = min(top, s.market_max_qty)
        if s.max_notional > 0:
            top = min(top, _on(s.max_notional / price, step))
        return min(qty, _on(top, step))


# --------------------------------------------------------------------------- orders


def _limit(m: _Market, side: str, rng: random.Random, maker: bool = False) -> Params:
    price = m.price(side, rng)
    params = {"symbol": m.s.name, "side": side, "type": "LIMIT_MAKER" if maker else "LIMIT"}
    if not maker:
        params["timeInForce"] = rng.choice(("GTC", "GTC", "GTC", "IOC", "FOK"))
    params["quantity"] = _text(m.quantity(price, rng), m.s.step)
    params["price"] = _text(price, m.s.tick)
    return params


def _iceberg(m: _Market, side: str, rng: random.Random) -> Params:
    price = m.price(side, rng)
    step = m.s.step
    # Enough quantity for a few parts that each meet LOT_SIZE's minimum.
    parts = rng.randint(2, max(2, m.s.iceberg_parts))
    qty = m.quantity(price, rng) * parts
    if m.s.max_qty > 0:
        qty = min(qty, m.s.max_qty)
    if m.s.max_notional > 0:
        qty = min(qty, _on(m.s.max_notional / price, step))
    qty = _on(qty, step)
    visible = _on(qty / parts, step, ROUND_CEILING)
    visible = max(visible, m.s.min_qty)
    return {
        "symbol": m.s.name,
        "side": side,
        "type": "LIMIT",
        "timeInForce": "GTC",
        "quantity": _text(qty, step),
        "price": _text(price, m.s.tick),
        "icebergQty": _text(visible, step),
    }


def _market(m: _Market, side: str, rng: random.Random, quote: bool) -> Params:
    params = {"symbol": m.s.name, "side": side, "type": "MARKET"}
    if quote:
        grid = Decimal(1).scaleb(-min(m.s.quote_precision, 2))
        amount = max(m.s.min_notional, Decimal(1)) * Decimal(rng.choice((1.5, 2, 5, 20)))
        params["quoteOrderQty"] = _text(_on(amount, grid, ROUND_CEILING), grid)
    else:
        params["quantity"] = _text(m.quantity(m.avg, rng, market=True), m.s.step)
    return params


def _stop(m: _Market, side: str, rng: random.Random, order_type: str) -> Params:
    # SELL STOP_LOSS below the market, BUY above; TAKE_PROFIT the other way round.
    below = (side == "SELL") == (order_type == "STOP_LOSS_LIMIT")
    stop = m.price(side, rng, spread=0.03)
    stop = min(stop, m.avg) if below else max(stop, m.avg)
    price = m.price(side, rng, spread=0.03)
    return {
        "symbol": m.s.name,
        "side": side,
        "type": order_type,
        "timeInForce": "GTC",
        "quantity": _text(m.quantity(max(price, stop), rng), m.s.step),
        "price": _text(price, m.s.tick),
        "stopPrice": _text(stop, m.s.tick),
    }


def _build(kind: str, m: _Market, side: str, rng: random.Random) -> Params:
    if kind in ("LIMIT", "LIMIT_MAKER"):
        return _limit(m, side, rng, maker=kind == "LIMIT_MAKER")
    if kind == "LIMIT iceberg":
        return _iceberg(m, side, rng)
    if kind.startswith("MARKET"):
        return _market(m, side, rng, quote=kind.endswith("quoteOrderQty"))
    return _stop(m, side, rng, kind)


# --------------------------------------------------------------------------- breaking one rule


def _off_grid(text: str, grid: Decimal) -> str:
    # Half a grid step more: one more decimal, never a multiple.
    value = Decimal(text) + grid / 2
    return format(value.quantize(grid / 10), "f")


def _break(case: Params, kind: str, m: _Market, rng: random.Random, shape: str) -> str:
    """Make ``case`` break one rule; returns the rule's name."""
    s = m.s
    choices = ["LOT_SIZE step", "NOTIONAL min", "missing parameter", "bad side"]
    if "price" in case:
        choices += ["PRICE_FILTER tick", "PERCENT_PRICE_BY_SIDE band"]
    if kind == "LIMIT_MAKER":
        choices.append("timeInForce not allowed")
    if kind == "LIMIT iceberg":
        choices.append("ICEBERG_PARTS")
    if kind.endswith("quoteOrderQty"):
        choices = ["NOTIONAL min", "missing parameter", "bad side"]
    if shape == "full":
        choices.append("MAX_NUM_ORDERS")
    rule = rng.choice(choices)
    if rule == "PRICE_FILTER tick":
        case["price"] = _off_grid(case["price"], s.tick)
    elif rule == "PERCENT_PRICE_BY_SIDE band":
        down, up = s.bands[case["side"]]
        high = _on(m.avg * up * Decimal("1.5"), s.tick, ROUND_CEILING)
        low = _on(m.avg * down * Decimal("0.5"), s.tick)
        out = high if (low < s.min_price or rng.random() < 0.5) else low
        if s.max_price > 0 and out > s.max_price:
            out = low
        case["price"] = _text(out, s.tick)
    elif rule == "LOT_SIZE step" and "quantity" in case:
        case["quantity"] = _off_grid(case["quantity"], s.step)
    elif rule == "NOTIONAL min":
        if "quoteOrderQty" in case:
            case["quoteOrderQty"] = _text(s.min_notional / 4, Decimal("0.01"))
        else:
            price = Decimal(case.get("price", m.avg))
            qty = max(_on(s.min_notional / price / 4, s.step), s.min_qty)
            if qty * price >= s.min_notional:  # the minimum quantity is already enough
                rule = "LOT_SIZE min"
                qty = s.min_qty / 2
                case["quantity"] = format(qty.normalize(), "f")
            else:
                case["quantity"] = _text(qty, s.step)
    elif rule == "missing parameter":
        key = "timeInForce" if "timeInForce" in case else "side"
        del case[key]
    elif rule == "bad side":
        case["side"] = rng.choice(("buy", "HOLD", ""))
    elif rule == "timeInForce not allowed":
        case["timeInForce"] = "GTC"
    elif rule == "ICEBERG_PARTS":
        qty = Decimal(case["quantity"])
        visible = max(_on(qty / (s.iceberg_parts * 3), s.step), s.min_qty)
        if (qty / visible).to_integral_value(ROUND_CEILING) <= s.iceberg_parts:
            rule = "PRICE_FILTER tick"  # too small to split into too many parts
            case["price"] = _off_grid(case["price"], s.tick)
        else:
            case["icebergQty"] = _text(visible, s.step)
    else:  # "MAX_NUM_ORDERS": the context says the symbol is full; the params stay valid
        rule = "MAX_NUM_ORDERS"
    return rule


# --------------------------------------------------------------------------- the workload


def _context(m: _Market, shape: str, rng: random.Random, rule: str | None) -> dict[str, Any] | None:
    if shape == "none":
        return None
    avg = _text(m.avg, m.s.tick)
    if shape == "avgPrice":
        return {"avgPrice": avg}
    full_orders = rule == "MAX_NUM_ORDERS"
    return {
        "avgPrice": avg,
        "openOrders": m.s.max_orders if full_orders else rng.randint(0, m.s.max_orders - 2),
        "openAlgoOrders": rng.randint(0, max(0, m.s.max_algo - 2)),
        "basePosition": "0",
    }


def generate(
    count: int,
    *,
    seed: int = 11,
    raw: Mapping[str, Any] | None = None,
    kinds: Iterable[str] = KINDS,
    shapes: Iterable[str] = SHAPES,
) -> list[Case]:
    """``count`` orders over every TRADING symbol of ``raw`` (default: 2023-08), seeded.

    Symbols are taken in turn in a shuffled order (every one appears once
    ``count`` reaches their number); kinds by :data:`KINDS`' weights, shapes
    in equal parts, and :data:`INVALID_SHARE` of the orders break one rule.
    """
    rng = random.Random(seed)
    data = load_raw() if raw is None else raw
    symbols = [s for s in map(_symbol, data["symbols"]) if s is not None]
    rng.shuffle(symbols)
    kind_names = list(kinds)
    weights = [KINDS[k] for k in kind_names]
    shape_names = list(shapes)
    markets: dict[str, _Market] = {}
    cases = []
    for i in range(count):
        s = symbols[i % len(symbols)]
        m = markets.get(s.name) or markets.setdefault(s.name, _Market(s, rng))
        kind = rng.choices(kind_names, weights)[0]
        if kind.endswith("quoteOrderQty") and not s.quote_market:
            kind = "MARKET quantity"
        shape = shape_names[i % len(shape_names)]
        side = rng.choice(("BUY", "SELL"))
        params = _build(kind, m, side, rng)
        rule = _break(params, kind, m, rng, shape) if rng.random() < INVALID_SHARE else None
        cases.append(Case(params, _context(m, shape, rng, rule), kind, shape, rule))
    return cases


@dataclass(frozen=True, slots=True)
class Bracket:
    """An OCO bracket after a BUY fill, and the same two orders as single orders."""

    params: Params  # orderList.place.oco
    context: dict[str, Any]
    take_profit: Params  # the above leg as order.place params (LIMIT_MAKER)
    stop_loss: Params  # the below leg as order.place params (STOP_LOSS_LIMIT)


def brackets(count: int, *, seed: int = 11, raw: Mapping[str, Any] | None = None) -> list[Bracket]:
    """``count`` SELL OCO brackets over every TRADING symbol of ``raw`` (default 2023-08):
    a LIMIT_MAKER take-profit 1-3% above the average price, a STOP_LOSS_LIMIT stop 1-3%
    below it (its limit a few ticks under the stop), the quantity a bot bought; the
    context has ``avgPrice``, ``lastPrice`` (= the average) and the open-order counts."""
    rng = random.Random(seed)
    data = load_raw() if raw is None else raw
    symbols = [s for s in map(_symbol, data["symbols"]) if s is not None]
    rng.shuffle(symbols)
    out = []
    for i in range(count):
        m = _Market(symbols[i % len(symbols)], rng)
        s, tick = m.s, m.s.tick
        above = max(m.price("SELL", rng, spread=0.03), m.avg + tick)
        stop = min(m.price("SELL", rng, spread=0.03), m.avg - tick)
        limit = max(stop - tick * rng.randint(1, 5), tick)
        qty = _text(m.quantity(limit, rng), s.step)
        shared = {"symbol": s.name, "side": "SELL", "quantity": qty}
        take_profit = {**shared, "type": "LIMIT_MAKER", "price": _text(above, tick)}
        stop_loss = {
            **shared,
            "type": "STOP_LOSS_LIMIT",
            "timeInForce": "GTC",
            "price": _text(limit, tick),
            "stopPrice": _text(stop, tick),
        }
        params = {
            **shared,
            "aboveType": "LIMIT_MAKER",
            "abovePrice": take_profit["price"],
            "belowType": "STOP_LOSS_LIMIT",
            "belowTimeInForce": "GTC",
            "belowPrice": stop_loss["price"],
            "belowStopPrice": stop_loss["stopPrice"],
        }
        avg = _text(m.avg, tick)
        context = {
            "avgPrice": avg,
            "lastPrice": avg,
            "openOrders": rng.randint(0, max(0, m.s.max_orders - 3)),
            "openAlgoOrders": rng.randint(0, max(0, m.s.max_algo - 2)),
            "openOrderLists": 0,
        }
        out.append(Bracket(params, context, take_profit, stop_loss))
    return out


def lines(cases: Iterable[Case]) -> Iterator[str]:
    """The ``rules check`` input lines of ``cases`` (no newline)."""
    for case in cases:
        yield case.line()


# --------------------------------------------------------------------------- the baseline


Baseline = Callable[[Params, Mapping[str, Any] | None], bool]


def baseline(raw: Mapping[str, Any] | None = None) -> Baseline:
    """The exact Decimal four-filter check over ``raw``'s symbols, numbers extracted once.

    ``check(params, context)`` parses ``price``, ``stopPrice``, ``quantity`` or
    ``quoteOrderQty`` and the context's ``avgPrice`` with ``Decimal``, then
    applies PRICE_FILTER (range and tick, to price and stopPrice), LOT_SIZE
    (range and step), NOTIONAL (range; a MARKET order's price is avgPrice)
    and PERCENT_PRICE_BY_SIDE (the side's band around avgPrice) where their
    inputs exist. Nothing else: no parameter, type, flag or counter rule, no
    explanation.
    """
    data = load_raw() if raw is None else raw
    table: dict[str, tuple[Decimal, ...]] = {}
    for s in filter(None, map(_symbol, data["symbols"])):
        table[s.name] = (
            s.min_price,
            s.max_price,
            Decimal(s.tick),
            s.min_qty,
            s.max_qty,
            Decimal(s.step),
            s.min_notional,
            s.max_notional,
            *s.bands["BUY"],
            *s.bands["SELL"],
        )

    def check(params: Params, context: Mapping[str, Any] | None) -> bool:
        (
            min_price,
            max_price,
            tick,
            min_qty,
            max_qty,
            step,
            min_notional,
            max_notional,
            bid_down,
            bid_up,
            ask_down,
            ask_up,
        ) = table[params["symbol"]]
        avg_text = None if context is None else context.get("avgPrice")
        avg = None if avg_text is None else Decimal(avg_text)
        text = params.get("price")
        price = None if text is None else Decimal(text)
        for p in (price, None if "stopPrice" not in params else Decimal(params["stopPrice"])):
            if p is not None and not (min_price <= p <= max_price and not p % tick):
                return False
        text = params.get("quantity")
        if text is not None:
            qty = Decimal(text)
            if not (min_qty <= qty <= max_qty and not qty % step):
                return False
            at = price if price is not None else avg
            notional = None if at is None else qty * at
        else:
            notional = Decimal(params["quoteOrderQty"])
        if notional is not None and not (min_notional <= notional <= max_notional):
            return False
        if price is not None and avg is not None:
            down, up = (bid_down, bid_up) if params.get("side") == "BUY" else (ask_down, ask_up)
            return avg * down <= price <= avg * up
        return True

    return check
