"""Writing the fast constructors' code (:mod:`rules.model.builders`): from a model
class's attrs fields, their types and wire names to lines of Python, and compiling them.

Each piece says how the converter (:mod:`rules.model.converter`) would read a field
and refuses (:class:`Fallback`) whatever it would not take; :mod:`rules.model.builders`
puts the pieces together per class, per layout of a symbol's keys and per sequence of
filter types.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from rules.model import models

__all__ = [
    "INTERNAL",
    "MAX_INT",
    "REFUSED",
    "Fallback",
    "call_code",
    "camel",
    "compile_function",
    "construct",
    "convert",
    "fields_of",
    "general_body",
    "indent",
    "is_direct",
    "optional_inner",
    "row_body",
    "slot_setters",
]

#: Every integer of exchangeInfo fits a Java long (the converter's ``MAX_INT``).
MAX_INT = 2**63 - 1


class Fallback(Exception):
    """The input is not one the fast constructors take: structure it with the converter."""


def camel(name: str) -> str:
    """``tick_size`` -> ``tickSize`` (the converter's rule 1; it uses this one)."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


#: Fields no wire key names (the converter's ``_INTERNAL``).
INTERNAL = frozenset({"extra", "keyed_by_symbol", "_index"})


# --------------------------------------------------------------------------- generation

# What refuses a value of each scalar field type ({v}: the value, a local).
REFUSED: dict[Any, str] = {
    str: "type({v}) is not str",
    int: "type({v}) is not int or {v} < 0 or {v} > MAX_INT",
    bool: "type({v}) is not bool",
    Decimal: "type({v}) is not str",
}


def optional_inner(t: Any) -> Any | None:
    args = typing.get_args(t)
    if len(args) == 2 and type(None) in args and typing.get_origin(t) in (typing.Union, _UNION):
        return next(a for a in args if a is not type(None))
    return None


_UNION = type(int | None)


def convert(t: Any, v: str, x: str) -> str:
    """Code that sets ``x`` to the value of a field of type ``t`` read as ``v``, checked
    (``v`` is ``x`` for a scalar kept as it is)."""
    if t in (str, int, bool):
        return f"if {REFUSED[t].format(v=v)}: raise Fallback"
    if t is Decimal:
        return (
            f"if type({v}) is not str: raise Fallback\n"
            f"{x} = DECIMALS.get({v})\n"
            f"if {x} is None: {x} = decimal({v})"
        )
    if typing.get_origin(t) is tuple:
        item = typing.get_args(t)[0]
        if item is str:
            # An array equal to the previous object's (orderTypes, permissions: the
            # same on most symbols) gives the same tuple: one object, not thousands
            # for the collector to walk. Its items' types are checked all the same.
            return (
                f"if type({v}) is not list or not STR_ONLY.issuperset(map(type, {v})):"
                f" raise Fallback\n"
                f"last = LAST_{x}[0]\n"  # one read: a pair another thread never splits
                f"if {v} == last[0]: {x} = last[1]\n"
                f"else: {x} = tuple({v}); LAST_{x}[0] = ({v}, {x})"
            )
        if typing.get_origin(item) is tuple:
            return f"{x} = string_lists({v})"
        if item == models.Filter:
            return f"if type({v}) is not list: raise Fallback\n{x} = filters_of({v})"
        build = f"build_{item.__name__}(i)"
        return f"if type({v}) is not list: raise Fallback\n{x} = tuple([{build} for i in {v}])"
    raise TypeError(f"no fast constructor for a field of type {t!r}")  # pragma: no cover


def indent(code: str, by: str) -> str:
    return "\n".join(by + line for line in code.splitlines())


@functools.cache
def fields_of(cls: type) -> list[tuple[attrs.Attribute[Any], Any, str]]:
    """Each wire field of ``cls``: its attribute, its type and its wire name."""
    return [(a, _type(a.type), camel(a.name)) for a in attrs.fields(cls) if a.name not in INTERNAL]


@functools.cache
def _type(annotation: Any) -> Any:
    # The models' annotations are strings (PEP 563): evaluated once per spelling
    # in the models' namespace (typing.get_type_hints compiles each field's again).
    if not isinstance(annotation, str):
        return annotation
    return eval(annotation, vars(models))


def is_direct(cls: type) -> bool:
    """Whether attrs' ``__init__`` of ``cls`` does nothing but set each field's slot (no
    validator, converter, hook or cached hash): then :func:`construct` may set them."""
    slots = vars(cls).get("__slots__", ())
    return (
        not any(name.endswith("cached_hash") for name in slots)
        and not hasattr(cls, "__attrs_pre_init__")
        and not hasattr(cls, "__attrs_post_init__")
        and all(
            a.init
            and a.validator is None
            and a.converter is None
            and type(vars(cls).get(a.name)).__name__ == "member_descriptor"
            and not isinstance(a.default, attrs.Factory)  # type: ignore[arg-type]
            for a in attrs.fields(cls)
        )
    )


def construct(cls: type, values: dict[str, str], result: str) -> list[str]:
    """Lines that set ``result`` to what ``cls(...)`` of ``values`` (attribute name ->
    code) makes: the same object, built as ``make_violation`` builds a ``Violation``
    (``object.__new__`` and each slot's own setter, about two thirds of attrs'
    ``__init__``); a field not in ``values`` gets its default."""
    if not is_direct(cls):  # pragma: no cover - every model class is direct today
        return [f"{result} = {call_code(cls, values)}"]
    name = cls.__name__
    lines = [f"{result} = new({name})"]
    for a in attrs.fields(cls):
        value = values.get(a.name, f"DEFAULT_{name}_{a.name}")
        lines.append(f"SET_{name}_{a.name}({result}, {value})")
    return lines


def slot_setters(classes: tuple[type, ...]) -> dict[str, Any]:
    """``SET_<Class>_<field>`` (the slot's setter) and ``DEFAULT_<Class>_<field>``."""
    names: dict[str, Any] = {}
    for cls in classes:
        for a in attrs.fields(cls):
            names[f"SET_{cls.__name__}_{a.name}"] = vars(cls)[a.name].__set__
            names[f"DEFAULT_{cls.__name__}_{a.name}"] = a.default
    return names


def call_code(cls: type, values: dict[str, str]) -> str:
    """``Cls(a, b, *, c=...)``: positional in field order, keywords for keyword-only fields."""
    positional, keywords = [], []
    for a in attrs.fields(cls):
        if a.name in values:
            if a.kw_only:
                keywords.append(f"{a.name.lstrip('_')}={values[a.name]}")
            else:
                positional.append(values[a.name])
    return f"{cls.__name__}({', '.join([*positional, *keywords])})"


def general_body(cls: type, known: frozenset[str]) -> list[str]:
    """The body that takes any keys: each field read, checked, absent optional ones None."""
    lines = ["get = d.get"]
    values: dict[str, str] = {}
    for i, (a, t, key) in enumerate(fields_of(cls)):
        x = f"x{i}"
        values[a.name] = x
        inner = optional_inner(t)
        base = t if inner is None else inner
        v = x if base in (str, int, bool) else f"v{i}"
        if inner is None:
            lines.append(f"{v} = d[{key!r}]")
            lines.extend(convert(t, v, x).splitlines())
        elif v == x:
            lines.append(f"{x} = get({key!r}, ABSENT)")
            lines.append(f"if {x} is ABSENT: {x} = None")
            lines.append(f"elif {REFUSED[base].format(v=x)}: raise Fallback")
        else:
            lines.append(f"{v} = get({key!r}, ABSENT)")
            lines.append(f"if {v} is ABSENT: {x} = None")
            lines.append("else:")
            lines.extend(indent(convert(inner, v, x), "    ").splitlines())
    lines.append("extra = EMPTY if KNOWN.issuperset(d) else extra_of(d, KNOWN)")
    values["extra"] = "extra"
    lines.extend(
        construct(cls, values, "o") if is_direct(cls) else [f"o = {call_code(cls, values)}"]
    )
    lines.append("return o")
    return lines


def row_body(
    cls: type, layout: tuple[str, ...], json_only: bool
) -> tuple[list[str], tuple[type, ...]]:
    """The body that reads an object whose keys are ``layout``, in that order (known
    wire keys, every required one there): its values taken at once and their types
    compared at once, then each checked as :func:`general_body` checks it (a value it
    refuses is refused here: Fallback), absent optional fields None, no ``extra``; and
    the value types it takes (``TYPES``).

    ``json_only``: for values that only ``json.loads`` made (rule 4): an array equal
    to the previous object's, whose items were found to be strings, is one of
    strings (no other JSON value equals a string), its items not checked again."""
    by_key = {key: (i, a, t) for i, (a, t, key) in enumerate(fields_of(cls))}
    names: list[str] = []
    types: list[type] = []
    ints: list[str] = []
    strings: list[str] = []  # arrays of strings (their type, list, is in TYPES)
    checks: list[str] = []
    values = {a.name: "None" for a, _, _ in fields_of(cls)}
    for key in layout:
        i, a, t = by_key[key]
        base = optional_inner(t) or t
        x = f"x{i}"
        values[a.name] = x
        if base in (str, int, bool):
            names.append(x)
            types.append(base)
            if base is int:
                ints.append(f"0 <= {x} <= {MAX_INT}")
            continue
        v = f"v{i}"
        names.append(v)
        types.append(str if base is Decimal else list)
        if base is Decimal:
            checks.extend(convert(base, v, x).splitlines())
        elif typing.get_args(base)[0] is str:
            # The array equal to the previous object's: the same tuple (convert's).
            reuse = convert(base, v, x).splitlines()[1:]
            if json_only:
                check = f"    if not STR_ONLY.issuperset(map(type, {v})): raise Fallback"
                keep = reuse[2].removeprefix("else: ")
                checks.extend([reuse[0], reuse[1], "else:", check, f"    {keep}"])
            else:
                strings.append(v)
                checks.extend(reuse)
        elif typing.get_args(base)[0] == models.Filter:
            checks.append(f"{x} = filters_of({v})")
        else:
            checks.extend(convert(base, v, x).splitlines())
    if ints:  # REFUSED[int], for all at once
        checks.insert(0, f"if not ({' and '.join(ints)}): raise Fallback")
    if strings:  # convert's check of each array of strings, for all at once
        arrays = f"chain({', '.join(strings)})" if len(strings) > 1 else strings[0]
        checks.insert(0, f"if not STR_ONLY.issuperset(map(type, {arrays})): raise Fallback")
    values["extra"] = "EMPTY"
    lines = [
        "values = tuple(d.values())",
        "if tuple(map(type, values)) != TYPES: raise Fallback",
        f"{', '.join(names)}, = values",
        *checks,
        *construct(cls, values, "o"),
        "return o",
    ]
    return lines, tuple(types)


def compile_function(name: str, lines: list[str], namespace: dict[str, Any]) -> Callable[..., Any]:
    source = f"def {name}(d):\n" + "\n".join("    " + line for line in lines) + "\n"
    code = compile(source, f"<rules.model.builders {name}>", "exec")
    exec(code, namespace)
    built: Callable[..., Any] = namespace[name]
    built.__doc__ = source
    return built
