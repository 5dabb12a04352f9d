"""The benchmarks' realistic workload is what it claims to be (benchmarks/workload.py).

The benchmark figures mean something only if the generated orders are the mix
they are said to be: valid ones accepted, broken ones rejected once the
context lets the broken rule be checked, full contexts leaving nothing
unchecked, and the bare Decimal baseline agreeing with the checker on the
four filters it applies.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from rules.checker.context import Context
from rules.checker.evaluate import _general_verdict, evaluate
from rules.checker.fastpath import FiltersOnly
from rules.checker.fastread import FILTERS_CONTEXT, FLAG_D07
from rules.checker.order import read_order, read_well_formed
from rules.checker.plans import plan_of
from rules.model.load import loads
from rules.model.models import ExchangeInfo
from tests.property.test_dict_context_properties import plain_by_hand
from tests.property.test_fastpath_properties import assert_same_reading

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import workload

pytestmark = pytest.mark.slow

#: Rules the baseline does not apply (parameters, flags, counters, iceberg parts).
OUTSIDE_BASELINE = {
    "missing parameter",
    "bad side",
    "timeInForce not allowed",
    "ICEBERG_PARTS",
    "MAX_NUM_ORDERS",
}


@pytest.fixture(scope="module")
def cases_and_info() -> tuple[list[workload.Case], object, dict[str, object]]:
    raw = workload.load_raw()
    return workload.generate(3_000, seed=5, raw=raw), loads(json.dumps(raw)), raw


def test_the_mix_is_the_advertised_mix(
    cases_and_info: tuple[list[workload.Case], object, dict[str, object]],
) -> None:
    cases, _, raw = cases_and_info
    symbols: list[dict[str, str]] = raw["symbols"]  # type: ignore[assignment]
    trading = sum(1 for s in symbols if s["status"] == "TRADING")
    assert len({c.params["symbol"] for c in cases}) == min(len(cases), trading)
    assert set(Counter(c.kind for c in cases)) == set(workload.KINDS)
    shapes = Counter(c.shape for c in cases)
    assert shapes == {shape: len(cases) // 3 for shape in workload.SHAPES}
    broken = sum(c.breaks is not None for c in cases) / len(cases)
    assert 0.35 <= broken <= 0.45
    assert workload.generate(50, seed=5, raw=raw) == cases[:50]  # seeded: the same orders


def test_the_checker_sees_what_each_order_was_built_to_be(
    cases_and_info: tuple[list[workload.Case], object, dict[str, object]],
) -> None:
    cases, info, _ = cases_and_info
    base = workload.baseline(cases_and_info[2])
    for case in cases:
        verdict = evaluate(info, case.params, case.context)  # type: ignore[arg-type]
        where = (case.kind, case.shape, case.breaks, case.params, case.context)
        if case.breaks is None:
            assert verdict.accepted, (where, verdict)
            assert base(case.params, case.context), where
        if case.shape == "full":
            # MAX_POSITION cannot know the base quantity a quoteOrderQty buys.
            allowed = {"MAX_POSITION"} if "quoteOrderQty" in case.params else set()
            assert set(verdict.unchecked) <= allowed, (where, verdict)
            assert verdict.accepted == (case.breaks is None), (where, verdict)
            if case.breaks not in OUTSIDE_BASELINE:
                assert base(case.params, case.context) == verdict.accepted, (where, verdict)
        line = json.loads(case.line())
        assert line == (
            case.params
            if case.context is None
            else {"params": case.params, "context": case.context}
        )


def test_every_path_gives_the_general_verdict_on_the_mix(
    cases_and_info: tuple[list[workload.Case], object, dict[str, object]],
) -> None:
    """On the realistic mix (every type, every context shape, accepted and rejected),
    evaluate, whichever path it takes (the fast check, judge_filters for the
    well-formed rejections, the general path), gives the general path's verdict."""
    cases, info, _ = cases_and_info
    assert isinstance(info, ExchangeInfo)
    rejected = filters = exceeding = precise = read_whole = 0
    for case in cases:
        context = Context() if case.context is None else Context.from_mapping(case.context)
        general = _general_verdict(info, case.params, context)
        assert evaluate(info, case.params, case.context) == general, case
        answer = _answer(info, case.params, context)
        if case.context and _answer(info, case.params, case.context) is FILTERS_CONTEXT:
            # evaluate hands such a dict to the explainers as it stands (_as_given).
            read_whole += 1
            assert plain_by_hand(case.context)
        if isinstance(answer, FiltersOnly):
            # judge_filters reads the order without read_order's checks: the same reading.
            filters += 1
            exceeding += bool(answer.exceeds & FLAG_D07)
            precise += answer.precise
            assert_same_reading(read_well_formed(case.params), read_order(case.params))
        rejected += not general.accepted
    assert rejected > len(cases) // 4  # rejections are judged too, not only acceptances
    assert filters > len(cases) // 10  # and many by judge_filters
    assert exceeding  # icebergQty >= quantity (D07) among them, with another rule or not
    assert precise  # and values past their precision (D38), with another rule or not
    assert read_whole  # dicts the fast check read whole before a context rule rejected


def _answer(
    info: ExchangeInfo, params: dict[str, str], context: Context | dict[str, object]
) -> object:
    """The fast check's answer (``None`` when the symbol or type has none)."""
    symbol = plan_of(info).symbols.get(params.get("symbol", ""))
    fast = None if symbol is None else symbol.fast_answers.get(params.get("type", ""))
    return None if fast is None else fast(params, context)
