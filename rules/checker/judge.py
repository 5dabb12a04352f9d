"""Judging one parsed order: the sequence of checks, and the order of what they find.

:func:`judge_order` runs the request checks (:mod:`rules.checker.request`), the
symbol-level ones, and every filter of the symbol's compiled plan
(:mod:`rules.checker.plans`) on one :class:`~rules.checker.order.ParsedOrder`,
and returns the violations in the order Binance meets them (D53,
:func:`by_stage`) with what the context left unchecked. It is the one place a
single order is judged: :mod:`rules.checker.evaluate` (``order.place``, the
test and SOR methods) calls it, and so does every request made of orders.

How the checks follow one another (D24): a missing, empty or unknown ``symbol``
stops everything; without a valid ``type`` only the symbol-level checks
(status, permissions, STP mode) run; otherwise every check runs wherever its
inputs exist, and a parameter that was reported (``-1100``, ``-1105``,
``-1106``, ...) is treated as not sent.

May import: :mod:`rules.errors`, :mod:`rules.model`, and the checker modules
below it (checks, context, eras, kinds, order, plans, request, violations).
"""

from __future__ import annotations

from rules.checker.checks import UNCHECKED, Check
from rules.checker.context import Context
from rules.checker.eras import Era
from rules.checker.kinds import OrderKind
from rules.checker.order import ParsedOrder
from rules.checker.plans import SymbolPlan, plan_of
from rules.checker.request import check_parameters, check_precision, check_symbol, check_type
from rules.checker.violations import Violation, stage_of, unknown_symbol
from rules.model.models import ExchangeInfo, Filter

__all__ = ["by_stage", "judge_filters", "judge_order"]


def judge_order(
    info: ExchangeInfo,
    order: ParsedOrder,
    context: Context,
    types: frozenset[str] | None = None,
    *,
    leg: bool = False,
) -> tuple[list[Violation], list[str] | None]:
    """Every violation of one parsed order, in Binance's order (D53), and the rules
    the context left unchecked (``None``: none).

    ``types`` narrows the order types the request allows (SOR, D42); another
    valid type is ``-1116``. ``leg``: the order is a leg of an order list
    (D45): the symbol-level checks (status, permissions, STP mode) and the
    open-order counters (D50) are left to the list, which runs them once.
    """
    out: list[Violation] = []
    unread = order.unread_problem()
    if unread is not None:
        out.append(unread)  # D52: judged whatever the symbol (D24)
    if order.symbol_problem is not None:
        out.append(order.symbol_problem)
        return out, None  # D24: nothing else is checked
    info_plan = plan_of(info)
    plan = info_plan.symbol(info, order.symbol)  # type: ignore[arg-type]
    if plan is None:
        out.append(unknown_symbol(order.symbol))
        return out, None
    era = info_plan.era
    out.extend(order.problems)
    order, kind = check_parameters(order, out, types)
    if kind is not None:
        order = check_type(order, kind, plan, out)
        check_precision(order, plan, era, out)
    unchecked = None if leg else check_symbol(order, plan, era, context, out)
    if kind is None:
        return by_stage(out), unchecked  # D24: no valid type, symbol-level checks only
    checks = plan.leg_checks if leg else plan.checks
    unchecked = _filters(checks, order, kind, context, era, out, unchecked)
    return by_stage(out), unchecked


def judge_filters(
    plan: SymbolPlan,
    order: ParsedOrder,
    kind: OrderKind,
    context: Context,
    era: Era,
    checks: tuple[tuple[Check, Filter], ...] | None = None,
) -> tuple[list[Violation], list[str] | None]:
    """:func:`judge_order` for an order the fast path found well-formed.

    The fast path (:mod:`rules.checker.fastpath`) answers ``FILTERS`` for an order
    it has read whole and that breaks, if anything, only what depends on numbers
    and the context: every parameter read, the side, type, ``timeInForce`` valid,
    nothing missing, unread or not required, no decimal past the precision
    (D38; one past it is the caller's to add too, ``_add_exceeds``), price ×
    quantity above zero (D37), an ``icebergQty`` below the
    quantity (D07; one that is not is the caller's to add, ``evaluate``'s
    ``_add_exceeds``), the symbol TRADING with the type enabled (D01, D02). Then
    every request check of :func:`judge_order` passes, and what is left is the
    symbol's context rules (permissions, D19, D36) and the filters: the same
    checks, in the same order, as :func:`judge_order` runs on it. ``checks``: those of
    the plan's checks that may find something on it (:mod:`rules.checker.suspects`;
    the others would return ``None``), else all.
    """
    out: list[Violation] = []
    unchecked = check_symbol(order, plan, era, context, out)
    if checks is None:
        checks = plan.checks
    unchecked = _filters(checks, order, kind, context, era, out, unchecked)
    return by_stage(out), unchecked


def _filters(
    checks: tuple[tuple[Check, Filter], ...],
    order: ParsedOrder,
    kind: OrderKind,
    context: Context,
    era: Era,
    out: list[Violation],
    unchecked: list[str] | None,
) -> list[str] | None:
    """Every filter check of ``checks`` (a plan's, through the one table,
    filters.FILTER_CHECKS): its violations appended to ``out``, what it could not
    check to ``unchecked``."""
    seen: set[str | None] | None = None
    for fn, f in checks:
        outcome = fn(f, order, kind, context, era)
        if outcome is None:
            continue
        if outcome is UNCHECKED:
            if unchecked is None:
                unchecked = [f.filter_type]
            elif f.filter_type not in unchecked:
                unchecked.append(f.filter_type)
            continue
        # A Violation (a check returns nothing else).
        filter_type = outcome.filter_type  # type: ignore[union-attr]
        if seen is None:
            seen = {filter_type}
        elif filter_type in seen:
            continue  # D23: one violation per filterType
        else:
            seen.add(filter_type)
        out.append(outcome)  # type: ignore[arg-type]
    return unchecked


def by_stage(out: list[Violation]) -> list[Violation]:
    """The violations in the order Binance meets them (D53): by stage, and within a
    stage in the order the checks appended them (a stable sort)."""
    if len(out) > 1:
        out.sort(key=_stage)
    return out


def _stage(violation: Violation) -> int:
    return stage_of(violation.code)
