"""The fixer's bound arithmetic: each side of a rule as the grid point to move to.

A :class:`Bound` is one rule on one value, ``value × times >= limit`` (built by
:func:`at_least`) or ``<= limit`` (:func:`at_most`), together with the nearest
grid point that keeps it. Whether a value keeps the rule is decided on the rule
itself, exactly, so that a value that passes is never moved. Arithmetic goes
through :data:`rules.model.numbers.UNBOUNDED`: exact at any length (a 20.20-digit
quantity times a 20.20-digit price needs more than 60 digits).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import attrs

from rules.fixer.rounding import Grid
from rules.model.numbers import UNBOUNDED

__all__ = ["WIRE_GRID", "Bound", "at_least", "at_most", "feasible", "on_the_wire", "precision_grid"]

_ZERO: Final = Decimal(0)
#: What can be sent at all (D29): at most 20 fraction digits, so a multiple of 1E-20.
WIRE_GRID: Final = Grid(Decimal("1E-20"))


@attrs.frozen
class Bound:
    """One side of a rule: ``value × times >= limit`` (a low bound) or ``<= limit`` (high).

    ``value`` is the nearest grid point that keeps the rule: where the fixer moves
    to. Whether the current value keeps it is decided on ``limit`` itself, exactly,
    so that a value that passes is never moved. ``strict`` makes it ``>``/``<``.
    """

    value: Decimal
    filter_type: str | None
    text: str
    limit: Decimal | None = None
    times: Decimal = Decimal(1)
    strict: bool = False
    #: The value's own range ([minQty, maxQty], a positive quantity): the fixer
    #: always moves into it; other low bounds (a notional) need ``allow_increase``.
    own_range: bool = False

    def keeps_low(self, value: Decimal) -> bool:
        if self.limit is None:
            return value >= self.value
        product = UNBOUNDED.multiply(value, self.times)
        return product > self.limit if self.strict else product >= self.limit

    def keeps_high(self, value: Decimal) -> bool:
        if self.limit is None:
            return value <= self.value
        product = UNBOUNDED.multiply(value, self.times)
        return product < self.limit if self.strict else product <= self.limit


def at_least(
    work: Grid, limit: Decimal, filter_type: str | None, text: str, *,
    times: Decimal = Decimal(1), strict: bool = False, own_range: bool = False,
) -> Bound:  # fmt: skip
    """The rule ``x × times >= limit`` (``>`` if strict), moving to its least grid point."""
    value = work.first_at_least(limit, times=times)
    if strict and UNBOUNDED.multiply(value, times) == limit:
        value = UNBOUNDED.add(value, work.step)
    return Bound(value, filter_type, text, limit, times, strict, own_range)


def at_most(
    work: Grid, limit: Decimal, filter_type: str | None, text: str, *,
    times: Decimal = Decimal(1), strict: bool = False,
) -> Bound:  # fmt: skip
    """The rule ``x × times <= limit`` (``<`` if strict), moving to its greatest grid point."""
    value = work.last_at_most(limit, times=times)
    if strict and UNBOUNDED.multiply(value, times) == limit:
        value = UNBOUNDED.subtract(value, work.step)
    return Bound(value, filter_type, text, limit, times, strict)


def precision_grid(places: int | None) -> Grid:
    # 8 places when the snapshot does not say: every Binance asset has at most 8.
    return Grid(Decimal(1).scaleb(-(8 if places is None else places)))


def on_the_wire(grid: Grid) -> Grid | None:
    """The points of ``grid`` that can be sent (D29: at most 20 fraction digits), or
    ``None`` when there is none; a zero step (no grid, D12) gives the 20-place grid."""
    if grid.step and all(_places(d) <= 20 for d in (grid.step, grid.origin)):
        return grid  # every point already has at most 20 places: kept as it is
    return grid.intersect(WIRE_GRID)


def _places(value: Decimal) -> int:
    return max(0, -int(value.normalize(UNBOUNDED).as_tuple().exponent))


def feasible(
    grid: Grid, low: Bound | None, high: Bound | None, *, least_positive: bool = True
) -> tuple[Decimal | None, Decimal | None]:
    """The least and greatest passing grid points (> 0); ``None``: no such bound.

    Without a tick (``least_positive=False``: only D29's 20 places) there is no
    least positive price to move to: the least is the minimum bound's first grid
    point if the minimum is positive, else ``None``.
    """
    if not grid.step:
        first = low.value if low is not None and low.value > 0 else None
        return first, high.value if high is not None else None
    if not least_positive:
        first = grid.first_at_least(low.value) if low is not None and low.value > 0 else None
        return first, grid.last_at_most(high.value) if high is not None else None
    positive = UNBOUNDED.add(grid.last_at_most(_ZERO), grid.step)
    first = max(grid.first_at_least(low.value), positive) if low is not None else positive
    last = grid.last_at_most(high.value) if high is not None else None
    return first, last
