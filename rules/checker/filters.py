"""One small pure check per filter type, found through one table: :data:`FILTER_CHECKS`.

The checks' vocabulary lives in three private modules, split off by concept
(STYLE.md §2.1) and re-exported here, so ``from rules.checker.filters import ...`` still
finds every name: the rule eras and the market price (``_eras``: :class:`Era`,
D17; :func:`market_price`, D18), the order types (``_kinds``: :class:`OrderKind`,
:data:`ORDER_KINDS`) and the fast path's folds (``_folds``: :class:`AcceptBounds`,
:data:`FOLDS`, :func:`folds`).

Rules this module keeps (STYLE.md §2.1, like h11's ``_state.py``):

1. Dependency direction: ``_decimal``, ``rounding``, ``models``, ``_eras``,
   ``_kinds``, ``_folds``, ``filters``, ``validate`` and ``permissions`` import
   nothing from ``load``, ``ws``, ``cli`` or ``testing``; ``websocket`` and
   ``hypothesis`` are imported only inside ``ws.py`` and ``testing/``.
   Within the checker, imports point one way: ``_eras`` and ``_kinds`` ->
   ``_folds`` -> ``filters`` -> ``_fastpath`` -> ``validate``; none of
   ``_eras``, ``_kinds`` or ``_folds`` imports ``filters``.
2. No I/O, no clock, no global state: what changes over time (prices, open
   orders, the rule era) is an explicit argument.
3. :data:`FILTER_CHECKS` is the single place that says which filters are
   checked and how. Every check has the signature
   ``check(filter, order, kind, context, era) -> Violation | UNCHECKED | None``:
   a violation, :data:`UNCHECKED` when the filter applies but the context lacks
   what it needs (never reported as passed), or ``None`` when it passes or does
   not apply. A check builds a :class:`~rules.checker.violations.Violation` only on failure.
4. Arithmetic is exact ``Decimal`` through explicit contexts, never the
   thread's (STYLE.md §2.3); the grid rule is ``x % step == 0`` (D35).
5. A 0 bound or step disables that part of the rule, in every filter (D12).
6. Speed (validate.py's fast path): a check may have a *fold*, written right
   below it and registered with :func:`~rules.checker.bounds.folds`, that states the
   same rule as bounds an order of the simple shape (see
   :class:`~rules.checker.bounds.AcceptBounds`) must lie within to pass. A filter whose
   check has no fold, or whose fold declines, sends every order of its symbol
   down the general path; the property test
   ``tests/property/test_fastpath_properties.py`` proves both paths agree.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from rules.checker.bounds import FOLDS, AcceptBounds, folds, grid_from_zero
from rules.checker.context import Context as OrderContext
from rules.checker.eras import (
    REFERENCE_PRICE_MS,
    STEP_FROM_ZERO_MS,
    TICK_FROM_ZERO_MS,
    Era,
    market_price,
)
from rules.checker.kinds import ORDER_KINDS, OrderKind
from rules.checker.order import ParsedOrder
from rules.checker.violations import Violation, explain_bound, filter_failure
from rules.model.models import (
    ExchangeMaxNumAlgoOrdersFilter,
    ExchangeMaxNumIcebergOrdersFilter,
    ExchangeMaxNumOrderListsFilter,
    ExchangeMaxNumOrdersFilter,
    IcebergPartsFilter,
    LotSizeFilter,
    MarketLotSizeFilter,
    MaxAssetFilter,
    MaxNumAlgoOrdersFilter,
    MaxNumIcebergOrdersFilter,
    MaxNumOrderAmendsFilter,
    MaxNumOrderListsFilter,
    MaxNumOrdersFilter,
    MaxPositionFilter,
    MinNotionalFilter,
    NotionalFilter,
    PercentPriceBySideFilter,
    PercentPriceFilter,
    PriceFilter,
    TrailingDeltaFilter,
    UnknownFilter,
)
from rules.model.numbers import CONTEXT, UNBOUNDED, is_multiple

__all__ = [
    "FILTER_CHECKS",
    "FOLDS",
    "ORDER_KINDS",
    "REFERENCE_PRICE_MS",
    "STEP_FROM_ZERO_MS",
    "TICK_FROM_ZERO_MS",
    "UNCHECKED",
    "AcceptBounds",
    "Era",
    "OrderKind",
    "market_price",
]

# A product of two order values (20 + 20 digits each, D29) or of a caller's
# market price and a multiplier can need more than CONTEXT's 60 digits.
PRODUCT: Final = UNBOUNDED


class _Unchecked:
    """The type of :data:`UNCHECKED`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNCHECKED"


#: Returned by a check whose filter applies but cannot be evaluated from the context.
UNCHECKED: Final = _Unchecked()

Outcome = Violation | _Unchecked | None


# --------------------------------------------------------------------------- shared helpers


def _off_range(
    name: str,
    value: Decimal,
    low: Decimal,
    low_name: str,
    high: Decimal,
    high_name: str,
    step: Decimal,
    step_name: str,
    from_low: bool,
) -> tuple[str, Decimal] | None:
    """Why ``value`` breaks ``low <= value <= high`` on the ``step`` grid, or ``None``.

    ``from_low`` selects the pre-2022/2023 grid ``(value - low) % step`` (D17, D35).
    """
    if value < low:
        return explain_bound(name, value, "is below", low_name, low), low
    if high and value > high:
        return explain_bound(name, value, "is above", high_name, high), high
    if step:
        if from_low:
            if not is_multiple(value, step, low):
                text = f"{name} {value:f} is not {low_name} {low:f} plus a multiple of {step_name}"
                return f"{text} {step:f}", step
        elif not is_multiple(value, step):
            return explain_bound(name, value, "is not a multiple of", step_name, step), step
    return None


def _notional(
    order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era, avg_price_mins: int | None
) -> Decimal | _Unchecked | None:
    """The order's notional for MIN_NOTIONAL/NOTIONAL, D10/D11/D31; ``None``: no inputs."""
    if kind.priced:
        price, quantity = order.price, order.quantity
        if price is None or quantity is None:
            return UNCHECKED if order.peg_price_type is not None else None
        return PRODUCT.multiply(price, quantity)
    if order.quote_order_qty is not None:
        return order.quote_order_qty  # D11: the quote quantity is the notional
    if order.quantity is None:
        return None
    price = market_price(avg_price_mins, context, era)
    if price is None:
        return UNCHECKED
    return PRODUCT.multiply(price, order.quantity)


def _pegged(kind: OrderKind, order: ParsedOrder) -> bool:
    # D31: the pegged price comes from the book, so price-based filters cannot be
    # evaluated on it; an explicit price is still checked.
    return kind.priced and order.peg_price_type is not None


# --------------------------------------------------------------------------- price filters


def check_price_filter(
    f: PriceFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """PRICE_FILTER on ``price`` and ``stopPrice`` (D12, D13, D17, D35).

    filters.md: ``price >= minPrice``, ``price <= maxPrice``, ``price % tickSize == 0``,
    each rule disabled when its value is 0. One violation even if both fail (D23).
    """
    for name, value in (("price", order.price), ("stopPrice", order.stop_price)):
        if value is None:
            continue
        problem = _off_range(
            name,
            value,
            f.min_price,
            "minPrice",
            f.max_price,
            "maxPrice",
            f.tick_size,
            "tickSize",
            era.tick_from_min,
        )
        if problem is not None:
            return filter_failure(
                f.filter_type, field=name, value=value, limit=problem[1], explanation=problem[0]
            )
    if not (f.min_price or f.max_price or f.tick_size):
        return None  # D12: every rule disabled, a pegged price cannot fail either
    return UNCHECKED if _pegged(kind, order) else None


@folds(check_price_filter)
def _fold_price_filter(f: PriceFilter, kind: OrderKind, era: Era, bounds: AcceptBounds) -> bool:
    # The simple shape has a price, no stopPrice and no peg.
    if era.tick_from_min and not grid_from_zero(f.min_price, f.tick_size):
        return False  # the (price - minPrice) grid of D17 stays on the general path
    return bounds.price(f.min_price, f.max_price, f.tick_size)


def _percent_band(
    filter_type: str,
    order: ParsedOrder,
    kind: OrderKind,
    context: OrderContext,
    era: Era,
    avg_price_mins: int | None,
    up: Decimal,
    up_name: str,
    down: Decimal,
    down_name: str,
) -> Outcome:
    if not kind.priced:
        return None  # D13: only the limit price, so never MARKET-type orders
    if not up and not down:
        return None  # D12: both bounds disabled, nothing can fail
    price = order.price
    if price is None:
        return UNCHECKED if order.peg_price_type is not None else None
    reference = market_price(avg_price_mins, context, era)
    if reference is None:
        return UNCHECKED
    if up:
        high = PRODUCT.multiply(reference, up)
        if price > high:
            why = f"price {price:f} is above {reference:f} × {up_name} {up:f} = {high:f}"
            return filter_failure(
                filter_type, field="price", value=price, limit=high, explanation=why
            )
    low = PRODUCT.multiply(reference, down)
    if price < low:
        why = f"price {price:f} is below {reference:f} × {down_name} {down:f} = {low:f}"
        return filter_failure(filter_type, field="price", value=price, limit=low, explanation=why)
    return UNCHECKED if order.peg_price_type is not None else None


def check_percent_price(
    f: PercentPriceFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """PERCENT_PRICE: ``market × multiplierDown <= price <= market × multiplierUp`` (D13, D18)."""
    return _percent_band(
        f.filter_type,
        order,
        kind,
        context,
        era,
        f.avg_price_mins,
        f.multiplier_up,
        "multiplierUp",
        f.multiplier_down,
        "multiplierDown",
    )


def check_percent_price_by_side(
    f: PercentPriceBySideFilter,
    order: ParsedOrder,
    kind: OrderKind,
    context: OrderContext,
    era: Era,
) -> Outcome:
    """PERCENT_PRICE_BY_SIDE: the bid band for BUY, the ask band for SELL (D13, D18)."""
    if order.side == "BUY":
        return _percent_band(
            f.filter_type,
            order,
            kind,
            context,
            era,
            f.avg_price_mins,
            f.bid_multiplier_up,
            "bidMultiplierUp",
            f.bid_multiplier_down,
            "bidMultiplierDown",
        )
    if order.side == "SELL":
        return _percent_band(
            f.filter_type,
            order,
            kind,
            context,
            era,
            f.avg_price_mins,
            f.ask_multiplier_up,
            "askMultiplierUp",
            f.ask_multiplier_down,
            "askMultiplierDown",
        )
    return None  # no valid side: skipped silently (D24)


@folds(check_percent_price)
def _fold_percent_price(
    f: PercentPriceFilter, kind: OrderKind, era: Era, bounds: AcceptBounds
) -> bool:
    up, down = f.multiplier_up, f.multiplier_down
    bounds.bands.append((f.avg_price_mins, up, down, up, down))
    return True


@folds(check_percent_price_by_side)
def _fold_percent_price_by_side(
    f: PercentPriceBySideFilter, kind: OrderKind, era: Era, bounds: AcceptBounds
) -> bool:
    bid_up, bid_down, ask_up, ask_down = (
        f.bid_multiplier_up,
        f.bid_multiplier_down,
        f.ask_multiplier_up,
        f.ask_multiplier_down,
    )
    bounds.bands.append((f.avg_price_mins, bid_up, bid_down, ask_up, ask_down))
    return True


# --------------------------------------------------------------------------- quantity filters


def check_lot_size(
    f: LotSizeFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """LOT_SIZE on ``quantity`` (every type, D09) and on ``icebergQty`` > 0 (D08).

    filters.md: ``quantity >= minQty``, ``quantity <= maxQty``, ``quantity % stepSize == 0``.
    A quoteOrderQty order has no quantity and is not checked (D11).
    """
    iceberg = order.iceberg_qty
    for name, value in (("quantity", order.quantity), ("icebergQty", iceberg if iceberg else None)):
        if value is None:
            continue
        problem = _off_range(
            name,
            value,
            f.min_qty,
            "minQty",
            f.max_qty,
            "maxQty",
            f.step_size,
            "stepSize",
            era.step_from_min,
        )
        if problem is not None:
            return filter_failure(
                f.filter_type, field=name, value=value, limit=problem[1], explanation=problem[0]
            )
    return None


@folds(check_lot_size)
def _fold_lot_size(f: LotSizeFilter, kind: OrderKind, era: Era, bounds: AcceptBounds) -> bool:
    # The simple shape has a quantity and no icebergQty.
    if era.step_from_min and not grid_from_zero(f.min_qty, f.step_size):
        return False  # the (quantity - minQty) grid of D17 stays on the general path
    return bounds.quantity(f.min_qty, f.max_qty, f.step_size)


def check_market_lot_size(
    f: MarketLotSizeFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """MARKET_LOT_SIZE on the ``quantity`` of MARKET, STOP_LOSS and TAKE_PROFIT orders (D10)."""
    value = order.quantity
    if not kind.market or value is None:
        return None
    problem = _off_range(
        "quantity",
        value,
        f.min_qty,
        "minQty",
        f.max_qty,
        "maxQty",
        f.step_size,
        "stepSize",
        era.step_from_min,
    )
    if problem is not None:
        return filter_failure(
            f.filter_type, field="quantity", value=value, limit=problem[1], explanation=problem[0]
        )
    return None


@folds(check_market_lot_size)
def _fold_market_lot_size(
    f: MarketLotSizeFilter, kind: OrderKind, era: Era, bounds: AcceptBounds
) -> bool:
    if not kind.market:
        return True
    if era.step_from_min and not grid_from_zero(f.min_qty, f.step_size):
        return False
    return bounds.quantity(f.min_qty, f.max_qty, f.step_size)


# --------------------------------------------------------------------------- notional filters


def check_min_notional(
    f: MinNotionalFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """MIN_NOTIONAL: ``price × quantity >= minNotional`` (D10, D11, D28).

    MARKET-type orders only when ``applyToMarket`` is true; the 2018 form without
    the flag applies to priced orders only (D28).
    """
    if not f.min_notional or (kind.market and f.apply_to_market is not True):
        return None
    notional = _notional(order, kind, context, era, f.avg_price_mins)
    if notional is None or notional is UNCHECKED:
        return notional
    assert isinstance(notional, Decimal)
    if notional < f.min_notional:
        why = explain_bound("notional", notional, "is below", "minNotional", f.min_notional)
        return filter_failure(
            f.filter_type, field="notional", value=notional, limit=f.min_notional, explanation=why
        )
    return UNCHECKED if _pegged(kind, order) else None


@folds(check_min_notional)
def _fold_min_notional(
    f: MinNotionalFilter, kind: OrderKind, era: Era, bounds: AcceptBounds
) -> bool:
    if not f.min_notional or (kind.market and f.apply_to_market is not True):
        return True
    if not kind.priced:
        return False  # the notional then needs the market price: general path
    return bounds.notional(f.min_notional, None)


def check_notional(
    f: NotionalFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """NOTIONAL: ``minNotional <= price × quantity <= maxNotional`` (D10, D11, D12).

    For MARKET-type orders each bound applies only if its ``apply…ToMarket`` flag is true.
    """
    low = f.min_notional if (not kind.market or f.apply_min_to_market) else None
    high = f.max_notional if (not kind.market or f.apply_max_to_market) else None
    if not low and not high:
        return None
    notional = _notional(order, kind, context, era, f.avg_price_mins)
    if notional is None or notional is UNCHECKED:
        return notional
    assert isinstance(notional, Decimal)
    if low and notional < low:
        why = explain_bound("notional", notional, "is below", "minNotional", low)
        return filter_failure(
            f.filter_type, field="notional", value=notional, limit=low, explanation=why
        )
    if high and notional > high:
        why = explain_bound("notional", notional, "is above", "maxNotional", high)
        return filter_failure(
            f.filter_type, field="notional", value=notional, limit=high, explanation=why
        )
    return UNCHECKED if _pegged(kind, order) else None


@folds(check_notional)
def _fold_notional(f: NotionalFilter, kind: OrderKind, era: Era, bounds: AcceptBounds) -> bool:
    low = f.min_notional if (not kind.market or f.apply_min_to_market) else None
    high = f.max_notional if (not kind.market or f.apply_max_to_market) else None
    if not low and not high:
        return True
    if not kind.priced:
        return False  # the notional then needs the market price: general path
    return bounds.notional(low, high)


# --------------------------------------------------------------------------- iceberg, position


def check_iceberg_parts(
    f: IcebergPartsFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """ICEBERG_PARTS: ``CEIL(quantity / icebergQty) <= limit`` (D14), exactly."""
    iceberg, quantity = order.iceberg_qty, order.quantity
    if not iceberg or quantity is None or not f.limit:
        return None
    whole, rest = CONTEXT.divmod(quantity, iceberg)
    parts = int(whole) + (1 if rest else 0)
    if parts > f.limit:
        why = (
            f"CEIL(quantity {quantity:f} / icebergQty {iceberg:f}) = {parts} parts,"
            f" above limit {f.limit}"
        )
        return filter_failure(
            f.filter_type, field="icebergQty", value=iceberg, limit=f.limit, explanation=why
        )
    return None


@folds(check_iceberg_parts)
def _fold_iceberg_parts(
    f: IcebergPartsFilter, kind: OrderKind, era: Era, bounds: AcceptBounds
) -> bool:
    return True  # the simple shape has no icebergQty


def check_max_position(
    f: MaxPositionFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """MAX_POSITION: a BUY fails when ``basePosition + quantity > maxPosition`` (D16, D11)."""
    if order.side != "BUY" or not f.max_position:
        return None
    if order.quote_order_qty is not None:
        return UNCHECKED  # D11: the bought quantity is unknown before execution
    quantity = order.quantity
    if quantity is None:
        return None
    position = context.base_position
    if position is None:
        return UNCHECKED
    after = PRODUCT.add(position, quantity)
    if after > f.max_position:
        why = (
            f"basePosition {position:f} + quantity {quantity:f} = {after:f} "
            f"is above maxPosition {f.max_position:f}"
        )
        return filter_failure(
            f.filter_type, field="quantity", value=quantity, limit=f.max_position, explanation=why
        )
    return None


@folds(check_max_position)
def _fold_max_position(
    f: MaxPositionFilter, kind: OrderKind, era: Era, bounds: AcceptBounds
) -> bool:
    return not f.max_position  # a live limit needs basePosition per order: general path


def check_trailing_delta(
    f: TrailingDeltaFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """TRAILING_DELTA: ``trailingDelta`` within the above or below bounds (D34)."""
    delta = order.trailing_delta
    if delta is None or kind.above_side is None or order.side not in ("BUY", "SELL"):
        return None
    if order.side == kind.above_side:
        low, high, which = f.min_trailing_above_delta, f.max_trailing_above_delta, "Above"
    else:
        low, high, which = f.min_trailing_below_delta, f.max_trailing_below_delta, "Below"
    if delta < low:
        why = f"trailingDelta {delta} is below minTrailing{which}Delta {low}"
        return filter_failure(
            f.filter_type, field="trailingDelta", value=delta, limit=low, explanation=why
        )
    if high and delta > high:
        why = f"trailingDelta {delta} is above maxTrailing{which}Delta {high}"
        return filter_failure(
            f.filter_type, field="trailingDelta", value=delta, limit=high, explanation=why
        )
    return None


@folds(check_trailing_delta)
def _fold_trailing_delta(
    f: TrailingDeltaFilter, kind: OrderKind, era: Era, bounds: AcceptBounds
) -> bool:
    return True  # the simple shape has no trailingDelta


# --------------------------------------------------------------------------- open-order counters


def _count(filter_type: str, maximum: int, open_now: int | None, what: str, key: str) -> Outcome:
    # D15: this order adds one; a 0 maximum disables the rule (D12).
    if not maximum:
        return None
    if open_now is None:
        return UNCHECKED
    if open_now + 1 > maximum:
        why = f"{key} {open_now} + this order is above {what} {maximum}"
        return filter_failure(
            filter_type, field=None, value=open_now + 1, limit=maximum, explanation=why
        )
    return None


Check = Callable[[Any, ParsedOrder, OrderKind, OrderContext, Era], Outcome]


def _counter(name: str, maximum: str, what: str, open_attr: str, key: str, counts: str) -> Check:
    """The check (and its fold) of one open-order counter filter (D15).

    ``counts`` says which orders the filter counts: ``"every"`` order,
    ``"algo"`` orders (STOP_LOSS(_LIMIT), TAKE_PROFIT(_LIMIT)), or ``"iceberg"``
    orders (``icebergQty > 0``, D08). ``maximum`` is the filter's field,
    ``open_attr`` the context's count of what is open now.
    """

    def check(
        f: Any, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
    ) -> Outcome:
        if (counts == "algo" and not kind.algo) or (counts == "iceberg" and not order.iceberg_qty):
            return None
        return _count(f.filter_type, getattr(f, maximum), getattr(context, open_attr), what, key)

    @folds(check)
    def fold(f: Any, kind: OrderKind, era: Era, bounds: AcceptBounds) -> bool:
        # The simple shape has no icebergQty: an iceberg counter never concerns it.
        limit = getattr(f, maximum)
        if limit and (counts == "every" or (counts == "algo" and kind.algo)):
            bounds.counters.append((open_attr, limit))
        return True

    check.__name__ = check.__qualname__ = name
    check.__doc__ = f"{what}: ``{key} + 1 <= {what}`` for {counts} order(s) (D15)."
    return check


check_max_num_orders = _counter(
    "check_max_num_orders", "max_num_orders", "maxNumOrders", "open_orders", "openOrders", "every"
)
check_max_num_algo_orders = _counter(
    "check_max_num_algo_orders",
    "max_num_algo_orders",
    "maxNumAlgoOrders",
    "open_algo_orders",
    "openAlgoOrders",
    "algo",
)
check_max_num_iceberg_orders = _counter(
    "check_max_num_iceberg_orders",
    "max_num_iceberg_orders",
    "maxNumIcebergOrders",
    "open_iceberg_orders",
    "openIcebergOrders",
    "iceberg",
)
check_exchange_max_num_orders = _counter(
    "check_exchange_max_num_orders",
    "max_num_orders",
    "maxNumOrders",
    "exchange_open_orders",
    "exchangeOpenOrders",
    "every",
)
check_exchange_max_num_algo_orders = _counter(
    "check_exchange_max_num_algo_orders",
    "max_num_algo_orders",
    "maxNumAlgoOrders",
    "exchange_open_algo_orders",
    "exchangeOpenAlgoOrders",
    "algo",
)
check_exchange_max_num_iceberg_orders = _counter(
    "check_exchange_max_num_iceberg_orders",
    "max_num_iceberg_orders",
    "maxNumIcebergOrders",
    "exchange_open_iceberg_orders",
    "exchangeOpenIcebergOrders",
    "iceberg",
)


# --------------------------------------------------------------------------- the rest


def not_for_order_place(
    f: object, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """Order-list, amendment and asset filters do not concern ``order.place`` (D26)."""
    return None


@folds(not_for_order_place)
def _fold_not_for_order_place(f: object, kind: OrderKind, era: Era, bounds: AcceptBounds) -> bool:
    return True


def check_unknown(
    f: UnknownFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """A filterType this version does not know is never passed: it is unchecked (D25)."""
    return UNCHECKED  # no fold: an order it concerns is never accepted outright


#: Filter class -> its check. The one place that says which filters are checked.
FILTER_CHECKS: Final[dict[type, Check]] = {
    PriceFilter: check_price_filter,
    PercentPriceFilter: check_percent_price,
    PercentPriceBySideFilter: check_percent_price_by_side,
    LotSizeFilter: check_lot_size,
    MinNotionalFilter: check_min_notional,
    NotionalFilter: check_notional,
    IcebergPartsFilter: check_iceberg_parts,
    MarketLotSizeFilter: check_market_lot_size,
    MaxNumOrdersFilter: check_max_num_orders,
    MaxNumAlgoOrdersFilter: check_max_num_algo_orders,
    MaxNumIcebergOrdersFilter: check_max_num_iceberg_orders,
    MaxPositionFilter: check_max_position,
    TrailingDeltaFilter: check_trailing_delta,
    MaxNumOrderAmendsFilter: not_for_order_place,
    MaxNumOrderListsFilter: not_for_order_place,
    ExchangeMaxNumOrdersFilter: check_exchange_max_num_orders,
    ExchangeMaxNumAlgoOrdersFilter: check_exchange_max_num_algo_orders,
    ExchangeMaxNumIcebergOrdersFilter: check_exchange_max_num_iceberg_orders,
    ExchangeMaxNumOrderListsFilter: not_for_order_place,
    MaxAssetFilter: not_for_order_place,
    UnknownFilter: check_unknown,
}
