"""What changed between two exchangeInfo snapshots: symbols, statuses, filters, fields.

:func:`diff` compares two :class:`~rules.model.models.ExchangeInfo` and lists every
:class:`RuleChange`, per symbol in name order, then the exchange filters:

- a symbol added or removed (``added``/``removed``, with its status);
- its ``status`` (``TRADING -> BREAK``);
- a filter added or removed (``filter_added``/``filter_removed``, with all its
  fields: the 2023 switch from ``MIN_NOTIONAL`` to ``NOTIONAL`` is one of each);
- every field of a filter kept on both sides that changed (``filter``:
  ``PRICE_FILTER.tickSize 0.01 -> 0.001``);
- every other field of the symbol that changed (``field``: ``orderTypes``,
  ``permissions``, ``icebergAllowed``, a field one side lacks, ...).

Values are compared as the exchange means them: ``"0.01000000"`` and ``"0.01"``
are the same decimal, so a snapshot that only writes its numbers differently
has no change. Values are reported as the snapshots spell them (their JSON).
Filters are matched by ``filterType`` (their order in the list is not a rule).

Pure: no I/O. ``rules diff`` (:mod:`rules.cli.diff`) prints the same list as
text for people or JSON Lines for programs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from rules.model.converter import unstructure
from rules.model.models import ExchangeInfo, Filter, SymbolInfo
from rules.model.numbers import parse_plain_decimal

__all__ = ["ChangeKind", "RuleChange", "diff"]

#: What a :class:`RuleChange` is about.
ChangeKind = Literal[
    "added", "removed", "status", "filter_added", "filter_removed", "filter", "field"
]

_SKIPPED: Final = frozenset({"symbol", "status", "filters"})


@attrs.frozen
class RuleChange:
    """One difference between two snapshots.

    Attributes:
        symbol: the symbol's name; ``None`` for an exchange filter.
        kind: see :data:`ChangeKind`.
        filter_type: the filter's ``filterType`` (``filter*`` kinds).
        field: the field that changed (``tickSize``, ``orderTypes``; ``status``
            for a status change); ``None`` for a whole symbol or filter.
        old: the value before, as the old snapshot spells it (JSON: a string for
            a decimal, a list, a whole filter object); ``None`` when absent.
        new: the value after, likewise.
    """

    symbol: str | None
    kind: ChangeKind
    filter_type: str | None = None
    field: str | None = None
    old: Any = None
    new: Any = None

    def to_json(self) -> dict[str, Any]:
        """The JSON Lines form: ``{"symbol", "change", "filterType", "field", "old", "new"}``."""
        return {
            "symbol": self.symbol,
            "change": self.kind,
            "filterType": self.filter_type,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }

    def __str__(self) -> str:
        who = self.symbol if self.symbol is not None else "(exchange)"
        if self.kind == "added":
            return f"{who}: added ({self.new or 'no status'})"
        if self.kind == "removed":
            return f"{who}: removed (was {self.old or 'no status'})"
        if self.kind == "filter_added":
            return f"{who}: {self.filter_type} added ({_fields(self.new)})"
        if self.kind == "filter_removed":
            return f"{who}: {self.filter_type} removed (was {_fields(self.old)})"
        name = f"{self.filter_type}.{self.field}" if self.filter_type else self.field
        return f"{who}: {name} {_text(self.old)} -> {_text(self.new)}"


def diff(old: ExchangeInfo, new: ExchangeInfo, *, ignore: Iterable[str] = ()) -> list[RuleChange]:
    """Every change from ``old`` to ``new``, per symbol in name order, then exchange filters.

    Args:
        old: the earlier snapshot.
        new: the later one.
        ignore: names to leave out: a ``filterType`` (``"MARKET_LOT_SIZE"``), a
            filter field (``"MARKET_LOT_SIZE.maxQty"``, which Binance moves with
            volume) or a symbol field (``"orderTypes"``).

    Returns:
        The changes; empty when the rules are the same.

    Raises:
        TypeError: ``old`` or ``new`` is not an :class:`ExchangeInfo`, or ``ignore``
            is a ``str`` (pass a collection of names).

    >>> from rules.model.load import loads
    >>> def snapshot(status, tick, extra=""):
    ...     return loads('{"symbols": [{"symbol": "BTCUSDT", "status": "%s", "baseAsset": "BTC", '
    ...         '"quoteAsset": "USDT", "filters": [{"filterType": "PRICE_FILTER", "minPrice": '
    ...         '"0.01", "maxPrice": "1000000", "tickSize": "%s"}]}%s]}' % (status, tick, extra))
    >>> for change in diff(snapshot("TRADING", "0.01000000"), snapshot("BREAK", "0.10")):
    ...     print(change)
    BTCUSDT: status TRADING -> BREAK
    BTCUSDT: PRICE_FILTER.tickSize 0.01000000 -> 0.10
    >>> diff(snapshot("TRADING", "0.01000000"), snapshot("TRADING", "0.01"))
    []
    """
    for name, value in (("old", old), ("new", new)):
        if not isinstance(value, ExchangeInfo):
            raise TypeError(f"{name}: expected an ExchangeInfo, got {type(value).__name__}")
    if isinstance(ignore, str):
        raise TypeError(f"ignore must be a collection of names, not the str {ignore!r}")
    skip = frozenset(ignore)
    before = _by_name(old.symbols)
    after = _by_name(new.symbols)
    out: list[RuleChange] = []
    for name in sorted(before.keys() | after.keys()):
        a, b = before.get(name), after.get(name)
        if a is None:
            assert b is not None
            out.append(RuleChange(name, "added", field="status", new=b.status))
        elif b is None:
            out.append(RuleChange(name, "removed", field="status", old=a.status))
        elif a != b:
            out.extend(_symbol_changes(name, a, b, skip))
    out.extend(_filter_changes(None, old.exchange_filters or (), new.exchange_filters or (), skip))
    return out


def _by_name(symbols: Iterable[SymbolInfo]) -> dict[str, SymbolInfo]:
    out: dict[str, SymbolInfo] = {}
    for s in symbols:
        out.setdefault(s.symbol, s)  # a repeated name: its first entry, as info[name]
    return out


def _symbol_changes(
    name: str, a: SymbolInfo, b: SymbolInfo, skip: frozenset[str]
) -> Iterator[RuleChange]:
    if a.status != b.status and "status" not in skip:
        yield RuleChange(name, "status", field="status", old=a.status, new=b.status)
    yield from _filter_changes(name, a.filters, b.filters, skip)
    old, new = unstructure(a), unstructure(b)
    for key in _keys(old, new):
        if key in _SKIPPED or key in skip:
            continue
        if not _same(old.get(key), new.get(key)):
            yield RuleChange(name, "field", field=key, old=old.get(key), new=new.get(key))


def _filter_changes(
    name: str | None, a: Iterable[Filter], b: Iterable[Filter], skip: frozenset[str]
) -> Iterator[RuleChange]:
    before, after = _filters(a), _filters(b)
    for key in _keys(before, after):
        kind = key[0]
        if kind in skip:
            continue
        old, new = before.get(key), after.get(key)
        if old is None:
            yield RuleChange(name, "filter_added", kind, new=new)
        elif new is None:
            yield RuleChange(name, "filter_removed", kind, old=old)
        else:
            for field in _keys(old, new):
                if field == "filterType" or f"{kind}.{field}" in skip:
                    continue
                if not _same(old.get(field), new.get(field)):
                    yield RuleChange(name, "filter", kind, field, old.get(field), new.get(field))


def _filters(filters: Iterable[Filter]) -> dict[tuple[str, int], dict[str, Any]]:
    # Keyed by filterType (and its rank, for the rare symbol with two of one type).
    out: dict[tuple[str, int], dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for f in filters:
        kind = f.filter_type
        rank = seen[kind] = seen.get(kind, -1) + 1
        out[kind, rank] = unstructure(f)
    return out


def _keys(a: Mapping[Any, Any], b: Mapping[Any, Any]) -> list[Any]:
    # The old side's order, then what only the new side has.
    return [*a, *(k for k in b if k not in a)]


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str) and a != b:
        da, db = _decimal(a), _decimal(b)
        return da is not None and db is not None and da == db
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b and type(a) is type(b)  # true is not 1


def _decimal(text: str) -> Decimal | None:
    try:
        return parse_plain_decimal(text)
    except ValueError:
        return None


def _text(value: object) -> str:
    if value is None:
        return "(absent)"
    return value if isinstance(value, str) else json.dumps(value)


def _fields(value: object) -> str:
    if not isinstance(value, Mapping):  # pragma: no cover - a filter is always an object
        return _text(value)
    return ", ".join(f"{k}={_text(v)}" for k, v in value.items() if k != "filterType")
