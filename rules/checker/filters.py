"""Every filter check, registered: import this module to get the complete :data:`FILTER_CHECKS`.

The checks live by concept in :mod:`rules.checker.price_filters`,
:mod:`rules.checker.quantity_filters` and :mod:`rules.checker.counter_filters`;
what a check is, and the table they register in, in :mod:`rules.checker.checks`.

Rules the checks keep (STYLE.md §2.1, like h11's ``_state.py``):

1. Dependency direction: see :mod:`rules.checker` (and ``docs/design.md``);
   nothing in the checker imports :mod:`rules.edge`, :mod:`rules.cli`,
   :mod:`rules.testing`, ``websocket`` or ``hypothesis``.
2. No I/O, no clock, no global state: what changes over time (prices, open
   orders, the rule era) is an explicit argument.
3. :data:`FILTER_CHECKS` is the single place that says which filters are
   checked and how, filled by :func:`~rules.checker.checks.checks` where each
   check is written.
4. Arithmetic is exact ``Decimal`` through explicit contexts, never the
   thread's (STYLE.md §2.3); the grid rule is ``x % step == 0`` (D35).
5. A 0 bound or step disables that part of the rule, in every filter (D12).
6. Speed: a check may have a *fold*, written right below it and registered
   with :func:`~rules.checker.bounds.folds`, that states the same rule as
   bounds an order of the simple shape (see
   :class:`~rules.checker.bounds.AcceptBounds`) must lie within to pass. A
   filter whose check has no fold, or whose fold declines, sends every order
   of its symbol down the general path; the property test
   ``tests/property/test_fastpath_properties.py`` proves both paths agree.
"""

from __future__ import annotations

from rules.checker.checks import FILTER_CHECKS, UNCHECKED, Check
from rules.checker.counter_filters import check_unknown, not_for_order_place
from rules.checker.price_filters import (
    check_percent_price,
    check_percent_price_by_side,
    check_price_filter,
)
from rules.checker.quantity_filters import (
    check_iceberg_parts,
    check_lot_size,
    check_market_lot_size,
    check_max_position,
    check_min_notional,
    check_notional,
    check_trailing_delta,
)

__all__ = [
    "FILTER_CHECKS",
    "UNCHECKED",
    "Check",
    "check_iceberg_parts",
    "check_lot_size",
    "check_market_lot_size",
    "check_max_position",
    "check_min_notional",
    "check_notional",
    "check_percent_price",
    "check_percent_price_by_side",
    "check_price_filter",
    "check_trailing_delta",
    "check_unknown",
    "not_for_order_place",
]
