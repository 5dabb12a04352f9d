"""Pattern classes: the rows ``evaluate`` surely judges alike, found on whole columns.

:func:`classify` gives each row of a table a *class*: rows of one class have

- the same value of every enum parameter (``symbol``'s rules, ``type``, ``side``,
  ``timeInForce``) and of the ``method`` (``order.place`` or ``order.test``, D41);
- the same parameters and context keys sent (null, or NaN in a float column, is not
  sent; ``newClientOrderId`` and the names order.place reads and never judges
  (``timestamp``, ...) only as not sent, ``""`` or anything else; a name it does not
  read only as sent or not: its ``-1104`` names it and counts the names sent, D52);
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
(``trailingDelta``, pegs, STP, strategies), a context value
``Context.from_mapping`` might refuse, ``permissions``, a SOR method, and every
row of a symbol and type one of whose filters does not fold (an unknown filter,
D25; an old-era grid off zero, D17). MAX_POSITION, whose fold declines a live
limit, is compared as ``basePosition + quantity <= maxPosition`` (D16).

Single values are compared exactly: a value is its digits as an integer ``n``
and its decimals ``p`` (``n × 10**-p``, ``n`` below 10**15, so float64 holds
``n`` and ``round(float(value) × 10**p)`` is ``n``), compared in float64 where
they differ by more than :data:`MARGIN` and in integers scaled to the same
decimals otherwise; a grid is an integer remainder (:mod:`rules.batch.columns`).

May import: pyarrow, numpy, attrs, :mod:`rules.batch.arrays`, :mod:`rules.batch.columns`,
:mod:`rules.batch.folds`, :mod:`rules.batch.outcomes`, :mod:`rules.checker`,
:mod:`rules.model`.
"""

from __future__ import annotations

from typing import Final

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.batch.arrays import from_numpy, numbers_of, scalar
from rules.batch.columns import (
    MARGIN,
    Digits,
    bools,
    codes,
    compare,
    context_price,
    integers,
    nulls,
    parse_decimals,
    strings,
)
from rules.batch.folds import Memo, pairs_of_rows, symbol_rules
from rules.batch.outcomes import bit_places, outcomes
from rules.checker.context import CONTEXT_KEYS
from rules.checker.order import READ, READ_NOT_JUDGED
from rules.checker.plans import InfoPlan
from rules.model.models import ExchangeInfo

__all__ = ["MARGIN", "Classes", "Memo", "classify"]

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
_BIG: Final = 2**62


@attrs.frozen
class Classes:
    """Per row its class (``-1``: odd), each class's first row and key."""

    of_row: np.ndarray
    first: np.ndarray
    keys: list[tuple[object, ...]]


# --------------------------------------------------------------------------- per table


class _Rows:
    """What :func:`classify` gathers of a table, column by column."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.odd = np.zeros(n, dtype=bool)
        self.keys: list[np.ndarray] = []
        #: Parts of the key that are a column's own codes: per part, each code's id
        #: (the key of a class holds ids, the same in every table; rows are
        #: told apart by their codes, read from the column once).
        self.ids: dict[int, np.ndarray] = {}
        self.decimals: dict[str, Digits] = {}
        #: Per row whether its side is BUY.
        self.buy: np.ndarray | None = None
        self.coded: dict[str, tuple[np.ndarray, list[object]]] = {}
        self.prices: dict[str, np.ndarray] = {}
        self.counts: dict[str, np.ndarray] = {}
        self.words: list[np.ndarray] = []
        #: Small codes (a column sent or not, ...) packed into bytes (then int64 words).
        self.packed: list[np.ndarray] = []
        self.packed_bits = 8

    def pack(self, code: np.ndarray, bits: int = 1) -> None:
        """Add a code of ``bits`` bits to the row's key."""
        if self.packed_bits + bits > 8:
            self.packed.append(np.zeros(self.n, dtype=np.uint8))
            self.packed_bits = 0
        self.packed[-1] |= code.astype(np.uint8) << self.packed_bits
        self.packed_bits += bits

    def packed_words(self) -> None:
        """Add the packed bytes to the key, seven a word (an int64 that stays positive)."""
        for start in range(0, len(self.packed), 7):
            group = self.packed[start : start + 7]
            if len(group) == 1:
                self.keys.append(group[0])
                continue
            word = np.zeros((self.n, 8), dtype=np.uint8)
            for i, byte in enumerate(group):
                word[:, i] = byte
            self.keys.append(word.view("<i8")[:, 0])


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
    rows.packed_words()
    if methods is not None:
        rows.odd |= methods < 0
        rows.keys.append(methods)
    # The symbol's structure and precisions; the (symbol, type) pair's tests.
    nothing: tuple[np.ndarray, list[object]] = (np.zeros(n, dtype=np.int64), [None])
    symbol_codes, symbols = rows.coded.get("symbol", nothing)
    type_codes, types = rows.coded.get("type", nothing)
    per_symbol = np.array(
        [symbol_rules(memo, info, info_plan, s) for s in symbols], dtype=np.int64
    ).reshape(-1, 3)
    # No precision (-1), or one above any places read (at most 15): none too many.
    per_symbol[:, 1:][(per_symbol[:, 1:] < 0) | (per_symbol[:, 1:] > 127)] = 127
    structure = per_symbol[:, 0][symbol_codes]
    base, quote = (per_symbol[:, i].astype(np.int8)[symbol_codes] for i in (1, 2))
    rows.keys.append(structure)
    layout, pair, slots = pairs_of_rows(
        memo, info, info_plan, symbols, types, symbol_codes, type_codes
    )
    rows.odd |= layout == -2
    rows.keys.append(layout)
    _request_bits(rows, base, quote)
    buy = rows.buy if rows.buy is not None else np.zeros(n, dtype=bool)
    words, unsure = outcomes(
        slots,
        bit_places(list(memo.slot_tests)),
        memo.layout_slots,
        layout,
        pair,
        (rows.decimals, rows.counts, rows.prices),
        buy,
        info_plan.era,
    )
    rows.odd |= unsure
    rows.keys.extend(words)
    # What the key's parts are (the same columns may come with or without methods,
    # with more or fewer outcome words): part of the key.
    header = (tuple(body.column_names), methods is not None, len(words))
    return _classes(rows, header)


def _read_column(rows: _Rows, name: str, column: pa.ChunkedArray, memo: Memo) -> None:
    n = rows.n
    null = nulls(column, n)
    if name in DECIMALS:
        parsed = parse_decimals(column, null, n)
        if parsed is None:
            rows.odd |= ~null
            return
        rows.decimals[name] = parsed
        rows.odd |= ~null & ~parsed.present
        rows.pack(parsed.present)
    elif name in ENUMS:
        found, values = codes(column, n)
        if found is None:
            rows.odd |= ~null
            return
        rows.coded[name] = (found, values)
        if name == "side":
            rows.buy = np.array([v == "BUY" for v in values], dtype=bool)[found]
        if name != "symbol":  # the symbol is keyed by its structure
            rows.ids[len(rows.keys)] = np.array(
                [memo.id_of((name, v)) for v in values], dtype=np.int64
            )
            rows.keys.append(found)
    elif name in IGNORED:
        code = (~null).astype(np.int64)
        text = strings(column)
        if text is not None:
            code[bools(pc.equal(text, scalar("", pa.string())))] = 2  # "" is -1105 (D29)
        elif name not in READ_NOT_JUDGED:
            rows.odd |= ~null  # a newClientOrderId that is not a string: judged alone
        rows.pack(code, 2)
    elif name in PRICES:
        rows.prices[name], unread = context_price(column, null, n)
        rows.odd |= unread
        rows.pack(~null)
    elif name in COUNTS:
        counts = np.full(n, -1, dtype=np.int64)
        if pa.types.is_integer(column.type):
            try:
                counts = np.where(null, -1, integers(column.cast(pa.int64())))
            except pa.ArrowInvalid:  # a uint64 beyond int64: judged alone
                rows.odd |= ~null
            rows.odd |= ~null & (counts < 0)
        else:
            rows.odd |= ~null
        rows.counts[name] = counts
        rows.pack(~null)
    elif name in READ or name == "permissions":  # pegs, STP, strategies, trailingDelta
        rows.odd |= ~null
    else:  # a name order.place does not read: its -1104 names it and counts what is sent (D52)
        rows.pack(~null)


def _request_bits(rows: _Rows, base: np.ndarray, quote: np.ndarray) -> None:
    """Per decimal: 0 or not (D37, D08's ``icebergQty > 0``), too many decimals (D38,
    ``base``/``quote``: the row's precisions, 127 for none); ``icebergQty >= quantity`` (D07)."""
    bits = np.zeros(rows.n, dtype=np.uint16)
    bit = 0
    places = {"base": base, "quote": quote}
    for name, which in DECIMALS.items():
        d = rows.decimals.get(name)
        if d is None:
            continue
        code = (d.f == 0).view(np.uint8)  # 0 (a value not sent reads 0 too: masked)
        code |= np.greater(d.p, places[which]).view(np.uint8) << 1  # too many places (D38)
        code &= d.present.view(np.uint8) * np.uint8(3)
        bits |= code.astype(np.uint16) << bit
        bit += 2
    iceberg, quantity = rows.decimals.get("icebergQty"), rows.decimals.get("quantity")
    if iceberg is not None and quantity is not None:
        both = np.flatnonzero(iceberg.present & quantity.present)
        sign, unsure = compare(
            iceberg.take(both), quantity.n[both], quantity.p[both], quantity.f[both]
        )
        bits[both] |= (sign >= 0).astype(np.uint16) << bit
        rows.odd[both[unsure]] = True
    rows.keys.append(bits)


def _classes(rows: _Rows, header: tuple[object, ...]) -> Classes:
    """Rows with equal keys in one class, numbered by first row; each class's key."""
    kept = np.flatnonzero(~rows.odd)
    if not len(kept):
        return Classes(np.full(rows.n, -1, dtype=np.int64), np.zeros(0, dtype=np.int64), [])
    # The parts in one int64 per row, on every row (an odd row's parts are numbers
    # too), then the rows kept; in place (a new array costs its pages).
    key = np.zeros(rows.n, dtype=np.int64)
    size = 1
    for part in rows.keys:
        low, high = int(part.min()), int(part.max())
        radix = high - low + 1
        if radix == 1:
            continue
        if size * radix >= _BIG:
            key, size = _dense(key)
            if size * radix >= _BIG:
                part, radix = _dense(part)
                low = 0
        key *= radix
        key += part
        if low:
            key -= low
        size *= radix
    every = len(kept) == rows.n
    dense, _ = _dense(key if every else key[kept])
    running = np.maximum.accumulate(dense)
    first = np.flatnonzero(np.r_[True, running[1:] > running[:-1]])
    if every:
        of_row = dense
    else:
        of_row = np.full(rows.n, -1, dtype=np.int64)
        of_row[kept] = dense
    heads = kept[first]
    values = np.stack(
        [
            np.asarray(k[heads] if i not in rows.ids else rows.ids[i][k[heads]], dtype=np.int64)
            for i, k in enumerate(rows.keys)
        ],
        axis=1,
    )
    keys = [(header, *row) for row in values.tolist()]
    return Classes(of_row, heads, keys)


def _dense(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's rank by first appearance, and how many distinct values."""
    encoded = pc.dictionary_encode(from_numpy(values))
    return numbers_of(encoded.indices).astype(np.int64), len(encoded.dictionary)


def method_ids(column: pa.ChunkedArray, memo: Memo) -> np.ndarray:
    """Per row the method's id (``-1``: a method judged alone, :data:`CLASSED_METHODS`)."""
    found, values = codes(column, len(column))
    if found is None:  # not strings: each row alone, but the nulls (order.place)
        null = nulls(column, len(column))
        return np.where(null, memo.id_of(("method", None)), -1)
    ids = np.array(
        [memo.id_of(("method", v)) if v in CLASSED_METHODS else -1 for v in values],
        dtype=np.int64,
    )
    return np.asarray(ids[found], dtype=np.int64)
