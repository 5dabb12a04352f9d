"""The rounding helpers take what ``evaluate`` takes; one call gives the wire string (issue 16)."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rules
from rules.checker.order import read_decimal
from rules.fixer.rounding import format_on_step, round_price, round_quantity, round_to_step
from rules.fixer.wire import price_to_wire, quantity_to_wire

D = Decimal
INFO = rules.load_path("rules/examples/exchange_info.json")
BTC = INFO["BTCUSDT"]
SHIB = INFO["SHIBUSDT"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("29400.1234", D("29400.12")),
        (29400.1234, D("29400.12")),
        (29400, D("29400.00")),
        (D("29400.1234"), D("29400.12")),
        (np.float64(29400.1234), D("29400.12")),
        (np.float32(0.1), D("0.10")),  # the float32's shortest repr, 0.1, not 0.100000001490116
        (np.int64(29400), D("29400.00")),
        ("-29400.1234", D("-29400.13")),  # floor goes toward -infinity
    ],
)
def test_round_price_takes_what_evaluate_takes(value: object, expected: D) -> None:
    assert round_price(BTC, value, "floor") == expected  # type: ignore[arg-type]


def test_the_issue_example_no_longer_raises() -> None:
    # round_price(f, "29400.1234") raised TypeError before.
    assert rules.round_price(BTC, "29400.1234", "floor") == D("29400.12")
    assert rules.price_to_wire(BTC, "29400.1234", "floor") == "29400.12"


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        ("29400.1234", "floor", "29400.12"),
        ("29400.1234", "ceil", "29400.13"),
        ("29400.125", "half_even", "29400.12"),
        ("29400.135", "half_even", "29400.14"),
        (29400, "floor", "29400.00"),
        (0.1, "floor", "0.10"),
        (np.float32(64000.5), "floor", "64000.50"),
    ],
)
def test_price_to_wire(value: object, mode: rules.RoundMode, expected: str) -> None:
    assert price_to_wire(BTC, value, mode) == expected  # type: ignore[arg-type]


def test_price_to_wire_never_in_exponent_form() -> None:
    # SHIB's tick is 1E-8: Decimal would print 1E-8, the wire needs 0.00000001.
    assert price_to_wire(SHIB, 1.234e-8, "floor") == "0.00000001"
    assert price_to_wire(SHIB, "0.0000123456", "ceil") == "0.00001235"
    assert "E" not in price_to_wire(SHIB, D("1E-8"), "floor")


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        ("0.123456789", "floor", "0.12345"),
        (0.123456789, "ceil", "0.12346"),
        (1.23456789e-3, "floor", "0.00123"),  # repr is 0.00123456789: no exponent reaches the wire
        (np.float64(2.5), "floor", "2.50000"),
        (3, "floor", "3.00000"),
    ],
)
def test_quantity_to_wire(value: object, mode: rules.RoundMode, expected: str) -> None:
    assert quantity_to_wire(BTC, value, mode) == expected  # type: ignore[arg-type]


def test_quantity_to_wire_step_of_one() -> None:
    assert quantity_to_wire(SHIB, "1234567.89", "floor") == "1234567"
    assert quantity_to_wire(SHIB, "1234567.89", "floor", market=True) == "1234567"


def test_wire_helpers_follow_the_era_D17() -> None:
    # Before 2022-02-24 the tick grid started at minPrice.
    info = rules.loads(
        '{"serverTime": 1622505600000, "symbols": [{"symbol": "X", "status": "TRADING", '
        '"baseAsset": "A", "quoteAsset": "B", "filters": [{"filterType": "PRICE_FILTER", '
        '"minPrice": "0.5", "maxPrice": "1000", "tickSize": "0.2"}]}]}'
    )
    assert price_to_wire(info["X"], "1.0", "floor", server_time=info.server_time) == "0.9"
    assert price_to_wire(info["X"], "1.0", "floor") == "1.0"


def test_wire_string_is_accepted_by_the_checker() -> None:
    order = {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": price_to_wire(BTC, 64000.019, "floor", server_time=INFO.server_time),
        "quantity": quantity_to_wire(BTC, 0.0012345, "floor", server_time=INFO.server_time),
    }
    assert order["price"] == "64000.01"
    assert order["quantity"] == "0.00123"
    assert rules.evaluate(INFO, order, {"avgPrice": "64210.55"}).accepted


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("1e5", ValueError, "price: expected a plain decimal number"),
        ("1,5", ValueError, "price: expected a plain decimal number"),
        ("", ValueError, "price: expected a plain decimal number"),
        (" 1.5", ValueError, "price: expected a plain decimal number"),
        ("1." + "1" * 21, ValueError, "pass a Decimal for longer values"),
        (float("nan"), ValueError, "price: expected a plain decimal number"),
        (float("inf"), ValueError, "price: expected a plain decimal number"),
        (np.float32("nan"), ValueError, "price: expected a plain decimal number"),
        (D("NaN"), ValueError, "price: expected a finite Decimal"),
        (None, TypeError, "price: expected a number (Decimal, str, int, float or numpy scalar)"),
        (True, TypeError, "got bool True"),
        (np.bool_(True), ValueError, "price: expected a plain decimal number"),
        ([1], TypeError, "got list [1]"),
    ],
)
def test_refuses_with_a_clear_error(value: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        price_to_wire(BTC, value, "floor")  # type: ignore[arg-type]
    with pytest.raises(error, match=re.escape(message.replace("price", "quantity"))):
        round_quantity(BTC, value, "floor")  # type: ignore[arg-type]


def test_a_long_decimal_is_still_exact() -> None:
    value = D("12345678901234567890.12345678901234567891")
    assert round_to_step(value, D("1E-46"), "floor") == value
    assert format_on_step("0.5", "0.01000000") == "0.50"


@pytest.mark.parametrize(
    "value", [np.float16(0.5), np.float32(0.25), np.int8(7), np.uint64(2**63), np.int32(0)]
)
def test_evaluate_reads_numpy_scalars(value: object) -> None:
    # One reading: evaluate and the helpers read a numpy scalar alike.
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": value}
    verdict = rules.evaluate(INFO, order, {"avgPrice": "64210.55"})
    assert all(v.code != -1100 for v in verdict.violations)
    number = read_decimal(value)
    assert number is not None
    assert round_to_step(value, D(0), "floor") == number  # type: ignore[arg-type]


def test_evaluate_refuses_a_negative_numpy_scalar() -> None:
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": np.int64(-1)}
    verdict = rules.evaluate(INFO, order)
    assert [v.code for v in verdict.violations][:1] == [-1100]


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_floats_read_as_evaluate_reads_them(value: float) -> None:
    expected = read_decimal(value)
    if expected is None:  # beyond D29's 20 fraction digits (5e-324): refused alike
        with pytest.raises(ValueError, match="plain decimal number"):
            round_to_step(value, D(0), "floor")
        return
    assert expected == D(repr(value))
    assert round_to_step(value, D(0), "floor") == expected
    text = format_on_step(value, D(0))
    assert "e" not in text.lower()
    assert D(text) == expected


def test_grid_takes_numbers_too() -> None:
    grid = rules.Grid(D("0.2"), origin=D("0.5"))
    assert grid.contains("1.1")
    assert not grid.contains(1.0)
    assert grid.round(1.0, "floor") == D("0.9")
    with pytest.raises(TypeError, match="value: expected a number"):
        grid.contains(None)  # type: ignore[arg-type]
