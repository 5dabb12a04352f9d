"""Pattern classes: the rows ``evaluate`` surely judges alike, found on whole columns.

:func:`classify` gives each row of a table a *class*: rows of one class have

- the same value of every enum parameter (``symbol``'s rules, ``type``, ``side``,
  ``timeInForce``) and of the ``method`` (``order.place`` or ``order.test``, D41);
- the same parameters and context keys sent (null, or NaN in a float column, is not
  sent; ``newClientOrderId`` and the names order.place reads and never judges
  (``timestamp``, ...) only as not sent, ``""`` or anything else);
- for each decimal parameter: whether it is 0, and whether it has more decimals as
  written than its asset's precision (D38, D39, ``-1111``);
- the outcome of every comparison the symbol's filters make of these numbers, as
  each filter's own *fold* (:data:`rules.checker.bounds.FOLDS`, folded one filter
  at a time) states them: each value against its bounds and on its grid (``price``
  and ``stopPrice`` by the price bounds, ``quantity`` and ``icebergQty`` by the
  quantity bounds), the notional ``price × quantity``, the price against each
  band times the context's market price (D13, D18), ``quantity`` times the market
  price and ``quoteOrderQty`` against the MARKET notionals (D10, D11), each count
  against its maximum (D15), ``quantity`` against ``limit × icebergQty`` (D14);
  and ``icebergQty >= quantity`` (D07);
- a symbol of the same *structure*: its status, order types, flags, and its
  filters in order, each with every field that is not a number as is and every
  number as zero or not (a 0 disables a rule, D12); a symbol's numbers enter the
  verdict only through the comparisons above.

``evaluate``'s verdict as the output shows it (``accepted``, each violation's code,
message, filterType and leg, ``unchecked``) depends on a row only through these:
messages name parameters, filterTypes and fixed texts, never a value. So the
caller judges one row per class with ``evaluate`` and gives its verdict to the
class: the verdicts are ``evaluate``'s own, messages and order included.

A row whose class cannot be told exactly is *odd* (``-1``) and judged alone: a
number that is not a plain decimal of at most 15 digits (``-1100``, ``-1105``, or
too long to scale exactly), a comparison of products within :data:`MARGIN` of
its bound (products are compared in float64; a float64 of a decimal is within
2**-53 of it, a product within 2**-51), a parameter this module does not class
(``trailingDelta``, pegs, STP, strategies, an unread name: ``-1104``), a context
value ``Context.from_mapping`` might refuse, ``permissions``, a SOR method, and
every row of a symbol and type one of whose filters does not fold (an unknown
filter, MAX_POSITION, an old-era grid off zero, D17).

Single values are compared exactly: a value is its digits as an integer ``n``
and its decimals ``p`` (``n × 10**-p``, ``n`` below 10**15, so float64 holds
``n`` and ``round(float(value) × 10**p)`` is ``n``), compared in float64 where
they differ by more than :data:`MARGIN` and in integers scaled to the same
decimals otherwise; a grid is an integer remainder.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.checker.bounds import FOLDS, INFINITY, AcceptBounds
from rules.checker.context import CONTEXT_KEYS
from rules.checker.eras import Era
from rules.checker.kinds import ORDER_KINDS
from rules.checker.order import DECIMAL_RANGE, READ_NOT_JUDGED
from rules.checker.plans import InfoPlan, SymbolPlan
from rules.model.models import ExchangeInfo, MaxPositionFilter

__all__ = ["MARGIN", "Classes", "Memo", "classify"]

#: Relative margin of the float comparisons (a million times float64's error).
MARGIN: Final = 1e-9
#: The decimal parameters, and which precision bounds each (D38).
DECIMALS: Final = {
    "price": "quote",
    "stopPrice": "quote",
    "quoteOrderQty": "quote",
    "quantity": "base",
    "icebergQty": "base",
}
#: The parameters classed by value.
ENUMS: Final = ("symbol", "type", "side", "timeInForce")
#: Parameters only their being sent, ``""`` or not matters to (no rule reads them).
IGNORED: Final = READ_NOT_JUDGED | {"newClientOrderId"}
#: Context prices (decimals) and counts.
PRICES: Final = frozenset({"avgPrice", "referencePrice", "lastPrice", "basePosition", "origQty"})
COUNTS: Final = frozenset(CONTEXT_KEYS - PRICES - {"permissions"})
#: Methods classed (the rest judged alone): order.test is judged as order.place (D41).
CLASSED_METHODS: Final = frozenset(
    {None, "order.place", "v3/order.place", "order.test", "v3/order.test"}
)
_MAX_DIGITS: Final = 15
#: 10**k for the places of a value (at most 40 in a valid decimal, 15 digits here).
_POWERS: Final = np.array([10.0**k for k in range(41)])
_INT_POWERS: Final = np.array([10**k for k in range(19)], dtype=np.int64)
_BIG: Final = 2**62


@attrs.define
class _Tests:
    """The comparisons of one layout (the same tests in the same order), and each
    (symbol, type) pair's values for them: its integers and its floats, flat."""

    layout: tuple[Any, ...]
    ints: list[tuple[int, ...]] = attrs.Factory(list)
    floats: list[tuple[float, ...]] = attrs.Factory(list)
    arrays: list[list[np.ndarray]] | None = None

    def add(self, ints: tuple[int, ...], floats: tuple[float, ...]) -> int:
        """Add a pair's values; its index."""
        self.ints.append(ints)
        self.floats.append(floats)
        self.arrays = None
        return len(self.ints) - 1

    def table(self, kinds: list[list[bool]]) -> list[list[np.ndarray]]:
        """Per test, its values as columns (a row per pair); ``kinds``: per test and
        value, whether it is a float."""
        if self.arrays is None:
            ints = np.array(self.ints, dtype=np.int64).reshape(len(self.ints), -1)
            floats = np.array(self.floats, dtype=np.float64).reshape(len(self.floats), -1)
            out: list[list[np.ndarray]] = []
            i = f = 0
            for test in kinds:
                columns = []
                for is_float in test:
                    if is_float:
                        columns.append(floats[:, f])
                        f += 1
                    else:
                        columns.append(ints[:, i])
                        i += 1
                out.append(columns)
            self.arrays = out
        return self.arrays


class _NoFit(Exception):
    """A number of a filter that the tests cannot hold exactly."""


@attrs.define
class Memo:
    """What a run remembers per judging snapshot: ids of values, structures and
    layouts, each pair's tests, and the verdict of each class key."""

    ids: dict[object, int] = attrs.Factory(dict)
    symbols: dict[str, tuple[int, int, int]] = attrs.Factory(dict)
    pairs: dict[tuple[str, str], tuple[int, int]] = attrs.Factory(dict)
    layouts: dict[tuple[Any, ...], int] = attrs.Factory(dict)
    tests: list[_Tests] = attrs.Factory(list)
    verdicts: dict[tuple[object, ...], Any] = attrs.Factory(dict)
    folded: dict[object, Any] = attrs.Factory(dict)
    kinds: list[list[list[bool]]] = attrs.Factory(list)

    def id_of(self, value: object) -> int:
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.ids)
        return found


@attrs.frozen
class Classes:
    """Per row its class (``-1``: odd), each class's first row and key."""

    of_row: np.ndarray
    first: np.ndarray
    keys: list[tuple[object, ...]]


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


def _symbol(
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


def _pair(
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
                number = memo.layouts.get(layout)
                if number is None:
                    number = memo.layouts[layout] = len(memo.tests)
                    memo.tests.append(_Tests(layout))
                    memo.kinds.append(kinds)
                found = (number, memo.tests[number].add(ints, floats))
        memo.pairs[key] = found
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
        # By id: the memo lives with the snapshot that holds the filter.
        key = (id(f), kind.name)
        folded = memo.folded.get(key, False)
        if folded is False:
            folded = memo.folded[key] = _flat(_filter_tests(check, f, kind, era))
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


# --------------------------------------------------------------------------- per table


@attrs.frozen
class _Decimal:
    """A decimal column: sent, digits ``n`` and places ``p`` (value ``n × 10**-p``), float."""

    present: np.ndarray
    n: np.ndarray
    p: np.ndarray
    f: np.ndarray


class _Rows:
    """What :func:`classify` gathers of a table, column by column."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.odd = np.zeros(n, dtype=bool)
        self.keys: list[np.ndarray] = []
        self.decimals: dict[str, _Decimal] = {}
        self.enums: dict[str, np.ndarray] = {}
        self.prices: dict[str, np.ndarray] = {}
        self.counts: dict[str, np.ndarray] = {}
        self.words: list[np.ndarray] = []


def classify(
    body: pa.Table,
    info: ExchangeInfo,
    info_plan: InfoPlan,
    memo: Memo,
    methods: np.ndarray | None = None,
) -> Classes:
    """The class of each row of ``body`` (see the module); ``methods``: the row's
    method id (:meth:`Memo.id_of` of the method value), ``-1`` for one judged alone."""
    n = body.num_rows
    rows = _Rows(n)
    for name in body.column_names:
        _read_column(rows, name, body[name], memo)
    if methods is not None:
        rows.odd |= methods < 0
        rows.keys.append(methods)
    # The symbol's structure and precisions; the (symbol, type) pair's tests.
    symbol_codes, symbols = _codes(body, "symbol", n)
    type_codes, types = _codes(body, "type", n)
    if symbol_codes is None or type_codes is None:  # not strings: every row alone
        rows.odd[:] = True
        return Classes(np.full(n, -1, dtype=np.int64), np.zeros(0, dtype=np.int64), [])
    per_symbol = np.array(
        [_symbol(memo, info, info_plan, s) for s in symbols], dtype=np.int64
    ).reshape(-1, 3)
    structure, base, quote = (per_symbol[:, i][symbol_codes] for i in range(3))
    rows.keys.append(structure)
    width = len(types)
    pair_codes = symbol_codes * width + type_codes
    present_pairs = np.flatnonzero(np.bincount(pair_codes, minlength=len(symbols) * width))
    layout_table = np.full(len(symbols) * width, -1, dtype=np.int64)
    index_table = np.zeros(len(symbols) * width, dtype=np.int64)
    for code in present_pairs.tolist():
        s, t = divmod(code, width)
        layout_table[code], index_table[code] = _pair(memo, info, info_plan, symbols[s], types[t])
    layout = layout_table[pair_codes]
    index = index_table[pair_codes]
    rows.odd |= layout == -2
    rows.keys.append(layout)
    _request_bits(rows, base, quote)
    side_buy = rows.enums.get("side")
    buy = side_buy == memo.id_of(("side", "BUY")) if side_buy is not None else np.zeros(n, bool)
    for group in np.unique(layout[layout >= 0]).tolist():
        picked = np.flatnonzero(layout == group)
        tests = memo.tests[group]
        _test_bits(rows, picked, index[picked], tests, memo.kinds[group], info_plan.era, buy)
    rows.keys.extend(rows.words)
    return _classes(rows, tuple(body.column_names))


def _read_column(rows: _Rows, name: str, column: pa.ChunkedArray, memo: Memo) -> None:
    n = rows.n
    null = _null(column, n)
    if name in DECIMALS:
        parsed = _parse(column, null, n)
        if parsed is None:
            rows.odd |= ~null
            return
        rows.decimals[name] = parsed
        rows.odd |= ~null & ~parsed.present
        rows.keys.append(parsed.present.astype(np.int64))
    elif name in ENUMS:
        text = _string(column)
        if text is None:
            rows.odd |= ~null
            return
        encoded = pc.dictionary_encode(text)
        values = [memo.id_of((name, v)) for v in encoded.dictionary.to_pylist()]
        ids = np.array([*values, memo.id_of((name, None))], dtype=np.int64)
        codes = pc.fill_null(encoded.indices, len(values)).to_numpy(zero_copy_only=False)
        rows.enums[name] = ids[codes]
        if name != "symbol":  # the symbol is keyed by its structure
            rows.keys.append(rows.enums[name])
    elif name in IGNORED:
        code = (~null).astype(np.int64)
        text = _string(column)
        if text is not None:
            code[_bools(pc.equal(text, ""))] = 2  # "" is -1105 (D29)
        elif name not in READ_NOT_JUDGED:
            rows.odd |= ~null  # a newClientOrderId that is not a string: judged alone
        rows.keys.append(code)
    elif name in PRICES:
        values, readable = _price(column, null, n)
        rows.odd |= ~null & ~readable
        rows.prices[name] = np.where(readable & ~null, values, np.nan)
        rows.keys.append((~null).astype(np.int64))
    elif name in COUNTS:
        counts = np.full(n, -1, dtype=np.int64)
        if pa.types.is_integer(column.type):
            try:
                filled = pc.fill_null(column.cast(pa.int64()), -1)
                counts = np.asarray(filled.to_numpy(zero_copy_only=False), dtype=np.int64)
            except pa.ArrowInvalid:  # a uint64 beyond int64: judged alone
                rows.odd |= ~null
            rows.odd |= ~null & (counts < 0)
        else:
            rows.odd |= ~null
        rows.counts[name] = np.where(null, -1, counts)
        rows.keys.append((~null).astype(np.int64))
    else:  # permissions, a parameter not classed (pegs, STP, ...), a name not read (-1104)
        rows.odd |= ~null
        rows.keys.append(np.zeros(n, dtype=np.int64))


def _request_bits(rows: _Rows, base: np.ndarray, quote: np.ndarray) -> None:
    """Per decimal: 0 or not (D37, D08's ``icebergQty > 0``), too many decimals (D38);
    ``icebergQty >= quantity`` (D07)."""
    bits = np.zeros(rows.n, dtype=np.int64)
    bit = 0
    for name, which in DECIMALS.items():
        d = rows.decimals.get(name)
        if d is None:
            continue
        most = base if which == "base" else quote
        bits |= (d.present & (d.n == 0)).astype(np.int64) << bit
        bits |= (d.present & (most >= 0) & (d.p > most)).astype(np.int64) << (bit + 1)
        bit += 2
    iceberg, quantity = rows.decimals.get("icebergQty"), rows.decimals.get("quantity")
    if iceberg is not None and quantity is not None:
        both = np.flatnonzero(iceberg.present & quantity.present)
        sign, unsure = _compare(iceberg, both, quantity.n[both], quantity.p[both], quantity.f[both])
        bits[both] |= (sign >= 0).astype(np.int64) << bit
        rows.odd[both[unsure]] = True
    rows.keys.append(bits)


def _test_bits(
    rows: _Rows,
    picked: np.ndarray,
    index: np.ndarray,
    tests: _Tests,
    kinds: list[list[bool]],
    era: Era,
    buy: np.ndarray,
) -> None:
    """The outcome of each test of one layout, for the rows ``picked`` of it."""
    out: list[np.ndarray] = []
    unsure = np.zeros(len(picked), dtype=bool)
    nothing = np.zeros(len(picked), dtype=bool)
    decimals = rows.decimals
    for test, table in zip(tests.layout, tests.table(kinds), strict=True):
        values = [column[index] for column in table]
        what = test[0]
        if what in ("ge", "le", "grid"):
            d = decimals.get(test[1])
            if d is None:
                out.append(nothing)
                continue
            present = d.present[picked]
            if what == "grid":
                on, doubt = _on_grid(d, picked, values[0], values[1])
                out.append(present & on)
            else:
                sign, doubt = _compare(d, picked, *values)
                out.append(present & ((sign >= 0) if what == "ge" else (sign <= 0)))
            unsure |= present & doubt
        elif what in ("pq_ge", "pq_le"):
            price, quantity = decimals.get("price"), decimals.get("quantity")
            if price is None or quantity is None:
                out.append(nothing)
                continue
            present = price.present[picked] & quantity.present[picked]
            product = price.f[picked] * quantity.f[picked]
            holds, doubt = _near(product, values[0], what == "pq_ge")
            out.append(present & holds)
            unsure |= present & doubt
        elif what == "band":
            reference = _market(rows, test[1], era, picked)
            price = decimals.get("price")
            if price is None:
                out.extend((nothing, nothing))
                continue
            present = price.present[picked] & ~np.isnan(reference)
            side = buy[picked]
            up = np.where(side, values[0], values[2])
            down = np.where(side, values[1], values[3])
            p = price.f[picked]
            below, doubt_up = _near(p, reference * up, False)
            above, doubt_down = _near(p, reference * down, True)
            out.append(present & ((up == 0) | below))
            out.append(present & above)
            unsure |= present & (((up != 0) & doubt_up) | ((down != 0) & doubt_down))
        elif what == "count":
            counts = rows.counts.get(test[1])
            if counts is None:
                out.append(nothing)
                continue
            mine = counts[picked]
            out.append((mine >= 0) & (mine <= values[0] - 1))
        elif what == "mn":
            quote = decimals.get("quoteOrderQty")
            if quote is not None:
                present = quote.present[picked]
                sign, doubt = _compare(quote, picked, values[0], values[1], values[2])
                out.append(present & (sign >= 0))
                unsure |= present & doubt
                if test[2]:
                    sign, doubt = _compare(quote, picked, values[3], values[4], values[5])
                    out.append(present & (sign <= 0))
                    unsure |= present & doubt
            quantity = decimals.get("quantity")
            if quantity is not None:
                reference = _market(rows, test[1], era, picked)
                present = quantity.present[picked] & ~np.isnan(reference)
                notional = quantity.f[picked] * reference
                holds, doubt = _near(notional, values[2], True)
                out.append(present & holds)
                unsure |= present & doubt
                if test[2]:
                    holds, doubt = _near(notional, values[5], False)
                    out.append(present & holds)
                    unsure |= present & doubt
        elif what == "position":
            quantity = decimals.get("quantity")
            position = rows.prices.get("basePosition")
            if quantity is None or position is None:
                out.append(nothing)
                continue
            mine = position[picked]
            present = quantity.present[picked] & ~np.isnan(mine)
            holds, doubt = _near(mine + quantity.f[picked], values[0], False)
            out.append(present & holds)
            unsure |= present & doubt
        else:  # "parts": CEIL(quantity / icebergQty) <= limit is quantity <= limit × icebergQty
            iceberg, quantity = decimals.get("icebergQty"), decimals.get("quantity")
            if iceberg is None or quantity is None:
                out.append(nothing)
                continue
            present = iceberg.present[picked] & quantity.present[picked]
            limit = values[0]
            sign, doubt = _compare(
                quantity,
                picked,
                limit * iceberg.n[picked],
                iceberg.p[picked],
                limit * iceberg.f[picked],
            )
            out.append(present & (sign <= 0))
            unsure |= present & doubt
    rows.odd[picked[unsure]] = True
    for start in range(0, len(out), 62):
        word = np.zeros(len(picked), dtype=np.int64)
        for bit, holds in enumerate(out[start : start + 62]):
            word |= holds.astype(np.int64) << bit
        number = start // 62
        while len(rows.words) <= number:
            rows.words.append(np.zeros(rows.n, dtype=np.int64))
        rows.words[number][picked] = word


def _market(rows: _Rows, mins: int | None, era: Era, picked: np.ndarray) -> np.ndarray:
    """The market price of a rule (:func:`rules.checker.eras.market_price`); NaN: none."""
    fallback = rows.prices.get("lastPrice" if mins == 0 else "avgPrice")
    chosen = np.full(len(picked), np.nan) if fallback is None else fallback[picked]
    reference = rows.prices.get("referencePrice")
    if era.reference_price and reference is not None:
        mine = reference[picked]
        chosen = np.where(np.isnan(mine), chosen, mine)
    return chosen


def _classes(rows: _Rows, columns: tuple[str, ...]) -> Classes:
    """Rows with equal keys in one class, numbered by first row; each class's key."""
    kept = np.flatnonzero(~rows.odd)
    of_row = np.full(rows.n, -1, dtype=np.int64)
    if not len(kept):
        return Classes(of_row, np.zeros(0, dtype=np.int64), [])
    parts = [np.asarray(k[kept], dtype=np.int64) for k in rows.keys]
    key = np.zeros(len(kept), dtype=np.int64)
    size = 1
    for part in parts:
        low = int(part.min())
        part = part - low
        radix = int(part.max()) + 1
        if radix == 1:
            continue
        if size * radix >= _BIG:
            key, size = _dense(key)
            if size * radix >= _BIG:
                part, radix = _dense(part)
        key = key * radix + part
        size *= radix
    dense, _ = _dense(key)
    running = np.maximum.accumulate(dense)
    first = np.flatnonzero(np.r_[True, running[1:] > running[:-1]])
    of_row[kept] = dense
    heads = kept[first]
    values = np.stack([np.asarray(k[heads], dtype=np.int64) for k in rows.keys], axis=1)
    keys = [(columns, *row) for row in values.tolist()]
    return Classes(of_row, heads, keys)


def _dense(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's rank by first appearance, and how many distinct values."""
    distinct = pc.unique(pa.array(values))
    ranks = pc.index_in(pa.array(values), value_set=distinct).to_numpy(zero_copy_only=False)
    return np.asarray(ranks, dtype=np.int64), len(distinct)


# --------------------------------------------------------------------------- numbers


def _parse(column: pa.ChunkedArray, null: np.ndarray, n: int) -> _Decimal | None:
    """A decimal column: ``present`` is false where the value is null or not a plain
    decimal of at most 15 digits (the caller judges those rows alone)."""
    text = _string(column)
    if text is None:
        return None
    if text.null_count:
        text = pc.fill_null(text, "")  # null-free: the kernels' results convert without copies
    valid = _numpy(pc.match_substring_regex(text, DECIMAL_RANGE))
    length = _numpy(pc.binary_length(text)).astype(np.int64)
    dot = _numpy(pc.find_substring(text, ".")).astype(np.int64)
    valid &= length - (dot >= 0) <= _MAX_DIGITS
    places = np.where(valid & (dot >= 0), length - dot - 1, 0)
    safe = text if valid.all() else pc.if_else(pa.array(valid), text, "0")
    floats = _numpy(pc.cast(safe, pa.float64()))
    digits = np.rint(floats * _POWERS[places]).astype(np.int64)
    return _Decimal(valid & ~null, digits, places, floats)


def _compare(
    d: _Decimal, rows: np.ndarray, n: np.ndarray, p: np.ndarray, f: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The sign of ``value - (n × 10**-p)`` per row (float ``f``), exactly; and where
    it cannot be told (integers too large to scale)."""
    x = d.f[rows]
    above = x > f * (1 + MARGIN)
    below = x < f * (1 - MARGIN)
    sign = above.astype(np.int64) - below.astype(np.int64)
    unsure = np.zeros(len(rows), dtype=bool)
    near = np.flatnonzero(~(above | below))
    if len(near):
        mine_p, their_p = d.p[rows][near], np.broadcast_to(p, x.shape)[near]
        top = np.maximum(mine_p, their_p)
        fits = np.maximum(x[near], np.broadcast_to(f, x.shape)[near]) * np.power(10.0, top) < 1e18
        scale_a = np.power(10, np.where(fits, top - mine_p, 0))
        scale_b = np.power(10, np.where(fits, top - their_p, 0))
        a = d.n[rows][near] * scale_a
        b = np.broadcast_to(n, x.shape)[near] * scale_b
        sign[near] = np.sign(a - b)
        unsure[near] = ~fits
    return sign, unsure


def _on_grid(
    d: _Decimal, rows: np.ndarray, m: np.ndarray, e: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``value % (m × 10**-e) == 0`` exactly, on the digits: ``value × 10**e`` is
    ``n × 10**(e - p)``, an integer when ``e >= p`` or when ``10**(p - e)`` divides ``n``,
    and a multiple of ``m``."""
    n, p = d.n[rows], d.p[rows]
    up = e - p
    on = np.ones(len(rows), dtype=bool)
    fine = np.flatnonzero(up < 0)  # more decimals than the grid's
    if len(fine):
        down = _INT_POWERS[-up[fine]]
        on[fine] = n[fine] % down == 0
    if not (m == 1).all():
        coarse = np.flatnonzero(up >= 0)
        whole = np.empty(len(rows), dtype=np.int64)
        whole[coarse] = (n[coarse] % m[coarse]) * (_INT_POWERS[up[coarse]] % m[coarse])
        if len(fine):
            whole[fine] = n[fine] // _INT_POWERS[-up[fine]]
        on &= whole % m == 0
    return on, np.zeros(len(rows), dtype=bool)


def _near(x: np.ndarray, bound: np.ndarray | float, low: bool) -> tuple[np.ndarray, np.ndarray]:
    """``x >= bound`` (``low``) or ``x <= bound``, and where ``x`` is within
    :data:`MARGIN` of the bound (float64 cannot tell: the row is judged alone)."""
    holds = x >= bound if low else x <= bound
    return holds, np.abs(x - bound) <= MARGIN * np.abs(bound)


def _price(column: pa.ChunkedArray, null: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A context price as float64, and where ``Context.from_mapping`` surely reads it."""
    kind = column.type
    text = _string(column)
    if text is not None:  # the plain strings of at most 20 characters from_mapping reads
        readable = _bools(pc.match_substring_regex(text, r"^[0-9]{1,20}(?:\.[0-9]{1,19})?$"))
        readable &= _ints(pc.binary_length(text), 0) <= 20
        safe = pc.if_else(pa.array(readable), text, "0")
        return np.asarray(pc.cast(safe, pa.float64()).to_numpy(zero_copy_only=False)), readable
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        values = np.asarray(
            pc.fill_null(column.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
        )
        readable = np.isfinite(values) & (values >= 0) & (values < 1e20)
        readable &= (values == 0) | (values >= 1e-20)
        return values, readable
    return np.zeros(n), np.zeros(n, dtype=bool)


# --------------------------------------------------------------------------- columns


def _codes(body: pa.Table, name: str, n: int) -> tuple[np.ndarray | None, list[object]]:
    """Dictionary codes of a string column (nulls: the last code) and its values."""
    if name not in body.column_names:
        return np.zeros(n, dtype=np.int64), [None]
    text = _string(body[name])
    if text is None:
        return None, []
    encoded = pc.dictionary_encode(text)
    values: list[object] = [*encoded.dictionary.to_pylist(), None]
    codes = pc.fill_null(encoded.indices, len(values) - 1).to_numpy(zero_copy_only=False)
    return np.asarray(codes, dtype=np.int64), values


def _string(column: pa.ChunkedArray | pa.Array) -> pa.Array | None:
    kind = column.type
    dictionary = pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type)
    if dictionary or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        column = column.cast(pa.string())
    elif not pa.types.is_string(kind):
        return None
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _null(column: pa.ChunkedArray, n: int) -> np.ndarray:
    if pa.types.is_floating(column.type):
        return _bools(pc.is_null(column, nan_is_null=True))
    if column.null_count == 0:
        return np.zeros(n, dtype=bool)
    return _bools(pc.is_null(column))


def _numpy(values: pa.Array) -> np.ndarray:
    """A null-free array as numpy."""
    return np.asarray(values.to_numpy(zero_copy_only=False))


def _bools(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _ints(values: pa.Array | pa.ChunkedArray, fill: int) -> np.ndarray:
    return np.asarray(pc.fill_null(values, fill).to_numpy(zero_copy_only=False), dtype=np.int64)


def method_ids(column: pa.ChunkedArray, memo: Memo) -> np.ndarray:
    """Per row the method's id (``-1``: a method judged alone, :data:`CLASSED_METHODS`)."""
    text = _string(column)
    if text is None:  # not strings: each row alone, but the nulls (order.place)
        null = _null(column, len(column))
        return np.where(null, memo.id_of(("method", None)), -1)
    encoded = pc.dictionary_encode(text)
    values = [*encoded.dictionary.to_pylist(), None]
    ids = np.array(
        [memo.id_of(("method", v)) if v in CLASSED_METHODS else -1 for v in values],
        dtype=np.int64,
    )
    codes = pc.fill_null(encoded.indices, len(values) - 1).to_numpy(zero_copy_only=False)
    return ids[np.asarray(codes, dtype=np.int64)]
