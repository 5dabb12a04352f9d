"""What a filter check is, and the table that finds one: :data:`FILTER_CHECKS`.

Every check has the signature ``check(filter, order, kind, context, era) ->
Violation | UNCHECKED | None``: a violation, :data:`UNCHECKED` when the filter
applies but the context lacks what it needs (never reported as passed), or
``None`` when it passes or does not apply. A check builds a
:class:`~rules.checker.violations.Violation` only on failure.

A check registers itself for its filter class with :func:`checks`, right where
it is written (:mod:`rules.checker.price_filters`,
:mod:`rules.checker.quantity_filters`, :mod:`rules.checker.counter_filters`);
:mod:`rules.checker.filters` imports those modules, so the table it exports is
complete. Adding a filter type is one model class and one check beside the
others: no list to extend elsewhere.

This module also holds what several checks share: the range-and-grid test
(:func:`out_of_range`), the notional (:func:`notional_of`, D10, D11, D31).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final, TypeVar

from rules.checker.context import Context as OrderContext
from rules.checker.eras import Era, market_price
from rules.checker.kinds import OrderKind
from rules.checker.order import ParsedOrder
from rules.checker.violations import Explanation, Violation, explain_bound
from rules.model.numbers import UNBOUNDED, is_multiple

__all__ = [
    "FILTER_CHECKS",
    "PRODUCT",
    "UNCHECKED",
    "Check",
    "Outcome",
    "checks",
    "from_minimum_text",
]

# A product of two order values (20 + 20 digits each, D29) or of a caller's
# market price and a multiplier can need more than CONTEXT's 60 digits.
PRODUCT: Final = UNBOUNDED


class _Unchecked:
    """The type of :data:`UNCHECKED`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNCHECKED"


#: Returned by a check whose filter applies but cannot be evaluated from the context.
UNCHECKED: Final = _Unchecked()

Outcome = Violation | _Unchecked | None
Check = Callable[[Any, ParsedOrder, OrderKind, OrderContext, Era], Outcome]

#: Filter class -> its check; filled by :func:`checks` where each check is written.
FILTER_CHECKS: Final[dict[type, Check]] = {}

_C = TypeVar("_C", bound=Check)


def checks(*filter_classes: type) -> Callable[[_C], _C]:
    """Register the decorated function as the check of these filter classes."""

    def register(check: _C) -> _C:
        for cls in filter_classes:
            if cls in FILTER_CHECKS:
                raise RuntimeError(f"{cls.__name__} has two checks")
            FILTER_CHECKS[cls] = check
        return check

    return register


# --------------------------------------------------------------------------- shared helpers


def out_of_range(
    name: str,
    value: Decimal,
    low: Decimal,
    low_name: str,
    high: Decimal,
    high_name: str,
    step: Decimal,
    step_name: str,
    grid_from_minimum: bool,
) -> tuple[str | Explanation, Decimal] | None:
    """Why ``value`` breaks ``low <= value <= high`` on the ``step`` grid, or ``None``.

    ``grid_from_minimum`` selects the pre-2022/2023 grid ``(value - low) % step`` (D17, D35).
    """
    if value < low:
        return explain_bound(name, value, "is below", low_name, low), low
    if high and value > high:
        return explain_bound(name, value, "is above", high_name, high), high
    if step:
        if grid_from_minimum:
            if not is_multiple(value, step, low):
                return Explanation(
                    from_minimum_text, name, value, low_name, low, step_name, step
                ), step
        elif not is_multiple(value, step):
            return explain_bound(name, value, "is not a multiple of", step_name, step), step
    return None


def from_minimum_text(
    name: str, value: Decimal, low_name: str, low: Decimal, step_name: str, step: Decimal
) -> str:
    """``"price 1.5 is not minPrice 0.1 plus a multiple of tickSize 0.2"`` (D17, D35)."""
    return f"{name} {value:f} is not {low_name} {low:f} plus a multiple of {step_name} {step:f}"


def notional_of(
    order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era, avg_price_mins: int | None
) -> Decimal | _Unchecked | None:
    """The order's notional for MIN_NOTIONAL/NOTIONAL, D10/D11/D31; ``None``: no inputs."""
    if kind.priced:
        price, quantity = order.price, order.quantity
        if price is None or quantity is None:
            return UNCHECKED if order.peg_price_type is not None else None
        return PRODUCT.multiply(price, quantity)
    if order.quote_order_qty is not None:
        return order.quote_order_qty  # D11: the quote quantity is the notional
    if order.quantity is None:
        return None
    price = market_price(avg_price_mins, context, era)
    if price is None:
        return UNCHECKED
    return PRODUCT.multiply(price, order.quantity)


def is_pegged(kind: OrderKind, order: ParsedOrder) -> bool:
    # D31: the pegged price comes from the book, so price-based filters cannot be
    # evaluated on it; an explicit price is still checked.
    return kind.priced and order.peg_price_type is not None
