"""Context: explicit market and account state, from its camelCase JSON form."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from rules.context import CONTEXT_KEYS, Context


class TestFromMapping:
    """Context.from_mapping reads every documented key and rejects anything else clearly."""

    def test_every_key(self) -> None:
        data: dict[str, Any] = {
            "avgPrice": "100.5",
            "referencePrice": 101,
            "lastPrice": Decimal("99.9"),
            "openOrders": 1,
            "openAlgoOrders": 2,
            "openIcebergOrders": 3,
            "openOrderLists": 4,
            "exchangeOpenOrders": 5,
            "exchangeOpenAlgoOrders": 6,
            "exchangeOpenIcebergOrders": 7,
            "exchangeOpenOrderLists": 8,
            "basePosition": 0.1,
            "permissions": ["SPOT", "TRD_GRP_004"],
        }
        assert set(data) == CONTEXT_KEYS
        context = Context.from_mapping(data)
        assert context == Context(
            avg_price=Decimal("100.5"),
            reference_price=Decimal(101),
            last_price=Decimal("99.9"),
            open_orders=1,
            open_algo_orders=2,
            open_iceberg_orders=3,
            open_order_lists=4,
            exchange_open_orders=5,
            exchange_open_algo_orders=6,
            exchange_open_iceberg_orders=7,
            exchange_open_order_lists=8,
            base_position=Decimal("0.1"),
            permissions=frozenset({"SPOT", "TRD_GRP_004"}),
        )
        assert Context.from_mapping(context.to_mapping()) == context

    def test_null_is_not_given(self) -> None:
        assert Context.from_mapping({"avgPrice": None, "permissions": None}) == Context()

    def test_empty_permissions_are_given(self) -> None:
        assert Context.from_mapping({"permissions": []}).permissions == frozenset()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"avgPrce": "1"}, "context: unknown key 'avgPrce'"),
            ({"avgPrice": "1e5"}, "context.avgPrice: expected a decimal string, got '1e5'"),
            ({"avgPrice": True}, "context.avgPrice: expected a decimal, got True"),
            (
                {"avgPrice": float("nan")},
                "context.avgPrice: expected a finite, non-negative decimal",
            ),
            ({"openOrders": -1}, "context.openOrders: expected a non-negative integer, got -1"),
            ({"openOrders": "3"}, "context.openOrders: expected a non-negative integer"),
            ({"permissions": "SPOT"}, "context.permissions: expected a list of strings"),
            ({"permissions": [1]}, "context.permissions: expected a list of strings"),
        ],
    )
    def test_bad_input(self, data: dict[str, Any], message: str) -> None:
        with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(".", r"\.")):
            Context.from_mapping(data)

    def test_not_a_mapping(self) -> None:
        with pytest.raises(ValueError, match="expected a JSON object"):
            Context.from_mapping([])  # type: ignore[arg-type]


class TestDirectConstruction:
    """A Context built in Python is checked as it is built: a clear error, never one deep inside."""

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"avg_price": 100.0}, TypeError, "Context.avg_price: expected a Decimal or None"),
            ({"avg_price": "100"}, TypeError, "Context.avg_price: expected a Decimal or None"),
            ({"base_position": Decimal("-1")}, ValueError, "Context.base_position: expected a"),
            ({"last_price": Decimal("NaN")}, ValueError, "Context.last_price: expected a finite"),
            ({"open_orders": -1}, ValueError, "Context.open_orders: expected a non-negative"),
            ({"open_orders": True}, ValueError, "Context.open_orders: expected a non-negative"),
            ({"permissions": ["SPOT"]}, TypeError, "Context.permissions: expected a frozenset"),
            ({"permissions": frozenset({1})}, TypeError, "Context.permissions: expected a frozen"),
        ],
    )
    def test_bad_values(self, kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
        with pytest.raises(error, match="^" + re.escape(message)):
            Context(**kwargs)

    def test_good_values(self) -> None:
        context = Context(avg_price=Decimal("1.5"), open_orders=0, permissions=frozenset({"SPOT"}))
        assert context.avg_price == Decimal("1.5")
        assert context == Context.from_mapping(
            {"avgPrice": "1.5", "openOrders": 0, "permissions": ["SPOT"]}
        )
