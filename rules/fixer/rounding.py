"""Exact rounding of prices and quantities onto a symbol's grid, with named modes.

Rules this module keeps:

1. Every result is exact, at any length: arithmetic goes through
   :data:`rules.model.numbers.UNBOUNDED` (a grid of 1E-46 under a 20-digit value
   needs more than :data:`~rules.model.numbers.CONTEXT`'s 60 digits), never a float
   and never the thread's decimal context. No I/O.
2. A rounded value lies on the grid and rounding it again changes nothing.
3. A zero step disables the grid (D12): the value comes back unchanged.
4. The grid is the one the exchange used at the snapshot's ``serverTime`` (D17,
   D35): before 2022-02-24 the tick grid starts at ``minPrice``
   (``(price - minPrice) % tickSize == 0``), before 2023-03-13 the step grid
   starts at ``minQty``; afterwards both start at 0. :func:`price_grid` and
   :func:`quantity_grid` give that grid for rounding; the checker applies the
   same rule (``out_of_range(grid_from_minimum=...)`` in
   :mod:`rules.checker.checks`), and both read the era boundaries from
   :class:`rules.checker.eras.Era`; a property test checks they agree.
5. Rounding never clamps: bounds are the fixer's business (:mod:`rules.fixer.propose`).
6. A value goes back to the wire through :func:`format_on_step`: a plain
   decimal string with the grid's places, never exponent notation
   (:mod:`rules.fixer.wire` rounds and writes in one call).

The modes are named like ``whenever``'s (``floor``, ``ceil``, ``half_even``, ...),
because :mod:`decimal`'s names mislead: ``ROUND_DOWN`` rounds toward zero and
``ROUND_UP`` away from it. ``docs/rounding.md`` has the table.
"""

from __future__ import annotations

import math
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from typing import Final, Literal, get_args

import attrs

from rules.checker.eras import Era
from rules.checker.order import read_decimal
from rules.model.models import LotSizeFilter, MarketLotSizeFilter, PriceFilter, SymbolInfo
from rules.model.numbers import UNBOUNDED, is_multiple

__all__ = [
    "DECIMAL_ROUNDING",
    "ROUND_MODES",
    "Grid",
    "Number",
    "RoundMode",
    "format_on_step",
    "price_grid",
    "quantity_grid",
    "round_price",
    "round_quantity",
    "round_to_step",
    "symbol_quantity_grid",
]

#: A rounding mode. Directions are on the number line: ``floor`` goes toward
#: -infinity, ``ceil`` toward +infinity, ``trunc`` toward zero, ``expand`` away
#: from zero; the ``half_*`` modes go to the nearest grid point and break ties
#: that way, ``half_even`` to the point with an even index.
RoundMode = Literal[
    "floor",
    "ceil",
    "trunc",
    "expand",
    "half_floor",
    "half_ceil",
    "half_trunc",
    "half_expand",
    "half_even",
]

#: Every :data:`RoundMode`, in the order of the docs table.
ROUND_MODES: Final[tuple[RoundMode, ...]] = get_args(RoundMode)

#: The :mod:`decimal` rounding constant that rounds the same way, for values
#: >= 0 and a grid through 0. ``half_floor`` and ``half_ceil`` have none: they
#: are ``ROUND_HALF_DOWN`` on one side of zero and ``ROUND_HALF_UP`` on the other.
DECIMAL_ROUNDING: Final[dict[RoundMode, str | None]] = {
    "floor": ROUND_FLOOR,
    "ceil": ROUND_CEILING,
    "trunc": ROUND_DOWN,
    "expand": ROUND_UP,
    "half_floor": None,
    "half_ceil": None,
    "half_trunc": ROUND_HALF_DOWN,
    "half_expand": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
}

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
#: D29: a number on the wire has at most 20 fraction digits.
MAX_WIRE_PLACES: Final = 20


#: What the helpers take for a number, as :func:`rules.evaluate` takes a price:
#: a ``Decimal`` (any length), a plain decimal ``str`` (``"29400.1234"``, a leading
#: minus allowed), an ``int``, a ``float`` read as its ``repr`` (``0.1`` is
#: ``Decimal("0.1")``), or a numpy scalar (``numpy.float32(0.1)`` is ``0.1``).
#: Strings and numbers follow D29: at most 20 integer and 20 fraction digits.
Number = Decimal | str | int | float


def _check_decimal(name: str, value: object) -> Decimal:
    """``value`` as an exact ``Decimal``, read as :func:`rules.evaluate` reads a price.

    A ``Decimal`` is taken as it is, at any length; a ``str``, ``int``, ``float``
    (the decimal its ``repr`` shows, never ``Decimal(float)``) or numpy scalar is
    read by :func:`rules.checker.order.read_decimal`, the checker's own reading
    (D29, D32), except that a leading minus is allowed (rounding is defined on the
    whole number line). Never a silent conversion (STYLE.md §2.3).
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name}: expected a finite Decimal, got {value!r}")
        return value
    numeric = isinstance(value, str | int | float) or type(value).__module__ == "numpy"
    if isinstance(value, bool) or not numeric:
        raise TypeError(
            f"{name}: expected a number (Decimal, str, int, float or numpy scalar), "
            f"got {type(value).__name__} {value!r}"
        )
    if isinstance(value, str):
        negative = value.startswith("-")
        number = read_decimal(value[1:] if negative else value)
    else:
        negative = _below_zero(value)
        number = read_decimal(-value if negative else value)  # type: ignore[operator]
    if number is None:
        raise ValueError(
            f"{name}: expected a plain decimal number with at most 20 integer and 20 "
            f"fraction digits (as an order parameter, D29), got {value!r}; pass a "
            "Decimal for longer values"
        )
    return -number if negative else number


def _below_zero(value: object) -> bool:
    try:
        return bool(value < 0)  # type: ignore[operator]
    except TypeError:  # pragma: no cover - every numpy scalar read as a number compares
        return False


def _check_mode(mode: object) -> None:
    if mode not in DECIMAL_ROUNDING:
        raise ValueError(
            f"unknown rounding mode {mode!r}; expected one of {', '.join(ROUND_MODES)}"
        )


def round_to_step(
    value: Number, step: Number, mode: RoundMode, *, origin: Number | None = None
) -> Decimal:
    """Round ``value`` onto the grid ``origin + k * step`` (``k`` an integer), exactly.

    A value already on the grid comes back unchanged (same object, same places);
    otherwise the result is ``origin + k * step`` for the chosen neighbour ``k``.
    A zero ``step`` disables the grid (D12) and returns ``value`` unchanged.

    Args:
        value: the number to round.
        step: the grid's spacing (``tickSize``, ``stepSize``); 0 disables it.
        mode: how to choose between the two neighbours (see :data:`RoundMode`
            and ``docs/rounding.md``). ``trunc``/``expand`` and their ``half_``
            forms take their direction from the sign of ``value``.
        origin: a point of the grid (the old-era ``minPrice``/``minQty``, D17);
            ``None`` means 0.

    Returns:
        The grid point chosen by ``mode``.

    Raises:
        TypeError: ``value``, ``step`` or ``origin`` is not a number (see :data:`Number`).
        ValueError: a number that cannot be read (``"1e5"``, NaN), a negative
            ``step``, or an unknown ``mode``.

    Exact at any length: a value of any number of digits on a step of any number
    of places (``12345678901234567890.12345678901234567891`` on ``1E-46``) is
    rounded without a rounding error and without raising.

    >>> round_to_step(Decimal("30000.015"), Decimal("0.01"), "half_even")
    Decimal('30000.02')
    >>> round_to_step(Decimal("-1.25"), Decimal("0.1"), "floor")
    Decimal('-1.3')
    >>> round_to_step(Decimal("1.02"), Decimal("0.2"), "ceil", origin=Decimal("0.5"))
    Decimal('1.1')
    >>> round_to_step(Decimal("1.5"), Decimal("1"), "sideways")
    Traceback (most recent call last):
    ...
    ValueError: unknown rounding mode 'sideways'; expected one of floor, ceil, trunc, expand, \
half_floor, half_ceil, half_trunc, half_expand, half_even
    """
    value = _check_decimal("value", value)
    step = _check_decimal("step", step)
    if origin is not None:
        origin = _check_decimal("origin", origin)
    _check_mode(mode)
    if step < 0:
        raise ValueError(f"step: expected a step >= 0, got {step!r}")
    if not step:
        return value
    base = _ZERO if origin is None else origin
    offset = UNBOUNDED.subtract(value, base)
    # Decimal's integer division truncates toward zero; both results are exact.
    quotient, remainder = UNBOUNDED.divmod(offset, step)
    if not remainder:
        return value
    low = quotient if remainder > 0 else UNBOUNDED.subtract(quotient, 1)
    above_low = remainder if remainder > 0 else UNBOUNDED.add(remainder, step)
    index = UNBOUNDED.add(low, _choose(mode, value, above_low, step, low))
    return UNBOUNDED.fma(index, step, base)


def _choose(
    mode: RoundMode, value: Decimal, above_low: Decimal, step: Decimal, low: Decimal
) -> int:
    # 0 picks the lower neighbour, 1 the upper one.
    positive = value >= 0
    if mode == "floor":
        return 0
    if mode == "ceil":
        return 1
    if mode == "trunc":
        return 0 if positive else 1
    if mode == "expand":
        return 1 if positive else 0
    twice = UNBOUNDED.multiply(above_low, 2)
    if twice < step:
        return 0
    if twice > step:
        return 1
    # A tie: exactly half way between the two neighbours.
    if mode == "half_floor":
        return 0
    if mode == "half_ceil":
        return 1
    if mode == "half_trunc":
        return 0 if positive else 1
    if mode == "half_expand":
        return 1 if positive else 0
    return 0 if UNBOUNDED.remainder(low, 2) == 0 else 1  # half_even


# --------------------------------------------------------------------------- grids


@attrs.frozen
class Grid:
    """The values ``origin + k * step`` for every integer ``k``; a zero step admits every value.

    >>> grid = Grid(Decimal("0.2"), origin=Decimal("0.5"))
    >>> grid.contains(Decimal("1.1")), grid.contains(Decimal("1.0"))
    (True, False)
    >>> grid.round(Decimal("1.0"), "floor")
    Decimal('0.9')
    """

    step: Decimal
    origin: Decimal = _ZERO

    def contains(self, value: Number) -> bool:
        """Whether ``value`` is on the grid (D35's formula, exact); always true for step 0.

        Raises:
            TypeError, ValueError: ``value`` is not a number that can be read (:data:`Number`).
        """
        return is_multiple(_check_decimal("value", value), self.step, self.origin)

    def round(self, value: Number, mode: RoundMode) -> Decimal:
        """:func:`round_to_step` onto this grid.

        Raises:
            ValueError: an unknown ``mode``.
        """
        return round_to_step(value, self.step, mode, origin=self.origin if self.origin else None)

    def first_at_least(self, bound: Decimal, *, times: Decimal = _ONE) -> Decimal:
        """The smallest grid point ``x`` with ``x × times >= bound``, exactly (no division).

        With ``times`` a price this is the least quantity on the grid that reaches a
        minimum notional.

        Raises:
            ValueError: the grid's step or ``times`` is not positive.

        >>> Grid(Decimal("0.001")).first_at_least(Decimal("10"), times=Decimal("3"))
        Decimal('3.334')
        """
        return self._index_bound(bound, times, ceiling=True)

    def last_at_most(self, bound: Decimal, *, times: Decimal = _ONE) -> Decimal:
        """The largest grid point ``x`` with ``x × times <= bound``, exactly (no division).

        Raises:
            ValueError: the grid's step or ``times`` is not positive.

        >>> Grid(Decimal("0.001")).last_at_most(Decimal("10"), times=Decimal("3"))
        Decimal('3.333')
        """
        return self._index_bound(bound, times, ceiling=False)

    def _index_bound(self, bound: Decimal, times: Decimal, *, ceiling: bool) -> Decimal:
        if self.step <= 0 or times <= 0:
            raise ValueError(f"expected a positive step and factor, got {self.step!r}, {times!r}")
        # x = origin + k·step and x·times >= bound  ⇔  k >= (bound - origin·times) / (step·times)
        numerator = UNBOUNDED.subtract(bound, UNBOUNDED.multiply(self.origin, times))
        quotient, remainder = UNBOUNDED.divmod(numerator, UNBOUNDED.multiply(self.step, times))
        if ceiling and remainder > 0:
            quotient = UNBOUNDED.add(quotient, 1)
        elif not ceiling and remainder < 0:
            quotient = UNBOUNDED.subtract(quotient, 1)
        return UNBOUNDED.fma(quotient, self.step, self.origin)

    def intersect(self, other: Grid) -> Grid | None:
        """The values on both grids, as one grid, or ``None`` when no value is on both.

        Two grids ``a + s·Z`` and ``b + t·Z`` meet in ``c + lcm(s, t)·Z`` when
        ``a - b`` is a multiple of ``gcd(s, t)`` (the Chinese remainder theorem),
        and nowhere otherwise. Computed on integers, exactly.

        >>> Grid(Decimal("1"), Decimal("2.5")).intersect(Grid(Decimal("0.5")))
        Grid(step=Decimal('1.0'), origin=Decimal('0.5'))
        >>> Grid(Decimal("0.1")).intersect(Grid(Decimal("0.1"), Decimal("0.05"))) is None
        True
        """
        if not other.step:
            return self
        if not self.step:
            return other
        places = max(_places(d) for d in (self.step, self.origin, other.step, other.origin))
        scale = 10**places
        s, a = _scaled(self.step, scale), _scaled(self.origin, scale)
        t, b = _scaled(other.step, scale), _scaled(other.origin, scale)
        g = math.gcd(s, t)
        if (b - a) % g:
            return None
        lcm = s // g * t
        # x = a + s*k with s*k ≡ b - a (mod t)  ⇔  (s/g)*k ≡ (b - a)/g (mod t/g)
        k = ((b - a) // g) * pow(s // g, -1, t // g) % (t // g) if t // g > 1 else 0
        start = (a + s * k) % lcm
        return Grid(_unscaled(lcm, places), _unscaled(start, places))


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite: checked by the callers
    return max(0, -exponent)


def _scaled(value: Decimal, scale: int) -> int:
    return int(UNBOUNDED.multiply(value, scale))


def _unscaled(value: int, places: int) -> Decimal:
    return UNBOUNDED.scaleb(Decimal(value), -places)


def price_grid(price_filter: PriceFilter, server_time: int | None = None) -> Grid:
    """The tick grid of ``price``/``stopPrice`` in the era of ``server_time`` (D17, D35).

    Before 2022-02-24 00:00 UTC the rule was ``(price - minPrice) % tickSize == 0``,
    since then ``price % tickSize == 0``; ``None`` means today's rules. A zero
    ``tickSize`` gives a grid that admits every price (D12).

    >>> f = PriceFilter(Decimal("0.5"), Decimal("1000"), Decimal("0.2"))
    >>> price_grid(f, 1622505600000)
    Grid(step=Decimal('0.2'), origin=Decimal('0.5'))
    >>> price_grid(f)
    Grid(step=Decimal('0.2'), origin=Decimal('0'))
    """
    old = Era.at(server_time).tick_from_min
    return Grid(price_filter.tick_size, price_filter.min_price if old else _ZERO)


def quantity_grid(
    lot_filter: LotSizeFilter | MarketLotSizeFilter, server_time: int | None = None
) -> Grid:
    """The step grid of ``quantity``/``icebergQty`` in the era of ``server_time`` (D17, D35).

    Before 2023-03-13 00:00 UTC the rule was ``(quantity - minQty) % stepSize == 0``,
    since then ``quantity % stepSize == 0``; ``None`` means today's rules. A zero
    ``stepSize`` (every real MARKET_LOT_SIZE) admits every quantity (D12).
    """
    old = Era.at(server_time).step_from_min
    return Grid(lot_filter.step_size, lot_filter.min_qty if old else _ZERO)


def symbol_quantity_grid(
    symbol: SymbolInfo, *, server_time: int | None = None, market: bool = False
) -> Grid | None:
    """The grid a quantity must be on: LOT_SIZE's, and MARKET_LOT_SIZE's too if ``market``.

    LOT_SIZE applies to every order with a quantity (D09); MARKET_LOT_SIZE adds
    its own grid for MARKET, STOP_LOSS and TAKE_PROFIT orders (D10). Returns
    ``None`` when the two grids have no value in common.
    """
    grid = Grid(_ZERO)
    lot = symbol.filter(LotSizeFilter)
    if lot is not None:
        grid = quantity_grid(lot, server_time)
    if market:
        market_lot = symbol.filter(MarketLotSizeFilter)
        if market_lot is not None:
            return grid.intersect(quantity_grid(market_lot, server_time))
    return grid


# --------------------------------------------------------------------------- symbol-level


def round_price(
    symbol: SymbolInfo, price: Number, mode: RoundMode, *, server_time: int | None = None
) -> Decimal:
    """Round ``price`` onto the symbol's PRICE_FILTER tick grid (not into its bounds).

    Args:
        symbol: the symbol whose PRICE_FILTER gives the tick (none, or a zero
            tick: ``price`` comes back unchanged, D12).
        price: the price to round.
        mode: the :data:`RoundMode`. A BUY limit usually wants ``floor`` (never
            pay more), a SELL limit ``ceil`` (never get less).
        server_time: the snapshot's ``serverTime`` (``ExchangeInfo.server_time``),
            which picks the era's grid (D17); ``None`` means today's rules.

    Raises:
        TypeError: ``price`` is not a number (see :data:`Number`).
        ValueError: an unknown ``mode`` or a ``price`` that cannot be read.

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "BTCUSDT", "status": "TRADING", '
    ...   '"baseAsset": "BTC", "quoteAsset": "USDT", "filters": [{"filterType": '
    ...   '"PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000.00", '
    ...   '"tickSize": "0.01000000"}]}]}')
    >>> round_price(info["BTCUSDT"], Decimal("30000.0151"), "floor")
    Decimal('30000.01000000')
    """
    _check_mode(mode)  # always: with no PRICE_FILTER too
    price = _check_decimal("price", price)
    price_filter = symbol.filter(PriceFilter)
    if price_filter is None:
        return price
    return price_grid(price_filter, server_time).round(price, mode)


def round_quantity(
    symbol: SymbolInfo,
    quantity: Number,
    mode: RoundMode,
    *,
    server_time: int | None = None,
    market: bool = False,
) -> Decimal:
    """Round ``quantity`` onto the symbol's LOT_SIZE step grid (not into its bounds).

    Args:
        symbol: the symbol whose LOT_SIZE (and MARKET_LOT_SIZE) gives the step.
        quantity: the quantity to round.
        mode: the :data:`RoundMode`; ``floor`` never buys or sells more than asked.
        server_time: the snapshot's ``serverTime`` (D17); ``None``: today's rules.
        market: the quantity of a MARKET, STOP_LOSS or TAKE_PROFIT order, which
            must also be on MARKET_LOT_SIZE's grid (D09, D10). Real MARKET_LOT_SIZE
            steps are 0, so this rarely changes anything.

    Raises:
        TypeError: ``quantity`` is not a number (see :data:`Number`).
        ValueError: an unknown ``mode``, a ``quantity`` that cannot be read, or (``market``)
            LOT_SIZE's and MARKET_LOT_SIZE's grids have no value in common.

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "BTCUSDT", "status": "TRADING", '
    ...   '"baseAsset": "BTC", "quoteAsset": "USDT", "filters": [{"filterType": '
    ...   '"LOT_SIZE", "minQty": "0.00001000", "maxQty": "9000.00000000", '
    ...   '"stepSize": "0.00001000"}]}]}')
    >>> round_quantity(info["BTCUSDT"], Decimal("0.123456789"), "floor")
    Decimal('0.12345000')
    """
    _check_mode(mode)  # always: whatever the grid
    quantity = _check_decimal("quantity", quantity)
    grid = symbol_quantity_grid(symbol, server_time=server_time, market=market)
    if grid is None:
        raise ValueError(
            f"{symbol.symbol}: no quantity is on both the LOT_SIZE and the MARKET_LOT_SIZE grid"
        )
    return grid.round(quantity, mode)


# --------------------------------------------------------------------------- the wire


def format_on_step(value: Number, step: Number) -> str:
    """The wire form of ``value`` on a grid of ``step``: a plain decimal string, never ``1E-8``.

    The places are those of ``step`` without its trailing zeros (``0.01000000``
    gives 2) but never more than 20 (D29: more fraction digits are -1100), or
    more if ``value`` needs them (an old-era grid offset by ``minPrice``, D17);
    a zero ``step`` keeps the places ``value`` needs. It
    formats, it does not round: the digits of ``value`` never change, so round
    first (:func:`round_to_step`, :func:`round_price`, :func:`round_quantity`).
    This is how :func:`rules.propose` writes every number it moves.

    Args:
        value: the number to write, usually already on the grid.
        step: the grid's spacing (``tickSize``, ``stepSize``); 0 for no grid.

    Returns:
        The string to send as ``price``, ``quantity``, ...

    Raises:
        TypeError: ``value`` or ``step`` is not a number (see :data:`Number`).
        ValueError: a number that cannot be read or a negative ``step``.

    >>> format_on_step(Decimal("30000"), Decimal("0.01000000"))
    '30000.00'
    >>> format_on_step(Decimal("1E-8"), Decimal("0.00000001"))
    '0.00000001'
    >>> format_on_step(Decimal("0.0034"), Decimal("0.00001"))
    '0.00340'
    >>> format_on_step(Decimal("1.234"), Decimal("0.01"))  # not rounded: round first
    '1.234'
    """
    value = _check_decimal("value", value)
    step = _check_decimal("step", step)
    if step < 0:
        raise ValueError(f"step: expected a step >= 0, got {step!r}")
    # Padding stops at D29's 20 places: a step with more never pads past what can
    # be sent. Exact at any length (UNBOUNDED): the digits of value never change.
    needed = _places(value.normalize(UNBOUNDED))
    places = max(needed, min(_places(step.normalize(UNBOUNDED)), MAX_WIRE_PLACES))
    return format(value.quantize(Decimal(1).scaleb(-places), context=UNBOUNDED), "f")
