"""Which filter checks can find anything on a well-formed order: :func:`compile_suspects`.

:func:`rules.checker.judge.judge_filters` judges an order the fast path read
whole and found well-formed (:data:`~rules.checker.fastpath.FILTERS`). Such an
order is of a fast check's shape, and each filter's *fold*
(:mod:`rules.checker.bounds`) states as bounds what the filter's check demands of
it: a check whose bounds the order meets returns ``None``. So a check need not
run when every group of bounds its fold touches (the price's range and grid,
the quantity's, the notional's, the iceberg parts) holds for the order; a check
whose fold adds nothing for the type never finds anything on it. The checks
that read the context (the bands, the counters, a MARKET order's notional on
the market price) always run: they also say what is ``unchecked``. What runs
keeps the plan's order, so the violations, their order (D23, D53) and
``unchecked`` are those of every check run (``tests/property/test_paths_properties.py``).

May import: :mod:`rules.model`, and the checker modules below it (bounds,
checks, context, eras, kinds, order).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from rules.checker.bounds import FOLDS, AcceptBounds
from rules.checker.checks import PRODUCT, Check
from rules.checker.eras import Era
from rules.checker.kinds import OrderKind
from rules.checker.order import ParsedOrder
from rules.model.numbers import is_multiple

__all__ = ["Suspects", "compile_suspects"]

#: The checks to run on a well-formed order (in the plan's order).
Checks = tuple[tuple[Check, Any], ...]
#: ``suspects(order)``: the checks that may find something on it.
Suspects = Callable[[ParsedOrder], Checks]

# The groups of bounds, one bit each; CONTEXT: the fold reads the context.
_PRICE, _QUANTITY, _NOTIONAL, _PARTS, _CONTEXT = 1, 2, 4, 8, 16
_GROUPS: Final = (
    (_PRICE, ("price_low", "price_high", "price_step")),
    (_QUANTITY, ("quantity_low", "quantity_high", "quantity_step")),
    (_NOTIONAL, ("notional_low", "notional_high")),
    (_PARTS, ("iceberg_parts",)),
    (_CONTEXT, ("bands", "counters", "iceberg_counters", "market_notionals")),
)
_FRESH: Final = AcceptBounds()


def _touched(bounds: AcceptBounds) -> int:
    """The groups a fold changed in a fresh :class:`AcceptBounds`."""
    groups = 0
    for bit, names in _GROUPS:
        if any(getattr(bounds, name) != getattr(_FRESH, name) for name in names):
            groups |= bit
    return groups


def _out(value: Decimal, low: Decimal, high: Decimal, step: Decimal | None) -> bool:
    return value < low or value > high or (step is not None and not is_multiple(value, step))


def compile_suspects(
    checks: tuple[tuple[Check, Any], ...], kind: OrderKind, era: Era, bounds: AcceptBounds
) -> Suspects | None:
    """``suspects(order)`` for well-formed orders of ``kind`` (``bounds``: every check
    folded, :func:`~rules.checker.bounds.fold_bounds`); ``None`` when a check has no
    fold that holds alone (then every check runs)."""
    groups: list[int] = []
    for check, f in checks:
        fold = FOLDS.get(check)
        alone = AcceptBounds()
        if fold is None or not fold(f, kind, era, alone):
            return None
        groups.append(_touched(alone))
    price_low, price_high, tick = bounds.price_low, bounds.price_high, bounds.price_step
    low, high, step = bounds.quantity_low, bounds.quantity_high, bounds.quantity_step
    notional_low, notional_high = bounds.notional_low, bounds.notional_high
    parts = bounds.iceberg_parts
    priced = kind.priced
    notional_group = priced and any(touched & _NOTIONAL for touched in groups)
    multiply = PRODUCT.multiply
    by_failing: dict[int, Checks] = {}

    def run(failing: int) -> Checks:
        found = by_failing.get(failing)
        if found is None:
            wanted = failing | _CONTEXT
            found = by_failing[failing] = tuple(
                c for c, touched in zip(checks, groups, strict=True) if touched & wanted
            )
        return found

    def suspects(order: ParsedOrder) -> Checks:
        # Comparisons first; a grid only when its range holds (each group is one bit).
        failing = 0
        quantity = order.quantity
        if priced:
            price, stop = order.price, order.stop_price
            if (
                price < price_low  # type: ignore[operator]
                or price > price_high  # type: ignore[operator]
                or (tick is not None and not is_multiple(price, tick))  # type: ignore[arg-type]
                or (stop is not None and _out(stop, price_low, price_high, tick))
            ):
                failing = _PRICE
            if notional_group:
                notional = multiply(price, quantity)  # type: ignore[arg-type]
                if notional < notional_low or notional > notional_high:
                    failing |= _NOTIONAL
        if quantity is not None:
            iceberg = order.iceberg_qty
            if (
                quantity < low
                or quantity > high
                or (step is not None and not is_multiple(quantity, step))
                or (iceberg and _out(iceberg, low, high, step))
            ):
                failing |= _QUANTITY
            if iceberg and parts is not None and quantity > multiply(iceberg, parts):
                failing |= _PARTS
        return by_failing.get(failing) or run(failing)

    return suspects
