"""Context: explicit market and account state, from its camelCase JSON form."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from rules.checker.context import CONTEXT_KEYS, Context


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
            "origQty": "2.5",
            "orderAmendCount": 9,
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
            orig_qty=Decimal("2.5"),
            order_amend_count=9,
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
            ({"avg_price": "abc"}, TypeError, "Context.avg_price: expected a decimal (a Decimal,"),
            ({"avg_price": True}, TypeError, "Context.avg_price: expected a decimal (a Decimal,"),
            ({"avg_price": [1]}, TypeError, "Context.avg_price: expected a decimal (a Decimal,"),
            ({"base_position": Decimal("-1")}, ValueError, "Context.base_position: expected a"),
            ({"last_price": -1}, ValueError, "Context.last_price: expected a finite, non-negative"),
            ({"last_price": Decimal("NaN")}, ValueError, "Context.last_price: expected a finite"),
            ({"open_orders": -1}, ValueError, "Context.open_orders: expected a non-negative"),
            ({"open_orders": True}, ValueError, "Context.open_orders: expected a non-negative"),
            ({"permissions": "SPOT"}, TypeError, "Context.permissions: expected a collection of"),
            ({"permissions": [1]}, TypeError, "Context.permissions: expected a collection of"),
        ],
    )
    def test_bad_values(self, kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
        with pytest.raises(error, match="^" + re.escape(message)):
            Context(**kwargs)

    @pytest.mark.parametrize(
        ("kwargs", "expected"),
        [
            ({"avg_price": Decimal("1.5")}, {"avgPrice": "1.5"}),
            ({"avg_price": "1.50"}, {"avgPrice": "1.50"}),
            ({"avg_price": 0.1}, {"avgPrice": "0.1"}),  # the float's repr, never Decimal(0.1)
            ({"avg_price": 7}, {"avgPrice": "7"}),
            ({"permissions": ["SPOT", "MARGIN"]}, {"permissions": ["MARGIN", "SPOT"]}),
            ({"permissions": ("SPOT",)}, {"permissions": ["SPOT"]}),
        ],
    )
    def test_good_values(self, kwargs: dict[str, Any], expected: dict[str, Any]) -> None:
        context = Context(**kwargs)
        assert context.to_mapping() == expected
        assert context == Context.from_mapping(expected)


class TestDidYouMean:
    """An unknown context key names the key it probably meant."""

    @pytest.mark.parametrize(
        ("key", "hint"),
        [("avgprice", "did you mean 'avgPrice'?"), ("openOrder", "did you mean 'openOrders'?")],
    )
    def test_close_keys(self, key: str, hint: str) -> None:
        with pytest.raises(ValueError, match=re.escape(f"unknown key {key!r} ({hint})")):
            Context.from_mapping({key: 1})

    def test_far_keys_list_every_key(self) -> None:
        with pytest.raises(ValueError, match=r"unknown key 'zzz' \(known: avgPrice, basePosition"):
            Context.from_mapping({"zzz": 1})
