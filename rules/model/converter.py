"""The one configured cattrs converter between Binance JSON and :mod:`rules.model.models`.

Rules this module keeps:

1. It owns the wire names: a model field ``tick_size`` is ``tickSize`` on the wire.
2. Structuring is strict. A price is a plain decimal *string* (a float is an
   error, never a silent conversion), an ``int`` field takes only integers, a
   ``bool`` only booleans, a ``str`` only strings, an array only arrays; a
   ``null`` is an error wherever a value is expected.
3. Nothing is lost: keys no model names go to ``extra``, unknown filter types
   to :class:`~rules.model.models.UnknownFilter`, and unstructuring writes them back,
   so ``unstructure(structure(x)) == x``.
4. Errors keep their JSON path (``detailed_validation``); :func:`problems`
   turns a cattrs error tree into ``$.symbols[3].filters[0].tickSize: ...`` lines.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override

from rules.model import models
from rules.model.codegen import INTERNAL as _INTERNAL
from rules.model.codegen import MAX_INT, camel
from rules.model.frozen import FrozenJson, thaw
from rules.model.numbers import describe, parse_plain_decimal, to_plain_string

__all__ = ["CONVERTER", "Invalid", "camel", "describe", "problems", "structure", "unstructure"]

T = TypeVar("T")


class Invalid(ValueError):
    """One bad value; the message says what was expected and what came."""


# --------------------------------------------------------------------------- scalar hooks


# A full snapshot spells ~34 000 decimals with a few thousand distinct strings
# (tick sizes, multipliers); Decimals are immutable, so equal strings can share one.
_DECIMALS: dict[str, Decimal] = {}


def _decimal(value: object, _: object) -> Decimal:
    if type(value) is str:
        cached = _DECIMALS.get(value)
        if cached is not None:
            return cached
        try:
            parsed = parse_plain_decimal(value)
        except ValueError:
            raise Invalid(f"expected a decimal string, got {describe(value)}") from None
        if parsed.is_signed():
            # Every price, quantity, step and bound of exchangeInfo is non-negative; a
            # negative tick or step would only fail later, deep inside the fixer.
            raise Invalid(f"expected a non-negative decimal, got {describe(value)}")
        _DECIMALS[value] = parsed
        return parsed
    raise Invalid(f"expected a decimal string, got {describe(value)}")


def _str(value: object, _: object) -> str:
    if type(value) is str:
        return value
    raise Invalid(f"expected a string, got {describe(value)}")


def _int(value: object, _: object) -> int:
    if type(value) is int:
        if 0 <= value <= MAX_INT:
            return value
        raise Invalid(f"expected an integer from 0 to 2**63-1, got {describe(value)}")
    raise Invalid(f"expected an integer, got {describe(value)}")


def _bool(value: object, _: object) -> bool:
    if type(value) is bool:
        return value
    raise Invalid(f"expected true or false, got {describe(value)}")


# --------------------------------------------------------------------------- containers


def _is_optional(t: Any) -> bool:
    args = typing.get_args(t)
    return (
        isinstance(t, types.UnionType | typing._UnionGenericAlias)  # type: ignore[attr-defined]
        and len(args) == 2
        and type(None) in args
    )


def _optional_factory(t: Any, conv: cattrs.Converter) -> Callable[[object, object], object]:
    # An optional field is optional by its *absence*: an explicit null would be
    # lost on the way back, so it is an error like any other wrong type.
    inner = next(a for a in typing.get_args(t) if a is not type(None))
    hook = conv.get_structure_hook(inner)
    if inner in (str, int, bool):
        # The hot path of a load: the scalar check inline, errors from the full hook.
        def structure_scalar(value: object, _: object, exact: type = inner) -> object:
            if type(value) is exact and (exact is not int or 0 <= value <= MAX_INT):  # type: ignore[operator]
                return value
            if value is None:
                raise Invalid(f"expected {_expected(inner)}, got null")
            return hook(value, inner)

        return structure_scalar

    def structure_present(value: object, _: object) -> object:
        if value is None:
            raise Invalid(f"expected {_expected(inner)}, got null")
        return hook(value, inner)

    return structure_present


def _expected(t: Any) -> str:
    return {
        str: "a string",
        int: "an integer",
        bool: "true or false",
        Decimal: "a decimal string",
    }.get(t, "an array" if typing.get_origin(t) is tuple else "an object")


def _is_tuple(t: Any) -> bool:
    return typing.get_origin(t) is tuple


def _tuple_factory(t: Any, conv: cattrs.Converter) -> Callable[[object, object], object]:
    item_type = typing.get_args(t)[0]
    item = conv.get_structure_hook(item_type)
    if item_type is str:
        # orderTypes, permissions (200+ entries in 2025): check, do not call a hook each.
        def structure_strings(value: object, _: object) -> tuple[object, ...]:
            if type(value) is list and all(type(x) is str for x in value):
                return tuple(value)
            return structure_array(value, _)

    def structure_array(value: object, _: object) -> tuple[object, ...]:
        if type(value) is not list and not isinstance(value, list | tuple):
            raise Invalid(f"expected an array, got {describe(value)}")
        try:
            return tuple([item(x, item_type) for x in value])
        except Exception:
            pass
        errors: list[Exception] = []
        for i, x in enumerate(value):
            try:
                item(x, item_type)
            except Exception as error:
                error.__notes__ = [
                    *getattr(error, "__notes__", []),
                    IterableValidationNote(f"Structuring {t} @ index {i}", i, item_type),
                ]
                errors.append(error)
        raise IterableValidationError(f"While structuring {t!r}", errors, t)

    return structure_strings if item_type is str else structure_array


# --------------------------------------------------------------------------- model classes

_MODELS: tuple[type, ...] = (
    *models.FILTER_CLASSES.values(),
    models.RateLimit,
    models.Sor,
    models.SymbolInfo,
    models.ExchangeInfo,
)


def _wire_fields(cls: type) -> list[tuple[str, str]]:
    return [(a.name, camel(a.name)) for a in attrs.fields(cls) if a.name not in _INTERNAL]


class _Plan:
    """How one class is structured: two generated functions and the keys it knows.

    Both functions come from the same configuration: the plain one is the
    fast path of a good snapshot; only when it fails is the input structured
    again with detailed validation, to report every problem with its path
    (rule 4). That one is generated on the first failure, not at import: a
    good snapshot never needs it (issue 11: half of building the converter).
    """

    __slots__ = ("_detailed", "cls", "conv", "fast", "known", "overrides")

    def __init__(self, cls: Any, conv: cattrs.Converter) -> None:
        wire = _wire_fields(cls)
        self.cls = cls
        self.conv = conv
        self.known = frozenset(key for _, key in wire) | (
            {"filterType"} if hasattr(cls, "filter_type") else set()
        )
        self.overrides: dict[str, Any] = {
            **{name: override(rename=key) for name, key in wire},
            **{a.name: override(omit=True) for a in attrs.fields(cls) if a.name in _INTERNAL},
        }
        self.fast: Callable[[Any, Any], Any] = make_dict_structure_fn(
            cls, conv, _cattrs_detailed_validation=False, **self.overrides
        )
        self._detailed: Callable[[Any, Any], Any] | None = None

    @property
    def detailed(self) -> Callable[[Any, Any], Any]:
        if self._detailed is None:
            self._detailed = make_dict_structure_fn(
                self.cls, self.conv, _cattrs_detailed_validation=True, **self.overrides
            )
        return self._detailed

    def structure(self, value: Mapping[str, Any], cls: Any) -> Any:
        try:
            obj = self.fast(value, cls)
        except Exception:
            obj = self.detailed(value, cls)
        if not self.known.issuperset(value):
            extra = {k: v for k, v in value.items() if k not in self.known}
            obj = attrs.evolve(obj, extra=FrozenJson(extra))
        return obj


def _plan(cls: Any, conv: cattrs.Converter) -> _Plan:
    return _Plan(cls, conv)


def _class_hook(cls: Any, plan: _Plan) -> Callable[[object, object], Any]:
    structure = plan.structure

    def structure_object(value: object, _: object) -> Any:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise Invalid(f"expected an object, got {describe(value)}")
        return structure(value, cls)

    return structure_object


_SHARED_FILTERS: dict[tuple[object, ...], models.Filter] = {}


def clear_caches() -> None:
    """Forget the decimals and filters shared within one load (:func:`rules.loads` calls it)."""
    _DECIMALS.clear()
    _SHARED_FILTERS.clear()


def _filter_hook(plans: Mapping[str, _Plan]) -> Callable[[object, object], models.Filter]:
    # The hottest hook of a load: a full 2023 snapshot has 20 417 filters but
    # only 2 433 distinct ones (ICEBERG_PARTS 10, TRAILING_DELTA 10/2000, ...).
    # Filters are immutable, so equal ones share one object. The key holds the
    # type of every value too, so that 1, 1.0 and true (equal in Python) never
    # share: a float or a boolean where an integer belongs is still an error.
    table = {name: (plan, models.FILTER_CLASSES[name]) for name, plan in plans.items()}
    shared = _SHARED_FILTERS

    def structure_filter(value: object, _: object) -> models.Filter:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise Invalid(f"expected a filter object, got {describe(value)}")
        key: tuple[object, ...] | None = (*value.items(), *map(type, value.values()))
        try:
            found = shared.get(key)  # type: ignore[arg-type]
        except TypeError:  # an unhashable value (an array) in an unknown field
            found = key = None
        if found is not None:
            return found
        filter_type = value.get("filterType")
        if type(filter_type) is not str:
            raise Invalid(
                f"expected a filter with a string filterType, got {describe(filter_type)}"
            )
        entry = table.get(filter_type)
        if entry is None:
            obj: models.Filter = models.UnknownFilter(filter_type, FrozenJson(value))
        else:
            plan, cls = entry
            obj = plan.structure(value, cls)
        if key is not None:
            shared[key] = obj
        return obj

    return structure_filter


def _unstructure_hook(cls: type, conv: cattrs.Converter) -> Callable[[Any], dict[str, Any]]:
    wire = _wire_fields(cls)
    filter_type = getattr(cls, "filter_type", None)
    unstructure_value = conv.unstructure

    def unstructure_object(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {} if filter_type is None else {"filterType": filter_type}
        for name, key in wire:
            value = getattr(obj, name)
            if value is not None:  # None means "absent on the wire" (rule 2)
                out[key] = unstructure_value(value)
        if obj.extra:
            out.update(thaw(obj.extra))
        return out

    return unstructure_object


def make_converter() -> cattrs.Converter:
    """Build the converter; :data:`CONVERTER` is the one the library uses."""
    conv = cattrs.Converter(detailed_validation=True)
    conv.register_structure_hook(Decimal, _decimal)
    conv.register_structure_hook(str, _str)
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(bool, _bool)
    conv.register_structure_hook_factory(_is_optional, _optional_factory)
    conv.register_structure_hook_factory(_is_tuple, _tuple_factory)
    conv.register_unstructure_hook(Decimal, to_plain_string)
    conv.register_unstructure_hook(FrozenJson, thaw)
    conv.register_unstructure_hook_func(_is_tuple, lambda v: [conv.unstructure(x) for x in v])
    conv.register_unstructure_hook(models.UnknownFilter, lambda f: thaw(f.raw))
    # Order matters: a hook is generated when registered, from the hooks of its
    # fields, so filters come first, then their union, then what holds them.
    plans = {}
    for name, filter_class in models.FILTER_CLASSES.items():
        plans[name] = _plan(filter_class, conv)
        conv.register_structure_hook(filter_class, _class_hook(filter_class, plans[name]))
    conv.register_structure_hook_func(lambda t: t == models.Filter, _filter_hook(plans))
    for holder in (models.RateLimit, models.Sor, models.SymbolInfo, models.ExchangeInfo):
        conv.register_structure_hook(holder, _class_hook(holder, _plan(holder, conv)))
    for model in _MODELS:
        conv.register_unstructure_hook(model, _unstructure_hook(model, conv))
    return conv


CONVERTER = make_converter()


def structure(value: object, cls: type[T]) -> T:
    """Structure ``value`` into ``cls`` with :data:`CONVERTER`."""
    return CONVERTER.structure(value, cls)


def unstructure(obj: object) -> Any:
    """Unstructure a model object back to its JSON value with :data:`CONVERTER`."""
    return CONVERTER.unstructure(obj)


# --------------------------------------------------------------------------- error paths


def _key(cls: type, name: str) -> str:
    return camel(name) if attrs.has(cls) else name


def problems(error: BaseException, path: str = "$") -> Iterator[str]:
    """One ``"$.json.path: what is wrong"`` line per problem in a cattrs error tree."""
    if isinstance(error, ClassValidationError):
        with_notes, without = error.group_exceptions()
        for inner, note in with_notes:
            yield from problems(inner, f"{path}.{_key(error.cl, _note_name(note))}")
        for inner in without:
            yield from problems(inner, path)
    elif isinstance(error, IterableValidationError):
        with_notes_i, without = error.group_exceptions()
        for inner, inote in with_notes_i:
            yield from problems(inner, f"{path}[{inote.index}]")
        for inner in without:
            yield from problems(inner, path)
    elif isinstance(error, KeyError):
        yield f"{path}: required field missing"
    elif isinstance(error, Invalid):
        yield f"{path}: {error}"
    else:
        yield f"{path}: {type(error).__name__}: {error}"


def _note_name(note: AttributeValidationNote) -> str:
    return note.name
