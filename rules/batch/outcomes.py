"""The outcome of every test of the rows' (symbol, type) pairs, on whole columns.

For :func:`rules.batch.patterns.classify`: a test (:class:`rules.batch.folds.Slot`)
is worked out once for every row whose pair's layout holds it, its values taken
per row from the slot's columns by pair number (one ``take``), so that a table
costs one pass per test, not one per test and layout. Each outcome is a bit at a
place fixed by the slot's number (:func:`bit_places`), so that a class key means
the same outcomes in every table of a rule era; where an outcome cannot be told
exactly, the row is reported (*unsure*: the caller judges it alone).

The comparisons are those of :mod:`rules.batch.columns` (exact on the digits,
float64 only with a margin), as :mod:`rules.batch.patterns` describes them.

May import: numpy, :mod:`rules.batch.columns`, :mod:`rules.batch.folds`,
:mod:`rules.checker.eras`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np

from rules.batch.columns import MARGIN, Digits, at_least, near, on_grid
from rules.batch.folds import Slot
from rules.checker.eras import Era

__all__ = ["WORD_BITS", "bit_places", "outcomes"]

#: Outcome bits per key word (an int64 that stays positive).
WORD_BITS: Final = 62


def width(test: tuple[Any, ...]) -> int:
    """How many outcomes a test has: a band two (below its top, above its bottom),
    MARKET notionals four (quoteOrderQty and quantity against low and high)."""
    return {"band": 2, "mn": 4}.get(test[0], 1)


def bit_places(tests: list[tuple[Any, ...]]) -> list[int]:
    """The first bit of each slot (by number): the widths of the slots before it."""
    places = np.cumsum([0, *(width(t) for t in tests)])
    return [int(p) for p in places[:-1]]


class _Rows:
    """The columns of a table that the tests read, and their rows for one set of
    layouts (rows gathered once per set and column)."""

    def __init__(
        self,
        decimals: dict[str, Digits],
        counts: dict[str, np.ndarray],
        prices: dict[str, np.ndarray],
        buy: np.ndarray,
        era: Era,
    ) -> None:
        self.decimals, self.counts, self.prices, self.buy, self.era = (
            decimals,
            counts,
            prices,
            buy,
            era,
        )
        self.at: np.ndarray | None = None
        self._taken: dict[str, Any] = {}

    def select(self, at: np.ndarray | None) -> None:
        self.at = at
        self._taken = {}

    def digits(self, name: str) -> Digits | None:
        found = self._taken.get(name)
        if found is None:
            d = self.decimals.get(name)
            if d is None:
                return None
            found = self._taken[name] = d.take(self.at)
        return found

    def sent(self, name: str) -> tuple[np.ndarray | None, Digits] | None:
        """A decimal's selected rows where it is present, when they are few (``None``
        then: all of them), and its digits there (a test of one value costs the
        values sent: stopPrice and icebergQty are absent from most orders)."""
        key = f"sent {name}"
        found: tuple[np.ndarray | None, Digits] | None = self._taken.get(key)
        if found is None:
            d = self.digits(name)
            if d is None:
                return None
            count = int(np.count_nonzero(d.present))
            if 2 * count > len(d.present):
                found = (None, d)
            else:
                where = np.flatnonzero(d.present)
                found = (where, d.take(where))
            self._taken[key] = found
        return found

    def product(self, price: Digits, quantity: Digits) -> tuple[np.ndarray, np.ndarray]:
        """``price × quantity`` in float64 (the notional) and where both are sent,
        once per selection."""
        found: tuple[np.ndarray, np.ndarray] | None = self._taken.get("product")
        if found is None:
            found = self._taken["product"] = (
                price.f * quantity.f,
                price.present & quantity.present,
            )
        return found

    def ratio(self, price: Digits, mins: int | None) -> tuple[np.ndarray, np.ndarray]:
        """``price / market`` (:meth:`market`) and where both are there, once per
        selection (the bands of a rule read the same)."""
        key = f"ratio {mins}"
        found: tuple[np.ndarray, np.ndarray] | None = self._taken.get(key)
        if found is None:
            reference = self.market(mins)
            present = price.present & ~np.isnan(reference)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = price.f / reference
            found = self._taken[key] = (ratio, present)
            self._taken[f"zero {mins}"] = reference == 0
        return found

    def ratio_unsure(self, mins: int | None) -> np.ndarray:
        """Where the market price of :meth:`ratio` is 0 (no quotient: judged alone)."""
        found: np.ndarray = self._taken[f"zero {mins}"]
        return found

    def pair_side(self, mine: np.ndarray) -> np.ndarray:
        """Per selected row, ``2 × pair + (1 if SELL or another side else 0)``: the
        index of its side's values in a slot's (pair, side) table."""
        found: np.ndarray | None = self._taken.get("pair side")
        if found is None:
            found = self._taken["pair side"] = (mine << 1) | ~self.pick(self.buy)
        return found

    def pick(self, values: np.ndarray) -> np.ndarray:
        return values if self.at is None else values[self.at]

    def market(self, mins: int | None) -> np.ndarray:
        """The market price of a rule (:func:`rules.checker.eras.market_price`); NaN: none."""
        key = f"market {mins}"
        found = self._taken.get(key)
        if found is None:
            fallback = self.prices.get("lastPrice" if mins == 0 else "avgPrice")
            size = len(self.buy) if self.at is None else len(self.at)
            found = np.full(size, np.nan) if fallback is None else self.pick(fallback)
            reference = self.prices.get("referencePrice")
            if self.era.reference_price and reference is not None:
                mine = self.pick(reference)
                found = np.where(np.isnan(mine), found, mine)
            self._taken[key] = found
        return found


def outcomes(
    slots: dict[int, Slot],
    places: list[int],
    layout_slots: dict[int, tuple[int, ...]],
    layout: np.ndarray,
    pair: np.ndarray,
    columns: tuple[dict[str, Digits], dict[str, np.ndarray], dict[str, np.ndarray]],
    buy: np.ndarray,
    era: Era,
) -> tuple[list[np.ndarray], np.ndarray]:
    """The outcome words of every row (bits by :func:`bit_places`; a row without
    a test has 0 there), and the rows where an outcome cannot be told.

    ``slots``: the slots of the layouts of the rows (by number), ``places``: each
    slot's first bit, ``layout``/``pair``: per row its layout and pair number,
    ``columns``: the decimals, counts and context prices read.
    """
    n = len(layout)
    rows = _Rows(*columns, buy, era)
    unsure = np.zeros(n, dtype=bool)
    if not slots:
        return [], unsure
    most = max(places[k] + width(slots[k].test) for k in slots)
    count = -(-most // WORD_BITS)
    # The key words as bytes (8 a word, the top two bits unused), bit by bit.
    planes = np.zeros((8 * count, n), dtype=np.uint8)
    # The rows of each slot are those of the layouts that hold it: gathered once per
    # set of layouts (the tests most layouts share, the rest); a set of most rows is
    # worked out on every row (a row of another layout reads the slot's harmless 1s)
    # and its outcomes masked.
    shifted = layout + 2  # -2 (odd) and -1 (no tests) first
    used = np.flatnonzero(np.bincount(shifted)[2:]).tolist()
    groups: dict[tuple[int, ...], list[int]] = {}
    for k in sorted(slots):
        holders = tuple(u for u in used if k in layout_slots[u])
        groups.setdefault(holders, []).append(k)
    for holders, numbers in groups.items():
        table = np.zeros(len(used) and used[-1] + 3, dtype=bool)
        table[np.array(holders, dtype=np.int64) + 2] = True
        member = table[shifted]
        every = bool(member.all())
        at = None if every or 2 * int(member.sum()) > n else np.flatnonzero(member)
        rows.select(at)
        mine = pair if at is None else pair[at]
        doubts = np.zeros(len(mine), dtype=bool)
        for k in numbers:
            slot = slots[k]
            outcome, doubt = _test(rows, slot, mine)
            doubts |= doubt
            for j, holds in enumerate(outcome):
                if holds is None:
                    continue
                word, bit = divmod(places[k] + j, WORD_BITS)
                plane = planes[8 * word + bit // 8]
                value = np.left_shift(holds.view(np.uint8), bit % 8)
                if at is not None:
                    plane[at] |= value
                elif every:
                    plane |= value
                else:
                    plane |= value * member.view(np.uint8)
        if at is not None:
            unsure[at] |= doubts
        else:
            unsure |= doubts if every else doubts & member
    words = [
        np.ascontiguousarray(planes[8 * w : 8 * (w + 1)].T).view(np.int64)[:, 0]
        for w in range(count)
    ]
    return words, unsure


def _test(rows: _Rows, slot: Slot, mine: np.ndarray) -> tuple[list[np.ndarray | None], np.ndarray]:
    """The outcomes of one test for the selected rows (``mine``: their pair
    numbers), and where they are unsure."""
    test, n = slot.test, len(mine)
    what = test[0]
    nothing = np.zeros(n, dtype=bool)

    def ints(j: int) -> np.ndarray:
        return np.take(slot.ints[j], mine)

    def floats(j: int) -> np.ndarray:
        return np.take(slot.floats[j], mine)

    def digits(j: int) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """The bound's digits and places (its integers ``j`` and ``j + 1``) at some rows."""
        return lambda near: (slot.ints[j][mine[near]], slot.ints[j + 1][mine[near]])

    if what in ("ge", "le", "grid"):
        found = rows.sent(test[1])
        if found is None:
            return [None], nothing
        where, d = found
        if where is not None:  # only the rows where the value is present
            holds, doubt = _one_value(what, d, slot, mine[where])
            full, unsure = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
            full[where], unsure[where] = holds, doubt
            return [full], unsure
        holds, doubt = _one_value(what, d, slot, mine)
        return [d.present & holds], d.present & doubt
    if what in ("pq_ge", "pq_le"):
        price, quantity = rows.digits("price"), rows.digits("quantity")
        if price is None or quantity is None:
            return [None], nothing
        product, present = rows.product(price, quantity)
        bound = slot.floats[0]  # per pair, widened by MARGIN each way
        low, high = np.take(bound * (1 - MARGIN), mine), np.take(bound * (1 + MARGIN), mine)
        if what == "pq_ge":  # holds from the low edge up: unsure below the high one
            holds = product >= low
            doubt = holds & (product < high)
        else:  # holds up to the high edge: unsure above the low one
            holds = product <= high
            doubt = holds & (product > low)
        holds &= present
        doubt &= present
        return [holds], doubt
    if what == "band":
        price = rows.digits("price")
        if price is None:
            return [None, None], nothing
        return _band(rows, slot, price, test[1], mine)
    if what == "count":
        counts = rows.counts.get(test[1])
        if counts is None:
            return [None], nothing
        mine_counts = rows.pick(counts)
        return [(mine_counts >= 0) & (mine_counts <= ints(0) - 1)], nothing
    if what == "mn":
        return _market_notionals(rows, test, floats, digits, n)
    if what == "position":
        quantity = rows.digits("quantity")
        position = rows.prices.get("basePosition")
        if quantity is None or position is None:
            return [None], nothing
        base = rows.pick(position)
        present = quantity.present & ~np.isnan(base)
        holds, doubt = near(base + quantity.f, floats(0), False)
        return [present & holds], present & doubt
    # "parts": CEIL(quantity / icebergQty) <= limit is quantity <= limit × icebergQty
    iceberg, quantity = rows.digits("icebergQty"), rows.digits("quantity")
    if iceberg is None or quantity is None:
        return [None], nothing
    present = iceberg.present & quantity.present
    where = None if 2 * int(np.count_nonzero(present)) > n else np.flatnonzero(present)
    if where is not None:  # only the rows where both are present
        iceberg, quantity, mine = iceberg.take(where), quantity.take(where), mine[where]
    limit = np.take(slot.ints[0], mine)
    holds, doubt = at_least(
        quantity,
        limit * iceberg.f,
        False,
        lambda at: (limit[at] * iceberg.n[at], iceberg.p[at]),
        rounded=False,  # a product of floats, not the bound correctly rounded
    )
    if where is None:
        return [present & holds], present & doubt
    full, unsure = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    full[where], unsure[where] = holds, doubt
    return [full], unsure


def _band(
    rows: _Rows, slot: Slot, price: Digits, mins: int | None, mine: np.ndarray
) -> tuple[list[np.ndarray | None], np.ndarray]:
    """``price <= market × up`` and ``price >= market × down`` (the side's multipliers,
    D13, D18; a 0 disables one), as ``price / market`` against the multipliers
    widened by :data:`MARGIN` each way: between the two, unsure. A market price of 0
    (no quotient to compare) is unsure too."""
    ratio, present = rows.ratio(price, mins)
    # Per (pair, side) the multipliers, widened: up (a 0: no limit) and down.
    up = slot.floats[[0, 2]].T.ravel()
    up = np.where(up == 0, np.inf, up)
    down = slot.floats[[1, 3]].T.ravel()
    at = rows.pair_side(mine)
    below = ratio <= np.take(up * (1 + MARGIN), at)
    above = ratio >= np.take(down * (1 - MARGIN), at)
    doubt = below & (ratio > np.take(up * (1 - MARGIN), at))
    doubt |= above & (ratio < np.take(down * (1 + MARGIN), at))
    doubt |= rows.ratio_unsure(mins)
    return [present & below, present & above], present & doubt


def _one_value(what: str, d: Digits, slot: Slot, mine: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A value against its bound (``ge``, ``le``) or on its grid (``grid``), for the
    rows of ``d`` (``mine``: their pair numbers); and where it cannot be told."""
    if what == "grid":
        on = on_grid(d, slot.ints[0], slot.ints[1], mine)
        return on, np.zeros(len(mine), dtype=bool)
    return at_least(
        d,
        np.take(slot.floats[0], mine),
        what == "ge",
        lambda near: (slot.ints[0][mine[near]], slot.ints[1][mine[near]]),
    )


def _market_notionals(
    rows: _Rows,
    test: tuple[Any, ...],
    floats: Callable[[int], np.ndarray],
    digits: Callable[[int], Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]],
    n: int,
) -> tuple[list[np.ndarray | None], np.ndarray]:
    """quoteOrderQty against the low and high notionals, exactly; quantity × the
    market price against them (D10, D11); the high ones only when finite."""
    finite = test[2]
    out: list[np.ndarray | None] = [None, None, None, None]
    unsure = np.zeros(n, dtype=bool)
    low, high = floats(0), floats(1) if finite else None
    quote = rows.digits("quoteOrderQty")
    if quote is not None:
        holds, doubt = at_least(quote, low, True, digits(0))
        out[0] = quote.present & holds
        unsure |= quote.present & doubt
        if high is not None:
            holds, doubt = at_least(quote, high, False, digits(2))
            out[1] = quote.present & holds
            unsure |= quote.present & doubt
    quantity = rows.digits("quantity")
    if quantity is not None:
        reference = rows.market(test[1])
        present = quantity.present & ~np.isnan(reference)
        notional = quantity.f * reference
        holds, doubt = near(notional, low, True)
        out[2] = present & holds
        unsure |= present & doubt
        if high is not None:
            holds, doubt = near(notional, high, False)
            out[3] = present & holds
            unsure |= present & doubt
    return out, unsure
