"""The string to send for a price or quantity, in one call: round with a named mode, then write.

:func:`price_to_wire` and :func:`quantity_to_wire` are :func:`~rules.fixer.rounding.round_price`
/ :func:`~rules.fixer.rounding.round_quantity` followed by
:func:`~rules.fixer.rounding.format_on_step` (ccxt's ``price_to_precision`` and
``amount_to_precision``, with the rounding named). They take any
:data:`~rules.fixer.rounding.Number`, read as :func:`rules.evaluate` reads one. Pure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from rules.fixer.rounding import (
    Number,
    RoundMode,
    format_on_step,
    round_price,
    round_quantity,
    symbol_quantity_grid,
)
from rules.model.models import PriceFilter, SymbolInfo

__all__ = ["price_to_wire", "quantity_to_wire"]

_ZERO: Final = Decimal(0)


def price_to_wire(
    symbol: SymbolInfo, price: Number, mode: RoundMode, *, server_time: int | None = None
) -> str:
    """The ``price`` string to send: rounded onto the symbol's tick with ``mode``, written plain.

    One call for :func:`round_price` then :func:`format_on_step` (ccxt's
    ``price_to_precision``, with the rounding named): exact, with the tick's
    places, never in exponent form. It rounds onto the grid, it does not clamp
    into ``minPrice``/``maxPrice`` (that is :func:`rules.propose`'s job).

    Args:
        symbol: the symbol (``info["BTCUSDT"]``).
        price: any :data:`Number` (``"29400.1234"``, ``29400.1234``, a ``Decimal``).
        mode: the :data:`RoundMode` (a BUY limit usually wants ``floor``, a SELL ``ceil``).
        server_time: the snapshot's ``serverTime`` (D17); ``None``: today's rules.

    Raises:
        TypeError: ``price`` is not a number.
        ValueError: an unknown ``mode`` or a ``price`` that cannot be read.

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "BTCUSDT", "status": "TRADING", '
    ...   '"baseAsset": "BTC", "quoteAsset": "USDT", "filters": [{"filterType": '
    ...   '"PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000.00", '
    ...   '"tickSize": "0.01000000"}]}]}')
    >>> price_to_wire(info["BTCUSDT"], "29400.1234", "floor")
    '29400.12'
    >>> price_to_wire(info["BTCUSDT"], 29400.1, "ceil")
    '29400.10'
    """
    rounded = round_price(symbol, price, mode, server_time=server_time)
    price_filter = symbol.filter(PriceFilter)
    return format_on_step(rounded, price_filter.tick_size if price_filter else _ZERO)


def quantity_to_wire(
    symbol: SymbolInfo,
    quantity: Number,
    mode: RoundMode,
    *,
    server_time: int | None = None,
    market: bool = False,
) -> str:
    """The ``quantity`` string to send: rounded onto the symbol's step with ``mode``, written plain.

    One call for :func:`round_quantity` then :func:`format_on_step` (ccxt's
    ``amount_to_precision``, with the rounding named): exact, with the step's
    places, never in exponent form; not clamped into ``minQty``/``maxQty``.

    Args:
        symbol: the symbol (``info["BTCUSDT"]``).
        quantity: any :data:`Number`.
        mode: the :data:`RoundMode`; ``floor`` never trades more than asked.
        server_time: the snapshot's ``serverTime`` (D17); ``None``: today's rules.
        market: a MARKET, STOP_LOSS or TAKE_PROFIT quantity, also on
            MARKET_LOT_SIZE's grid (D09, D10).

    Raises:
        TypeError: ``quantity`` is not a number.
        ValueError: an unknown ``mode``, a ``quantity`` that cannot be read, or
            (``market``) no value is on both grids.

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "BTCUSDT", "status": "TRADING", '
    ...   '"baseAsset": "BTC", "quoteAsset": "USDT", "filters": [{"filterType": '
    ...   '"LOT_SIZE", "minQty": "0.00001000", "maxQty": "9000.00000000", '
    ...   '"stepSize": "0.00001000"}]}]}')
    >>> quantity_to_wire(info["BTCUSDT"], 1.23456789e-3, "floor")
    '0.00123'
    """
    rounded = round_quantity(symbol, quantity, mode, server_time=server_time, market=market)
    grid = symbol_quantity_grid(symbol, server_time=server_time, market=market)
    assert grid is not None  # round_quantity raised otherwise
    return format_on_step(rounded, grid.step)
