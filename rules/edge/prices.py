"""Market prices for a check's context: ``avgPrice``, ``referencePrice``, ``ticker.price``.

:meth:`rules.Context.from_prices` turns a :class:`MarketPrices` into a context.

Pure: the results of the three WebSocket API requests in, values out; no I/O
(:mod:`rules.edge.live` sends the requests and caches the answers). Each kind maps
onto one field of :class:`~rules.checker.context.Context` (D18 says which one a
filter uses):

======================  ======================  =============================
request                 result member           ``Context`` field
======================  ======================  =============================
``avgPrice``            ``price``               ``avg_price``
``referencePrice``      ``referencePrice``      ``reference_price``
``ticker.price``        ``price``               ``last_price``
======================  ======================  =============================

``referencePrice`` may be ``null`` (no reference price now), and a symbol that never
had one is answered, with status 200, by ``{"code": -2043, "msg": ...}`` in place of
the result (``web-socket-api.md``, "Query Reference Price"): both read as ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from rules.errors import MalformedFrameError
from rules.model.numbers import parse_plain_decimal

__all__ = [
    "PRICE_KINDS",
    "MarketPrices",
    "PriceKind",
    "parse_price",
    "price_kinds",
]

PriceKind = Literal["avgPrice", "referencePrice", "ticker.price"]
#: The three requests, in the order they are sent.
PRICE_KINDS: Final[tuple[PriceKind, ...]] = ("avgPrice", "referencePrice", "ticker.price")
#: The ``referencePrice`` code for "This symbol doesn't have a reference price."
NO_REFERENCE_PRICE: Final = -2043

_FIELD: Final[dict[PriceKind, str]] = {
    "avgPrice": "avg_price",
    "referencePrice": "reference_price",
    "ticker.price": "last_price",
}
_MEMBER: Final[dict[PriceKind, str]] = {
    "avgPrice": "price",
    "referencePrice": "referencePrice",
    "ticker.price": "price",
}
_PRICE_FIELDS: Final = frozenset(_FIELD.values())


def parse_price(kind: PriceKind, result: Any) -> Decimal | None:
    """The price in the ``result`` of an ``avgPrice``, ``referencePrice`` or ``ticker.price``.

    Raises:
        MalformedFrameError: the result is not the documented object, or its price is
            not a non-negative plain decimal string.

    >>> parse_price("avgPrice", {"mins": 5, "price": "9.35751834", "closeTime": 1})
    Decimal('9.35751834')
    >>> parse_price("referencePrice", {"symbol": "BAZUSD", "referencePrice": None})
    >>> parse_price("referencePrice", {"code": -2043, "msg": "no reference price"})
    """
    if kind not in _MEMBER:
        raise ValueError(f"expected one of {', '.join(PRICE_KINDS)}, not {kind!r}")
    if not isinstance(result, Mapping):
        raise MalformedFrameError(f"the {kind} result is not an object: {result!r:.80}")
    if kind == "referencePrice" and result.get("code") == NO_REFERENCE_PRICE:
        return None
    member = _MEMBER[kind]
    if member not in result:
        raise MalformedFrameError(f"the {kind} result has no {member!r}: {result!r:.80}")
    raw = result[member]
    if raw is None and kind == "referencePrice":
        return None
    try:
        if not isinstance(raw, str):
            raise ValueError(raw)
        price = parse_plain_decimal(raw)
        if price < 0:
            raise ValueError(raw)
    except ValueError:
        raise MalformedFrameError(
            f"the {kind} result's {member!r} is not a decimal string: {raw!r:.40}"
        ) from None
    return price


@attrs.frozen
class MarketPrices:
    """The market prices of one symbol, as last fetched, with when (epoch seconds).

    A price never fetched (or that failed) is ``None``, as is a ``referencePrice``
    Binance does not have; ``fetched`` maps each kind fetched to its time.
    """

    symbol: str
    avg_price: Decimal | None = None
    reference_price: Decimal | None = None
    last_price: Decimal | None = None
    fetched: Mapping[str, float] = attrs.field(factory=dict, hash=False)

    def age(self, kind: PriceKind, *, now: float) -> float | None:
        """Seconds since ``kind`` was fetched (``None``: never)."""
        when = self.fetched.get(kind)
        return None if when is None else max(0.0, now - when)

    def price(self, kind: PriceKind) -> Decimal | None:
        """The price of ``kind`` (``avgPrice``: :attr:`avg_price`, ...)."""
        value: Decimal | None = getattr(self, _FIELD[kind])
        return value

    def within(self, max_age: float, *, now: float) -> MarketPrices:
        """A copy without the prices older than ``max_age`` seconds (or never fetched)."""
        kept = MarketPrices(self.symbol)
        for kind, when in self.fetched.items():
            if now - when <= max_age:
                kept = kept.with_price(kind, self.price(kind), at=when)  # type: ignore[arg-type]
        return kept

    def with_price(self, kind: PriceKind, price: Decimal | None, *, at: float) -> MarketPrices:
        """A copy holding ``price`` for ``kind``, fetched at ``at``."""
        changes: dict[str, Any] = {_FIELD[kind]: price, "fetched": {**self.fetched, kind: at}}
        return attrs.evolve(self, **changes)


def price_kinds(wanted: Iterable[str] | None) -> tuple[PriceKind, ...]:
    """The kinds to fetch: ``wanted`` without repeats, or all three (:data:`PRICE_KINDS`).

    Raises:
        ValueError: a kind that is not one of :data:`PRICE_KINDS`.

    >>> price_kinds(["ticker.price", "avgPrice", "ticker.price"])
    ('ticker.price', 'avgPrice')
    """
    if wanted is None:
        return PRICE_KINDS
    if isinstance(wanted, str):
        raise TypeError(f"kinds must be a collection of names, not the str {wanted!r}")
    kinds: list[PriceKind] = []
    for kind in dict.fromkeys(wanted):
        if kind not in _FIELD:
            raise ValueError(f"expected price kinds among {', '.join(PRICE_KINDS)}, not {kind!r}")
        kinds.append(kind)
    if not kinds:
        raise ValueError("kinds must name at least one price kind")
    return tuple(kinds)
