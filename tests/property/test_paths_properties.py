"""Every path of ``rules.evaluate`` gives the general path's verdict, over the public
strategies of :mod:`rules.testing` (issue 11).

Orders that pass every rule or break exactly one
(:func:`rules.testing.orders_from_symbol`, :func:`rules.testing.breakable_rules`)
on :func:`rules.testing.markets`, sent as a caller sends them: params as a dict
of strings, the context as a dict in one of the three shapes of the realistic
workload (none, ``avgPrice`` only, everything the market gives). Whichever
path judges the order (the fast check, ``judge_filters`` for a well-formed
rejection, the general path), the verdict is the general path's: the same
violations (code, msg, filterType, field, value, limit, explanation, leg), in
the same order, and the same ``unchecked``; a well-formed rejection is read as
``read_order`` reads it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rules.checker.context import Context
from rules.checker.evaluate import (
    _MOST_PROBLEMS,
    _PROBLEMS,
    _general_verdict,
    _one_problem_verdict,
    evaluate,
)
from rules.checker.fastpath import FiltersOnly
from rules.checker.fastread import FLAG_D07, known_of, suspects_of
from rules.checker.judge import judge_filters
from rules.checker.kinds import ORDER_KINDS
from rules.checker.order import read_order, read_well_formed
from rules.checker.plans import plan_of
from rules.model.load import loads
from rules.testing import Market
from tests.property.test_fastpath_properties import assert_same_reading
from tests.property.test_suite_properties import market_orders

SHAPES = ("none", "avgPrice", "full")


def _context(market: Market, shape: str) -> dict[str, Any] | None:
    if shape == "none":
        return None
    full = market.context.to_mapping()
    if shape == "avgPrice":
        return {key: full[key] for key in ("avgPrice",) if key in full}
    return full


#: D07: the order's icebergQty made not below its quantity (equal, twice it, a
#: thousand times it: past maxQty too), beside the rule it breaks, if any.
EXCEEDS = {"equal": 1, "twice": 2, "a thousand times": 1000}


_ICEBERG_TYPES = ("LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT")

#: D38: one value written past its asset's precision, beside the rule the order
#: breaks (and D07, if drawn): the same value with zeros (D39), a digit more (off
#: every grid that fine), or past DECIMAL_RANGE's 20 decimals (-1100).
PRECISE = {"zeros past": "0", "a digit past": "7", "past 20 decimals": "1" * 21}
PLACES = {
    "quantity": "base",
    "icebergQty": "base",
    "price": "quote",
    "stopPrice": "quote",
    "quoteOrderQty": "quote",
}


def past(market: Market, params: dict[str, Any], how: str, name: str) -> bool:
    """``params[name]`` written past its precision as ``how`` says; ``False`` when it
    cannot be (not sent, not a string, no precision or one of 20 and more)."""
    text = params.get(name)
    symbol = market.symbol
    most = symbol.base_asset_precision if PLACES[name] == "base" else symbol.quote_places
    if not isinstance(text, str) or most is None or not 0 <= most < 20:
        return False
    whole, _, fraction = text.partition(".")
    tail = PRECISE[how]
    params[name] = f"{whole}.{fraction.ljust(most, '0')}{tail}"
    return True


@st.composite
def cases(draw: st.DrawFn) -> tuple[Market, dict[str, Any], dict[str, Any] | None]:
    market, order, breaking = draw(market_orders(breaking=None))
    params = order.to_params()
    exceeds = draw(st.sampled_from(["", "", "", *EXCEEDS]))
    quantity = params.get("quantity")
    if exceeds and params["type"] in _ICEBERG_TYPES and isinstance(quantity, str):
        iceberg = Decimal(quantity) * EXCEEDS[exceeds]  # exact, as many decimals as quantity
        params["icebergQty"] = format(iceberg, "f")
        breaking = f"{breaking} and D07 ({exceeds})"
    precise = draw(st.sampled_from(["", "", *PRECISE]))
    if precise:
        name = draw(st.sampled_from(sorted(PLACES)))
        if past(market, params, precise, name):
            breaking = f"{breaking} and D38 ({name}, {precise})"
    event(f"{order.type}, breaking {breaking}")
    return market, params, _context(market, draw(st.sampled_from(SHAPES)))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_path_gives_the_general_verdict(
    case: tuple[Market, dict[str, Any], dict[str, Any] | None],
) -> None:
    market, params, mapping = case
    info = market.info
    context = Context() if mapping is None else Context.from_mapping(mapping)
    general = _general_verdict(info, params, context)
    assert evaluate(info, params, mapping) == general
    assert evaluate(info, params, context) == general
    plan = plan_of(info).symbol(info, market.symbol.symbol)
    fast = None if plan is None else plan.fast_answers.get(params["type"])
    answer = None if fast is None else fast(params, context)
    event(
        "general path"
        if answer is None
        else "judge_filters" + ", D07" * bool(answer.exceeds & FLAG_D07) + ", D38" * answer.precise
        if isinstance(answer, FiltersOnly)
        else "fast check"
    )
    if isinstance(answer, FiltersOnly):
        order = read_well_formed(params)
        assert_same_reading(order, read_order(params))
        # Only the checks that may find something run (rules.checker.suspects): the
        # same violations, in the same order, and the same unchecked as every check.
        assert fast is not None
        assert plan is not None
        kind, era = ORDER_KINDS[params["type"]], plan_of(info).era
        checks = suspects_of(fast)(known_of(answer, params))
        event(f"judge_filters: {len(checks)} of {len(plan.checks)} checks")
        assert judge_filters(plan, order, kind, context, era, checks) == judge_filters(
            plan, order, kind, context, era
        )
    elif answer is not None:
        assert answer == general


def _spoil(params: dict[str, Any], how: str) -> dict[str, Any]:
    """The order with one request problem the general path reports, then goes on without."""
    spoiled = dict(params)
    if how == "no side":
        spoiled.pop("side", None)
    elif how == "null side":
        spoiled["side"] = None
    elif how.startswith("side "):
        spoiled["side"] = how.removeprefix("side ")
    elif how == "no timeInForce":
        spoiled.pop("timeInForce", None)
    else:  # "timeInForce GTC" / "timeInForce FOK": on a type that does not take it, or does
        spoiled["timeInForce"] = how.removeprefix("timeInForce ")
    return spoiled


SPOILS = (
    "no side",
    "null side",
    "side buy",
    "side HOLD",
    "side ",
    "side BUY ",
    "no timeInForce",
    "timeInForce GTC",
    "timeInForce FOK",
    "timeInForce gtc",
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.sampled_from(SPOILS), st.sampled_from((*SPOILS, "")))
def test_one_request_problem_gives_the_general_verdict(
    case: tuple[Market, dict[str, Any], dict[str, Any] | None], first: str, second: str
) -> None:
    """A missing or invalid side, a missing or untaken timeInForce (one of them, or two
    at once): ``evaluate`` repairs one and judges the filters only when the rest is
    well-formed; the verdict is the general path's either way."""
    market, params, mapping = case
    spoiled = _spoil(params, first)
    if second:
        spoiled = _spoil(spoiled, second)
    info = market.info
    context = Context() if mapping is None else Context.from_mapping(mapping)
    general = _general_verdict(info, spoiled, context)
    event(f"{params['type']}: {first}" + (f", {second}" if second else ""))
    assert evaluate(info, spoiled, mapping) == general
    assert evaluate(info, spoiled, context) == general
    info_plan = plan_of(info)
    plan = info_plan.symbol(info, market.symbol.symbol)
    fast = None if plan is None else plan.fast_answers.get(spoiled["type"])
    if plan is not None and fast is not None and fast(spoiled, context) is None:
        repaired = _one_problem_verdict(info_plan, plan, fast, spoiled, context)
        d07 = any(v.msg == "IcebergQty exceeds QTY." for v in general.violations)
        d38 = any(v.code == -1111 for v in general.violations)
        event(
            ("one problem, repaired" if repaired is not None else "general path")
            + d07 * ", D07"
            + d38 * ", D38"
        )
        assert repaired is None or repaired == general


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases(),
    st.sampled_from(("no side", "null side", "side buy", "side HOLD", "side ")),
    st.permutations(SHAPES),
)
def test_an_order_without_a_valid_side_gives_the_general_verdict_in_any_sequence(
    case: tuple[Market, dict[str, Any], dict[str, Any] | None], spoil: str, shapes: list[str]
) -> None:
    """An order rejected for its side alone is judged in full once per answer of its
    repaired fast check, and its ``unchecked`` reused after (``SymbolPlan.sideless``):
    one order under every context shape, in any order, each gives the general verdict,
    as a dict context and as a ``Context``."""
    market, params, _ = case
    spoiled = _spoil(params, spoil)
    info = market.info
    for shape in [*shapes, *shapes]:
        mapping = _context(market, shape)
        context = Context() if mapping is None else Context.from_mapping(mapping)
        general = _general_verdict(info, spoiled, context)
        assert evaluate(info, spoiled, mapping) == general
        assert evaluate(info, spoiled, context) == general


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.sampled_from(("side", "timeInForce")), st.text(min_size=1, max_size=6))
def test_any_side_or_time_in_force_sent_gives_the_general_verdict(
    case: tuple[Market, dict[str, Any], dict[str, Any] | None], name: str, value: str
) -> None:
    """An invalid side, a timeInForce the type does not take, of any text: the problem is
    built once per value sent (``evaluate._PROBLEMS``, a bounded table that many values
    fill) and each verdict is still the general path's."""
    market, params, mapping = case
    spoiled = {**params, name: value}
    info = market.info
    context = Context() if mapping is None else Context.from_mapping(mapping)
    general = _general_verdict(info, spoiled, context)
    assert evaluate(info, spoiled, mapping) == general
    assert evaluate(info, spoiled, context) == general
    assert len(_PROBLEMS) <= _MOST_PROBLEMS


def test_the_table_of_problems_stays_bounded() -> None:
    """Past ``_MOST_PROBLEMS`` values sent, a problem is built per order, still right."""
    lot = {"filterType": "LOT_SIZE", "minQty": "1", "maxQty": "9", "stepSize": "1"}
    symbol = {"symbol": "X", "status": "TRADING", "baseAsset": "A", "quoteAsset": "B"}
    raw = {"symbols": [{**symbol, "filters": [lot]}]}
    info = loads(json.dumps(raw))
    for n in range(2 * _MOST_PROBLEMS + 1):
        for spoil in ({"side": f"S{n}"}, {"side": "BUY", "timeInForce": f"T{n}"}):
            order = {"symbol": "X", "type": "MARKET", "quantity": str(n % 12), **spoil}
            general = _general_verdict(info, order, Context())
            assert evaluate(info, order) == general
            assert evaluate(info, order, {"avgPrice": "1"}) == general
    assert len(_PROBLEMS) == _MOST_PROBLEMS
