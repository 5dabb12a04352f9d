"""``order.amend.keepPriority``: reduce the quantity of an open order (D44).

The request holds ``symbol``, ``orderId`` or ``origClientOrderId``,
``newClientOrderId`` and ``newQty``; the order being amended is not in it, so
the context gives what is known of it: ``origQty`` (its current quantity) and
``orderAmendCount`` (how many times it was amended already).

- ``symbol``: as for ``order.place`` (D24: missing, empty or unknown stops
  everything but the ``-1104``);
- ``orderId`` or ``origClientOrderId`` (``-1102``), ``orderId`` an integer
  (``-1100``); ``""`` is ``-1105`` and then not sent (D29);
- ``newQty``: mandatory (``-1102``), a DECIMAL (``-1100``), within
  ``baseAssetPrecision`` (``-1111``, D38), above 0 (``0`` → ``-1130``);
- the symbol's status (D01, ``-1013``) and the account's permissions (D19, D20,
  D36), the permission failure answered ``-2038``;
- ``amendAllowed: false`` → ``-2038 "Order amend is not supported for this
  symbol."`` (absent: nothing forbidden, D22);
- ``newQty`` against ``origQty``: above → ``-2038 "Order amend (quantity
  increase) is not supported."``, equal → ``-2038 "The requested action would
  change no state; rejecting"``; no ``origQty`` → ``AMEND_QUANTITY`` in
  ``unchecked``. A ``newQty`` of 0 is not compared (0 is below any quantity);
- LOT_SIZE judges ``newQty`` on the era's grid (D17, D35), a 0 too (after its
  ``-1130``); MAX_NUM_ORDER_AMENDS fails when ``orderAmendCount + 1 >
  maxNumOrderAmends`` (``-2038``, its filterType; no count → unchecked);
  MIN_NOTIONAL and NOTIONAL need the order's price and type: ``unchecked``;
  an unknown filter is ``unchecked`` (D25); the other known filters cannot fail
  on a smaller quantity, and an amendment adds no order to any counter.

Order of the violations (D53): ``-1104``; the request errors in ws-amend's table
order (``""`` and malformed values, then the missing ones, then ``newQty``'s
value); ``-1013`` (status, then LOT_SIZE); ``-2038`` (the flag, permissions, the
quantity, MAX_NUM_ORDER_AMENDS).

May import: :mod:`rules.model`, and the checker modules below it (checks,
context, gates, judge, methods, order, plans, replace, request, violations).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final

import attrs

from rules.checker.checks import out_of_range
from rules.checker.context import Context
from rules.checker.gates import refusals
from rules.checker.judge import by_stage
from rules.checker.methods import JUDGED_METHODS, unread_of
from rules.checker.order import DECIMAL_RANGE, ParsedOrder, read_decimal, read_int, read_order
from rules.checker.plans import plan_of
from rules.checker.replace import illegal_id, invalid_data, sent
from rules.checker.request import check_symbol, places
from rules.checker.violations import (
    ACCEPTED,
    NEW_ORDER_REJECTED,
    Verdict,
    Violation,
    either_missing,
    filter_failure,
    illegal_chars,
    mandatory_missing,
    param_empty,
    rejected,
    too_precise,
    unknown_symbol,
)
from rules.model.models import (
    ExchangeInfo,
    Filter,
    LotSizeFilter,
    MaxNumOrderAmendsFilter,
    MinNotionalFilter,
    NotionalFilter,
    UnknownFilter,
)

__all__ = ["AMEND_QUANTITY", "ORDER_AMEND_REJECTED", "judge_amend"]

#: ``-2038`` ORDER_AMEND_REJECTED: the matching engine's answer to an amendment (D44).
ORDER_AMEND_REJECTED: Final = -2038
#: The name ``unchecked`` gives the comparison with ``origQty`` when the context lacks it (D44).
AMEND_QUANTITY: Final = "AMEND_QUANTITY"


#: ws-amend's table after ``symbol``, then the other SIGNED names (D52): each one read,
#: so each one sent as ``""`` is ``-1105`` (D29), in this order (D53).
_TABLE: Final = (
    "orderId",
    "origClientOrderId",
    "newClientOrderId",
    "newQty",
    "recvWindow",
    "timestamp",
    "apiKey",
    "signature",
)


def _request(params: Mapping[str, object], out: list[Violation]) -> Decimal | None:
    """The request errors of the amendment's own parameters (D44, D29, D53); the
    ``newQty`` to judge, ``None`` when it is missing or unreadable."""
    unreadable: set[str] = set()
    new_qty: Decimal | None = None
    for name in _TABLE:
        value = sent(params, name)
        if value is None:
            continue
        if type(value) is str and value == "":
            out.append(param_empty(name))
            unreadable.add(name)
        elif name == "orderId" and read_int(value) is None:
            out.append(illegal_id(name, value))
            unreadable.add(name)
        elif name == "newQty":
            new_qty = read_decimal(value)
            if new_qty is None:
                out.append(illegal_chars(name, value, DECIMAL_RANGE))
                unreadable.add(name)
    if not unreadable & {"orderId", "origClientOrderId"} and all(
        sent(params, name) is None for name in ("orderId", "origClientOrderId")
    ):
        out.append(either_missing("orderId", "origClientOrderId"))
    if sent(params, "newQty") is None:
        out.append(mandatory_missing("newQty"))
    if new_qty is not None and not new_qty:
        # ws-amend: "newQty must be greater than 0"; no code documented (D44: -1130).
        out.append(invalid_data("newQty", new_qty, "greater than 0"))
    return new_qty


def _quantity(new_qty: Decimal, context: Context) -> Violation | str | None:
    """``newQty`` against the order's ``origQty`` (D44): a ``-2038``, or
    :data:`AMEND_QUANTITY` when the context lacks ``origQty``."""
    orig = context.orig_qty
    if orig is None:
        return AMEND_QUANTITY
    if new_qty > orig:
        msg, why = "Order amend (quantity increase) is not supported.", "is above"
    elif new_qty == orig:
        msg, why = "The requested action would change no state; rejecting", "equals"
    else:
        return None
    return rejected(
        msg,
        explanation=f"newQty {new_qty:f} {why} the order's origQty {orig:f}",
        field="newQty",
        value=new_qty,
        limit=orig,
        code=ORDER_AMEND_REJECTED,
    )


def _filters(
    filters: tuple[Filter, ...],
    new_qty: Decimal | None,
    context: Context,
    step_from_min: bool,
    unchecked: list[str],
) -> tuple[list[Violation], list[Violation]]:
    """The filters an amendment meets (D44): the ``-1013`` LOT_SIZE failure and the
    ``-2038`` MAX_NUM_ORDER_AMENDS one; what cannot be judged goes to ``unchecked``."""
    api: list[Violation] = []
    engine: list[Violation] = []
    seen: set[str] = set()
    for f in filters:
        if isinstance(f, LotSizeFilter):
            if new_qty is None or f.filter_type in seen:
                continue
            # The grid and the bounds of LOT_SIZE itself (D35), by era (D17).
            problem = out_of_range(
                "newQty",
                new_qty,
                f.min_qty,
                "minQty",
                f.max_qty,
                "maxQty",
                f.step_size,
                "stepSize",
                step_from_min,
            )
            if problem is not None:
                seen.add(f.filter_type)  # D23: once per filterType
                api.append(
                    filter_failure(
                        f.filter_type,
                        field="newQty",
                        value=new_qty,
                        limit=problem[1],
                        explanation=problem[0],
                    )
                )
        elif isinstance(f, MaxNumOrderAmendsFilter):
            maximum = f.max_num_order_amends
            if not maximum:
                continue  # D12: 0 disables
            count = context.order_amend_count
            if count is None:
                _add(unchecked, f.filter_type)
            elif count + 1 > maximum and f.filter_type not in seen:
                seen.add(f.filter_type)
                failure = filter_failure(
                    f.filter_type,
                    field="orderAmendCount",
                    value=count + 1,
                    limit=maximum,
                    explanation=f"orderAmendCount {count} + this amendment is above "
                    f"maxNumOrderAmends {maximum}",
                )
                engine.append(attrs.evolve(failure, code=ORDER_AMEND_REJECTED))
        elif isinstance(f, MinNotionalFilter):
            if f.min_notional:
                _add(unchecked, f.filter_type)  # needs the order's price and type
        elif isinstance(f, NotionalFilter):
            if f.min_notional or f.max_notional:
                _add(unchecked, f.filter_type)
        elif isinstance(f, UnknownFilter):
            _add(unchecked, f.filter_type)  # D25
    return api, engine


def _add(unchecked: list[str], name: str) -> None:
    if name not in unchecked:
        unchecked.append(name)


def judge_amend(info: ExchangeInfo, params: Mapping[str, object], context: Context) -> Verdict:
    """The verdict of an ``order.amend.keepPriority`` request (D44, D52, D53).

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "BTCUSDT", "status": "TRADING", '
    ...   '"baseAsset": "BTC", "quoteAsset": "USDT", "filters": '
    ...   '[{"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "100", '
    ...   '"stepSize": "0.001"}]}]}')
    >>> verdict = judge_amend(info, {"symbol": "BTCUSDT", "orderId": 12, "newQty": "0.5"},
    ...     Context(orig_qty="0.5"))
    >>> [(v.code, v.msg) for v in verdict.violations]
    [(-2038, 'The requested action would change no state; rejecting')]
    """
    unread, kept = unread_of(JUDGED_METHODS["order.amend.keepPriority"], params)
    out: list[Violation] = [] if unread is None else [unread]
    head = read_order({"symbol": kept.get("symbol")})
    if head.symbol_problem is not None:
        out.append(head.symbol_problem)  # D24: nothing else is checked
        return Verdict(False, tuple(out))
    info_plan = plan_of(info)
    plan = info_plan.symbol(info, head.symbol)  # type: ignore[arg-type]
    if plan is None:
        out.append(unknown_symbol(head.symbol))
        return Verdict(False, tuple(out))
    era = info_plan.era
    new_qty = _request(kept, out)
    most = plan.base_places
    if new_qty is not None and most is not None and places(new_qty) > most:  # D38, D39
        message = era.precision_message
        out.append(too_precise("newQty", new_qty, most, "baseAssetPrecision", message))
    out.extend(refusals(plan.symbol, "order.amend.keepPriority"))  # D44; absent: none (D22)
    # D01, D19, D20, D36: the symbol's status and the account's permissions, as
    # for an order; the permission failure is the amendment's -2038.
    symbol_level: list[Violation] = []
    unchecked = check_symbol(ParsedOrder(symbol=head.symbol), plan, era, context, symbol_level)
    unchecked = list(unchecked or ())
    out.extend(
        attrs.evolve(v, code=ORDER_AMEND_REJECTED) if v.code == NEW_ORDER_REJECTED else v
        for v in symbol_level
    )
    if new_qty:  # a 0 is below any order's quantity: not compared (D44)
        compared = _quantity(new_qty, context)
        if isinstance(compared, Violation):
            out.append(compared)
        elif compared is not None:
            unchecked.append(compared)
    api, engine = _filters(
        plan.symbol.filters + tuple(info.exchange_filters or ()),
        new_qty,
        context,
        era.step_from_min,
        unchecked,
    )
    out.extend(api)
    out.extend(engine)
    by_stage(out)
    if not out and not unchecked:
        return ACCEPTED
    return Verdict(not out, tuple(out), tuple(unchecked))
