"""Properties of rules.fixer.rounding: results land on the grid, rounding is idempotent and exact.

filters.md, PRICE_FILTER: "`price` % `tickSize` == 0"; LOT_SIZE: "`quantity` % `stepSize` == 0";
CHANGELOG 2022-02-24 / 2023-03-13: before them, the grids started at minPrice / minQty (D17, D35).
"""

from __future__ import annotations

from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal, Inexact

from hypothesis import assume, given
from hypothesis import strategies as st

from rules.checker.context import Context
from rules.checker.eras import Era
from rules.checker.filters import check_lot_size, check_price_filter
from rules.checker.kinds import ORDER_KINDS
from rules.checker.order import ParsedOrder
from rules.fixer.rounding import (
    DECIMAL_ROUNDING,
    ROUND_MODES,
    Grid,
    RoundMode,
    price_grid,
    quantity_grid,
    round_to_step,
)
from rules.model.models import LotSizeFilter, PriceFilter
from rules.model.numbers import CONTEXT, to_plain_string_on_step

modes = st.sampled_from(ROUND_MODES)


@st.composite
def decimals(draw: st.DrawFn, *, max_places: int = 10, signed: bool = True) -> Decimal:
    """Exact decimals as an integer times 10**-places (STYLE.md §2.8); shrink toward 0."""
    places = draw(st.integers(0, max_places))
    low = -(10**15) if signed else 0
    return Decimal(draw(st.integers(low, 10**15))).scaleb(-places)


@st.composite
def steps(draw: st.DrawFn) -> Decimal:
    """Positive steps: powers of ten like Binance's, and arbitrary ones filters.md allows."""
    places = draw(st.integers(0, 8))
    digits = draw(st.one_of(st.just(1), st.integers(1, 999)))
    return Decimal(digits).scaleb(-places)


@st.composite
def grids(draw: st.DrawFn) -> Grid:
    step = draw(steps())
    origin = draw(st.one_of(st.just(Decimal(0)), decimals(max_places=9, signed=False)))
    return Grid(step, origin)


class TestRoundToStep:
    """round_to_step lands on the grid, next to the value, and is idempotent."""

    @given(decimals(), grids(), modes)
    def test_lands_on_the_grid(self, value: Decimal, grid: Grid, mode: RoundMode) -> None:
        """filters.md: "`price` % `tickSize` == 0" (from the origin, D35)."""
        assert grid.contains(grid.round(value, mode))

    @given(decimals(), grids(), modes)
    def test_idempotent(self, value: Decimal, grid: Grid, mode: RoundMode) -> None:
        once = grid.round(value, mode)
        assert grid.round(once, mode) == once
        for other in ROUND_MODES:
            assert grid.round(once, other) == once

    @given(decimals(), grids(), modes)
    def test_one_of_the_two_neighbours(self, value: Decimal, grid: Grid, mode: RoundMode) -> None:
        low, high = grid.round(value, "floor"), grid.round(value, "ceil")
        assert low <= value <= high
        assert CONTEXT.subtract(high, low) in (0, grid.step)
        assert grid.round(value, mode) in (low, high)

    @given(decimals(), grids(), st.sampled_from([m for m in ROUND_MODES if m.startswith("half")]))
    def test_half_modes_are_nearest(self, value: Decimal, grid: Grid, mode: RoundMode) -> None:
        result = grid.round(value, mode)
        assert CONTEXT.multiply(abs(CONTEXT.subtract(result, value)), 2) <= grid.step

    @given(decimals(), st.integers(-8, 3), modes)
    def test_matches_decimal_quantize_on_powers_of_ten(
        self, value: Decimal, exponent: int, mode: RoundMode
    ) -> None:
        """On a grid through 0 with a 10**k step the modes are ROUND_* (the docs table)."""
        step = Decimal(1).scaleb(exponent)
        rounding = DECIMAL_ROUNDING[mode]
        if rounding is None:  # half_floor / half_ceil depend on the sign
            toward_minus = mode == "half_floor"
            rounding = ROUND_HALF_DOWN if (value >= 0) == toward_minus else ROUND_HALF_UP
        loose = CONTEXT.copy()
        loose.traps[Inexact] = False  # quantize signals Inexact when it rounds
        expected = value.quantize(step, rounding=rounding, context=loose)
        assert round_to_step(value, step, mode) == expected

    @given(decimals(), modes)
    def test_zero_step_is_the_identity(self, value: Decimal, mode: RoundMode) -> None:
        """D12: a 0 step disables the grid."""
        assert round_to_step(value, Decimal(0), mode) is value

    @given(decimals(signed=False), steps())
    def test_wire_string_is_plain_and_exact(self, value: Decimal, step: Decimal) -> None:
        on_grid = round_to_step(value, step, "floor")
        text = to_plain_string_on_step(on_grid, step)
        assert "E" not in text
        assert "e" not in text
        assert Decimal(text) == on_grid


class TestGridIntersection:
    """Grid.intersect holds exactly the values on both grids."""

    @given(grids(), grids(), st.integers(-50, 50))
    def test_exact(self, first: Grid, second: Grid, k: int) -> None:
        both = first.intersect(second)
        point = CONTEXT.fma(k, first.step, first.origin)
        if both is None:
            assert not second.contains(point)
        else:
            assert both.contains(point) == second.contains(point)
            assert first.contains(both.origin)
            assert second.contains(both.origin)
            assert CONTEXT.remainder(both.step, first.step) == 0
            assert CONTEXT.remainder(both.step, second.step) == 0

    @given(grids(), grids())
    def test_none_means_disjoint(self, first: Grid, second: Grid) -> None:
        assume(first.intersect(second) is None)
        # Every residue of the second grid modulo the first's step is visited within
        # lcm/step points; a few hundred cover the steps generated here.
        for k in range(300):
            assert not first.contains(CONTEXT.fma(k, second.step, second.origin))


class TestSameGridAsTheChecker:
    """round_price / round_quantity land where the checker's PRICE_FILTER / LOT_SIZE grid is (D35).

    The checker and the rounding share the era boundaries (rules.checker.eras.Era); this checks
    that they also agree on the grid itself, in every era.
    """

    @given(
        decimals(signed=False),
        steps(),
        decimals(max_places=9, signed=False),
        st.sampled_from([None, 1622505600000, 1654041600000, 1780000000000]),
        modes,
    )
    def test_price_and_quantity(
        self, value: Decimal, step: Decimal, minimum: Decimal, server_time: int | None,
        mode: RoundMode,
    ) -> None:  # fmt: skip
        era = Era.at(server_time)
        price_filter = PriceFilter(minimum, Decimal(0), step)
        price = price_grid(price_filter, server_time).round(value, mode)
        assume(price >= minimum)
        order = ParsedOrder(price=price)
        kind = ORDER_KINDS["LIMIT"]
        assert check_price_filter(price_filter, order, kind, Context(), era) is None
        lot = LotSizeFilter(minimum, Decimal(0), step)
        quantity = quantity_grid(lot, server_time).round(value, mode)
        assume(quantity >= minimum)
        order = ParsedOrder(quantity=quantity)
        assert check_lot_size(lot, order, kind, Context(), era) is None
