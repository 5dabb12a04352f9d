"""The fast check of MARKET orders (:mod:`rules.checker.fastpath` for the priced types).

By ``quantity`` (LOT_SIZE, MARKET_LOT_SIZE; the notional rules on ``quantity``
times the market price, unchecked without it, D10, D18) or by ``quoteOrderQty``
(the notional rules on it, D11; the symbol must allow it, D22), with the same
answers and the same readings as the priced types' checks.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from rules.checker.bounds import AcceptBounds
from rules.checker.context import Context
from rules.checker.eras import Era, market_price_field
from rules.checker.fastcode import (
    COMMON,
    JUDGE_COMMON,
    asks_context,
    context_judge_source,
    make,
    market_source,
)
from rules.checker.fastcontext import Account, dict_reader, shape_cache
from rules.checker.fastread import (
    DICT_SHAPES,
    FILTERS,
    FILTERS_PRICE,
    FILTERS_QUANTITY,
    PRECISE,
    FastCheck,
    at_least,
    at_most,
    compiled,
    grid_pattern,
    most_places,
)
from rules.checker.violations import Verdict
from rules.model.models import SymbolInfo

__all__ = ["market_check"]

#: What one context allows a MARKET order: the verdict of an accepted one by
#: quoteOrderQty, of one by quantity, and each notional rule's market price and
#: bounds, as floats for the certified product test (:mod:`rules.checker.fastread`)
#: and exactly: (price, low, high, price, low, high).
_MarketAllowed = tuple[
    Verdict, Verdict, tuple[tuple[float, float, float, Decimal, Decimal, Decimal], ...]
]
#: The same for MARKET: counters given, priced notional rules ``(field, low, high)``,
#: the verdict of an accepted order by quoteOrderQty, and by quantity.
_MarketShape = tuple[
    tuple[tuple[str, int], ...], tuple[tuple[str, Decimal, Decimal], ...], Verdict, Verdict
]


def market_check(symbol: SymbolInfo, bounds: AcceptBounds, era: Era) -> FastCheck:
    """The fast check of MARKET orders: by ``quantity`` (LOT_SIZE, MARKET_LOT_SIZE;
    the notional rules on ``quantity`` × the market price, unchecked without it)
    or by ``quoteOrderQty`` (the notional rules on it, D11; the symbol must allow
    it, D22). The price bands never judge a MARKET order (D13)."""
    by_quantity = frozenset({"symbol", "side", "type", "quantity"})
    by_quote = frozenset({"symbol", "side", "type", "quoteOrderQty"})
    quote_allowed = symbol.quote_order_qty_market_allowed is not False
    quote_places = symbol.quote_places
    quantity_pattern, step = grid_pattern(
        bounds.quantity_step, most_places(symbol.base_asset_precision)
    )
    quantity_readable = compiled(quantity_pattern).fullmatch
    quantity_well_formed = compiled(
        grid_pattern(None, most_places(symbol.base_asset_precision))[0]
    ).fullmatch
    quote_readable = compiled(grid_pattern(None, most_places(quote_places))[0]).fullmatch
    # A legal decimal past its precision (D38): the filters judge it as read (PRECISE).
    legal = compiled(grid_pattern(None)[0]).fullmatch
    quantity_low, quantity_high = bounds.quantity_low, bounds.quantity_high
    notionals = tuple(zip(bounds.market_notionals, bounds.market_notional_names, strict=True))
    account = Account(symbol, bounds)

    def shape_of(context: Context) -> _MarketShape | None:
        judged = account.unchecked(context)  # not the counts' values: kept per shape
        if judged is None:
            return None
        unknown, missing = judged
        priced: list[tuple[str, Decimal, Decimal]] = []
        unpriced = missing
        for (mins, low, high), name in notionals:
            field = market_price_field(mins, context, era)
            if getattr(context, field) is None:
                unpriced = [name] if unpriced is None else [*unpriced, name]  # D18
            else:
                priced.append((field, low, high))
        return (
            account.given(context),
            tuple(priced),
            account.verdict(unknown, missing),
            account.verdict(unknown, unpriced),
        )

    shapes: dict[object, _MarketShape | None] = {}

    def allowed(context: Context) -> _MarketAllowed | None:
        shape = shape_cache(shapes, shape_of, context)
        if shape is None:
            return None
        given, priced, by_quote, by_quantity = shape
        for attribute, maximum in given:
            if getattr(context, attribute) + 1 > maximum:
                return None  # a violation (D15)
        # Each rule's market price and bounds, as floats for the certified product
        # test (fastread) and exactly.
        rules = []
        for field, low, high in priced:
            reference = getattr(context, field)
            rules.append((float(reference), at_least(low), at_most(high), reference, low, high))
        return by_quote, by_quantity, tuple(rules)

    judges: dict[tuple[str, ...], Callable[..., Any]] = {}

    def judge_for(keys: tuple[str, ...]) -> Callable[..., Any]:
        """The judge of a dict context with these keys (as for the priced types): it
        reads the values, compares the counts it gives with their maximum and, for an
        order by quantity, quantity × each priced notional rule's market price with its
        bounds; it answers the verdict by quoteOrderQty or by quantity,
        ``FILTERS_CONTEXT``, or ``CONTEXT`` (read the dict as a Context)."""
        if len(judges) >= DICT_SHAPES:
            return asks_context  # full (keys come from the input): read as a Context
        reader = dict_reader(keys)
        shape = None if reader is None else shape_of(reader[2])
        judge: Callable[..., Any] = asks_context
        if reader is not None and shape is not None:
            reads, at, _ = reader
            given, priced, quote_verdict, quantity_verdict = shape
            source = context_judge_source(
                reads,
                tuple(at[attribute] for attribute, _ in given),
                None,
                None,
                tuple(at[field] for field, _, _ in priced),
            )
            judge = make(source)(
                **JUDGE_COMMON,
                COUNT_MAX=tuple(maximum for _, maximum in given),
                UP=None,
                UP_F=None,
                DOWN=None,
                DOWN_F=None,
                VERDICT=None,
                ICEBERG_MAX=None,
                ICEBERG_VERDICT=None,
                LOW=tuple(low for _, low, _ in priced),
                LOW_F=tuple(at_least(low) for _, low, _ in priced),
                HIGH=tuple(high for _, _, high in priced),
                HIGH_F=tuple(at_most(high) for _, _, high in priced),
                BY_QUOTE=quote_verdict,
                BY_QUANTITY=quantity_verdict,
            )
        if len(judges) < DICT_SHAPES:
            judges[keys] = judge
        return judge

    # The check itself, written once per layout (fastcode) and made with this
    # symbol's numbers: the order alone first, then the context (as for the priced
    # types); past the shape and the reading, a failed bound is FILTERS.
    quote_rules = tuple(rule for rule, _ in notionals)
    source = market_source(quote_allowed, step is not None, len(quote_rules))
    fast_check: FastCheck = make(source)(
        **COMMON,
        judges=judges,
        judge_for=judge_for,
        BY_QUOTE=by_quote,
        BY_QUANTITY=by_quantity,
        quote_readable=quote_readable,
        quantity_readable=quantity_readable,
        quantity_well_formed=quantity_well_formed,
        legal=legal,
        allowed=allowed,
        QUOTE_LOW=tuple(low for _, low, _ in quote_rules),
        QUOTE_HIGH=tuple(high for _, _, high in quote_rules),
        QUOTE_LOW_F=tuple(float(low) for _, low, _ in quote_rules),
        QUOTE_HIGH_F=tuple(float(high) for _, _, high in quote_rules),
        QL=quantity_low,
        QH=quantity_high,
        QL_F=float(quantity_low),
        QH_F=float(quantity_high),
        STEP=step,
        FILTERS=FILTERS,
        FILTERS_PRICE=FILTERS_PRICE,
        FILTERS_QUANTITY=FILTERS_QUANTITY,
        PRECISE_NONE=PRECISE[0],
        PRECISE_PRICE=PRECISE[FILTERS_PRICE.known],
    )
    return fast_check
