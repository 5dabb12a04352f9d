"""The rule objects: immutable values, lookups by type and name, the public namespace."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import attrs
import pytest

import rules
from rules.model import models
from rules.model.frozen import EMPTY, FrozenJson, freeze, thaw
from rules.model.numbers import is_multiple, parse_plain_decimal, to_plain_string
from tests._shared import REFERENCE


class TestNamespace:
    """Every public name is exported; ``import rules`` stays light."""

    def test_in_all(self) -> None:
        for name in rules.__all__:
            assert hasattr(rules, name), name
        public_models = {n for n in models.__all__ if not n.startswith("_")}
        assert public_models - {"FILTER_CLASSES", "FILTER_SCOPES"} <= set(rules.__all__)

    def test_import_rules_imports_neither_websocket_nor_hypothesis(self) -> None:
        heavy = "('websocket', 'hypothesis')"
        code = f"import rules, sys; print(sorted(m for m in {heavy} if m in sys.modules))"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "[]"

    def test_import_rules_loads_no_live_session_machinery(self) -> None:
        # The live session (threads, logging, asyncio for its *_async calls) loads on
        # first use of rules.Session; even then websocket waits for the first request.
        heavy = (
            "('websocket', 'hypothesis', 'rules.edge.live', 'rules.edge.worker', 'asyncio', "
            "'concurrent.futures', 'logging', 'queue')"
        )
        code = (
            f"import rules, sys; print(sorted(m for m in {heavy} if m in sys.modules)); "
            "s = rules.Session('ws://127.0.0.1:9/ws-api/v3'); "
            "print(sorted(m for m in ('websocket', 'asyncio') if m in sys.modules))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout == "[]\n[]\n"

    def test_every_filter_type_of_filters_md_is_modelled(self) -> None:
        # The spec's own list: each "### NAME" heading under its "## ... filters" section.
        expected: dict[str, str] = {}
        scope = ""
        for line in (REFERENCE / "filters.md").read_text().splitlines():
            if line.startswith("## "):
                scope = line[3:].split()[0].lower()
            elif line.startswith("### "):
                expected[line[4:].strip()] = scope
        assert len(expected) == 20
        assert expected == models.FILTER_SCOPES
        assert set(models.FILTER_CLASSES) == set(expected)

    @pytest.mark.parametrize("cls", list(models.FILTER_CLASSES.values()))
    def test_filter_classes_are_frozen_and_slotted(self, cls: type) -> None:
        assert attrs.has(cls)
        assert "__slots__" in vars(cls)
        assert cls.__setattr__ is not object.__setattr__


def _symbol(*filters: models.Filter) -> models.SymbolInfo:
    return models.SymbolInfo("XY", "X", "Y", filters, status="TRADING")


class TestSymbolInfo:
    """Filters are found by type or by name, never by position."""

    def test_filter_by_class_and_name(self) -> None:
        lot = models.LotSizeFilter(Decimal(1), Decimal(9), Decimal(1))
        price = models.PriceFilter(Decimal(0), Decimal(0), Decimal("0.01"))
        for s in (_symbol(lot, price), _symbol(price, lot)):
            assert s.filter(models.LotSizeFilter) is lot
            assert s.filter("PRICE_FILTER") is price
            assert s.filter(models.MarketLotSizeFilter) is None
            assert s.filter("NOPE") is None

    def test_market_lot_size_is_not_lot_size(self) -> None:
        market = models.MarketLotSizeFilter(Decimal(0), Decimal(9), Decimal(0))
        assert _symbol(market).filter(models.LotSizeFilter) is None

    def test_unknown_filter_by_name(self) -> None:
        unknown = models.UnknownFilter("T_PLUS_SELL", FrozenJson({"filterType": "T_PLUS_SELL"}))
        assert _symbol(unknown).filter("T_PLUS_SELL") is unknown

    def test_equal_by_value_whatever_the_places(self) -> None:
        a = models.PriceFilter(Decimal("1.00"), Decimal("0"), Decimal("1.00"))
        b = models.PriceFilter(Decimal("1"), Decimal("0E-8"), Decimal("1.0"))
        assert a == b
        assert hash(a) == hash(b)


class TestExchangeInfo:
    """O(1) lookup by name; unknown names raise an error that is also a KeyError."""

    def test_lookup(self) -> None:
        a, b = _symbol(), attrs.evolve(_symbol(), symbol="AB")
        info = models.ExchangeInfo((a, b))
        assert info["AB"] is b
        assert info.symbol("XY") is a
        assert list(info) == [a, b]
        assert len(info) == 2
        assert 5 not in info

    def test_a_name_must_be_a_string(self) -> None:
        info = models.ExchangeInfo((_symbol(),))
        with pytest.raises(TypeError, match=r"expected a symbol name \(str\), got SymbolInfo\("):
            info[_symbol()]  # type: ignore[index]

    def test_unknown_symbol(self) -> None:
        info = models.ExchangeInfo(())
        with pytest.raises(rules.UnknownSymbolError) as caught:
            info["BTCUSDT"]
        assert isinstance(caught.value, KeyError)
        assert caught.value.symbol == "BTCUSDT"

    def test_index_does_not_take_part_in_equality(self) -> None:
        a, b = models.ExchangeInfo((_symbol(),)), models.ExchangeInfo((_symbol(),))
        a["XY"]
        assert a == b
        assert hash(a) == hash(b)


class TestFrozenJson:
    """What the library keeps of data it does not model: immutable, hashable, lossless."""

    def test_round_trip(self) -> None:
        data = {"a": [1, {"b": None, "c": [True, 1.5]}], "d": "x"}
        frozen = FrozenJson(data)
        assert thaw(frozen) == data
        assert frozen == data
        assert frozen == FrozenJson(data)
        assert hash(frozen) == hash(FrozenJson(dict(reversed(list(data.items())))))
        assert isinstance(frozen["a"], tuple)
        assert isinstance(freeze([{"x": 1}])[0], FrozenJson)

    @pytest.mark.parametrize(("a", "b"), [(1, 1.0), (1, True), (0, False), (1.0, True)])
    def test_equal_as_json_not_as_python(self, a: object, b: object) -> None:
        # 1 == 1.0 == True in Python, but they are different JSON and dump differently.
        x, y = FrozenJson({"v": a}), FrozenJson({"v": b})
        assert x != y
        assert len({x, y}) == 2
        assert x == FrozenJson({"v": a})
        assert hash(x) == hash(FrozenJson({"v": a}))

    def test_read_only(self) -> None:
        with pytest.raises(TypeError):
            FrozenJson({"a": 1})["a"] = 2  # type: ignore[index]

    def test_empty(self) -> None:
        assert not EMPTY
        assert EMPTY == {}
        assert repr(FrozenJson({"a": 1})) == "FrozenJson({'a': 1})"


class TestDecimal:
    """Strict parsing, the exact grid test, the wire form."""

    @pytest.mark.parametrize(
        "text", ["0", "1.00", "0.00000001", "92233720368.54775807", "-1.5", "-0"]
    )
    def test_plain_decimals_parse_with_their_places(self, text: str) -> None:
        assert to_plain_string(parse_plain_decimal(text)) == text

    @pytest.mark.parametrize(
        "text", ["", " 1", "1e-8", "NaN", "Infinity", "1.", ".5", "+1", "0x1", "007.10"]
    )
    def test_everything_else_is_refused(self, text: str) -> None:
        with pytest.raises(ValueError, match="expected a decimal string"):
            parse_plain_decimal(text)

    @pytest.mark.parametrize(
        ("value", "step", "offset", "expected"),
        [
            ("30000.01", "0.01", None, True),
            ("30000.015", "0.01", None, False),
            ("9.256", "0.001", "9.255", True),
            ("9.2555", "0.001", "9.255", False),
            ("0.3", "0.1", None, True),  # exact: a float would say 0.3 % 0.1 != 0
            ("5", "0", None, True),  # a zero step disables the rule (D12)
            ("92233720368.54775807", "0.00000001", None, True),
            ("46116860414.00", "1.00", None, True),
        ],
    )
    def test_is_multiple(self, value: str, step: str, offset: str | None, expected: bool) -> None:
        off = Decimal(offset) if offset is not None else None
        assert is_multiple(Decimal(value), Decimal(step), off) is expected
