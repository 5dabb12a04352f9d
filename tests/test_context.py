"""Context: explicit market and account state, from its camelCase JSON form."""

from __future__ import annotations

import inspect
import pickle
import re
from decimal import Decimal
from typing import Any

import attrs
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
                {"avgPrice": float("inf")},
                "context.avgPrice: expected a finite, non-negative decimal",
            ),
            (
                {"avgPrice": Decimal("NaN")},
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


#: Every field of each kind, in declaration order, with its camelCase key.
PRICE_FIELDS = {
    "avg_price": "avgPrice",
    "reference_price": "referencePrice",
    "last_price": "lastPrice",
    "base_position": "basePosition",
    "orig_qty": "origQty",
}
COUNT_FIELDS = {
    "open_orders": "openOrders",
    "open_algo_orders": "openAlgoOrders",
    "open_iceberg_orders": "openIcebergOrders",
    "open_order_lists": "openOrderLists",
    "exchange_open_orders": "exchangeOpenOrders",
    "exchange_open_algo_orders": "exchangeOpenAlgoOrders",
    "exchange_open_iceberg_orders": "exchangeOpenIcebergOrders",
    "exchange_open_order_lists": "exchangeOpenOrderLists",
    "order_amend_count": "orderAmendCount",
}


class TestEveryField:
    """Both ways of building a context (written by hand for speed) treat every field alike."""

    def test_the_tables_name_every_field(self) -> None:
        names = [a.name for a in attrs.fields(Context)]
        counts = list(COUNT_FIELDS)[:-1]
        assert names == [
            *list(PRICE_FIELDS)[:3],
            *counts,
            "base_position",
            "permissions",
            "orig_qty",
            "order_amend_count",
        ]
        assert set(names) == {*PRICE_FIELDS, *COUNT_FIELDS, "permissions"}

    def test_the_hand_written_init_takes_every_field_in_order(self) -> None:
        # Context.__init__ is written by hand (attrs does not generate it): a
        # field added to the class must be added there too, checked and stored.
        parameters = list(inspect.signature(Context.__init__).parameters.values())[1:]
        assert [p.name for p in parameters] == [a.name for a in attrs.fields(Context)]
        assert all(p.default is None for p in parameters)

    @pytest.mark.parametrize("name", PRICE_FIELDS)
    @pytest.mark.parametrize(
        ("value", "error", "message"),
        [
            ("-1", ValueError, "expected a finite, non-negative decimal, got Decimal('-1')"),
            ("1e5", TypeError, "expected a decimal (a Decimal, a plain decimal string"),
            (Decimal("-0.1"), ValueError, "expected a finite, non-negative decimal"),
            (Decimal("Infinity"), ValueError, "expected a finite, non-negative decimal"),
            (False, TypeError, "expected a decimal (a Decimal, a plain decimal string"),
        ],
    )
    def test_a_bad_price_names_its_field(
        self, name: str, value: Any, error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match="^" + re.escape(f"Context.{name}: {message}")):
            Context(**{name: value})

    @pytest.mark.parametrize("name", COUNT_FIELDS)
    @pytest.mark.parametrize("value", [-1, True, 1.0, "2", Decimal(2)])
    def test_a_bad_count_names_its_field(self, name: str, value: Any) -> None:
        message = f"Context.{name}: expected a non-negative integer, got {value!r}"
        with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
            Context(**{name: value})
        key = COUNT_FIELDS[name]
        with pytest.raises(ValueError, match="^" + re.escape(f"context.{key}: expected a")):
            Context.from_mapping({key: value})

    @pytest.mark.parametrize("name", PRICE_FIELDS)
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0", Decimal("0")),
            ("-0", Decimal("-0")),  # a zero, not a negative value: taken as before
            ("29100.50", Decimal("29100.50")),
            (Decimal("1E+3"), Decimal("1E+3")),
            (3, Decimal(3)),
            (0.5, Decimal("0.5")),
        ],
    )
    def test_a_good_price_in_every_field(self, name: str, value: Any, expected: Decimal) -> None:
        direct = Context(**{name: value})
        mapped = Context.from_mapping({PRICE_FIELDS[name]: value})
        for context in (direct, mapped):
            got = getattr(context, name)
            assert type(got) is Decimal
            assert str(got) == str(expected)  # the same places, not only an equal value
        assert direct == mapped
        assert hash(direct) == hash(mapped)
        others = {a.name for a in attrs.fields(Context)} - {name}
        assert all(getattr(direct, other) is None for other in others)

    def test_a_full_context_both_ways(self) -> None:
        snake: dict[str, Any] = {name: str(i) for i, name in enumerate(PRICE_FIELDS)}
        snake |= {name: i for i, name in enumerate(COUNT_FIELDS)}
        snake["permissions"] = ["SPOT"]
        camel = {PRICE_FIELDS.get(k) or COUNT_FIELDS.get(k) or k: v for k, v in snake.items()}
        direct = Context(**snake)
        assert direct == Context.from_mapping(camel)
        assert direct.to_mapping() == camel
        assert repr(direct).startswith("Context(avg_price=Decimal('0'), reference_price=")


class TestValueSemantics:
    """A context is a frozen value: equal by fields, hashable, copied by evolve, picklable."""

    def test_frozen(self) -> None:
        context = Context(avg_price="1")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            context.avg_price = Decimal(2)  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            Context.from_mapping({"avgPrice": "1"}).open_orders = 1  # type: ignore[misc]

    def test_evolve_checks_the_new_value(self) -> None:
        context = Context.from_mapping({"avgPrice": "1", "openOrders": 2})
        assert attrs.evolve(context, open_orders=3) == Context(avg_price="1", open_orders=3)
        with pytest.raises(ValueError, match=r"Context\.open_orders: expected a non-negative"):
            attrs.evolve(context, open_orders=-3)

    def test_pickle_and_equality(self) -> None:
        context = Context.from_mapping({"avgPrice": "1.5", "permissions": ["SPOT"]})
        again = pickle.loads(pickle.dumps(context))
        assert again == context
        assert hash(again) == hash(context)
        assert Context() == Context.from_mapping({})
        assert Context(open_orders=1) != Context(open_algo_orders=1)


def test_from_mapping_past_the_key_tuples_bound_reads_by_the_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Key tuples come from the input: past the table's bound an unseen tuple is read
    # by the loop, not written and compiled again on every call.
    import rules.checker.context as context_module

    monkeypatch.setattr(context_module, "MOST_KEY_TUPLES", len(context_module._MAKERS))

    def no_exec(*_: object) -> None:
        raise AssertionError("compiled past the bound")

    monkeypatch.setattr(context_module, "exec", no_exec, raising=False)
    data = {"openAlgoOrders": 1, "lastPrice": "2.5", "openOrders": 3, "avgPrice": "2.25"}
    for _ in range(2):
        assert Context.from_mapping(data) == Context(
            avg_price="2.25", last_price="2.5", open_orders=3, open_algo_orders=1
        )
    assert tuple(data) not in context_module._MAKERS
    assert not context_module.is_plain(data)  # "not known plain": from_mapping reads it
