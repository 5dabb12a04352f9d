"""Constraints on one order value, and the exact solver that draws inside them.

A constraint (:class:`_Con`) is an interval and an optional grid, labelled with
the rule it comes from; :func:`_options` turns the constraints on a value into
the exact ranges a valid value, or one breaking a given rule, lies in
(:mod:`rules.testing._orders`, step 5 of its recipe).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import strategies as st

from rules.checker.context import Context
from rules.fixer.rounding import Grid
from rules.testing._values import ZERO, Span, draw_in, fine_step, grid_indices, on_grid

Draw = Any

_FRACTION_LIMIT = Fraction(10) ** 20  # D29: at most 20 integer digits


@attrs.frozen
class _Con:
    """One constraint on one value: an interval and/or a grid, from one rule."""

    rule: str
    span: Span = attrs.field(factory=Span)
    grid: Grid | None = None


#: The label of the precision constraint (-1111, D38): never a rule to break.
PRECISION = "PRECISION"


def _precision(places: int | None) -> list[_Con]:
    """D38: the values sendable with at most ``places`` decimals are the grid of
    ``10**-places`` (``_finish`` in :mod:`rules.testing._orders` writes them with at
    most that many, D39)."""
    if places is None or places < 0:
        return []
    return [_Con(PRECISION, grid=Grid(Decimal(1).scaleb(-places)))]


def _bounds(rule: str, lo: Decimal, hi: Decimal, grid: Grid | None = None) -> _Con:
    # A 0 bound is disabled (D12); so is a 0 step (Grid admits everything then).
    return _Con(
        rule,
        Span(Fraction(lo) if lo else None, Fraction(hi) if hi else None),
        grid if grid is not None and grid.step else None,
    )


def _market_prices(context: Context | None) -> list[Decimal]:
    if context is None:
        return []
    found = (context.avg_price, context.reference_price, context.last_price)
    return [p for p in found if p is not None and p > 0]


def _checked_prices(context: Context | None) -> bool:
    # Whichever price the checker picks (D18), it is one of these and not None.
    return context is not None and context.avg_price is not None and context.last_price is not None


#: A constraint no value meets: what cannot be built is not drawn.
_NOWHERE = _Con("ROOM", Span(Fraction(1), Fraction(0)))


_REACH = 10**4
#: Every value is above 0 and below 10**20 (D29: at most 20 integer digits; 10**20 has 21).
_POSITIVE = Span(Fraction(0), _FRACTION_LIMIT, lo_open=True, hi_open=True)
_NO_GRID = Grid(ZERO)
#: The finest points a value can be sent on (D29: at most 20 fraction digits).
_FINEST = Grid(Decimal(1).scaleb(-20))


def _empty(span: Span) -> bool:
    if span.lo is None or span.hi is None:
        return False
    return span.lo > span.hi or (span.lo == span.hi and (span.lo_open or span.hi_open))


def _window(span: Span, fallback: Fraction, grid: Grid | None = None) -> Span:
    """Where a valid value is drawn inside ``span``: from its lowest value to ``_REACH`` times it.

    The lowest value is the first point of ``grid`` in ``span`` (a lower bound far
    below the first tick, as ``minNotional / maxQty`` can be, must not leave the
    window without a point). Without a positive lower bound, around ``fallback``
    (a sensible level), under ``span.hi``.
    """
    if span.lo is not None and span.lo > 0:
        lowest = span.lo
        if grid is not None and not grid.step:
            grid = _FINEST  # no step: a point still has at most 20 places (D29)
        if grid is not None and grid.step:
            step, origin = Fraction(grid.step), Fraction(grid.origin)
            k = (span.lo - origin) / step
            first = math.floor(k) + 1 if span.lo_open and k == math.floor(k) else math.ceil(k)
            lowest = max(lowest, origin + first * step)
        return span.meet(Span(None, lowest * _REACH))
    anchor = fallback if span.hi is None else min(fallback, span.hi)
    return span.meet(Span(anchor / _REACH, anchor * _REACH, lo_open=True))


def _grid_of(cons: list[_Con]) -> Grid | None:
    # The grid of every constraint at once (a zero step when there is none), or
    # None when no value is on all of them.
    grid: Grid | None = _NO_GRID
    for c in cons:
        if c.grid is not None and grid is not None:
            grid = grid.intersect(c.grid)
    return grid


def _meet(cons: list[_Con]) -> Span:
    span = _POSITIVE
    for c in cons:
        span = span.meet(c.span)
    return span


def _indices(span: Span, grid: Grid) -> tuple[int, int, Decimal, Decimal] | None:
    """The grid (or, with no step, the fine power of ten draw_in uses) points in ``span``."""
    if _empty(span) or span.lo is None or span.hi is None:
        return None
    step, origin = (grid.step, grid.origin) if grid.step else (fine_step(span), ZERO)
    found = grid_indices(span, step, origin)
    return None if found is None else (*found, step, origin)


def _ends(span: Span, grid: Grid) -> tuple[Fraction, Fraction] | None:
    """The lowest and highest values of ``span`` on ``grid`` (its ends when there is no step)."""
    if _empty(span) or span.lo is None or span.hi is None:
        return None
    if not grid.step:
        return span.lo, span.hi
    found = grid_indices(span, grid.step, grid.origin)
    if found is None:
        return None
    s, o = Fraction(grid.step), Fraction(grid.origin)
    return o + found[0] * s, o + found[1] * s


#: Where to draw (span, grid) and, to break a grid, the grid to stay off.
_Option = tuple[Span, Grid, Grid | None]


def _options(cons: list[_Con], fallback: Fraction, target: str | None = None) -> list[_Option]:
    """Where a value inside every constraint not from ``target``, and outside one from it, lies.

    Computed exactly: every option returned holds a value to draw (rule 5).
    """
    others = [c for c in cons if c.rule != target]
    span = _meet(others)
    grid = _grid_of(others)
    if grid is None or _empty(span):
        return []
    if target is None:
        window = _window(span, fallback, grid)
        return [(window, grid, None)] if _indices(window, grid) is not None else []
    breaks = [c for c in cons if c.rule == target]
    candidates: list[tuple[Span, Grid | None]] = []
    # Outside the union of the rule's intervals (one per market price, rule 4 of
    # the module docstring), so that the rule fails whichever price is used.
    lows = [c.span.lo for c in breaks if c.span.lo is not None]
    highs = [c.span.hi for c in breaks if c.span.hi is not None]
    if lows and len(lows) == len(breaks):
        below = span.meet(Span(None, min(lows), hi_open=True))
        if not _empty(below) and below.hi is not None:  # just below the bound
            candidates.append((below.meet(Span(below.hi / _REACH, None)), None))
    if highs and len(highs) == len(breaks):
        above = span.meet(Span(max(highs), None, lo_open=True))
        if not _empty(above) and above.lo is not None:  # just above it
            candidates.append((above.meet(Span(None, above.lo * _REACH)), None))
    window = _window(span, fallback, grid)
    candidates.extend((window, c.grid) for c in breaks if c.grid is not None)
    found: list[_Option] = []
    for sub, off in candidates:
        if off is None:
            if _indices(sub, grid) is not None:
                found.append((sub, grid, None))
            continue
        both = grid.intersect(Grid(off.step / 10, off.origin))
        if both is None:
            continue
        points = _indices(sub, both)
        if points is None:
            continue
        # Two neighbours are never both on ``off`` unless every point is (draw_in's
        # exclude then finds a neighbour); look at the first two.
        k_lo, k_hi, step, origin = points
        if any(
            not off.contains(on_grid(step, k, origin)) for k in range(k_lo, min(k_hi, k_lo + 1) + 1)
        ):
            found.append((sub, both, off))
    return found


def _solve(
    draw: Draw, cons: list[_Con], fallback: Fraction, target: str | None = None
) -> Decimal | None:
    """A value inside every constraint not from ``target``, and outside one from it."""
    return _draw_option(draw, _options(cons, fallback, target))


def _draw_option(draw: Draw, options: list[_Option]) -> Decimal | None:
    if not options:
        return None
    sub, on, off = options[0] if len(options) == 1 else draw(st.sampled_from(options))
    exclude = (lambda v: off.contains(v)) if off is not None else None
    return draw_in(draw, sub, on.step, on.origin, exclude=exclude)
