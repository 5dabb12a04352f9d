"""Tests for rules.fixer.rounding: named modes, exact grids, eras (D12, D17, D35)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

import attrs
import pytest

from rules.checker.eras import STEP_FROM_ZERO_MS as STEP_GRID_FROM_MS
from rules.checker.eras import TICK_FROM_ZERO_MS as TICK_GRID_FROM_MS
from rules.fixer.rounding import (
    DECIMAL_ROUNDING,
    ROUND_MODES,
    Grid,
    RoundMode,
    format_on_step,
    price_grid,
    quantity_grid,
    round_price,
    round_quantity,
    round_to_step,
    symbol_quantity_grid,
)
from rules.model.load import load_path
from rules.model.models import LotSizeFilter, MarketLotSizeFilter, PriceFilter
from rules.model.numbers import UNBOUNDED, to_plain_string_on_step
from tests._shared import EXCHANGE_INFO, VECTORS

D = Decimal
Pair = tuple[Decimal, Decimal]

# One row per input, one column per mode, in ROUND_MODES order:
# floor, ceil, trunc, expand, half_floor, half_ceil, half_trunc, half_expand, half_even
MODE_COLUMNS = ("value", *ROUND_MODES)

INTEGER_STEP = [
    ("1", "1", "1", "1", "1", "1", "1", "1", "1", "1"),
    ("1.3", "1", "2", "1", "2", "1", "1", "1", "1", "1"),
    ("1.5", "1", "2", "1", "2", "1", "2", "1", "2", "2"),
    ("1.7", "1", "2", "1", "2", "2", "2", "2", "2", "2"),
    ("2.5", "2", "3", "2", "3", "2", "3", "2", "3", "2"),
    ("0.5", "0", "1", "0", "1", "0", "1", "0", "1", "0"),
    ("-0.5", "-1", "0", "0", "-1", "-1", "0", "0", "-1", "0"),
    ("-1.3", "-2", "-1", "-1", "-2", "-1", "-1", "-1", "-1", "-1"),
    ("-1.5", "-2", "-1", "-1", "-2", "-2", "-1", "-1", "-2", "-2"),
    ("-1.7", "-2", "-1", "-1", "-2", "-2", "-2", "-2", "-2", "-2"),
    ("-2.5", "-3", "-2", "-2", "-3", "-3", "-2", "-2", "-3", "-2"),
]

TICK_0_01 = [
    ("30000.01", *["30000.01"] * 9),
    ("30000.015", "30000.01", "30000.02", "30000.01", "30000.02",
     "30000.01", "30000.02", "30000.01", "30000.02", "30000.02"),
    ("30000.025", "30000.02", "30000.03", "30000.02", "30000.03",
     "30000.02", "30000.03", "30000.02", "30000.03", "30000.02"),
    ("0.00999", "0.00", "0.01", "0.00", "0.01", "0.01", "0.01", "0.01", "0.01", "0.01"),
    ("-0.004", "-0.01", "0.00", "0.00", "-0.01", "0.00", "0.00", "0.00", "0.00", "0.00"),
]  # fmt: skip

# OFFGRIDUSDT before 2022-02-24: tick 0.2 from minPrice 0.5, grid ... 0.9, 1.1, 1.3 ...
TICK_0_2_FROM_0_5 = [
    ("1.1", *["1.1"] * 9),
    ("1.0", "0.9", "1.1", "0.9", "1.1", "0.9", "1.1", "0.9", "1.1", "0.9"),  # index 2 is even
    ("1.2", "1.1", "1.3", "1.1", "1.3", "1.1", "1.3", "1.1", "1.3", "1.3"),  # index 4 is even
    ("0.95", "0.9", "1.1", "0.9", "1.1", "0.9", "0.9", "0.9", "0.9", "0.9"),
    ("1.08", "0.9", "1.1", "0.9", "1.1", "1.1", "1.1", "1.1", "1.1", "1.1"),
    ("0.2", "0.1", "0.3", "0.1", "0.3", "0.1", "0.3", "0.1", "0.3", "0.1"),  # below the origin
]  # fmt: skip


def _rows(table: Sequence[tuple[str, ...]]) -> list[tuple[str, RoundMode, str]]:
    return [(row[0], mode, row[i + 1]) for row in table for i, mode in enumerate(ROUND_MODES)]


class TestRoundToStep:
    """round_to_step: the nine modes on grids through 0 and through an offset origin."""

    def test_table_has_one_column_per_mode(self) -> None:
        assert len(MODE_COLUMNS) == 10
        assert all(len(row) == len(MODE_COLUMNS) for row in INTEGER_STEP + TICK_0_01)
        assert all(len(row) == len(MODE_COLUMNS) for row in TICK_0_2_FROM_0_5)

    @pytest.mark.parametrize(("value", "mode", "expected"), _rows(INTEGER_STEP))
    def test_integer_step(self, value: str, mode: RoundMode, expected: str) -> None:
        assert round_to_step(D(value), D(1), mode) == D(expected)

    @pytest.mark.parametrize(("value", "mode", "expected"), _rows(TICK_0_01))
    def test_tick_0_01(self, value: str, mode: RoundMode, expected: str) -> None:
        assert round_to_step(D(value), D("0.01"), mode) == D(expected)

    @pytest.mark.parametrize(("value", "mode", "expected"), _rows(TICK_0_2_FROM_0_5))
    def test_offset_origin(self, value: str, mode: RoundMode, expected: str) -> None:
        assert round_to_step(D(value), D("0.2"), mode, origin=D("0.5")) == D(expected)

    @pytest.mark.parametrize("mode", ROUND_MODES)
    def test_on_grid_value_is_returned_unchanged(self, mode: RoundMode) -> None:
        value = D("30000.01000000")
        assert round_to_step(value, D("0.01"), mode) is value

    @pytest.mark.parametrize("mode", ROUND_MODES)
    def test_zero_step_disables_the_grid_D12(self, mode: RoundMode) -> None:
        value = D("1.23456789")
        assert round_to_step(value, D("0.00000000"), mode) is value

    def test_result_keeps_the_step_places(self) -> None:
        assert str(round_to_step(D("1.234"), D("0.01000000"), "floor")) == "1.23000000"

    def test_exact_on_huge_values(self) -> None:
        value = D("92233720368.547758079")
        assert round_to_step(value, D("0.00000001"), "floor") == D("92233720368.54775807")
        assert round_to_step(value, D("0.00000001"), "ceil") == D("92233720368.54775808")

    def test_too_many_digits_are_exact_never_rounded_silently(self) -> None:
        # Once Inexact (more than CONTEXT's 60 digits); now exact at any length.
        value = D("1" + "0" * 70 + ".5")
        floor = round_to_step(value, D("0.1"), "floor", origin=D("0.05"))
        assert floor == D("1" + "0" * 70 + ".45")
        assert round_to_step(value, D("0.1"), "ceil", origin=D("0.05")) == D("1" + "0" * 70 + ".55")

    LONG = "12345678901234567890.12345678901234567891"

    @pytest.mark.parametrize("mode", ROUND_MODES)
    def test_long_value_on_a_long_step_is_returned_unchanged(self, mode: RoundMode) -> None:
        value = D(self.LONG)
        assert round_to_step(value, D("1E-46"), mode) is value
        big = D("1000000000000000")
        assert round_to_step(big, D("1E-46"), mode) is big

    def test_long_value_off_a_long_step_is_exact(self) -> None:
        value = D(self.LONG + "5")  # 21 places, on 1E-46: still on the grid
        assert round_to_step(value, D("1E-46"), "floor") is value
        step = D("7E-46")
        assert not Grid(step).contains(value)
        floor = round_to_step(value, step, "floor")
        ceil = round_to_step(value, step, "ceil")
        assert floor <= value <= ceil
        assert UNBOUNDED.subtract(ceil, floor) == step
        assert Grid(step).contains(floor)
        assert Grid(step).contains(ceil)
        assert round_to_step(D(self.LONG), D("1E-19"), "floor") == D(self.LONG[:-1])
        assert round_to_step(D(self.LONG), D("1E-19"), "ceil") == D(self.LONG[:-3] + "90")
        assert Grid(D("1E-46")).first_at_least(D(self.LONG), times=D(self.LONG)) >= 0

    def test_unknown_mode(self) -> None:
        message = "unknown rounding mode 'down'; expected one of floor, ceil,"
        with pytest.raises(ValueError, match=message):
            round_to_step(D("1.5"), D(1), "down")  # type: ignore[arg-type]

    def test_negative_step(self) -> None:
        with pytest.raises(ValueError, match=r"step: expected a step >= 0, got Decimal\('-1'\)"):
            round_to_step(D("1.5"), D(-1), "floor")

    def test_float_is_read_as_its_repr(self) -> None:
        # Issue 16: the helpers take what evaluate takes; a float is the decimal
        # its repr shows (0.1 is 0.1, never Decimal(0.1) = 0.1000000000000000055...).
        assert round_to_step(0.1, D("0.01"), "floor") == D("0.10")
        assert round_to_step(0.29, D("0.01"), "floor") == D("0.29")  # Decimal(0.29) is below

    def test_list_is_refused(self) -> None:
        with pytest.raises(TypeError, match=r"value: expected a number .*got list \[1\]"):
            round_to_step([1], D("0.01"), "floor")  # type: ignore[arg-type]

    @pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity"])
    def test_non_finite_is_refused(self, bad: str) -> None:
        with pytest.raises(ValueError, match="value: expected a finite Decimal"):
            round_to_step(D(bad), D("0.01"), "floor")

    def test_decimal_equivalents(self) -> None:
        assert set(DECIMAL_ROUNDING) == set(ROUND_MODES)
        assert DECIMAL_ROUNDING["trunc"] == "ROUND_DOWN"
        assert DECIMAL_ROUNDING["expand"] == "ROUND_UP"
        assert DECIMAL_ROUNDING["half_floor"] is None


class TestGrid:
    """Grid: membership, rounding and the intersection of two grids."""

    @pytest.mark.parametrize(
        ("a", "b", "expected"),
        [
            ((D("1"), D("2.5")), (D("0.5"), D(0)), (D("1"), D("0.5"))),
            ((D("0.1"), D("0.15")), (D("0.1"), D("0.25")), (D("0.1"), D("0.05"))),
            ((D("0.04"), D(0)), (D("0.06"), D(0)), (D("0.12"), D(0))),
            ((D("0.04"), D("0.01")), (D("0.06"), D("0.03")), (D("0.12"), D("0.09"))),
            ((D("0.01"), D(0)), (D(0), D(0)), (D("0.01"), D(0))),
            ((D(0), D(0)), (D("0.5"), D("0.1")), (D("0.5"), D("0.1"))),
        ],
    )
    def test_intersect(self, a: Pair, b: Pair, expected: Pair) -> None:
        got = Grid(*a).intersect(Grid(*b))
        assert got is not None
        assert (got.step, got.origin) == expected
        assert Grid(*b).intersect(Grid(*a)) == got

    def test_disjoint(self) -> None:
        assert Grid(D("0.1")).intersect(Grid(D("0.1"), D("0.05"))) is None
        assert Grid(D("0.04")).intersect(Grid(D("0.06"), D("0.01"))) is None

    def test_contains(self) -> None:
        grid = Grid(D("0.00000010"), D("0.00001005"))
        assert grid.contains(D("0.00001015"))
        assert not grid.contains(D("0.00001010"))
        assert Grid(D(0)).contains(D("3.14159"))


class TestEras:
    """D17: the grid origin is minPrice/minQty before the rule changes, 0 after."""

    PRICE = PriceFilter(D("0.5"), D("1000"), D("0.2"))
    LOT = LotSizeFilter(D("0.15"), D("1000"), D("0.1"))

    @pytest.mark.parametrize(
        ("server_time", "origin"),
        [(TICK_GRID_FROM_MS - 1, D("0.5")), (TICK_GRID_FROM_MS, D(0)), (None, D(0))],
    )
    def test_price_grid(self, server_time: int | None, origin: Decimal) -> None:
        assert price_grid(self.PRICE, server_time) == Grid(D("0.2"), origin)

    @pytest.mark.parametrize(
        ("server_time", "origin"),
        [(STEP_GRID_FROM_MS - 1, D("0.15")), (STEP_GRID_FROM_MS, D(0)), (None, D(0))],
    )
    def test_quantity_grid(self, server_time: int | None, origin: Decimal) -> None:
        assert quantity_grid(self.LOT, server_time) == Grid(D("0.1"), origin)

    def test_boundaries_are_utc_midnight(self) -> None:
        assert TICK_GRID_FROM_MS == 1645660800000  # 2022-02-24T00:00:00Z
        assert STEP_GRID_FROM_MS == 1678665600000  # 2023-03-13T00:00:00Z


class TestSymbolRounding:
    """round_price / round_quantity read the symbol's PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE."""

    GRID_2021 = load_path(VECTORS / "syn-grid-2021.exchangeinfo.json")
    REAL_2023 = load_path(EXCHANGE_INFO / "spot-full-2023-08.json", symbols=["BTCUSDT", "SHIBUSDT"])

    def test_real_btcusdt(self) -> None:
        btc = self.REAL_2023["BTCUSDT"]
        now = self.REAL_2023.server_time
        assert round_price(btc, D("29123.456"), "floor", server_time=now) == D("29123.45")
        assert round_price(btc, D("29123.456"), "ceil", server_time=now) == D("29123.46")
        assert round_quantity(btc, D("0.0012345"), "floor", server_time=now) == D("0.00123")

    def test_real_shib_step_one(self) -> None:
        shib = self.REAL_2023["SHIBUSDT"]
        assert round_quantity(shib, D("1234567.89"), "floor") == D("1234567")
        assert to_plain_string_on_step(D("1234567"), D("1.00")) == "1234567"

    def test_old_era_tick_grid_is_offset_by_min_price(self) -> None:
        sym = self.GRID_2021["OFFGRIDUSDT"]
        old = self.GRID_2021.server_time
        assert old is not None
        assert old < TICK_GRID_FROM_MS
        assert round_price(sym, D("1.0"), "floor", server_time=old) == D("0.9")
        assert round_price(sym, D("1.0"), "floor") == D("1.0")  # today's rules: 1.0 = 5 ticks

    def test_old_era_step_grid_is_offset_by_min_qty(self) -> None:
        sym = self.GRID_2021["MINOFFBTC"]  # minQty 0.0015, stepSize 0.001
        old = self.GRID_2021.server_time
        assert round_quantity(sym, D("0.0031"), "floor", server_time=old) == D("0.0025")
        assert round_quantity(sym, D("0.0031"), "floor") == D("0.003")

    def test_market_quantity_is_on_both_grids_D09(self) -> None:
        sym = self.GRID_2021["BIGSTEPUSDT"]  # LOT_SIZE 2.5 + 1·Z (2021), MARKET_LOT_SIZE 0.5·Z
        old = self.GRID_2021.server_time
        assert round_quantity(sym, D("3.7"), "floor", server_time=old) == D("3.5")
        assert round_quantity(sym, D("3.7"), "floor", server_time=old, market=True) == D("3.5")
        assert round_quantity(sym, D("3.7"), "floor", market=True) == D("3")

    def test_market_grids_that_never_meet(self) -> None:
        sym = self.GRID_2021["BIGSTEPUSDT"]
        lot = sym.filter(LotSizeFilter)
        assert lot is not None
        odd = attrs.evolve(sym, filters=(lot, MarketLotSizeFilter(D("0.25"), D("500"), D("0.5"))))
        old = self.GRID_2021.server_time
        assert symbol_quantity_grid(odd, server_time=old, market=True) is None
        with pytest.raises(ValueError, match="BIGSTEPUSDT: no quantity is on both"):
            round_quantity(odd, D("3"), "floor", server_time=old, market=True)

    def test_symbol_without_filters_is_unchanged(self) -> None:
        sym = self.GRID_2021["BIGSTEPUSDT"]
        bare = attrs.evolve(sym, filters=())
        assert round_price(bare, D("1.234"), "floor") == D("1.234")
        assert round_quantity(bare, D("1.234"), "floor") == D("1.234")

    def test_unknown_mode_is_refused_without_filters_too(self) -> None:
        # The mode is checked first, always: not only when there is a grid to round on.
        sym = self.GRID_2021["BIGSTEPUSDT"]
        bare = attrs.evolve(sym, filters=())
        for symbol in (sym, bare):
            with pytest.raises(ValueError, match="unknown rounding mode 'sideways'"):
                round_price(symbol, D("1.23"), "sideways")  # type: ignore[arg-type]
            with pytest.raises(ValueError, match="unknown rounding mode 'sideways'"):
                round_quantity(symbol, D("1.23"), "sideways")  # type: ignore[arg-type]
            with pytest.raises(ValueError, match="unknown rounding mode 'sideways'"):
                round_quantity(symbol, D("1.23"), "sideways", market=True)  # type: ignore[arg-type]


class TestWireString:
    """to_plain_string_on_step: plain decimals with the grid's places, never exponents."""

    @pytest.mark.parametrize(
        ("value", "step", "expected"),
        [
            ("30000", "0.01000000", "30000.00"),
            ("30000.01000000", "0.01000000", "30000.01"),
            ("1E-8", "0.00000001", "0.00000001"),
            ("2E+3", "10", "2000"),
            ("0.00001015", "0.0000001", "0.00001015"),  # old-era grid offset by minPrice
            ("1.5", "0", "1.5"),
            ("92233720368.54775807", "0.00000001", "92233720368.54775807"),
        ],
    )
    def test_format(self, value: str, step: str, expected: str) -> None:
        assert to_plain_string_on_step(D(value), D(step)) == expected

    def test_value_places_are_never_dropped(self) -> None:
        assert to_plain_string_on_step(D("1.234"), D("0.01")) == "1.234"


class TestFormatOnStep:
    """format_on_step: the public wire formatter, the private helper behind a checked door."""

    @pytest.mark.parametrize(
        ("value", "step", "expected"),
        [
            ("30000", "0.01000000", "30000.00"),
            ("0.0034", "0.00001000", "0.00340"),
            ("1E-8", "0.00000001", "0.00000001"),
            ("2E+3", "10", "2000"),
            ("1.50", "0", "1.5"),
            ("1.234", "0.01", "1.234"),  # formats, never rounds
            ("-0.5", "0.1", "-0.5"),
            # D29: padding stops at 20 places, whatever the step
            ("1", "0." + "0" * 20 + "1", "1." + "0" * 19 + "0"),
            ("1.5", "1E-46", "1.5" + "0" * 19),
        ],
    )
    def test_format(self, value: str, step: str, expected: str) -> None:
        assert format_on_step(D(value), D(step)) == expected
        if len(expected.partition(".")[2]) < 20:
            assert format_on_step(D(value), D(step)) == to_plain_string_on_step(D(value), D(step))

    @pytest.mark.parametrize("step", ["0." + "0" * 20 + "1", "1E-46", "3E-25"])
    def test_never_pads_past_20_places_D29(self, step: str) -> None:
        for value in ("0", "1", "1.5", "12345678901234567890.12345678901234567891"):
            text = format_on_step(D(value), D(step))
            assert D(text) == D(value)
            assert len(text.partition(".")[2]) == max(20, len(value.partition(".")[2]))

    def test_exported_from_rules(self) -> None:
        import rules

        assert rules.format_on_step is format_on_step
        assert "format_on_step" in rules.__all__

    @pytest.mark.parametrize(
        ("value", "step", "error", "message"),
        [
            (None, D("0.1"), TypeError, "value: expected a number (Decimal, str, int, float"),
            (True, D("0.1"), TypeError, "value: expected a number (Decimal, str, int, float"),
            (D("1.5"), "0.1e1", ValueError, "step: expected a plain decimal number"),
            ("1.5", "", ValueError, "step: expected a plain decimal number"),
            (D("NaN"), D("0.1"), ValueError, "value: expected a finite Decimal"),
            (D("1.5"), D("-0.1"), ValueError, "step: expected a step >= 0"),
        ],
    )
    def test_refuses(
        self, value: object, step: object, error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match=re.escape(message)):
            format_on_step(value, step)  # type: ignore[arg-type]

    def test_rounded_then_formatted_is_on_the_grid(self) -> None:
        step = D("0.00001000")
        text = format_on_step(round_to_step(D("0.0034012345"), step, "floor"), step)
        assert text == "0.00340"
        assert D(text) % step == 0
