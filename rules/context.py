"""The changing state an order check needs: market prices and account facts.

Nothing here is ever fetched (STYLE.md §2.4): the caller passes what it knows,
and a rule that needs a missing value is listed in the verdict's ``unchecked``
instead of being passed (D15, D16, D18). Every field is optional.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from rules._decimal import parse_plain_decimal

__all__ = ["Context"]

_PRICES = {
    "avgPrice": "avg_price",
    "referencePrice": "reference_price",
    "lastPrice": "last_price",
    "basePosition": "base_position",
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
}
#: The camelCase keys :meth:`Context.from_mapping` understands.
CONTEXT_KEYS = frozenset({*_PRICES, *_COUNTS, "permissions"})


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
    """

    avg_price: Decimal | None = None
    reference_price: Decimal | None = None
    last_price: Decimal | None = None
    open_orders: int | None = None
    open_algo_orders: int | None = None
    open_iceberg_orders: int | None = None
    open_order_lists: int | None = None
    exchange_open_orders: int | None = None
    exchange_open_algo_orders: int | None = None
    exchange_open_iceberg_orders: int | None = None
    exchange_open_order_lists: int | None = None
    base_position: Decimal | None = None
    permissions: frozenset[str] | None = None

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
                values[_PRICES[key]] = _decimal(key, raw)
            elif key in _COUNTS:
                if type(raw) is not int or raw < 0:
                    raise ValueError(f"context.{key}: expected a non-negative integer, got {raw!r}")
                values[_COUNTS[key]] = raw
            elif key == "permissions":
                values["permissions"] = _permissions(raw)
            else:
                known = ", ".join(sorted(CONTEXT_KEYS))
                raise ValueError(f"context: unknown key {key!r} (known: {known})")
        return cls(**values)

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


def _decimal(key: str, raw: object) -> Decimal:
    if isinstance(raw, str):
        try:
            return parse_plain_decimal(raw)
        except ValueError:
            raise ValueError(f"context.{key}: expected a decimal string, got {raw!r}") from None
    if isinstance(raw, bool):
        raise ValueError(f"context.{key}: expected a decimal, got {raw!r}")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        raw = Decimal(repr(raw))  # the decimal the float's repr shows, never Decimal(float)
    if isinstance(raw, Decimal) and raw.is_finite():
        return raw
    raise ValueError(f"context.{key}: expected a finite decimal, got {raw!r}")


def _permissions(raw: object) -> frozenset[str]:
    if isinstance(raw, str) or not isinstance(raw, Iterable):
        raise ValueError(f"context.permissions: expected a list of strings, got {raw!r}")
    items = list(raw)
    if not all(isinstance(p, str) for p in items):
        raise ValueError(f"context.permissions: expected a list of strings, got {raw!r}")
    return frozenset(items)
