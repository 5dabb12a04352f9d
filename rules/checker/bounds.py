"""The fast path's folds: each filter check's rule restated as bounds (:class:`AcceptBounds`).

A filter check (:mod:`rules.checker.price_filters`, :mod:`rules.checker.quantity_filters`,
:mod:`rules.checker.counter_filters`) may have a *fold*, written right below it and
registered with :func:`folds` into :data:`FOLDS`; :mod:`rules.checker.fastpath` folds a
symbol's filters into one :class:`AcceptBounds` per order type and compiles it.
See rule 6 at the top of :mod:`rules.checker.filters`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, Final

from rules.checker.eras import Era
from rules.checker.kinds import OrderKind
from rules.model.numbers import is_multiple

__all__ = [
    "FOLDS",
    "AcceptBounds",
    "Fold",
    "fast_shape",
    "fold_bounds",
    "folds",
    "grid_from_zero",
]

#: An upper bound that is never reached (comparisons with it are exact, no context).
INFINITY: Final = Decimal("Infinity")
_ZERO: Final = Decimal(0)


class AcceptBounds:
    """What an order of one fast shape must satisfy to pass a symbol's filters.

    The fast shapes (:func:`fast_shape`) are what the fast checks
    (:mod:`rules.checker.fastpath`, :mod:`rules.checker.fastmarket`) handle:
    LIMIT and LIMIT_MAKER (with or without ``icebergQty``), STOP_LOSS_LIMIT and
    TAKE_PROFIT_LIMIT, MARKET by ``quantity`` or ``quoteOrderQty``; no
    ``trailingDelta`` or peg, a BUY or SELL side, in an era whose grids start
    at zero. Folds (:data:`FOLDS`) narrow these bounds, each from its own filter:

    - ``price`` within ``[price_low, price_high]`` and on ``price_step``'s grid;
    - ``quantity`` likewise;
    - ``price × quantity`` within ``[notional_low, notional_high]``;
    - ``price`` within every band of ``bands``: ``(avgPriceMins, bid up, bid down,
      ask up, ask down)``, times the market price of the context (D13, D18);
    - for every ``(attribute, maximum)`` of ``counters``, the context's count
      given and ``count + 1 <= maximum`` (D15);
    - MARKET: each rule of ``market_notionals`` on ``quoteOrderQty`` or on
      ``quantity`` times the market price (D10, D11, D18);
    - an iceberg order: its ``iceberg_counters`` too, and at most
      ``iceberg_parts`` parts (D08, D14).

    All bounds are inclusive, as in the checks; a 0 limit is never folded in
    (D12), so ``INFINITY`` stands for "no upper bound". A second grid on the same
    value is not folded (``False``): that symbol takes the general path.
    """

    __slots__ = (
        "band_names",
        "bands",
        "counter_names",
        "counters",
        "iceberg_counter_names",
        "iceberg_counters",
        "iceberg_parts",
        "market_notional_names",
        "market_notionals",
        "notional_high",
        "notional_low",
        "price_high",
        "price_low",
        "price_step",
        "quantity_high",
        "quantity_low",
        "quantity_step",
    )

    def __init__(self) -> None:
        self.price_low = self.quantity_low = self.notional_low = _ZERO
        self.price_high = self.quantity_high = self.notional_high = INFINITY
        self.price_step: Decimal | None = None
        self.quantity_step: Decimal | None = None
        self.bands: list[tuple[int | None, Decimal, Decimal, Decimal, Decimal]] = []
        self.counters: list[tuple[str, int]] = []
        #: Per band and per counter: (position among the checks, filterType), set
        #: by :func:`fold_bounds` for ``unchecked``.
        self.band_names: list[tuple[int, str]] = []
        self.counter_names: list[tuple[int, str]] = []
        #: MARKET-type orders: ``(avgPriceMins, low, high)`` per notional rule,
        #: on ``quoteOrderQty`` or on ``quantity × market price`` (D10, D11).
        self.market_notionals: list[tuple[int | None, Decimal, Decimal]] = []
        self.market_notional_names: list[tuple[int, str]] = []
        #: Iceberg orders (``icebergQty`` > 0, D08): the counters that count them
        #: too, and the fewest parts ICEBERG_PARTS allows (``None``: no limit).
        self.iceberg_counters: list[tuple[str, int]] = []
        self.iceberg_counter_names: list[tuple[int, str]] = []
        self.iceberg_parts: int | None = None

    def price(self, low: Decimal, high: Decimal, step: Decimal) -> bool:
        """Fold ``low <= price <= high`` (0: no bound) and ``price % step == 0`` (0: none)."""
        self.price_low, self.price_high = _narrow(self.price_low, self.price_high, low, high)
        if step:
            if self.price_step is not None:
                return False
            self.price_step = step
        return True

    def quantity(self, low: Decimal, high: Decimal, step: Decimal) -> bool:
        """Fold ``low <= quantity <= high`` (0: no bound) and ``quantity % step == 0``."""
        self.quantity_low, self.quantity_high = _narrow(
            self.quantity_low, self.quantity_high, low, high
        )
        if step:
            if self.quantity_step is not None:
                return False
            self.quantity_step = step
        return True

    def market_notional(
        self, avg_price_mins: int | None, low: Decimal | None, high: Decimal | None
    ) -> bool:
        """Fold a MARKET-type order's ``low <= notional <= high`` (``None`` or 0: no bound).

        The notional is ``quoteOrderQty``, or ``quantity`` times the market price
        of the context (D11, D18): unchecked without it.
        """
        self.market_notionals.append((avg_price_mins, low or _ZERO, high or INFINITY))
        return True

    def notional(self, low: Decimal | None, high: Decimal | None) -> bool:
        """Fold ``low <= price × quantity <= high`` (``None`` or 0: no bound)."""
        self.notional_low, self.notional_high = _narrow(
            self.notional_low, self.notional_high, low or _ZERO, high or _ZERO
        )
        return True


def grid_from_zero(low: Decimal, step: Decimal) -> bool:
    """Whether the old grid ``(x - low) % step == 0`` (D17) is the grid ``x % step == 0``.

    It is when ``low`` is itself on the grid (or there is no grid): then ``x - low``
    and ``x`` differ by a multiple of ``step``.
    """
    return is_multiple(low, step)


def _narrow(
    low: Decimal, high: Decimal, new_low: Decimal, new_high: Decimal
) -> tuple[Decimal, Decimal]:
    # Comparisons only: exact, no context needed. A 0 upper bound is "none" (D12).
    return max(low, new_low), (min(high, new_high) if new_high else high)


Fold = Callable[[Any, OrderKind, Era, AcceptBounds], bool]

#: Check -> its fold, for the checks that have one (see :func:`folds`). A check
#: (:data:`rules.checker.filters.Check`) is only a key here, so its type stays open: this
#: module imports nothing from ``rules.checker.filters``.
FOLDS: Final[dict[Callable[..., object], Fold]] = {}


def folds(check: Callable[..., object]) -> Callable[[Fold], Fold]:
    """Register the decorated function as the fold of ``check``.

    A fold ``fold(filter, kind, era, bounds) -> bool`` adds to ``bounds`` what
    ``check`` demands of an order of the simple shape (:class:`AcceptBounds`)
    of type ``kind`` for it to return ``None`` (pass, nothing unchecked), and
    returns ``True``; or returns ``False`` when it cannot say it as bounds.
    """

    def register(fold: Fold) -> Fold:
        FOLDS[check] = fold
        return fold

    return register


_STOP: Final = ("stopPrice", "trailingDelta")
_MARKET: Final = ("quantity", "quoteOrderQty")


def fast_shape(kind: OrderKind) -> str | None:
    """The shape of ``kind``'s fast check, or ``None`` if it has none.

    ``"limit"``: LIMIT, LIMIT_MAKER (``price`` and ``quantity``, ``timeInForce`` if
    the type wants it). ``"stop"``: the same with a ``stopPrice``
    (STOP_LOSS_LIMIT, TAKE_PROFIT_LIMIT; the fast check takes the ``stopPrice``
    side of the ``stopPrice|trailingDelta`` group). ``"market"``: MARKET, by
    ``quantity`` or by ``quoteOrderQty``.
    """
    if kind.market:
        return "market" if kind.mandatory == (_MARKET,) else None
    if not kind.priced:
        return None
    singles = {group[0] for group in kind.mandatory if len(group) == 1}
    pairs = [group for group in kind.mandatory if len(group) != 1]
    if not {"price", "quantity"} <= singles <= {"timeInForce", "price", "quantity"}:
        return None
    if not pairs:
        return "limit"
    return "stop" if pairs == [_STOP] else None


def fold_bounds(
    checks: Iterable[tuple[Callable[..., object], Any]], kind: OrderKind, era: Era
) -> AcceptBounds | None:
    """Every filter's rule for ``kind`` as one set of bounds, or ``None`` if one cannot fold.

    Each band and counter is also named (``bounds.band_names``,
    ``bounds.counter_names``: its position among the checks and its filterType),
    so that a context without its input lists it in ``unchecked`` in the
    general path's order.
    """
    bounds = AcceptBounds()
    named = (
        (bounds.bands, bounds.band_names),
        (bounds.counters, bounds.counter_names),
        (bounds.market_notionals, bounds.market_notional_names),
        (bounds.iceberg_counters, bounds.iceberg_counter_names),
    )
    for position, (check, f) in enumerate(checks):
        fold = FOLDS.get(check)
        if fold is None or not fold(f, kind, era, bounds):
            return None
        for entries, names in named:
            if len(names) < len(entries):  # what this fold added
                names.extend([(position, f.filter_type)] * (len(entries) - len(names)))
    return bounds
