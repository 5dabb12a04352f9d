"""The library's own properties, stated over the public strategies of rules.testing.

filters.md: "In order to pass the `price filter`, the following must be true for
`price`/`stopPrice` of the enabled rules" — every rule must hold, so an order built
inside every rule passes, one built outside exactly one rule fails for that rule
alone, and one more filter can only add reasons to reject.
"""

from __future__ import annotations

from decimal import Decimal

import attrs
from hypothesis import assume, given, note
from hypothesis import strategies as st

from rules.checker.evaluate import evaluate
from rules.checker.order import READ, Order
from rules.checker.request import places
from rules.fixer.propose import propose
from rules.fixer.rounding import ROUND_MODES, RoundMode, price_grid, quantity_grid, round_to_step
from rules.model.load import dump, loads
from rules.model.models import Filter, LotSizeFilter, PriceFilter
from rules.testing import (
    breakable_rules,
    exchange_infos,
    filters,
    grid_decimals,
    markets,
    orders_from_symbol,
    raw_exchange_infos,
    server_times,
    step_sizes,
    symbol_infos,
)
from rules.testing.strategies import LAUNCH_MS, Market

ANY_ERA = server_times(min_value=LAUNCH_MS)


class TestRoundTrip:
    """load(dump(x)) == x: nothing Binance sends is lost (models.py rule 6)."""

    @given(exchange_infos(server_times=ANY_ERA))
    def test_load_dump_load(self, info: object) -> None:
        assert loads(dump(info)) == info  # type: ignore[arg-type]

    @given(raw_exchange_infos())
    def test_dump_gives_back_the_json(self, raw: dict[str, object]) -> None:
        assert dump(loads(raw)) == raw


class TestRounding:
    """filters.md: "`price` % `tickSize` == 0": rounding lands on the grid, once and for all."""

    @given(
        symbol_infos(required_filters={"PRICE_FILTER", "LOT_SIZE"}),
        grid_decimals(step="0.000000001", min_value=0, max_value=10**6),
        st.sampled_from(ROUND_MODES),
        ANY_ERA,
    )
    def test_on_the_grid_and_idempotent(
        self, symbol: object, value: object, mode: RoundMode, server_time: int
    ) -> None:
        from decimal import Decimal

        assert isinstance(value, Decimal)
        pf, lot = symbol.filter(PriceFilter), symbol.filter(LotSizeFilter)  # type: ignore[attr-defined]
        for grid in (price_grid(pf, server_time), quantity_grid(lot, server_time)):
            once = grid.round(value, mode)
            assert grid.contains(once)
            assert grid.round(once, mode) == once

    @given(step_sizes(), grid_decimals(step="0.0001", min_value=0, max_value=10**4),
           st.sampled_from(ROUND_MODES))  # fmt: skip
    def test_real_steps(self, step: object, value: object, mode: RoundMode) -> None:
        rounded = round_to_step(value, step, mode)  # type: ignore[arg-type]
        assert rounded % step == 0  # type: ignore[operator]
        assert round_to_step(rounded, step, mode) == rounded  # type: ignore[arg-type]


@st.composite
def market_orders(draw: st.DrawFn, *, breaking: bool | None) -> tuple[Market, Order, str | None]:
    """A market and an order on it, with the rule it breaks: none (``breaking=False``),
    exactly one of the market's breakable rules (``True``), or either (``None``)."""
    market = draw(markets())
    rule = None
    if breaking is not False:
        rules = sorted(breakable_rules(market.symbol, info=market.info, context=market.context))
        if breaking:
            assume(rules)
        rule = draw(st.sampled_from(rules if breaking else [None, *rules]))
    order = draw(
        orders_from_symbol(market.symbol, info=market.info, context=market.context, breaking=rule)
    )
    return market, order, rule


class TestOrders:
    """An order built inside every rule passes; one built outside one rule fails for it alone."""

    @given(market_orders(breaking=False))
    def test_valid_orders_are_accepted(self, case: tuple[Market, object, None]) -> None:
        market, order, _ = case
        verdict = evaluate(market.info, order, market.context)  # type: ignore[arg-type]
        note(f"{verdict}")
        assert verdict.accepted
        assert verdict.violations == ()
        # D38, D39, D52 stated on their own: only names order.place reads, and no
        # number with more decimals (as written) than its asset's precision.
        params = order.to_params() if isinstance(order, Order) else dict(order)  # type: ignore[call-overload]
        assert set(params) <= READ
        symbol = market.info[str(params["symbol"])]
        quote = symbol.quote_asset_precision
        quote = symbol.quote_precision if quote is None else quote
        for name, most in (
            ("quantity", symbol.base_asset_precision),
            ("icebergQty", symbol.base_asset_precision),
            ("price", quote),
            ("stopPrice", quote),
            ("quoteOrderQty", quote),
        ):
            if name in params and most is not None:
                assert places(Decimal(str(params[name]))) <= most, (name, params[name], most)

    @given(market_orders(breaking=True))
    def test_broken_rule_alone(self, case: tuple[Market, object, str]) -> None:
        market, order, rule = case
        verdict = evaluate(market.info, order, market.context)  # type: ignore[arg-type]
        assert [v.filter_type for v in verdict.violations] == [rule]
        assert [v.code for v in verdict.violations] == [-1013]
        assert verdict.violations[0].msg == f"Filter failure: {rule}"


class TestAddingAFilter:
    """A filter only adds rules: it never turns a rejected order into an accepted one."""

    @given(market_orders(breaking=True), filters(), st.data())
    def test_never_accepts_more(self, case: tuple[Market, object, str], extra: Filter,
                                data: st.DataObject) -> None:  # fmt: skip
        market, order, _ = case
        before = evaluate(market.info, order, market.context)  # type: ignore[arg-type]
        assert not before.accepted
        symbol = market.symbol
        assume(symbol.filter(extra.filter_type) is None)
        where = data.draw(st.integers(0, len(symbol.filters)))
        more = (*symbol.filters[:where], extra, *symbol.filters[where:])
        bigger = attrs.evolve(symbol, filters=more)
        info = attrs.evolve(
            market.info, symbols=tuple(bigger if s is symbol else s for s in market.info.symbols)
        )
        after = evaluate(info, order, market.context)  # type: ignore[arg-type]
        assert not after.accepted
        assert {v.filter_type for v in before.violations} <= {
            v.filter_type for v in after.violations
        }


class TestFixer:
    """propose() returns an order the checker accepts, or says why none exists."""

    @given(market_orders(breaking=True))
    def test_accepted_or_a_reason(self, case: tuple[Market, object, str]) -> None:
        market, order, _ = case
        proposal = propose(market.info, order, market.context)  # type: ignore[arg-type]
        if proposal.order is None:
            assert proposal.reason
        else:
            verdict = evaluate(market.info, proposal.params(), market.context)
            note(f"{proposal}")
            assert verdict.accepted, verdict.violations
