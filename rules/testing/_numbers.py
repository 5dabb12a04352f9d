"""Strategies for the numbers rules are written in: decimals on a grid, and the
powers of ten Binance uses as tick and step sizes.

Public through :mod:`rules.testing` (and :mod:`rules.testing.strategies`).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rules.testing._values import Span, grid_indices, on_grid, power_of_ten, to_decimal


def grid_decimals(
    *, step: Decimal | int | str, min_value: Decimal | int | str, max_value: Decimal | int | str
) -> st.SearchStrategy[Decimal]:
    """Decimals ``k × step`` between ``min_value`` and ``max_value``, exact by construction.

    Each value is an integer times ``step`` (computed exactly, written with the
    places of ``step``: a step of ``"1.00"`` gives ``Decimal("3.00")``), so it is
    always on the grid ``value % step == 0``.

    Shrinks toward the smallest grid value not below ``min_value``.

    Raises:
        InvalidArgument: ``step`` is not positive, ``min_value > max_value``, a
            bound is a float, or no multiple of ``step`` lies between the bounds.
    """
    step_d = to_decimal("step", step)
    lo, hi = to_decimal("min_value", min_value), to_decimal("max_value", max_value)
    if step_d <= 0:
        raise InvalidArgument(f"step={step!r} must be positive")
    if lo > hi:
        raise InvalidArgument(
            f"min_value={min_value!r} cannot be larger than max_value={max_value!r}"
        )
    span = Span(Fraction(lo), Fraction(hi))
    if grid_indices(span, step_d) is None:
        raise InvalidArgument(f"no multiple of step={step!r} lies in [{min_value}, {max_value}]")
    k_lo, k_hi = grid_indices(span, step_d) or (0, 0)
    return st.integers(0, k_hi - k_lo).map(lambda n: on_grid(step_d, k_lo + n))


def step_sizes(
    *, min_value: Decimal | int | str = Decimal("0.00000001"), max_value: Decimal | int | str = 10
) -> st.SearchStrategy[Decimal]:
    """Powers of ten as Binance writes tick and step sizes (``"0.01000000"``, ``"1.00"``, ``"1"``).

    Every real ``tickSize``/``stepSize`` is a power of ten (FINDINGS.md §3); its
    string has either its own places or 8, or the 2 places of its asset.

    Shrinks toward 1, or the power of ten nearest to it when 1 is out of bounds
    (the smaller one on a tie), written with its fewest places (``10``, not ``10.00``).

    Raises:
        InvalidArgument: a bound is not positive, ``min_value > max_value``, or
            no power of ten lies between them.
    """
    lo, hi = to_decimal("min_value", min_value), to_decimal("max_value", max_value)
    if lo <= 0 or lo > hi:
        raise InvalidArgument(f"need 0 < min_value <= max_value, got {min_value!r}, {max_value!r}")
    exponents = [e for e in range(-20, 21) if lo <= Decimal(1).scaleb(e) <= hi]
    if not exponents:
        raise InvalidArgument(f"no power of ten lies in [{min_value}, {max_value}]")
    exponents.sort(key=abs)
    return st.builds(power_of_ten, st.sampled_from(exponents), st.sampled_from((0, 8, 2)))
