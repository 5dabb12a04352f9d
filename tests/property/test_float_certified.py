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

import contextlib
import decimal
import functools
import json
import math
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from rules.checker.checks import PRODUCT
from rules.checker.context import Context
from rules.checker.evaluate import _general_verdict, evaluate
from rules.checker.fastread import at_least, at_most
from rules.checker.order import DECIMAL_RANGE
from rules.checker.plans import plan_of
from rules.model.load import loads
from rules.model.models import (
    ExchangeInfo,
    IcebergPartsFilter,
    LotSizeFilter,
    MinNotionalFilter,
    NotionalFilter,
    PercentPriceBySideFilter,
    PercentPriceFilter,
    PriceFilter,
)
from tests.property.test_fastpath_properties import SNAPSHOTS, _fast_symbols, _load

_RANGE = re.compile(DECIMAL_RANGE)
_UNIT = Decimal("1E-20")
_TIME = 1691945251489  # 2023: the NOTIONAL era
_DIVIDE = decimal.Context(prec=60)


def _plain(value: Decimal) -> str | None:
    """``value`` as an order string of DECIMAL_RANGE (truncated to 20 decimals), or None."""
    if not value.is_finite() or value < 0:
        return None
    if value.adjusted() >= 20:
        return None
    if value.as_tuple().exponent < -20:  # type: ignore[operator]
        value = value.quantize(_UNIT, rounding=decimal.ROUND_DOWN, context=PRODUCT)
    text = format(value, "f")
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
        with contextlib.suppress(InvalidOperation):
            out.append(value.quantize(_UNIT, rounding=rounding, context=PRODUCT))
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
        {"filterType": "PERCENT_PRICE", "multiplierUp": bid_up, "multiplierDown": down,
         "avgPriceMins": 0},
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
    info: ExchangeInfo,
    params: dict[str, Any],
    reference: str | None,
    count: int,
    record: bool = True,
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


def _inside(low: Decimal, high: Decimal, step: Decimal | None, want: Decimal) -> Decimal:
    """A value near ``want`` within ``[low, high]`` (``high`` 0: none) on ``step``'s grid."""
    value = max(want, low)
    if high and value > high:
        value = high
    if step:
        value = PRODUCT.multiply(_DIVIDE.divide_int(value, step), step)
        if value < low:
            value = PRODUCT.add(value, step)
    return value


_TARGETS = ["price", "quantity", "notional", "band", "iceberg", "parts", "reference", "none"]


@st.composite
def _order(
    draw: st.DrawFn, symbol: str, spec: dict[str, Any], kinds: list[str]
) -> tuple[dict[str, Any], str | None, int]:
    """An order inside every bound of ``spec`` but one, which it sits on or just around
    (price, quantity, notional, a band's edge, icebergQty, ICEBERG_PARTS, MARKET's
    quantity × market price or quoteOrderQty)."""
    d = Decimal
    pl, ph, tick = spec["pl"] or d(0), spec["ph"] or d(0), spec["tick"] or None
    ql, qh, step = spec["ql"] or d(0), spec["qh"] or d(0), spec["step"] or None
    nl, nh = spec["nl"] or d(0), spec["nh"] or d(0)
    want = d(draw(st.sampled_from(["1", "0.5", "37.25", "20000", "0.0001", "3"])))
    price = _inside(pl, ph, tick, want)
    factor = d(draw(st.sampled_from(["1.5", "2", "10", "1.01"])))
    wanted_q = _divide(PRODUCT.multiply(nl, factor), price) if nl and price else d(1)
    quantity = _inside(ql, qh, step, max(wanted_q or d(1), ql))
    target = draw(st.sampled_from(_TARGETS))
    reference: Decimal | None = price
    kind = draw(st.sampled_from(kinds))
    if target == "price":
        price = d(draw(st.sampled_from(_texts([v for b in (pl, ph) for v in _around(b)]))))
    elif target == "quantity":
        quantity = d(draw(st.sampled_from(_texts([v for b in (ql, qh) for v in _around(b)]))))
    elif target == "notional":
        base = reference if kind == "MARKET" else price
        qs = [v for b in (nl, nh) if b and base and (q := _divide(b, base)) for v in _around(q)]
        quantity = d(draw(st.sampled_from(_texts(qs))))
    elif target in ("band", "reference"):
        references = [
            v for m in spec["multipliers"] if (r := _divide(price, m)) for v in _around(r)
        ]
        if references:
            reference = d(draw(st.sampled_from(_texts(references))))
    reference_text = None if reference is None else format(reference, "f")
    if reference_text is not None and (len(reference_text) > 20 or draw(st.integers(0, 9)) == 0):
        reference_text = None if draw(st.booleans()) else reference_text[:20].rstrip(".")
    params: dict[str, Any] = {"symbol": symbol, "side": draw(st.sampled_from(["BUY", "SELL"])),
                              "type": kind}  # fmt: skip
    count = draw(st.sampled_from([0, 0, 199, 200]))
    if kind == "MARKET":
        if draw(st.booleans()):
            quotes = [v for b in (nl, nh) if b for v in _around(b)]
            inside = _inside(nl, nh, None, PRODUCT.multiply(nl, factor) if nl else d(5))
            quote = draw(st.sampled_from([*_texts(quotes), format(inside, "f")]))
            params["quoteOrderQty"] = quote
        else:
            params["quantity"] = format(quantity, "f")
        return params, reference_text, count
    params["price"], params["quantity"] = format(price, "f"), format(quantity, "f")
    if kind != "LIMIT_MAKER":
        params["timeInForce"] = "GTC"
    if kind.endswith("_LIMIT"):
        stops = [price, *(_around(pl) + _around(ph) if target == "price" else ())]
        params["stopPrice"] = draw(st.sampled_from(_texts(stops)))
    iceberg = target in ("iceberg", "parts") or draw(st.integers(0, 5)) == 0
    if iceberg:
        icebergs = _around(quantity) + _around(ql)
        if spec["parts"] and (i := _divide(quantity, spec["parts"])) is not None:
            icebergs += _around(i)
            icebergs += [_inside(ql, qh, step, PRODUCT.multiply(i, d(2)))]
        params["icebergQty"] = draw(st.sampled_from(_texts(icebergs)))
    return params, reference_text, count


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
        "ql": d(spec_t[1][0]), "qh": d(spec_t[1][1]), "step": d(spec_t[1][2]),
        "nl": d(spec_t[2][0]),
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


@st.composite
def snapshot_cases(draw: st.DrawFn) -> tuple[ExchangeInfo, dict[str, Any], str | None, int]:
    path: Path = draw(st.sampled_from(SNAPSHOTS))
    info = _load(path)
    names = _fast_symbols(path) or tuple(s.symbol for s in info.symbols)
    symbol = info[draw(st.sampled_from(names))]
    keys = ("pl", "ph", "tick", "ql", "qh", "step", "nl", "nh", "parts")
    spec: dict[str, Any] = dict.fromkeys(keys)
    multipliers: list[Decimal] = []
    for f in symbol.filters:
        if isinstance(f, PriceFilter):
            spec["pl"], spec["ph"], spec["tick"] = f.min_price, f.max_price, f.tick_size
        elif isinstance(f, LotSizeFilter):
            spec["ql"], spec["qh"], spec["step"] = f.min_qty, f.max_qty, f.step_size
        elif isinstance(f, MinNotionalFilter):
            spec["nl"] = f.min_notional
        elif isinstance(f, NotionalFilter):
            spec["nl"], spec["nh"] = f.min_notional, f.max_notional
        elif isinstance(f, PercentPriceFilter):
            multipliers += [f.multiplier_up, f.multiplier_down]
        elif isinstance(f, PercentPriceBySideFilter):
            multipliers += [f.bid_multiplier_up, f.bid_multiplier_down]
            multipliers += [f.ask_multiplier_up, f.ask_multiplier_down]
        elif isinstance(f, IcebergPartsFilter):
            spec["parts"] = Decimal(f.limit)
    spec["multipliers"] = [m for m in multipliers if m]
    kinds = [k for k in _KINDS if k in (symbol.order_types or ())] or _KINDS
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


_EXTREME_REFERENCES = [
    "0", "1E-40", "3E-40", "99999999999999999999." + "9" * 40, "1." + "0" * 39 + "1",
    "0.2", "0." + "0" * 19 + "1",
]  # fmt: skip


@pytest.mark.parametrize("reference", _EXTREME_REFERENCES)
@pytest.mark.parametrize(
    ("kind", "number"),
    [("MARKET", "quantity"), ("MARKET", "quoteOrderQty"), ("LIMIT_MAKER", "price"),
     ("LIMIT", "quantity"), ("LIMIT_MAKER", "quantity")],
)  # fmt: skip
def test_context_market_prices_far_out_of_float_range(
    reference: str, kind: str, number: str
) -> None:
    """A ``Context`` may hold a market price of 20 integer digits and 40 places (far more
    than a dict's 20 characters): the float tests with it (MARKET's quantity × market
    price, the bands' bounds) still prove only what holds."""
    tiny = "0.00000000000000000001"
    spec = ((tiny, "0", "0"), (tiny, "0", "0"), (tiny, "9000000000", "1"),
            ("5", "0.2", "5", "0.2"), ("10",))  # fmt: skip
    info = _synthetic(spec)
    context = Context(avg_price=Decimal(reference), last_price=Decimal(reference))
    values = ["0.00000000000000000001", "1", "0.5", "99999999999999999999.99999999999999999999",
              "9000000000", "4500000000.00000000000000000001", "20", "0.2"]  # fmt: skip
    for value in values:
        for other in values:
            params: dict[str, Any] = {"symbol": "X", "side": "BUY", "type": kind}
            if kind == "MARKET":
                params[number] = value
            else:
                params["price"], params["quantity"] = (
                    (value, other) if number == "price" else (other, value)
                )
                if kind == "LIMIT":
                    params["timeInForce"] = "GTC"
            for _ in range(2):
                general = _general_verdict(info, params, context)
                assert evaluate(info, params, context) == general, (params, reference)


_ORDER_TEXTS = st.from_regex(r"[0-9]{1,20}(\.[0-9]{1,20})?", fullmatch=True)
_MARGIN = 1 + 2.0**-40


def _tightest(f: float) -> list[Decimal]:
    """The bounds whose :func:`at_least` (``float(bound) * (1 + 2**-40)``) is closest to
    ``f`` from below and above, and the same for :func:`at_most`: the bounds a float test
    with ``f`` only just proves."""
    out: list[Decimal] = []
    for factor in (_MARGIN, 1 - 2.0**-40):
        centre = _DIVIDE.divide(Decimal(f), Decimal(factor))
        for g in (float(centre), math.nextafter(float(centre), math.inf)):
            for h in (g, math.nextafter(g, -math.inf)):
                if math.isfinite(h) and h >= 0:
                    exact = Decimal(h)
                    out += [exact, _DIVIDE.next_plus(exact), _DIVIDE.next_minus(exact)]
    return [b for b in out if b >= 0]


@settings(max_examples=3000)
@given(_ORDER_TEXTS, _ORDER_TEXTS, st.integers(0, 17))
def test_the_tightest_bounds_a_float_product_proves(a: str, b: str, pick: int) -> None:
    """The bounds a float product only just proves (the bound whose margin-raised float
    is the product's float or one ulp around it): the exact product agrees, for the
    notional (price × quantity), ICEBERG_PARTS (icebergQty × parts) and a band (market
    price × multiplier) alike."""
    product = float(a) * float(b)
    exact = PRODUCT.multiply(Decimal(a), Decimal(b))
    bounds = _tightest(product)
    bound = bounds[pick % len(bounds)] if bounds else Decimal(0)
    if product >= at_least(bound):
        assert exact >= bound, (a, b, bound)
    if product <= at_most(bound):
        assert exact <= bound, (a, b, bound)
    # The band's factor form: x against float(r) × the factor.
    if float(a) >= float(b) * at_least(bound):
        assert Decimal(a) >= PRODUCT.multiply(Decimal(b), bound), (a, b, bound)
    if float(a) <= float(b) * at_most(bound):
        assert Decimal(a) <= PRODUCT.multiply(Decimal(b), bound), (a, b, bound)
