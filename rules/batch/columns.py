"""Columns as numpy: decimals as digits and places, compared exactly; strings, nulls.

The numbers of :mod:`rules.batch.patterns`: a decimal string is read as its digits
``n`` (an integer below 10**15, so that float64 holds it and
``round(float(value) × 10**p)`` is ``n``) and its places ``p`` as written (D39);
values are compared in float64 where they differ by more than :data:`MARGIN` and
in integers scaled to the same places otherwise; a grid is an integer remainder;
products are compared in float64 only, and a product within :data:`MARGIN` of
its bound is reported (the caller judges that row alone).

May import: pyarrow, numpy, :mod:`rules.batch.arrays`, :mod:`rules.checker.order` (the legal
range, D29).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.batch.arrays import bools_of, from_numpy, numbers_of, scalar

__all__ = [
    "MARGIN",
    "MAX_DIGITS",
    "Digits",
    "at_least",
    "bools",
    "codes",
    "compare",
    "context_price",
    "integers",
    "ints",
    "near",
    "nulls",
    "numpy_of",
    "on_grid",
    "parse_decimals",
    "strings",
]

#: Relative margin of the float comparisons (a million times float64's error: a
#: float64 of a decimal is within 2**-53 of it, a product of two within 2**-51).
MARGIN: Final = 1e-9
#: The most digits of a decimal read here (a longer one: the row is judged alone).
MAX_DIGITS: Final = 15
#: 10**k for the places of a value.
_POWERS: Final = np.array([10.0**k for k in range(41)])
_INT_POWERS: Final = np.array([10**k for k in range(19)], dtype=np.int64)


@attrs.frozen
class Digits:
    """A decimal column: sent, digits ``n`` (int64) and places ``p`` (int8; value
    ``n × 10**-p``), float."""

    present: np.ndarray
    n: np.ndarray
    p: np.ndarray
    f: np.ndarray

    def take(self, rows: np.ndarray | None) -> Digits:
        """The rows ``rows`` (``None``: all)."""
        if rows is None:
            return self
        return Digits(self.present[rows], self.n[rows], self.p[rows], self.f[rows])


def parse_decimals(column: pa.ChunkedArray, null: np.ndarray, n: int) -> Digits | None:
    """A decimal column: ``present`` is false where the value is null or not a plain
    decimal of at most 15 digits (the caller judges those rows alone)."""
    if pa.types.is_dictionary(column.type):  # already by distinct values
        coded = _repeating(column)
        if coded is not None:
            return _by_value(*coded)
    text = strings(column)
    if text is None:
        return None
    sent, text, null = _sparse(text, null)
    coded = _repeating(text)
    d = _by_value(*coded) if coded is not None else _digits(text, null)
    if sent is None:
        return d
    return Digits(
        _spread(d.present, sent, n, False),
        _spread(d.n, sent, n, 0),
        _spread(d.p, sent, n, 0),
        _spread(d.f, sent, n, 0.0),
    )


def _by_value(where: np.ndarray, values: pa.Array) -> Digits:
    """The digits of rows given as the index of their value among ``values`` (one
    past the last: null), each distinct value read once."""
    d = _digits(values, np.zeros(len(values), dtype=bool))
    return Digits(
        np.append(d.present, False)[where],
        np.append(d.n, 0)[where],
        np.append(d.p, np.int8(0))[where],
        np.append(d.f, 0.0)[where],
    )


def _digits(text: pa.Array, null: np.ndarray) -> Digits:
    """The digits of a string array (``null`` its nulls), read on its bytes."""
    length, dot, plain = _scan(text, null)
    dotted = dot >= 0
    # D29's range, ``^([0-9]{1,20})(\\.[0-9]{1,20})?$``, holds every plain decimal of
    # at most MAX_DIGITS (15) digits: each side has at most 15.
    valid = plain & (length <= MAX_DIGITS + dotted.view(np.int8))
    # The places: the bytes after the dot (none without one, or not valid).
    wide = np.subtract(length, dot + 1, dtype=np.int32)
    wide *= valid & dotted
    places = wide.astype(np.int8)
    floats = _floats(text, valid, null)
    scaled = np.take(_POWERS, places)
    scaled *= floats
    digits = np.rint(scaled, out=scaled).astype(np.int64)
    return Digits(valid, digits, places, floats)


#: The rows of a column sampled to tell whether its values repeat, and the most
#: distinct values (a share of those sent) for a column read by its distinct values.
_SAMPLE: Final = 4096
_REPEATING: Final = 1 / 2


def _repeating(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, pa.Array] | None:
    """A string column whose values repeat (a context price: one per symbol and
    minute; a Parquet dictionary) as, per row, the index of its value (a null: one
    past the last) and the distinct values; ``None`` otherwise (or not strings)."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        if not pa.types.is_string(kind.value_type):
            return None
        unified = column.unify_dictionaries()
        if not unified.num_chunks or unified.chunks[0].dictionary.null_count:
            return None
        values = unified.chunks[0].dictionary
        indices = pa.chunked_array([c.indices for c in unified.chunks], kind.index_type)
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        sample = column.slice(0, _SAMPLE)
        sent = len(sample) - sample.null_count
        # The distinct values sent (``unique`` lists a null too; twice as fast as
        # ``count_distinct``).
        if sent < 64 or len(pc.unique(sample)) - bool(sample.null_count) > sent * _REPEATING:
            return None
        encoded = pc.dictionary_encode(column)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.unify_dictionaries()
            if not encoded.num_chunks:
                return None
            values = encoded.chunks[0].dictionary
            indices = pa.chunked_array([c.indices for c in encoded.chunks], pa.int32())
        else:
            values, indices = encoded.dictionary, encoded.indices
        values = values.cast(pa.string())
    else:
        return None
    if indices.null_count:
        indices = pc.fill_null(indices, scalar(len(values), indices.type))
    where = numbers_of(indices)
    return where, values


def _sparse(text: pa.Array, null: np.ndarray) -> tuple[np.ndarray | None, pa.Array, np.ndarray]:
    """A column mostly null: the rows sent, their strings and their nulls (none),
    so that only the values sent are read (the caller spreads its results back);
    otherwise ``None``, the column and its nulls, read row by row."""
    if text.null_count * 4 <= len(text):
        return None, text, null
    sent = np.flatnonzero(~null)
    return sent, _compact(text, sent), np.zeros(len(sent), dtype=bool)


def _compact(text: pa.Array, sent: np.ndarray) -> pa.Array:
    """The strings of the rows ``sent`` (those not null, in order): when the nulls'
    slots between them hold no bytes (as Arrow writes them), the same bytes under
    offsets of their own (no copy); otherwise Arrow's ``drop_null``."""
    buffers = text.buffers()
    if not len(sent) or buffers[2] is None:
        return pc.drop_null(text)
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[text.offset : text.offset + len(text) + 1]
    starts = offsets[sent]
    ends = offsets[sent + 1]
    if not np.array_equal(starts[1:], ends[:-1]):  # a null's slot keeps bytes
        return pc.drop_null(text)
    own = np.append(starts, ends[-1])
    return pa.StringArray.from_buffers(len(sent), pa.py_buffer(own), buffers[2])


def _spread(values: np.ndarray, rows: np.ndarray, n: int, fill: object) -> np.ndarray:
    """``values`` of ``rows`` at their place in ``n`` rows, ``fill`` elsewhere."""
    out = np.full(n, fill, dtype=values.dtype)
    out[rows] = values
    return out


def _floats(text: pa.Array, valid: np.ndarray, null: np.ndarray) -> np.ndarray:
    """The strings as float64 (Arrow's correctly rounded reading), 0 where not ``valid``."""
    if not (valid | null).all():  # a string that is not a number: not read
        read = pc.if_else(from_numpy(valid), text, scalar("0", pa.string()))
        return numpy_of(pc.cast(read, pa.float64()))
    floats = pc.cast(text, pa.float64())  # a null is not read
    if not floats.null_count:
        return numpy_of(floats)
    values = np.frombuffer(floats.buffers()[1], dtype=np.float64)
    return np.where(valid, values[floats.offset : floats.offset + len(floats)], 0.0)


def _scan(text: pa.Array, null: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per string its length in bytes, the position of its first dot (-1: none),
    and whether it is *plain*: sent, digits and at most one dot, at least one digit
    on each side of a dot; read on the bytes in one pass."""
    n = len(text)
    buffers = text.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[text.offset : text.offset + n + 1]
    length = np.diff(offsets)  # int32, as the offsets
    if buffers[2] is None or not n:
        data = np.zeros(0, dtype=np.uint8)
    else:
        data = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    # Per byte: not a digit (a last 0 so that every start is an index).
    other = np.zeros(len(data) + 1, dtype=bool)
    np.greater(data - np.uint8(48), 9, out=other[:-1])
    found = pc.find_substring(text, ".")
    dot = np.frombuffer(found.buffers()[1], dtype=np.int32)[found.offset : found.offset + n]
    nulls = bool(text.null_count)
    if nulls:
        dot = np.where(null, np.int32(-1), dot)  # a null's slot holds no value
    dotted = dot >= 0
    if int(np.count_nonzero(other)) == int(np.count_nonzero(dotted)):
        # A string sent with a dot has at least that byte not a digit: as many such
        # bytes (a null's slot counted too) as dotted strings sent, each string's one
        # byte not a digit is its dot.
        plain = length >= 1
    else:
        starts = offsets[:-1] - offsets[0]
        others = np.add.reduceat(other, starts, dtype=np.int32)
        plain = (length >= 1) & (others == dotted)  # the one byte not a digit is the dot
    plain &= (dot != 0) & (dot != length - 1)
    if nulls:
        plain &= ~null
    return length, dot, plain


def compare(
    d: Digits, n: np.ndarray, p: np.ndarray, f: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The sign of ``value - (n × 10**-p)`` per row (``f``: its float64, correctly
    rounded; ``d`` row for row), exactly; and where it cannot be told (integers too
    large to scale). Correct rounding is monotonic: floats that differ order their
    decimals alike, so only the rows of equal floats are compared on the digits."""
    x = d.f
    sign = np.greater(x, f).view(np.int8) - np.less(x, f).view(np.int8)
    tie = np.flatnonzero(x == f)
    exact, unsure = _exact_sign(d, tie, n[tie], p[tie], f[tie])
    sign[tie] = exact
    return sign, unsure


def at_least(
    d: Digits,
    f: np.ndarray,
    low: bool,
    digits_at: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    rounded: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """``value >= n × 10**-p`` (``low``) or ``value <= n × 10**-p`` per row, as
    :func:`compare` tells it (``d`` row for row, ``f`` the bound's float); and
    where it cannot be told. ``digits_at(rows)``: the bound's ``n`` and ``p`` at
    those rows, asked only for the rows float64 cannot tell: equal floats when
    ``f`` is the bound correctly rounded (``rounded``, as :func:`compare`), else
    (a product of floats) those within :data:`MARGIN` of it."""
    x = d.f
    if rounded:
        holds = np.greater_equal(x, f) if low else np.less_equal(x, f)
        near = np.flatnonzero(x == f)
    else:
        above = x > f * (1 + MARGIN)
        below = x < f * (1 - MARGIN)
        near = np.flatnonzero(~(above | below))
        holds = ~below if low else ~above
    if len(near):
        exact, unsure = _exact_sign(d, near, *digits_at(near), f[near])
        holds[near] = exact >= 0 if low else exact <= 0
        return holds, unsure
    return holds, np.zeros(len(x), dtype=bool)


def _exact_sign(
    d: Digits, near: np.ndarray, n: np.ndarray, p: np.ndarray, f: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The sign of ``value - (n × 10**-p)`` at the rows ``near`` (``n``, ``p``,
    ``f`` theirs), in integers scaled to the same places; and the rows (of all)
    where they do not fit in int64."""
    x = d.f
    unsure = np.zeros(len(x), dtype=bool)
    if not len(near):
        return np.zeros(0, dtype=np.int64), unsure
    mine_p = d.p[near].astype(np.int64)  # int8 as read: scaled in int64
    top = np.maximum(mine_p, np.asarray(p, dtype=np.int64))
    fits = np.maximum(x[near], f) * np.power(10.0, top) < 1e18
    scale_a = np.power(10, np.where(fits, top - mine_p, 0))
    scale_b = np.power(10, np.where(fits, top - p, 0))
    a = d.n[near] * scale_a
    b = n * scale_b
    unsure[near] = ~fits
    return np.sign(a - b), unsure


def on_grid(d: Digits, m: np.ndarray, e: np.ndarray, mine: np.ndarray) -> np.ndarray:
    """``value % (m × 10**-e) == 0`` exactly (``d`` row for row, ``m`` and ``e`` per
    pair, ``mine`` the rows' pairs), on the digits: ``value × 10**e`` is
    ``n × 10**(e - p)``, an integer when ``e >= p`` or when ``10**(p - e)`` divides
    ``n``, and a multiple of ``m`` (only the rows of a pair whose ``m`` is not 1
    are divided by it)."""
    n = d.n
    up = np.take(e, mine) - d.p
    on = np.ones(len(n), dtype=bool)
    fine = np.flatnonzero(up < 0)  # more decimals than the grid's
    if len(fine):
        on[fine] = n[fine] % _INT_POWERS[-up[fine]] == 0
    other = m != 1
    if other.any():
        rows = np.flatnonzero(np.take(other, mine))
        mult, shift, digits = m[mine[rows]], up[rows], n[rows]
        whole = np.empty(len(rows), dtype=np.int64)
        coarse = shift >= 0
        # n × 10**up modulo m, without overflow: both factors below m (< 2**31).
        whole[coarse] = (digits[coarse] % mult[coarse]) * (
            _INT_POWERS[shift[coarse]] % mult[coarse]
        )
        whole[~coarse] = digits[~coarse] // _INT_POWERS[-shift[~coarse]]
        on[rows] &= whole % mult == 0
    return on


def near(x: np.ndarray, bound: np.ndarray | float, low: bool) -> tuple[np.ndarray, np.ndarray]:
    """``x >= bound`` (``low``) or ``x <= bound``, and where ``x`` is within
    :data:`MARGIN` of the bound (float64 cannot tell: the row is judged alone)."""
    holds = x >= bound if low else x <= bound
    return holds, np.abs(x - bound) <= MARGIN * np.abs(bound)


def context_price(
    column: pa.ChunkedArray, null: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """A context price as float64 where ``Context.from_mapping`` surely reads it (NaN
    elsewhere: not sent, or not surely read), and where it is sent but not surely
    read (the caller judges those rows alone)."""
    kind = column.type
    text = strings(column)
    if text is not None:  # the plain strings of at most 20 characters from_mapping reads
        sent, text, null = _sparse(text, null)
        coded = _repeating(text)
        if coded is not None:  # each distinct value read once
            where, values = coded
            prices, unread = _price(values, np.zeros(len(values), dtype=bool))
            prices, unread = np.append(prices, np.nan)[where], np.append(unread, False)[where]
        else:
            prices, unread = _price(text, null)
        if sent is None:
            return prices, unread
        return _spread(prices, sent, n, np.nan), _spread(unread, sent, n, False)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        zero = scalar(0.0, pa.float64())
        values = numbers_of(pc.fill_null(column.cast(pa.float64()), zero))
        readable = np.isfinite(values) & (values >= 0) & (values < 1e20)
        readable &= (values == 0) | (values >= 1e-20)
        return np.where(readable & ~null, values, np.nan), ~readable & ~null
    return np.full(n, np.nan), ~null


def _price(text: pa.Array, null: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`context_price` of a string array, read on its bytes."""
    length, dot, readable = _scan(text, null)
    # ^[0-9]{1,20}(\.[0-9]{1,19})?$, at most 20 characters
    readable &= (length <= 20) & ((dot < 0) | (length - dot - 1 <= 19))
    floats = np.where(readable, _floats(text, readable, null), np.nan)
    unread = ~readable
    unread &= ~null
    return floats, unread


def codes(column: pa.ChunkedArray, n: int) -> tuple[np.ndarray | None, list[object]]:
    """Dictionary codes of a string column (int32) and its values, ``None`` for a
    null (a value may come twice: ``None`` is last too); ``None`` if it does not
    hold strings. A column that is a dictionary of strings already (a Parquet
    file's, pandas' categories) is read as its codes."""
    kind = column.type
    if (
        isinstance(column, pa.ChunkedArray)
        and pa.types.is_dictionary(kind)
        and pa.types.is_string(kind.value_type)
    ):
        unified = column.unify_dictionaries()
        chunks = unified.chunks
        if chunks and not chunks[0].dictionary.null_count:
            values: list[object] = [*chunks[0].dictionary.to_pylist(), None]
            indices = pa.chunked_array([c.indices for c in chunks]).cast(pa.int32())
            if indices.null_count:
                indices = pc.fill_null(indices, scalar(len(values) - 1, pa.int32()))
            return numbers_of(indices), values
    text = strings(column)
    if text is None:
        return None, []
    # A null encoded as a value of its own (faster than nulls left in the indices).
    encoded = pc.dictionary_encode(text, null_encoding="encode")
    values = [*encoded.dictionary.to_pylist(), None]
    return numbers_of(encoded.indices), values


def strings(column: pa.ChunkedArray | pa.Array) -> pa.Array | None:
    kind = column.type
    dictionary = pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type)
    if dictionary or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        column = column.cast(pa.string())
    elif not pa.types.is_string(kind):
        return None
    if isinstance(column, pa.ChunkedArray):  # one chunk (a slice's): taken as it is
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return column


def nulls(column: pa.ChunkedArray, n: int) -> np.ndarray:
    if pa.types.is_floating(column.type):
        return bools(pc.is_null(column, nan_is_null=True))
    if column.null_count == 0:
        return np.zeros(n, dtype=bool)
    return bools(pc.is_null(column))


def numpy_of(values: pa.Array) -> np.ndarray:
    """A null-free array of numbers as numpy."""
    return numbers_of(values)


def bools(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if values.null_count:
        values = pc.fill_null(values, scalar(False, pa.bool_()))
    return bools_of(values)


def integers(values: pa.ChunkedArray) -> np.ndarray:
    """An int64 column's values as numpy, read in place (a null's slot: any value)."""
    chunk = values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()
    data = chunk.buffers()[1]
    if data is None:  # no rows
        return np.zeros(len(chunk), dtype=np.int64)
    return np.frombuffer(data, dtype=np.int64)[chunk.offset : chunk.offset + len(chunk)]


def ints(values: pa.Array | pa.ChunkedArray, fill: int) -> np.ndarray:
    filled = pc.fill_null(values, scalar(fill, values.type))
    return numbers_of(filled).astype(np.int64)
