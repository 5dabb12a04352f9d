"""The quantity and notional filters: LOT_SIZE, MARKET_LOT_SIZE, MIN_NOTIONAL, NOTIONAL,
ICEBERG_PARTS, MAX_POSITION and TRAILING_DELTA (D07-D16, D28, D34, D35).

Each check registers itself with :func:`~rules.checker.checks.checks`; its
fold (:func:`~rules.checker.bounds.folds`), right below it, restates the same
rule as bounds for the fast path.
"""

from __future__ import annotations

from decimal import Decimal

from rules.checker.bounds import AcceptBounds, folds, grid_from_zero
from rules.checker.checks import (
    PRODUCT,
    UNCHECKED,
    Outcome,
    checks,
    is_pegged,
    notional_of,
    out_of_range,
)
from rules.checker.context import Context as OrderContext
from rules.checker.eras import (
    Era,
)
from rules.checker.explain import Source, indented, writes
from rules.checker.kinds import OrderKind
from rules.checker.order import ParsedOrder
from rules.checker.violations import Explanation, explain_bound, filter_failure
from rules.model.models import (
    IcebergPartsFilter,
    LotSizeFilter,
    MarketLotSizeFilter,
    MaxPositionFilter,
    MinNotionalFilter,
    NotionalFilter,
    TrailingDeltaFilter,
)
from rules.model.numbers import CONTEXT

# --------------------------------------------------------------------------- quantity filters


@checks(LotSizeFilter)
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
        problem = out_of_range(
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


def _quantity_bounds(f: LotSizeFilter | MarketLotSizeFilter) -> tuple[tuple[object, str], ...]:
    return ((f.min_qty, "minQty"), (f.max_qty, "maxQty"), (f.step_size, "stepSize"))


@writes(check_lot_size)
def _write_lot_size(f: LotSizeFilter, kind: OrderKind, era: Era, source: Source) -> bool:
    bounds = _quantity_bounds(f)
    tests = source.bound(f.filter_type, "quantity", "Q", bounds, era.step_from_min)
    if not tests:
        return True  # D12: every rule disabled
    source.claim(f.filter_type)
    if source.has("Q") == "maybe":
        tests = ["if Q is not None:", *indented(tests)]
    if source.has("I") is not None:  # D08: an icebergQty of 0 is not judged
        icebergs = [
            "if I:",
            *indented(source.bound(f.filter_type, "icebergQty", "I", bounds, era.step_from_min)),
        ]
        tests += ["else:", *indented(icebergs)] if source.has("Q") == "always" else icebergs
    source.add(*tests)
    return True


@checks(MarketLotSizeFilter)
def check_market_lot_size(
    f: MarketLotSizeFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """MARKET_LOT_SIZE on the ``quantity`` of MARKET, STOP_LOSS and TAKE_PROFIT orders (D10)."""
    value = order.quantity
    if not kind.market or value is None:
        return None
    problem = out_of_range(
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


@writes(check_market_lot_size)
def _write_market_lot_size(
    f: MarketLotSizeFilter, kind: OrderKind, era: Era, source: Source
) -> bool:
    if not kind.market:
        return True
    tests = source.bound(f.filter_type, "quantity", "Q", _quantity_bounds(f), era.step_from_min)
    if tests:
        source.claim(f.filter_type)
        source.add("if Q is not None:", *indented(tests))
    return True


def _write_notional(
    source: Source, f: MinNotionalFilter | NotionalFilter, low: object, high: object
) -> None:
    """The lines of a notional rule ``low <= notional <= high`` (a 0 or ``None`` bound is
    disabled), the notional as :func:`~rules.checker.checks.notional_of` finds it."""
    ft = f.filter_type
    source.claim(ft)
    tests: list[str] = []
    for bound, relation, name, sign in (
        (low, "is below", "minNotional", "<"),
        (high, "is above", "maxNotional", ">"),
    ):
        if bound:
            k = source.const(bound)
            why = f"(BOUND, 'notional', N, {relation!r}, {name!r}, {k})"
            tests.append(("if " if not tests else "elif ") + f"N {sign} {k}:")
            tests.append("    " + source.fail(ft, "notional", "N", k, why))
    if not source.kind.market:
        source.add("N = MUL(P, Q)", *tests)
        return
    by_quantity = [*source.market_price(f.avg_price_mins, "R"), "if R is None:"]
    by_quantity += ["    " + source.uncheck(ft), "else:", "    N = MUL(R, Q)", *indented(tests)]
    # D11: the quote quantity is the notional.
    source.add("if QQ is not None:", "    N = QQ", *indented(tests), "elif Q is not None:")
    source.add(*indented(by_quantity))


# --------------------------------------------------------------------------- notional filters


@checks(MinNotionalFilter)
def check_min_notional(
    f: MinNotionalFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """MIN_NOTIONAL: ``price × quantity >= minNotional`` (D10, D11, D28).

    MARKET-type orders only when ``applyToMarket`` is true; the 2018 form without
    the flag applies to priced orders only (D28).
    """
    if not f.min_notional or (kind.market and f.apply_to_market is not True):
        return None
    notional = notional_of(order, kind, context, era, f.avg_price_mins)
    if notional is None or notional is UNCHECKED:
        return notional
    assert isinstance(notional, Decimal)
    if notional < f.min_notional:
        why = explain_bound("notional", notional, "is below", "minNotional", f.min_notional)
        return filter_failure(
            f.filter_type, field="notional", value=notional, limit=f.min_notional, explanation=why
        )
    return UNCHECKED if is_pegged(kind, order) else None


@folds(check_min_notional)
def _fold_min_notional(
    f: MinNotionalFilter, kind: OrderKind, era: Era, bounds: AcceptBounds
) -> bool:
    if not f.min_notional or (kind.market and f.apply_to_market is not True):
        return True
    if not kind.priced:
        return bounds.market_notional(f.avg_price_mins, f.min_notional, None)
    return bounds.notional(f.min_notional, None)


@writes(check_min_notional)
def _write_min_notional(f: MinNotionalFilter, kind: OrderKind, era: Era, source: Source) -> bool:
    if f.min_notional and not (kind.market and f.apply_to_market is not True):
        _write_notional(source, f, f.min_notional, None)
    return True


@checks(NotionalFilter)
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
    notional = notional_of(order, kind, context, era, f.avg_price_mins)
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
    return UNCHECKED if is_pegged(kind, order) else None


@folds(check_notional)
def _fold_notional(f: NotionalFilter, kind: OrderKind, era: Era, bounds: AcceptBounds) -> bool:
    low = f.min_notional if (not kind.market or f.apply_min_to_market) else None
    high = f.max_notional if (not kind.market or f.apply_max_to_market) else None
    if not low and not high:
        return True
    if not kind.priced:
        return bounds.market_notional(f.avg_price_mins, low, high)
    return bounds.notional(low, high)


@writes(check_notional)
def _write_notional_filter(f: NotionalFilter, kind: OrderKind, era: Era, source: Source) -> bool:
    low = f.min_notional if (not kind.market or f.apply_min_to_market) else None
    high = f.max_notional if (not kind.market or f.apply_max_to_market) else None
    if low or high:
        _write_notional(source, f, low, high)
    return True


# --------------------------------------------------------------------------- iceberg, position


@checks(IcebergPartsFilter)
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
        why = Explanation(_parts_text, quantity, iceberg, parts, f.limit)
        return filter_failure(
            f.filter_type, field="icebergQty", value=iceberg, limit=f.limit, explanation=why
        )
    return None


@folds(check_iceberg_parts)
def _fold_iceberg_parts(
    f: IcebergPartsFilter, kind: OrderKind, era: Era, bounds: AcceptBounds
) -> bool:
    # The simple shape has no icebergQty; an iceberg order's parts are bounded by the
    # smallest limit (0 disables the rule, D12).
    if f.limit and (bounds.iceberg_parts is None or f.limit < bounds.iceberg_parts):
        bounds.iceberg_parts = f.limit
    return True


def _parts_text(quantity: Decimal, iceberg: Decimal, parts: int, limit: int) -> str:
    """``"CEIL(quantity 10 / icebergQty 1) = 10 parts, above limit 5"`` (worded when read)."""
    return (
        f"CEIL(quantity {quantity:f} / icebergQty {iceberg:f}) = {parts} parts, above limit {limit}"
    )


@writes(check_iceberg_parts)
def _write_iceberg_parts(f: IcebergPartsFilter, kind: OrderKind, era: Era, source: Source) -> bool:
    if not f.limit or source.has("I") is None:
        return True
    source.claim(f.filter_type)
    k, text = source.const(f.limit), source.helper("PARTS", _parts_text)
    why = f"({text}, Q, I, W, {k})"
    source.add("if I:", "    W, rest = DIVMOD(Q, I)", "    W = int(W) + (1 if rest else 0)")
    source.add(
        f"    if W > {k}:", "        " + source.fail(f.filter_type, "icebergQty", "I", k, why)
    )
    return True


@checks(MaxPositionFilter)
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


@writes(check_max_position)
def _write_max_position(f: MaxPositionFilter, kind: OrderKind, era: Era, source: Source) -> bool:
    return not f.max_position  # never reached: a live limit has no fast check (its fold)


@checks(TrailingDeltaFilter)
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


@writes(check_trailing_delta)
def _write_trailing_delta(
    f: TrailingDeltaFilter, kind: OrderKind, era: Era, source: Source
) -> bool:
    return True  # the fast shapes have no trailingDelta
