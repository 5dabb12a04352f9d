"""Judging an order list: its legs through :func:`~rules.checker.judge.judge_order`,
and the rules of the list itself (D45-D51).

:func:`judge_list` splits the request into its legs (:mod:`rules.checker.lists`)
and judges each one as an ``order.place`` order of its type, through the same
checks as any order, without the symbol-level checks and the open-order
counters (``judge_order(..., leg=True)``): those run once for the list. Then
the list's own rules:

- D45: each violation carries its leg; a problem with a parameter the legs
  share (``side``, ``quantity``, ``pendingSide``, ``pendingQuantity``) is
  listed once, leg ``null``; a filter failure goes with each leg it fails;
- D46: the types an OCO pair may hold (``-1158``, by era) and their places
  (``-1165`` ... ``-1199``, ``-1168``); the working order LIMIT or LIMIT_MAKER;
- D47: the OCO price relation, ``-1013`` between the two prices, ``-2010``
  against context ``lastPrice``, else ``OCO_PRICE_RELATION`` unchecked;
- D48: the list flags (``-2010``); D49: an iceberg leg must be GTC (``-1160``);
- D50: the counters, once per list (by era); D51: OPO.

The violations are listed by stage (D53): list-level before the legs, the
legs in the method's order.

May import: :mod:`rules.errors`, :mod:`rules.model`, and the checker modules
below it (context, judge, kinds, lists, order, plans, request, violations).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final, Literal

import attrs

from rules.checker.context import Context
from rules.checker.eras import Era
from rules.checker.gates import refusals
from rules.checker.judge import by_stage, judge_order
from rules.checker.kinds import ORDER_KINDS, OrderKind
from rules.checker.lists import (
    LIST_NAMES,
    OCO_TYPES_BEFORE,
    LegSpec,
    ListSpec,
    in_request_names,
    leg_params,
)
from rules.checker.order import INT_RANGE, ParsedOrder, read_decimal, read_order
from rules.checker.plans import SymbolPlan, plan_of
from rules.checker.request import check_symbol
from rules.checker.violations import (
    ACCEPTED,
    FILTER_FAILURE,
    PERMISSIONS,
    Verdict,
    Violation,
    either_missing,
    filter_failure,
    mandatory_missing,
    param_empty,
    rejected,
)
from rules.model.models import (
    ExchangeInfo,
    ExchangeMaxNumOrderListsFilter,
    IcebergPartsFilter,
    MaxNumOrderListsFilter,
    MaxPositionFilter,
    MinNotionalFilter,
    NotionalFilter,
)
from rules.model.numbers import is_absent

__all__ = ["PRICE_RELATION", "judge_list", "relation_broken"]

#: The name ``unchecked`` gives the OCO price relation without ``lastPrice`` (D47).
PRICE_RELATION: Final = "OCO_PRICE_RELATION"
_RELATION_MSG: Final = "The relationship of the prices for the orders is not correct."
#: The types a leg's price comes from its limit price for (D47); the others, stopPrice.
_LIMIT_PRICED: Final = frozenset({"LIMIT_MAKER", "TAKE_PROFIT_LIMIT"})
#: D46: (side, place, type family) → the code and message of a leg in the wrong place.
_MISPLACED: Final = {
    ("BUY", "above", "LIMIT"): (-1165, "A limit order in a buy OCO must be below."),
    ("BUY", "above", "TAKE_PROFIT"): (-1198, "A take profit order in a buy OCO must be below."),
    ("BUY", "below", "STOP_LOSS"): (-1196, "A stop loss order in a buy OCO must be above."),
    ("SELL", "above", "STOP_LOSS"): (-1197, "A stop loss order in a sell OCO must be below."),
    ("SELL", "below", "LIMIT"): (-1166, "A limit order in a sell OCO must be above."),
    ("SELL", "below", "TAKE_PROFIT"): (-1199, "A take profit order in a sell OCO must be above."),
}
_MARKET_EITHER: Final = either_missing("quantity", "quoteOrderQty")


@attrs.frozen
class _Leg:
    """One leg as read and judged."""

    spec: LegSpec
    order: ParsedOrder
    kind: OrderKind | None  # None: no valid type, or one the leg may not be (-1158)
    violations: list[Violation]
    unchecked: list[str] | None


def judge_list(
    info: ExchangeInfo,
    params: Mapping[str, object],
    context: Context,
    spec: ListSpec,
    out: list[Violation],
) -> Verdict:
    """The verdict of an order-list request (D45-D51); ``out`` holds what the
    method found already (its ``-1104``, D52), ``params`` without the unread names."""
    # A value that means "not sent" (None, a float NaN, pd.NA) is not sent (D29).
    params = {
        name: value
        for name, value in params.items()
        if value is not None and (type(value) is str or not is_absent(value))
    }
    head = read_order({name: params.get(name) for name in ("symbol", "selfTradePreventionMode")})
    if head.symbol_problem is not None:
        out.append(head.symbol_problem)
        return _verdict(out, None)  # D24: nothing else is checked
    info_plan = plan_of(info)
    plan = info_plan.symbol(info, head.symbol)  # type: ignore[arg-type]
    if plan is None:
        out.append(
            Violation(
                code=-1121,
                msg="Invalid symbol.",
                field="symbol",
                value=head.symbol,
                explanation=f"no symbol {head.symbol!r} in the exchangeInfo",
            )
        )
        return _verdict(out, None)
    era = info_plan.era
    # The list's own names: "" is -1105 (D29), once, leg null, in the order sent (D53;
    # selfTradePreventionMode's comes with the head's problems).
    out.extend(
        param_empty(n)
        for n, value in params.items()
        if n in LIST_NAMES and n != "selfTradePreventionMode" and _is_empty(value)
    )
    out.extend(head.problems)
    if spec.opo:
        _opo_parameters(spec, params, out)
    unchecked = check_symbol(head, plan, era, context, out)  # once for the list (D45)
    legs = [_judge_leg(info, params, context, spec, leg, plan, era) for leg in spec.legs]
    _places(spec, legs, out)
    if spec.opo:
        _opo_sides(spec, legs, out)
    relation_unchecked = _relation(spec, legs, context, out)
    out.extend(refusals(plan.symbol, spec.name))  # D48; absent forbids nothing (D22)
    counters_unchecked = _counters(spec, plan, era, legs, context, out)
    seen: set[tuple[int, str, str | None]] = set()
    for leg in legs:
        for violation in leg.violations:
            if violation.leg is None:  # a shared parameter: listed once (D45)
                key = (violation.code, violation.msg, violation.field)
                if key in seen:
                    continue
                seen.add(key)
            out.append(violation)
    names: list[str] = list(unchecked or ())
    for extra in (relation_unchecked, counters_unchecked, *(leg.unchecked or () for leg in legs)):
        names.extend(name for name in extra if name not in names)
    if spec.opo:
        for leg in legs[1:]:
            names.extend(n for n in _opo_unchecked(plan, leg) if n not in names)
    return _verdict(by_stage(out), names)


def _verdict(out: list[Violation], unchecked: list[str] | None) -> Verdict:
    if not out and not unchecked:
        return ACCEPTED
    return Verdict(not out, tuple(out), tuple(unchecked or ()))


def _is_empty(value: object) -> bool:
    return type(value) is str and value == ""


# --------------------------------------------------------------------------- legs (D45, D46, D49)


def _judge_leg(
    info: ExchangeInfo,
    params: Mapping[str, object],
    context: Context,
    spec: ListSpec,
    leg: LegSpec,
    plan: SymbolPlan,
    era: Era,
) -> _Leg:
    """One leg, judged as an order.place order of its type (D45), in the request's names."""
    as_order = leg_params(spec, leg, params)
    types = leg.types
    if leg.pair is not None and not era.oco_take_profit:
        types = OCO_TYPES_BEFORE  # D46: before 2024-12-16, no take profit in an OCO
    name = as_order.get("type")
    kind = ORDER_KINDS.get(name) if type(name) is str else None
    if kind is not None and types is not None and kind.name not in types:
        kind = None
    if kind is not None:
        accepted = _accepted_fast(plan, as_order, kind.name, context)
        if accepted is not None:
            return _Leg(leg, _values(as_order), kind, [], accepted)
    order = read_order(as_order)
    if kind is None and order.type in ORDER_KINDS and type(name) is not str:
        kind = ORDER_KINDS[order.type]  # a str subclass (numpy.str_), read as its text
        if types is not None and kind.name not in types:
            kind = None
    found, unchecked = judge_order(info, order, context, types, leg=True)
    opo_pending = spec.opo and leg.name != "working"
    iceberg_combination = _iceberg_not_gtc(order, found)
    violations: list[Violation] = []
    for violation in found:
        if violation.code == -1116 and leg.pair is not None and order.type in ORDER_KINDS:
            violation = Violation(
                code=-1158,
                msg="Order type not supported in OCO.",
                field="type",
                value=order.type,
                limit=tuple(sorted(types or ())),
                explanation=f"an OCO pair holds no {order.type} order (D46)",
            )
        elif violation == _MARKET_EITHER:
            if opo_pending:
                continue  # D51: the pending quantity is not known
            violation = mandatory_missing("quantity")  # a list's leg has no quoteOrderQty
        elif opo_pending and violation.code == -1102 and violation.field == "quantity":
            continue  # D51
        elif violation is iceberg_combination:
            violation = _iceberg_gtc(leg, order)
        elif violation.code == -1100 and violation.limit == INT_RANGE:
            violation = attrs.evolve(
                violation, msg=f"Illegal characters found in parameter '{violation.field}'."
            )
        violation = in_request_names(leg, violation)
        if violation.stage <= 2 and violation.field is not None:
            # A request error goes with the leg the parameter belongs to (D45).
            violation = attrs.evolve(violation, leg=spec.leg_of(violation.field))
        violations.append(violation)
    return _Leg(leg, order, kind, violations, unchecked)


def _values(as_order: dict[str, object]) -> ParsedOrder:
    """What the list's own rules read of a leg the fast path accepted (its values are
    well formed): side, type, prices, icebergQty."""
    order = object.__new__(ParsedOrder)
    values = order.__dict__  # built as read_order builds one: ParsedOrder refuses setattr
    values["side"], values["type"] = as_order.get("side"), as_order.get("type")
    for wire, attr in _READ_BY_LIST:
        value = as_order.get(wire)
        if value is not None:
            values[attr] = read_decimal(value)
    return order


#: The values of a leg the list's own rules read (D46, D47, D50).
_READ_BY_LIST: Final = (
    ("price", "price"),
    ("stopPrice", "stop_price"),
    ("icebergQty", "iceberg_qty"),
)


def _accepted_fast(
    plan: SymbolPlan, as_order: dict[str, object], order_type: str, context: Context
) -> list[str] | None:
    """The leg's ``unchecked`` when the fast path (:mod:`rules.checker.fastpath`, the same
    filter checks folded) finds it accepted as a single order; ``None``: not sure.

    Accepted with every check is accepted with the leg's fewer (no symbol-level checks,
    no counters, D45, D50); what the single order left unchecked goes to the leg but
    the counters, which the list counts itself (D50), and ``PERMISSIONS``, the list's.
    """
    fast = plan.fast.get(order_type)
    if fast is None:
        return None
    try:
        verdict = fast(as_order, context)
    except (TypeError, ValueError):
        return None  # an unhashable value, an array: the general path
    if verdict is None or not verdict.accepted:
        return None
    if not verdict.unchecked:
        return []
    counted = {f.filter_type for _, f in plan.count_checks}
    return [name for name in verdict.unchecked if name not in counted and name != PERMISSIONS]


def _iceberg_not_gtc(order: ParsedOrder, found: list[Violation]) -> Violation | None:
    """D06's ``-2010`` for an iceberg leg that is not GTC (the last such, after a peg's)."""
    tif = order.time_in_force
    if not order.iceberg_qty or tif is None or tif == "GTC":
        return None
    for violation in reversed(found):
        if violation.msg == "Unsupported order combination" and violation.field == "timeInForce":
            return violation
    return None


def _iceberg_gtc(leg: LegSpec, order: ParsedOrder) -> Violation:
    """D49: ``-1160``, an iceberg leg whose timeInForce is not GTC."""
    iceberg, tif = leg.wire["icebergQty"], leg.wire["timeInForce"]
    return Violation(
        code=-1160,
        msg=f"Parameter '{iceberg}' is not supported if '{tif}' is not GTC.",
        field="timeInForce",
        value=order.time_in_force,
        limit="GTC",
        explanation=f"an iceberg leg must be GTC, not {order.time_in_force} (D49)",
    )


# --------------------------------------------------------------------------- places (D46)


def _family(kind: OrderKind) -> str:
    name = kind.name
    return "LIMIT" if name == "LIMIT_MAKER" else name.removesuffix("_LIMIT")


def _pair(spec: ListSpec, legs: list[_Leg]) -> tuple[_Leg, _Leg] | None:
    """The (above, below) legs of the list's OCO pair (the deprecated OCO's by its side)."""
    if spec.deprecated:
        limit, stop = legs
        side = limit.order.side
        if side == "SELL":
            return limit, stop
        if side == "BUY":
            return stop, limit
        return None
    by_place = {leg.spec.pair: leg for leg in legs if leg.spec.pair is not None}
    if "above" not in by_place or "below" not in by_place:
        return None
    return by_place["above"], by_place["below"]


def _places(spec: ListSpec, legs: list[_Leg], out: list[Violation]) -> None:
    """D46: each leg of an OCO pair in its place; two LIMIT_MAKER legs ``-1168``."""
    pair = _pair(spec, legs)
    if pair is None or spec.deprecated:
        return  # the deprecated OCO's legs stand in their places by construction
    above, below = pair
    side = above.order.side
    if side not in ("BUY", "SELL"):
        return
    for leg, place in ((above, "above"), (below, "below")):
        if leg.kind is None:
            continue
        wrong = _MISPLACED.get((side, place, _family(leg.kind)))
        if wrong is not None:
            code, msg = wrong
            leg.violations.insert(
                0,
                Violation(
                    code=code,
                    msg=msg,
                    field=leg.spec.wire["type"],
                    value=leg.kind.name,
                    explanation=f"a {leg.kind.name} leg of a {side} OCO cannot be the "
                    f"{place} order (D46)",
                    leg=leg.spec.name,
                ),
            )
    if (
        above.kind is not None
        and below.kind is not None
        and above.kind.name == below.kind.name == "LIMIT_MAKER"
    ):
        out.append(
            Violation(
                code=-1168,
                msg="At least one OCO order must be contingent.",
                field=above.spec.wire["type"],
                value="LIMIT_MAKER",
                explanation="both legs of the OCO are LIMIT_MAKER (D46)",
            )
        )


def _in_place(leg: _Leg, place: str, side: str) -> bool:
    return leg.kind is not None and (side, place, _family(leg.kind)) not in _MISPLACED


# --------------------------------------------------------------------------- price relation (D47)


def _leg_price(leg: _Leg) -> Decimal | None:
    assert leg.kind is not None
    return leg.order.price if leg.kind.name in _LIMIT_PRICED else leg.order.stop_price


def _relation(
    spec: ListSpec, legs: list[_Leg], context: Context, out: list[Violation]
) -> tuple[str, ...]:
    """D47: above > last price > below, compared when both legs stand in their places."""
    pair = _pair(spec, legs)
    if pair is None:
        return ()
    above, below = pair
    side = above.order.side
    if side not in ("BUY", "SELL"):
        return ()
    if not (_in_place(above, "above", side) and _in_place(below, "below", side)):
        return ()
    high, low = _leg_price(above), _leg_price(below)
    broken = relation_broken(high, low, context.last_price)
    if broken == "prices":
        out.append(
            rejected(
                _RELATION_MSG,
                explanation=f"the above order's price {high:f} is not above the below "
                f"order's {low:f} (D47)",
                field="price",
                value=(high, low),
                code=FILTER_FAILURE,
            )
        )
    elif broken == "last":
        last = context.last_price
        shown = " > ".join(f"{p:f}" for p in (high, last, low) if p is not None)
        out.append(
            rejected(
                _RELATION_MSG,
                explanation=f"above price > lastPrice > below price does not hold: {shown} (D47)",
                field="lastPrice",
                value=last,
            )
        )
    elif broken == "unchecked":
        return (PRICE_RELATION,)
    return ()


def relation_broken(
    high: Decimal | None, low: Decimal | None, last: Decimal | None
) -> Literal["prices", "last", "unchecked"] | None:
    """D47 on the two legs' prices (``None``: a leg without one is left out): how
    above > last price > below fails: ``"prices"`` (the two alone, -1013), ``"last"``
    (against ``lastPrice``, -2010), ``"unchecked"`` (no ``lastPrice`` to compare),
    or ``None`` (it holds, or there is nothing to compare)."""
    if high is not None and low is not None and high <= low:
        return "prices"
    if high is None and low is None:
        return None
    if last is None:
        return "unchecked"
    if (high is not None and high <= last) or (low is not None and low >= last):
        return "last"
    return None


# ------------------------------------------------------------------ counters (D50)


def _counters(
    spec: ListSpec,
    plan: SymbolPlan,
    era: Era,
    legs: list[_Leg],
    context: Context,
    out: list[Violation],
) -> list[str]:
    """D50: the open-order counters, once per list; the list counters with 1."""
    unchecked: list[str] = []
    adds = {
        "every": spec.orders,
        "algo": sum(1 for leg in legs if leg.kind is not None and leg.kind.algo),
        # an icebergQty the leg's type does not take is -1106, then not sent (D04)
        "iceberg": sum(
            1
            for leg in legs
            if leg.order.iceberg_qty and leg.kind is not None and "icebergQty" in leg.kind.takes
        ),
    }
    seen: set[str] = set()
    for fn, f in plan.count_checks:
        counter = getattr(fn, "counter", None)
        if counter is not None:
            if not era.list_counters:
                continue  # before 2025-08-27 the order counters do not hold a list back
            maximum, open_attr, key, what, counts = counter
            n = adds[counts]
        elif isinstance(f, MaxNumOrderListsFilter | ExchangeMaxNumOrderListsFilter):
            maximum, what, n = "max_num_order_lists", "maxNumOrderLists", 1
            if isinstance(f, MaxNumOrderListsFilter):
                open_attr, key = "open_order_lists", "openOrderLists"
            else:
                open_attr, key = "exchange_open_order_lists", "exchangeOpenOrderLists"
        else:
            continue
        limit = getattr(f, maximum)
        if not n or not limit or f.filter_type in seen:
            continue
        seen.add(f.filter_type)
        open_now = getattr(context, open_attr)
        if open_now is None:
            unchecked.append(f.filter_type)
        elif open_now + n > limit:
            out.append(
                filter_failure(
                    f.filter_type,
                    field=None,
                    value=open_now + n,
                    limit=limit,
                    explanation=f"{key} {open_now} + {n} of this list is above {what} {limit} "
                    "(D50)",
                )
            )
    return unchecked


# --------------------------------------------------------------------------- OPO (D51)


def _pending_leg_name(spec: ListSpec) -> str | None:
    """The one pending leg's name (OPO), ``None`` when two share the pending names (OPOCO)."""
    return "pending" if len(spec.legs) == 2 else None


def _opo_parameters(spec: ListSpec, params: Mapping[str, object], out: list[Violation]) -> None:
    """D51: an OPO's pending orders carry no quantity (``-1225``; ``""`` is ``-1105``, D29)."""
    value = params.get("pendingQuantity")
    if _is_empty(value):
        out.append(attrs.evolve(param_empty("pendingQuantity"), leg=_pending_leg_name(spec)))
    elif value is not None:
        out.append(
            Violation(
                code=-1225,
                msg="Pending orders should not include the 'pendingQuantity' tag.",
                field="pendingQuantity",
                value=params["pendingQuantity"],
                explanation="the pending quantity of an OPO is the working order's fill (D51)",
                leg=_pending_leg_name(spec),
            )
        )


def _opo_sides(spec: ListSpec, legs: list[_Leg], out: list[Violation]) -> None:
    """D51: the working order BUY (``-1222``), the pending orders SELL (``-1223``)."""
    working, pending = legs[0], legs[1]
    if working.order.side == "SELL":
        out.append(
            Violation(
                code=-1222,
                msg="Working order in an OPO list must be a bid.",
                field="workingSide",
                value="SELL",
                explanation="an OPO's working order is a BUY (D51)",
                leg="working",
            )
        )
    if pending.order.side == "BUY":
        out.append(
            Violation(
                code=-1223,
                msg="Pending orders in an OPO list must be asks.",
                field="pendingSide",
                value="BUY",
                explanation="an OPO's pending orders are SELL (D51)",
                leg=_pending_leg_name(spec),
            )
        )


def _opo_unchecked(plan: SymbolPlan, leg: _Leg) -> list[str]:
    """D51: the filters on a pending order's quantity that apply but wait for the fill."""
    kind, order = leg.kind, leg.order
    if kind is None:
        return []
    names: list[str] = []
    priced_ok = not kind.priced or order.price is not None or order.peg_price_type is not None
    for f in plan.symbol.filters:
        applies = False
        if isinstance(f, MinNotionalFilter):
            applies = bool(f.min_notional) and (not kind.market or f.apply_to_market is True)
            applies = applies and priced_ok
        elif isinstance(f, NotionalFilter):
            low = f.min_notional if (not kind.market or f.apply_min_to_market) else None
            high = f.max_notional if (not kind.market or f.apply_max_to_market) else None
            applies = bool(low or high) and priced_ok
        elif isinstance(f, IcebergPartsFilter):
            # an icebergQty the type does not take is -1106, then not sent (D04)
            applies = bool(f.limit and order.iceberg_qty) and "icebergQty" in kind.takes
        elif isinstance(f, MaxPositionFilter):
            applies = bool(f.max_position) and order.side == "BUY"
        if applies and f.filter_type not in names:
            names.append(f.filter_type)
    return names
