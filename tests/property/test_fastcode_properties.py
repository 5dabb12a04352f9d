"""The written fast checks (rules/checker/fastcode.py) and their float tests never disagree
with the exact path.

- The float tests (:func:`rules.checker.fastread.at_least`, :func:`~rules.checker.fastread.at_most`,
  and a strict comparison of two floats) are proofs: whenever one says a bound holds,
  the exact ``Decimal`` comparison says so too, over every string the checks read,
  the market prices a context gives, and bounds on, next to and far from the value.
- Every layout :mod:`rules.checker.fastcode` can write compiles.
- Over the markets of :mod:`rules.testing` (every filter, flag and order type it
  draws, valid orders and orders breaking one rule), each fast check, in each
  context shape (none, a ``Context``, a dict of ``avgPrice`` only, the full dict),
  gives the general path's verdict through ``evaluate``, and answers a dict as it
  answers the ``Context`` of it.
"""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from rules.checker.checks import PRODUCT
from rules.checker.context import Context
from rules.checker.evaluate import _general_verdict, evaluate
from rules.checker.fastcode import (
    COMMON,
    JUDGE_COMMON,
    context_judge_source,
    make,
    market_source,
    priced_source,
)
from rules.checker.fastpath import CONTEXT
from rules.checker.fastread import NEVER, at_least, at_most
from rules.checker.plans import plan_of
from rules.model.load import loads
from rules.testing import Market
from tests.property.test_suite_properties import market_orders

#: The strings a fast check reads (DECIMAL_RANGE), and a context's market prices
#: (a plain decimal of at most 20 characters).
order_texts = st.from_regex(r"[0-9]{1,20}(\.[0-9]{1,20})?", fullmatch=True)
price_texts = st.from_regex(r"(0|[1-9][0-9]{0,19})(\.[0-9]{1,18})?", fullmatch=True).filter(
    lambda text: len(text) <= 20
)
#: Filter numbers: as snapshots write them, and far out of the float tests' range.
filter_numbers = st.one_of(
    order_texts.map(Decimal),
    st.sampled_from(["0", "1E-300", "1E+300", "5E-61", "Infinity", "0.2", "5", "10"]).map(Decimal),
)
_SMALL = Decimal("1E-60")


def _near(value: Decimal) -> list[Decimal]:
    """``value`` and bounds at, just around and around it by a relative 10**-13 .. 10**-17."""
    out = [value, PRODUCT.add(value, _SMALL), max(PRODUCT.subtract(value, _SMALL), Decimal(0))]
    for exponent in (-13, -15, -16, -17):
        delta = PRODUCT.multiply(value, Decimal(1).scaleb(exponent))
        out += [PRODUCT.add(value, delta), PRODUCT.subtract(value, delta)]
    return out


@settings(max_examples=1000)
@given(order_texts, st.one_of(order_texts, price_texts), filter_numbers, st.integers(0, 9))
@example("1", "10", Decimal(10), 0)
@example("0", "5", Decimal(0), 0)
@example("0.1", "0.3", Decimal("0.03"), 0)
@example("99999999999999999999.99999999999999999999", "1", Decimal("1E+20"), 0)
def test_a_float_product_test_is_a_proof(a: str, b: str, bound: Decimal, pick: int) -> None:
    """``float(a) * float(b) >= at_least(bound)`` proves ``a * b >= bound`` (and the same
    below ``at_most``), for bounds at and next to the product too."""
    exact = PRODUCT.multiply(Decimal(a), Decimal(b))
    if pick:
        bound = _near(exact)[pick % 11]
    product = float(a) * float(b)
    if product >= at_least(bound):
        assert exact >= bound
    if product <= at_most(bound):
        assert exact <= bound
    # The factor form: float(x) against float(r) × the factor, for a band (x: the
    # price, r: the market price, bound: a multiplier).
    x = Decimal(a)
    if float(a) <= float(b) * at_most(bound):
        assert x <= PRODUCT.multiply(Decimal(b), bound)
    if float(a) >= float(b) * at_least(bound):
        assert x >= PRODUCT.multiply(Decimal(b), bound)


@settings(max_examples=1000)
@given(order_texts, filter_numbers, st.integers(0, 9))
@example("0.1", Decimal("0.1"), 0)
@example("1.00000000000000000001", Decimal(1), 0)
@example("0.99999999999999999999", Decimal(1), 0)
def test_a_strict_float_comparison_is_a_proof(text: str, bound: Decimal, pick: int) -> None:
    """Rounding to nearest keeps order: ``float(x) > float(b)`` proves ``x > b``."""
    value = Decimal(text)
    if pick:
        bound = _near(value)[pick % 11]
    if float(text) > float(bound):
        assert value > bound
    if float(text) < float(bound):
        assert value < bound


def test_out_of_range_numbers_prove_nothing() -> None:
    for bound in (Decimal("1E-300"), Decimal("1E+300"), Decimal("5E-61")):
        assert at_least(bound) is NEVER
        assert at_most(bound) is NEVER
    assert at_least(Decimal(0)) == 0.0
    assert at_most(Decimal("Infinity")) == float("inf")


def test_every_layout_compiles() -> None:
    """Each layout the writers can be asked for is valid Python with a ``make``."""
    for flags in itertools.product((False, True), repeat=7):
        assert callable(make(priced_source(*flags)))
    for quote, step, rules in itertools.product((False, True), (False, True), (0, 1, 2)):
        assert callable(make(market_source(quote, step, rules)))
    reads = (("avgPrice", "price"), ("openOrders", "count"), ("basePosition", "checked"))
    for bands, icebergs in itertools.product(
        (None, (((0, True),), ((0, False),)), (((0, True), (0, True)), ())), (None, (), (1,))
    ):
        assert callable(make(context_judge_source(reads, (1,), bands, icebergs, None)))
    assert callable(make(context_judge_source(reads, (), None, None, (0,))))


def test_the_written_code_is_kept_in_bounded_caches() -> None:
    """A judge's source depends on a dict context's keys in their order (the input's):
    its sources and the compiled factories are kept in bounded caches, each as large
    as the layouts need (every priced and MARKET layout above fits many times)."""
    for cached in (make, context_judge_source):
        maxsize = cached.cache_info().maxsize
        assert maxsize is not None
        assert 2**7 + 2 * 2 * 3 < maxsize <= 4096


def _shapes(market: Market) -> list[tuple[str, Any]]:
    full = market.context.to_mapping()
    return [
        ("none", None),
        ("Context", market.context),
        ("avgPrice", {key: full[key] for key in ("avgPrice",) if key in full}),
        ("full", full),
    ]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(market_orders(breaking=None))
def test_written_checks_give_the_general_verdict(case: tuple[Market, Any, str | None]) -> None:
    market, order, breaking = case
    info, params = market.info, order.to_params()
    plan = plan_of(info).symbol(info, market.symbol.symbol)
    for shape, context in _shapes(market):
        as_context = Context.from_mapping(context) if isinstance(context, dict) else context
        general = _general_verdict(info, params, as_context or Context())
        assert evaluate(info, params, context) == general, shape
        fast = None if plan is None else plan.fast_check(params["type"])
        if fast is None:
            continue
        event(f"{params['type']}, breaking {breaking is not None}, {shape}")
        if isinstance(context, dict) and context:
            answer = fast(params, dict(context))
            if answer is not CONTEXT:
                assert answer == fast(params, Context.from_mapping(context))


def _edges_info() -> Any:
    filters = [
        {"filterType": "PRICE_FILTER", "minPrice": "0.40", "maxPrice": "1000", "tickSize": "0.01"},
        {"filterType": "LOT_SIZE", "minQty": "1.000", "maxQty": "900", "stepSize": "0.001"},
        {"filterType": "ICEBERG_PARTS", "limit": 10},
        {"filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": "5", "bidMultiplierDown": "0.2",
         "askMultiplierUp": "1.5", "askMultiplierDown": "0.5", "avgPriceMins": 5},
        {"filterType": "NOTIONAL", "minNotional": "10", "applyMinToMarket": True,
         "maxNotional": "1000", "applyMaxToMarket": True, "avgPriceMins": 5},
        {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
    ]  # fmt: skip
    symbol = {"symbol": "X", "status": "TRADING", "baseAsset": "A", "quoteAsset": "B",
              "baseAssetPrecision": 8, "quoteAssetPrecision": 8, "icebergAllowed": True,
              "quoteOrderQtyMarketAllowed": True, "filters": filters}  # fmt: skip
    return loads(json.dumps({"serverTime": 1691945251489, "symbols": [symbol]}))


#: Orders on and one step past each bound the float tests cannot settle (the
#: exact test decides), around an average price of 2: the bands (BUY 0.4 .. 10,
#: SELL 1 .. 3), the notional (10 .. 1000), minPrice (0.4), minQty (1) and maxQty
#: (900), the iceberg parts (10).
_EDGES = [
    ("BUY", "LIMIT", {"price": "10.00", "quantity": "5.000"}),
    ("BUY", "LIMIT", {"price": "10.01", "quantity": "5.000"}),
    ("BUY", "LIMIT", {"price": "0.40", "quantity": "25.000"}),
    ("BUY", "LIMIT", {"price": "0.39", "quantity": "30.000"}),
    ("SELL", "LIMIT", {"price": "3.00", "quantity": "5.000"}),
    ("SELL", "LIMIT", {"price": "3.01", "quantity": "5.000"}),
    ("SELL", "LIMIT", {"price": "1.00", "quantity": "10.000"}),
    ("SELL", "LIMIT", {"price": "0.99", "quantity": "11.000"}),
    ("BUY", "LIMIT", {"price": "2.00", "quantity": "5.000"}),
    ("BUY", "LIMIT", {"price": "2.00", "quantity": "4.999"}),
    ("BUY", "LIMIT", {"price": "2.00", "quantity": "500.000"}),
    ("BUY", "LIMIT", {"price": "2.00", "quantity": "500.001"}),
    ("BUY", "LIMIT", {"price": "10.00", "quantity": "1.000"}),
    ("SELL", "LIMIT", {"price": "1.11", "quantity": "900.000"}),
    ("BUY", "LIMIT", {"price": "2.00", "quantity": "20.000", "icebergQty": "2.000"}),
    ("BUY", "LIMIT", {"price": "2.00", "quantity": "20.000", "icebergQty": "1.999"}),
    ("BUY", "LIMIT", {"price": "2.00", "quantity": "20.000", "icebergQty": "20.000"}),
    ("BUY", "STOP_LOSS_LIMIT", {"price": "2.00", "quantity": "5.000", "stopPrice": "0.40"}),
    ("BUY", "MARKET", {"quantity": "5.000"}),
    ("BUY", "MARKET", {"quantity": "4.999"}),
    ("SELL", "MARKET", {"quantity": "500.000"}),
    ("SELL", "MARKET", {"quantity": "500.001"}),
    ("BUY", "MARKET", {"quoteOrderQty": "10"}),
    ("BUY", "MARKET", {"quoteOrderQty": "9.99999999"}),
    ("BUY", "MARKET", {"quoteOrderQty": "1000.00000000"}),
]


def test_bounds_the_floats_cannot_settle_are_tested_exactly(monkeypatch: Any) -> None:
    """At each bound (a tie the float tests leave to ``Decimal``) and one step past it,
    in every context shape, the written checks give the general verdict; and they
    did take the exact tests (counted through the ``Decimal`` they are made with)."""
    exact = {"calls": 0}

    def counted(text: str) -> Decimal:
        exact["calls"] += 1
        return Decimal(text)

    monkeypatch.setitem(COMMON, "D", counted)
    monkeypatch.setitem(JUDGE_COMMON, "D", counted)
    info = _edges_info()  # a new snapshot: its checks are made with the counting D
    seen: set[bool] = set()
    for side, kind, values in _EDGES:
        params = {"symbol": "X", "side": side, "type": kind, **values}
        if kind != "MARKET":
            params["timeInForce"] = "GTC"
        for context in (None, {"avgPrice": "2"}, {"avgPrice": "2", "openOrders": 199}):
            as_context = Context() if context is None else Context.from_mapping(context)
            general = _general_verdict(info, params, as_context)
            assert evaluate(info, params, context) == general, (params, context)
            assert evaluate(info, params, as_context) == general, (params, context)
            seen.add(general.accepted)
    assert seen == {True, False}
    assert exact["calls"] > len(_EDGES)
