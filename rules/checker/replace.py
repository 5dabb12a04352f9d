"""``order.cancelReplace``: cancel an order and place a new one in one request (D43).

The new order is judged as the ``order.place`` it is, through
:func:`rules.checker.judge.judge_order` (its parameters, flags, filters and
open-order counters); the cancel side adds its own parameters and the
symbol's ``cancelReplaceAllowed`` flag:

- ``cancelReplaceMode`` is mandatory (``-1102``), ``STOP_ON_FAILURE`` or
  ``ALLOW_FAILURE`` (else ``-1130``);
- ``cancelOrderId`` or ``cancelOrigClientOrderId`` must be sent (``-1102``);
  ``cancelOrderId`` is an integer (``-1100``);
- ``cancelRestrictions``, when sent, is ``ONLY_NEW`` or
  ``ONLY_PARTIALLY_FILLED`` (else ``-1145``); ``orderRateLimitExceededMode``
  ``DO_NOTHING`` or ``CANCEL_ONLY`` (else ``-1130``);
- a value sent as ``""`` is ``-1105`` and then not sent (D29);
- ``cancelReplaceAllowed: false`` → ``-2010 "Order cancel-replace is not
  supported for this symbol."``; a snapshot without the flag forbids nothing (D22).

The order being cancelled still counts: the context's open-order counts include
it, and the new order fails a ``MAX_NUM_*`` filter when ``open + 1 > max``,
exactly as for ``order.place`` (D15, D43). Whether the cancel itself will succeed
(the order's state, ``cancelRestrictions``) cannot be known beforehand and is
not judged.

Order of the violations (D53): ``-1104`` (D52); the cancel parameters, in
ws-cr's table order, before the new order's request errors; the new order's
``-1013``; the cancel-replace flag before the new order's ``-2010``. A missing,
empty or unknown ``symbol`` stops everything but the ``-1104`` (D24).

May import: :mod:`rules.model`, and the checker modules below it (context,
gates, judge, methods, order, plans, violations).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from rules.checker.context import Context
from rules.checker.gates import refusals
from rules.checker.judge import by_stage, judge_order
from rules.checker.methods import CANCEL_READ, JUDGED_METHODS, unread_of
from rules.checker.order import read_int, read_order
from rules.checker.plans import plan_of
from rules.checker.violations import (
    ACCEPTED,
    Verdict,
    Violation,
    either_missing,
    mandatory_missing,
    param_empty,
)
from rules.model.models import ExchangeInfo
from rules.model.numbers import bounded_repr, is_absent

__all__ = ["cancel_problems", "illegal_id", "invalid_data", "judge_cancel_replace", "sent"]

#: ws-cr's ``cancelReplaceMode`` values (D43).
MODES: Final = frozenset({"STOP_ON_FAILURE", "ALLOW_FAILURE"})
#: ws-cr's ``cancelRestrictions`` values (D43, errors -1145).
RESTRICTIONS: Final = frozenset({"ONLY_NEW", "ONLY_PARTIALLY_FILLED"})
#: ws-cr's ``orderRateLimitExceededMode`` values (D43).
RATE_LIMIT_MODES: Final = frozenset({"DO_NOTHING", "CANCEL_ONLY"})


def sent(params: Mapping[str, object], name: str) -> object | None:
    """The value of ``name`` if it was sent: ``null`` (and pandas' missing values)
    is not sent (D29); ``""`` is sent."""
    value = params.get(name)
    if value is None or (type(value) is not str and is_absent(value)):
        return None
    return value


def invalid_data(name: str, value: object, allowed: str) -> Violation:
    """``-1130 "Data sent for parameter '%s' is not valid."`` (errors -1130, D43, D44)."""
    return Violation(
        code=-1130,
        msg=f"Data sent for parameter '{name}' is not valid.",
        field=name,
        value=value,
        limit=allowed,
        explanation=f"{name} {bounded_repr(value)} is not {allowed}",
    )


def illegal_id(name: str, value: object) -> Violation:
    """``-1100`` for an order id (LONG) that is not an integer (D43, D44); the message
    quotes no legal range, as the recorded answers for ids do."""
    return Violation(
        code=-1100,
        msg=f"Illegal characters found in parameter '{name}'.",
        field=name,
        value=value,
        explanation=f"{name} {bounded_repr(value)} is not an integer order id",
    )


def _enum(
    params: Mapping[str, object], name: str, allowed: frozenset[str], code: int
) -> Violation | None:
    """An optional enum of the cancel side: ``""`` is ``-1105``; a value not in
    ``allowed`` is ``-1130`` (``code``) or, for ``cancelRestrictions``, ``-1145``."""
    value = sent(params, name)
    if value is None:
        return None
    if type(value) is str and value == "":
        return param_empty(name)
    if isinstance(value, str) and value in allowed:  # numpy.str_ is a str
        return None
    if code == -1145:
        return Violation(
            code=-1145,
            msg="cancelRestrictions has to be either ONLY_NEW or ONLY_PARTIALLY_FILLED.",
            field=name,
            value=value,
            limit=tuple(sorted(allowed)),
            explanation=f"cancelRestrictions {bounded_repr(value)} is not ONLY_NEW "
            "or ONLY_PARTIALLY_FILLED",
        )
    return invalid_data(name, value, " or ".join(sorted(allowed)))


def cancel_problems(params: Mapping[str, object]) -> list[Violation]:
    """The cancel side's request errors (D43), in ws-cr's table order.

    >>> [v.code for v in cancel_problems({"cancelReplaceMode": "NONE"})]
    [-1130, -1102]
    >>> cancel_problems({"cancelReplaceMode": "ALLOW_FAILURE", "cancelOrderId": 7})
    []
    """
    out: list[Violation] = []
    mode = sent(params, "cancelReplaceMode")
    if mode is None:
        out.append(mandatory_missing("cancelReplaceMode"))
    elif type(mode) is str and mode == "":
        out.append(param_empty("cancelReplaceMode"))
    elif not isinstance(mode, str) or mode not in MODES:  # numpy.str_ is a str
        out.append(invalid_data("cancelReplaceMode", mode, "STOP_ON_FAILURE or ALLOW_FAILURE"))
    # cancelOrderId (LONG) or cancelOrigClientOrderId (STRING): one of them, D43.
    by_id, by_client = sent(params, "cancelOrderId"), sent(params, "cancelOrigClientOrderId")
    if by_id is not None:
        if type(by_id) is str and by_id == "":
            out.append(param_empty("cancelOrderId"))
        elif read_int(by_id) is None:
            out.append(illegal_id("cancelOrderId", by_id))
    if type(by_client) is str and by_client == "":
        out.append(param_empty("cancelOrigClientOrderId"))
    if by_id is None and by_client is None:
        out.append(either_missing("cancelOrderId", "cancelOrigClientOrderId"))
    new_id = sent(params, "cancelNewClientOrderId")
    if type(new_id) is str and new_id == "":
        out.append(param_empty("cancelNewClientOrderId"))
    for name, allowed, code in (
        ("cancelRestrictions", RESTRICTIONS, -1145),
        ("orderRateLimitExceededMode", RATE_LIMIT_MODES, -1130),
    ):
        problem = _enum(params, name, allowed, code)
        if problem is not None:
            out.append(problem)
    return out


def judge_cancel_replace(
    info: ExchangeInfo, params: Mapping[str, object], context: Context
) -> Verdict:
    """The verdict of an ``order.cancelReplace`` request (D43, D52, D53).

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "BTCUSDT", "status": "TRADING", '
    ...   '"baseAsset": "BTC", "quoteAsset": "USDT", "cancelReplaceAllowed": false, '
    ...   '"filters": []}]}')
    >>> verdict = judge_cancel_replace(info, {"symbol": "BTCUSDT", "side": "BUY",
    ...     "type": "MARKET", "quantity": "1", "cancelReplaceMode": "ALLOW_FAILURE",
    ...     "cancelOrderId": 7}, Context())
    >>> [(v.code, v.msg) for v in verdict.violations]
    [(-2010, 'Order cancel-replace is not supported for this symbol.')]
    """
    unread, kept = unread_of(JUDGED_METHODS["order.cancelReplace"], params)
    order = read_order({name: value for name, value in kept.items() if name not in CANCEL_READ})
    found, unchecked = judge_order(info, order, context)
    out: list[Violation] = [] if unread is None else [unread]
    symbol = order.symbol
    plan = None if order.symbol_problem is not None else plan_of(info).symbol(info, symbol)  # type: ignore[arg-type]
    if plan is not None:  # D24: no symbol, nothing but the -1104 and the symbol's error
        out.extend(cancel_problems(kept))
        out.extend(refusals(plan.symbol, "order.cancelReplace"))  # D43; absent: none (D22)
    out.extend(found)
    by_stage(out)
    if not out and unchecked is None:
        return ACCEPTED
    return Verdict(not out, tuple(out), tuple(unchecked or ()))
