"""The explainers (:mod:`rules.checker.explain`) find what ``judge_filters`` finds.

For every order of :func:`rules.testing.orders_from_symbol` on
:func:`rules.testing.markets` that the fast path reads whole and finds
well-formed (its ``FILTERS`` answers), with contexts made of any part of what
the market gives, counts pushed to their limits, and the side sent or read as
not sent (the one-problem path, D24): the explainer of the symbol and type gives
the violations (code, msg, filterType, field, value, limit, explanation, their
order, D23) and the ``unchecked`` list of ``judge_filters`` running every check of
the plan; an explainer that declines (``None``) leaves the order to it. The
explainer written for dict contexts reads a plain dict
(:func:`rules.checker.context.is_plain`) as the other reads its ``Context``, and
``evaluate`` gives the general verdict with the context as a dict or a ``Context``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from rules.checker.context import Context, is_plain
from rules.checker.evaluate import _general_verdict, evaluate
from rules.checker.fastpath import CONTEXT, FiltersOnly
from rules.checker.judge import judge_filters
from rules.checker.kinds import ORDER_KINDS
from rules.checker.order import read_well_formed
from rules.checker.plans import plan_of
from rules.testing import (
    LAUNCH_MS,
    Market,
    breakable_rules,
    markets,
    orders_from_symbol,
    server_times,
)
from tests.property.test_paths_properties import PLACES, past
from tests.property.test_suite_properties import market_orders

_COUNTS = ("openOrders", "openAlgoOrders", "openIcebergOrders")


@st.composite
def cases(draw: st.DrawFn) -> tuple[Market, dict[str, Any], dict[str, Any]]:
    if draw(st.integers(0, 3)):
        market, order, breaking = draw(market_orders(breaking=None))
    else:  # every era: the old grids (D17) have no explainer, judge_filters judges
        market = draw(markets(server_times=server_times(min_value=LAUNCH_MS)))
        rules = sorted(breakable_rules(market.symbol, info=market.info, context=market.context))
        assume(rules)  # (a market of an old era may have no order that passes)
        breaking = draw(st.sampled_from(rules))
        symbol, context = market.symbol, market.context
        order = draw(
            orders_from_symbol(symbol, info=market.info, context=context, breaking=breaking)
        )
    full = market.context.to_mapping()
    full.pop("permissions", None)
    keys = draw(st.lists(st.sampled_from(sorted(full)), unique=True)) if full else []
    mapping = {key: full[key] for key in keys}
    for key in _COUNTS:
        if draw(st.booleans()):
            mapping[key] = draw(st.sampled_from((0, 1, 9, 10, 99, 100, 199, 200, 10_000)))
    params = order.to_params()
    precise = draw(st.sampled_from(["", "", "", "zeros past", "a digit past"]))
    if precise:  # D38: a value past its precision, judged by the filters as read
        name = draw(st.sampled_from(sorted(PLACES)))
        if past(market, params, precise, name):
            breaking = f"{breaking} and D38 ({name}, {precise})"
    event(f"{order.type}, breaking {breaking}")
    return market, params, mapping


def _plain(verdict_parts: tuple[list[Any], list[str] | None]) -> tuple[list[Any], list[str]]:
    out, unchecked = verdict_parts
    return out, list(unchecked or ())


def _same(got: tuple[list[Any], list[str]], want: tuple[list[Any], list[str]]) -> None:
    assert got[0] == want[0]
    assert repr(got[0]) == repr(want[0])
    assert [v.explanation for v in got[0]] == [v.explanation for v in want[0]]
    assert got[1] == want[1]


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(cases(), st.booleans())
def test_the_explainer_finds_what_judge_filters_finds(
    case: tuple[Market, dict[str, Any], dict[str, Any]], sideless: bool
) -> None:
    market, params, mapping = case
    info = market.info
    context = Context.from_mapping(mapping)
    info_plan = plan_of(info)
    plan = info_plan.symbol(info, market.symbol.symbol)
    fast = None if plan is None else plan.fast_answers.get(params["type"])
    answer = None if fast is None else fast(params, mapping)
    if answer is CONTEXT:
        answer = fast(params, context)  # type: ignore[misc]
    if not isinstance(answer, FiltersOnly):
        event("not well-formed or accepted")
        return
    assert plan is not None
    explain = plan.explainer(params["type"])
    if explain is None:
        event("no explainer")
        return
    side = None if sideless else params["side"]
    got = explain(params, context, side, False)
    assert isinstance(got, tuple)  # declines (None) only for known permissions (D19)
    event(("explained, no side" if sideless else "explained") + ", D38" * answer.precise)
    order = read_well_formed(params)
    if sideless:
        order = order.without("side")
    kind = ORDER_KINDS[params["type"]]
    want = judge_filters(plan, order, kind, context, info_plan.era)
    _same(got, _plain(want))
    if is_plain(mapping):  # the explainer written for dicts reads it as it stands
        by_dict = plan.explainer(params["type"], True)
        assert by_dict is not None
        by_mapping = by_dict(params, mapping, side, False)
        assert isinstance(by_mapping, tuple)
        _same(by_mapping, got)
        event("a plain dict too")
    if not sideless:
        general = _general_verdict(info, params, context)
        for given in (mapping, context):
            verdict = evaluate(info, params, given)
            assert verdict == general
            assert [v.explanation for v in verdict.violations] == [
                v.explanation for v in general.violations
            ]
        if not answer.exceeds:  # a flagged answer's request violations are evaluate's
            assert explain(params, context, side, True) == general


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(cases())
def test_known_permissions_are_left_to_judge_filters(
    case: tuple[Market, dict[str, Any], dict[str, Any]],
) -> None:
    market, params, mapping = case
    info = market.info
    context = Context.from_mapping({**mapping, "permissions": ["SPOT"]})
    plan = plan_of(info).symbol(info, market.symbol.symbol)
    explain = None if plan is None else plan.explainer(params["type"])
    if explain is None or params.get("side") not in ("BUY", "SELL"):
        return
    assert explain(params, context, params["side"], False) is None
    assert evaluate(info, params, context) == _general_verdict(info, params, context)
