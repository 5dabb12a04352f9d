"""The comparisons of each (symbol, type) pair, from the filters' own folds; a run's memo.

For :mod:`rules.batch.patterns`: each filter of a symbol's plan is folded alone
(:data:`rules.checker.bounds.FOLDS`) for the order type, and its bounds become
*tests* (a description, and the values to compare with): each value against its
bounds and on its grid, the notional, the bands, the MARKET notionals, the
counters, the iceberg parts; MAX_POSITION, whose fold declines a live limit, as
``basePosition + quantity <= maxPosition`` (D16). Pairs with the same tests in the
same order share a *layout*; each test of a layout is a :class:`Slot` (numbered
for the rule era, so that a class key names outcomes by slot), which holds each
pair's values as numpy columns indexed by pair number. A symbol's
*structure* is what its verdicts depend on besides the comparisons.

May import: numpy, attrs, :mod:`rules.checker` (bounds, kinds, eras, plans),
:mod:`rules.model`.
"""

from __future__ import annotations

import threading
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from typing import Any, Final

import attrs
import numpy as np

from rules.checker.bounds import FOLDS, INFINITY, AcceptBounds
from rules.checker.eras import Era
from rules.checker.kinds import ORDER_KINDS
from rules.checker.plans import InfoPlan, SymbolPlan
from rules.model.models import ExchangeInfo, MaxPositionFilter

__all__ = ["Memo", "Slot", "pairs_of_rows", "symbol_rules"]


#: Rows of a slot's table to start with (it doubles when full).
_FIRST_CAPACITY = 64
#: Held while a value is numbered (:meth:`Memo.id_of`).
_IDS: Final = threading.Lock()


@attrs.define
class Slot:
    """One test (a description; the same one twice in a layout is two slots), and
    each (symbol, type) pair's values for it, by pair number: its integers and its
    floats, a row each (column 0: no pair; a pair without the test holds 1s)."""

    test: tuple[Any, ...]
    ints: np.ndarray
    floats: np.ndarray

    @classmethod
    def empty(cls, test: tuple[Any, ...], n_ints: int, n_floats: int) -> Slot:
        return cls(
            test,
            np.ones((n_ints, _FIRST_CAPACITY), dtype=np.int64),
            np.ones((n_floats, _FIRST_CAPACITY), dtype=np.float64),
        )

    def reserve(self, top: int) -> None:
        """Columns for the pairs numbered below ``top`` (new ones hold 1s)."""
        capacity = self.ints.shape[1]
        if top > capacity:
            grow = ((0, 0), (0, max(top, 2 * capacity) - capacity))
            self.ints = np.pad(self.ints, grow, constant_values=1)
            self.floats = np.pad(self.floats, grow, constant_values=1.0)

    def put(self, pairs: np.ndarray, ints: np.ndarray, floats: np.ndarray) -> None:
        """Set the values of the pairs numbered ``pairs`` (``ints``, ``floats``: a
        row per pair)."""
        self.reserve(int(pairs.max()) + 1)
        if self.ints.shape[0]:
            self.ints[:, pairs] = ints.T
        if self.floats.shape[0]:
            self.floats[:, pairs] = floats.T


class _NoFit(Exception):
    """A number of a filter that the tests cannot hold exactly."""


@attrs.define
class Memo:
    """What a run remembers per judging snapshot: each pair's tests and values; and,
    shared by the snapshots of one rule era (:meth:`sharing`), the ids of values,
    structures and layouts and the verdict of each class key (a class key holds no
    number of a snapshot's filters, only their structure and the outcomes)."""

    ids: dict[object, int] = attrs.Factory(dict)
    symbols: dict[str, tuple[int, int, int]] = attrs.Factory(dict)
    layouts: dict[tuple[Any, ...], int] = attrs.Factory(dict)
    #: Per layout number, the slot number of each of its tests (shared like layouts:
    #: a class key holds the outcomes by slot number).
    layout_slots: dict[int, tuple[int, ...]] = attrs.Factory(dict)
    slot_numbers: dict[tuple[Any, ...], int] = attrs.Factory(dict)
    slot_tests: list[tuple[Any, ...]] = attrs.Factory(list)
    #: Each slot's values, by slot number (this snapshot's numbers).
    slots: dict[int, Slot] = attrs.Factory(dict)
    #: (symbol, type) pairs with tests numbered so far (pair 0: none).
    pair_count: int = 1
    #: Per class key, its verdict and the number of what the output shows of it
    #: (:attr:`shown`), so that a class's output key is made once a run.
    verdicts: dict[tuple[object, ...], tuple[Any, int]] = attrs.Factory(dict)
    #: Each distinct output (``rules.batch.engine``'s ``_shown`` of a verdict) numbered,
    #: shared like :attr:`verdicts` (which holds the numbers).
    shown: dict[tuple[object, ...], int] = attrs.Factory(dict)
    #: Each filter's tests, by order type and the filter's ``id`` (the filter kept).
    folded: dict[str, dict[int, Any]] = attrs.Factory(dict)
    #: A filter's structure (see :func:`_structure`) as an id, by ``id`` (the filter kept).
    shapes: dict[tuple[int, object], tuple[object, int]] = attrs.Factory(dict)
    #: Layout numbers by the ids of their filters' tests (:func:`_tests`), and each
    #: layout's widths (shared like layouts).
    layout_of_parts: dict[tuple[int, ...], int] = attrs.Factory(dict)
    layout_widths: dict[int, tuple[tuple[int, int], ...]] = attrs.Factory(dict)
    #: (symbol, type) pairs by their names' places: each name's place, and per pair
    #: of places its layout and pair number (-3: not worked out yet).
    symbol_slots: dict[object, int] = attrs.Factory(dict)
    type_slots: dict[object, int] = attrs.Factory(dict)
    grid: np.ndarray = attrs.Factory(lambda: np.full((2, 0, 0), -3, dtype=np.int64))
    #: Held while the slots and the grid change (threads may share a memo).
    lock: threading.Lock = attrs.Factory(threading.Lock)

    def sharing(self) -> Memo:
        """A memo for another snapshot of the same era: ids, layouts and verdicts shared."""
        return Memo(
            ids=self.ids,
            layouts=self.layouts,
            layout_slots=self.layout_slots,
            layout_of_parts=self.layout_of_parts,
            layout_widths=self.layout_widths,
            slot_numbers=self.slot_numbers,
            slot_tests=self.slot_tests,
            verdicts=self.verdicts,
            shown=self.shown,
        )

    def id_of(self, value: object) -> int:
        found = self.ids.get(value)
        if found is None:
            with _IDS:  # threads may share the ids: one number per value
                found = self.ids.setdefault(value, len(self.ids))
        return found

    def shown_id(self, key: tuple[object, ...]) -> int:
        """The number of an output (see :attr:`shown`)."""
        found = self.shown.get(key)
        if found is None:
            with _IDS:  # threads may share them: one number per output
                found = self.shown.setdefault(key, len(self.shown))
        return found


# --------------------------------------------------------------------------- per symbol


def _structure(memo: Memo, plan: SymbolPlan) -> tuple[object, ...]:
    """What a symbol's verdicts depend on besides the comparisons (see the module)."""
    shapes = memo.shapes
    filters: list[object] = []
    for check, f in plan.checks:
        key = (id(f), check)  # by id, as folds: the memo keeps the filter
        found = shapes.get(key)
        if found is None:
            fields = tuple(_shape(getattr(f, a.name)) for a in attrs.fields(type(f)))
            # An id (numbers shared by the era's memos): a structure is then a few
            # integers to hash, not every field of every filter.
            found = shapes[key] = (f, memo.id_of(("filter", check, type(f), fields)))
        filters.append(found[1])
    return (
        plan.trading,
        plan.order_types,
        plan.stp_modes,
        plan.iceberg_allowed,
        plan.quote_order_qty_allowed,
        plan.trailing_allowed,
        plan.peg_allowed,
        plan.base_places is None,
        plan.quote_places is None,
        tuple(filters),
    )


def _shape(value: object) -> object:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal | int):
        return value != 0
    return value


def symbol_rules(
    memo: Memo, info: ExchangeInfo, info_plan: InfoPlan, name: object
) -> tuple[int, int, int]:
    """The symbol's structure id and its base and quote precisions (-1: none)."""
    if not isinstance(name, str):
        return memo.id_of(("no symbol", name)), -1, -1
    found = memo.symbols.get(name)
    if found is None:
        plan = info_plan.symbol(info, name) if name else None
        if plan is None:  # "" is -1105, an unknown name -1121: either way nothing else
            found = (memo.id_of(("unknown", name == "")), -1, -1)
        else:
            base, quote = plan.base_places, plan.quote_places
            found = (
                memo.id_of(("symbol", _structure(memo, plan))),
                -1 if base is None else base,
                -1 if quote is None else quote,
            )
        memo.symbols[name] = found
    return found


#: New pairs waiting to be put in their slots: per layout number, the pair
#: numbers, the integers and floats of each (its tests' in a row), and how many
#: integers and floats each test of the layout has.
_Pending = dict[int, tuple[list[int], list["_Values"], list["_Values"], "_Widths"]]
#: Held while layouts and slots are numbered (the memos of one era share them).
_NUMBERING = threading.Lock()


def _pair(
    memo: Memo,
    info: ExchangeInfo,
    info_plan: InfoPlan,
    symbol: object,
    type_name: object,
    pending: _Pending,
) -> tuple[int, int]:
    """The layout of a (symbol, type) pair and its pair number, its values left in
    ``pending``; ``(-1, 0)``: no tests (no valid type, no plan), ``(-2, 0)``: a
    filter does not fold (odd)."""
    if not isinstance(symbol, str) or not isinstance(type_name, str):
        return -1, 0
    kind = ORDER_KINDS.get(type_name)
    plan = info_plan.symbol(info, symbol) if symbol else None
    if kind is None or plan is None:
        return -1, 0
    tests = _tests(memo, plan, kind, info_plan.era)
    if tests is None:
        return -2, 0
    parts, ints, floats = tests
    number = memo.layout_of_parts.get(parts)
    if number is None:
        number = _layout(memo, plan, kind)
    pair = memo.pair_count
    memo.pair_count += 1
    entry = pending.get(number)
    if entry is None:
        entry = pending[number] = ([], [], [], memo.layout_widths[number])
    entry[0].append(pair)
    entry[1].append(ints)
    entry[2].append(floats)
    return number, pair


def _layout(memo: Memo, plan: SymbolPlan, kind: Any) -> int:
    """The number of the layout of a pair whose tests' parts are new (and its slots,
    its widths); the parts' key kept for the next pair with the same."""
    descriptions: list[Any] = []
    widths: list[tuple[int, int]] = []
    key: list[int] = []
    folded = memo.folded[kind.name]
    for _, f in plan.checks:
        part = folded[id(f)][1]
        if part[0]:
            descriptions += part[0]
            widths += part[3]
            key.append(part[4])
    layout = tuple(descriptions)
    with _NUMBERING:
        number = memo.layouts.setdefault(layout, len(memo.layouts))
        if number not in memo.layout_slots:
            memo.layout_widths[number] = tuple(widths)
            memo.layout_slots[number] = _slots_of(memo, layout)
        memo.layout_of_parts[tuple(key)] = number
    return number


def _slots_of(memo: Memo, layout: tuple[Any, ...]) -> tuple[int, ...]:
    """The slot number of each test of a layout (a test's second time: another slot)."""
    seen: dict[object, int] = {}
    out: list[int] = []
    for test in layout:
        times = seen[test] = seen.get(test, -1) + 1
        number = memo.slot_numbers.get((test, times))
        if number is None:  # under _NUMBERING
            number = memo.slot_numbers[(test, times)] = len(memo.slot_tests)
            memo.slot_tests.append(test)
        out.append(number)
    return tuple(out)


def pairs_of_rows(
    memo: Memo,
    info: ExchangeInfo,
    info_plan: InfoPlan,
    symbols: list[object],
    types: list[object],
    symbol_codes: np.ndarray,
    type_codes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, dict[int, Slot]]:
    """Per row the layout and pair number of its (symbol, type) pair (:func:`_pair`),
    from the codes of the two columns and their values; and the slots of the
    layouts found (as they are now: another thread may add pairs to them later)."""
    with memo.lock:
        s_slots = np.array([_slot(memo.symbol_slots, v) for v in symbols], dtype=np.int64)
        t_slots = np.array([_slot(memo.type_slots, v) for v in types], dtype=np.int64)
        height, width = len(memo.symbol_slots), len(memo.type_slots)
        if memo.grid.shape[1] < height or memo.grid.shape[2] < width:
            grown = np.full((2, max(height, 2 * memo.grid.shape[1]), width), -3, dtype=np.int64)
            grown[:, : memo.grid.shape[1], : memo.grid.shape[2]] = memo.grid
            memo.grid = grown
        grid = memo.grid
        # Per pair of codes (symbol code, type code) its places, then per row its pair.
        width_t = len(types)
        combo = symbol_codes.astype(np.int64) * width_t + type_codes
        present = np.bincount(combo, minlength=len(symbols) * width_t) > 0
        small_s, small_t = np.repeat(s_slots, width_t), np.tile(t_slots, len(symbols))
        unknown = np.flatnonzero(present & (grid[0][small_s, small_t] == -3))
        if len(unknown):
            names = {slot: name for name, slot in memo.symbol_slots.items()}
            kinds = {slot: name for name, slot in memo.type_slots.items()}
            pending: _Pending = {}
            for s, t in zip(small_s[unknown].tolist(), small_t[unknown].tolist(), strict=True):
                grid[:, s, t] = _pair(memo, info, info_plan, names[s], kinds[t], pending)
            _put(memo, pending)
        layouts, pairs = grid[0][small_s, small_t], grid[1][small_s, small_t]
        used = np.unique(layouts[present & (layouts >= 0)]).tolist()
        numbers = sorted({k for u in used for k in memo.layout_slots[u]})
        # Every slot as wide as the pairs numbered so far: a test worked out on every
        # row reads the slot at rows of other layouts too (their pairs hold 1s there).
        for k in numbers:
            memo.slots[k].reserve(memo.pair_count)
        slots = {k: attrs.evolve(memo.slots[k]) for k in numbers}
        return layouts[combo], pairs[combo], slots


def _put(memo: Memo, pending: _Pending) -> None:
    """Put the values of new pairs in their slots (each slot once): a layout's pairs
    as one table of integers and one of floats, a test's values a range of columns."""
    gathered: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
    for number, (numbers, ints, floats, widths) in pending.items():
        at = np.array(numbers, dtype=np.int64)
        int_table = np.array(ints, dtype=np.int64).reshape(len(at), -1)
        float_table = np.array(floats, dtype=np.float64).reshape(len(at), -1)
        i = j = 0
        for k, (n_ints, n_floats) in zip(memo.layout_slots[number], widths, strict=True):
            part = (at, int_table[:, i : i + n_ints], float_table[:, j : j + n_floats])
            gathered.setdefault(k, []).append(part)
            i, j = i + n_ints, j + n_floats
    for k, parts in gathered.items():
        pairs, ints_of, floats_of = (np.concatenate(p) for p in zip(*parts, strict=True))
        slot = memo.slots.get(k)
        if slot is None:
            slot = Slot.empty(memo.slot_tests[k], ints_of.shape[1], floats_of.shape[1])
            memo.slots[k] = slot
        slot.put(pairs, ints_of, floats_of)


def _slot(slots: dict[object, int], value: object) -> int:
    found = slots.get(value)
    if found is None:
        found = slots[value] = len(slots)
    return found


#: The values of tests in a row (integers, or floats).
_Values = tuple[Any, ...]
#: How many integers and floats each test has.
_Widths = tuple[tuple[int, int], ...]
#: A filter's tests: their descriptions, their integers and floats (each test's in
#: turn), their widths, and an id of the descriptions.
_Part = tuple[tuple[Any, ...], _Values, _Values, _Widths, int]


def _tests(
    memo: Memo, plan: SymbolPlan, kind: Any, era: Era
) -> tuple[tuple[int, ...], _Values, _Values] | None:
    """The comparisons of a (symbol, type) pair, each filter folded alone: the ids of
    its filters' tests (those with any), and their integers and floats; ``None`` if a
    filter does not fold or a number does not scale."""
    key: list[int] = []
    ints: list[Any] = []
    floats: list[Any] = []
    folded = memo.folded.get(kind.name)
    if folded is None:
        folded = memo.folded.setdefault(kind.name, {})
    for check, f in plan.checks:
        # By id (hashing a filter by value costs more than folding it): the memo
        # keeps the filter, so that its id is not reused while the entry lives.
        entry = folded.get(id(f))
        if entry is None:
            entry = folded[id(f)] = (f, _flat(memo, _filter_tests(check, f, kind, era)))
        part = entry[1]
        if part is None:
            return None
        if part[0]:
            key.append(part[4])
            ints += part[1]
            floats += part[2]
    return tuple(key), tuple(ints), tuple(floats)


def _flat(memo: Memo, tests: list[tuple[Any, Any]] | None) -> _Part | None:
    """A filter's tests as :data:`_Part`: each value an integer or a float."""
    if tests is None:
        return None
    descriptions: list[Any] = []
    ints: list[Any] = []
    floats: list[Any] = []
    widths: list[tuple[int, int]] = []
    for test, values in tests:
        descriptions.append(test)
        n_ints = n_floats = 0
        for value in values:
            if isinstance(value, float):
                floats.append(value)
                n_floats += 1
            else:
                ints.append(value)
                n_ints += 1
        widths.append((n_ints, n_floats))
    shown = tuple(descriptions)
    return shown, tuple(ints), tuple(floats), tuple(widths), memo.id_of(("tests", shown))


def _filter_tests(check: Any, f: Any, kind: Any, era: Era) -> list[tuple[Any, Any]] | None:
    """One filter's comparisons (its fold's bounds), or ``None``."""
    out: list[tuple[Any, Any]] = []
    fold = FOLDS.get(check)
    b = AcceptBounds()
    try:
        if isinstance(f, MaxPositionFilter) and f.max_position:
            # The one fold that declines a live limit (the check adds basePosition,
            # D16): its comparison, basePosition + quantity <= maxPosition, here.
            return [(("position",), (float(f.max_position),))]
        if fold is None or not fold(f, kind, era, b):
            return None
        for fields, low, high, step in (
            (("price", "stopPrice"), b.price_low, b.price_high, b.price_step),
            (("quantity", "icebergQty"), b.quantity_low, b.quantity_high, b.quantity_step),
        ):
            for field in fields:
                if low > 0:
                    out.append((("ge", field), _scaled(low)))
                if high != INFINITY:
                    out.append((("le", field), _scaled(high)))
                if step:
                    out.append((("grid", field), _grid(step)))
        if b.notional_low > 0:
            out.append((("pq_ge",), (float(b.notional_low),)))
        if b.notional_high != INFINITY:
            out.append((("pq_le",), (float(b.notional_high),)))
        for mins, *multipliers in b.bands:
            out.append((("band", mins), tuple(float(m) for m in multipliers)))
        for attribute, maximum in (*b.counters, *b.iceberg_counters):
            out.append((("count", _camel(attribute)), (maximum,)))
        for mins, low, high in b.market_notionals:
            finite = high != INFINITY
            out.append(
                (("mn", mins, finite), _scaled(low) + (_scaled(high) if finite else (0, 0, 0.0)))
            )
        if b.iceberg_parts is not None:
            out.append((("parts",), (b.iceberg_parts,)))
    except _NoFit:
        return None
    return out


def _scaled(value: Decimal) -> tuple[int, int, float]:
    """``(n, p, float)`` with ``value == n × 10**-p`` (trailing zeros dropped)."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise _NoFit
    n = _digits(value, exponent)
    while n and n % 10 == 0 and exponent < 0:
        n, exponent = n // 10, exponent + 1
    if exponent >= 0:
        n, places = n * 10**exponent, 0
    else:
        places = -exponent
    if n >= 2**62 or places > 18:
        raise _NoFit
    return n, places, float(value)


def _grid(step: Decimal) -> tuple[int, int]:
    """``(m, e)`` with ``step == m × 10**-e`` (trailing zeros dropped)."""
    exponent = step.as_tuple().exponent
    if not isinstance(exponent, int):
        raise _NoFit
    m = _digits(step, exponent)
    while m and m % 10 == 0:
        m, exponent = m // 10, exponent + 1
    m *= 10 ** max(0, exponent)
    e = max(0, -exponent)
    if m >= 2**31 or e > 18:
        raise _NoFit
    return m, e


def _digits(value: Decimal, exponent: int) -> int:
    """The digits of ``value`` as one integer (its sign dropped): ``|value| × 10**-exponent``."""
    return int(value.copy_abs().scaleb(-exponent, _EXACT))


#: A context that never rounds the digits of a filter's number.
_EXACT: Final = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def _camel(attribute: str) -> str:
    head, *rest = attribute.split("_")
    return head + "".join(word.capitalize() for word in rest)
