"""Exact decimal building blocks shared by the strategies: grids, bounds, argument checks.

Rules this module keeps:

1. Every generated number is ``origin + k * step`` for a drawn integer ``k``:
   exact by construction, computed through :data:`rules.model.numbers.CONTEXT`,
   and shrinking toward the lowest allowed ``k``.
2. Bounds are computed as :class:`~fractions.Fraction` (``minNotional / price``
   is rarely a finite decimal); only the values drawn are ``Decimal``.
3. Impossible arguments raise :class:`hypothesis.errors.InvalidArgument`;
   a strategy never silently returns ``nothing()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rules.model.numbers import CONTEXT

ZERO = Decimal(0)


def to_decimal(name: str, value: object) -> Decimal:
    """``value`` as an exact finite ``Decimal``; floats are refused like everywhere in ``rules``.

    Raises:
        InvalidArgument: ``value`` is a float, a bool, not a number or not finite.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidArgument(
            f"{name}={value!r}: expected a Decimal, an int or a decimal string"
            + (" (floats are not exact)" if isinstance(value, float) else "")
        )
    try:
        result = Decimal(value)
    except ArithmeticError:
        raise InvalidArgument(f"{name}={value!r}: not a decimal number") from None
    if not result.is_finite():
        raise InvalidArgument(f"{name}={value!r}: expected a finite number")
    return result


def check_strategy(name: str, value: object) -> None:
    """Raise :class:`InvalidArgument` unless ``value`` is a Hypothesis strategy."""
    if not isinstance(value, st.SearchStrategy):
        raise InvalidArgument(f"{name}={value!r} must be a Hypothesis strategy")


def check_bool(name: str, value: object, *, allow_none: bool = False) -> None:
    """Raise :class:`InvalidArgument` unless ``value`` is a bool (or ``None`` when allowed)."""
    if not isinstance(value, bool) and not (allow_none and value is None):
        expected = "a bool or None" if allow_none else "a bool"
        raise InvalidArgument(f"{name}={value!r} must be {expected}")


def check_size(min_size: int, max_size: int | None) -> None:
    """Validate ``min_size``/``max_size`` as Hypothesis does (``max_size=None``: no bound)."""
    given: list[tuple[str, object]] = [("min_size", min_size)]
    if max_size is not None:
        given.append(("max_size", max_size))
    for name, value in given:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"{name}={value!r} must be an integer")
        if value < 0:
            raise InvalidArgument(f"{name}={value!r} must be at least 0")
    if max_size is not None and min_size > max_size:
        raise InvalidArgument(f"min_size={min_size} cannot be larger than max_size={max_size}")


def places(value: Decimal) -> int:
    """How many fraction digits ``value`` is written with (``"1.00"`` → 2)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def with_places(value: Decimal, n: int) -> Decimal:
    """``value`` written with ``n`` fraction digits when that is exact, else unchanged."""
    if places(value) >= n:
        return value
    return CONTEXT.quantize(value, Decimal(1).scaleb(-n))


def power_of_ten(exponent: int, written_places: int = 0) -> Decimal:
    """``10**exponent`` written with at least ``written_places`` places (``(0, 2)`` → ``1.00``)."""
    # 10**1 is written "10", not "1E+1" as scaleb would: shrunk examples stay readable.
    value = Decimal(10**exponent) if exponent >= 0 else Decimal(1).scaleb(exponent)
    return with_places(value, max(written_places, -exponent, 0))


def on_grid(step: Decimal, k: int, origin: Decimal = ZERO) -> Decimal:
    """``origin + k * step``, exactly, written with the places of ``step``."""
    value = CONTEXT.multiply(Decimal(k), step)
    return CONTEXT.add(origin, value) if origin else value


@attrs.frozen
class Span:
    """An interval of the rationals, each end closed, open or absent (unbounded)."""

    lo: Fraction | None = None
    hi: Fraction | None = None
    lo_open: bool = False
    hi_open: bool = False

    def meet(self, other: Span) -> Span:
        """The intersection of two spans."""
        lo, lo_open = self.lo, self.lo_open
        if other.lo is not None and (
            lo is None or other.lo > lo or (other.lo == lo and other.lo_open)
        ):
            lo, lo_open = other.lo, other.lo_open
        hi, hi_open = self.hi, self.hi_open
        if other.hi is not None and (
            hi is None or other.hi < hi or (other.hi == hi and other.hi_open)
        ):
            hi, hi_open = other.hi, other.hi_open
        return Span(lo, hi, lo_open, hi_open)

    def contains(self, value: Fraction | Decimal) -> bool:
        """Whether ``value`` lies in the span."""
        x = Fraction(value)
        if self.lo is not None and (x < self.lo or (self.lo_open and x == self.lo)):
            return False
        return not (self.hi is not None and (x > self.hi or (self.hi_open and x == self.hi)))


def grid_indices(span: Span, step: Decimal, origin: Decimal = ZERO) -> tuple[int, int] | None:
    """The range of ``k`` with ``origin + k * step`` inside ``span`` (which must be bounded)."""
    assert span.lo is not None
    assert span.hi is not None
    assert step > 0
    s, o = Fraction(step), Fraction(origin)
    lo = (span.lo - o) / s
    hi = (span.hi - o) / s
    k_lo = math.floor(lo) + 1 if span.lo_open and lo == math.floor(lo) else math.ceil(lo)
    k_hi = math.ceil(hi) - 1 if span.hi_open and hi == math.ceil(hi) else math.floor(hi)
    return (k_lo, k_hi) if k_lo <= k_hi else None


def fine_step(span: Span, minimum_places: int = 8) -> Decimal:
    """A power of ten at least ``10**-minimum_places`` fine that puts points in ``span``."""
    assert span.lo is not None
    assert span.hi is not None
    width = span.hi - span.lo
    exponent = -minimum_places
    while exponent > -20 and width > 0 and Fraction(10) ** exponent * 4 > width:
        exponent -= 1
    return Decimal(1).scaleb(exponent)


def draw_in(
    draw: Callable[[st.SearchStrategy[Any]], Any],
    span: Span,
    step: Decimal,
    origin: Decimal = ZERO,
    *,
    exclude: Callable[[Decimal], bool] | None = None,
) -> Decimal | None:
    """Draw ``origin + k * step`` inside ``span``; ``None`` when there is none.

    A zero ``step`` means "no grid": a fine power of ten is used instead.
    With ``exclude``, a point it rejects is replaced by its nearest neighbour
    that it accepts (or ``None``). Shrinks toward the low end of ``span``.
    """
    if not step:
        step, origin = fine_step(span), ZERO
    found = grid_indices(span, step, origin)
    if found is None:
        return None
    k_lo, k_hi = found
    k = k_lo + draw(st.integers(0, k_hi - k_lo))
    value = on_grid(step, k, origin)
    if exclude is None or not exclude(value):
        return value
    for j in (k + 1, k - 1, k + 2, k - 2):
        if k_lo <= j <= k_hi and not exclude(candidate := on_grid(step, j, origin)):
            return candidate
    return None
