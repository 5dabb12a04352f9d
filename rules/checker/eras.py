"""The rule eras (D17) and the market price a filter uses in each (D18).

Binance changed some rules at known dates; a snapshot is judged by the rules of
its ``serverTime``. :class:`Era` says which version applies, and
:func:`market_price` picks the "average of previous trade prices" the
PERCENT_PRICE, PERCENT_PRICE_BY_SIDE and notional filters compare against.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import attrs

from rules.checker.context import Context as OrderContext

__all__ = [
    "LIST_COUNTERS_MS",
    "OCO_TAKE_PROFIT_MS",
    "PRECISION_MESSAGE_MS",
    "REFERENCE_PRICE_MS",
    "STEP_FROM_ZERO_MS",
    "TICK_FROM_ZERO_MS",
    "Era",
    "market_price",
    "market_price_field",
]

#: 2022-02-24 00:00 UTC: PRICE_FILTER's grid became ``price % tickSize`` (changelog).
TICK_FROM_ZERO_MS: Final = 1645660800000
#: 2023-03-13 00:00 UTC: LOT_SIZE/MARKET_LOT_SIZE's grid became ``qty % stepSize``;
#: the new error messages (D19) too.
STEP_FROM_ZERO_MS: Final = 1678665600000
#: 2023-12-04 00:00 UTC: -1111's message became "Parameter '%s' has too much precision." (D38).
PRECISION_MESSAGE_MS: Final = 1701648000000
#: 2024-12-16 00:00 UTC: an OCO pair may hold TAKE_PROFIT and TAKE_PROFIT_LIMIT legs (D46).
OCO_TAKE_PROFIT_MS: Final = 1734307200000
#: 2025-08-27 00:00 UTC: an order list is held back by the open-order counters (D50).
LIST_COUNTERS_MS: Final = 1756252800000
#: 2026-05-08 00:00 UTC: the reference price replaces the average price when non-null (D18).
REFERENCE_PRICE_MS: Final = 1778198400000


@attrs.frozen
class Era:
    """Which version of the rules a snapshot is judged by (D17).

    Attributes:
        tick_from_min: PRICE_FILTER's grid is ``(price - minPrice) % tickSize``.
        step_from_min: the lot-size grids are ``(qty - minQty) % stepSize``.
        reference_price: a non-null ``referencePrice`` is the market price (D18).
        new_messages: the 2023-03-13 error messages apply (D19).
        precision_message: -1111 names the parameter (2023-12-04, D38).
        oco_take_profit: an OCO pair may hold take-profit legs (2024-12-16, D46).
        list_counters: the open-order counters hold an order list back (2025-08-27, D50).
    """

    tick_from_min: bool = False
    step_from_min: bool = False
    reference_price: bool = True
    new_messages: bool = True
    precision_message: bool = True
    oco_take_profit: bool = True
    list_counters: bool = True

    @classmethod
    def at(cls, server_time: int | None) -> Era:
        """The era of a snapshot taken at ``server_time`` (ms); ``None`` is today's rules.

        >>> Era.at(1622505600000)  # 2021-06-01
        Era(tick_from_min=True, step_from_min=True, reference_price=False, new_messages=False, \
precision_message=False, oco_take_profit=False, list_counters=False)
        """
        if server_time is None:
            return cls()
        return cls(
            tick_from_min=server_time < TICK_FROM_ZERO_MS,
            step_from_min=server_time < STEP_FROM_ZERO_MS,
            reference_price=server_time >= REFERENCE_PRICE_MS,
            new_messages=server_time >= STEP_FROM_ZERO_MS,
            precision_message=server_time >= PRECISION_MESSAGE_MS,
            oco_take_profit=server_time >= OCO_TAKE_PROFIT_MS,
            list_counters=server_time >= LIST_COUNTERS_MS,
        )


# --------------------------------------------------------------------------- the market price (D18)


def market_price(avg_price_mins: int | None, context: OrderContext, era: Era) -> Decimal | None:
    """The "average of previous trade prices" a filter uses, from the context (D18).

    The reference price when the era has one and it is non-null; else the last
    price if ``avgPriceMins`` is 0; else the average price. ``None`` when the
    context lacks that value (the filter is then unchecked).
    """
    if era.reference_price and context.reference_price is not None:
        return context.reference_price
    if avg_price_mins == 0:
        return context.last_price
    return context.avg_price


def market_price_field(avg_price_mins: int | None, context: OrderContext, era: Era) -> str:
    """The field of the context :func:`market_price` reads (``"avg_price"``, ...).

    It depends only on which fields the context gives, not on their values: the
    fast path works it out once per set of given fields (D18).

    >>> market_price_field(5, OrderContext(last_price="1"), Era())
    'avg_price'
    """
    if era.reference_price and context.reference_price is not None:
        return "reference_price"
    return "last_price" if avg_price_mins == 0 else "avg_price"
