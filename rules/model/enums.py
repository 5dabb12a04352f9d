"""The enumeration values Binance Spot documents today (``enums.md``).

Models keep these fields as plain ``str``, because Binance adds values every
year and a snapshot with a value this list lacks must still load. These
``StrEnum`` classes name the known values for code that wants constants;
each member compares equal to its string (``OrderType.LIMIT == "LIMIT"``).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["OrderSide", "OrderType", "STPMode", "SymbolStatus", "TimeInForce"]


class SymbolStatus(StrEnum):
    """Symbol ``status`` values."""

    TRADING = "TRADING"
    END_OF_DAY = "END_OF_DAY"
    HALT = "HALT"
    BREAK = "BREAK"
    CANCEL_ONLY = "CANCEL_ONLY"


class OrderType(StrEnum):
    """Order ``type`` values."""

    LIMIT = "LIMIT"
    MARKET = "MARKET"
    STOP_LOSS = "STOP_LOSS"
    STOP_LOSS_LIMIT = "STOP_LOSS_LIMIT"
    TAKE_PROFIT = "TAKE_PROFIT"
    TAKE_PROFIT_LIMIT = "TAKE_PROFIT_LIMIT"
    LIMIT_MAKER = "LIMIT_MAKER"


class OrderSide(StrEnum):
    """Order ``side`` values."""

    BUY = "BUY"
    SELL = "SELL"


class TimeInForce(StrEnum):
    """``timeInForce`` values."""

    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class STPMode(StrEnum):
    """``selfTradePreventionMode`` values."""

    NONE = "NONE"
    EXPIRE_MAKER = "EXPIRE_MAKER"
    EXPIRE_TAKER = "EXPIRE_TAKER"
    EXPIRE_BOTH = "EXPIRE_BOTH"
    DECREMENT = "DECREMENT"
    TRANSFER = "TRANSFER"
