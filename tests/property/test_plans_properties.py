"""A fast check compiled on its first use answers as one compiled beforehand (issue 11).

Over the public strategies of :mod:`rules.testing` (markets, orders valid or breaking
one rule, spoiled by a request problem, the three context shapes): the first order of
a type on a symbol goes through the plan's stand-in (``rules.checker.plans``), which
compiles the check; its verdict equals the verdict on a copy of the snapshot whose
checks were all compiled before, and the general path's. The stand-ins of
``fast_answers`` and ``fast`` answer what the compiled checks answer.
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rules.checker.context import Context
from rules.checker.evaluate import _general_verdict, evaluate
from rules.checker.plans import SymbolPlan, plan_of
from rules.model.models import ExchangeInfo
from rules.testing import Market
from tests.property.test_paths_properties import SPOILS, _spoil, cases


def _plan(info: ExchangeInfo, name: str) -> SymbolPlan:
    plan = plan_of(info).symbol(info, name)
    assert plan is not None
    return plan


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.sampled_from(("", *SPOILS)))
def test_a_check_compiled_on_first_use_answers_as_one_compiled_before(
    case: tuple[Market, dict[str, Any], dict[str, Any] | None], spoil: str
) -> None:
    market, params, mapping = case
    if spoil:
        params = _spoil(params, spoil)
    name = market.symbol.symbol
    context = Context() if mapping is None else Context.from_mapping(mapping)
    general = _general_verdict(market.info, params, context)

    lazy = attrs.evolve(market.info)  # fresh objects: plans of their own
    eager = attrs.evolve(market.info)
    lazy_plan = _plan(lazy, name)
    eager_plan = _plan(eager, name)
    for type_name in list(eager_plan.fast_answers):
        eager_plan.fast_check(type_name)
    listed = params["type"] in lazy_plan.fast_answers
    event("type listed" if listed else "type not listed")
    if listed:
        event("compiled" if params["type"] in eager_plan.fast_answers else "no fast check")

    assert evaluate(lazy, params, mapping) == evaluate(eager, params, mapping) == general
    # The type judged is compiled now, or gone with no fast check, as in the eager copy.
    assert (params["type"] in lazy_plan.fast_answers) == (params["type"] in eager_plan.fast)
    assert (params["type"] in lazy_plan.fast) == (params["type"] in eager_plan.fast)

    # The stand-ins answer as the compiled checks do, before and after compiling.
    again = attrs.evolve(market.info)
    plan = _plan(again, name)
    for type_name in list(plan.fast):
        as_type = {**params, "type": type_name}
        compiled = eager_plan.fast.get(type_name)
        want = None if compiled is None else compiled(as_type, context)
        assert plan.fast[type_name](as_type, context) == want
        answers = eager_plan.fast_answers.get(type_name)
        stand_in = plan.fast_answers.get(type_name)
        if stand_in is not None:
            want_answer = None if answers is None else answers(as_type, context)
            assert stand_in(as_type, context) == want_answer
