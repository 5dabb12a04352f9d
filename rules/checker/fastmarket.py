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
from rules.checker.checks import PRODUCT
from rules.checker.context import Context
from rules.checker.eras import Era, market_price_field
from rules.checker.fastcontext import Account, dict_reader, shape_cache
from rules.checker.fastread import (
    CONTEXT,
    DICT_SHAPES,
    EMPTY_CONTEXT,
    FILTERS_CONTEXT,
    FILTERS_PRICE,
    FILTERS_QUANTITY,
    ContextWanted,
    FastCheck,
    FiltersOnly,
    compiled,
    grid_pattern,
    most_places,
    only_ignored,
)
from rules.checker.violations import Verdict
from rules.model.models import SymbolInfo
from rules.model.numbers import is_multiple

__all__ = ["market_check"]

#: What one context allows a MARKET order: the verdict of an accepted one by
#: quoteOrderQty, of one by quantity, and each notional rule's (market price, low, high).
_MarketAllowed = tuple[Verdict, Verdict, tuple[tuple[Decimal, Decimal, Decimal], ...]]
#: The same for MARKET: reader, counters, priced notional rules ``(index, low, high)``,
#: the verdicts by quoteOrderQty and by quantity.
_MarketDictShape = tuple[
    Callable[[dict[str, Any]], "tuple[Any, ...] | None"],
    tuple[tuple[int, int], ...],
    tuple[tuple[int, Decimal, Decimal], ...],
    Verdict,
    Verdict,
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
    quantity_low, quantity_high = bounds.quantity_low, bounds.quantity_high
    notionals = tuple(zip(bounds.market_notionals, bounds.market_notional_names, strict=True))
    account = Account(symbol, bounds)
    multiply = PRODUCT.multiply
    last: tuple[Context | None, _MarketAllowed | None] = (None, None)

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
        if not priced:
            return by_quote, by_quantity, ()
        if len(priced) == 1:  # the usual case: one notional rule (no generator to run)
            field, low, high = priced[0]
            return by_quote, by_quantity, ((getattr(context, field), low, high),)
        return (
            by_quote,
            by_quantity,
            tuple((getattr(context, field), low, high) for field, low, high in priced),
        )

    dict_shapes: dict[tuple[str, ...], _MarketDictShape | None] = {}

    def dict_shape(keys: tuple[str, ...]) -> _MarketDictShape | None:
        """What a dict context with these keys implies (as for the priced types): its
        reader, its counters and priced notional rules by the index of their value,
        the verdicts by quoteOrderQty and by quantity; ``None``: read as a Context."""
        reader = dict_reader(keys)
        shape = None if reader is None else shape_of(reader[2])
        entry: _MarketDictShape | None = None
        if reader is not None and shape is not None:
            read, at, _ = reader
            given, priced, by_quote, by_quantity = shape
            entry = (
                read,
                tuple((at[attribute], maximum) for attribute, maximum in given),
                tuple((at[field], low, high) for field, low, high in priced),
                by_quote,
                by_quantity,
            )
        if len(dict_shapes) < DICT_SHAPES:
            dict_shapes[keys] = entry
        return entry

    def fast_check(
        params: dict[str, Any], context: Context | dict[str, Any]
    ) -> Verdict | FiltersOnly | ContextWanted | None:
        # The order alone first, then the context (as for the priced types); past
        # the shape and the reading, a failed bound is FILTERS.
        side = params.get("side")
        if side != "BUY" and side != "SELL":
            return None  # missing or invalid side
        if "quoteOrderQty" in params:
            if not quote_allowed or (len(params) != 4 and not only_ignored(params, by_quote)):
                return None
            text = params["quoteOrderQty"]
            if type(text) is not str or quote_readable(text) is None:
                return None
            notional = Decimal(text)
            if not notional:
                return None
            for (_, low, high), _name in notionals:
                if notional < low or notional > high:
                    return FILTERS_QUANTITY  # no quantity: its checks find nothing
            quantity = None
        else:
            if len(params) != 4 and not only_ignored(params, by_quantity):
                return None
            text = params.get("quantity")
            if type(text) is not str:
                return None
            if quantity_readable(text) is None:
                if quantity_well_formed(text) is None or not Decimal(text):
                    return None
                return FILTERS_PRICE  # off the step (no price: its checks find nothing)
            quantity = Decimal(text)
            if not quantity:
                return None
            if quantity < quantity_low or quantity > quantity_high:
                return FILTERS_PRICE
            if step is not None and not is_multiple(quantity, step):
                return FILTERS_PRICE
        if type(context) is dict:
            if context:  # read directly, as for the priced types
                keys = tuple(context)
                entry = dict_shapes.get(keys) or dict_shape(keys)
                if entry is None:
                    return CONTEXT
                values = entry[0](context)
                if values is None:
                    return CONTEXT
                for index, maximum in entry[1]:
                    if values[index] + 1 > maximum:
                        return FILTERS_CONTEXT  # a counter full (D15)
                if quantity is None:
                    return entry[3]
                for index, low, high in entry[2]:
                    notional = multiply(values[index], quantity)
                    if notional < low or notional > high:
                        return FILTERS_CONTEXT
                return entry[4]
            context = EMPTY_CONTEXT
        nonlocal last
        seen = last
        if seen[0] is not context:
            seen = last = (context, allowed(context))  # type: ignore[arg-type,assignment]
        known = seen[1]
        if known is None:
            return FILTERS_CONTEXT  # not permitted (D19), or a counter full (D15)
        if quantity is None:
            return known[0]
        for reference, low, high in known[2]:
            notional = multiply(reference, quantity)
            if notional < low or notional > high:
                return FILTERS_CONTEXT
        return known[1]

    return fast_check
