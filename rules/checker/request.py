"""The request's own rules: parameters, the symbol, the order type and its flags.

What Binance checks before any filter (D01-D07, D19, D21, D22, D24, D29-D31,
D33, D37, D38). Each check appends to the caller's list of violations, in its
own order (:mod:`rules.checker.evaluate` then lists them by stage, D53), and returns
what the next checks judge: the parsed order is never written to; a parameter
reported here and then treated as not sent travels as a new
:class:`~rules.checker.order.ParsedOrder` (:meth:`~rules.checker.order.ParsedOrder.without`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from rules.checker.checks import PRODUCT
from rules.checker.context import Context
from rules.checker.eras import Era
from rules.checker.kinds import ORDER_KINDS, OrderKind
from rules.checker.order import ParsedOrder
from rules.checker.permissions import evaluate_permissions
from rules.checker.plans import SymbolPlan
from rules.checker.violations import (
    FILTER_FAILURE,
    PERMISSIONS,
    Violation,
    either_missing,
    iceberg_exceeds,
    invalid_side,
    make_violation,
    mandatory_missing,
    not_required,
    rejected,
    too_precise,
)

__all__ = [
    "PERMISSIONS",
    "check_parameters",
    "check_precision",
    "check_symbol",
    "check_type",
    "places",
]

_SIDES: Final = frozenset({"BUY", "SELL"})
_TIME_IN_FORCE: Final = frozenset({"GTC", "IOC", "FOK"})
_PEG_PRICE_TYPES: Final = frozenset({"PRIMARY_PEG", "MARKET_PEG"})
_PEG_OFFSET_TYPES: Final = frozenset({"PRICE_LEVEL"})
_PEG_OFFSET_MAX: Final = 100  # ws-place: pegOffsetValue "(max: 100)"


def check_parameters(
    order: ParsedOrder, out: list[Violation], types: frozenset[str] | None = None
) -> tuple[ParsedOrder, OrderKind | None]:
    """The parameters every order has, whatever its type (D03, D30, D33).

    ``types`` are the order types the method places (``None``: every type; SOR:
    LIMIT and MARKET, D42); another type is ``-1116`` like an unknown one.

    Returns the order to judge on (an invalid side is then not sent) and its
    kind, ``None`` when the type is missing or invalid.
    """
    unreadable = order.unreadable
    side = order.side
    if side is None:
        if "side" not in unreadable:
            out.append(mandatory_missing("side"))
    elif side not in _SIDES:
        out.append(invalid_side(side))
        order = order.without("side")
    kind: OrderKind | None = None
    if order.type is None:
        if "type" not in unreadable:
            out.append(mandatory_missing("type"))
    else:
        kind = ORDER_KINDS.get(order.type)
        if kind is not None and types is not None and order.type not in types:
            kind = None  # D42: a type the method does not place
        if kind is None:
            out.append(
                Violation(
                    code=-1116,
                    msg="Invalid orderType.",
                    field="type",
                    value=order.type,
                    explanation=(
                        f"type {order.type!r} is not an order type of enums.md"
                        if order.type not in ORDER_KINDS
                        else f"type {order.type} is not one of this method's: "
                        + ", ".join(sorted(types or ()))
                        + " (D42)"
                    ),
                )
            )
    strategy_type = order.strategy_type
    if strategy_type is not None and strategy_type < 1000000:
        out.append(
            Violation(
                code=-1134,
                msg="`strategyType` was less than 1000000.",
                field="strategyType",
                value=strategy_type,
                limit=1000000,
                explanation=f"strategyType {strategy_type} is below 1000000 (reserved values)",
            )
        )
    return order, kind


def check_symbol(
    order: ParsedOrder, plan: SymbolPlan, era: Era, context: Context, out: list[Violation]
) -> list[str] | None:
    """The symbol's own rules (D01, D19, D21, D36); what could not be checked, if anything."""
    unchecked: list[str] | None = None
    if not plan.trading:
        out.append(
            Violation(
                code=FILTER_FAILURE,
                msg="Market is closed.",
                field="symbol",
                value=plan.symbol.status,
                limit="TRADING",
                explanation=f"{plan.symbol.symbol} is {plan.symbol.status}, not TRADING",
            )
        )
    if context.permissions is not None:
        verdict = evaluate_permissions(plan.symbol, context.permissions)
        if verdict.permitted is None:
            unchecked = [PERMISSIONS]
        elif not verdict.permitted:
            msg = (
                "This symbol is not permitted for this account."
                if era.new_messages
                else "This action disabled is on this account."  # sic: real answers (D19)
            )  # D19, by era (D17)
            out.append(
                rejected(
                    msg,
                    explanation=verdict.explanation,
                    field="permissions",
                    value=tuple(sorted(context.permissions)),
                    limit=verdict.failing_sets,
                )
            )
    mode = order.self_trade_prevention_mode
    if mode is not None and plan.stp_modes is not None and mode not in plan.stp_modes:
        out.append(
            Violation(
                code=FILTER_FAILURE,
                msg="This symbol does not allow the specified self-trade prevention mode.",
                field="selfTradePreventionMode",
                value=mode,
                limit=tuple(sorted(plan.stp_modes)),
                explanation=f"selfTradePreventionMode {mode} is not one of "
                f"{', '.join(sorted(plan.stp_modes))}",
            )
        )
    return unchecked


def check_type(
    order: ParsedOrder, kind: OrderKind, plan: SymbolPlan, out: list[Violation]
) -> ParsedOrder:
    """The checks that depend on the order type: parameters, type, flags (D02-D07, D22, D31, D37).

    Returns the order the filters judge: a parameter reported here (``-1106``,
    an invalid ``timeInForce`` or ``pegPriceType``) is then not sent (D24).
    """
    name = kind.name
    # D04: a type-specific parameter the type does not take, then ignored.
    dropped: list[str] | None = None
    for _, attr in kind.not_taken:
        if getattr(order, attr) is not None:
            dropped = [attr] if dropped is None else [*dropped, attr]
    if dropped is not None:
        for wire, attr in kind.not_taken:
            if attr in dropped:
                out.append(not_required(wire, getattr(order, attr), name))
        order = order.without(*dropped)
    # D05: MARKET with both quantity and quoteOrderQty.
    if order.quote_order_qty is not None and order.quantity is not None:
        out.append(
            Violation(
                code=-1106,
                msg="Parameter 'quoteOrderQty' sent when not required.",
                field="quoteOrderQty",
                value=order.quote_order_qty,
                explanation=f"a {name} order takes quantity or quoteOrderQty, not both: both sent",
            )
        )
        order = order.without("quote_order_qty")
    unreadable = order.unreadable
    # D33: timeInForce value.
    tif = order.time_in_force
    if tif is not None and tif not in _TIME_IN_FORCE:
        out.append(
            make_violation(
                -1115,
                "Invalid timeInForce.",
                None,
                "timeInForce",
                tif,
                None,
                f"timeInForce {tif!r} is not GTC, IOC or FOK",
            )
        )
        order = order.without("time_in_force", unreadable="timeInForce")
        unreadable = order.unreadable
    if (
        order.peg_price_type is None
        and order.peg_offset_type is None
        and order.peg_offset_value is None
    ):
        pegged = False  # no peg parameter: _check_peg has nothing to say (most orders)
    else:
        order, pegged = _check_peg(order, kind, plan, out)
    # D03: mandatory parameters; a "" or malformed one was already reported (D29).
    for group, attrs_ in kind.mandatory_attrs:
        if len(group) == 1:
            if getattr(order, attrs_[0]) is not None or group[0] in unreadable:
                continue
            if pegged and group[0] == "price":
                continue  # ws-place: with pegPriceType, price becomes optional (D31)
            out.append(mandatory_missing(group[0]))
        elif all(getattr(order, a) is None for a in attrs_) and not any(
            w in unreadable for w in group
        ):
            out.append(either_missing(*group))
    # D02: the type must be enabled on the symbol; real answers carry -1013.
    if plan.order_types is not None and name not in plan.order_types:
        out.append(
            rejected(
                kind.disabled_message,
                explanation=f"{name} is not in the symbol's orderTypes",
                field="type",
                value=name,
                limit=tuple(sorted(plan.order_types)),
                code=FILTER_FAILURE,
            )
        )
    # D37: a price and a quantity whose product is zero or less; real answers carry -1013.
    price, quantity = order.price, order.quantity
    if price is not None and quantity is not None and PRODUCT.multiply(price, quantity) <= 0:
        out.append(
            rejected(
                "Price * QTY is zero or less.",
                explanation=f"price {price:f} × quantity {quantity:f} is not above 0",
                field="price",
                value=price,
                code=FILTER_FAILURE,
            )
        )
    # D22: feature flags; absent means nothing is forbidden.
    iceberg = order.iceberg_qty
    if iceberg and plan.iceberg_allowed is False:
        out.append(
            rejected(
                "Iceberg orders are not supported for this symbol.",
                explanation="icebergAllowed is false",
                field="icebergQty",
                value=iceberg,
            )
        )
    if order.quote_order_qty is not None and plan.quote_order_qty_allowed is False:
        # D22: real answers carry -1013 and read "supported" (errors.md: "not support").
        out.append(
            rejected(
                "Quote order qty market orders are not supported for this symbol.",
                explanation="quoteOrderQtyMarketAllowed is false",
                field="quoteOrderQty",
                value=order.quote_order_qty,
                code=FILTER_FAILURE,
            )
        )
    if order.trailing_delta is not None and plan.trailing_allowed is False:
        out.append(
            rejected(
                "Trailing stop orders are not supported for this symbol.",
                explanation="allowTrailingStop is false",
                field="trailingDelta",
                value=order.trailing_delta,
            )
        )
    if iceberg:
        # D06: an iceberg must be GTC. D07: icebergQty must be below quantity.
        tif = order.time_in_force
        if tif is not None and tif != "GTC":
            out.append(
                rejected(
                    "Unsupported order combination",
                    explanation=f"an iceberg order must be GTC, not {tif}",
                    field="timeInForce",
                    value=tif,
                    limit="GTC",
                )
            )
        quantity = order.quantity
        if quantity is not None and iceberg >= quantity:
            out.append(iceberg_exceeds(iceberg, quantity))
    return order


#: D38: the parameters -1111 bounds, each with the precision that bounds it:
#: quantities by baseAssetPrecision, prices and quote amounts by the quote's.
_BASE_PLACES: Final = (("quantity", "quantity"), ("icebergQty", "iceberg_qty"))
_QUOTE_PLACES: Final = (
    ("price", "price"),
    ("stopPrice", "stop_price"),
    ("quoteOrderQty", "quote_order_qty"),
)


def places(value: Decimal) -> int:
    """The decimals of a value as sent (D39: trailing zeros count).

    >>> places(Decimal("0.10000000")), places(Decimal("100")), places(Decimal("1E+2"))
    (8, 0, 0)
    """
    # From the value's plain string, when it is one: as_tuple() builds a named
    # tuple, several times the cost (the -1111 check reads every decimal sent).
    text = str(value)
    if "E" not in text and "N" not in text and "n" not in text:  # no exponent, NaN, sNaN, Inf
        dot = text.find(".")
        return 0 if dot < 0 else len(text) - dot - 1
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_precision(order: ParsedOrder, plan: SymbolPlan, era: Era, out: list[Violation]) -> None:
    """``-1111`` for each parameter with more decimals than its asset's precision (D38, D39).

    Run on the order the filters judge (a ``-1106`` parameter is not checked); the
    value is still judged by the filters. A symbol without the field is not checked.
    """
    for limit_name, most, table in (
        ("baseAssetPrecision", plan.base_places, _BASE_PLACES),
        (plan.quote_places_name, plan.quote_places, _QUOTE_PLACES),
    ):
        if most is None:
            continue
        for wire, attr in table:
            value = getattr(order, attr)
            if value is not None and places(value) > most:
                out.append(too_precise(wire, value, most, limit_name, era.precision_message))


def _check_peg(
    order: ParsedOrder, kind: OrderKind, plan: SymbolPlan, out: list[Violation]
) -> tuple[ParsedOrder, bool]:
    """Pegged-order parameters (D31): the order to go on with, and whether it is validly pegged."""
    peg = order.peg_price_type
    offset_type, offset_value = order.peg_offset_type, order.peg_offset_value
    if offset_type is not None and offset_type not in _PEG_OFFSET_TYPES:
        out.append(
            Violation(
                code=-1211,
                msg="Invalid pegOffsetType.",
                field="pegOffsetType",
                value=offset_type,
                explanation=f"pegOffsetType {offset_type!r} is not PRICE_LEVEL",
            )
        )
    if offset_value is not None and offset_value > _PEG_OFFSET_MAX:
        # ws-place: pegOffsetValue "(max: 100)"; errors.md -1102 has the words.
        out.append(
            Violation(
                code=-1102,
                msg=f"'pegOffsetValue' contains unexpected value. Cannot be greater than "
                f"{_PEG_OFFSET_MAX}.",
                field="pegOffsetValue",
                value=offset_value,
                limit=_PEG_OFFSET_MAX,
                explanation=f"pegOffsetValue {offset_value} is above {_PEG_OFFSET_MAX}",
            )
        )
    if (offset_type is None) != (offset_value is None):
        out.append(
            Violation(
                code=-1128,
                msg="Combination of optional fields invalid. Recommendation: 'pegOffsetType' and "
                "'pegOffsetValue' must both be sent.",
                field="pegOffsetType" if offset_type is None else "pegOffsetValue",
                explanation="pegOffsetType and pegOffsetValue must be sent together",
            )
        )
    if peg is None:
        return order, False
    if peg not in _PEG_PRICE_TYPES:
        out.append(
            Violation(
                code=-1210,
                msg="Invalid pegPriceType.",
                field="pegPriceType",
                value=peg,
                explanation=f"pegPriceType {peg!r} is not PRIMARY_PEG or MARKET_PEG",
            )
        )
        return order.without("peg_price_type"), False
    if plan.peg_allowed is False:
        out.append(
            rejected(
                "Pegged orders are not supported for this symbol.",
                explanation="pegInstructionsAllowed is false",
                field="pegPriceType",
                value=peg,
            )
        )
    if not kind.priced:
        # D23/D31: a MARKET-type order breaks this rule beside the symbol's flag.
        out.append(
            rejected(
                "This order type may not use pegged price.",
                explanation=f"{kind.name} orders cannot be pegged",
                field="pegPriceType",
                value=peg,
            )
        )
        return order.without("peg_price_type"), False
    tif = order.time_in_force
    if kind.name == "LIMIT" and peg == "PRIMARY_PEG" and tif is not None and tif != "GTC":
        # faq-pegged_orders: "With pegPriceType=PRIMARY_PEG only timeInForce=GTC is
        # allowed"; no code is given, so the combination error, as for D06.
        out.append(
            rejected(
                "Unsupported order combination",
                explanation=f"a PRIMARY_PEG LIMIT order must be GTC, not {tif}",
                field="timeInForce",
                value=tif,
                limit="GTC",
            )
        )
    if kind.name == "LIMIT_MAKER" and peg == "MARKET_PEG":
        out.append(
            rejected(
                "This price peg cannot be used with this order type.",
                explanation="a LIMIT_MAKER order cannot use MARKET_PEG",
                field="pegPriceType",
                value=peg,
            )
        )
    return order, True
