"""numpy and pandas values are read as the Python values they stand for (issue 14).

``np.float64`` as its repr, ``np.int64`` as an int; NaN, ``None``, ``pd.NA`` as not
sent; a value that cannot be read is a clear error naming the key.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.order import read_decimal, read_int, read_order
from rules.model.numbers import builtin_scalar, is_absent
from tests.test_validate import snapshot

INFO = snapshot()
BASE: dict[str, Any] = {
    "symbol": "XY",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "price": "10.01",
    "quantity": "0.5",
}


class TestScalars:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (np.float64(0.1), Decimal("0.1")),
            (np.float32(0.1), Decimal("0.1")),  # numpy's shortest repr at float32
            (np.float64(29400.1), Decimal("29400.1")),
            (np.int64(5), 5),
            (np.uint32(7), 7),
            (np.str_("1.5"), "1.5"),
        ],
    )
    def test_builtin(self, value: object, expected: object) -> None:
        converted = builtin_scalar(value)
        assert converted == expected
        assert type(converted) is type(expected)

    @pytest.mark.parametrize(
        "value", [None, float("nan"), np.float64("nan"), np.float32("nan"), pd.NA, pd.NaT]
    )
    def test_absent(self, value: object) -> None:
        assert is_absent(value)

    @pytest.mark.parametrize(
        # The string "nan" and Decimal("NaN") are malformed numbers (D29, -1100), not "missing".
        "value",
        ["", "nan", 0, 0.0, np.int64(0), Decimal("NaN"), np.bool_(False), [1]],
    )
    def test_present(self, value: object) -> None:
        assert not is_absent(value)

    def test_read_decimal(self) -> None:
        assert read_decimal(np.float64(0.1)) == Decimal("0.1")
        assert read_decimal(np.int64(3)) == Decimal(3)
        assert read_decimal(np.float32(2.5)) == Decimal("2.5")
        assert read_decimal(np.bool_(True)) is None
        assert read_decimal(np.int64(-1)) is None

    def test_read_int(self) -> None:
        assert read_int(np.int64(150)) == 150
        assert type(read_int(np.int64(150))) is int
        assert read_int(np.float64(150.0)) == 150
        assert read_int(np.float64(1.5)) is None
        assert read_int(np.bool_(True)) is None
        assert read_int(True) is None


class TestOrders:
    """evaluate() gives a numpy value the verdict of the Python value it stands for."""

    @pytest.mark.parametrize(
        ("key", "value", "python"),
        [
            ("price", np.float64(10.01), "10.01"),
            ("price", np.float64(10.015), "10.015"),  # off the grid, as its repr
            ("quantity", np.float32(0.5), "0.5"),
            ("quantity", np.int64(2), "2"),
            ("symbol", np.str_("XY"), "XY"),
            ("price", np.int64(-1), "-1"),
        ],
    )
    def test_same_verdict(self, key: str, value: object, python: object) -> None:
        numpy_verdict = evaluate(INFO, {**BASE, key: value}).to_json()
        assert numpy_verdict == evaluate(INFO, {**BASE, key: python}).to_json()

    def test_int64_trailing_delta(self) -> None:
        order = {
            **BASE,
            "type": "STOP_LOSS_LIMIT",
            "stopPrice": "9",
            "trailingDelta": np.int64(100),
        }
        assert evaluate(INFO, order) == evaluate(INFO, {**order, "trailingDelta": 100})
        assert read_order(order).trailing_delta == 100

    @pytest.mark.parametrize("missing", [None, np.float64("nan"), pd.NA])
    def test_missing_is_not_sent(self, missing: object) -> None:
        order = {**BASE, "stopPrice": missing, "icebergQty": missing, "trailingDelta": missing}
        assert evaluate(INFO, order) == evaluate(INFO, BASE)
        assert evaluate(INFO, order).accepted

    def test_to_dict_records_nan_is_not_sent(self) -> None:
        # Issue 14: df.to_dict("records") gives Python float NaN for a missing value.
        rows = pd.DataFrame([{**BASE, "stopPrice": "1"}, dict(BASE)]).to_dict("records")
        assert type(rows[1]["stopPrice"]) is float
        assert evaluate(INFO, rows[1]) == evaluate(INFO, BASE)
        # a mandatory parameter missing that way is -1102, as null is (D29)
        verdict = evaluate(INFO, {**BASE, "quantity": float("nan")})
        assert [v.code for v in verdict.violations] == [-1102]

    def test_a_float_column_missing_value(self) -> None:
        # A value read from a float column (Series[i], .at, .to_numpy()) is a numpy NaN:
        # not sent, as a Python float NaN is.
        missing = pd.Series([9.0, np.nan])[1]
        assert type(missing) is np.float64
        order = {**BASE, "stopPrice": missing, "icebergQty": pd.Series([np.nan])[0]}
        assert evaluate(INFO, order) == evaluate(INFO, BASE)


class TestContext:
    def test_from_mapping_numpy(self) -> None:
        context = Context.from_mapping(
            {
                "avgPrice": np.float64(29400.1),
                "openOrders": np.int64(3),
                "lastPrice": np.float64("nan"),
            }
        )
        assert context.avg_price == Decimal("29400.1")
        assert context.open_orders == 3
        assert type(context.open_orders) is int
        assert context.last_price is None

    @pytest.mark.parametrize("missing", [float("nan"), np.float64("nan"), pd.NA, None])
    def test_missing_is_not_given(self, missing: object) -> None:
        assert Context.from_mapping({"avgPrice": missing, "openOrders": missing}) == Context()

    def test_direct_construction(self) -> None:
        context = Context(avg_price=np.float64(0.1), open_orders=np.int64(2))  # type: ignore[arg-type]
        assert context == Context(avg_price=Decimal("0.1"), open_orders=2)
        assert Context(avg_price=np.float64("nan"), open_orders=pd.NA) == Context()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"avgPrice": np.float64(-1.5)}, "context.avgPrice: expected a finite, non-negative"),
            ({"avgPrice": np.float64("inf")}, "context.avgPrice: expected a finite, non-negative"),
            ({"avgPrice": np.datetime64("2024-01-01")}, "context.avgPrice: expected a decimal"),
            (
                {"openOrders": np.float64(3.0)},
                "context.openOrders: expected a non-negative integer",
            ),
            ({"openOrders": np.int64(-1)}, "context.openOrders: expected a non-negative integer"),
            ({"openOrders": np.bool_(True)}, "context.openOrders: expected a non-negative integer"),
            ({"avgPrce": np.float64("nan")}, "context: unknown key 'avgPrce'"),
        ],
    )
    def test_clear_errors(self, data: dict[str, Any], message: str) -> None:
        with pytest.raises(ValueError, match="^" + message.replace(".", r"\.")):
            Context.from_mapping(data)
