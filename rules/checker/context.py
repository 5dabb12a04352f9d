"""The changing state an order check needs: market prices and account facts.

Nothing here is ever fetched (STYLE.md §2.4): the caller passes what it knows,
and a rule that needs a missing value is listed in the verdict's ``unchecked``
instead of being passed (D15, D16, D18). Every field is optional.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from rules.model.numbers import (
    MAX_INTEGER_DIGITS,
    MAX_PLACES,
    bounded_repr,
    in_range,
    parse_plain_decimal,
)

__all__ = ["Context"]

_PRICES = {
    "avgPrice": "avg_price",
    "referencePrice": "reference_price",
    "lastPrice": "last_price",
    "basePosition": "base_position",
    "origQty": "orig_qty",
}
_COUNTS = {
    "openOrders": "open_orders",
    "openAlgoOrders": "open_algo_orders",
    "openIcebergOrders": "open_iceberg_orders",
    "openOrderLists": "open_order_lists",
    "exchangeOpenOrders": "exchange_open_orders",
    "exchangeOpenAlgoOrders": "exchange_open_algo_orders",
    "exchangeOpenIcebergOrders": "exchange_open_iceberg_orders",
    "exchangeOpenOrderLists": "exchange_open_order_lists",
    "orderAmendCount": "order_amend_count",
}
#: The largest count accepted (a Java long, as Binance's counters are).
MAX_COUNT = 2**63 - 1
#: The camelCase keys :meth:`Context.from_mapping` understands.
CONTEXT_KEYS = frozenset({*_PRICES, *_COUNTS, "permissions"})


def _to_decimal(value: object) -> object:
    # What reads cleanly as a number becomes a Decimal (a float as its repr,
    # never Decimal(float)); anything else is left for _check_price to refuse.
    if isinstance(value, str):
        try:
            return parse_plain_decimal(value)
        except ValueError:
            return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _to_permissions(value: object) -> object:
    # Any collection of strings (a list, as the account API returns it).
    if value is None or isinstance(value, frozenset | str) or not isinstance(value, Iterable):
        return value
    items = list(value)
    return frozenset(items) if all(isinstance(p, str) for p in items) else value


def _check_price(_: object, field: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal):
        raise TypeError(
            f"Context.{field.name}: expected a decimal (a Decimal, a plain decimal string, "
            f"an int or a float) or None, got {bounded_repr(value)}"
        )
    if not value.is_finite() or value < 0:
        raise ValueError(
            f"Context.{field.name}: expected a finite, non-negative decimal, "
            f"got {bounded_repr(value)}"
        )
    if not in_range(value):  # before any arithmetic: 1e425000000 is 425 MB of digits
        raise ValueError(
            f"Context.{field.name}: out of range (at most {MAX_INTEGER_DIGITS} integer digits "
            f"and {MAX_PLACES} places), got {bounded_repr(value)}"
        )


def _check_count(_: object, field: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise ValueError(
            f"Context.{field.name}: expected a non-negative integer, got {bounded_repr(value)}"
        )
    if value is not None and value > MAX_COUNT:
        raise ValueError(
            f"Context.{field.name}: out of range (at most {MAX_COUNT}), got {bounded_repr(value)}"
        )


def _check_permissions(_: object, field: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (
        isinstance(value, frozenset) and all(isinstance(p, str) for p in value)
    ):
        raise TypeError(
            f"Context.{field.name}: expected a collection of strings, got {bounded_repr(value)}"
        )


@attrs.frozen
class Context:
    """Market and account state for one check, all optional and explicit.

    Attributes:
        avg_price: the symbol's average price over ``avgPriceMins`` (``avgPrice``).
        reference_price: the symbol's reference price (2026-05-08 on, D18).
        last_price: the last trade price, used when ``avgPriceMins`` is 0 (D18).
        open_orders: open orders of the account on the symbol (MAX_NUM_ORDERS).
        open_algo_orders: open STOP_LOSS/TAKE_PROFIT(_LIMIT) orders on the symbol.
        open_iceberg_orders: open orders with ``icebergQty > 0`` on the symbol.
        open_order_lists: open order lists on the symbol (not used by
            ``order.place``, D26; kept so that one context serves every check).
        exchange_open_orders: open orders on the whole exchange.
        exchange_open_algo_orders: open algo orders on the whole exchange.
        exchange_open_iceberg_orders: open iceberg orders on the whole exchange.
        exchange_open_order_lists: open order lists on the whole exchange.
        base_position: free + locked base asset + open BUY quantity (MAX_POSITION, D16).
        permissions: the account's permissions; ``None`` means "not given", and
            then permissions are neither checked nor listed as unchecked (D19).
        orig_qty: the quantity of the order an ``order.amend.keepPriority``
            changes (``origQty``, D44); not used by ``order.place``.
        order_amend_count: how many times that order was amended
            (``orderAmendCount``, D44); not used by ``order.place``.
    """

    # Each value is checked as the context is built, so that a bad one is a
    # clear error here, never a TypeError from deep inside a check.
    avg_price: Decimal | None = attrs.field(
        default=None, converter=_to_decimal, validator=_check_price
    )
    reference_price: Decimal | None = attrs.field(
        default=None, converter=_to_decimal, validator=_check_price
    )
    last_price: Decimal | None = attrs.field(
        default=None, converter=_to_decimal, validator=_check_price
    )
    open_orders: int | None = attrs.field(default=None, validator=_check_count)
    open_algo_orders: int | None = attrs.field(default=None, validator=_check_count)
    open_iceberg_orders: int | None = attrs.field(default=None, validator=_check_count)
    open_order_lists: int | None = attrs.field(default=None, validator=_check_count)
    exchange_open_orders: int | None = attrs.field(default=None, validator=_check_count)
    exchange_open_algo_orders: int | None = attrs.field(default=None, validator=_check_count)
    exchange_open_iceberg_orders: int | None = attrs.field(default=None, validator=_check_count)
    exchange_open_order_lists: int | None = attrs.field(default=None, validator=_check_count)
    base_position: Decimal | None = attrs.field(
        default=None, converter=_to_decimal, validator=_check_price
    )
    permissions: frozenset[str] | None = attrs.field(
        default=None, converter=_to_permissions, validator=_check_permissions
    )
    orig_qty: Decimal | None = attrs.field(
        default=None, converter=_to_decimal, validator=_check_price
    )
    order_amend_count: int | None = attrs.field(default=None, validator=_check_count)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Context:
        """Build a context from its JSON form (camelCase keys, see :data:`CONTEXT_KEYS`).

        Prices are plain decimal strings, JSON numbers (ints or ``Decimal``) or
        floats read as their ``repr``; counts are non-negative integers;
        ``permissions`` is a list of strings. ``null`` means "not given".

        >>> Context.from_mapping({"avgPrice": "100.5", "openOrders": 3}).avg_price
        Decimal('100.5')

        Raises:
            ValueError: an unknown key or a value of the wrong kind, named in
                the message.
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"context: expected a JSON object, got {type(data).__name__}")
        values: dict[str, Any] = {}
        for key, raw in data.items():
            if raw is None:
                continue
            if key in _PRICES:
                values[_PRICES[key]] = _decimal(f"context.{key}", raw)
            elif key in _COUNTS:
                if type(raw) is not int or raw < 0:
                    raise ValueError(
                        f"context.{key}: expected a non-negative integer, got {bounded_repr(raw)}"
                    )
                if raw > MAX_COUNT:
                    raise ValueError(
                        f"context.{key}: out of range (at most {MAX_COUNT}), "
                        f"got {bounded_repr(raw)}"
                    )
                values[_COUNTS[key]] = raw
            elif key == "permissions":
                values["permissions"] = _permissions("context.permissions", raw)
            else:
                raise ValueError(f"context: unknown key {bounded_repr(key)}{_did_you_mean(key)}")
        return cls(**values)

    @classmethod
    def from_prices(cls, prices: object, /, **account: Any) -> Context:
        """A context from market prices plus what the caller knows of the account.

        ``prices`` is anything with ``avg_price``, ``reference_price`` and ``last_price``
        attributes, ``None`` for a missing one: a
        :class:`~rules.edge.prices.MarketPrices` from :meth:`rules.Session.prices`
        (the live prices), or ``None`` for none. ``account`` gives the other fields
        (``open_orders=3``, ``base_position="0.5"``, ``permissions={"SPOT"}``). A price
        that is ``None`` stays out, and the rules that need it come back ``unchecked``
        (D18).

        >>> from types import SimpleNamespace
        >>> live = SimpleNamespace(avg_price="100.5", reference_price=None, last_price=None)
        >>> c = Context.from_prices(live, open_orders=3)
        >>> c.avg_price, c.last_price, c.open_orders
        (Decimal('100.5'), None, 3)

        Raises:
            TypeError: ``account`` names a price (prices come from ``prices``) or a
                field this class does not have.
            ValueError: a value the context refuses, named in the message.
        """
        priced = sorted({"avg_price", "reference_price", "last_price"}.intersection(account))
        if priced:
            raise TypeError(f"prices come from the prices argument, not: {', '.join(priced)}")
        unknown = sorted(set(account) - {a.name for a in attrs.fields(cls)})
        if unknown:
            raise TypeError(f"Context has no field {', '.join(map(repr, unknown))}")
        values = {
            name: getattr(prices, name, None)
            for name in ("avg_price", "reference_price", "last_price")
        }
        return cls(**values, **account)

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form (camelCase keys; decimals as plain strings; ``None`` left out)."""
        out: dict[str, Any] = {}
        for key, name in (*_PRICES.items(), *_COUNTS.items()):
            value = getattr(self, name)
            if value is not None:
                out[key] = format(value, "f") if isinstance(value, Decimal) else value
        if self.permissions is not None:
            out["permissions"] = sorted(self.permissions)
        return out


def _did_you_mean(key: object) -> str:
    if isinstance(key, str):
        folded = {k.lower(): k for k in CONTEXT_KEYS}
        close = folded.get(key.lower()) or next(
            iter(difflib.get_close_matches(key, sorted(CONTEXT_KEYS), n=1)), None
        )
        if close is not None:
            return f" (did you mean {close!r}?)"
    return f" (known: {', '.join(sorted(CONTEXT_KEYS))})"


def _decimal(where: str, raw: object) -> Decimal:
    # Prices and positions, read as _to_decimal reads them; finite and not negative.
    value = _to_decimal(raw)
    if not isinstance(value, Decimal):
        kind = "a decimal string" if isinstance(raw, str) else "a decimal"
        raise ValueError(f"{where}: expected {kind}, got {bounded_repr(raw)}")
    if not value.is_finite() or value < 0:
        raise ValueError(
            f"{where}: expected a finite, non-negative decimal, got {bounded_repr(raw)}"
        )
    if not in_range(value):  # before any arithmetic: 1e425000000 is 425 MB of digits
        raise ValueError(
            f"{where}: out of range (at most {MAX_INTEGER_DIGITS} integer digits and "
            f"{MAX_PLACES} places), got {bounded_repr(raw)}"
        )
    return value


def _permissions(where: str, raw: object) -> frozenset[str]:
    value = _to_permissions(raw)
    if not isinstance(value, frozenset) or not all(isinstance(p, str) for p in value):
        raise ValueError(f"{where}: expected a list of strings, got {bounded_repr(raw)}")
    return value
