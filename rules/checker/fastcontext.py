"""The context's part of a fast check (:mod:`rules.checker.fastpath`).

:class:`Account` judges what a context says of the account for one symbol and
order type: the permissions (D19, D36) and the open-order counters (D15), and
keeps the verdict of an accepted order per set of rules left unchecked.
:func:`shape_cache` keeps what a context implies beyond its values, once per
set of fields it gives: which counters it has, which market price each band
reads (D18), what is left unchecked. A context per order is normal (issue 11):
its values are then compared per order, and nothing else is worked out again.

May import: :mod:`rules.model`, and the checker modules below it (bounds,
context, permissions, violations).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar

from rules.checker.bounds import AcceptBounds
from rules.checker.context import _COUNTS, _PRICES, Context
from rules.checker.permissions import evaluate_permissions
from rules.checker.violations import ACCEPTED, PERMISSIONS, Verdict
from rules.model.models import SymbolInfo

__all__ = ["Account", "DictReader", "dict_reader", "shape_cache"]

#: At most this many context shapes are kept per fast check (a few are normal).
_SHAPES: Final = 64


class Account:
    """The context's part of every fast check of one symbol and type: the
    permissions (D19, D36) and the open-order counters (D15), and the verdicts
    of accepted orders by what was left unchecked (a Verdict is immutable: one
    per set of unchecked rules, shared)."""

    __slots__ = ("counters", "symbol", "verdicts")

    def given(self, context: Context) -> tuple[tuple[str, int], ...]:
        """The counters the context gives a count for: ``(attribute, maximum)``."""
        return tuple(
            counter for counter, _ in self.counters if getattr(context, counter[0]) is not None
        )

    def __init__(self, symbol: SymbolInfo, bounds: AcceptBounds, *, iceberg: bool = False) -> None:
        self.symbol = symbol
        counters = zip(bounds.counters, bounds.counter_names, strict=True)
        if iceberg:  # an iceberg order counts in the iceberg counters too (D08, D15)
            more = zip(bounds.iceberg_counters, bounds.iceberg_counter_names, strict=True)
            counters = sorted([*counters, *more], key=lambda counter: counter[1])  # type: ignore[assignment]
        self.counters = tuple(counters)
        self.verdicts: dict[tuple[bool, tuple[tuple[int, str], ...]], Verdict] = {}

    def unchecked(self, context: Context) -> tuple[bool, list[tuple[int, str]] | None] | None:
        """``(permissions unknown, counters without a count)``; ``None``: not permitted.

        It depends only on which fields the context gives and on its permissions,
        never on a count's value: :func:`shape_cache` keeps it per set of fields,
        and the counts given are compared per order (:meth:`given`)."""
        unknown = False
        permissions = context.permissions
        if permissions is not None:
            permitted = evaluate_permissions(self.symbol, permissions).permitted
            if permitted is False:
                return None  # not permitted (D19)
            unknown = permitted is None  # not known (D36)
        missing: list[tuple[int, str]] | None = None
        for (attribute, _), name in self.counters:
            if getattr(context, attribute) is None:
                missing = [name] if missing is None else [*missing, name]  # D15: unchecked
        return unknown, missing

    def verdict(self, unknown: bool, missing: list[tuple[int, str]] | None) -> Verdict:
        """The verdict of an accepted order: ``PERMISSIONS`` first, then the filters
        in the order of the checks, as the general path lists them."""
        if not unknown and not missing:
            return ACCEPTED
        key = (unknown, tuple(sorted(missing or ())))
        verdict = self.verdicts.get(key)
        if verdict is None:
            names = [PERMISSIONS] if unknown else []
            for _, filter_type in key[1]:
                if filter_type not in names:
                    names.append(filter_type)
            verdict = self.verdicts[key] = Verdict(True, (), tuple(names))
        return verdict


_S = TypeVar("_S")
#: A shape not worked out yet (``None`` is a shape: "a rule of the context is broken").
_UNSEEN: Final = object()


def shape_cache(
    shapes: dict[object, _S | None], shape_of: Callable[[Context], _S | None], context: Context
) -> _S | None:
    """``shape_of(context)``, kept by the set of fields the context gives.

    What the fast path needs of a context beyond its values depends only on
    which fields it gives (D15, D18) and its permissions (D19, D36): a
    ``Context`` keeps exactly the fields given in its ``__dict__``, so their
    names (with the permissions, a frozenset) are the key. A subclass of
    ``Context`` is worked out afresh each time.
    """
    if context.__class__ is not Context:
        return shape_of(context)
    fields = context.__dict__
    key: object = tuple(fields)
    if "permissions" in fields:
        key = (key, fields["permissions"])
    shape = shapes.get(key, _UNSEEN)
    if shape is not _UNSEEN:
        return shape  # type: ignore[return-value]
    shape = shape_of(context)
    if len(shapes) < _SHAPES:
        shapes[key] = shape
    return shape


#: How a fast check reads a dict context with given keys, in their order: each key
#: and how its value is read (``"price"``: a market price, a fast check's bands and
#: notional rules read it, D18; ``"checked"``: a price no fast check reads,
#: ``basePosition`` (an active MAX_POSITION has no fast check) and ``origQty``;
#: ``"count"``); what each is (the ``Context`` attribute of each key: its index); a
#: ``Context`` giving the same fields (for what the set of fields implies).
DictReader = tuple[tuple[tuple[str, str], ...], dict[str, int], Context]
#: Key tuples of dict contexts -> their reader (``None``: one the fast path does not read).
_READERS: dict[tuple[str, ...], DictReader | None] = {}
#: The prices a fast check reads (market prices, D18).
_MARKET_PRICES: Final = frozenset({"avgPrice", "lastPrice", "referencePrice"})


def dict_reader(keys: tuple[str, ...]) -> DictReader | None:
    """How the fast path reads a dict context with these keys, in this order, without
    building a :class:`~rules.checker.context.Context` (issue 11: a context per order
    is normal, and building it cost as much as the check); ``None``: it does not
    (``permissions``, an unknown key: ``Context.from_mapping`` reads or refuses it).

    The judge written for the keys (:func:`rules.checker.fastcode.context_judge_source`)
    takes exactly the values ``Context.from_mapping`` takes on its common paths, with
    the same readings: a price a plain unsigned decimal ``str`` of at most 20
    characters, a count an ``int`` from 0 to ``MAX_COUNT``; anything else (``null``,
    a float, a ``Decimal``, a ``bool``, a longer string, a bad value) gets
    ``CONTEXT``, and the caller builds the ``Context``, which reads it or raises.
    ``tests/property/test_dict_context_properties.py`` compares them.
    """
    found = _READERS.get(keys, _UNSEEN)
    if found is not _UNSEEN:
        return found  # type: ignore[return-value]
    reader: DictReader | None = None
    if keys and all(type(key) is str and (key in _PRICES or key in _COUNTS) for key in keys):
        reads = tuple(
            (key, "price" if key in _MARKET_PRICES else "checked" if key in _PRICES else "count")
            for key in keys
        )
        fields = {_PRICES.get(key) or _COUNTS[key]: i for i, key in enumerate(keys)}
        sample = Context.from_mapping({key: "1" if key in _PRICES else 0 for key in keys})
        reader = (reads, fields, sample)
    if len(_READERS) < 4 * _SHAPES:  # keys come from the input: a bounded cache
        _READERS[keys] = reader
    return reader
