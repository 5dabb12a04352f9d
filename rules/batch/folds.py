"""The comparisons of each (symbol, type) pair, from the filters' own folds; a run's memo.

For :mod:`rules.batch.patterns`: each filter of a symbol's plan is folded alone
(:data:`rules.checker.bounds.FOLDS`) for the order type, and its bounds become
*tests* (a description, and the values to compare with): each value against its
bounds and on its grid, the notional, the bands, the MARKET notionals, the
counters, the iceberg parts; MAX_POSITION, whose fold declines a live limit, as
``basePosition + quantity <= maxPosition`` (D16). Pairs with the same tests in the
same order share a :class:`Tests` (one numpy column per value). A symbol's
*structure* is what its verdicts depend on besides the comparisons.

May import: numpy, attrs, :mod:`rules.checker` (bounds, kinds, eras, plans),
:mod:`rules.model`.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import attrs
import numpy as np

from rules.checker.bounds import FOLDS, INFINITY, AcceptBounds
from rules.checker.eras import Era
from rules.checker.kinds import ORDER_KINDS
from rules.checker.plans import InfoPlan, SymbolPlan
from rules.model.models import ExchangeInfo, MaxPositionFilter

__all__ = ["Memo", "Tests", "pair_tests", "pairs_of_rows", "symbol_rules"]


@attrs.define
class Tests:
    """The comparisons of one layout (the same tests in the same order), and each
    (symbol, type) pair's values for them: its integers and its floats, flat."""

    layout: tuple[Any, ...]
    ints: list[tuple[int, ...]] = attrs.Factory(list)
    floats: list[tuple[float, ...]] = attrs.Factory(list)
    arrays: list[list[np.ndarray]] | None = None
    size: int = 0

    def add(self, ints: tuple[int, ...], floats: tuple[float, ...]) -> int:
        """Add a pair's values; its index."""
        self.floats.append(floats)  # first: a reader takes as many as there are ints
        self.ints.append(ints)
        self.arrays = None
        return len(self.ints) - 1

    def table(self, kinds: list[list[bool]]) -> list[list[np.ndarray]]:
        """Per test, its values as columns (a row per pair); ``kinds``: per test and
        value, whether it is a float."""
        size = len(self.ints)
        if self.arrays is None or self.size != size:  # a pair added since (another thread)
            ints = np.array(self.ints[:size], dtype=np.int64).reshape(size, -1)
            floats = np.array(self.floats[:size], dtype=np.float64).reshape(size, -1)
            out: list[list[np.ndarray]] = []
            i = f = 0
            for test in kinds:
                columns: list[np.ndarray] = []
                for is_float in test:
                    if is_float:
                        columns.append(floats[:, f])
                        f += 1
                    else:
                        columns.append(ints[:, i])
                        i += 1
                out.append(columns)
            self.arrays, self.size = out, size
        return self.arrays


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
    pairs: dict[tuple[str, str], tuple[int, int]] = attrs.Factory(dict)
    layouts: dict[tuple[Any, ...], int] = attrs.Factory(dict)
    tests: dict[int, Tests] = attrs.Factory(dict)
    verdicts: dict[tuple[object, ...], Any] = attrs.Factory(dict)
    folded: dict[object, Any] = attrs.Factory(dict)
    kinds: dict[int, list[list[bool]]] = attrs.Factory(dict)
    #: (symbol, type) pairs by slot: each name's slot, and per slot pair its layout
    #: and index (-3: not worked out yet).
    symbol_slots: dict[object, int] = attrs.Factory(dict)
    type_slots: dict[object, int] = attrs.Factory(dict)
    grid: np.ndarray = attrs.Factory(lambda: np.full((2, 0, 0), -3, dtype=np.int64))
    #: Held while the slots and the grid change (threads may share a memo).
    lock: threading.Lock = attrs.Factory(threading.Lock)

    def sharing(self) -> Memo:
        """A memo for another snapshot of the same era: ids, layouts and verdicts shared."""
        return Memo(ids=self.ids, layouts=self.layouts, verdicts=self.verdicts)

    def id_of(self, value: object) -> int:
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.ids)
        return found


# --------------------------------------------------------------------------- per symbol


def _structure(plan: SymbolPlan) -> tuple[object, ...]:
    """What a symbol's verdicts depend on besides the comparisons (see the module)."""
    filters = tuple(
        (check, type(f), tuple(_shape(getattr(f, a.name)) for a in attrs.fields(type(f))))
        for check, f in plan.checks
    )
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
        filters,
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
                memo.id_of(("symbol", _structure(plan))),
                -1 if base is None else base,
                -1 if quote is None else quote,
            )
        memo.symbols[name] = found
    return found


def pair_tests(
    memo: Memo, info: ExchangeInfo, info_plan: InfoPlan, symbol: object, type_name: object
) -> tuple[int, int]:
    """The layout of a (symbol, type) pair and its index there; ``(-1, 0)``: no tests
    (no valid type, no plan), ``(-2, 0)``: a filter does not fold (odd)."""
    if not isinstance(symbol, str) or not isinstance(type_name, str):
        return -1, 0
    key = (symbol, type_name)
    found = memo.pairs.get(key)
    if found is None:
        kind = ORDER_KINDS.get(type_name)
        plan = info_plan.symbol(info, symbol) if symbol else None
        if kind is None or plan is None:
            found = (-1, 0)
        else:
            tests = _tests(memo, plan, kind, info_plan.era)
            if tests is None:
                found = (-2, 0)
            else:
                layout, ints, floats, kinds = tests
                number = memo.layouts.setdefault(layout, len(memo.layouts))
                group = memo.tests.get(number)
                if group is None:
                    group = memo.tests[number] = Tests(layout)
                    memo.kinds[number] = kinds
                found = (number, group.add(ints, floats))
        memo.pairs[key] = found
    return found


def pairs_of_rows(
    memo: Memo,
    info: ExchangeInfo,
    info_plan: InfoPlan,
    symbols: list[object],
    types: list[object],
    symbol_codes: np.ndarray,
    type_codes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row the layout and index of its (symbol, type) pair (:func:`pair_tests`),
    from the codes of the two columns and their values."""
    with memo.lock:
        s_slots = np.array([_slot(memo.symbol_slots, v) for v in symbols], dtype=np.int64)
        t_slots = np.array([_slot(memo.type_slots, v) for v in types], dtype=np.int64)
        height, width = len(memo.symbol_slots), len(memo.type_slots)
        if memo.grid.shape[1] < height or memo.grid.shape[2] < width:
            grown = np.full((2, max(height, 2 * memo.grid.shape[1]), width), -3, dtype=np.int64)
            grown[:, : memo.grid.shape[1], : memo.grid.shape[2]] = memo.grid
            memo.grid = grown
        grid = memo.grid
        rows_s, rows_t = s_slots[symbol_codes], t_slots[type_codes]
        layout = grid[0][rows_s, rows_t]
        unknown = np.flatnonzero(layout == -3)
        if len(unknown):
            names = {slot: name for name, slot in memo.symbol_slots.items()}
            kinds = {slot: name for name, slot in memo.type_slots.items()}
            pairs = np.unique(rows_s[unknown] * width + rows_t[unknown])
            for code in pairs.tolist():
                s, t = divmod(code, width)
                grid[:, s, t] = pair_tests(memo, info, info_plan, names[s], kinds[t])
            layout = grid[0][rows_s, rows_t]
        return layout, grid[1][rows_s, rows_t]


def _slot(slots: dict[object, int], value: object) -> int:
    found = slots.get(value)
    if found is None:
        found = slots[value] = len(slots)
    return found


#: A filter's (or a pair's) tests: their descriptions, their integers and floats
#: (flat), and per test which of its values are floats.
_Folded = tuple[tuple[Any, ...], tuple[int, ...], tuple[float, ...], list[list[bool]]]


def _tests(memo: Memo, plan: SymbolPlan, kind: Any, era: Era) -> _Folded | None:
    """The comparisons of a (symbol, type) pair, each filter folded alone; ``None``
    if a filter does not fold or a number does not scale."""
    layout: tuple[Any, ...] = ()
    ints: tuple[int, ...] = ()
    floats: tuple[float, ...] = ()
    kinds: list[list[bool]] = []
    for check, f in plan.checks:
        # By id (hashing a filter by value costs more than folding it): the memo
        # keeps the filter, so that its id is not reused while the entry lives.
        key = (id(f), kind.name)
        entry = memo.folded.get(key)
        if entry is None:
            entry = memo.folded[key] = (f, _flat(_filter_tests(check, f, kind, era)))
        folded = entry[1]
        if folded is None:
            return None
        layout += folded[0]
        ints += folded[1]
        floats += folded[2]
        kinds += folded[3]
    return layout, ints, floats, kinds


def _flat(tests: list[tuple[Any, Any]] | None) -> _Folded | None:
    if tests is None:
        return None
    values = [v for _, test in tests for v in test]
    return (
        tuple(t[0] for t in tests),
        tuple(v for v in values if not isinstance(v, float)),
        tuple(v for v in values if isinstance(v, float)),
        [[isinstance(v, float) for v in test] for _, test in tests],
    )


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
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise _NoFit
    while len(digits) > 1 and digits[-1] == 0 and exponent < 0:
        digits, exponent = digits[:-1], exponent + 1
    n = int("".join(map(str, digits)) or "0")
    if exponent >= 0:
        n, places = n * 10**exponent, 0
    else:
        places = -exponent
    if n >= 2**62 or places > 18:
        raise _NoFit
    return n, places, float(value)


def _grid(step: Decimal) -> tuple[int, int]:
    """``(m, e)`` with ``step == m × 10**-e`` (trailing zeros dropped)."""
    _, digits, exponent = step.as_tuple()
    if not isinstance(exponent, int):
        raise _NoFit
    while len(digits) > 1 and digits[-1] == 0:
        digits, exponent = digits[:-1], exponent + 1
    m = int("".join(map(str, digits))) * 10 ** max(0, exponent)
    e = max(0, -exponent)
    if m >= 2**31 or e > 18:
        raise _NoFit
    return m, e


def _camel(attribute: str) -> str:
    head, *rest = attribute.split("_")
    return head + "".join(word.capitalize() for word in rest)
