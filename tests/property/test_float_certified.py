"""An adversarial review of the certified float tests of the written fast checks
(rules/checker/fastcode.py, rules/checker/fastread.py): orders whose numbers sit
exactly at, one float ulp around, one unit of the 20th decimal around, and a
relative 10**-30 around every bound (price, stopPrice, quantity, price × quantity,
icebergQty against quantity, quantity against ICEBERG_PARTS × icebergQty, the
bands' market price × multiplier, MARKET quantity × market price and
quoteOrderQty), on real snapshots and on synthetic filters with extreme numbers
(bounds of 0, 20 integer digits, 20 decimals, multipliers of 0), give through
``evaluate`` exactly the general path's verdict in every context shape (none,
``{}``, ``{"avgPrice": ...}``, the full dict, a ``Context``).
"""

from __future__ import annotations

import functools
import json
import decimal
import math
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from rules.checker.checks import PRODUCT
from rules.checker.context import Context
from rules.checker.evaluate import _general_verdict, evaluate
from rules.checker.order import DECIMAL_RANGE
from rules.checker.plans import plan_of
from rules.model.load import loads
from rules.model.models import ExchangeInfo
from tests.property.test_fastpath_properties import SNAPSHOTS, _fast_symbols, _load

_RANGE = __import__("re").compile(DECIMAL_RANGE)
_UNIT = Decimal("1E-20")
_TIME = 1691945251489  # 2023: the NOTIONAL era
_DIVIDE = decimal.Context(prec=60)


def _plain(value: Decimal) -> str | None:
    """``value`` as an order string of DECIMAL_RANGE (truncated to 20 decimals), or None."""
    if not value.is_finite() or value < 0:
        return None
    text = format(PRODUCT.quantize(value, _UNIT) if value.as_tuple().exponent < -20 else value, "f")  # type: ignore[operator]
    return text if _RANGE.fullmatch(text) else None


def _around(value: Decimal) -> list[Decimal]:
    """``value``, one unit of the 20th decimal, one float ulp and a relative 10**-30,
    10**-16 and 10**-12 either side of it (each truncated to 20 decimals later)."""
    out = [value]
    if not value.is_finite():
        return out
    for delta in (_UNIT, Decimal("1E-8")):
        out += [PRODUCT.add(value, delta), PRODUCT.subtract(value, delta)]
    for exponent in (-30, -16, -12):
        delta = PRODUCT.multiply(value, Decimal(1).scaleb(exponent))
        out += [PRODUCT.add(value, delta), PRODUCT.subtract(value, delta)]
    f = float(value)
    if math.isfinite(f):
        for g in (math.nextafter(f, math.inf), math.nextafter(f, -math.inf), f):
            if math.isfinite(g):
                exact = Decimal(g)  # the double's exact value
                out += [exact, PRODUCT.add(exact, _UNIT), PRODUCT.subtract(exact, _UNIT)]
    # Rounded up and down to 20 decimals (a bound with more places than an order has).
    for rounding in ("ROUND_FLOOR", "ROUND_CEILING"):
        try:
            out.append(value.quantize(_UNIT, rounding=rounding, context=PRODUCT))
        except InvalidOperation:
            pass
    return [v for v in out if v >= 0]


def _divide(a: Decimal, b: Decimal) -> Decimal | None:
    if not b or not a.is_finite() or not b.is_finite():
        return None
    try:
        return _DIVIDE.divide(a, b)
    except InvalidOperation:
        return None


def _texts(values: list[Decimal]) -> list[str]:
    out = sorted({t for v in values if (t := _plain(v)) is not None})
    return out or ["1"]


# Extreme filter numbers: zero (no limit), the DECIMAL_RANGE extremes, the real
# snapshots' usual numbers, long mantissas (more places than an order can send).
_LOWS = [
    "0", "0.00000000000000000001", "0.00000001", "0.01", "1", "10", "0.33333333333333333333",
    "1.00000000000000000001", "123456789.123456789", "0.000000000000000000001",
]  # fmt: skip
_HIGHS = [
    "0", "9000000000", "92141578", "99999999999999999999", "1000", "10.00000000000000000001",
    "99999999999999999999.99999999999999999999", "100000000000000000000000",
    "0.000000000000000000001", "1",
]  # fmt: skip
_STEPS = ["0", "0.00000000000000000001", "0.00000001", "1", "0.01", "0.3"]
_MULTIPLIERS = ["0", "5", "0.2", "1.5", "0.5", "1.00000000000000000001", "0.99999999999999999999",
                "100000000000000000000", "0.00000000000000000001"]  # fmt: skip


@functools.cache
def _synthetic(spec: tuple[tuple[str, ...], ...]) -> ExchangeInfo:
    """A one-symbol snapshot "X" with these filters' numbers."""
    (pl, ph, tick), (ql, qh, step), (nl, nh, apply_max), (up, down, bid_up, bid_down), parts = spec
    filters: list[dict[str, Any]] = [
        {"filterType": "PRICE_FILTER", "minPrice": pl, "maxPrice": ph, "tickSize": tick},
        {"filterType": "LOT_SIZE", "minQty": ql, "maxQty": qh, "stepSize": step},
        {"filterType": "MARKET_LOT_SIZE", "minQty": ql, "maxQty": qh, "stepSize": "0"},
        {"filterType": "NOTIONAL", "minNotional": nl, "applyMinToMarket": True,
         "maxNotional": nh, "applyMaxToMarket": apply_max == "1", "avgPriceMins": 5},
        {"filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": bid_up,
         "bidMultiplierDown": bid_down, "askMultiplierUp": up, "askMultiplierDown": down,
         "avgPriceMins": 5},
        {"filterType": "ICEBERG_PARTS", "limit": int(parts[0])},
        {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
    ]  # fmt: skip
    symbol = {
        "symbol": "X", "status": "TRADING", "baseAsset": "A", "quoteAsset": "B",
        "icebergAllowed": True, "quoteOrderQtyMarketAllowed": True,
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
        "filters": filters,
    }  # fmt: skip
    return loads(json.dumps({"serverTime": _TIME, "symbols": [symbol]}))


def _contexts(reference: str | None, count: int) -> list[tuple[str, Any]]:
    full: dict[str, Any] = {"openOrders": count, "openIcebergOrders": 0}
    if reference is not None:
        full = {"avgPrice": reference, "lastPrice": reference, "referencePrice": reference, **full}
    shapes: list[tuple[str, Any]] = [("none", None), ("{}", {}), ("full", full)]
    shapes.append(("Context", Context.from_mapping(full)))
    if reference is not None:
        shapes.append(("avgPrice", {"avgPrice": reference}))
    return shapes


def _assert_same(
    info: ExchangeInfo, params: dict[str, Any], reference: str | None, count: int, record: bool = True
) -> None:
    plan = plan_of(info).symbol(info, params["symbol"])
    fast = None if plan is None else plan.fast_check(params["type"])
    for shape, context in _contexts(reference, count):
        as_context = Context.from_mapping(context) if isinstance(context, dict) else context
        general = _general_verdict(info, params, as_context or Context())
        got = evaluate(info, params, dict(context) if isinstance(context, dict) else context)
        assert got == general, (shape, params, context, got, general)
        if fast is not None and record:
            event(f"fast {params['type']} {shape} accepted={general.accepted}")


@st.composite
def _order(
    draw: st.DrawFn, symbol: str, spec: dict[str, Decimal | None], kinds: list[str]
) -> tuple[dict[str, Any], str | None, int]:
    """An order on and around ``spec``'s bounds (price, quantity, notional, bands, parts)."""
    d = Decimal
    pl, ph = spec["pl"] or d(0), spec["ph"] or d(0)
    prices = _texts([v for b in (pl, ph, spec["tick"] or d(1)) for v in _around(b)])
    price = d(draw(st.sampled_from(prices)))
    ql, qh = spec["ql"] or d(0), spec["qh"] or d(0)
    quantities = [v for b in (ql, qh) for v in _around(b)]
    for bound in (spec["nl"], spec["nh"]):
        if bound and (q := _divide(bound, price)) is not None:
            quantities += _around(q)
    quantity_texts = _texts(quantities)
    quantity = draw(st.sampled_from(quantity_texts))
    kind = draw(st.sampled_from(kinds))
    params: dict[str, Any] = {"symbol": symbol, "side": draw(st.sampled_from(["BUY", "SELL"])),
                              "type": kind}  # fmt: skip
    # A market price that puts the price at, or just around, a band's edge.
    references: list[Decimal] = [price]
    for m in spec["multipliers"] or ():  # type: ignore[union-attr]
        if (r := _divide(price, m)) is not None:
            references += _around(r)
    reference = draw(st.sampled_from([None, *(_texts(references))]))
    if reference is not None and len(reference) > 20:
        reference = reference[:20].rstrip(".")
    if kind == "MARKET":
        if draw(st.booleans()):
            quotes = [v for b in (spec["nl"], spec["nh"]) if b for v in _around(b)]
            params["quoteOrderQty"] = draw(st.sampled_from(_texts(quotes)))
        else:
            if reference is not None and draw(st.booleans()):
                ref = d(reference)
                qs = [v for b in (spec["nl"], spec["nh"]) if b and (q := _divide(b, ref)) for v in _around(q)]
                quantity = draw(st.sampled_from(_texts(qs)))
            params["quantity"] = quantity
        return params, reference, draw(st.sampled_from([0, 199, 200]))
    params["price"], params["quantity"] = format(price, "f"), quantity
    if kind != "LIMIT_MAKER":
        params["timeInForce"] = "GTC"
    if kind.endswith("_LIMIT"):
        params["stopPrice"] = draw(st.sampled_from(prices))
    if kind != "LIMIT_MAKER" and draw(st.booleans()):
        q = d(quantity)
        icebergs = _around(q)
        if spec["parts"] and (i := _divide(q, spec["parts"])) is not None:
            icebergs += _around(i)
        icebergs += [v for b in (ql,) for v in _around(b)]
        params["icebergQty"] = draw(st.sampled_from(_texts(icebergs)))
    return params, reference, draw(st.sampled_from([0, 199, 200]))


_KINDS = ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"]


@st.composite
def synthetic_cases(draw: st.DrawFn) -> tuple[ExchangeInfo, dict[str, Any], str | None, int]:
    low = st.sampled_from(_LOWS)
    high = st.sampled_from(_HIGHS)
    m = st.sampled_from(_MULTIPLIERS)
    spec_t = (
        (draw(low), draw(high), draw(st.sampled_from(_STEPS))),
        (draw(low), draw(high), draw(st.sampled_from(_STEPS))),
        (draw(low), draw(high), draw(st.sampled_from(["0", "1"]))),
        (draw(m), draw(m), draw(m), draw(m)),
        (draw(st.sampled_from(["1", "2", "3", "10", "100"])),),
    )
    info = _synthetic(spec_t)
    d = Decimal
    spec: dict[str, Any] = {
        "pl": d(spec_t[0][0]), "ph": d(spec_t[0][1]), "tick": d(spec_t[0][2]),
        "ql": d(spec_t[1][0]), "qh": d(spec_t[1][1]), "nl": d(spec_t[2][0]),
        "nh": d(spec_t[2][1]), "multipliers": [d(x) for x in spec_t[3] if d(x)],
        "parts": d(spec_t[4][0]),
    }  # fmt: skip
    params, reference, count = draw(_order("X", spec, _KINDS))
    return info, params, reference, count


@settings(max_examples=2000)
@given(synthetic_cases())
def test_synthetic_extreme_filters_at_every_bound(
    case: tuple[ExchangeInfo, dict[str, Any], str | None, int],
) -> None:
    info, params, reference, count = case
    _assert_same(info, params, reference, count)


def _numbers(f: object) -> dict[str, Decimal]:
    return {
        k: v for k, v in attrs.asdict(f, recurse=False).items() if isinstance(v, Decimal)  # type: ignore[arg-type]
    }


@st.composite
def snapshot_cases(draw: st.DrawFn) -> tuple[ExchangeInfo, dict[str, Any], str | None, int]:
    path: Path = draw(st.sampled_from(SNAPSHOTS))
    info = _load(path)
    names = _fast_symbols(path) or tuple(s.symbol for s in info.symbols)
    symbol = info[draw(st.sampled_from(names))]
    spec: dict[str, Any] = {k: None for k in ("pl", "ph", "tick", "ql", "qh", "nl", "nh", "parts")}
    spec["multipliers"] = []
    for f in symbol.filters:
        numbers = _numbers(f)
        name = type(f).__name__
        if name == "PriceFilter":
            spec["pl"], spec["ph"], spec["tick"] = (
                numbers["min_price"], numbers["max_price"], numbers["tick_size"])  # fmt: skip
        elif name == "LotSizeFilter":
            spec["ql"], spec["qh"] = numbers["min_qty"], numbers["max_qty"]
        elif name in ("NotionalFilter", "MinNotionalFilter"):
            spec["nl"] = numbers.get("min_notional")
            spec["nh"] = numbers.get("max_notional") or spec["nh"]
        elif name.startswith("PercentPrice"):
            spec["multipliers"] += [v for v in numbers.values() if v]
        elif name == "IcebergPartsFilter":
            spec["parts"] = Decimal(f.limit)  # type: ignore[attr-defined]
    kinds = [k for k in _KINDS if k in {t.value if hasattr(t, "value") else t for t in symbol.order_types}] or _KINDS
    params, reference, count = draw(_order(symbol.symbol, spec, kinds))
    return info, params, reference, count


@settings(max_examples=2000)
@given(snapshot_cases())
def test_real_snapshots_at_every_bound(
    case: tuple[ExchangeInfo, dict[str, Any], str | None, int],
) -> None:
    info, params, reference, count = case
    _assert_same(info, params, reference, count)


@pytest.mark.parametrize(
    "multipliers",
    [("0", "0", "0", "0"), ("0", "0", "5", "0.2"), ("5", "0.2", "0", "0"), ("0", "0.2", "0", "0")],
)
@pytest.mark.parametrize("side", ["BUY", "SELL"])
@pytest.mark.parametrize("avg_price", [None, "1"])
def test_a_band_disabled_on_a_side_is_never_unchecked(
    multipliers: tuple[str, str, str, str], side: str, avg_price: str | None
) -> None:
    """D12: a side whose multiplierUp and multiplierDown are both 0 judges nothing, so
    no market price leaves it unchecked (the fast path said ``unchecked`` for it)."""
    bid_up, bid_down, ask_up, ask_down = multipliers
    spec = (("0.01", "1000", "0.01"), ("0.01", "1000", "0.01"), ("0", "0", "0"),
            (ask_up, ask_down, bid_up, bid_down), ("10",))  # fmt: skip
    info = _synthetic(spec)
    for kind in ("LIMIT", "LIMIT_MAKER"):
        params = {"symbol": "X", "side": side, "type": kind, "price": "1", "quantity": "1"}
        if kind == "LIMIT":
            params["timeInForce"] = "GTC"
        for _ in range(2):  # the fast check is made on first use
            _assert_same(info, params, avg_price, 0, record=False)
