"""The checker's fast path: the verdict of an order that passes, in a few microseconds.

For each symbol and each order type it can judge, :func:`compile_fast_check`
builds one small function from the symbol's filters (:func:`fast_shape`):

- LIMIT and LIMIT_MAKER with ``price`` and ``quantity``, and the iceberg form
  with ``icebergQty`` (D06-D08, D14, D22);
- STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT with a ``stopPrice``;
- MARKET by ``quantity`` or by ``quoteOrderQty`` (D10, D11, D22);

each as plain strings with a BUY or SELL side, without trailing delta, peg,
STP mode or strategy. It answers with the general path's own verdict when the
general path (:func:`rules.checker.judge.judge_order`) would find no
violation: ``ACCEPTED``, or accepted with the rules the context leaves
``unchecked`` (a context without ``avgPrice``, a count or known permissions:
what a context's set of fields implies is worked out once per set,
:mod:`rules.checker.fastcontext`, and the verdict once per set of unchecked
rules). An order it has read whole (shape, side, ``timeInForce``, every
string well-formed within its precision, D38; price × quantity above zero,
D37; an ``icebergQty`` below the quantity, D07) that breaks a bound gets
:data:`FILTERS`: only the context's rules and the filters can reject it, and
:func:`rules.checker.judge.judge_filters` judges and explains it without the
request checks. Anything else returns ``None`` and the general path judges the
order. The fast path itself never builds a violation and never words one.

Where the rules come from, so the two paths cannot drift apart unnoticed:

- the filters: each filter's check in :data:`~rules.checker.filters.FILTER_CHECKS` has a
  *fold*, written next to it, that states the same rule as bounds; a check
  without a fold (an unknown filter, D25) or a fold that declines (an old-era
  grid from a minimum off the grid, D17; an active MAX_POSITION) leaves the
  symbol without a fast path;
- the reading: a numeric string is taken only if it matches Binance's own
  legal range :data:`rules.checker.order.DECIMAL_RANGE`, the set of strings
  :func:`rules.checker.order.read_decimal` accepts; any other value (a number, a
  ``Decimal``) takes the general path, and so does one with more decimals than
  its asset's precision (``-1111``, D38); a parameter other than the ones read
  here is accepted only if order.place reads it and no rule judges it
  (``newClientOrderId``, ``timestamp``, ...; not ``""``): any other name gets
  ``-1104`` (D52);
- ``tests/property/test_fastpath_properties.py`` generates many orders, most
  near the boundaries of real snapshots' filters, and asserts that
  :func:`rules.checker.evaluate.evaluate` gives exactly the general path's verdict.

Arithmetic is the general path's own: :func:`rules.model.numbers.is_multiple` for
grids (exact at any length) and ``PRODUCT.multiply`` for products (exact at
``MAX_PREC``); everything else is a comparison, which is exact without a context.
A grid of a power of ten (``0.01``, ``0.00001000``) is tested on the string
instead, by the same pattern that reads it (:func:`grid_pattern`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, Final

from rules.checker.bounds import FOLDS, AcceptBounds
from rules.checker.checks import PRODUCT, Check
from rules.checker.context import Context
from rules.checker.eras import Era, market_price_field
from rules.checker.fastcontext import Account, shape_cache
from rules.checker.kinds import OrderKind
from rules.checker.order import READ_NOT_JUDGED
from rules.checker.violations import Verdict
from rules.model.models import Filter, SymbolInfo
from rules.model.numbers import is_multiple

__all__ = [
    "FILTERS",
    "AcceptedCheck",
    "FastCheck",
    "FiltersOnly",
    "accepted_only",
    "compile_fast_check",
    "fast_shape",
]


class FiltersOnly:
    """The type of :data:`FILTERS`, a fast check's third answer."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FILTERS"


#: A fast check's answer for an order it read whole and found well-formed but
#: that may break a rule of the context or a filter: "judge it with
#: :func:`rules.checker.judge.judge_filters`" (every request check would pass).
FILTERS: Final = FiltersOnly()

#: ``check(params, context)``: the general path's verdict when it surely accepts
#: (``ACCEPTED``, or accepted with the rules the context leaves ``unchecked``);
#: :data:`FILTERS` when only the context's rules and the filters can reject it;
#: else ``None``: "ask the general path".
FastCheck = Callable[[dict[str, Any], Context], "Verdict | FiltersOnly | None"]
#: A fast check that answers only "accepted" (its verdict) or ``None`` ("not sure").
AcceptedCheck = Callable[[dict[str, Any], Context], "Verdict | None"]


def accepted_only(check: FastCheck) -> AcceptedCheck:
    """``check`` answering only "accepted" or ``None``: :data:`FILTERS` becomes ``None``
    (for callers that judge a rejection their own way)."""

    def accepted(params: dict[str, Any], context: Context) -> Verdict | None:
        answer = check(params, context)
        return None if answer is FILTERS else answer  # type: ignore[return-value]

    return accepted


_TIME_IN_FORCE: Final = frozenset({"GTC", "IOC", "FOK"})
_ZERO: Final = Decimal(0)
#: Parameters the reader reads but no rule checks (yet): a string of them is ignored.
_READ_NOT_CHECKED: Final = frozenset({"newClientOrderId"})
#: What one context allows one side: the price interval of every price rule
#: (lowest, highest), and the verdict of an order that passes every bound
#: (``ACCEPTED`` or accepted with ``unchecked``).
_Allowed = tuple[Decimal, Decimal, Verdict]
#: What one context allows a MARKET order: the verdict of an accepted one by
#: quoteOrderQty, of one by quantity, and each notional rule's (market price, low, high).
_MarketAllowed = tuple[Verdict, Verdict, tuple[tuple[Decimal, Decimal, Decimal], ...]]
#: What a context's set of given fields implies for one fast check (once per set):
#: the counters it gives ``(attribute, maximum)``, the priced bands of a BUY and of a
#: SELL ``(field of the market price, up or None, down)``, the verdict of an order
#: that passes, the unpriced bands.
_Shape = tuple[
    tuple[tuple[str, int], ...],
    tuple[tuple[str, Decimal | None, Decimal], ...],
    tuple[tuple[str, Decimal | None, Decimal], ...],
    Verdict,
    list[tuple[int, str]],
]
#: The same for an iceberg order: the counters given, the verdict of one that passes.
_IcebergShape = tuple[tuple[tuple[str, int], ...], Verdict]
#: The same for MARKET: counters given, priced notional rules ``(field, low, high)``,
#: the verdict of an accepted order by quoteOrderQty, and by quantity.
_MarketShape = tuple[
    tuple[tuple[str, int], ...], tuple[tuple[str, Decimal, Decimal], ...], Verdict, Verdict
]
_STOP: Final = ("stopPrice", "trailingDelta")
_MARKET: Final = ("quantity", "quoteOrderQty")


def fast_shape(kind: OrderKind) -> str | None:
    """The shape of ``kind``'s fast check, or ``None`` if it has none.

    ``"limit"``: LIMIT, LIMIT_MAKER (``price`` and ``quantity``, ``timeInForce`` if
    the type wants it). ``"stop"``: the same with a ``stopPrice``
    (STOP_LOSS_LIMIT, TAKE_PROFIT_LIMIT; the fast check takes the ``stopPrice``
    side of the ``stopPrice|trailingDelta`` group). ``"market"``: MARKET, by
    ``quantity`` or by ``quoteOrderQty``.
    """
    if kind.market:
        return "market" if kind.mandatory == (_MARKET,) else None
    if not kind.priced:
        return None
    singles = {group[0] for group in kind.mandatory if len(group) == 1}
    pairs = [group for group in kind.mandatory if len(group) != 1]
    if not {"price", "quantity"} <= singles <= {"timeInForce", "price", "quantity"}:
        return None
    if not pairs:
        return "limit"
    return "stop" if pairs == [_STOP] else None


def simple_shape(kind: OrderKind) -> bool:
    """Whether ``kind`` is an order type of the simple shape (LIMIT, LIMIT_MAKER)."""
    return fast_shape(kind) == "limit"


def fold_bounds(
    checks: Iterable[tuple[Check, Filter]], kind: OrderKind, era: Era
) -> AcceptBounds | None:
    """Every filter's rule for ``kind`` as one set of bounds, or ``None`` if one cannot fold.

    Each band and counter is also named (``bounds.band_names``,
    ``bounds.counter_names``: its position among the checks and its filterType),
    so that a context without its input lists it in ``unchecked`` in the
    general path's order.
    """
    bounds = AcceptBounds()
    named = (
        (bounds.bands, bounds.band_names),
        (bounds.counters, bounds.counter_names),
        (bounds.market_notionals, bounds.market_notional_names),
        (bounds.iceberg_counters, bounds.iceberg_counter_names),
    )
    for position, (check, f) in enumerate(checks):
        fold = FOLDS.get(check)
        if fold is None or not fold(f, kind, era, bounds):
            return None
        for entries, names in named:
            if len(names) < len(entries):  # what this fold added
                names.extend([(position, f.filter_type)] * (len(entries) - len(names)))
    return bounds


def compile_fast_check(
    symbol: SymbolInfo, checks: Iterable[tuple[Check, Filter]], kind: OrderKind, era: Era
) -> FastCheck | None:
    """The fast check of ``kind`` orders on ``symbol``, or ``None`` if there is none.

    The caller has already made sure the symbol is TRADING and has the type
    enabled (D01, D02): the symbol-level rules that do not depend on the order.
    """
    shape = fast_shape(kind)
    if shape is None:
        return None
    bounds = fold_bounds(checks, kind, era)
    if bounds is None:
        return None
    if shape == "market":
        return _market_check(symbol, bounds, era)
    stop = shape == "stop"
    needs_tif = any(group == ("timeInForce",) for group in kind.mandatory)
    taken = frozenset(
        {"symbol", "side", "type", "price", "quantity"}
        | ({"timeInForce"} if needs_tif else set())
        | ({"stopPrice"} if stop else set())
    )
    size = len(taken)
    # An iceberg LIMIT or LIMIT_MAKER (D06-D08, D14, D22): icebergQty too.
    icebergs = shape == "limit" and symbol.iceberg_allowed is not False
    taken_iceberg = taken | {"icebergQty"}
    parts = bounds.iceberg_parts
    price_low, price_high = bounds.price_low, bounds.price_high
    quantity_low, quantity_high = bounds.quantity_low, bounds.quantity_high
    notional_low, notional_high = bounds.notional_low, bounds.notional_high
    # The strings are read by one pattern, "price,quantity[,stopPrice]" (a comma
    # is in none); a power-of-ten grid is tested on the string (grid_pattern), any
    # other step by an exact remainder. The stopPrice is on PRICE_FILTER's grid
    # and within its bounds, not the bands' (D13: those judge the limit price).
    # D38, D39: no more decimals (as sent) than the asset's precision, else -1111.
    quote_places = symbol.quote_places
    price_pattern, tick = grid_pattern(bounds.price_step, _most(quote_places))
    quantity_pattern, step = grid_pattern(bounds.quantity_step, _most(symbol.base_asset_precision))
    readable = _compiled(
        f"{price_pattern},{quantity_pattern}" + (f",{price_pattern}" if stop else "")
    ).fullmatch
    quantity_readable = _compiled(quantity_pattern).fullmatch
    # The same strings off the grid too: well-formed, judged by the filters (FILTERS).
    loose_price = grid_pattern(None, _most(quote_places))[0]
    loose_quantity = grid_pattern(None, _most(symbol.base_asset_precision))[0]
    well_formed = _compiled(
        f"{loose_price},{loose_quantity}" + (f",{loose_price}" if stop else "")
    ).fullmatch
    quantity_well_formed = _compiled(loose_quantity).fullmatch
    # D37 wants price × quantity > 0; a positive minimum notional already says so.
    positive_low = notional_low > 0
    multiply = PRODUCT.multiply
    band_names = bounds.band_names

    bands = tuple(zip(bounds.bands, band_names, strict=True))
    account = Account(symbol, bounds)
    iceberg_account = Account(symbol, bounds, iceberg=True) if icebergs else account

    def shape_of(context: Context) -> _Shape | None:
        """What the context's set of given fields implies (``shape_cache``)."""
        judged = account.unchecked(context)  # not the counts' values: kept per shape
        if judged is None:
            return None
        unknown, missing = judged
        # Each priced band per side: (field of the market price, up, down); an up of
        # 0 is no upper bound (D12).
        buy: list[tuple[str, Decimal | None, Decimal]] = []
        sell: list[tuple[str, Decimal | None, Decimal]] = []
        unpriced: list[tuple[int, str]] = []
        for band, name in bands:
            field = market_price_field(band[0], context, era)
            if getattr(context, field) is None:
                unpriced.append(name)  # D18: unchecked
            else:
                buy.append((field, band[1] or None, band[2]))
                sell.append((field, band[3] or None, band[4]))
        verdict = account.verdict(unknown, [*(missing or ()), *unpriced] if unpriced else missing)
        return account.given(context), tuple(buy), tuple(sell), verdict, unpriced

    shapes: dict[object, _Shape | None] = {}

    def allowed(context: Context, side: str) -> _Allowed | None:
        """What the context allows this side: the price interval of every price rule
        and the verdict of an order that passes; ``None``: a rule of the context is
        broken (a counter full, D15; not permitted, D19)."""
        shape = shape_cache(shapes, shape_of, context)
        if shape is None:
            return None
        given, buy, sell, verdict, _ = shape
        for attribute, maximum in given:
            if getattr(context, attribute) + 1 > maximum:
                return None  # a violation (D15)
        low, high = price_low, price_high
        for field, up, down in buy if side == "BUY" else sell:
            reference = getattr(context, field)
            if up is not None:
                bound = multiply(reference, up)
                if bound < high:
                    high = bound
            bound = multiply(reference, down)
            if bound > low:
                low = bound
        return low, high, verdict

    def iceberg_shape_of(context: Context) -> _IcebergShape | None:
        """What the context's set of given fields implies for an iceberg order
        (``shape_cache``): the counters it gives, and the verdict of one that passes."""
        judged = iceberg_account.unchecked(context)
        shape = shape_cache(shapes, shape_of, context)
        if judged is None or shape is None:
            return None
        unpriced = shape[4]
        verdict = iceberg_account.verdict(judged[0], [*(judged[1] or ()), *unpriced])
        return iceberg_account.given(context), verdict

    iceberg_shapes: dict[object, _IcebergShape | None] = {}

    def iceberg_verdict(context: Context) -> Verdict | None:
        """The verdict of an iceberg order that passes every bound (it also counts in
        the iceberg counters, D08, D15); ``None``: ask the general path."""
        shape = shape_cache(iceberg_shapes, iceberg_shape_of, context)
        if shape is None:
            return None
        for attribute, maximum in shape[0]:
            if getattr(context, attribute) + 1 > maximum:
                return None  # a violation (D15)
        return shape[1]

    # The last context seen on each side and what it allows, as one tuple so that
    # a thread never reads one context with another's bounds. A Context is frozen:
    # the same object always allows the same (the empty context of a call without
    # one is one object: its bounds are worked out once per side).
    last_buy: tuple[Context | None, _Allowed | None] = (None, None)
    last_sell: tuple[Context | None, _Allowed | None] = (None, None)
    last_iceberg: tuple[Context | None, Verdict | None] = (None, None)

    def by_filters(price_text: str, quantity_text: str, iceberg_text: object) -> FiltersOnly | None:
        """``FILTERS`` for well-formed strings (matched by ``well_formed``) unless a
        request check judges the numbers: D37 (price × quantity above zero), D07 (an
        ``icebergQty`` below the quantity); ``None`` then, for the general path."""
        quantity = Decimal(quantity_text)
        if multiply(Decimal(price_text), quantity) <= _ZERO:
            return None  # D37
        if iceberg_text is not None:
            if type(iceberg_text) is not str or quantity_well_formed(iceberg_text) is None:
                return None
            iceberg = Decimal(iceberg_text)
            if not iceberg or iceberg >= quantity:
                return None  # D07, or a zero icebergQty
        return FILTERS

    def fast_check(params: dict[str, Any], context: Context) -> Verdict | FiltersOnly | None:
        # The order alone first (its shape, its strings, the static bounds), so that
        # most rejections leave before the context is looked at; then the context.
        # Past the shape and the reading, a failed bound is FILTERS (by_filters).
        side = params.get("side")
        if side != "BUY" and side != "SELL":
            return None  # missing or invalid side
        iceberg_text = params.get("icebergQty")
        if iceberg_text is None:
            if len(params) != size and not _only_ignored(params, taken):
                return None
            if needs_tif and params.get("timeInForce") not in _TIME_IN_FORCE:
                return None
        else:
            if not icebergs:
                return None  # icebergAllowed is false (D22), or not a LIMIT type
            if len(params) != size + 1 and not _only_ignored(params, taken_iceberg):
                return None
            if needs_tif and params.get("timeInForce") != "GTC":
                return None  # D06: an iceberg is GTC
        price_text, quantity_text = params.get("price"), params.get("quantity")
        # Only strings read_decimal takes (a str subclass is not one).
        if type(price_text) is not str or type(quantity_text) is not str:
            return None
        stop_text: str = ""
        if stop:
            stop_text = params.get("stopPrice")  # type: ignore[assignment]
            if type(stop_text) is not str:
                return None
            texts = f"{price_text},{quantity_text},{stop_text}"
        else:
            texts = f"{price_text},{quantity_text}"
        if readable(texts) is None:
            if well_formed(texts) is None:
                return None  # malformed, or more decimals than the precision (D38)
            return by_filters(price_text, quantity_text, iceberg_text)  # off a grid
        if stop:
            stop_price = Decimal(stop_text)
            if stop_price < price_low or stop_price > price_high:
                return by_filters(price_text, quantity_text, iceberg_text)
            if tick is not None and not is_multiple(stop_price, tick):
                return by_filters(price_text, quantity_text, iceberg_text)
        price = Decimal(price_text)  # exact: a Decimal from a string never rounds
        if price < price_low or price > price_high:
            return by_filters(price_text, quantity_text, iceberg_text)
        if tick is not None and not is_multiple(price, tick):
            return by_filters(price_text, quantity_text, iceberg_text)
        quantity = Decimal(quantity_text)
        if quantity < quantity_low or quantity > quantity_high:
            return by_filters(price_text, quantity_text, iceberg_text)
        if step is not None and not is_multiple(quantity, step):
            return by_filters(price_text, quantity_text, iceberg_text)
        notional = multiply(price, quantity)
        if not positive_low and notional <= _ZERO:
            return None  # D37
        if notional < notional_low or notional > notional_high:
            return by_filters(price_text, quantity_text, iceberg_text)
        if iceberg_text is not None:
            # LOT_SIZE judges icebergQty as it does quantity (D08); it must be below
            # the quantity (D07); CEIL(quantity / icebergQty) <= limit is
            # quantity <= limit × icebergQty (D14), an exact product.
            if type(iceberg_text) is not str or quantity_readable(iceberg_text) is None:
                return by_filters(price_text, quantity_text, iceberg_text)
            iceberg = Decimal(iceberg_text)
            if not iceberg or iceberg >= quantity:
                return None  # D07, or a zero icebergQty
            if iceberg < quantity_low:
                return FILTERS
            if step is not None and not is_multiple(iceberg, step):
                return FILTERS
            if parts is not None and quantity > multiply(iceberg, parts):
                return FILTERS
        # The context: permissions, counters, the price bands around the market price.
        nonlocal last_buy, last_sell, last_iceberg
        if side == "BUY":
            seen = last_buy
            if seen[0] is not context:
                seen = last_buy = (context, allowed(context, side))
        else:
            seen = last_sell
            if seen[0] is not context:
                seen = last_sell = (context, allowed(context, side))
        known = seen[1]
        if known is None:
            return FILTERS  # not permitted (D19), or a counter full (D15)
        if price < known[0] or price > known[1]:
            return FILTERS
        if iceberg_text is None:
            return known[2]
        seen_iceberg = last_iceberg
        if seen_iceberg[0] is not context:
            seen_iceberg = last_iceberg = (context, iceberg_verdict(context))
        return seen_iceberg[1] or FILTERS  # None: an iceberg counter full (D15)

    return fast_check


def _market_check(symbol: SymbolInfo, bounds: AcceptBounds, era: Era) -> FastCheck:
    """The fast check of MARKET orders: by ``quantity`` (LOT_SIZE, MARKET_LOT_SIZE;
    the notional rules on ``quantity`` × the market price, unchecked without it)
    or by ``quoteOrderQty`` (the notional rules on it, D11; the symbol must allow
    it, D22). The price bands never judge a MARKET order (D13)."""
    by_quantity = frozenset({"symbol", "side", "type", "quantity"})
    by_quote = frozenset({"symbol", "side", "type", "quoteOrderQty"})
    quote_allowed = symbol.quote_order_qty_market_allowed is not False
    quote_places = symbol.quote_places
    quantity_pattern, step = grid_pattern(bounds.quantity_step, _most(symbol.base_asset_precision))
    quantity_readable = _compiled(quantity_pattern).fullmatch
    quantity_well_formed = _compiled(
        grid_pattern(None, _most(symbol.base_asset_precision))[0]
    ).fullmatch
    quote_readable = _compiled(grid_pattern(None, _most(quote_places))[0]).fullmatch
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

    def fast_check(params: dict[str, Any], context: Context) -> Verdict | FiltersOnly | None:
        # The order alone first, then the context (as for the priced types); past
        # the shape and the reading, a failed bound is FILTERS.
        side = params.get("side")
        if side != "BUY" and side != "SELL":
            return None  # missing or invalid side
        if "quoteOrderQty" in params:
            if not quote_allowed or (len(params) != 4 and not _only_ignored(params, by_quote)):
                return None
            text = params["quoteOrderQty"]
            if type(text) is not str or quote_readable(text) is None:
                return None
            notional = Decimal(text)
            if not notional:
                return None
            for (_, low, high), _name in notionals:
                if notional < low or notional > high:
                    return FILTERS
            quantity = None
        else:
            if len(params) != 4 and not _only_ignored(params, by_quantity):
                return None
            text = params.get("quantity")
            if type(text) is not str:
                return None
            if quantity_readable(text) is None:
                if quantity_well_formed(text) is None or not Decimal(text):
                    return None
                return FILTERS  # off the step
            quantity = Decimal(text)
            if not quantity:
                return None
            if quantity < quantity_low or quantity > quantity_high:
                return FILTERS
            if step is not None and not is_multiple(quantity, step):
                return FILTERS
        nonlocal last
        seen = last
        if seen[0] is not context:
            seen = last = (context, allowed(context))
        known = seen[1]
        if known is None:
            return FILTERS  # not permitted (D19), or a counter full (D15)
        if quantity is None:
            return known[0]
        for reference, low, high in known[2]:
            notional = multiply(reference, quantity)
            if notional < low or notional > high:
                return FILTERS
        return known[1]

    return fast_check


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """``re.compile``, kept: symbols share a few grids and precisions, so a few
    hundred patterns serve thousands of plans (re's own cache holds 512)."""
    return re.compile(pattern)


def _most(precision: int | None) -> int:
    # The most decimals a value may be sent with: the precision (D38), within
    # DECIMAL_RANGE's 20 (no field, or a wider one: 20).
    return 20 if precision is None or precision > 20 else max(precision, 0)


def grid_pattern(step: Decimal | None, most: int = 20) -> tuple[str, Decimal | None]:
    """A pattern for the strings to read, and the step left to test by remainder.

    The pattern takes exactly the strings :data:`~rules.checker.order.DECIMAL_RANGE`
    takes that have at most ``most`` decimals as written (the asset's precision,
    D38; trailing zeros count, D39) and, for a step of ``10**-k`` (``0 <= k <=
    20``: ``1``, ``0.01``, ``0.00001000``), whose value is a multiple of the
    step; then no step is left: ``x % 10**-k == 0`` exactly when every digit
    after the k-th decimal place is 0, so a fraction of at most ``most`` digits
    is at most k digits then at most ``most - k`` zeros (when ``k >= most``
    every such fraction is on the grid). For any other step, or none, the
    fraction is any ``1..most`` digits and the step is returned for
    :func:`~rules.model.numbers.is_multiple`.
    """
    integer = "[0-9]{1,20}+"
    if step is not None:
        # No arithmetic, so no context: the digits and exponent as written.
        _, digits, exponent = step.as_tuple()
        if isinstance(exponent, int) and digits[:1] == (1,) and not any(digits[1:]):
            places = -(exponent + len(digits) - 1)  # 0.00001000 is 1000E-8: 5 places
        else:
            places = -1
        # Up to 20 places, as DECIMAL_RANGE; a finer power of ten is left to
        # is_multiple, like any other step.
        if 0 <= places <= 20:
            # Possessive quantifiers (``{m,n}+``, ``?+``) never give back what they
            # took; here giving back could never help a match (what follows a run
            # of digits is a dot, a comma or zeros that the run would have taken
            # too), so they only spare the regex engine its backtracking.
            if places >= most:
                fraction = f"[0-9]{{1,{most}}}+" if most else ""
            elif places:
                fraction = f"[0-9]{{1,{places}}}+0{{0,{most - places}}}+"
            else:
                fraction = f"0{{1,{most}}}+"
            return integer + (rf"(?:\.{fraction})?+" if fraction else ""), None
    fraction = f"[0-9]{{1,{most}}}+" if most else ""
    return integer + (rf"(?:\.{fraction})?+" if fraction else ""), step


def _only_ignored(params: dict[str, Any], taken: frozenset[str]) -> bool:
    """Whether every param outside ``taken`` is one the checker reads and never judges.

    ``null`` is "not sent"; a name order.place does not read gets ``-1104``
    (D52), so it declines; of the names it reads, only a non-empty
    ``newClientOrderId`` string and the :data:`~rules.checker.order.READ_NOT_JUDGED`
    names (``timestamp``, ``recvWindow``, ...) are never judged (``""`` gets
    ``-1105``, D29). A missing ``taken`` param is found by its own test, so
    only the extras matter here.
    """
    for wire, value in params.items():
        if wire in taken or value is None:
            continue
        if wire in READ_NOT_JUDGED:
            if type(value) is str and value == "":
                return False
        elif wire not in _READ_NOT_CHECKED or type(value) is not str or not value:
            return False
    return True
