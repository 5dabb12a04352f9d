"""rules.edge.prices: the three price answers, read exactly; contexts from them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rules.checker.context import Context
from rules.edge.prices import (
    PRICE_KINDS,
    MarketPrices,
    PriceKind,
    parse_price,
    price_kinds,
)
from rules.errors import MalformedFrameError


class TestParsePrice:
    """web-socket-api.md's result shapes; anything else is a malformed frame."""

    @pytest.mark.parametrize(
        ("kind", "result", "expected"),
        [
            ("avgPrice", {"mins": 5, "price": "9.35751834", "closeTime": 1}, Decimal("9.35751834")),
            ("ticker.price", {"symbol": "BNBBTC", "price": "0.01361900"}, Decimal("0.01361900")),
            (
                "referencePrice",
                {"symbol": "B", "referencePrice": "0.00501900"},
                Decimal("0.005019"),
            ),
            ("referencePrice", {"symbol": "B", "referencePrice": None, "timestamp": 1}, None),
            ("referencePrice", {"code": -2043, "msg": "no reference price"}, None),
        ],
    )
    def test_documented(self, kind: PriceKind, result: Any, expected: Decimal | None) -> None:
        assert parse_price(kind, result) == expected

    def test_places_are_kept(self) -> None:
        assert str(parse_price("avgPrice", {"price": "1.10"})) == "1.10"

    @pytest.mark.parametrize(
        ("kind", "result"),
        [
            ("avgPrice", []),
            ("avgPrice", {"mins": 5}),
            ("avgPrice", {"price": 9.5}),
            ("avgPrice", {"price": None}),
            ("ticker.price", {"price": "1e5"}),
            ("ticker.price", {"price": "-1"}),
            ("ticker.price", {"price": "NaN"}),
            ("referencePrice", {"code": -1121, "msg": "Invalid symbol."}),
        ],
    )
    def test_malformed(self, kind: PriceKind, result: Any) -> None:
        with pytest.raises(MalformedFrameError):
            parse_price(kind, result)

    def test_unknown_kind(self) -> None:
        with pytest.raises(ValueError, match="expected one of"):
            parse_price("bookTicker", {})  # type: ignore[arg-type]


class TestKinds:
    def test_default_is_all(self) -> None:
        assert price_kinds(None) == PRICE_KINDS

    @pytest.mark.parametrize(
        ("wanted", "error"),
        [(["bookTicker"], ValueError), ([], ValueError), ("avgPrice", TypeError)],
    )
    def test_refused(self, wanted: Any, error: type[Exception]) -> None:
        with pytest.raises(error):
            price_kinds(wanted)


class TestMarketPrices:
    def test_ages_and_within(self) -> None:
        prices = MarketPrices("X").with_price("avgPrice", Decimal("5"), at=1.0)
        prices = prices.with_price("ticker.price", Decimal("6"), at=2.0)
        assert prices.age("avgPrice", now=4.0) == 3.0
        assert prices.age("referencePrice", now=4.0) is None
        recent = prices.within(2.5, now=4.0)
        assert (recent.avg_price, recent.last_price) == (None, Decimal("6"))
        assert set(recent.fetched) == {"ticker.price"}

    def test_a_context_from_them(self) -> None:
        prices = MarketPrices("X").with_price("avgPrice", Decimal("5"), at=1.0)
        context = Context.from_prices(prices, open_orders=2, base_position="0.5")
        assert (context.avg_price, context.last_price, context.reference_price) == (
            Decimal("5"),
            None,
            None,
        )
        assert context.base_position == Decimal("0.5")
