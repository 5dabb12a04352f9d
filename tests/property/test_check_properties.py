"""Properties of the order checker over every real snapshot in ``shared/data/exchange_info``.

- No check ever raises on well-typed input: whatever the params and the context,
  :func:`rules.evaluate` returns a verdict (problems are violations, D29).
- ``accepted`` is exactly "no violation" (D27), and ``is_valid`` agrees.
- A params mapping and the typed ``Order`` read from it get the same verdict.
- Removing context never turns an unchecked rule into a passed one: every rule
  that fails with context either fails or is unchecked without it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rules.checker.context import Context
from rules.checker.evaluate import evaluate, is_valid
from rules.checker.order import Order
from rules.model.load import load_path
from rules.model.models import ExchangeInfo

SNAPSHOTS = sorted(
    (Path(__file__).resolve().parents[3] / "shared" / "data" / "exchange_info").glob("*.json")
)


@functools.cache
def _load(path: Path) -> ExchangeInfo:
    return load_path(path)


@st.composite
def symbols(draw: st.DrawFn) -> tuple[ExchangeInfo, str]:
    info = _load(draw(st.sampled_from(SNAPSHOTS)))
    index = draw(st.integers(0, len(info.symbols) - 1))
    return info, info.symbols[index].symbol


def _decimal_text(digits: int, places: int) -> str:
    text = str(digits)
    return text if not places else f"{text[:-places] or '0'}.{text[-places:].rjust(places, '0')}"


plain = st.builds(_decimal_text, st.integers(0, 10**28), st.integers(0, 20))
numbers = st.one_of(
    plain,
    st.integers(-(10**21), 10**21),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.just(""),
    st.none(),
    st.text(max_size=6),
)
enums = st.one_of(st.none(), st.just(""), st.text(max_size=10), st.integers())
PARAMS = {
    "side": st.one_of(st.sampled_from(["BUY", "SELL"]), enums),
    "type": st.one_of(
        st.sampled_from(
            [
                "LIMIT",
                "LIMIT_MAKER",
                "MARKET",
                "STOP_LOSS",
                "STOP_LOSS_LIMIT",
                "TAKE_PROFIT",
                "TAKE_PROFIT_LIMIT",
            ]
        ),
        enums,
    ),
    "timeInForce": st.one_of(st.sampled_from(["GTC", "IOC", "FOK"]), enums),
    "price": numbers,
    "quantity": numbers,
    "quoteOrderQty": numbers,
    "stopPrice": numbers,
    "icebergQty": numbers,
    "trailingDelta": st.one_of(st.integers(-10, 10**6), numbers),
    "strategyType": st.one_of(st.integers(), numbers),
    "selfTradePreventionMode": st.one_of(st.sampled_from(["NONE", "EXPIRE_MAKER"]), enums),
    "pegPriceType": st.one_of(st.sampled_from(["PRIMARY_PEG", "MARKET_PEG"]), enums),
    "pegOffsetType": st.one_of(st.just("PRICE_LEVEL"), enums),
    "pegOffsetValue": st.one_of(st.integers(0, 100), numbers),
    "newClientOrderId": enums,
}


@st.composite
def orders(draw: st.DrawFn, symbol: str) -> dict[str, Any]:
    keys = draw(st.sets(st.sampled_from(sorted(PARAMS))))
    return {"symbol": symbol, **{k: draw(PARAMS[k]) for k in sorted(keys)}}


prices = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**12, places=8))
counts = st.one_of(st.none(), st.integers(0, 10**4))
contexts = st.builds(
    Context,
    avg_price=prices,
    reference_price=prices,
    last_price=prices,
    open_orders=counts,
    open_algo_orders=counts,
    open_iceberg_orders=counts,
    exchange_open_orders=counts,
    exchange_open_algo_orders=counts,
    exchange_open_iceberg_orders=counts,
    base_position=prices,
    permissions=st.one_of(
        st.none(), st.frozensets(st.sampled_from(["SPOT", "MARGIN", "LEVERAGED", "TRD_GRP_004"]))
    ),
)


@given(symbols().flatmap(lambda s: st.tuples(st.just(s[0]), orders(s[1]))), contexts)
def test_never_raises_and_accepted_means_no_violation(
    case: tuple[ExchangeInfo, dict[str, Any]], context: Context
) -> None:
    info, params = case
    verdict = evaluate(info, params, context)
    assert verdict.accepted is (not verdict.violations)
    assert is_valid(info, params, context) is verdict.accepted
    assert all(v.code < 0 and v.msg for v in verdict.violations)
    assert len(set(verdict.unchecked)) == len(verdict.unchecked)


@given(symbols().flatmap(lambda s: st.tuples(st.just(s[0]), orders(s[1]))), contexts)
def test_params_and_typed_order_agree(
    case: tuple[ExchangeInfo, dict[str, Any]], context: Context
) -> None:
    """Reading is the same through both doors, once the order is readable."""
    info, params = case
    order = Order.from_params(params)
    clean = order.to_params()
    assert evaluate(info, clean, context) == evaluate(info, order, context)


@given(symbols().flatmap(lambda s: st.tuples(st.just(s[0]), orders(s[1]))), contexts)
def test_less_context_never_passes_a_failing_rule(
    case: tuple[ExchangeInfo, dict[str, Any]], context: Context
) -> None:
    """A rule is never reported as passed for lack of context (issue §3)."""
    info, params = case
    full = evaluate(info, params, context)
    bare = evaluate(info, params, Context(permissions=context.permissions))
    failed = {v.filter_type for v in full.violations if v.filter_type}
    still = {v.filter_type for v in bare.violations if v.filter_type} | set(bare.unchecked)
    assert failed <= still


def test_snapshots_found() -> None:
    assert len(SNAPSHOTS) >= 10
