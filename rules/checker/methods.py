"""The request methods: which ones exist, which are judged, and what each one reads.

A request names its method (D40): ``order.place``, ``order.test``,
``sor.order.place``, ``sor.order.test``, ``order.cancelReplace`` (D43,
:mod:`rules.checker.replace`), ``order.amend.keepPriority`` (D44,
:mod:`rules.checker.amend`) and the six order lists (``orderList.place``,
``.oco``, ``.oto``, ``.otoco``, ``.opo``, ``.opoco``: :mod:`rules.checker.lists`,
D45): every order request of the WebSocket API is judged; any other name is
not an order request and is answered ``-1020`` (D40), nothing else.

Each method reads the names of its parameter table (D52): a name it does not
read gets one ``-1104`` for the request, and the request is judged as if it had
not been sent. A test method reads ``computeCommissionRates`` too (D41); SOR
reads neither ``quoteOrderQty``, the peg parameters, ``stopPrice`` nor
``trailingDelta``, and places only LIMIT and MARKET orders (D42).

Which requests a symbol allows by its flags and ``sors`` (D22, D42-D44, D48):
:func:`allowed_requests` and :func:`allowances`, from the one table the checks
read (:mod:`rules.checker.gates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from rules.checker.gates import allowances, allowed_requests, has_sor
from rules.checker.lists import LIST_SPECS
from rules.checker.order import READ, READ_NOT_JUDGED, guesses
from rules.checker.violations import Violation, param_empty, unread_parameters
from rules.model.models import ExchangeInfo
from rules.model.numbers import is_absent

__all__ = [
    "JUDGED_METHODS",
    "KNOWN_METHODS",
    "MethodSpec",
    "allowances",
    "allowed_requests",
    "method_spec",
    "no_sor",
    "plain_method",
    "unread_of",
    "unsupported",
]

#: The test methods' own parameter (D41).
COMMISSION: Final = "computeCommissionRates"


@attrs.frozen
class MethodSpec:
    """What one judged method reads (D52) and what it allows."""

    name: str
    #: every parameter name the method reads (its table and the SIGNED names)
    reads: frozenset[str]
    #: whether ``computeCommissionRates`` is read (D41)
    test: bool = False
    #: whether it is a SOR request (D42): LIMIT and MARKET only, a symbol in ``sors``
    sor: bool = False
    #: whether it is an order list (D45): judged by :mod:`rules.checker.list_rules`
    order_list: bool = False


#: The names ``sor.order.place`` reads (ws-sor's table and the SIGNED names, D42, D52).
SOR_READ: Final = READ - {
    "quoteOrderQty",
    "stopPrice",
    "trailingDelta",
    "pegPriceType",
    "pegOffsetType",
    "pegOffsetValue",
}
#: The order types SOR places (D42); another valid type is ``-1116``.
SOR_TYPES: Final = frozenset({"LIMIT", "MARKET"})

#: The names of the cancel side of ``order.cancelReplace`` (ws-cr's table, D43, D52);
#: the method reads them and every name ``order.place`` reads.
CANCEL_READ: Final = frozenset(
    {
        "cancelReplaceMode",
        "cancelOrderId",
        "cancelOrigClientOrderId",
        "cancelNewClientOrderId",
        "cancelRestrictions",
        "orderRateLimitExceededMode",
    }
)
#: The names ``order.amend.keepPriority`` reads: ws-amend's table and the SIGNED
#: names (D44, D52); not ``newOrderRespType``, not the order's own parameters.
AMEND_READ: Final = frozenset(
    {"symbol", "orderId", "origClientOrderId", "newClientOrderId", "newQty"}
) | (READ_NOT_JUDGED - {"newOrderRespType"})

#: The judged methods, by name (D40-D44).
JUDGED_METHODS: Final[dict[str, MethodSpec]] = {
    "order.place": MethodSpec("order.place", READ),
    "order.test": MethodSpec("order.test", READ | {COMMISSION}, test=True),
    "sor.order.place": MethodSpec("sor.order.place", SOR_READ, sor=True),
    "sor.order.test": MethodSpec("sor.order.test", SOR_READ | {COMMISSION}, test=True, sor=True),
    # The six order lists (D45, D52): rules.checker.lists holds their tables.
    **{name: MethodSpec(name, spec.reads, order_list=True) for name, spec in LIST_SPECS.items()},
    "order.cancelReplace": MethodSpec("order.cancelReplace", READ | CANCEL_READ),
    "order.amend.keepPriority": MethodSpec("order.amend.keepPriority", AMEND_READ),
}
#: Every order request of the WebSocket API (D40), each one judged.
KNOWN_METHODS: Final = frozenset(JUDGED_METHODS)


def plain_method(method: object) -> str | None:
    """The method's plain name (D40): ``None`` is ``order.place``, a ``v3/`` prefix is
    dropped; names are case-sensitive. ``None`` for a name that is not an order request.

    >>> plain_method(None), plain_method("v3/order.test"), plain_method("ORDER.PLACE")
    ('order.place', 'order.test', None)
    """
    if method is None:
        return "order.place"
    if not isinstance(method, str):
        return None
    method = str(method)  # a str subclass (numpy.str_) is the name it spells
    name = method[3:] if method.startswith("v3/") else method
    return name if name in KNOWN_METHODS else None


def method_spec(method: object) -> MethodSpec | None:
    """The method ``method`` names; ``None`` for a name that is no order request (-1020, D40)."""
    name = plain_method(method)
    return None if name is None else JUDGED_METHODS[name]


def unread_of(
    spec: MethodSpec, params: Mapping[str, object]
) -> tuple[Violation | None, dict[str, object]]:
    """D52: the one ``-1104`` of the names ``spec`` does not read (``None``: every name
    is read), and the params without those names, to be judged as if they had not
    been sent. A ``null`` value is not sent (D29): neither counted nor unread.

    >>> problem, kept = unread_of(JUDGED_METHODS["order.amend.keepPriority"],
    ...     {"symbol": "BTCUSDT", "origClientOrderId": "a", "quantity": "1"})
    >>> problem.msg
    "Not all sent parameters were read; read '2' parameter(s) but was sent '3'."
    >>> sorted(kept)
    ['origClientOrderId', 'symbol']
    """
    reads = spec.reads
    unread = tuple(
        str(name)
        for name, value in params.items()
        if name not in reads and value is not None and (type(value) is str or not is_absent(value))
    )
    if not unread:
        return None, dict(params)
    sent = sum(
        1
        for value in params.values()
        if value is not None and (type(value) is str or not is_absent(value))
    )
    kept = {name: value for name, value in params.items() if name not in unread}
    return unread_parameters(unread, sent, guesses(unread, reads), spec.name), kept


def unsupported(method: object) -> Violation:
    """``-1020``: a method that is no order request (D40); nothing else is checked."""
    return Violation(
        code=-1020,
        msg="This operation is not supported.",
        field="method",
        value=method,
        explanation=f"{method!r} is not an order request of the WebSocket API (D40)",
    )


def commission_problem(params: Mapping[str, object]) -> Violation | None:
    """D41: ``computeCommissionRates`` is a boolean, or "true"/"false" in any case;
    ``""`` is ``-1105`` (D29); anything else ``-1100``. ``None``: fine or not sent."""
    value = params.get(COMMISSION)
    if value is None or type(value) is bool:
        return None
    if isinstance(value, str):  # numpy.str_ too
        if value == "":
            return param_empty(COMMISSION)
        if value.lower() in ("true", "false"):
            return None
    return Violation(
        code=-1100,
        msg=f"Illegal characters found in parameter '{COMMISSION}'.",
        field=COMMISSION,
        value=value,
        explanation=f"{COMMISSION} {value!r} is not true or false (D41)",
    )


def no_sor(info: ExchangeInfo, symbol: str) -> Violation | None:
    """D42: ``-1013 "This symbol has no SOR."`` for a symbol in no ``sors[].symbols``
    (a snapshot without ``sors`` has none)."""
    if has_sor(info, symbol):
        return None
    return Violation(
        code=-1013,
        msg="This symbol has no SOR.",
        field="symbol",
        value=symbol,
        explanation=f"{symbol} is in no sors[].symbols of the exchangeInfo (D42)",
    )
