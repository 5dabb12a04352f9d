"""The fast way from parsed JSON to the models: one generated constructor per class.

:mod:`rules.model.converter` is the reference: strict, every error with its JSON
path. Structuring through it costs about 1.6x ``json.loads`` of a full snapshot,
most of it the generality of one hook call per value. This module builds the same
objects with one straight function per model class, generated once from the same
attrs fields and wire names (:func:`~rules.model.converter.camel`), its checks
inline (issue 11: a full load at most 2x ``json.loads``).

Rules this module keeps:

1. It builds only what the converter would build, equal and with the same
   ``repr`` (a decimal keeps its places); anything else (a wrong type, a missing
   field, a null, a mapping that is not a ``dict``, a ``str`` subclass) raises
   :class:`Fallback` and the caller structures the input with the converter,
   which builds it or reports every problem with its path. A property test
   (``tests/property/test_model_builders_properties.py``) and a test over every real
   snapshot prove the two agree.
2. Equal filters share one object within a load, as with the converter; a
   filter with the usual keys is found by the tuple of its values (their types
   checked first, so that ``1``, ``1.0`` and ``true`` never share), any other by
   its items and their types. An array of strings equal to the previous
   symbol's (its items' types checked) gives the same tuple.
   :func:`clear_caches` forgets them after the load.
3. It imports neither cattrs nor the converter: a good snapshot loads without them.
4. What ``json.loads`` made holds only ``dict``, ``list``, ``str``, ``int``,
   ``float``, ``bool`` and ``None`` (never a subclass, never a value with its own
   ``__eq__``): for such input (``json_only``, :func:`rules.model.load.loads` of
   text), a value equal to one already checked needs only the checks that equality
   cannot give (``1 == 1.0 == True``): an array equal to the previous symbol's, a
   filter equal to the one at its place in the previous symbol's list. Other input
   (a mapping given to ``loads``) is checked whole.
"""

from __future__ import annotations

import functools
import itertools
import operator
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from rules.model import models
from rules.model.codegen import (
    MAX_INT,
    REFUSED,
    Fallback,
    compile_function,
    construct,
    fields_of,
    general_body,
    optional_inner,
    row_body,
    slot_setters,
)
from rules.model.frozen import EMPTY, FrozenJson
from rules.model.numbers import PLAIN_DECIMAL

__all__ = ["Fallback", "build_counted", "build_info", "build_symbol", "clear_caches"]

# Shared within one load only (rule 2): they hold strings and arrays of the input.
_DECIMALS: dict[str, Decimal] = {}
_SHARED: list[dict[Any, Any]] = []
_LAST: list[list[Any]] = []
_NOTHING_YET = (None, None)
# The keys read by the counted constructors (build_counted), one build at a time.
_KEYS = [0]
_COUNTING = threading.Lock()


def clear_caches() -> None:
    """Forget the decimals, filters and arrays shared within one load."""
    _DECIMALS.clear()
    for cache in _SHARED:
        cache.clear()
    for last in _LAST:
        last[0] = _NOTHING_YET


def _last() -> list[Any]:
    """One field's previous array and its tuple, as one pair in a one-item list."""
    last: list[Any] = [_NOTHING_YET]
    _LAST.append(last)
    return last


def _cache() -> dict[Any, Any]:
    cache: dict[Any, Any] = {}
    _SHARED.append(cache)
    return cache


def _decimal(value: str) -> Decimal:
    # The converter's _decimal, its refusals a Fallback; the caller checked type(value) is str.
    cached = _DECIMALS.get(value)
    if cached is not None:
        return cached
    if not PLAIN_DECIMAL.fullmatch(value):
        raise Fallback
    parsed = Decimal(value)
    if parsed.is_signed():
        raise Fallback
    _DECIMALS[value] = parsed
    return parsed


_STR_ONLY = frozenset({str})


def _strings(value: object) -> tuple[str, ...]:
    if type(value) is list and _STR_ONLY.issuperset(map(type, value)):
        return tuple(value)
    raise Fallback


def _string_lists(value: object) -> tuple[tuple[str, ...], ...]:
    if type(value) is list:
        return tuple([_strings(x) for x in value])
    raise Fallback


def _extra(value: dict[str, Any], known: frozenset[str]) -> FrozenJson:
    return FrozenJson({k: v for k, v in value.items() if k not in known})


#: The most layouts (orders of keys) a class learns (:func:`_by_layout`): beyond
#: them, an object is read by the general body.
MAX_LAYOUTS = 64
#: The list of filters' one-by-one constructor, and what compiles the body of a
#: sequence of filterTypes (or says ``None``), uncached (for the tests), per
#: ``(json_only, counted)``.
SEQUENCE_READERS: dict[tuple[bool, bool], tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {}
#: Per class read by layout: its general body, and what compiles the body of an
#: object's layout (or says ``None``), uncached (for the tests).
LAYOUT_READERS: dict[
    tuple[type, bool, bool], tuple[Callable[[Any], Any], Callable[[Any], Any]]
] = {}


def _by_layout(
    cls: type,
    general: Callable[[Any], Any],
    namespace: dict[str, Any],
    json_only: bool,
    counted: bool = False,
) -> Callable[[Any], Any]:
    """``cls``'s constructor: an object whose keys come in a layout seen before (every
    symbol of a real snapshot has the same) is read by that layout's body (:func:`row_body`:
    about half the general body's cost), compiled when first seen; any other by the
    general body. The layouts are kept for the process, under the models' own names
    (never the input's strings), at most :data:`MAX_LAYOUTS`; two threads may both
    compile one: either result is the same function. ``counted``: each object's keys
    added to ``KEYS`` (:func:`build_counted`)."""
    fields = fields_of(cls)
    own = {key: key for _, _, key in fields}
    required = frozenset(key for _, t, key in fields if optional_inner(t) is None)
    rows: dict[tuple[str, ...], Callable[[Any], Any]] = {}

    def reader(d: dict[Any, Any]) -> Callable[[Any], Any] | None:
        """The body of ``d``'s layout, compiled now; ``None``: not one a body reads."""
        keys = tuple(d)
        if not all(type(key) is str and key in own for key in keys) or not required.issubset(keys):
            return None
        lines, types = row_body(cls, tuple([own[key] for key in keys]), json_only)
        return compile_function(f"row_{cls.__name__}", lines, {**namespace, "TYPES": types})

    def learn(d: dict[Any, Any]) -> Callable[[Any], Any]:
        row = None if len(rows) >= MAX_LAYOUTS else reader(d)
        if row is None:
            return general
        rows[tuple([own[key] for key in d])] = row
        return row

    LAYOUT_READERS[cls, json_only, counted] = general, reader

    if not json_only:
        lines = ["row = ROWS.get(tuple(d))", "if row is None: row = learn(d)"]
    else:
        # The previous object's keys and their body, one pair read at once: parsed keys
        # are the same string objects in every object (json's memo), so that an equal
        # layout compares by identity, without hashing (about 0.4 ms a full load).
        lines = [
            "keys = tuple(d)",
            "last = LAST_ROW[0]",
            "if keys == last[0]: row = last[1]",
            "else:",
            "    row = ROWS.get(keys)",
            "    if row is None: row = learn(d)",
            "    LAST_ROW[0] = (keys, row)",
        ]
    return compile_function(
        f"build_{cls.__name__}",
        [
            "if type(d) is not dict: raise Fallback",
            *(["KEYS[0] += len(d)"] if counted else []),
            *lines,
            "return row(d)",
        ],
        {**namespace, "ROWS": rows, "learn": learn, "LAST_ROW": _last()},
    )


def _namespace() -> dict[str, Any]:
    return {
        "ABSENT": _ABSENT,
        "DECIMALS": _DECIMALS,
        "EMPTY": EMPTY,
        "Fallback": Fallback,
        "OtherSequence": _OtherSequence,
        "MAX_INT": MAX_INT,
        "decimal": _decimal,
        "extra_of": _extra,
        "STR_ONLY": _STR_ONLY,
        "string_lists": _string_lists,
        "new": object.__new__,
        "KEYS": _KEYS,
        "chain": itertools.chain,
        **{c.__name__: c for c in (*models.FILTER_CLASSES.values(), *_HOLDERS)},
        **slot_setters((*models.FILTER_CLASSES.values(), *_HOLDERS)),
    }


_ABSENT = object()
_HOLDERS = (models.RateLimit, models.Sor, models.SymbolInfo, models.ExchangeInfo)


def _filter_block(
    cls: type,
    d: str,
    r: str,
    previous: tuple[str, str] | None = None,
    counted: bool = False,
    expected: str | None = None,
) -> list[str]:
    """Code that sets ``r`` to the filter of class ``cls`` read from ``d`` (its
    ``filterType`` chose the class). With exactly the usual keys (``filterType`` and
    every field), the values are read at once and shared by their tuple, their types
    checked first; with any other keys (an optional field absent, an unknown one),
    ``GENERAL_<class>``: the general body, shared by the items and their types (the
    converter's key). ``SHARED_<class>`` is the class's cache.

    ``previous``: ``(p, q)``, the filter object at the same place in the previous list
    of the same sequence and what was built from it, for values that only
    ``json.loads`` made (rule 4): ``d`` equal to ``p`` is ``q``'s filter once its
    integers and booleans are of their type (among JSON values, only a string equals
    a string; ``1``, ``1.0`` and ``true`` are equal).

    ``counted``: ``d``'s keys beyond the usual ones (``len(d)`` less the usual
    count) added to the local ``n`` where the general body read it.

    ``expected``: ``d``'s filterType, not yet checked (the body was chosen by the
    previous list's filterTypes): any other raises :class:`_OtherSequence`; ``d``
    equal to ``p`` has ``p``'s, which was checked."""
    fields = fields_of(cls)
    name = cls.__name__
    general = [f"{r} = GENERAL_{name}({d})"]
    if expected is not None:  # (not a dict: AttributeError, refused as before)
        general.insert(0, f'if {d}.get("filterType") != {expected!r}: raise OtherSequence')
    if counted:  # (the general body took only a dict)
        general.append(f"n += len({d}) - {len(fields) + 1}")
    checks: list[str] = []
    build: list[str] = []
    for i, (_, t, _) in enumerate(fields):
        base = optional_inner(t) or t
        if base not in REFUSED:  # pragma: no cover - no filter field has another type today
            raise TypeError(f"no fast constructor for a filter field of type {t!r}")
        checks.append(REFUSED[base].format(v=f"v{i}"))
        # A decimal seen before in this load: its object, without a call (a zero is falsy:
        # decimal() then finds it).
        build.append(f"(DECIMALS.get(v{i}) or decimal(v{i}))" if base is Decimal else f"v{i}")
    # filterType too: a str subclass equal to the name chose this code, and the
    # converter refuses it.
    reads = [
        f'ft = {d}["filterType"]',
        *(f"v{i} = {d}[{key!r}]" for i, (_, _, key) in enumerate(fields)),
    ]
    checks.insert(0, "type(ft) is not str")
    values = {a.name: build[i] for i, (a, _, _) in enumerate(fields)}
    # filterType is there (its value chose this code): with every field there too
    # and no other key, the keys are exactly the usual ones.
    block = [
        f"if type({d}) is dict and len({d}) == {len(fields) + 1}:",
        "    try:",
        *(f"        {read}" for read in reads),
        "    except KeyError:",
        *(f"        {line}" for line in general),
        "    else:",
        *([f"        if ft != {expected!r}: raise OtherSequence"] if expected is not None else []),
        f"        if {' or '.join(f'({c})' for c in checks)}:",
        "            raise Fallback",
        f"        k = ({''.join(f'v{i}, ' for i in range(len(fields)))})",
        f"        {r} = SHARED_{name}.get(k)",
        f"        if {r} is None:",
        *(f"            {line}" for line in construct(cls, values, r)),
        f"            SHARED_{name}[k] = {r}",
        "else:",
        *(f"    {line}" for line in general),
    ]
    if previous is None:
        return block
    p, q = previous
    # The usual keys (then q was built by the code above from p: every field is
    # required) and equal values.
    same = [f"len({d}) == {len(fields) + 1}", f"{d} == {p}"]
    for _, t, key in fields:
        base = optional_inner(t) or t
        if base in (int, bool):
            same.append(f"type({d}[{key!r}]) is {base.__name__}")
        elif base not in (str, Decimal):  # pragma: no cover - no filter field has another type
            raise TypeError(f"no fast constructor for a filter field of type {t!r}")
    if any(optional_inner(t) is not None for _, t, _ in fields):
        return block  # (then p may have taken the general body)
    return [f"if {' and '.join(same)}: {r} = {q}", "else:", *(f"    {line}" for line in block)]


def _filter_names(cls: type, namespace: dict[str, Any]) -> dict[str, Any]:
    """``SHARED_<class>`` and ``GENERAL_<class>`` of :func:`_filter_block`."""
    known = frozenset({"filterType", *(key for _, _, key in fields_of(cls))})
    # Compiled on first use: only a filter with unusual keys needs it (compiling
    # every one at import was about 4 ms).
    general = _Deferred(
        lambda: compile_function(
            f"general_{cls.__name__}",
            ['if type(d["filterType"]) is not str: raise Fallback', *general_body(cls, known)],
            {**namespace, "KNOWN": known},
        )
    )
    return {
        f"SHARED_{cls.__name__}": _cache(),
        f"GENERAL_{cls.__name__}": _shared_by_items(general),
    }


def _filter_builder(cls: type, namespace: dict[str, Any]) -> Callable[[Any], Any]:
    """A filter class's constructor (:func:`_filter_block`)."""
    return compile_function(
        f"build_{cls.__name__}", [*_filter_block(cls, "d", "found"), "return found"], namespace
    )


def _by_sequence(
    namespace: dict[str, Any], json_only: bool, counted: bool = False
) -> Callable[[Any], Any]:
    """The constructor of a list of filters: a list whose filterTypes come in a
    sequence seen before (2,187 of the 2,276 symbols of 2023-08 have the same nine) is
    read by that sequence's body, each filter's code inline (:func:`_filter_block`, no
    call and no dispatch per filter), compiled when first seen; any other filter by
    filter, through ``FILTERS``. Kept for the process, as :func:`_by_layout`'s layouts.
    ``json_only``: each filter equal to the one at its place in the previous list of
    the sequence is that one's object (:func:`_filter_block`). ``counted``: the
    filters' keys added to ``KEYS`` (:func:`build_counted`)."""
    own = {name: name for name in models.FILTER_CLASSES}
    sequences: dict[tuple[str, ...], Callable[[Any], Any]] = {}
    one_by_one = compile_function(
        "filters",
        [
            'result = tuple([FILTERS[i["filterType"]](i) for i in d])',
            # (each filter's constructor took only a dict)
            *(["KEYS[0] += sum(map(len, d))"] if counted else []),
            "return result",
        ],
        namespace,
    )

    def reader(types: tuple[Any, ...]) -> Callable[[Any], Any] | None:
        if not all(type(t) is str and t in own for t in types) or len(types) > 64:
            return None
        n = len(types)
        if not n:
            return compile_function("filter_sequence", ["return ()"], namespace)
        lines = [f"{''.join(f'f{j}, ' for j in range(n))}= d"]
        previous = None
        if json_only:  # one read: a pair another thread never splits
            lines += [
                "before, built = PREVIOUS[0]",
                "if before is None: before = built = NONE",
                f"{''.join(f'p{j}, ' for j in range(n))}= before",
                f"{''.join(f'q{j}, ' for j in range(n))}= built",
            ]
        usual = 0  # the usual keys of each; the general bodies add what they read beyond
        blocks: list[str] = []
        for j, name in enumerate(types):
            previous = (f"p{j}", f"q{j}") if json_only else None
            cls: type = models.FILTER_CLASSES[name]
            usual += len(fields_of(cls)) + 1
            expected = name if json_only else None
            blocks.extend(_filter_block(cls, f"f{j}", f"r{j}", previous, counted, expected))
        if counted:
            lines.append(f"n = {usual}")
        lines.extend(blocks)
        lines.append(f"result = ({''.join(f'r{j}, ' for j in range(n))})")
        if counted:
            lines.append("KEYS[0] += n")
        if json_only:
            lines.append("PREVIOUS[0] = (d, result)")
        lines.append("return result")
        return compile_function(
            "filter_sequence", lines, {**namespace, "PREVIOUS": _last(), "NONE": (None,) * n}
        )

    def learn(types: tuple[Any, ...]) -> Callable[[Any], Any]:
        read = None if len(sequences) >= MAX_LAYOUTS else reader(types)
        if read is None:
            return one_by_one
        sequences[tuple([own[t] for t in types])] = read
        return read

    SEQUENCE_READERS[json_only, counted] = one_by_one, reader
    if not json_only:
        lines = ["read = SEQUENCES.get(types)", "if read is None: read = learn(types)"]
        lines = ["types = tuple(map(FILTER_TYPE, d))", *lines]
    else:
        # The previous list's body tried first when the lengths are equal (2,187 of the
        # 2,276 symbols of 2023-08 have the same nine filterTypes): it checks each
        # filterType it has not proved already (_filter_block's ``expected``) and
        # raises _OtherSequence at the first other one; then found as usual (without
        # the filterTypes read first, about 0.5 ms a full load).
        lines = [
            "last = LAST_SEQUENCE[0]",
            "if len(d) == last[0]:",
            "    try: return last[1](d)",
            "    except OtherSequence: pass",
            "types = tuple(map(FILTER_TYPE, d))",
            "read = SEQUENCES.get(types)",
            "if read is None: read = learn(types)",
            "LAST_SEQUENCE[0] = (len(types), read)",
        ]
    return compile_function(
        "filters_of",
        [*lines, "return read(d)"],
        {
            **namespace,
            "FILTER_TYPE": operator.itemgetter("filterType"),
            "SEQUENCES": sequences,
            "learn": learn,
            "LAST_SEQUENCE": _last(),
        },
    )


class _OtherSequence(Exception):
    """The filterTypes of a list are not those of the body tried (:func:`_by_sequence`)."""


class _Deferred:
    """A generated function made on its first call."""

    __slots__ = ("_function", "_make")

    def __init__(self, make: Callable[[], Callable[[Any], Any]]) -> None:
        self._make = make
        self._function: Callable[[Any], Any] | None = None

    def __call__(self, value: Any) -> Any:
        function = self._function
        if function is None:
            function = self._function = self._make()
        return function(value)


def _shared_by_items(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    shared = _cache()

    def build_shared(value: Any) -> Any:
        if type(value) is not dict:
            raise Fallback
        key = (*value.items(), *map(type, value.values()))
        found = shared.get(key)  # an unhashable value (an array): the converter's case
        if found is None:
            found = shared[key] = build(value)
        return found

    return build_shared


def _build_unknown(value: Any) -> models.UnknownFilter:
    filter_type = value["filterType"]
    if type(filter_type) is not str:
        raise Fallback
    return models.UnknownFilter(filter_type, FrozenJson(value))


class _ByType(dict[Any, Callable[[Any], Any]]):
    """Each filterType's constructor; an unknown type's is :class:`UnknownFilter`'s."""

    def __missing__(self, key: object) -> Callable[[Any], Any]:
        return _UNKNOWN


_UNKNOWN = _shared_by_items(_build_unknown)


def _make_builders(json_only: bool, counted: bool = False) -> dict[str, Callable[[Any], Any]]:
    namespace = _namespace()
    for cls in models.FILTER_CLASSES.values():
        namespace.update(_filter_names(cls, namespace))
    by_type = _ByType(
        {name: _filter_builder(cls, namespace) for name, cls in models.FILTER_CLASSES.items()}
    )
    namespace["FILTERS"] = by_type
    namespace["filters_of"] = _by_sequence(namespace, json_only, counted)
    built: dict[str, Callable[[Any], Any]] = {}
    for holder in _HOLDERS:  # what each holds is built before it
        known = frozenset(key for _, _, key in fields_of(holder))
        body = ["if type(d) is not dict: raise Fallback", *general_body(holder, known)]
        name = f"build_{holder.__name__}"
        lasts = {f"LAST_x{i}": _last() for i in range(len(fields_of(holder)))}
        own = {**namespace, **lasts, "KNOWN": known}
        build = compile_function(name, body, own)
        if holder is models.SymbolInfo:  # thousands a load; the others are few
            build = _by_layout(holder, build, own, json_only, counted)
        namespace[name] = built[holder.__name__] = build
    return built


@functools.cache
def _builders(json_only: bool = False, counted: bool = False) -> dict[str, Callable[[Any], Any]]:
    # Generated on the first load, not at import: a program (or a command, such as
    # ``rules check --help``) that loads nothing does not pay for it (issue 11).
    return _make_builders(json_only, counted)


def build_info(obj: Any, *, json_only: bool = False) -> models.ExchangeInfo:
    """The :class:`~rules.model.models.ExchangeInfo` of a parsed exchangeInfo ``dict``.

    ``json_only``: every value in ``obj`` was made by ``json.loads`` (rule 4), which
    some checks then rely on.

    Raises:
        Fallback: (or another exception) the converter must structure it (rule 1).
    """
    info: models.ExchangeInfo = _builders(json_only)["ExchangeInfo"](obj)
    return info


def build_symbol(obj: Any, *, json_only: bool = False) -> models.SymbolInfo:
    """The :class:`~rules.model.models.SymbolInfo` of one parsed symbol ``dict``
    (``json_only``: as :func:`build_info`).

    Raises:
        Fallback: (or another exception) the converter must structure it (rule 1).
    """
    symbol: models.SymbolInfo = _builders(json_only)["SymbolInfo"](obj)
    return symbol


def build_counted(obj: Any) -> tuple[models.ExchangeInfo, int] | None:
    """:func:`build_info` of what ``json.loads`` made (``json_only``), and the keys of
    the symbols, of their filters and of ``exchangeFilters`` read to build it, counted
    while building (:func:`rules.model.load.loads`'s check for a repeated key, which
    counting in a pass of its own cost about 1 ms a full load); ``None`` when another
    build is counting (another thread, or one that this one interrupted): then
    call :func:`build_info`. Each object read is counted once, by its ``len``: never
    more than the keys it holds.

    Raises:
        Fallback: (or another exception) the converter must structure it (rule 1).
    """
    if not _COUNTING.acquire(blocking=False):
        return None
    try:
        _KEYS[0] = 0
        info: models.ExchangeInfo = _builders(True, True)["ExchangeInfo"](obj)
        return info, _KEYS[0]
    finally:
        _KEYS[0] = 0
        _COUNTING.release()
