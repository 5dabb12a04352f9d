"""The price filters: PRICE_FILTER, PERCENT_PRICE, PERCENT_PRICE_BY_SIDE (D13, D17, D18, D35).

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
    out_of_range,
)
from rules.checker.context import Context as OrderContext
from rules.checker.eras import (
    Era,
    market_price,
)
from rules.checker.explain import Source, indented, writes
from rules.checker.kinds import OrderKind
from rules.checker.order import ParsedOrder
from rules.checker.violations import Explanation, filter_failure
from rules.model.models import (
    PercentPriceBySideFilter,
    PercentPriceFilter,
    PriceFilter,
)

# --------------------------------------------------------------------------- price filters


@checks(PriceFilter)
def check_price_filter(
    f: PriceFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """PRICE_FILTER on ``price`` and ``stopPrice`` (D12, D13, D17, D35).

    filters.md: ``price >= minPrice``, ``price <= maxPrice``, ``price % tickSize == 0``,
    each rule disabled when its value is 0. One violation even if both fail (D23).
    """
    price, stop = order.price, order.stop_price
    if price is not None or stop is not None:
        for name, value in (("price", price), ("stopPrice", stop)):
            if value is None:
                continue
            problem = out_of_range(
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
    return UNCHECKED if is_pegged(kind, order) else None


@folds(check_price_filter)
def _fold_price_filter(f: PriceFilter, kind: OrderKind, era: Era, bounds: AcceptBounds) -> bool:
    # The simple shape has a price, no stopPrice and no peg.
    if era.tick_from_min and not grid_from_zero(f.min_price, f.tick_size):
        return False  # the (price - minPrice) grid of D17 stays on the general path
    return bounds.price(f.min_price, f.max_price, f.tick_size)


@writes(check_price_filter)
def _write_price_filter(f: PriceFilter, kind: OrderKind, era: Era, source: Source) -> bool:
    bounds = ((f.min_price, "minPrice"), (f.max_price, "maxPrice"), (f.tick_size, "tickSize"))
    lines: list[str] = []
    for name, var in (("stopPrice", "S"), ("price", "P")):  # written inside out
        if source.has(var) is None:
            continue
        tests = source.bound(f.filter_type, name, var, bounds, era.tick_from_min)
        if not tests:
            return True  # D12: every rule disabled
        lines = tests + (["else:", *indented(lines)] if lines else [])
    if lines:
        source.claim(f.filter_type)
        source.add(*lines)
    return True


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
            why = Explanation(_band_text, price, "above", reference, up_name, up, high)
            return filter_failure(
                filter_type, field="price", value=price, limit=high, explanation=why
            )
    low = PRODUCT.multiply(reference, down)
    if price < low:
        why = Explanation(_band_text, price, "below", reference, down_name, down, low)
        return filter_failure(filter_type, field="price", value=price, limit=low, explanation=why)
    return UNCHECKED if order.peg_price_type is not None else None


def _write_band(
    source: Source,
    f: PercentPriceFilter | PercentPriceBySideFilter,
    sides: list[tuple[str, list[str]]],
) -> None:
    """The lines of :func:`_percent_band` for each ``(test of the side, its band)``, where a
    band is ``(up, its name, down, its name)`` given through :func:`_band_lines`."""
    source.claim(f.filter_type)
    reference = source.market_price(f.avg_price_mins, "R")
    for i, (test, band) in enumerate(sides):
        lines = [*reference, "if R is None:", "    " + source.uncheck(f.filter_type), "else:"]
        lines += indented(band)
        if test:
            source.add(("if " if i == 0 else "elif ") + test + ":", *indented(lines))
        else:
            source.add(*lines)


def _band_lines(
    source: Source, filter_type: str, up: Decimal, up_name: str, down: Decimal, down_name: str
) -> list[str]:
    """A band's test of the price ``P`` against the market price ``R``."""
    text = source.helper("BAND", _band_text)
    k_down = source.const(down)
    why = f"({text}, P, 'below', R, {down_name!r}, {k_down}, L)"
    lines = [
        f"L = MUL(R, {k_down})",
        "if P < L:",
        "    " + source.fail(filter_type, "price", "P", "L", why),
    ]
    if not up:
        return lines
    k_up = source.const(up)
    why = f"({text}, P, 'above', R, {up_name!r}, {k_up}, H)"
    fail = source.fail(filter_type, "price", "P", "H", why)
    return [f"H = MUL(R, {k_up})", "if P > H:", "    " + fail, "else:", *indented(lines)]


def _band_text(
    price: Decimal, relation: str, reference: Decimal, name: str, factor: Decimal, bound: Decimal
) -> str:
    """``"price 2 is above 1 × multiplierUp 1.5 = 1.5"`` (worded when read)."""
    return f"price {price:f} is {relation} {reference:f} × {name} {factor:f} = {bound:f}"


@checks(PercentPriceFilter)
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


@checks(PercentPriceBySideFilter)
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
    if not up and not down:
        return True  # D12: both bounds disabled, never judged nor unchecked
    bounds.bands.append((f.avg_price_mins, up, down, up, down))
    return True


@writes(check_percent_price)
def _write_percent_price(f: PercentPriceFilter, kind: OrderKind, era: Era, source: Source) -> bool:
    up, down = f.multiplier_up, f.multiplier_down
    if not kind.priced or (not up and not down):
        return True  # D13; D12: both bounds disabled
    band = _band_lines(source, f.filter_type, up, "multiplierUp", down, "multiplierDown")
    _write_band(source, f, [("", band)])
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
    bid_off, ask_off = not bid_up and not bid_down, not ask_up and not ask_down
    if bid_off and ask_off:
        return True  # D12: both sides' bounds disabled, never judged nor unchecked
    if bid_off or ask_off:
        return False  # one side never judged nor unchecked: the general path (D12)
    bounds.bands.append((f.avg_price_mins, bid_up, bid_down, ask_up, ask_down))
    return True


@writes(check_percent_price_by_side)
def _write_percent_price_by_side(
    f: PercentPriceBySideFilter, kind: OrderKind, era: Era, source: Source
) -> bool:
    if not kind.priced:
        return True  # D13
    sides = []
    for side, up, up_name, down, down_name in (
        ("BUY", f.bid_multiplier_up, "bidMultiplierUp", f.bid_multiplier_down, "bidMultiplierDown"),
        (
            "SELL",
            f.ask_multiplier_up,
            "askMultiplierUp",
            f.ask_multiplier_down,
            "askMultiplierDown",
        ),
    ):
        if up or down:  # D12: else nothing is judged on that side
            band = _band_lines(source, f.filter_type, up, up_name, down, down_name)
            sides.append((f"side == {side!r}", band))
    if sides:
        _write_band(source, f, sides)  # no valid side: skipped silently (D24)
    return True
