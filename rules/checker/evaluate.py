"""Will Binance accept this order? :func:`evaluate`, and the triad around it.

- :func:`evaluate` returns the whole :class:`~rules.checker.violations.Verdict`;
- :func:`iter_violations` yields every violation;
- :func:`is_valid` says yes or no;
- :func:`check` raises :class:`~rules.errors.OrderRejected` carrying the verdict.

The order is the params of an ``order.place`` request (a mapping) or an
:class:`~rules.checker.order.Order`; the changing state is an explicit
:class:`~rules.checker.context.Context`, never fetched. Every rule the order breaks is
listed (Binance answers with the first one only), in this order: reading
problems, parameters, the symbol, the order type, the flags, the filters.

How the checks follow one another (D24): a missing, empty or unknown ``symbol``
stops everything; without a valid ``type`` only the symbol-level checks
(status, permissions, STP mode) run; otherwise every check runs wherever its
inputs exist, and a parameter that was reported (``-1100``, ``-1105``,
``-1106``, ...) is treated as not sent.

Speed: what a symbol needs (its filter checks, flags and bounds) is compiled
once per ``ExchangeInfo`` and symbol into a small plan and cached; the happy
path builds no violation and no intermediate object but the parsed order.
A plain LIMIT or LIMIT_MAKER order given as a dict is first tried on the fast
path (:mod:`rules.checker.fastpath`), whose per-type check is folded from the same
filter checks and only ever answers "accepted"; everything else, every
rejection included, is judged here.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from typing import Any, Final

from rules.checker.context import Context
from rules.checker.fastpath import FastCheck, compile_fast_check
from rules.checker.filters import (
    FILTER_CHECKS,
    ORDER_KINDS,
    PRODUCT,
    UNCHECKED,
    Check,
    Era,
    OrderKind,
)
from rules.checker.order import Order, ParsedOrder, read_any
from rules.checker.permissions import evaluate_permissions
from rules.checker.violations import (
    ACCEPTED,
    FILTER_FAILURE,
    Verdict,
    Violation,
    either_missing,
    mandatory_missing,
    not_required,
    rejected,
)
from rules.errors import OrderRejected
from rules.model.models import ExchangeInfo, Filter, SymbolInfo

__all__ = ["check", "evaluate", "is_valid", "iter_violations"]

_EMPTY_CONTEXT: Final = Context()
_SIDES: Final = frozenset({"BUY", "SELL"})
_TIME_IN_FORCE: Final = frozenset({"GTC", "IOC", "FOK"})
_PEG_PRICE_TYPES: Final = frozenset({"PRIMARY_PEG", "MARKET_PEG"})
_PEG_OFFSET_TYPES: Final = frozenset({"PRICE_LEVEL"})
_PEG_OFFSET_MAX: Final = 100  # ws-place: pegOffsetValue "(max: 100)"
#: The type-specific parameters of D04, wire name -> ParsedOrder attribute.
PERMISSIONS: Final = "PERMISSIONS"


# --------------------------------------------------------------------------- per-symbol plans


class _SymbolPlan:
    """What checking an order on one symbol needs, computed once."""

    __slots__ = (
        "checks",
        "fast",
        "iceberg_allowed",
        "info",
        "order_types",
        "peg_allowed",
        "quote_order_qty_allowed",
        "stp_modes",
        "symbol",
        "trading",
        "trailing_allowed",
    )

    def __init__(
        self, symbol: SymbolInfo, exchange_checks: tuple[tuple[Check, Filter], ...], era: Era
    ):
        self.symbol = symbol
        # D01: any status but TRADING closes the market; no status field, no check.
        self.trading = symbol.status is None or symbol.status == "TRADING"
        self.order_types = None if symbol.order_types is None else frozenset(symbol.order_types)
        modes = symbol.allowed_self_trade_prevention_modes
        self.stp_modes = None if modes is None else frozenset(modes)
        self.iceberg_allowed = symbol.iceberg_allowed
        self.quote_order_qty_allowed = symbol.quote_order_qty_market_allowed
        self.trailing_allowed = symbol.allow_trailing_stop
        self.peg_allowed = symbol.peg_instructions_allowed
        # Filters are found by type, never by position (FINDINGS.md §3); the
        # table decides what each one does (FILTER_CHECKS).
        own = tuple((FILTER_CHECKS[type(f)], f) for f in symbol.filters)
        self.checks = own + exchange_checks
        # Type -> fast check (rules.checker.fastpath), for the types of the simple shape
        # that can be accepted at all: on a TRADING symbol that enables them (D01, D02).
        self.fast: dict[str, FastCheck] = {}
        if self.trading:
            for name, kind in ORDER_KINDS.items():
                if self.order_types is None or name in self.order_types:
                    fast = compile_fast_check(symbol, self.checks, kind, era)
                    if fast is not None:
                        self.fast[name] = fast


class _InfoPlan:
    """The plans of one ``ExchangeInfo``: its era (D17) and its symbols' plans."""

    __slots__ = ("era", "exchange_checks", "info", "symbols")

    def __init__(self, info: ExchangeInfo) -> None:
        self.info = weakref.ref(info)
        self.era = Era.at(info.server_time)
        self.exchange_checks = tuple(
            (FILTER_CHECKS[type(f)], f) for f in (info.exchange_filters or ())
        )
        self.symbols: dict[str, _SymbolPlan | None] = {}

    def symbol(self, info: ExchangeInfo, name: str) -> _SymbolPlan | None:
        try:
            return self.symbols[name]
        except KeyError:
            pass
        plan = _SymbolPlan(info[name], self.exchange_checks, self.era) if name in info else None
        if len(self.symbols) < 100_000:  # names that are not symbols are cached too, boundedly
            self.symbols[name] = plan
        return plan


_PLANS: dict[int, _InfoPlan] = {}


def _plan(info: ExchangeInfo) -> _InfoPlan:
    # Keyed by id(): hashing a big frozen ExchangeInfo by value would cost more
    # than the whole check. The weak reference both verifies identity (an id
    # can be reused once the object is gone) and removes the entry then.
    key = id(info)
    plan = _PLANS.get(key)
    if plan is not None and plan.info() is info:
        return plan
    plan = _InfoPlan(info)
    _PLANS[key] = plan
    weakref.finalize(info, _PLANS.pop, key, None)
    return plan


# --------------------------------------------------------------------------- the check


def _evaluate(
    info: ExchangeInfo, order: ParsedOrder, context: Context
) -> tuple[list[Violation], list[str] | None]:
    if order.symbol_problem is not None:
        return [order.symbol_problem], None  # D24: nothing else is checked
    info_plan = _plan(info)
    plan = info_plan.symbol(info, order.symbol)  # type: ignore[arg-type]
    if plan is None:
        return [
            Violation(
                -1121,
                "Invalid symbol.",
                None,
                "symbol",
                order.symbol,
                None,
                f"no symbol {order.symbol!r} in the exchangeInfo",
            )
        ], None
    era = info_plan.era
    out: list[Violation] = list(order.problems) if order.problems else []
    unreadable = order.unreadable or ()
    unchecked: list[str] | None = None

    # --- parameters that do not depend on the type (D03, D30, D33)
    side = order.side
    if side is None:
        if "side" not in unreadable:
            out.append(mandatory_missing("side"))
    elif side not in _SIDES:
        out.append(
            Violation(
                -1117,
                "Invalid side.",
                None,
                "side",
                side,
                None,
                f"side {side!r} is not BUY or SELL",
            )
        )
        order.side = None
    kind: OrderKind | None = None
    if order.type is None:
        if "type" not in unreadable:
            out.append(mandatory_missing("type"))
    else:
        kind = ORDER_KINDS.get(order.type)
        if kind is None:
            out.append(
                Violation(
                    -1116,
                    "Invalid orderType.",
                    None,
                    "type",
                    order.type,
                    None,
                    f"type {order.type!r} is not an order type of enums.md",
                )
            )
    strategy_type = order.strategy_type
    if strategy_type is not None and strategy_type < 1000000:
        out.append(
            Violation(
                -1134,
                "`strategyType` was less than 1000000.",
                None,
                "strategyType",
                strategy_type,
                1000000,
                f"strategyType {strategy_type} is below 1000000 (reserved values)",
            )
        )

    # --- the symbol (D01, D19, D21, D36)
    if not plan.trading:
        out.append(
            Violation(
                FILTER_FAILURE,
                "Market is closed.",
                None,
                "symbol",
                plan.symbol.status,
                "TRADING",
                f"{plan.symbol.symbol} is {plan.symbol.status}, not TRADING",
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
                else "This action is disabled on this account."
            )  # D19, by era (D17)
            out.append(
                rejected(
                    msg,
                    verdict.explanation,
                    "permissions",
                    tuple(sorted(context.permissions)),
                    verdict.failing_sets,
                )
            )
    mode = order.self_trade_prevention_mode
    if mode is not None and plan.stp_modes is not None and mode not in plan.stp_modes:
        out.append(
            Violation(
                FILTER_FAILURE,
                "This symbol does not allow the specified self-trade prevention mode.",
                None,
                "selfTradePreventionMode",
                mode,
                tuple(sorted(plan.stp_modes)),
                f"selfTradePreventionMode {mode} is not one of {', '.join(sorted(plan.stp_modes))}",
            )
        )
    if kind is None:
        return out, unchecked  # D24: no valid type, symbol-level checks only

    _check_type(order, kind, plan, era, out, unreadable)

    # --- the filters, through the one table (filters.FILTER_CHECKS)
    seen: set[str] | None = None
    for fn, f in plan.checks:
        outcome = fn(f, order, kind, context, era)
        if outcome is None:
            continue
        if outcome is UNCHECKED:
            if unchecked is None:
                unchecked = [f.filter_type]
            elif f.filter_type not in unchecked:
                unchecked.append(f.filter_type)
            continue
        assert isinstance(outcome, Violation)
        if seen is None:
            seen = set()
        if outcome.filter_type in seen:
            continue  # D23: one violation per filterType
        seen.add(outcome.filter_type)  # type: ignore[arg-type]
        out.append(outcome)
    return out, unchecked


def _check_type(
    order: ParsedOrder,
    kind: OrderKind,
    plan: _SymbolPlan,
    era: Era,
    out: list[Violation],
    unreadable: set[str] | tuple[()],
) -> None:
    """The checks that depend on the order type: parameters, type, flags (D02-D07, D22, D31)."""
    name = kind.name
    # D04: a type-specific parameter the type does not take, then ignored.
    for wire, attr in kind.not_taken:
        value = getattr(order, attr)
        if value is not None:
            out.append(not_required(wire, value, name))
            setattr(order, attr, None)
    # D05: MARKET with both quantity and quoteOrderQty.
    if order.quote_order_qty is not None and order.quantity is not None:
        out.append(not_required("quoteOrderQty", order.quote_order_qty, name))
        order.quote_order_qty = None
    # D33: timeInForce value.
    tif = order.time_in_force
    if tif is not None and tif not in _TIME_IN_FORCE:
        out.append(
            Violation(
                -1115,
                "Invalid timeInForce.",
                None,
                "timeInForce",
                tif,
                None,
                f"timeInForce {tif!r} is not GTC, IOC or FOK",
            )
        )
        order.time_in_force = None
        unreadable = {*unreadable, "timeInForce"}
    pegged = _check_peg(order, kind, plan, out)
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
    # D02: the type must be enabled on the symbol.
    if plan.order_types is not None and name not in plan.order_types:
        out.append(
            rejected(
                kind.disabled_message,
                f"{name} is not in the symbol's orderTypes",
                "type",
                name,
                tuple(sorted(plan.order_types)),
            )
        )
    # D22: feature flags; absent means nothing is forbidden.
    iceberg = order.iceberg_qty
    if iceberg and plan.iceberg_allowed is False:
        out.append(
            rejected(
                "Iceberg orders are not supported for this symbol.",
                "icebergAllowed is false",
                "icebergQty",
                iceberg,
            )
        )
    if order.quote_order_qty is not None and plan.quote_order_qty_allowed is False:
        out.append(
            rejected(
                "Quote order qty market orders are not support for this symbol.",  # sic, errors.md
                "quoteOrderQtyMarketAllowed is false",
                "quoteOrderQty",
                order.quote_order_qty,
            )
        )
    if order.trailing_delta is not None and plan.trailing_allowed is False:
        out.append(
            rejected(
                "Trailing stop orders are not supported for this symbol.",
                "allowTrailingStop is false",
                "trailingDelta",
                order.trailing_delta,
            )
        )
    if iceberg:
        # D06: an iceberg must be GTC. D07: icebergQty must be below quantity.
        tif = order.time_in_force
        if tif is not None and tif != "GTC":
            out.append(
                rejected(
                    "Unsupported order combination",
                    f"an iceberg order must be GTC, not {tif}",
                    "timeInForce",
                    tif,
                    "GTC",
                )
            )
        quantity = order.quantity
        if quantity is not None and iceberg >= quantity:
            out.append(
                rejected(
                    "IcebergQty exceeds QTY.",
                    f"icebergQty {iceberg:f} is not below quantity {quantity:f}",
                    "icebergQty",
                    iceberg,
                    quantity,
                )
            )
    # D37: a price and a quantity whose product is zero or less.
    price, quantity = order.price, order.quantity
    if price is not None and quantity is not None and PRODUCT.multiply(price, quantity) <= 0:
        out.append(
            rejected(
                "Price * QTY is zero or less.",
                f"price {price:f} × quantity {quantity:f} is not above 0",
                "price",
                price,
            )
        )


def _check_peg(
    order: ParsedOrder, kind: OrderKind, plan: _SymbolPlan, out: list[Violation]
) -> bool:
    """Pegged-order parameters (D31); whether the order is a valid pegged order."""
    peg = order.peg_price_type
    offset_type, offset_value = order.peg_offset_type, order.peg_offset_value
    if offset_type is not None and offset_type not in _PEG_OFFSET_TYPES:
        out.append(
            Violation(
                -1211,
                "Invalid pegOffsetType.",
                None,
                "pegOffsetType",
                offset_type,
                None,
                f"pegOffsetType {offset_type!r} is not PRICE_LEVEL",
            )
        )
    if offset_value is not None and offset_value > _PEG_OFFSET_MAX:
        # ws-place: pegOffsetValue "(max: 100)"; errors.md -1102 has the words.
        out.append(
            Violation(
                -1102,
                f"'pegOffsetValue' contains unexpected value. Cannot be greater than "
                f"{_PEG_OFFSET_MAX}.",
                None,
                "pegOffsetValue",
                offset_value,
                _PEG_OFFSET_MAX,
                f"pegOffsetValue {offset_value} is above {_PEG_OFFSET_MAX}",
            )
        )
    if (offset_type is None) != (offset_value is None):
        out.append(
            Violation(
                -1128,
                "Combination of optional fields invalid. Recommendation: 'pegOffsetType' and "
                "'pegOffsetValue' must both be sent.",
                None,
                "pegOffsetType" if offset_type is None else "pegOffsetValue",
                None,
                None,
                "pegOffsetType and pegOffsetValue must be sent together",
            )
        )
    if peg is None:
        return False
    if peg not in _PEG_PRICE_TYPES:
        out.append(
            Violation(
                -1210,
                "Invalid pegPriceType.",
                None,
                "pegPriceType",
                peg,
                None,
                f"pegPriceType {peg!r} is not PRIMARY_PEG or MARKET_PEG",
            )
        )
        order.peg_price_type = None
        return False
    if not kind.priced:
        out.append(
            rejected(
                "This order type may not use pegged price.",
                f"{kind.name} orders cannot be pegged",
                "pegPriceType",
                peg,
            )
        )
        order.peg_price_type = None
        return False
    if plan.peg_allowed is False:
        out.append(
            rejected(
                "Pegged orders are not supported for this symbol.",
                "pegInstructionsAllowed is false",
                "pegPriceType",
                peg,
            )
        )
    tif = order.time_in_force
    if kind.name == "LIMIT" and peg == "PRIMARY_PEG" and tif is not None and tif != "GTC":
        # faq-pegged_orders: "With pegPriceType=PRIMARY_PEG only timeInForce=GTC is
        # allowed"; no code is given, so the combination error, as for D06.
        out.append(
            rejected(
                "Unsupported order combination",
                f"a PRIMARY_PEG LIMIT order must be GTC, not {tif}",
                "timeInForce",
                tif,
                "GTC",
            )
        )
    if kind.name == "LIMIT_MAKER" and peg == "MARKET_PEG":
        out.append(
            rejected(
                "This price peg cannot be used with this order type.",
                "a LIMIT_MAKER order cannot use MARKET_PEG",
                "pegPriceType",
                peg,
            )
        )
    return True


# --------------------------------------------------------------------------- public API


def _accepted_fast(info: ExchangeInfo, params: dict[str, Any], context: Context) -> bool:
    """Whether the fast path finds the order accepted; ``False`` means "not sure"."""
    info_plan = _PLANS.get(id(info))
    if info_plan is None or info_plan.info() is not info:
        return False  # the first order on a snapshot builds its plan on the general path
    try:
        plan = info_plan.symbols.get(params.get("symbol"))  # type: ignore[arg-type]
        if plan is None:
            return False
        fast = plan.fast.get(params.get("type"))  # type: ignore[arg-type]
        return fast is not None and fast(params, context)
    except TypeError:
        return False  # an unhashable symbol, type, side or timeInForce: general path


def evaluate(
    info: ExchangeInfo,
    order: Mapping[str, object] | Order,
    context: Context | Mapping[str, Any] | None = None,
) -> Verdict:
    """Judge one order against a snapshot's rules, as Binance would.

    Args:
        info: the ``exchangeInfo`` snapshot; its ``serverTime`` picks the rule era (D17).
        order: the ``order.place`` params (values: ``str``, ``int``, ``Decimal``,
            ``float`` read as its ``repr``) or an :class:`~rules.checker.order.Order`.
        context: market prices and account state: a :class:`~rules.checker.context.Context`,
            or its JSON form (camelCase keys, read by ``Context.from_mapping``);
            ``None`` is an empty context.

    Returns:
        The verdict: ``accepted``, every violation, and the rules that apply but
        could not be evaluated for lack of context (``unchecked``). Never raises
        for a bad order: problems with the order are violations.

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "BTCUSDT", "status": "TRADING", '
    ...   '"baseAsset": "BTC", "quoteAsset": "USDT", "filters": [{"filterType": '
    ...   '"PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000", "tickSize": "0.01"}]}]}')
    >>> verdict = evaluate(info, {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT",
    ...     "timeInForce": "GTC", "price": "30000.015", "quantity": "0.001"})
    >>> verdict.accepted, verdict.violations[0].explanation
    (False, 'price 30000.015 is not a multiple of tickSize 0.01')
    """
    if context is None:
        context = _EMPTY_CONTEXT
    elif context.__class__ is not Context:
        context = _as_context(context)
    if type(order) is dict:
        # _accepted_fast, inlined: this is the whole cost of an accepted order.
        info_plan = _PLANS.get(id(info))
        if info_plan is not None and info_plan.info() is info:
            try:
                plan = info_plan.symbols.get(order.get("symbol"))  # type: ignore[arg-type]
                fast = None if plan is None else plan.fast.get(order.get("type"))  # type: ignore[arg-type]
                if fast is not None and fast(order, context):
                    return ACCEPTED
            except TypeError:
                pass  # an unhashable symbol, type, side or timeInForce
    return _general_verdict(info, order, context)


def _as_context(context: object) -> Context:
    if isinstance(context, Context):
        return context
    if isinstance(context, Mapping):
        return Context.from_mapping(context)
    raise TypeError(f"context: expected a Context, a mapping or None, got {context!r}")


def _general_verdict(
    info: ExchangeInfo, order: Mapping[str, object] | Order, context: Context
) -> Verdict:
    """:func:`evaluate` without the fast path (tests compare the two)."""
    out, unchecked = _evaluate(info, read_any(order), context)
    if not out and unchecked is None:
        return ACCEPTED
    return Verdict(not out, tuple(out), tuple(unchecked or ()))


def iter_violations(
    info: ExchangeInfo,
    order: Mapping[str, object] | Order,
    context: Context | Mapping[str, Any] | None = None,
) -> Iterator[Violation]:
    """Every violation of the order (see :func:`evaluate`); ``unchecked`` is not included."""
    yield from evaluate(info, order, context).violations


def is_valid(
    info: ExchangeInfo,
    order: Mapping[str, object] | Order,
    context: Context | Mapping[str, Any] | None = None,
) -> bool:
    """Whether the order has no violation (D27: unchecked rules do not reject)."""
    if context is None:
        context = _EMPTY_CONTEXT
    elif context.__class__ is not Context:
        context = _as_context(context)
    if type(order) is dict and _accepted_fast(info, order, context):
        return True
    out, _ = _evaluate(info, read_any(order), context)
    return not out


def check(
    info: ExchangeInfo,
    order: Mapping[str, object] | Order,
    context: Context | Mapping[str, Any] | None = None,
) -> None:
    """Return quietly if Binance would accept the order; raise otherwise.

    Raises:
        OrderRejected: the order breaks at least one rule; ``.verdict`` holds them all.
    """
    verdict = evaluate(info, order, context)
    if not verdict.accepted:
        raise OrderRejected(verdict)
