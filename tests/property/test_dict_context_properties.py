"""A context given as a dict is judged as ``Context.from_mapping`` of it (issue 11).

The fast checks read a dict context themselves, without building a ``Context``
(:func:`rules.checker.fastcontext.dict_reader`): a plain decimal string for a
price, an ``int`` for a count, any keys in any order; anything else (``null``, a
float, a ``Decimal``, a ``bool``, a long string, ``permissions``, an unknown key,
a bad value) is answered :data:`~rules.checker.fastpath.CONTEXT` and read as a
``Context``. Over the markets and orders of :mod:`rules.testing` (valid or breaking
one rule, every order type), contexts drawn from the market's and then varied
value by value: ``evaluate`` with the dict gives exactly the verdict it gives
with ``Context.from_mapping(dict)`` (or raises the same error), and each fast
check answers the dict as it answers the ``Context``, or asks for the ``Context``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import rules.checker.context as context_module
from rules.checker.context import CONTEXT_KEYS, FIELD_KEYS, Context, is_plain
from rules.checker.evaluate import _general_verdict, evaluate
from rules.checker.fastcontext import dict_reader
from rules.checker.fastpath import CONTEXT
from rules.checker.fastread import FILTERS_CONTEXT
from rules.checker.plans import plan_of
from rules.testing import Market
from tests.property.test_suite_properties import market_orders

#: How a value of the market's context may be sent instead.
VARIANTS = ("as is", "Decimal", "float", "int", "null", "long", "bool", "negative", "bad")


def _vary(value: Any, how: str) -> Any:
    if how == "null":
        return None
    if isinstance(value, str):  # a price, as to_mapping writes it
        number = Decimal(value)
        if how == "Decimal":
            return number
        if how == "float":
            return float(number)
        if how == "int":
            return int(number) if number == number.to_integral_value() else value
        if how == "long":  # past 20 characters: from_mapping's longer reading
            return value + ("" if "." in value else ".") + "0" * 21
        if how == "negative":
            return "-" + value
        if how == "bad":
            return value + "x"
        return value
    if isinstance(value, int):  # a count
        if how == "bool":
            return value == 1
        if how == "negative":
            return -1 - value
        if how in ("Decimal", "float"):
            return Decimal(value) if how == "Decimal" else float(value)
        if how == "bad":
            return str(value)
    return value


@st.composite
def dict_contexts(draw: st.DrawFn, market: Market) -> dict[str, Any]:
    full = market.context.to_mapping()
    keys = draw(st.permutations(sorted(full)))
    keys = keys[: draw(st.integers(0, len(keys)))]
    out: dict[str, Any] = {}
    for key in keys:
        how = draw(st.sampled_from(VARIANTS)) if draw(st.integers(0, 4)) == 0 else "as is"
        out[key] = _vary(full[key], how)
    if draw(st.integers(0, 9)) == 0:
        extra = draw(st.sampled_from(("permissions", "lastPrice", "referencePrice", "avgprice")))
        out[extra] = ["SPOT"] if extra == "permissions" else "1.5"
    return out


@st.composite
def cases(draw: st.DrawFn) -> tuple[Market, dict[str, Any], dict[str, Any]]:
    market, order, _ = draw(market_orders(breaking=None))
    return market, order.to_params(), draw(dict_contexts(market))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_a_dict_context_is_judged_as_its_context(
    case: tuple[Market, dict[str, Any], dict[str, Any]],
) -> None:
    market, params, mapping = case
    info = market.info
    try:
        context = Context.from_mapping(mapping)
    except (TypeError, ValueError) as error:
        refused: Exception | None = error
    else:
        refused = None
    if refused is not None:
        event("refused")
        with pytest.raises(type(refused), match=re.escape(str(refused))):
            evaluate(info, params, mapping)
        return
    verdict = evaluate(info, params, mapping)
    assert verdict == evaluate(info, params, context) == _general_verdict(info, params, context)
    plan = plan_of(info).symbol(info, market.symbol.symbol)
    fast = None if plan is None else plan.fast_answers.get(params["type"])
    if fast is None:
        return
    answer = fast(params, dict(mapping))
    event("asked for the Context" if answer is CONTEXT else "read the dict")
    if answer is not CONTEXT:
        assert answer == fast(params, context)


@given(st.lists(st.sampled_from(("avgPrice", "openOrders", "basePosition", "x")), max_size=4))
def test_dict_readers_take_the_keys_from_mapping_takes_on_its_common_paths(
    keys: list[str],
) -> None:
    """A reader exists only for keys from_mapping reads as prices and counts: each key
    read as from_mapping reads it (a market price parsed, another price checked, a
    count), each field at its key's place, and a Context giving the same fields."""
    unique = tuple(dict.fromkeys(keys))
    reader = dict_reader(unique)
    if not unique or "x" in unique:
        assert reader is None
        return
    assert reader is not None
    reads, at, sample = reader
    how = {"avgPrice": "price", "basePosition": "checked", "openOrders": "count"}
    assert reads == tuple((key, how[key]) for key in unique)
    values = {key: "12.50" if key != "openOrders" else 3 for key in unique}
    context = Context.from_mapping(values)
    assert list(at) == list(vars(context)) == list(vars(sample))
    for attribute, index in at.items():
        value = values[unique[index]]
        assert getattr(context, attribute) == (
            Decimal(value) if how[unique[index]] != "count" else value
        )


_KEYS = sorted(CONTEXT_KEYS - {"permissions"})
_PRICE_KEYS = {"avgPrice", "referencePrice", "lastPrice", "basePosition", "origQty"}
_COUNT_KEYS = set(_KEYS) - _PRICE_KEYS
_VALUES = st.one_of(
    st.from_regex(r"[0-9]{1,22}(\.[0-9]{0,22})?", fullmatch=True),
    st.sampled_from(["", "-1", "1e5", " 1", "NaN", "0.5", "١", "00.10"]),
    st.integers(min_value=-2, max_value=2**64),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True),
    st.decimals(allow_nan=False, places=3),
)

#: Dict contexts of known keys, a misspelt one and permissions, with values of every kind.
_DICTS = st.dictionaries(
    st.one_of(st.sampled_from(_KEYS), st.sampled_from(["permissions", "avgprice"])),
    _VALUES,
    max_size=5,
)


@settings(max_examples=400)
@given(_DICTS)
def test_a_dict_context_is_read_as_the_loop_reads_it(data: dict[str, Any]) -> None:
    """``Context.from_mapping`` of a dict, by the function written for its keys
    (``rules.checker.context._maker``), is the loop's reading (a mapping that is not
    a dict): equal fields, given in the same order; or the same error."""
    loop: Context | Exception
    try:
        loop = Context.from_mapping(MappingProxyType(data))
    except (TypeError, ValueError) as error:
        loop = error
    for _ in range(2):  # the function written, then found
        if isinstance(loop, Exception):
            with pytest.raises(type(loop)) as raised:
                Context.from_mapping(data)
            assert str(raised.value) == str(loop)
        else:
            made = Context.from_mapping(data)
            assert made.__class__ is Context
            assert list(made.__dict__.items()) == list(loop.__dict__.items())
            assert made == loop


_PLAIN_PRICE = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def plain_by_hand(data: dict[str, Any]) -> bool:
    """A dict of prices as plain unsigned decimal strings of at most 20 characters and
    counts as ints from 0 to 2**63 - 1 (what ``is_plain`` should say, written apart)."""
    return all(
        (
            key in _PRICE_KEYS
            and type(value) is str
            and len(value) <= 20
            and _PLAIN_PRICE.fullmatch(value) is not None
        )
        or (key in _COUNT_KEYS and type(value) is int and 0 <= value <= 2**63 - 1)
        for key, value in data.items()
    )


@st.composite
def full_counters(draw: st.DrawFn) -> tuple[Market, dict[str, Any], dict[str, Any]]:
    """An order and a dict context whose counts may be at their limits (a context rule
    rejects an order whose bounds hold: FILTERS_CONTEXT), values varied as above."""
    market, params, mapping = draw(cases())
    mapping.pop("permissions", None)  # read by Context.from_mapping, never by a judge
    if draw(st.booleans()):  # far from any price: a band or a MARKET notional rejects
        mapping["avgPrice"] = draw(st.sampled_from(("0.00000001", "99999999")))
    for key in ("openOrders", "openAlgoOrders", "openIcebergOrders"):
        if draw(st.booleans()):
            full = draw(st.booleans())  # past any limit, else near a common one
            mapping[key] = 10_000 if full else draw(st.sampled_from((0, 4, 5, 9, 10, 199, 200)))
            if draw(st.integers(0, 4)) == 0:
                mapping[key] = _vary(mapping[key], draw(st.sampled_from(VARIANTS)))
    return market, params, mapping


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(full_counters())
def test_filters_context_for_a_dict_means_it_was_read_whole(
    case: tuple[Market, dict[str, Any], dict[str, Any]],
) -> None:
    """``evaluate`` hands a dict the fast check answered ``FILTERS_CONTEXT`` for to the
    explainers as it stands (``_as_given``): that answer comes only after the dict judge
    has read every value, so the dict is plain; and the verdict (or the error) is the
    Context's."""
    market, params, mapping = case
    info = market.info
    evaluate(info, params)  # the plan
    plan = plan_of(info).symbol(info, market.symbol.symbol)
    fast = None if plan is None else plan.fast_answers.get(params["type"])
    answer = None if fast is None else fast(params, dict(mapping))
    if answer is FILTERS_CONTEXT:
        event("FILTERS_CONTEXT")
        assert plain_by_hand(mapping)
    try:
        context = Context.from_mapping(mapping)
    except (TypeError, ValueError) as error:
        with pytest.raises(type(error), match=re.escape(str(error))):
            evaluate(info, params, mapping)
        return
    assert evaluate(info, params, mapping) == _general_verdict(info, params, context)


@settings(max_examples=400)
@given(_DICTS)
def test_a_plain_dict_is_the_context_it_stands_for(data: dict[str, Any]) -> None:
    """``is_plain`` (what the explainers written for dicts read) says yes exactly for a
    dict of prices as plain unsigned decimal strings of at most 20 characters and
    counts as ints from 0 to 2**63 - 1; ``Context.from_mapping`` of such a dict holds
    each price's ``Decimal`` and each count, and nothing else."""
    expected = plain_by_hand(data)
    # Key tuples come from the input, and the tests are kept for at most MOST_KEY_TUPLES
    # of them (past it, is_plain says False: tests/test_context.py): from empty tables.
    context_module._MAKERS.clear()
    context_module._PLAIN_TESTS.clear()
    for _ in range(2):  # the test written, then found
        assert is_plain(data) is expected
    if expected:
        context = Context.from_mapping(data)
        assert vars(context) == {
            field: Decimal(data[key]) if key in _PRICE_KEYS else data[key]
            for field, key in FIELD_KEYS.items()
            if key in data
        }
