"""rules.testing: its public names, argument validation (InvalidArgument), import isolation."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import find, given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import rules.testing
from rules.model.models import SymbolInfo
from rules.testing import (
    contexts_from_symbol,
    exchange_infos,
    filters,
    grid_decimals,
    lot_size_filters,
    markets,
    notional_filters,
    orders_from_symbol,
    percent_price_by_side_filters,
    price_filters,
    raw_exchange_infos,
    server_times,
    step_sizes,
    symbol_infos,
)


class TestImports:
    """`import rules` must not import Hypothesis; `import rules.testing` does."""

    def test_rules_alone_does_not_import_hypothesis(self) -> None:
        code = "import sys, rules; print('hypothesis' in sys.modules)"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True)  # fmt: skip
        assert result.stdout.strip() == "False"

    def test_hypothesis_entry_point_registers_the_rule_objects(self) -> None:
        # The "hypothesis" entry point of pyproject.toml: importing Hypothesis
        # alone makes st.from_type(SymbolInfo) work.
        code = (
            "import sys; from hypothesis import strategies as st; "
            "from rules.model.models import SymbolInfo; "
            "was = 'rules.testing' in sys.modules; import rules.testing as t; "
            "print(was, repr(st.from_type(SymbolInfo)) "
            "== repr(t.symbol_infos()))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "True True"

    @pytest.mark.parametrize(
        "code",
        [
            "import rules.testing",
            "from rules.testing import markets",
            "import hypothesis, rules.testing",
            "import rules, rules.testing",
        ],
    )
    def test_imports_in_a_fresh_process(self, code: str) -> None:
        # Hypothesis runs the entry point while rules.testing may still be importing.
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    def test_all_names_exist(self) -> None:
        for name in rules.testing.__all__:
            assert hasattr(rules.testing, name), name
        assert sorted(rules.testing.__all__) == rules.testing.__all__


class TestInvalidArguments:
    """Impossible combinations raise InvalidArgument, never return nothing()."""

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"step": 0, "min_value": 0, "max_value": 1}, "must be positive"),
            ({"step": "0.1", "min_value": 2, "max_value": 1}, "cannot be larger"),
            ({"step": "1", "min_value": "0.1", "max_value": "0.9"}, "no multiple"),
            ({"step": 0.1, "min_value": 0, "max_value": 1}, "floats are not exact"),
        ],
    )
    def test_grid_decimals(self, kwargs: dict[str, object], message: str) -> None:
        with pytest.raises(InvalidArgument, match=message):
            grid_decimals(**kwargs)  # type: ignore[arg-type]

    def test_step_sizes(self) -> None:
        with pytest.raises(InvalidArgument, match="no power of ten"):
            step_sizes(min_value="0.2", max_value="0.9")

    def test_server_times(self) -> None:
        with pytest.raises(InvalidArgument, match="cannot be larger"):
            server_times(min_value=2, max_value=1)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"min_size": 3, "max_size": 1}, "cannot be larger"),
            ({"min_size": None}, "min_size=None must be an integer"),
            ({"min_size": -1}, "must be at least 0"),
            ({"max_size": -1}, "must be at least 0"),
            ({"max_size": True}, "must be an integer"),
            ({"max_size": 2.0}, "must be an integer"),
            ({"allow_keyed": "yes"}, "must be a bool"),
        ],
    )
    def test_sizes(self, kwargs: dict[str, object], message: str) -> None:
        # max_size=None is valid (no bound); min_size=None once raised TypeError.
        for strategy in (exchange_infos, raw_exchange_infos):
            with pytest.raises(InvalidArgument, match=message):
                strategy(**kwargs)  # type: ignore[arg-type]
        exchange_infos(min_size=2, max_size=None)

    def test_bool_options(self) -> None:
        for strategy in (price_filters, lot_size_filters, notional_filters):
            with pytest.raises(InvalidArgument, match="allow_disabled=1 must be a bool"):
                strategy(allow_disabled=1)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="must be a bool or None"):
            percent_price_by_side_filters(symmetric="yes")  # type: ignore[arg-type]

    def test_wrong_object_types(self) -> None:
        symbol = SymbolInfo("X", "A", "B", (), status="TRADING")
        with pytest.raises(InvalidArgument, match="must be an ExchangeInfo"):
            orders_from_symbol(symbol, info={"symbols": []})  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="must be a Context"):
            orders_from_symbol(symbol, context={})  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="must be an ExchangeInfo"):
            contexts_from_symbol(symbol, info=[])  # type: ignore[arg-type]

    def test_strategy_arguments(self) -> None:
        with pytest.raises(InvalidArgument, match="must be a Hypothesis strategy"):
            symbol_infos(statuses="TRADING")  # type: ignore[arg-type]

    def test_unknown_filter_names(self) -> None:
        with pytest.raises(InvalidArgument, match="unknown required_filters"):
            symbol_infos(required_filters={"NOPE"})
        with pytest.raises(InvalidArgument, match="unknown filter_types"):
            filters(filter_types=["NOPE"])
        with pytest.raises(InvalidArgument, match="must be a collection of names"):
            filters(filter_types="PRICE_FILTER")

    def test_unbreakable_rule(self) -> None:
        symbol = SymbolInfo("X", "A", "B", (), status="TRADING")
        with pytest.raises(InvalidArgument, match="is not one of"):
            orders_from_symbol(symbol, breaking="MAX_NUM_ORDERS")

    def test_closed_symbol_at_draw_time(self) -> None:
        symbol = SymbolInfo("X", "A", "B", (), status="BREAK")
        with pytest.raises(InvalidArgument, match="accepts no order"):
            find(orders_from_symbol(symbol), lambda _: True)

    def test_symbol_without_status_trades(self) -> None:
        # D01: no status means the status is not checked; such a symbol (old
        # snapshots) once raised "None: it accepts no order".
        symbol = SymbolInfo("X", "A", "B", (), status=None)
        assert find(orders_from_symbol(symbol), lambda _: True).symbol == "X"

    def test_missing_filter_cannot_be_broken(self) -> None:
        symbol = SymbolInfo("X", "A", "B", (), status="TRADING")
        with pytest.raises(InvalidArgument, match="break LOT_SIZE alone"):
            find(orders_from_symbol(symbol, breaking="LOT_SIZE"), lambda _: True)


def test_example_values_are_exact() -> None:
    value = find(grid_decimals(step="1.00", min_value=3, max_value=3), lambda _: True)
    assert value == Decimal(3)
    assert str(value) == "3.00"
    assert isinstance(find(st.from_type(SymbolInfo), lambda _: True), SymbolInfo)
    assert find(markets(), lambda _: True).symbol.status == "TRADING"


class TestOnlyANotionalMinimum:
    """A symbol whose only rule is a tiny MIN_NOTIONAL (found by the list properties on
    CI): every value drawn is one Binance reads (D29: at most 20 integer digits, so below
    10**20; at most 20 places), and a valid order exists and is drawn."""

    INFO = rules.loads(
        '{"serverTime": 1678665600000, "symbols": [{"symbol": "AAUSDT", "status": "TRADING",'
        ' "baseAsset": "AA", "quoteAsset": "USDT", "filters": [{"filterType": "MIN_NOTIONAL",'
        ' "minNotional": "0.00001000"}]}]}'
    )

    @given(st.data())
    def test_valid_orders_are_accepted(self, data: st.DataObject) -> None:
        symbol = self.INFO["AAUSDT"]
        order = data.draw(
            orders_from_symbol(symbol, info=self.INFO, order_types=["LIMIT", "LIMIT_MAKER"])
        )
        assert order.quantity is not None
        assert order.quantity < Decimal(10) ** 20
        assert rules.evaluate(self.INFO, order).accepted
