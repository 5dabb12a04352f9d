"""Per-symbol plans compile their fast checks on first use (issue 11).

A :class:`~rules.checker.plans.SymbolPlan` lists a stand-in for each order type that
may have a fast check; the stand-in's first call compiles the check, which takes its
place in ``fast_answers`` and ``fast``; a type whose filters do not fold (no fast
check) leaves both tables, as if never listed. Verdicts are the same either way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from rules import ExchangeInfo, evaluate, load_path
from rules.checker import plans
from rules.checker.context import Context
from rules.checker.evaluate import _general_verdict
from rules.checker.fastpath import compile_fast_check
from rules.checker.kinds import ORDER_KINDS
from rules.checker.plans import SymbolPlan, plan_of
from tests._shared import EXCHANGE_INFO


@pytest.fixture(scope="module")
def full() -> ExchangeInfo:
    return load_path(EXCHANGE_INFO / "spot-full-2023-08.json")


def _fresh(info: ExchangeInfo, name: str) -> SymbolPlan:
    plan = plan_of(info).symbol(info, name)
    assert plan is not None
    return plan


def _stand_in(check: Callable[..., object]) -> bool:
    return check.__qualname__.startswith("_on_first_use.")


def _limit(symbol: str, price: str = "29400.01", quantity: str = "0.00150") -> dict[str, str]:
    return {
        "symbol": symbol,
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": price,
        "quantity": quantity,
    }


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every (symbol, type) the plans compile a fast check for, in order."""
    seen: list[tuple[str, str]] = []

    def counting(symbol: Any, checks: Any, kind: Any, era: Any) -> Any:
        seen.append((symbol.symbol, kind.name))
        return compile_fast_check(symbol, checks, kind, era)

    monkeypatch.setattr(plans, "compile_fast_check", counting)
    return seen


def test_a_plan_compiles_nothing_until_an_order_needs_it(
    full: ExchangeInfo, compiled: list[tuple[str, str]]
) -> None:
    info = attrs.evolve(full)  # a fresh object: no plan yet
    plan = _fresh(info, "BTCUSDT")
    assert compiled == []
    assert set(plan.fast) == set(plan.fast_answers) == set(plan.order_types or ())
    assert all(_stand_in(check) for check in [*plan.fast.values(), *plan.fast_answers.values()])
    context = {"avgPrice": "29100.5"}
    first = evaluate(info, _limit("BTCUSDT"), context)
    assert compiled == [("BTCUSDT", "LIMIT")]
    assert not _stand_in(plan.fast_answers["LIMIT"])
    assert not _stand_in(plan.fast["LIMIT"])
    assert _stand_in(plan.fast_answers["MARKET"])
    # Compiled once: the next orders of the type use the compiled check.
    assert evaluate(info, _limit("BTCUSDT"), context) == first
    assert evaluate(info, _limit("BTCUSDT", price="29400.015"), context) == _general_verdict(
        info, _limit("BTCUSDT", price="29400.015"), Context.from_mapping(context)
    )
    assert compiled == [("BTCUSDT", "LIMIT")]
    assert first == _general_verdict(info, _limit("BTCUSDT"), Context.from_mapping(context))


@pytest.mark.parametrize(
    ("order", "context"),
    [
        # A well-formed rejection: the fast check answers FILTERS, and what the filters
        # still need (rules.checker.suspects) is asked of the check evaluate called.
        (_limit("BTCUSDT", price="10000000"), {"avgPrice": "29000"}),
        (_limit("BTCUSDT", price="10000000"), None),
        # One request problem (no side), judged with it repaired.
        ({**_limit("BTCUSDT", price="10000000"), "side": None}, {"avgPrice": "29000"}),
    ],
)
def test_a_rejection_is_the_first_order_of_its_type(
    full: ExchangeInfo, order: dict[str, Any], context: dict[str, str] | None
) -> None:
    """The plan exists (a MARKET order built it) but its LIMIT check is a stand-in
    when a rejected LIMIT order comes: the stand-in answers as the compiled check,
    ``suspects`` included."""
    info = attrs.evolve(full)
    market = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"}
    evaluate(info, market, {"avgPrice": "29000"})
    plan = _fresh(info, "BTCUSDT")
    assert _stand_in(plan.fast_answers["LIMIT"])
    order = {k: v for k, v in order.items() if v is not None}
    as_context = Context() if context is None else Context.from_mapping(context)
    got = evaluate(info, order, context)
    assert not got.accepted
    assert got == _general_verdict(info, order, as_context)


def test_a_type_without_a_fast_check_leaves_the_tables(full: ExchangeInfo) -> None:
    # BTCUPUSDT has MAX_POSITION, which does not fold: no fast check for any type.
    info = attrs.evolve(full)
    plan = _fresh(info, "BTCUPUSDT")
    assert "LIMIT" in plan.fast_answers
    order = _limit("BTCUPUSDT", price="5.000", quantity="10.00")
    for context in (None, {"avgPrice": "5.1"}):
        as_context = Context() if context is None else Context.from_mapping(context)
        assert evaluate(info, order, context) == _general_verdict(info, order, as_context)
    assert "LIMIT" not in plan.fast_answers
    assert "LIMIT" not in plan.fast
    assert plan.fast_check("LIMIT") is None
    # The stand-in of `fast` (order lists' legs, a caller holding it) answers "not sure".
    market = plan.fast["MARKET"]
    assert market({**order, "type": "MARKET"}, Context()) is None
    assert "MARKET" not in plan.fast
    assert "MARKET" not in plan.fast_answers


@pytest.mark.parametrize(
    "name", ["spot-full-2018-02.json", "spot-full-2021-08.json", "spot-full-2023-08.json"]
)
def test_the_tables_end_as_compiling_every_type_at_once_made_them(name: str) -> None:
    info = load_path(EXCHANGE_INFO / name)
    info_plan = plan_of(info)
    for symbol in info.symbols:
        plan = _fresh(info, symbol.symbol)
        expected = {}
        if plan.trading:
            for type_name, kind in ORDER_KINDS.items():
                if plan.order_types is None or type_name in plan.order_types:
                    check = compile_fast_check(symbol, plan.checks, kind, info_plan.era)
                    if check is not None:
                        expected[type_name] = check
        for type_name in list(plan.fast_answers):
            assert (plan.fast_check(type_name) is None) == (type_name not in expected)
        assert set(plan.fast_answers) == set(plan.fast) == set(expected)
        assert not any(_stand_in(c) for c in [*plan.fast.values(), *plan.fast_answers.values()])


def test_threads_compiling_the_same_check_agree(
    full: ExchangeInfo, tiny_switch_interval: None
) -> None:
    orders = [
        _limit("BTCUSDT"),
        _limit("BTCUSDT", price="29400.015"),
        {"symbol": "ETHBTC", "side": "SELL", "type": "MARKET", "quantity": "0.0100"},
        _limit("BTCUPUSDT", price="5.000", quantity="10.00"),
    ]
    context = {"avgPrice": "29100.5"}
    expected = [_general_verdict(full, o, Context.from_mapping(context)) for o in orders]
    wrong: list[object] = []
    for _ in range(20):
        info = attrs.evolve(full)
        for order in orders:  # the symbols' plans built, their fast checks not
            _fresh(info, order["symbol"])
        barrier = threading.Barrier(4)

        def work(info: ExchangeInfo = info, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            got = [evaluate(info, o, context) for o in orders]
            if got != expected:
                wrong.append(got)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        btc = _fresh(info, "BTCUSDT")
        assert not _stand_in(btc.fast_answers["LIMIT"])
        assert "LIMIT" not in _fresh(info, "BTCUPUSDT").fast_answers
    assert wrong == []


def test_past_the_key_tuples_bound_a_dict_context_is_read_as_a_context(
    full: ExchangeInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fast check keeps at most DICT_SHAPES judges (key tuples come from the input);
    # past it an unseen key tuple is answered CONTEXT (read as a Context), not written
    # and compiled again on every call.
    from rules.checker import fastmarket, fastpath

    limit = _limit("LTCUSDT", price="90.00", quantity="0.500")
    market = {"symbol": "LTCUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.500"}
    for order in (limit, market, limit, market):
        evaluate(full, order, {})  # the plan made, then the fast checks compiled
    for module in (fastpath, fastmarket):
        monkeypatch.setattr(module, "DICT_SHAPES", 0)

        def no_make(*_: object) -> None:
            raise AssertionError("a judge written past the bound")

        monkeypatch.setattr(module, "make", no_make)
    contexts: list[dict[str, Any]] = [
        {"openOrders": 3, "avgPrice": "90.05"},
        {"openOrders": 3, "avgPrice": "9000"},  # outside the band: rejected
        {"openOrders": 200, "avgPrice": "90.05"},  # a counter full: rejected
    ]
    for order in (limit, market):
        for context in contexts:
            for _ in range(2):
                verdict = evaluate(full, order, context)
                assert verdict == _general_verdict(full, order, Context.from_mapping(context))
    assert not evaluate(full, limit, contexts[1]).accepted
    assert not evaluate(full, limit, contexts[2]).accepted
