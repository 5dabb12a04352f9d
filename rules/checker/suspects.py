"""Which filter checks can find anything on a well-formed order: :func:`compile_suspects`.

:func:`rules.checker.judge.judge_filters` judges an order the fast path read
whole and found well-formed (:data:`~rules.checker.fastpath.FILTERS`). Such an
order is of a fast check's shape, and each filter's *fold*
(:mod:`rules.checker.bounds`) states as bounds what the filter's check demands of
it: a check whose bounds the order meets returns ``None``. So a check need not
run when every group of bounds its fold touches (the price's range and grid,
the quantity's, the notional's, the iceberg parts) holds for the order; a check
whose fold adds nothing for the type never finds anything on it. Which groups
hold is what the fast check saw before it stopped: its ``FILTERS`` answer says
which it tested and found holding (``FiltersOnly.known``), and an order it
accepted holds them all. Nothing is tested again here. The checks
that read the context (the bands, the counters, a MARKET order's notional on
the market price) always run: they also say what is ``unchecked``. What runs
keeps the plan's order, so the violations, their order (D23, D53) and
``unchecked`` are those of every check run (``tests/property/test_paths_properties.py``).

May import: :mod:`rules.model`, and the checker modules below it (bounds,
checks, context, eras, kinds, order).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, Final

from rules.checker.bounds import FOLDS, AcceptBounds
from rules.checker.checks import Check
from rules.checker.eras import Era
from rules.checker.kinds import OrderKind

__all__ = ["NOTIONAL", "ORDER_BOUNDS", "PARTS", "PRICE", "QUANTITY", "Suspects", "compile_suspects"]

#: The checks to run on a well-formed order (in the plan's order).
Checks = tuple[tuple[Check, Any], ...]
#: ``suspects(known)``: the checks that may find something on a well-formed order
#: whose groups of bounds in ``known`` are known to hold.
Suspects = Callable[[int], Checks]

#: The groups of bounds, one bit each: the price's range and grid (and the stopPrice's),
#: the quantity's (and the icebergQty's, D08), the notional's, the iceberg parts (D14).
PRICE, QUANTITY, NOTIONAL, PARTS = 1, 2, 4, 8
#: Every group of the order's own bounds.
ORDER_BOUNDS: Final = PRICE | QUANTITY | NOTIONAL | PARTS
#: A fold that reads the context: its check always runs.
_CONTEXT: Final = 16
_GROUPS: Final = (
    (PRICE, ("price_low", "price_high", "price_step")),
    (QUANTITY, ("quantity_low", "quantity_high", "quantity_step")),
    (NOTIONAL, ("notional_low", "notional_high")),
    (PARTS, ("iceberg_parts",)),
    (_CONTEXT, ("bands", "counters", "iceberg_counters", "market_notionals")),
)
#: Each group's bit and the reading of its bounds, and their values in a fresh
#: AcceptBounds (a group read in one call).
_READINGS: Final = tuple((bit, attrgetter(*names)) for bit, names in _GROUPS)
_FRESH: Final = tuple(read(AcceptBounds()) for _, read in _READINGS)


def _touched(bounds: AcceptBounds) -> int:
    """The groups a fold changed in a fresh :class:`AcceptBounds`."""
    groups = 0
    for (bit, read), fresh in zip(_READINGS, _FRESH, strict=True):
        if read(bounds) != fresh:
            groups |= bit
    return groups


def compile_suspects(
    checks: tuple[tuple[Check, Any], ...], kind: OrderKind, era: Era
) -> Suspects | None:
    """``suspects(known)`` for well-formed orders of ``kind``: the checks whose fold
    reads the context, and those whose fold touches a group not in ``known``;
    ``None`` when a check has no fold that holds alone (then every check runs)."""
    groups: list[int] = []
    for check, f in checks:
        fold = FOLDS.get(check)
        alone = AcceptBounds()
        if fold is None or not fold(f, kind, era, alone):
            return None
        groups.append(_touched(alone))
    by_known: dict[int, Checks] = {}

    def suspects(known: int) -> Checks:
        found = by_known.get(known)
        if found is None:
            wanted = _CONTEXT | (ORDER_BOUNDS & ~known)
            found = tuple(c for c, touched in zip(checks, groups, strict=True) if touched & wanted)
            by_known[known] = found
        return found

    return suspects
