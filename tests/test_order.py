"""Reading order.place params exactly (D29, D32) and the typed Order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rules.checker.order import (
    Order,
    _read_well_formed,
    parse_order,
    read_decimal,
    read_int,
    read_order,
    read_well_formed,
)


class _Float(float):
    def __repr__(self) -> str:
        return f"np.float64({float(self)!r})"  # as numpy 2 writes it


class _Str(str):
    __slots__ = ()


class _Int(int):
    pass


class TestReadDecimal:
    """A DECIMAL parameter: digits, an optional fraction, at most 20 + 20 digits."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0.00100000", Decimal("0.00100000")),
            ("30000.01", Decimal("30000.01")),
            ("0", Decimal("0")),
            ("9" * 20, Decimal("9" * 20)),
            ("0." + "1" * 20, Decimal("0." + "1" * 20)),
            (5, Decimal(5)),
            (0.1, Decimal("0.1")),  # the float's repr, never Decimal(0.1)
            (8.12e-06, Decimal("0.00000812")),
            (Decimal("1E+3"), Decimal("1000")),
            (Decimal("0.10"), Decimal("0.10")),
            (_Float(0.1), Decimal("0.1")),  # a float subclass such as numpy.float64
            (_Str("1.50"), Decimal("1.50")),
            (_Int(7), Decimal(7)),
        ],
    )
    def test_legal(self, value: object, expected: Decimal) -> None:
        assert read_decimal(value) == expected

    def test_keeps_places(self) -> None:
        assert str(read_decimal("1.00")) == "1.00"

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "1e5",
            "-1",
            "+1",
            " 1",
            "1 ",
            "1,5",
            "1.",
            ".1",
            "0x10",
            "NaN",
            "Infinity",
            "١",
            "1" * 21,
            "1." + "1" * 21,
            Decimal("0E-30"),  # a zero too has at most 20 fraction digits (D29)
            True,
            None,
            [1],
            {"a": 1},
            -1,
            10**20,
            float("nan"),
            float("-inf"),
            -0.5,
            Decimal("-0"),
            Decimal("sNaN"),
            Decimal("1E+20"),
            Decimal("1E-21"),
        ],
    )
    def test_malformed(self, value: object) -> None:
        assert read_decimal(value) is None


class TestReadInt:
    """An INT parameter (trailingDelta, strategyType, pegOffsetValue)."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [(100, 100), ("100", 100), ("-5", -5), (100.0, 100), (Decimal("7"), 7)],
    )
    def test_legal(self, value: object, expected: int) -> None:
        assert read_int(value) == expected

    @pytest.mark.parametrize("value", ["1.5", 1.5, "x", "", True, None, Decimal("NaN"), 10**20])
    def test_malformed(self, value: object) -> None:
        assert read_int(value) is None


class TestReadOrder:
    """Reading never raises; problems become violations and the value is not sent."""

    def test_problems_in_order(self) -> None:
        parsed = read_order({"symbol": "BTCUSDT", "price": "", "quantity": "1,5", "apiKey": ""})
        assert [(v.code, v.field) for v in parsed.problems or ()] == [
            (-1105, "price"),
            (-1100, "quantity"),
            (-1105, "apiKey"),
        ]
        assert parsed.unreadable == {"price", "quantity", "apiKey"}
        assert parsed.price is None
        assert parsed.quantity is None

    def test_null_is_not_sent(self) -> None:
        parsed = read_order({"symbol": "BTCUSDT", "price": None})
        assert parsed.price is None
        assert parsed.problems == ()

    def test_unknown_parameters_are_ignored(self) -> None:
        parsed = read_order({"symbol": "BTCUSDT", "timestamp": 1, "recvWindow": "5000"})
        assert parsed.problems == ()
        assert parsed.symbol_problem is None

    @pytest.mark.parametrize(
        ("params", "code"), [({}, -1102), ({"symbol": ""}, -1105), ({"symbol": None}, -1102)]
    )
    def test_symbol_problem(self, params: dict[str, object], code: int) -> None:
        problem = read_order(params).symbol_problem
        assert problem is not None
        assert problem.code == code

    def test_enum_as_number_is_kept_as_text(self) -> None:
        assert read_order({"symbol": "X", "side": 1}).side == "1"


class TestOrder:
    """The typed order and its wire form."""

    def test_round_trip(self) -> None:
        params = {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "price": "30000.01",
            "quantity": "0.00100000",
            "trailingDelta": 100,
        }
        order = Order.from_params(params)
        assert order.price == Decimal("30000.01")
        assert order.to_params() == params

    def test_wire_form_never_uses_exponents(self) -> None:
        order = Order(symbol="X", price=Decimal("8.12E-6"))
        assert order.to_params() == {"symbol": "X", "price": "0.00000812"}

    def test_parse_order_reports_problems(self) -> None:
        order, problems = parse_order({"quantity": "1,5"})
        assert order == Order()
        assert [p.code for p in problems] == [-1102, -1100]

    def test_frozen(self) -> None:
        import attrs

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            Order().symbol = "X"  # type: ignore[misc]


class TestReadWellFormed:
    """The reading of well-formed params (a rejected order after its fast check), by a
    function written per tuple of keys: the loop's reading, and read_order's."""

    @pytest.mark.parametrize(
        "params",
        [
            {
                "symbol": "BTCUSDT",
                "side": "BUY",
                "type": "LIMIT",
                "timeInForce": "GTC",
                "price": "30000.01",
                "quantity": "0.001",
            },
            {
                "type": "LIMIT",
                "quantity": "0.001",
                "symbol": "BTCUSDT",
                "price": "1",
                "side": "SELL",
                "timeInForce": "IOC",
                "icebergQty": "0.0001",
            },
            {
                "symbol": "BTCUSDT",
                "side": "BUY",
                "type": "MARKET",
                "quoteOrderQty": "10",
                "newClientOrderId": "abc",
                "timestamp": 1,
                "recvWindow": None,
                "price": None,
            },
            {
                "symbol": _Str("BTCUSDT"),
                "side": "SELL",
                "type": "STOP_LOSS_LIMIT",
                "timeInForce": "GTC",
                "price": "2",
                "quantity": "3",
                "stopPrice": "2.5",
            },
            {_Str("symbol"): "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"},
            # Every name with a value, each STRING a str: the order in one dict display.
            {
                "symbol": "BTCUSDT",
                "side": "BUY",
                "type": "LIMIT_MAKER",
                "price": "2",
                "quantity": "3",
                "newOrderRespType": "FULL",
                "newClientOrderId": "id-1",
            },
            # The same names, a STRING given as an int: read name by name (its text).
            {
                "symbol": "BTCUSDT",
                "side": "BUY",
                "type": "LIMIT_MAKER",
                "price": "2",
                "quantity": "3",
                "newOrderRespType": "FULL",
                "newClientOrderId": 17,
            },
        ],
    )
    def test_the_same_reading_as_the_loop_and_read_order(self, params: dict[Any, Any]) -> None:
        for _ in range(2):  # written, then found
            order = read_well_formed(params)
            assert order.__dict__ == _read_well_formed(params).__dict__
            assert list(order.__dict__) == list(_read_well_formed(params).__dict__)
            assert order.__dict__ == read_order(params).__dict__

    def test_a_full_table_reads_by_the_loop_without_compiling(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Key tuples come from the input: past the table's bound an unseen tuple is
        # read by the loop, not written and compiled again on every call.
        import rules.checker.order as order_module

        monkeypatch.setattr(order_module, "MOST_KEY_TUPLES", len(order_module._WELL_FORMED))

        def no_exec(*_: object) -> None:
            raise AssertionError("compiled past the bound")

        monkeypatch.setattr(order_module, "exec", no_exec, raising=False)
        params = {"quantity": "3", "type": "MARKET", "side": "SELL", "symbol": "ETHBTC"}
        for _ in range(2):
            order = read_well_formed(params)
            assert order.__dict__ == read_order(params).__dict__
        assert tuple(params) not in order_module._WELL_FORMED
