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

import json
import pickle
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, event, given, settings
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


def fast(obj: Any, *, json_only: bool = False) -> Any:
    """The fast constructors' result (ExchangeInfo, or the symbols of a keyed snapshot)."""
    try:
        if "symbols" in obj:
            return builders.build_info(obj, json_only=json_only)
        return tuple(builders.build_symbol(v, json_only=json_only) for v in obj.values())
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


def agree(obj: Any, *, json_only: bool = False) -> None:
    try:
        built = fast(obj, json_only=json_only)
    except Exception:
        return  # the converter decides (loads falls back to it)
    reference = slow(obj)  # must not raise: what the fast path took is good
    assert built == reference
    assert repr(built) == repr(reference)
    assert [type(s) for s in _symbol_objects_built(built)] == [
        type(s) for s in _symbol_objects_built(reference)
    ]


def _symbol_objects_built(built: Any) -> list[Any]:
    symbols = built.symbols if isinstance(built, ExchangeInfo) else built
    return [f for s in symbols for f in s.filters]


def as_json(value: Any) -> Any:
    """``value`` as ``json.loads`` gives it back (what ``json_only`` input holds), or
    ``None`` when it is not JSON."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return None


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


def _symbol_objects(obj: Any) -> list[Any]:
    if "symbols" in obj:
        symbols = obj["symbols"]
        return list(symbols) if isinstance(symbols, list) else []
    return list(obj.values())


def _filter_keys(symbol: dict[str, Any]) -> int:
    return sum(len(f) for f in symbol["filters"])


def layouts_agree(obj: Any, *, json_only: bool = False, counted: bool = False) -> None:
    """Each symbol object read by the body of its layout (compiled for it, whatever the
    cache holds) gives what the general body gives, or both refuse it (``counted``:
    the bodies that count the keys read, :func:`builders.build_counted`'s)."""
    general, reader = builders.LAYOUT_READERS[SymbolInfo, json_only, counted]
    for symbol in _symbol_objects(obj):
        if type(symbol) is not dict:
            continue
        row = reader(symbol)
        if row is None:
            event("layout: not read by a body")
            continue
        expected, expected_keys = _counting(general, symbol)
        got, got_keys = _counting(row, symbol)
        event("layout: refused by both" if expected is None else "layout: built")
        assert (got is None) == (expected is None)
        if got is not None:
            # (the bodies count their filters; the symbol's own keys, the caller)
            assert got_keys == expected_keys == (_filter_keys(symbol) if counted else 0)
            assert got == expected
            assert repr(got) == repr(expected)
            assert hash(got) == hash(expected)
            assert pickle.loads(pickle.dumps(got)) == got
            assert got == converter.structure(symbol, SymbolInfo)
            converter.clear_caches()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(raw_exchange_infos(min_size=1, max_size=2), st.data())
def test_a_layout_body_reads_what_the_general_body_reads(raw: dict[str, Any], data: Any) -> None:
    builders.build_info({"symbols": []})  # the constructors made
    layouts_agree(raw)
    places = list(paths(raw))
    path = data.draw(st.sampled_from(places))
    new = data.draw(st.one_of(_ODD_VALUES, st.just(DROP)))
    layouts_agree(replaced(raw, path, new))
    # A symbol's keys in another order: another layout, the same object.
    for symbol in _symbol_objects(raw):
        if type(symbol) is dict:
            keys = data.draw(st.permutations(list(symbol)))
            layouts_agree({"symbols": [{key: symbol[key] for key in keys}]})


def _outcome(build: Any, value: Any) -> Any:
    try:
        return build(value)
    except Exception:
        return None
    finally:
        builders.clear_caches()


def sequences_agree(obj: Any, *, json_only: bool = False, counted: bool = False) -> None:
    """Each list of filters read by the body of its sequence of filterTypes (compiled for
    it, whatever the cache holds) gives what reading them one by one gives, or both
    refuse it; ``counted``: both count the keys of the filters, ``len`` of each."""
    one_by_one, reader = builders.SEQUENCE_READERS[json_only, counted]
    lists = [s.get("filters") for s in _symbol_objects(obj) if type(s) is dict]
    if isinstance(obj.get("exchangeFilters"), list):
        lists.append(obj["exchangeFilters"])
    for filters in lists:
        if type(filters) is not list:
            continue
        try:
            types = tuple(f["filterType"] for f in filters)
            read = reader(types)
        except Exception:
            read = None
        if read is None:
            event("sequence: not read by a body")
            continue
        expected, expected_keys = _counting(one_by_one, filters)
        got, got_keys = _counting(read, filters)
        event("sequence: refused by both" if expected is None else "sequence: built")
        assert (got is None) == (expected is None)
        if got is not None:
            assert got == expected
            assert repr(got) == repr(expected)
            assert [type(f) for f in got] == [type(f) for f in expected]
            keys = sum(len(f) for f in filters) if counted else 0
            assert got_keys == expected_keys == keys


def _counting(build: Any, value: Any) -> tuple[Any, int]:
    """``build(value)`` (``None``: refused) and the keys it counted (the counted
    constructors'; 0 for the others)."""
    builders._KEYS[0] = 0
    try:
        return _outcome(build, value), builders._KEYS[0]
    finally:
        builders._KEYS[0] = 0


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(raw_exchange_infos(min_size=1, max_size=2), st.data())
def test_a_sequence_body_reads_what_one_by_one_reads(raw: dict[str, Any], data: Any) -> None:
    builders.build_info({"symbols": []})  # the constructors made
    sequences_agree(raw)
    places = list(paths(raw))
    path = data.draw(st.sampled_from(places))
    new = data.draw(st.one_of(_ODD_VALUES, st.just(DROP)))
    sequences_agree(replaced(raw, path, new))
    target = [p for p in places if isinstance(_at(raw, p), dict) and "filterType" in _at(raw, p)]
    if target:
        at = data.draw(st.sampled_from(target))
        key = data.draw(st.sampled_from(["newField", "filterType", "limit", "x"]))
        value = data.draw(st.one_of(_ODD_VALUES, st.builds(_Str, st.sampled_from(_NAMES))))
        sequences_agree(replaced(raw, at, {**_at(raw, at), key: value}))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(raw_exchange_infos(min_size=1, max_size=3), st.data())
def test_json_only_input_builds_what_the_converter_builds(raw: dict[str, Any], data: Any) -> None:
    """What ``json.loads`` made (``loads`` of text, builders' rule 4): a symbol repeated
    with one value replaced by another JSON value (``1`` for ``true``, ``1.0`` for
    ``1``, ...) is refused or built as the converter builds it, though its arrays and
    filters equal the previous symbol's but for that value."""
    builders.build_info({"symbols": []}, json_only=True)  # the constructors made
    assert builders.build_counted({"symbols": []}) is not None
    assert fast(raw, json_only=True) == slow(raw)
    symbols = _symbol_objects(raw)
    first = data.draw(st.sampled_from(symbols))
    places = list(paths(first))
    path = data.draw(st.sampled_from(places))
    new = data.draw(st.one_of(_ODD_VALUES, st.sampled_from([True, False, 1, 0, 1.0, 0.0, 5.0])))
    other = as_json(replaced(first, path, new))
    if other is None:
        return
    for obj in ({"symbols": [first, other]}, {"symbols": [other, first, other]}):
        obj = as_json(obj)
        agree(obj, json_only=True)
        counted_agree(obj)
        for counted in (False, True):
            layouts_agree(obj, json_only=True, counted=counted)
            sequences_agree(obj, json_only=True, counted=counted)
            # Read again with the previous filters of the other object kept.
            again = {"symbols": [*obj["symbols"], *obj["symbols"]]}
            sequences_agree(again, json_only=True, counted=counted)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(raw_exchange_infos(min_size=1, max_size=3), st.data())
def test_json_only_layouts_and_sequences_in_turn_build_alike(
    raw: dict[str, Any], data: Any
) -> None:
    """What ``json.loads`` made, symbols whose layouts (keys in another order, one
    dropped) and filter sequences (a filter dropped or moved) change from one symbol
    to the next: the previous layout's and sequence's bodies (compared without
    hashing) are taken only for the same keys and filterTypes, and everything is
    built as the converter builds it."""
    symbols = [s for s in _symbol_objects(raw) if type(s) is dict]
    others = []
    whole = True  # every key kept: a good snapshot, which the fast path must build
    for symbol in symbols:
        keys = data.draw(st.permutations(list(symbol)))
        if data.draw(st.booleans()):
            kept = data.draw(st.integers(0, len(keys)))
            whole = whole and kept == len(keys)
            keys = keys[:kept]
        other = {key: symbol[key] for key in keys}
        filters = other.get("filters")
        if isinstance(filters, list) and filters:
            other["filters"] = data.draw(st.permutations(filters))
            if data.draw(st.booleans()):
                other["filters"] = other["filters"][1:]
        others.append(other)
    order = data.draw(st.permutations([*symbols, *others, *symbols, *others]))
    obj = as_json({**raw, "symbols": order})
    assert obj is not None
    agree(obj, json_only=True)
    counted_agree(obj)
    if whole:
        built = fast(obj, json_only=True)  # must not fall back
        event("layouts in turn: built")
        assert built == slow(obj)
        assert repr(built) == repr(slow(obj))


def counted_agree(obj: Any) -> None:
    """:func:`builders.build_counted` builds what :func:`builders.build_info` builds
    (or refuses), and counts exactly the keys of the symbols, of their filters and of
    ``exchangeFilters``: never more than the objects hold (``loads``' check for a
    repeated key relies on it); for a snapshot with ``symbols`` (``loads`` of text)."""
    if "symbols" not in obj:
        return
    try:
        counted = builders.build_counted(obj)
    except Exception:
        counted = None
    finally:
        builders.clear_caches()
    try:
        built = fast(obj, json_only=True)
    except Exception:
        built = None
    assert (counted is None) == (built is None)
    if counted is not None:
        info, keys = counted
        assert info == built
        assert repr(info) == repr(built)
        expected = sum(len(s) + _filter_keys(s) for s in obj["symbols"])
        expected += sum(len(f) for f in obj.get("exchangeFilters") or ())
        assert keys == expected


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(raw_exchange_infos(min_size=1, max_size=3), st.data())
def test_the_counted_constructors_count_what_they_read(raw: dict[str, Any], data: Any) -> None:
    """On generated snapshots as ``json.loads`` gives them, with a value replaced or
    dropped or a key added anywhere: the counted constructors build what the others
    build, and count the keys they read."""
    obj = as_json(raw)
    assert obj is not None
    counted_agree(obj)
    path = data.draw(st.sampled_from(list(paths(obj))))
    new = data.draw(st.one_of(_ODD_VALUES, st.just(DROP)))
    changed = as_json(replaced(obj, path, new))
    if changed is not None:
        counted_agree(changed)
    dicts = [p for p in paths(obj) if isinstance(_at(obj, p), dict)]
    if dicts:
        at = data.draw(st.sampled_from(dicts))
        key = data.draw(st.sampled_from(["newField", "limit", "status", "x"]))
        value = data.draw(st.one_of(_ODD_VALUES, st.just({"k": 1})))
        added = as_json(replaced(obj, at, {**_at(obj, at), key: value}))
        if added is not None:
            counted_agree(added)
