"""What the order checker answers: :class:`Violation` values and the :class:`Verdict`.

Violations are values, not exceptions (STYLE.md §2.4): each one carries the
``code`` and ``msg`` Binance itself would return, the ``filterType`` when a filter
failed, and, for people, the field, the offending value, the limit it broke and a
one-line explanation. :func:`rules.checker.evaluate.check` is the one place that turns a
rejected verdict into an exception (:class:`~rules.errors.OrderRejected`).

This module also holds the messages, worded as ``errors.md`` words them, so that
every check builds its violation through one of the small constructors below.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

import attrs

from rules.model.numbers import bounded_repr

__all__ = [
    "STAGES",
    "Explanation",
    "Verdict",
    "Violation",
    "filter_message",
    "make_verdict",
    "make_violation",
    "stage_of",
]

#: ``-1013`` INVALID_MESSAGE: the API's rejections: filter failures, a closed market
#: (D01), an order type the symbol lacks (D02), the quote-qty flag (D22), an STP mode
#: (D21), "Price * QTY is zero or less." (D37).
FILTER_FAILURE: Final = -1013
#: ``-2010`` NEW_ORDER_REJECTED: the matching engine's messages (errors.md, last table).
NEW_ORDER_REJECTED: Final = -2010
#: ``-1104`` UNREAD_PARAMETERS: names the method does not read (D52).
UNREAD_PARAMETERS: Final = -1104

#: The stages in which Binance meets the rules (D53), in order: an unknown method,
#: the parameters the method does not read, the other request errors (11xx, 12xx),
#: the API's rejections (-1013), the matching engine's (-2010, -2038).
STAGES: Final = ("method", "unread", "request", "api", "engine")


def stage_of(code: int) -> int:
    """The stage (index into :data:`STAGES`) in which Binance meets a violation of ``code`` (D53).

    >>> [stage_of(c) for c in (-1020, -1104, -1102, -1111, -1013, -2010, -2038)]
    [0, 1, 2, 2, 3, 4, 4]
    """
    if code == -1020:
        return 0
    if code == UNREAD_PARAMETERS:
        return 1
    if code == FILTER_FAILURE:
        return 3
    if code <= -2000:
        return 4
    return 2


class Explanation:
    """A violation's explanation, worded when it is first read.

    Most violations are never explained to anyone (``rules check`` prints the
    code and message, a bot reads ``first.code``), and wording one costs as
    much as finding it. A check hands :class:`Violation` this instead of a
    string: a module-level function and its arguments (picklable), called once
    by :attr:`Violation.explanation`; the violation then holds the string.

    >>> str(Explanation("{} is {}".format, "x", 1))
    'x is 1'
    """

    __slots__ = ("_args", "_text", "_word")

    def __init__(self, word: Callable[..., str], *args: object) -> None:
        self._word = word
        self._args = args
        self._text: str | None = None

    def __str__(self) -> str:
        text = self._text
        if text is None:
            text = self._text = self._word(*self._args)  # worded once (hashing asks again)
        return text

    def __repr__(self) -> str:
        return repr(str(self))

    def __reduce__(self) -> tuple[object, ...]:
        return (Explanation, (self._word, *self._args))


#: A violation's explanation not worded yet: an :class:`Explanation`, or (as the
#: explainers build it, five times cheaper) a tuple ``(word, *args)`` whose first
#: item is a module-level function (picklable), called once when read. Any other
#: value (a tuple a caller gave, say) is worded by ``str()``.
Unworded = Explanation | tuple[Any, ...]


def _worded(explanation: str | Unworded) -> str:
    """The text of an explanation (what equality and hashing compare)."""
    if explanation.__class__ is str:
        return explanation
    if explanation.__class__ is tuple and explanation and callable(explanation[0]):
        word: Callable[..., str] = explanation[0]
        return word(*explanation[1:])
    return str(explanation)


@attrs.frozen(kw_only=True, repr=False)
class Violation:
    """One rule the order breaks, as Binance would report it, plus details for people.

    Attributes:
        code: Binance's error code (``-1013``, ``-2010``, ``-1102``, ...).
        msg: Binance's message for it (``"Filter failure: LOT_SIZE"``).
        filter_type: the failing filter's ``filterType``, or ``None`` when the
            rule is not a filter (a missing parameter, a closed market, ...).
        field: the order parameter at fault (``"price"``), when there is one.
        value: the offending value as read (a ``Decimal``, ``int`` or ``str``).
        limit: the bound or step it broke, when there is one.
        explanation: one line for people, e.g.
            ``"price 30000.015 is not a multiple of tickSize 0.01"``; given as a
            string or an :class:`Explanation` (or a tuple ``(word, *args)``, the
            same, as the explainers build it), worded when first read (equality,
            hashing and ``repr`` compare and show the words).
        leg: for an order list, the leg the violation is about, named by the
            docs' parameter prefix (``above``/``below``, ``working``/``pending``,
            ``working``/``pendingAbove``/``pendingBelow``, ``limit``/``stop``);
            ``None`` for the request as a whole, a parameter the legs share, and
            every single-order request (D45).
    """

    code: int
    msg: str
    filter_type: str | None = None
    field: str | None = None
    value: object = None
    limit: object = None
    _explanation: str | Unworded = attrs.field(default="", alias="explanation", eq=_worded)
    leg: str | None = None

    @property
    def explanation(self) -> str:
        """One line for people (worded on first read, then kept)."""
        text = self._explanation
        if text.__class__ is not str:
            text = _worded(text)
            object.__setattr__(self, "_explanation", text)  # the same value, now worded
        return text

    def __repr__(self) -> str:
        return (
            f"Violation(code={self.code!r}, msg={self.msg!r}, filter_type={self.filter_type!r}, "
            f"field={self.field!r}, value={self.value!r}, limit={self.limit!r}, "
            f"explanation={self.explanation!r}, leg={self.leg!r})"
        )

    @property
    def stage(self) -> int:
        """The stage in which Binance meets this violation (D53, :func:`stage_of`)."""
        return stage_of(self.code)

    def to_json(self) -> dict[str, Any]:
        """The wire form the command line prints: ``{"code", "msg", "filterType"}``, and
        ``"leg"`` when the violation has one (D45)."""
        out = {"code": self.code, "msg": self.msg, "filterType": self.filter_type}
        if self.leg is not None:
            out["leg"] = self.leg
        return out

    def __str__(self) -> str:
        where = f" [{self.filter_type}]" if self.filter_type else ""
        if self.leg is not None:
            where += f" (leg {self.leg})"
        tail = f": {self.explanation}" if self.explanation and self.explanation != self.msg else ""
        return f"{self.code} {self.msg}{where}{tail}"


@attrs.frozen
class Verdict:
    """The answer for one order.

    ``accepted`` is true exactly when ``violations`` is empty, whatever
    ``unchecked`` holds (D27). ``unchecked`` names the rules (filterTypes, or
    ``PERMISSIONS``, D36) that apply to the order but could not be evaluated
    because the context lacked what they need: such a rule was not passed.

    ``violations`` are listed in the order Binance meets them (D53): Binance
    answers with one error, and that is ``violations[0]`` (:attr:`first`).
    """

    accepted: bool
    violations: tuple[Violation, ...] = ()
    unchecked: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The verdict as the command line prints it.

        >>> Verdict(True).to_json()
        {'accepted': True, 'violations': [], 'unchecked': []}
        """
        return {
            "accepted": self.accepted,
            "violations": [v.to_json() for v in self.violations],
            "unchecked": list(self.unchecked),
        }

    def __bool__(self) -> bool:
        return self.accepted

    @property
    def first(self) -> Violation | None:
        """What Binance would answer: the first violation (D53), or ``None`` when accepted.

        >>> unread, closed = Violation(code=-1104, msg="m"), Violation(code=-1013, msg="n")
        >>> Verdict(False, (unread, closed)).first.code
        -1104
        """
        return self.violations[0] if self.violations else None

    @property
    def certain(self) -> bool:
        """Accepted, and every rule that applies could be evaluated (``unchecked`` is empty).

        ``accepted`` alone says no rule was broken (D27); a bot that must not
        send an order some rule could not judge (no market price for the
        percent band, no open-order count) sends only when ``certain``.

        >>> Verdict(True, (), ("PERCENT_PRICE_BY_SIDE",)).certain
        False
        """
        return self.accepted and not self.unchecked


ACCEPTED: Final = Verdict(True)

# Building a Violation or a Verdict the hot paths' way (issue 11): the same
# object attrs' __init__ makes (every slot set, nothing else), from positional
# values, through the slots' own descriptors; attrs' keyword __init__ costs
# twice as much, and a rejected order builds one or more of each.
_new: Final = object.__new__
_SET_VIOLATION: Final = tuple(
    Violation.__dict__[name].__set__
    for name in ("code", "msg", "filter_type", "field", "value", "limit", "_explanation", "leg")
)
_SET_VERDICT: Final = tuple(
    Verdict.__dict__[name].__set__ for name in ("accepted", "violations", "unchecked")
)


def make_violation(
    code: int,
    msg: str,
    filter_type: str | None,
    field: str | None,
    value: object,
    limit: object,
    explanation: str | Unworded,
    leg: str | None = None,
) -> Violation:
    """``Violation(code=..., msg=..., ...)``, positionally and faster (the same object)."""
    violation = _new(Violation)
    set_code, set_msg, set_type, set_field, set_value, set_limit, set_why, set_leg = _SET_VIOLATION
    set_code(violation, code)
    set_msg(violation, msg)
    set_type(violation, filter_type)
    set_field(violation, field)
    set_value(violation, value)
    set_limit(violation, limit)
    set_why(violation, explanation)
    set_leg(violation, leg)
    return violation


def make_verdict(
    accepted: bool, violations: tuple[Violation, ...], unchecked: tuple[str, ...]
) -> Verdict:
    """``Verdict(accepted, violations, unchecked)``, faster (the same object)."""
    verdict = _new(Verdict)
    set_accepted, set_violations, set_unchecked = _SET_VERDICT
    set_accepted(verdict, accepted)
    set_violations(verdict, violations)
    set_unchecked(verdict, unchecked)
    return verdict


#: The name ``unchecked`` gives the permission rule when the snapshot cannot tell (D36).
PERMISSIONS: Final = "PERMISSIONS"


def _show(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# --------------------------------------------------------------------------- constructors
# One constructor per message family; messages are Binance's (errors.md), the
# explanations ours.


def filter_failure(
    filter_type: str,
    *,
    field: str | None,
    value: object,
    limit: object,
    explanation: str | Explanation,
) -> Violation:
    """``-1013 "Filter failure: <filterType>"``."""
    msg = _FILTER_MESSAGES.get(filter_type)
    if msg is None:
        msg = filter_message(filter_type)
    return make_violation(FILTER_FAILURE, msg, filter_type, field, value, limit, explanation)


def filter_message(filter_type: str) -> str:
    """``"Filter failure: <filterType>"``, the message of a filter's ``-1013``.

    >>> filter_message("LOT_SIZE")
    'Filter failure: LOT_SIZE'
    """
    msg = _FILTER_MESSAGES.get(filter_type)
    if msg is None:
        msg = f"Filter failure: {filter_type}"
        if len(_FILTER_MESSAGES) < 256:  # the known filterTypes, and a few unknown ones
            _FILTER_MESSAGES[filter_type] = msg
    return msg


#: ``"Filter failure: <filterType>"`` by filterType, worded once.
_FILTER_MESSAGES: dict[str, str] = {}


def rejected(
    msg: str,
    *,
    explanation: str | Explanation,
    field: str | None = None,
    value: object = None,
    limit: object = None,
    code: int = NEW_ORDER_REJECTED,
) -> Violation:
    """``-2010`` with one of the matching engine's messages (errors.md), or the same
    message with ``code=-1013`` where real answers show the API rejects it (D02, D22, D37)."""
    return make_violation(code, msg, None, field, value, limit, explanation)


def illegal_chars(name: str, value: object, legal: str) -> Violation:
    """``-1100``: a malformed value (D29)."""
    return Violation(
        code=-1100,
        msg=f"Illegal characters found in parameter '{name}'; legal range is '{legal}'.",
        field=name,
        value=value,
        limit=legal,
        explanation=f"{name} {bounded_repr(value)} is not a valid number (expected {legal})",
    )


def mandatory_missing(name: str) -> Violation:
    """``-1102`` for one missing mandatory parameter (D03)."""
    return make_violation(
        -1102,
        f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.",
        None,
        name,
        None,
        None,
        f"{name} is mandatory here and was not sent",
    )


def invalid_side(side: object) -> Violation:
    """``-1117 "Invalid side."``: a side other than BUY or SELL."""
    return make_violation(
        -1117, "Invalid side.", None, "side", side, None, f"side {side!r} is not BUY or SELL"
    )


def unknown_symbol(symbol: object) -> Violation:
    """``-1121 "Invalid symbol."``: a symbol the exchangeInfo does not hold (D24)."""
    return Violation(
        code=-1121,
        msg="Invalid symbol.",
        field="symbol",
        value=symbol,
        explanation=f"no symbol {symbol!r} in the exchangeInfo",
    )


def either_missing(first: str, second: str) -> Violation:
    """``-1102`` for an either/or group with neither member sent (D03)."""
    return Violation(
        code=-1102,
        msg=f"Param '{first}' or '{second}' must be sent, but both were empty/null!",
        field=first,
        explanation=f"one of {first} or {second} must be sent",
    )


def param_empty(name: str) -> Violation:
    """``-1105``: a parameter sent as ``""`` (D29)."""
    return Violation(
        code=-1105,
        msg=f"Parameter '{name}' was empty.",
        field=name,
        value="",
        explanation=f"{name} was sent as an empty string",
    )


def iceberg_exceeds(iceberg: Decimal, quantity: Decimal) -> Violation:
    """``-2010 "IcebergQty exceeds QTY."``: an ``icebergQty`` not below the quantity (D07)."""
    return make_violation(
        NEW_ORDER_REJECTED,
        "IcebergQty exceeds QTY.",
        None,
        "icebergQty",
        iceberg,
        quantity,
        Explanation(_exceeds_text, iceberg, quantity),
    )


def _exceeds_text(iceberg: Decimal, quantity: Decimal) -> str:
    return f"icebergQty {iceberg:f} is not below quantity {quantity:f}"


def not_required(name: str, value: object, order_type: str) -> Violation:
    """``-1106``: a parameter the order type does not take (D04, D05)."""
    return make_violation(
        -1106,
        f"Parameter '{name}' sent when not required.",
        None,
        name,
        value,
        None,
        f"{name} is not taken by {order_type} orders",
    )


def unread_parameters(
    unread: tuple[str, ...],
    sent: int,
    guesses: dict[str, str] | None = None,
    method: str = "order.place",
) -> Violation:
    """``-1104``: names the method does not read (D52); ``sent`` counts the names sent;
    ``guesses`` maps a name to the one it likely meant (said in the explanation);
    ``method`` is the request's (D40).

    >>> unread_parameters(("avgPrice",), 7).msg
    "Not all sent parameters were read; read '6' parameter(s) but was sent '7'."
    >>> unread_parameters(("timeInforce",), 6, {"timeInforce": "timeInForce"}).explanation
    "order.place does not read timeInforce (did you mean 'timeInForce'?)"
    """
    guesses = guesses or {}
    names = ", ".join(
        f"{name} (did you mean {guesses[name]!r}?)" if name in guesses else name for name in unread
    )
    return Violation(
        code=UNREAD_PARAMETERS,
        msg=f"Not all sent parameters were read; read '{sent - len(unread)}' parameter(s) "
        f"but was sent '{sent}'.",
        field=unread[0],
        value=unread,
        explanation=f"{method} does not read {names}",
    )


def too_precise(
    name: str, value: object, places: int, limit_name: str, new_messages: bool
) -> Violation:
    """``-1111``: more decimals than the asset's precision (D38, D39); message by era."""
    msg = (
        f"Parameter '{name}' has too much precision."
        if new_messages
        else "Precision is over the maximum defined for this asset."
    )
    return Violation(
        code=-1111,
        msg=msg,
        field=name,
        value=value,
        limit=places,
        explanation=f"{name} {_show(value)} has more than {places} decimals "
        f"({limit_name} {places})",
    )


def explain_bound(
    name: str, value: object, relation: str, limit_name: str, limit: object
) -> Explanation:
    """``"price 1.5 is above maxPrice 1"``: the one-line explanations of the filters,
    worded when read (:class:`Explanation`).

    The value is shown as given; the limit without the snapshot's trailing zeros.

    >>> str(explain_bound("price", Decimal("30000.015"), "is not a multiple of", "tickSize",
    ...                   Decimal("0.01000000")))
    'price 30000.015 is not a multiple of tickSize 0.01'
    """
    return Explanation(bound_text, name, value, relation, limit_name, limit)


def bound_text(name: str, value: object, relation: str, limit_name: str, limit: object) -> str:
    if isinstance(limit, Decimal):
        limit = limit.normalize()
    return f"{name} {_show(value)} {relation} {limit_name} {_show(limit)}"


#: Its name before it was public: a violation pickled unworded by an earlier
#: version holds a reference to it.
_bound_text = bound_text
