"""Binance's own answers, replayed: DECISIONS.md's evidence, on the nearest real snapshot.

Each case is a real answer quoted in ``shared/design/DECISIONS.md`` (D02, D19,
D22, D37, D38, D39, D52, D53 and the "Real answers" table), with the order
rebuilt from the report (the names and values it shows; where it shows none,
the smallest order that makes the same point) on the real snapshot nearest in
time. Each asserts Binance's code and message, and that it comes first: Binance
answers one error, ``verdict.first`` (D53). The order lists among the answers
(deprecated OCOs, D47) come with issue 13.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import pytest

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.violations import Verdict
from rules.model.load import load_path
from rules.model.models import ExchangeInfo, PriceFilter
from tests._shared import EXCHANGE_INFO


@functools.cache
def snapshot(name: str) -> ExchangeInfo:
    return load_path(EXCHANGE_INFO / f"{name}.json")


def min_price(info: ExchangeInfo, symbol: str) -> Decimal:
    price_filter = info[symbol].filter(PriceFilter)
    assert price_filter is not None
    return price_filter.min_price


def answer(name: str, params: dict[str, Any], **context: Any) -> Verdict:
    return evaluate(snapshot(name), params, Context.from_mapping(context))


def first(verdict: Verdict) -> tuple[int, str]:
    assert not verdict.accepted
    assert verdict.first is verdict.violations[0]
    return verdict.first.code, verdict.first.msg


STOP_LOSS = "Stop loss orders are not supported for this symbol."
TAKE_PROFIT = "Take profit orders are not supported for this symbol."


class TestOrderTypeNotEnabled:
    """D02: the type missing from ``orderTypes`` is ``-1013``, not errors.md's -2010."""

    @pytest.mark.parametrize(
        ("where", "name", "symbol", "order_type", "message"),
        [
            ("python-binance #166 (2018-02)", "spot-full-2018-02", "BNBBTC", "STOP_LOSS",
             STOP_LOSS),
            ("php-binance-api #86 (2018-03)", "spot-full-2018-02", "BNBBTC", "TAKE_PROFIT",
             TAKE_PROFIT),
            ("node-binance-api #200 (2020-05)", "spot-full-2020-10", "BTCUSDT", "STOP_LOSS",
             STOP_LOSS),
            ("Binance.Net #622 (2021-02)", "spot-full-2021-04", "IOTABTC", "STOP_LOSS", STOP_LOSS),
            ("Lean.Brokerages.Binance #7 (2022)", "spot-full-2022-05", "BTCUSDT", "TAKE_PROFIT",
             TAKE_PROFIT),
        ],
    )  # fmt: skip
    def test_code_and_message(
        self, where: str, name: str, symbol: str, order_type: str, message: str
    ) -> None:
        info = snapshot(name)
        assert order_type not in (info[symbol].order_types or ()), where
        params = {"symbol": symbol, "side": "SELL", "type": order_type, "quantity": "1",
                  "stopPrice": str(min_price(info, symbol) * 100)}  # fmt: skip
        verdict = answer(name, params)
        assert first(verdict) == (-1013, message), where


class TestQuoteOrderQtyFlag:
    """D22: ``quoteOrderQtyMarketAllowed: false`` is ``-1013``, worded "not supported"."""

    def test_python_binance_1343(self) -> None:
        # BTCUSDT in 2023-07; the nearest snapshot (2023-08) has the flag false on the
        # leveraged tokens, so the same order goes to one of them.
        assert snapshot("spot-full-2023-08")["BTCUPUSDT"].quote_order_qty_market_allowed is False
        verdict = answer(
            "spot-full-2023-08",
            {"symbol": "BTCUPUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": "20"},
            avgPrice="2.6",
        )
        assert first(verdict) == (
            -1013,
            "Quote order qty market orders are not supported for this symbol.",
        )


class TestPriceTimesQuantity:
    """D37: ``-1013 "Price * QTY is zero or less."``, before the filters it breaks too."""

    def test_ccxt_7168(self) -> None:
        params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                  "price": "9000", "quantity": "0"}  # fmt: skip
        verdict = answer("spot-full-2020-10", params)
        assert first(verdict) == (-1013, "Price * QTY is zero or less.")
        assert [v.filter_type for v in verdict.violations[1:]] == ["LOT_SIZE", "MIN_NOTIONAL"]


class TestPermissions:
    """D19: ``-2010``, with the text real answers show before 2023-03-13 (sic)."""

    @pytest.mark.parametrize(
        ("where", "name", "symbol", "message"),
        [
            ("freqtrade #3945 (2020-11)", "spot-full-2020-11", "BTCUPUSDT",
             "This action disabled is on this account."),
            ("python-binance #1120 (2022-01)", "spot-full-2022-05", "ETHUPUSDT",
             "This action disabled is on this account."),
            ("freqtrade #11071 (2024-12)", "testnet-spot-full-2024-09", "ETHBTC",
             "This symbol is not permitted for this account."),
        ],
    )  # fmt: skip
    def test_code_and_message(self, where: str, name: str, symbol: str, message: str) -> None:
        info = snapshot(name)
        price = min_price(info, symbol) * 1000
        params = {"symbol": symbol, "side": "BUY", "type": "MARKET", "quantity": "1000"}
        verdict = answer(name, params, permissions=["TRD_GRP_NONE"], avgPrice=str(price))
        assert first(verdict) == (-2010, message), where
        assert len(verdict.violations) == 1


class TestPrecision:
    """D38, D39: ``-1111``, first among the failures it comes with (D53)."""

    def test_sieblyio_binance_19(self) -> None:
        """APPCBTC price "0.00018150460000000002", quantity "4.40760" on step 1 (2018)."""
        params = {"symbol": "APPCBTC", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                  "price": "0.00018150460000000002", "quantity": "4.40760"}  # fmt: skip
        verdict = answer("spot-full-2018-08", params)
        assert first(verdict) == (-1111, "Precision is over the maximum defined for this asset.")
        assert verdict.first is not None
        assert verdict.first.field == "price"
        assert [v.filter_type for v in verdict.violations[1:]] == [
            "PRICE_FILTER",
            "LOT_SIZE",
            "MIN_NOTIONAL",
        ]

    def test_binance_net_164(self) -> None:
        """SKYBTC price "0.0002703000": 10 decimals, 7 significant, quote precision 8 (2018-12)."""
        params = {"symbol": "SKYBTC", "side": "SELL", "type": "LIMIT", "timeInForce": "GTC",
                  "price": "0.0002703000", "quantity": "10"}  # fmt: skip
        verdict = answer("spot-full-2018-08", params)
        assert first(verdict) == (-1111, "Precision is over the maximum defined for this asset.")
        assert [v.filter_type for v in verdict.violations] == [None, "PRICE_FILTER"]

    def test_cassandre_831(self) -> None:
        """SHIB market order of "2383222.00000000", base precision 2: trailing zeros count."""
        params = {"symbol": "SHIBUSDT", "side": "BUY", "type": "MARKET",
                  "quantity": "2383222.00000000"}  # fmt: skip
        verdict = answer("spot-full-2021-08", params, avgPrice="0.00000700")
        assert first(verdict) == (-1111, "Precision is over the maximum defined for this asset.")
        assert len(verdict.violations) == 1
        assert answer("spot-full-2021-08", {**params, "quantity": "2383222.00"},
                      avgPrice="0.00000700").accepted  # fmt: skip

    def test_vnpy_binance_43(self) -> None:
        """After 2023-12-04 the message names the parameter ("clean the .0 out of floats")."""
        params = {"symbol": "BTTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "10000000.0"}
        verdict = answer("testnet-spot-full-2024-09", params)
        assert snapshot("testnet-spot-full-2024-09")["BTTCUSDT"].base_asset_precision == 1
        assert verdict.accepted
        verdict = answer("testnet-spot-full-2024-09", {**params, "quantity": "10000000.00"})
        assert first(verdict) == (-1111, "Parameter 'quantity' has too much precision.")


class TestUnreadParameters:
    """D52: ``-1104`` with R and S as Binance counts them, before a missing parameter."""

    def test_binance_connector_python_172(self) -> None:
        """``timeInforce`` misspelled: the six params plus timestamp and signature, 7 of 8 read."""
        params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInforce": "GTC",
                  "quantity": "0.001", "price": "30000", "timestamp": 1650000000000,
                  "signature": "f" * 64}  # fmt: skip
        verdict = answer("spot-full-2022-05", params)
        assert first(verdict) == (
            -1104,
            "Not all sent parameters were read; read '7' parameter(s) but was sent '8'.",
        )
        # timeInForce is then missing: -1102, after the -1104 Binance answered.
        assert [v.code for v in verdict.violations] == [-1104, -1102]
        assert verdict.violations[1].field == "timeInForce"

    def test_ccxt_7082(self) -> None:
        """``reduceOnly`` (a futures parameter): 9 of 10 read."""
        params = {"timestamp": 1600000000000, "recvWindow": 5000, "symbol": "BTCUSDT",
                  "type": "LIMIT", "side": "SELL", "quantity": "0.001", "price": "11000",
                  "timeInForce": "GTC", "reduceOnly": "true", "signature": "0" * 64}  # fmt: skip
        verdict = answer("spot-full-2020-10", params)
        assert first(verdict) == (
            -1104,
            "Not all sent parameters were read; read '9' parameter(s) but was sent '10'.",
        )
        assert len(verdict.violations) == 1

    def test_ccxt_8449_created(self) -> None:
        """``created`` among ccxt's parameters: 9 of 10 read."""
        params = {"timestamp": 1617000000000, "recvWindow": 5000, "symbol": "IOTABTC",
                  "type": "LIMIT", "side": "BUY", "quantity": "100", "price": "0.00002500",
                  "timeInForce": "GTC", "created": 1617000000000,
                  "signature": "0" * 64}  # fmt: skip
        verdict = answer("spot-full-2021-04", params)
        assert first(verdict) == (
            -1104,
            "Not all sent parameters were read; read '9' parameter(s) but was sent '10'.",
        )

    def test_python_binance_1236_stop_price(self) -> None:
        """``stop_price`` for stopPrice: 8 of 9 read; stopPrice is then missing."""
        params = {"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_LOSS_LIMIT",
                  "timeInForce": "GTC", "quantity": "0.001", "price": "29000",
                  "stop_price": "29500", "timestamp": 1650000000000,
                  "signature": "0" * 64}  # fmt: skip
        verdict = answer("spot-full-2022-05", params)
        assert first(verdict) == (
            -1104,
            "Not all sent parameters were read; read '8' parameter(s) but was sent '9'.",
        )
        assert [(v.code, v.field) for v in verdict.violations[1:]] == [(-1102, "stopPrice")]


class TestFilterOrder:
    """D53: the filters in exchangeInfo order; LOT_SIZE and PRICE_FILTER before the notional."""

    def test_python_binance_98(self) -> None:
        """ETCBTC: LOT_SIZE answered where MIN_NOTIONAL failed too."""
        params = {"symbol": "ETCBTC", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                  "price": "0.002", "quantity": "0.015"}  # fmt: skip
        verdict = answer("spot-full-2018-02", params)
        assert first(verdict) == (-1013, "Filter failure: LOT_SIZE")
        assert [v.filter_type for v in verdict.violations] == ["LOT_SIZE", "MIN_NOTIONAL"]

    def test_python_binance_719(self) -> None:
        """ETHEUR: PRICE_FILTER answered where MIN_NOTIONAL failed too."""
        params = {"symbol": "ETHEUR", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                  "price": "2000.001", "quantity": "0.001"}  # fmt: skip
        verdict = answer("spot-full-2021-04", params, avgPrice="2000")
        assert first(verdict) == (-1013, "Filter failure: PRICE_FILTER")
        assert [v.filter_type for v in verdict.violations] == ["PRICE_FILTER", "MIN_NOTIONAL"]
