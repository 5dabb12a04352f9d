"""Arrow arrays to and from numpy and Python values, built on their buffers.

pyarrow imports pandas, when it is installed, at the first ``pa.array``,
``to_numpy`` or Python scalar given to a compute function (0.2-0.3 s a process;
``rules check --input`` does not otherwise need it). The engine builds and reads
its arrays here instead, on the buffers, which never asks. (Rows given as Python
lists, ``rules check``'s JSON Lines, still go through ``pa.array``: its conversion
in C is faster than one here.)

May import: pyarrow, numpy.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import repeat
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["bools_of", "from_numpy", "numbers_of", "scalar", "strings_of"]

#: numpy dtypes of the Arrow types read and built here.
_DTYPES = {
    pa.int8(): np.int8,
    pa.int16(): np.int16,
    pa.int32(): np.int32,
    pa.int64(): np.int64,
    pa.uint8(): np.uint8,
    pa.uint16(): np.uint16,
    pa.uint32(): np.uint32,
    pa.uint64(): np.uint64,
    pa.float32(): np.float32,
    pa.float64(): np.float64,
}
_TYPES = {np.dtype(v): k for k, v in _DTYPES.items()}


def _one(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()
    return values


def numbers_of(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An integer or float array's values, read in place (a null's slot: any value)."""
    array = _one(values)
    data = array.buffers()[1]
    dtype = _DTYPES[array.type]
    if data is None:  # no rows
        return np.zeros(len(array), dtype=dtype)
    return np.frombuffer(data, dtype=dtype)[array.offset : array.offset + len(array)]


def bools_of(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean array's values (a null's slot: any value)."""
    array = _one(values)
    data = array.buffers()[1]
    if data is None:  # no rows
        return np.zeros(len(array), dtype=bool)
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
    return bits[array.offset : array.offset + len(array)].view(bool)


def from_numpy(values: np.ndarray) -> pa.Array:
    """A numpy array of numbers or booleans as an Arrow array without nulls."""
    if values.dtype == np.bool_:
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])
    own = np.ascontiguousarray(values)
    return pa.Array.from_buffers(_TYPES[own.dtype], len(own), [None, pa.py_buffer(own)])


def _validity(values: Sequence[Any], missing: int) -> pa.Buffer | None:
    """The validity bitmap of ``values`` (``None`` where null; ``missing`` of them)."""
    if not missing:
        return None
    sent = np.fromiter(map(operator.is_not, values, repeat(None)), dtype=bool, count=len(values))
    return pa.py_buffer(np.packbits(sent, bitorder="little"))


def strings_of(values: Sequence[str | None]) -> pa.Array:
    """Python strings (``None``: null) as an Arrow string array.

    Raises:
        UnicodeEncodeError: a string that is not Unicode text (a lone surrogate).
        TypeError: a value that is not a string.
    """
    items = list(values)
    count = len(items)
    missing = items.count(None)
    filled: list[str] = ["" if v is None else v for v in items] if missing else items  # type: ignore[assignment]
    text = "".join(filled)
    data = text.encode()
    if len(data) == len(text):  # ASCII: a byte a character
        lengths = np.fromiter(map(len, filled), dtype=np.int64, count=count)
    else:
        lengths = np.fromiter((len(v.encode()) for v in filled), dtype=np.int64, count=count)
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] >= 2**31:  # beyond a string array's offsets
        raise OverflowError("strings_of: more than 2 GiB of text")
    return pa.StringArray.from_buffers(
        count,
        pa.py_buffer(offsets.astype(np.int32)),
        pa.py_buffer(data),
        _validity(items, missing),
        missing,
    )


def scalar(value: int | float | str | bool, kind: pa.DataType) -> pa.Scalar:
    """``value`` as an Arrow scalar of type ``kind`` (an argument of a compute function)."""
    if isinstance(value, str):
        return strings_of([value]).cast(kind)[0]
    if isinstance(value, bool):
        return from_numpy(np.array([value])).cast(kind)[0]
    return from_numpy(np.array([value], dtype=_DTYPES.get(kind, np.float64))).cast(kind)[0]
