"""The fast constructors (rules.model.builders) build exactly what the converter builds.

Two code paths turn parsed JSON into the models: the generated constructors of a
good snapshot and the converter (every error with its path). On every snapshot
the rules.testing strategies generate, and on each of them with one value
replaced by another JSON value (or a str subclass, a tuple, a mapping that is
not a dict), the fast path either gives up (Fallback, or any error) or builds
what the converter builds: equal, with the same repr (a decimal keeps its places),
and the converter does not refuse it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.model import builders, converter
from rules.model.frozen import FrozenJson
from rules.model.models import ExchangeInfo, SymbolInfo
from rules.testing import raw_exchange_infos


class _Str(str):
    """A str subclass: the converter refuses it wherever a string is expected."""


_ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([-1, 0, 1, 5, 2**63 - 1, 2**63]),
    st.integers(-2, 2**64),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        ["", "1", "1.0", "0.00100000", "-1", "-0", "1e5", "01", " 1", "NaN", "x", "LIMIT"]
    ),
    st.just(_Str("1")),
    st.just([]),
    st.just(["LIMIT", 1]),
    st.just([_Str("SPOT")]),
    st.just({}),
    st.just((1,)),
    st.just(FrozenJson({"a": 1})),
)


#: Names a str subclass may copy: filter types and wire values the models know.
_NAMES = ["ICEBERG_PARTS", "PRICE_FILTER", "MIN_NOTIONAL", "NOTIONAL", "LOT_SIZE", "TRADING", "X"]


def fast(obj: Any) -> Any:
    """The fast constructors' result (ExchangeInfo, or the symbols of a keyed snapshot)."""
    try:
        if "symbols" in obj:
            return builders.build_info(obj)
        return tuple(builders.build_symbol(v) for v in obj.values())
    finally:
        builders.clear_caches()


def slow(obj: Any) -> Any:
    """The converter's result, the same shape as :func:`fast`."""
    try:
        if "symbols" in obj:
            return converter.structure(obj, ExchangeInfo)
        return tuple(converter.structure(v, SymbolInfo) for v in obj.values())
    finally:
        converter.clear_caches()


def paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON value: the keys and indexes that lead to it."""
    if path:
        yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths(inner, (*path, index))


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """A copy of ``value`` with the value at ``path`` replaced (or its key dropped,
    when ``new`` is the ``DROP`` marker)."""
    head, *rest = path
    if isinstance(value, dict):
        copy = dict(value)
        if rest:
            copy[head] = replaced(value[head], tuple(rest), new)
        elif new is DROP:
            del copy[head]
        else:
            copy[head] = new
        return copy
    items = list(value)
    if rest:
        items[head] = replaced(value[head], tuple(rest), new)
    elif new is DROP:
        del items[head]
    else:
        items[head] = new
    return items


DROP = object()


def agree(obj: Any) -> None:
    try:
        built = fast(obj)
    except Exception:
        return  # the converter decides (loads falls back to it)
    reference = slow(obj)  # must not raise: what the fast path took is good
    assert built == reference
    assert repr(built) == repr(reference)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(raw_exchange_infos(max_size=3))
def test_generated_snapshots_build_fast_and_equal(raw: dict[str, Any]) -> None:
    built = fast(raw)  # a good snapshot never falls back
    reference = slow(raw)
    assert built == reference
    assert repr(built) == repr(reference)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(raw_exchange_infos(min_size=1, max_size=2), st.data())
def test_one_value_replaced_is_refused_or_built_alike(raw: dict[str, Any], data: Any) -> None:
    places = list(paths(raw))
    path = data.draw(st.sampled_from(places))
    new = data.draw(st.one_of(_ODD_VALUES, st.just(DROP)))
    agree(replaced(raw, path, new))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(raw_exchange_infos(min_size=1, max_size=2), st.data())
def test_an_added_key_is_kept_alike(raw: dict[str, Any], data: Any) -> None:
    places = [p for p in paths(raw) if isinstance(_at(raw, p), dict)]
    path = data.draw(st.sampled_from(places))
    key = data.draw(st.sampled_from(["newField", "filterType", "limit", "status", "x"]))
    new = data.draw(st.one_of(_ODD_VALUES, st.builds(_Str, st.sampled_from(_NAMES))))
    target = dict(_at(raw, path))
    target[key] = new
    agree(replaced(raw, path, target))


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value
