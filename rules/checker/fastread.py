"""What the fast checks share (:mod:`rules.checker.fastpath`, :mod:`rules.checker.fastmarket`).

Their answers besides a verdict (:data:`FILTERS`, :data:`CONTEXT`), the empty
context, how a numeric string is read (:func:`grid_pattern`), which extra
parameters they let through (:func:`only_ignored`), and the float tests that
settle most bounds before any ``Decimal`` is made (:func:`at_least`, :func:`at_most`).

Certified float tests (D32: a value is read and judged as the exact decimal it
spells; a float never decides a verdict). A numeric string the checks read is
first matched by its pattern (at most 20 integer digits and 20 decimals,
:data:`~rules.checker.order.DECIMAL_RANGE`), so ``float()`` of it is its value
rounded to the nearest double, and so is ``float()`` of a filter's ``Decimal``
(CPython rounds both correctly, from the decimal digits). Rounding to nearest
never reverses an order: ``x <= y`` gives ``float(x) <= float(y)``; so
``float(x) > float(y)`` proves ``x > y``, and a strict float comparison of a
value with a bound is a proof. A product takes a margin instead: each factor
and the product are off by at most half a unit in the last place (a relative
``2**-53``, for values within ``2**-200 .. 2**200``, as the order's strings,
a context's prices and the filters' numbers this module takes are), so a
float product at least :func:`at_least` of a bound (the bound's float raised by
``2**-40``, thousands of times what three roundings can move it) proves the
exact product is at least the bound, and likewise below :func:`at_most`. When
the float test does not prove the bound holds (a value at or within about
``10**-12`` of it, or a number outside that range: :data:`NEVER`), the fast check
tests it exactly, with ``Decimal``, as before. The float tests only spare the
``Decimal`` work of bounds that hold with room to spare, the common case;
``tests/property/test_fastcode_properties.py`` checks them against the exact tests,
``tests/property/test_float_certified.py`` at, one ulp and 10**-30 around every bound.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from rules.checker.checks import Check
from rules.checker.context import Context
from rules.checker.eras import Era
from rules.checker.kinds import OrderKind
from rules.checker.order import READ_NOT_JUDGED
from rules.checker.suspects import (
    NOTIONAL,
    ORDER_BOUNDS,
    PARTS,
    PRICE,
    QUANTITY,
    Checks,
    Suspects,
    compile_suspects,
)
from rules.checker.violations import Verdict

__all__ = [
    "CONTEXT",
    "DICT_SHAPES",
    "EMPTY_CONTEXT",
    "EXCEEDING",
    "FILTERS",
    "FILTERS_CONTEXT",
    "FILTERS_NOTIONAL",
    "FILTERS_PARTS",
    "FILTERS_PRICE",
    "FILTERS_QUANTITY",
    "FLAG_D07",
    "FLAG_D38",
    "NEVER",
    "PRECISE",
    "AcceptedCheck",
    "ContextWanted",
    "FastCheck",
    "FiltersOnly",
    "accepted_only",
    "at_least",
    "at_most",
    "attach_suspects",
    "compiled",
    "grid_pattern",
    "known_of",
    "most_places",
    "only_ignored",
    "suspects_of",
]


#: The flags of a flagged :class:`FiltersOnly` (its ``exceeds``): the request checks
#: the order does not pass, whose violations ``evaluate`` adds to what the filters
#: find. D07: an ``icebergQty`` not below the quantity (``-2010``, :data:`EXCEEDING`);
#: D38: a value with more decimals than its asset's precision (``-1111``, :data:`PRECISE`).
FLAG_D07: Final = 1
FLAG_D38: Final = 2


class FiltersOnly:
    """The type of :data:`FILTERS`, a fast check's third answer; ``known``: the groups
    of the order's bounds (:mod:`rules.checker.suspects`) it tested and found holding;
    ``exceeds``: 0 for a plain answer (the order passes every request check), else the
    flags (:data:`FLAG_D07`, :data:`FLAG_D38`) of the request checks it does not pass,
    whose violations the caller must add: a route that hands the answer to the filters
    alone must test ``exceeds`` (truthy: flagged); ``precise``: the D38 flag
    (:data:`PRECISE`: every ``-1111`` of ``check_precision`` to add)."""

    __slots__ = ("exceeds", "known", "precise")

    def __init__(self, known: int = 0, exceeds: int = 0) -> None:
        self.known = known
        self.exceeds = exceeds
        self.precise = bool(exceeds & FLAG_D38)

    def __repr__(self) -> str:
        shown = "FILTERS" if not self.known else f"FILTERS({self.known})"
        if self.exceeds & FLAG_D07:
            shown += "+D07"
        return shown + "+D38" if self.precise else shown


#: A fast check's answer for an order it read whole and found well-formed but
#: that may break a rule of the context or a filter: "judge it with
#: :func:`rules.checker.judge.judge_filters`" (every request check would pass).
FILTERS: Final = FiltersOnly()
#: The same, once the price's group of bounds was found holding (then the
#: quantity's, the notional's, every bound of the order: only the context's rules
#: are left); :func:`rules.checker.judge.judge_filters` then skips their checks.
FILTERS_PRICE: Final = FiltersOnly(PRICE)
FILTERS_QUANTITY: Final = FiltersOnly(PRICE | QUANTITY)
FILTERS_NOTIONAL: Final = FiltersOnly(PRICE | NOTIONAL)
FILTERS_PARTS: Final = FiltersOnly(PRICE | QUANTITY | NOTIONAL)
FILTERS_CONTEXT: Final = FiltersOnly(ORDER_BOUNDS)
#: The same answers, by ``known``, for an order well-formed but for D07: its
#: ``icebergQty`` (well-formed, above 0, D08) is not below its quantity. The
#: general path reports ``-2010`` and goes on with the icebergQty as sent (D24):
#: the filters (LOT_SIZE and ICEBERG_PARTS on it, D09, D14) and the iceberg
#: counters (D15) judge it as they judge any iceberg. ``evaluate`` judges the
#: filters, then adds the ``-2010`` where the general path lists it (D53).
EXCEEDING: Final = tuple(FiltersOnly(known, FLAG_D07) for known in range(ORDER_BOUNDS + 1))
#: The same answers, by ``known``, for an order well-formed but for D38: a value
#: (``price``, ``quantity``, ``stopPrice``, ``icebergQty``, ``quoteOrderQty``) is a
#: legal decimal (:data:`~rules.checker.order.DECIMAL_RANGE`) with more decimals as
#: written than its asset's precision (D39). The general path reports ``-1111`` and
#: the filters judge the value as read (a price past the tick's places is off the
#: grid): ``evaluate`` judges the filters, then adds ``check_precision``'s ``-1111``
#: where the general path lists them (D53: request errors, before any ``-1013``).
PRECISE: Final = tuple(FiltersOnly(known, FLAG_D38) for known in range(ORDER_BOUNDS + 1))

#: ``check(params, context)``: the general path's verdict when it surely accepts
#: (``ACCEPTED``, or accepted with the rules the context leaves ``unchecked``);
#: :data:`FILTERS` when only the context's rules and the filters can reject it;
#: else ``None``: "ask the general path".
#: The context may also be a dict, read directly (issue 11); :data:`CONTEXT` asks
#: for it again as a ``Context``.
FastCheck = Callable[
    [dict[str, Any], "Context | dict[str, Any]"], "Verdict | FiltersOnly | ContextWanted | None"
]
#: A fast check that answers only "accepted" (its verdict) or ``None`` ("not sure").
AcceptedCheck = Callable[[dict[str, Any], Context], "Verdict | None"]


class ContextWanted:
    """The type of :data:`CONTEXT`, a fast check's answer for a dict context."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "CONTEXT"


#: A fast check's answer when it was given a dict context it does not read itself
#: (``permissions``, a value other than a plain decimal string or an int count, an
#: unknown key: :func:`~rules.checker.fastcontext.dict_reader`): "ask again with
#: ``Context.from_mapping`` of it", which reads it or raises.
CONTEXT: Final = ContextWanted()
#: The empty context (a call without one, ``{}``): one object, worked out once per side.
EMPTY_CONTEXT: Final = Context()
#: At most this many key tuples of dict contexts are kept per fast check.
DICT_SHAPES: Final = 64


#: A float test's bound that proves nothing (every comparison with NaN is false):
#: the exact test decides.
NEVER: Final = math.nan
#: The relative margin of a certified product test, and the range of the numbers
#: it takes (within it, every float involved is a normal double).
_MARGIN: Final = 2.0**-40
_TINY: Final = Decimal(2) ** -200
_HUGE: Final = Decimal(2) ** 200


def _rounded(bound: Decimal) -> float | None:
    """``float(bound)`` when the certified tests take it: 0, infinity, or within range."""
    if not bound or bound.is_infinite():
        return float(bound)
    return float(bound) if _TINY <= bound <= _HUGE else None


def at_least(bound: Decimal) -> float:
    """A float ``f`` such that, for reals ``a``, ``b`` each 0 or within ``10**-40 ..
    10**40``, ``float(a) * float(b) >= f`` proves ``a * b >= bound`` (``bound >= 0``);
    also the factor ``f`` such that ``float(x) >= float(r) * f`` proves ``x >= r *
    bound``. :data:`NEVER` for a bound outside the range the proof covers."""
    rounded = _rounded(bound)
    return NEVER if rounded is None else rounded * (1 + _MARGIN)


def at_most(bound: Decimal) -> float:
    """The upper side of :func:`at_least`: ``float(a) * float(b) <= f`` proves
    ``a * b <= bound``, and ``float(x) <= float(r) * f`` proves ``x <= r * bound``."""
    rounded = _rounded(bound)
    return NEVER if rounded is None else rounded * (1 - _MARGIN)


def accepted_only(check: FastCheck) -> AcceptedCheck:
    """``check`` answering only "accepted" or ``None``: :data:`FILTERS` becomes ``None``
    (for callers that judge a rejection their own way)."""

    def accepted(params: dict[str, Any], context: Context) -> Verdict | None:
        answer = check(params, context)
        return answer if answer.__class__ is Verdict else None

    return accepted


#: Parameters the reader reads but no rule checks (yet): a string of them is ignored.
_READ_NOT_CHECKED: Final = frozenset({"newClientOrderId"})


@functools.cache
def compiled(pattern: str) -> re.Pattern[str]:
    """``re.compile``, kept: symbols share a few grids and precisions, so a few
    hundred patterns serve thousands of plans (re's own cache holds 512)."""
    return re.compile(pattern)


def most_places(precision: int | None) -> int:
    # The most decimals a value may be sent with: the precision (D38), within
    # DECIMAL_RANGE's 20 (no field, or a wider one: 20).
    return 20 if precision is None or precision > 20 else max(precision, 0)


def grid_pattern(step: Decimal | None, most: int = 20) -> tuple[str, Decimal | None]:
    """A pattern for the strings to read, and the step left to test by remainder.

    The pattern takes exactly the strings :data:`~rules.checker.order.DECIMAL_RANGE`
    takes that have at most ``most`` decimals as written (the asset's precision,
    D38; trailing zeros count, D39) and, for a step of ``10**-k`` (``0 <= k <=
    20``: ``1``, ``0.01``, ``0.00001000``), whose value is a multiple of the
    step; then no step is left: ``x % 10**-k == 0`` exactly when every digit
    after the k-th decimal place is 0, so a fraction of at most ``most`` digits
    is at most k digits then at most ``most - k`` zeros (when ``k >= most``
    every such fraction is on the grid). For any other step, or none, the
    fraction is any ``1..most`` digits and the step is returned for
    :func:`~rules.model.numbers.is_multiple`.
    """
    integer = "[0-9]{1,20}+"
    if step is not None:
        # No arithmetic, so no context: the digits and exponent as written.
        _, digits, exponent = step.as_tuple()
        if isinstance(exponent, int) and digits[:1] == (1,) and not any(digits[1:]):
            places = -(exponent + len(digits) - 1)  # 0.00001000 is 1000E-8: 5 places
        else:
            places = -1
        # Up to 20 places, as DECIMAL_RANGE; a finer power of ten is left to
        # is_multiple, like any other step.
        if 0 <= places <= 20:
            # Possessive quantifiers (``{m,n}+``, ``?+``) never give back what they
            # took; here giving back could never help a match (what follows a run
            # of digits is a dot, a comma or zeros that the run would have taken
            # too), so they only spare the regex engine its backtracking.
            if places >= most:
                fraction = f"[0-9]{{1,{most}}}+" if most else ""
            elif places:
                fraction = f"[0-9]{{1,{places}}}+0{{0,{most - places}}}+"
            else:
                fraction = f"0{{1,{most}}}+"
            return integer + (rf"(?:\.{fraction})?+" if fraction else ""), None
    fraction = f"[0-9]{{1,{most}}}+" if most else ""
    return integer + (rf"(?:\.{fraction})?+" if fraction else ""), step


def only_ignored(params: dict[str, Any], taken: frozenset[str]) -> bool:
    """Whether every param outside ``taken`` is one the checker reads and never judges.

    ``null`` is "not sent"; a name order.place does not read gets ``-1104``
    (D52), so it declines; of the names it reads, only a non-empty
    ``newClientOrderId`` string and the :data:`~rules.checker.order.READ_NOT_JUDGED`
    names (``timestamp``, ``recvWindow``, ...) are never judged (``""`` gets
    ``-1105``, D29). A missing ``taken`` param is found by its own test, so
    only the extras matter here.
    """
    for wire, value in params.items():
        if wire in taken or value is None:
            continue
        if wire in READ_NOT_JUDGED:
            if type(value) is str and value == "":
                return False
        elif wire not in _READ_NOT_CHECKED or type(value) is not str or not value:
            return False
    return True


def attach_suspects(
    fast: FastCheck, checks: tuple[tuple[Check, Any], ...], kind: OrderKind, era: Era
) -> None:
    """Give ``fast`` its ``suspects`` (:func:`~rules.checker.suspects.compile_suspects`
    of its symbol's checks), compiled on the first order it answers :data:`FILTERS`
    for; read by :func:`suspects_of`."""

    def first(known: int) -> Checks:
        found = compile_suspects(checks, kind, era)
        suspects: Suspects = found if found is not None else lambda known: checks
        fast.suspects = suspects  # type: ignore[attr-defined]
        return suspects(known)

    fast.suspects = first  # type: ignore[attr-defined]


def suspects_of(fast: FastCheck) -> Suspects:
    """The ``suspects`` of a fast check (:func:`attach_suspects`)."""
    return fast.suspects  # type: ignore[attr-defined,no-any-return]


def known_of(answer: object, params: dict[str, Any]) -> int:
    """The groups of bounds known to hold on a well-formed order, from its fast check's
    answer: a :class:`FiltersOnly`'s ``known``, every group for an accepted order; the
    iceberg parts for an order without ``icebergQty`` (ICEBERG_PARTS judges nothing)."""
    known = answer.known if answer.__class__ is FiltersOnly else ORDER_BOUNDS
    return known if params.get("icebergQty") is not None else known | PARTS
