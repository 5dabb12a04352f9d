"""Immutable, hashable JSON: what the library keeps of data it does not model.

A :class:`FrozenJson` mapping holds the fields of a Binance object that no
model class names (and the whole body of an unknown filter), so that nothing
Binance sends is lost and :func:`rules.dump` gives it back unchanged.
Objects become :class:`FrozenJson`, arrays become tuples; :func:`thaw` undoes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["EMPTY", "FrozenJson", "freeze", "thaw"]


class FrozenJson(Mapping[str, Any]):
    """A read-only JSON object, equal and hashable by value.

    Equal means equal as JSON: ``1``, ``1.0`` and ``true`` differ (Python calls
    them equal, but they are different JSON and dump differently); key order
    does not matter.
    """

    __slots__ = ("_canonical", "_data")

    def __init__(self, data: Mapping[str, Any] = {}) -> None:
        self._data: dict[str, Any] = {k: freeze(v) for k, v in data.items()}
        self._canonical: str | None = None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def canonical(self) -> str:
        """The JSON text equality and hashing go by: sorted keys, exact spelling."""
        if self._canonical is None:
            self._canonical = _canonical(thaw(self))
        return self._canonical

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenJson):
            if not self._data and not other._data:
                return True
            return self.canonical() == other.canonical()
        if isinstance(other, Mapping):
            return self.canonical() == _canonical(thaw(freeze(other)))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.canonical())

    def __repr__(self) -> str:
        return f"FrozenJson({thaw(self)!r})"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def freeze(value: Any) -> Any:
    """JSON value -> immutable twin (objects to :class:`FrozenJson`, arrays to tuples)."""
    if isinstance(value, FrozenJson):
        return value
    if isinstance(value, Mapping):
        return FrozenJson(value)
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Immutable twin -> plain JSON value (dicts and lists)."""
    if isinstance(value, FrozenJson):
        return {k: thaw(v) for k, v in value._data.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


#: The empty mapping every model uses when Binance sent nothing extra.
EMPTY = FrozenJson()
