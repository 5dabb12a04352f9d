"""Orders built from a symbol's rules: valid ones, and ones that break exactly one rule.

How an order is built (never by asking the checker):

1. Each filter becomes constraints on one value (``price``, ``stopPrice``,
   ``quantity``, ``icebergQty``, ``quoteOrderQty``, ``trailingDelta``): an
   interval and a grid, labelled with the filter's type.
2. Values are drawn in order, price first, so that the notional filters become
   an interval on the quantity once the price is known (``minNotional / price``).
   The price is drawn only where that interval holds a quantity on the step
   (``minNotional / lastQty`` to ``maxNotional / firstQty``), so the quantity
   is never looked for in vain.
3. A valid value lies in every interval and on every grid. A value that breaks
   rule X lies outside one of X's intervals, or off its grid, and inside every
   other constraint on that value; every other value stays valid.
4. The market-price rules (PERCENT_PRICE, market notional) must hold for every
   market price the context gives (average, reference, last), so the result
   does not depend on which one the checker picks (D18); a broken one is broken
   for all of them.
5. Every range is computed exactly and drawn inside, never drawn and filtered:
   a valid value starts at the lowest value every rule allows (for a quantity,
   ``max(minQty, minNotional / price)`` rounded up to the step), and reaches
   :data:`_REACH` times higher; a broken one lies within that factor of the
   bound it breaks. Only the order types and sides that can be built at all
   are drawn.
"""

from __future__ import annotations

import decimal
from collections.abc import Collection
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rules.checker.context import Context
from rules.checker.order import Order
from rules.model.models import (
    ExchangeInfo,
    IcebergPartsFilter,
    SymbolInfo,
    TrailingDeltaFilter,
)
from rules.testing._constraints import Draw, _Con, _draw_option, _Option, _options, _solve
from rules.testing._order_plan import (
    ABOVE,
    BREAKABLE,
    ICEBERG_TYPES,
    PRICED,
    STOPS,
    TYPES,
    WITH_TIF,
    _applies,
    _check_symbol,
    _iceberg_possible,
    _Plan,
    _target,
    _types,
)
from rules.testing._values import Span


@st.composite
def _orders(
    draw: Draw,
    plan: _Plan,
    breaking: str | None,
    order_types: Collection[str] | None,
) -> Order:
    _check_symbol(plan)
    pairs = [(t, s) for t in _types(plan, order_types) for s in ("BUY", "SELL")]
    if breaking is not None:
        pairs = [(t, s) for t, s in pairs if _applies(plan, breaking, t, s)]
    if not pairs:
        raise InvalidArgument(
            f"no order type of {plan.symbol.symbol} can "
            + (f"break {breaking} alone" if breaking else "pass")
            + " with this symbol and context"
        )
    # Rule 5: only the pairs that can be built under this context are drawn.
    pairs = [(t, s) for t, s in pairs if _possible(plan, t, s, breaking)]
    if not pairs:
        if breaking is not None:
            reject()  # this rule's bounds leave no room here (see breakable_rules)
        raise InvalidArgument(
            f"no order of {plan.symbol.symbol} passes every rule under this context"
        )
    order_type, side = draw(st.sampled_from(pairs))
    order = _build(draw, plan, order_type, side, breaking)
    if order is None:
        reject()  # not for a real symbol: only where a band is narrower than a step
    return order


def _price_options(
    plan: _Plan, order_type: str, side: str, breaking: str | None
) -> list[tuple[bool, list[_Option]]]:
    """For a priced order: per side of a broken notional rule, where the price lies."""
    target = _target(breaking, "price")
    sides = (
        (True, False) if _target(breaking, "quantity") in ("MIN_NOTIONAL", "NOTIONAL") else (True,)
    )
    out = []
    for low in sides:
        cons = plan.price_cons(side) + plan.price_room(order_type, side, breaking, low)
        options = _options(cons, plan.price_fallback(), target)
        if options:
            out.append((low, options))
    return out


def _stop_target(order_type: str, breaking: str | None) -> str | None:
    # A stop order without a price breaks PRICE_FILTER through its stopPrice.
    return "PRICE_FILTER" if breaking == "PRICE_FILTER" and order_type not in PRICED else None


def _stop_possible(plan: _Plan, order_type: str, breaking: str | None) -> bool:
    return bool(
        _options(plan.stop_cons(), plan.price_fallback(), _stop_target(order_type, breaking))
    )


def _quote_possible(plan: _Plan, order_type: str, breaking: str | None) -> bool:
    if not (
        order_type == "MARKET" and plan.symbol.quote_order_qty_market_allowed is not False
        and breaking in (None, "MIN_NOTIONAL", "NOTIONAL")
    ):  # fmt: skip
        return False
    if breaking is not None and not _quote_breaks(plan, breaking):
        return False
    return bool(_options(plan.quote_cons(), Fraction(10), breaking))


def _possible(plan: _Plan, order_type: str, side: str, breaking: str | None) -> bool:
    """Whether :func:`_build` finds every value of this order type and side (exact, cheap)."""
    if order_type in PRICED and not _price_options(plan, order_type, side, breaking):
        return False
    if order_type in STOPS:
        stop_needed = plan.symbol.allow_trailing_stop is False or (
            _stop_target(order_type, breaking) is not None
        )
        if stop_needed and not _stop_possible(plan, order_type, breaking):
            return False
    if order_type in PRICED:
        return True
    quantity = _options(
        plan.quantity_cons(order_type, side, None, breaking),
        plan.quantity_fallback(),
        _target(breaking, "quantity"),
    )
    return bool(quantity) or _quote_possible(plan, order_type, breaking)


def _build(
    draw: Draw, plan: _Plan, order_type: str, side: str, breaking: str | None
) -> Order | None:
    symbol = plan.symbol
    values: dict[str, Any] = {"symbol": symbol.symbol, "side": side, "type": order_type}
    # The shape (timeInForce, iceberg chance, quoteOrderQty chance) is drawn the
    # same way for every type, whether it uses it or not: a MARKET order needs
    # no price, and would otherwise be a shorter, so simpler, choice sequence
    # than a LIMIT one. So the simplest order is the first pair: a LIMIT BUY.
    time_in_force = draw(st.sampled_from(("GTC", "IOC", "FOK")))
    iceberg_chance = draw(st.integers(0, 4))
    if order_type in WITH_TIF:
        values["time_in_force"] = time_in_force
    price: Decimal | None = None
    if order_type in PRICED:
        found = _price_options(plan, order_type, side, breaking)
        _, options = found[0] if len(found) == 1 else draw(st.sampled_from(found))
        price = _draw_option(draw, options)
        if price is None:
            return None
        values["price"] = price
    if order_type in STOPS:
        stop_ok = _stop_possible(plan, order_type, breaking)
        trailing = _trailing(draw, plan, order_type, side, breaking, required=not stop_ok)
        use_stop = stop_ok and (trailing is None or draw(st.booleans()))
        if _stop_target(order_type, breaking) is not None:
            use_stop = True
        if use_stop:
            stop = _solve(draw, plan.stop_cons(), plan.price_fallback(),
                          _stop_target(order_type, breaking))  # fmt: skip
            if stop is None:
                return None
            values["stop_price"] = stop
        if trailing is not None:
            values["trailing_delta"] = trailing
        elif breaking == "TRAILING_DELTA" or not use_stop:
            return None
    quote_chance = draw(st.integers(0, 3)) if order_type == "MARKET" else 0  # stands for a price
    cons = plan.quantity_cons(order_type, side, price, breaking)
    target = _target(breaking, "quantity")
    quantity_options = _options(cons, plan.quantity_fallback(), target)
    if _quote_possible(plan, order_type, breaking) and (quote_chance == 3 or not quantity_options):
        quote = _solve(draw, plan.quote_cons(), Fraction(10), breaking)
        if quote is None:
            return None
        values["quote_order_qty"] = quote
        return _finish(draw, plan, values)
    quantity = _draw_option(draw, quantity_options)
    if quantity is None:
        return None
    values["quantity"] = quantity
    wants_iceberg = breaking == "ICEBERG_PARTS" or (
        breaking is None and order_type in ICEBERG_TYPES and iceberg_chance == 4
    )
    if wants_iceberg and order_type in ICEBERG_TYPES and _iceberg_possible(plan):
        iceberg = _iceberg(draw, plan, order_type, quantity, breaking)
        if iceberg is None:
            if breaking == "ICEBERG_PARTS":
                return None
        else:
            values["iceberg_qty"] = iceberg
            if "time_in_force" in values:
                values["time_in_force"] = "GTC"  # D06
    return _finish(draw, plan, values)


def _quote_breaks(plan: _Plan, rule: str) -> bool:
    return any(c.rule == rule for c in plan.quote_cons())


def _trailing(
    draw: Draw,
    plan: _Plan,
    order_type: str,
    side: str,
    breaking: str | None,
    *,
    required: bool = False,
) -> int | None:
    if plan.symbol.allow_trailing_stop is False:
        return None
    td = plan.symbol.filter(TrailingDeltaFilter)
    wanted = draw(st.booleans())  # none first
    if breaking != "TRAILING_DELTA" and not (wanted or required):
        return None
    if td is None:
        return None if breaking == "TRAILING_DELTA" else draw(st.integers(10, 2000))
    above = (order_type, side) in ABOVE
    lo = td.min_trailing_above_delta if above else td.min_trailing_below_delta
    hi = td.max_trailing_above_delta if above else td.max_trailing_below_delta
    if breaking != "TRAILING_DELTA":
        return draw(st.integers(lo, hi)) if lo <= hi else None
    options = []
    if lo > 1:
        options.append(st.integers(1, lo - 1))
    options.append(st.integers(hi + 1, hi + 10_000))
    return int(draw(st.one_of(options)))


def _iceberg(
    draw: Draw, plan: _Plan, order_type: str, quantity: Decimal, breaking: str | None
) -> Decimal | None:
    cons = plan.lot_cons(order_type, iceberg=True)
    cons.append(_Con("D07", Span(None, Fraction(quantity), hi_open=True)))  # below quantity
    parts = plan.symbol.filter(IcebergPartsFilter)
    if parts is not None:  # D14: CEIL(quantity / icebergQty) <= limit
        cons.append(_Con("ICEBERG_PARTS", Span(Fraction(quantity) / parts.limit, None)))
    target = "ICEBERG_PARTS" if breaking == "ICEBERG_PARTS" else None
    return _solve(draw, cons, Fraction(quantity), target)


#: The numbers of an order and the precision that bounds each (D38).
_BASE_VALUES = ("quantity", "iceberg_qty")
_QUOTE_VALUES = ("price", "stop_price", "quote_order_qty")
_WIDE = decimal.Context(prec=80)


def _finish(draw: Draw, plan: _Plan, values: dict[str, Any]) -> Order:
    # D38, D39: every number is on its precision's grid (_precision); written
    # with no more decimals than that precision, trailing zeros included.
    for names, places in (
        (_BASE_VALUES, plan.symbol.base_asset_precision),
        (_QUOTE_VALUES, plan.symbol.quote_places),
    ):
        if places is None or places < 0:
            continue
        unit = Decimal(1).scaleb(-places)
        for name in names:
            value = values.get(name)
            if isinstance(value, Decimal) and value.as_tuple().exponent < -places:  # type: ignore[operator]
                written = _WIDE.quantize(value, unit)
                if written != value:  # pragma: no cover - _precision keeps values on the grid
                    raise AssertionError(f"{name} {value} is off the {unit} grid")
                values[name] = written
    modes = plan.symbol.allowed_self_trade_prevention_modes
    if modes and draw(st.booleans()):
        values["self_trade_prevention_mode"] = draw(st.sampled_from(modes))
    return Order(**values)


def orders_from_symbol(
    symbol: SymbolInfo,
    *,
    info: ExchangeInfo | None = None,
    context: Context | None = None,
    breaking: str | None = None,
    order_types: Collection[str] | None = None,
) -> st.SearchStrategy[Order]:
    """Orders for ``symbol`` that pass every rule, or that break exactly one.

    Built from the rules themselves (never by asking the checker): price on the
    tick inside PRICE_FILTER and inside the percent band around every market
    price in ``context``; quantity on the LOT_SIZE (and, for MARKET-like orders,
    MARKET_LOT_SIZE) step inside their bounds; notional inside MIN_NOTIONAL and
    NOTIONAL; MAX_POSITION room for a BUY; sometimes an iceberg, a trailing
    delta, a ``quoteOrderQty`` or an STP mode. The grids are those of the era of
    ``info.serverTime`` (D17).

    Args:
        symbol: a TRADING symbol, or one without ``status`` (not checked, D01).
        info: the snapshot holding ``symbol`` (its serverTime and exchange filters);
            ``None`` means today's rules and no exchange filters.
        context: the market and account context the order will be checked with;
            its counts must leave room for one more order.
        breaking: a rule of :data:`BREAKABLE` (``"LOT_SIZE"``, ``"NOTIONAL"``, ...):
            the order breaks that rule, and only that one.
        order_types: the order types to draw from (default: all the symbol allows).

    Shrinks toward a LIMIT BUY, GTC, at the lowest valid price and quantity,
    with no iceberg and no STP mode; when LIMIT is not allowed, toward a MARKET
    BUY of the lowest valid quantity. (Every type draws the same shape of
    choices, so that a MARKET order, which needs no price, does not shrink
    ahead of a LIMIT one; the extras are drawn at the high end of their chance.)

    Raises:
        InvalidArgument: ``breaking`` is not breakable, or ``info``/``context``
            have the wrong type; at draw time, the symbol has a status other than
            TRADING, the context leaves no room for an order, or no order type can
            pass (or break ``breaking`` alone) here.
    """
    if not isinstance(symbol, SymbolInfo):
        raise InvalidArgument(f"symbol={symbol!r} must be a SymbolInfo")
    if info is not None and not isinstance(info, ExchangeInfo):
        raise InvalidArgument(f"info={info!r} must be an ExchangeInfo or None")
    if context is not None and not isinstance(context, Context):
        raise InvalidArgument(f"context={context!r} must be a Context or None")
    if breaking is not None and breaking not in BREAKABLE:
        raise InvalidArgument(f"breaking={breaking!r} is not one of {BREAKABLE}")
    if order_types is not None and (
        isinstance(order_types, str) or not set(order_types) <= set(TYPES)
    ):
        raise InvalidArgument(f"order_types={order_types!r} must be a collection of {TYPES}")
    return _orders(_Plan(symbol, info, context), breaking, order_types)


def breakable_rules(
    symbol: SymbolInfo, *, info: ExchangeInfo | None = None, context: Context | None = None
) -> frozenset[str]:
    """The rules of :data:`BREAKABLE` that :func:`orders_from_symbol` can break alone here.

    The filter is present, applies to some allowed order type under ``context``,
    and its bounds leave room to break it alone: a rule with no such room (a
    disabled bound, a ``MARKET_LOT_SIZE`` as wide as ``LOT_SIZE``, a percent band
    wider than PRICE_FILTER around the context's prices) is left out. Computed
    from the rules, as the orders are; :func:`orders_from_symbol` asked to break
    a rule left out here rejects its draws, as ``assume`` does.
    """
    plan = _Plan(symbol, info, context)
    types = _types(plan, None)
    return frozenset(
        rule
        for rule in BREAKABLE
        if any(
            _applies(plan, rule, t, s) and _possible(plan, t, s, rule)
            for t in types
            for s in ("BUY", "SELL")
        )
    )
