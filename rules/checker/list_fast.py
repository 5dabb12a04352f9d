"""The accepted path of an order list: the verdict of a plain, accepted list, or "not sure".

:func:`accepted_list` answers the verdict :func:`rules.checker.list_rules.judge_list`
gives a list that is accepted, when the list is plain (every value a string,
every name read, no ``selfTradePreventionMode``, not an OPO), or ``None``: "not
sure, ask :func:`~rules.checker.list_rules.judge_list`". It never answers a
rejection: a list that breaks anything goes the general way, which finds every
violation with its leg (D45).

What does not depend on the request is worked out once per symbol and method
(:class:`ListPlan`, kept in the symbol's plan): the list flags (D48), the
legs' order names and the types each leg may be (D46, by era), the counters
the list counts once and their limits (D50), and which ``unchecked`` names of
a single order the list reports itself. Per request there is left: the legs
through the same fast checks as single orders (:mod:`rules.checker.fastpath`,
as ``judge_list`` does), the places of the OCO pair (D46), the price relation
(D47, two prices read) and the counters' sums (D50).

May import: :mod:`rules.model`, and the checker modules below it (context,
list_rules, lists, kinds, order, plans, request, violations).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final, Literal

from rules.checker.context import Context
from rules.checker.gates import false_flags
from rules.checker.kinds import ORDER_KINDS, OrderKind
from rules.checker.list_rules import (
    _LIMIT_PRICED,
    _MISPLACED,
    PRICE_RELATION,
    _family,
    relation_broken,
)
from rules.checker.lists import OCO_TYPES_BEFORE, LegSpec, ListSpec
from rules.checker.order import ParsedOrder, read_decimal
from rules.checker.plans import InfoPlan, SymbolPlan, plan_of
from rules.checker.request import check_symbol
from rules.checker.violations import ACCEPTED, PERMISSIONS, Verdict, Violation
from rules.model.models import (
    ExchangeInfo,
    ExchangeMaxNumOrderListsFilter,
    MaxNumOrderListsFilter,
)

__all__ = ["ListPlan", "accepted_list", "fast_list"]

#: The list's head without a selfTradePreventionMode: what check_symbol reads of it.
_HEAD: Final = ParsedOrder()
#: One counter the list counts once (D50): filter type, limit, context attribute, what it adds.
_Counter = tuple[str, object, str, str]


class ListPlan:
    """What judging one list method on one symbol needs beyond the request, computed once."""

    __slots__ = ("counted", "counters", "flags_ok", "legs", "list_names", "pair", "placed")

    def __init__(self, spec: ListSpec, plan: SymbolPlan, info_plan: InfoPlan) -> None:
        era = info_plan.era
        # D48: a flag that is false rejects the list (absent forbids nothing, D22).
        self.flags_ok = not false_flags(plan.symbol, spec.name)
        # D46: the types each leg may be; before 2024-12-16 no take profit in an OCO pair.
        self.legs: tuple[tuple[LegSpec, frozenset[str] | None], ...] = tuple(
            (
                leg,
                OCO_TYPES_BEFORE if leg.pair is not None and not era.oco_take_profit else leg.types,
            )
            for leg in spec.legs
        )
        # D46: the (above, below) legs' indexes of the OCO pair; the deprecated OCO's by side.
        places = [leg.pair for leg in spec.legs]
        self.pair = (
            (places.index("above"), places.index("below"))
            if "above" in places and "below" in places
            else None
        )
        #: (side, above type, below type) -> the pair stands in its places (D46), as met
        self.placed: dict[tuple[str, str, str], bool] = {}
        leg_names = frozenset(name for leg in spec.legs for name in leg.names)
        #: the list's own names: sent, each must not be "" (D29)
        self.list_names = spec.reads - leg_names
        # D50: the counters in judge_list's order, those that can fail (a limit), once each.
        counters: list[_Counter] = []
        seen: set[str] = set()
        for fn, f in plan.count_checks:
            counter = getattr(fn, "counter", None)
            if counter is not None:
                if not era.list_counters:
                    continue
                maximum, open_attr, _key, _what, counts = counter
            elif isinstance(f, MaxNumOrderListsFilter | ExchangeMaxNumOrderListsFilter):
                maximum, counts = "max_num_order_lists", "lists"
                if isinstance(f, MaxNumOrderListsFilter):
                    open_attr = "open_order_lists"
                else:
                    open_attr = "exchange_open_order_lists"
            else:
                continue
            limit = getattr(f, maximum)
            if not limit or f.filter_type in seen:
                continue
            seen.add(f.filter_type)
            counters.append((f.filter_type, limit, open_attr, counts))
        self.counters = tuple(counters)
        #: a single order's unchecked names the list reports itself (D50, PERMISSIONS)
        self.counted = frozenset({f.filter_type for _, f in plan.count_checks} | {PERMISSIONS})


def list_plan(spec: ListSpec, plan: SymbolPlan, info_plan: InfoPlan) -> ListPlan:
    """The :class:`ListPlan` of ``spec`` on ``plan``'s symbol, built on first use."""
    found = plan.lists.get(spec.name)
    if type(found) is ListPlan:
        return found
    made = plan.lists[spec.name] = ListPlan(spec, plan, info_plan)
    return made


def fast_list(
    info: ExchangeInfo, params: Mapping[str, object], context: Context, spec: ListSpec
) -> Verdict | None:
    """:func:`accepted_list` for a request on ``info``; ``None``: not sure."""
    symbol = params.get("symbol")
    if type(symbol) is not str:
        return None
    info_plan = plan_of(info)
    plan = info_plan.symbol(info, symbol)
    if plan is None:
        return None
    return accepted_list(info_plan, plan, spec, params, context)


def accepted_list(
    info_plan: InfoPlan,
    plan: SymbolPlan,
    spec: ListSpec,
    params: Mapping[str, object],
    context: Context,
) -> Verdict | None:
    """The verdict of an accepted plain list (``judge_list``'s), else ``None``: not sure."""
    if spec.opo or not spec.reads.issuperset(params):
        return None  # D51's own rules; a name not read (D52, -1104)
    lp = list_plan(spec, plan, info_plan)
    if not lp.flags_ok:
        return None  # D48
    list_names = lp.list_names
    for name, value in params.items():
        if type(value) is not str or (value == "" and name in list_names):
            return None  # not plain: read it the general way (D29)
    if "selfTradePreventionMode" in params:
        return None
    unchecked: list[str] = []
    if context.permissions is not None:
        out: list[Violation] = []
        unchecked = check_symbol(_HEAD, plan, info_plan.era, context, out) or []
        if out:
            return None  # D19
    # The legs, each as the order.place order it is (D45).
    kinds: list[OrderKind] = []
    orders: list[dict[str, object]] = []
    for leg, types in lp.legs:
        names = leg.names
        as_order = {names[name]: value for name, value in params.items() if name in names}
        if spec.deprecated:
            if leg.name == "limit":
                as_order["type"] = "LIMIT_MAKER"
            else:
                as_order["type"] = (
                    "STOP_LOSS" if "stopLimitPrice" not in params else "STOP_LOSS_LIMIT"
                )
        type_name = as_order.get("type")
        if type(type_name) is not str:
            return None
        kind = ORDER_KINDS.get(type_name)
        if kind is None or (types is not None and type_name not in types):
            return None  # D46
        kinds.append(kind)
        orders.append(as_order)
    # The list's own rules before the legs' checks, so that a list that breaks them
    # leaves early. Until the legs pass, a value read here may be anything: a doubt
    # is "not sure" (None), and an answer is given only when every leg passes.
    relation = _relation(spec, lp, kinds, orders, context)
    if relation is None:
        return None
    # D50: the counters, once per list.
    adds = {
        "every": spec.orders,
        "algo": sum(1 for kind in kinds if kind.algo),
        "iceberg": sum(1 for order in orders if "icebergQty" in order),
        "lists": 1,
    }
    counters_unchecked: list[str] = []
    for filter_type, limit, open_attr, counts in lp.counters:
        n = adds[counts]
        if not n:
            continue
        open_now = getattr(context, open_attr)
        if open_now is None:
            counters_unchecked.append(filter_type)
        elif open_now + n > limit:
            return None
    # Each leg through the fast check of a single order of its type (as judge_list's
    # _accepted_fast): accepted alone is accepted as a leg (D45, D50).
    fast = plan.fast
    counted = lp.counted
    legs_unchecked: list[str] = []
    for kind, as_order in zip(kinds, orders, strict=True):
        check = fast.get(kind.name)
        if check is None:
            return None
        verdict = check(as_order, context)
        if verdict is None or not verdict.accepted:
            return None
        legs_unchecked.extend(n for n in verdict.unchecked if n not in counted)
    if not (unchecked or relation or counters_unchecked or legs_unchecked):
        return ACCEPTED
    for extra in (relation, counters_unchecked, legs_unchecked):
        unchecked.extend(name for name in extra if name not in unchecked)
    if not unchecked:
        return ACCEPTED
    return Verdict(True, (), tuple(unchecked))


def _relation(
    spec: ListSpec,
    lp: ListPlan,
    kinds: list[OrderKind],
    orders: list[dict[str, object]],
    context: Context,
) -> tuple[str, ...] | None:
    """D46, D47 for accepted legs: ``None`` when the pair is misplaced or the prices break
    the relation (the general way reports it), else what is left unchecked."""
    if spec.deprecated:
        side = orders[0].get("side")
        if side != "BUY" and side != "SELL":
            return None
        above, below = (0, 1) if side == "SELL" else (1, 0)  # D46: by the side
    else:
        if lp.pair is None:
            return ()
        above, below = lp.pair
        side = orders[above].get("side")
        if side != "BUY" and side != "SELL":
            return None
        key = (side, kinds[above].name, kinds[below].name)
        placed = lp.placed.get(key)
        if placed is None:
            placed = lp.placed[key] = (
                (side, "above", _family(kinds[above])) not in _MISPLACED
                and (side, "below", _family(kinds[below])) not in _MISPLACED
                and not kinds[above].name == kinds[below].name == "LIMIT_MAKER"  # -1168
            )
        if not placed:
            return None
    high, low = _price(kinds[above], orders[above]), _price(kinds[below], orders[below])
    if high is False or low is False:
        return None
    broken = relation_broken(high, low, context.last_price)
    if broken is None:
        return ()
    return (PRICE_RELATION,) if broken == "unchecked" else None


def _price(kind: OrderKind, order: dict[str, object]) -> Decimal | Literal[False] | None:
    """The leg's price in the relation (D47): ``None`` when it has none, ``False`` unread."""
    text = order.get("price" if kind.name in _LIMIT_PRICED else "stopPrice")
    if text is None:
        return None
    value = read_decimal(text)
    return False if value is None else value
