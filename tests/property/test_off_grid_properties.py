"""A well-formed order whose quantity is off its grid: the fast check says the price holds.

The priced fast checks read ``price,quantity[,stopPrice]`` by one pattern that
tests a power-of-ten grid on the string (rules/checker/fastpath.py). When it fails
but the strings are well-formed, the check looks at the price (and stopPrice)
alone: on the price grid and within the price's bounds, it answers
``FILTERS_PRICE`` (PRICE_FILTER's check is then skipped,
rules/checker/suspects.py); else plain ``FILTERS``. Here, on real snapshots'
symbols: the verdict is always the general path's, ``FILTERS_PRICE`` is answered
only when no price rule is broken, and it is answered.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from rules.checker.context import Context
from rules.checker.evaluate import _general_verdict, evaluate
from rules.checker.fastread import FILTERS, FILTERS_PRICE, FiltersOnly
from rules.checker.plans import plan_of
from rules.model.models import ExchangeInfo, LotSizeFilter, PriceFilter
from rules.model.numbers import CONTEXT
from tests.property.test_fastpath_properties import SNAPSHOTS, _fast_symbols, _load, _text

_PATH = next(p for p in SNAPSHOTS if "2023-08" in p.stem)


def _power_of_ten(step: Decimal | None) -> bool:
    return bool(step) and step.normalize().as_tuple().digits == (1,)  # type: ignore[union-attr]


def _symbols() -> tuple[str, ...]:
    """Fast symbols of the 2023-08 snapshot with power-of-ten tick and step sizes."""
    info = _load(_PATH)
    found = []
    for name in _fast_symbols(_PATH):
        pf, ls = info[name].filter(PriceFilter), info[name].filter(LotSizeFilter)
        if pf and ls and _power_of_ten(pf.tick_size) and _power_of_ten(ls.step_size):
            found.append(name)
    return tuple(found)


def _price(draw: st.DrawFn, pf: PriceFilter) -> str:
    """A price on the grid within the bounds, at a bound, outside them or off the grid."""
    tick = pf.tick_size
    low = pf.min_price or tick
    high = pf.max_price or CONTEXT.multiply(low, 10**6)
    on = CONTEXT.multiply(tick, draw(st.integers(1, 10**6)))
    choice = draw(st.sampled_from(["on", "low", "high", "below", "above", "off"]))
    value = {
        "on": min(max(on, low), high),
        "low": low,
        "high": high,
        "below": CONTEXT.subtract(low, tick),
        "above": CONTEXT.add(high, tick),
        "off": CONTEXT.add(min(max(on, low), high), CONTEXT.divide(tick, 10)),
    }[choice]
    return _text(value if value > 0 else low)


@st.composite
def off_grid_orders(draw: st.DrawFn) -> tuple[ExchangeInfo, dict[str, Any], dict[str, Any]]:
    info = _load(_PATH)
    name = draw(st.sampled_from(_symbols()))
    pf, ls = info[name].filter(PriceFilter), info[name].filter(LotSizeFilter)
    assert pf is not None
    assert ls is not None
    step = ls.step_size
    whole = CONTEXT.multiply(step, draw(st.integers(1, 10**5)))
    quantity = CONTEXT.add(max(whole, ls.min_qty), CONTEXT.divide(step, 10))
    kind = draw(st.sampled_from(["LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"]))
    params: dict[str, Any] = {
        "symbol": name,
        "side": draw(st.sampled_from(["BUY", "SELL"])),
        "type": kind,
        "price": _price(draw, pf),
        "quantity": _text(quantity),
    }
    if kind != "LIMIT_MAKER":
        params["timeInForce"] = "GTC"
    if kind.endswith("_LIMIT"):
        params["stopPrice"] = _price(draw, pf)
    if kind.startswith("LIMIT") and draw(st.booleans()):
        params["icebergQty"] = _text(CONTEXT.multiply(step, max(1, int(whole / step) // 10)))
    price = params["price"]
    context = draw(st.sampled_from([{}, {"avgPrice": price}, {"avgPrice": price, "openOrders": 0}]))
    return info, params, context


def _answer(info: ExchangeInfo, params: dict[str, Any], context: Context) -> object:
    """The fast check's own answer (its plan built by the evaluate calls before)."""
    plan = plan_of(info).symbols.get(params["symbol"])
    fast = None if plan is None else plan.fast_answers.get(params["type"])
    return None if fast is None else fast(params, context)


@settings(max_examples=300, deadline=None)
@given(off_grid_orders())
def test_a_quantity_off_its_grid_leaves_the_price_known(
    case: tuple[ExchangeInfo, dict[str, Any], dict[str, Any]],
) -> None:
    info, params, mapping = case
    context = Context.from_mapping(mapping)
    general = _general_verdict(info, params, context)
    assert evaluate(info, params, mapping) == general
    assert evaluate(info, params, context) == general
    answer = _answer(info, params, context)
    if answer is FILTERS_PRICE:
        event("FILTERS_PRICE")
        broken = {v.filter_type for v in general.violations}
        assert "PRICE_FILTER" not in broken, (params, general)
        assert "LOT_SIZE" in broken, (params, general)
    elif isinstance(answer, FiltersOnly):
        event(f"FILTERS({answer.known})")


def test_which_string_is_off_the_grid() -> None:
    info = _load(_PATH)
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    stop = {**order, "type": "STOP_LOSS_LIMIT", "stopPrice": "29000.01"}
    cases = [
        ({**order, "price": "29000.01", "quantity": "0.000015"}, FILTERS_PRICE),
        ({**order, "price": "29000.015", "quantity": "0.000015"}, FILTERS),  # both off
        ({**order, "price": "0.001", "quantity": "0.000015"}, FILTERS),  # below minPrice
        ({**stop, "price": "29000.01", "quantity": "0.000015"}, FILTERS_PRICE),
        ({**stop, "stopPrice": "29000.015", "price": "29000.01", "quantity": "0.000015"}, FILTERS),
    ]
    for params, expected in cases:
        general = _general_verdict(info, params, Context())
        assert evaluate(info, params, None) == general
        assert not general.accepted
        assert _answer(info, params, Context()) is expected, params
