"""``rules check``'s batched path: JSON Lines judged by chunks through the columnar engine.

The per-line path (:mod:`rules.cli.check`) reads a line, judges it with
:func:`~rules.checker.evaluate.evaluate` and writes its verdict. This path reads
:data:`CHUNK_LINES` lines at a time, parses each with the same decoder, puts the
ordinary ones in columns (one per parameter and context key) and judges them with
the columnar engine (:func:`rules.batch.engine.verdicts_of`): rows of a class share
the verdict ``evaluate`` gives its first row, odd rows are judged by ``evaluate``
itself. Each distinct verdict becomes its output line once, through the per-line
path's own formatting, so that the output is the per-line path's, byte for byte.

When (``--format json`` without ``--explain``; see ``rules.cli.check``):

- the ``batch`` extra (pyarrow, numpy) is installed;
- the input is a regular file (``rules check < orders.jsonl``) or an in-memory
  stream with no file descriptor; a terminal, a pipe or a socket is read line by
  line, as before: a bot that writes one order and waits for its answer is never
  kept waiting for a chunk to fill;
- no ``--context`` defaults are given (a line's own context is fine).

Which lines go in columns: a JSON object of parameters whose values are all strings,
or ``{"params": {...}}`` with at most a ``"context"`` object beside it whose keys are
context prices (plain strings ``Context.from_mapping`` reads) and counts (integers
in range), with its keys in the order of the chunk's columns (the order the request
errors of one stage are listed in, such as ``-1105``, follows the order sent).
Every other line (blank, malformed, too long, not UTF-8, nested deeply, with a
``method``, a number or ``null`` among its parameters, a context with
``permissions`` or a value ``Context.from_mapping`` refuses, ...) is judged on its
own by the per-line path, in its place; so is the whole chunk if the engine fails.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, compress, count, islice, repeat
from typing import Any, Final

from rules.batch.engine import verdicts_of
from rules.batch.patterns import COUNTS, PRICES
from rules.checker.context import MAX_COUNT, Context
from rules.checker.violations import Verdict
from rules.cli.lines import scan_json
from rules.model.models import ExchangeInfo
from rules.model.numbers import MAX_INTEGER_DIGITS, PLAIN_DECIMAL

__all__ = ["CHUNK_CHARS", "CHUNK_LINES", "run"]

#: The lines judged at once: large enough that the engine's work per class and per
#: (symbol, type) is shared by many rows, small enough to keep memory flat.
CHUNK_LINES: Final = 1 << 14
#: The most characters of lines judged at once (long lines make smaller chunks).
CHUNK_CHARS: Final = 1 << 23
#: Parameter names that are not put in columns (a line sending one is judged alone):
#: the context columns' names, and the wrapper's.
_RESERVED: Final = frozenset(PRICES | COUNTS | {"permissions", "params", "context", "method"})
#: What the engine remembers for the run, by value, stays bounded: a parameter name
#: longer than this (no name order.place reads is), a symbol the snapshot does not
#: have, or a longer side, type or timeInForce is judged alone (``-1104``, ``-1121``,
#: ...), as the per-line path remembers no unknown name (tests/test_hostile_input.py).
_LONGEST_NAME: Final = 64
_LONGEST_ENUM: Final = 32
_ENUMS: Final = frozenset({"symbol", "side", "type", "timeInForce"})
_EMPTY: Final[dict[str, Any]] = {}  # never changed
_NONE_TYPE: Final = type(None)

#: The output line of input line ``number`` judged on its own (the per-line path).
Alone = Callable[[int, str], str]
#: The output line of a verdict of a line that names no method.
Shown = Callable[[Verdict], str]


def run(
    info: ExchangeInfo,
    lines: Iterator[str],
    alone: Alone,
    shown: Shown,
    write: Callable[[str], object],
) -> None:
    """Write the output line of every line of ``lines``, in order, a chunk at a time.

    The cyclic garbage collector pauses while a chunk is judged: the chunk's parsed
    lines and columns hold no cycles (reference counting frees them), and a full
    collection would walk them and the whole snapshot again and again (about a
    sixth of the time on a million lines). It runs again between chunks.
    """
    first = 0
    collecting = gc.isenabled()
    while True:
        chunk = _take(lines)
        if not chunk:
            return
        gc.disable()
        try:
            text = "".join(_chunk(info, chunk, first, alone, shown))
        finally:
            if collecting:
                gc.enable()
        write(text)
        first += len(chunk)


def _take(lines: Iterator[str]) -> list[str]:
    """The next chunk: :data:`CHUNK_LINES` lines, fewer if they reach :data:`CHUNK_CHARS`
    (each line is at most ``MAX_LINE`` characters: memory stays bounded)."""
    chunk: list[str] = []
    append = chunk.append
    total = 0
    for line in islice(lines, CHUNK_LINES):
        append(line)
        total += len(line)
        if total >= CHUNK_CHARS:
            break
    return chunk


def _chunk(
    info: ExchangeInfo, chunk: list[str], first: int, alone: Alone, shown: Shown
) -> list[str]:
    """The output lines of ``chunk``, whose first line is number ``first + 1``."""
    params: list[dict[str, Any]] = []
    contexts: list[Mapping[str, Any]] = []
    apart: set[int] = set()  # the lines judged alone, by index in the chunk
    add_params, add_context = params.append, contexts.append
    scan = scan_json
    for i, line in enumerate(chunk):
        # Cheap first: anything unusual is the per-line path's to judge and word. A
        # line put in columns is an object of strings (and counts) at most 2 deep,
        # within MAX_DEPTH; the rest (too deep included) is set apart below.
        if line.__class__ is str:  # else not UTF-8, or too long
            try:
                obj, end = scan(line, 0)  # what the per-line decoder reads, no space first
            except Exception:  # not JSON, blank, ...: the per-line path says what
                obj = end = None
            if obj.__class__ is dict and (line[end:] == "\n" or end == len(line)):
                own = obj.get("params", _EMPTY)
                if own is _EMPTY:
                    add_params(obj)
                    add_context(_EMPTY)
                    continue
                if own.__class__ is dict and (
                    len(obj) == 1 or (len(obj) == 2 and "context" in obj)
                ):
                    context = obj.get("context")
                    if context is None or context.__class__ is dict:
                        add_params(own)
                        add_context(context or _EMPTY)
                        continue
        add_params(_EMPTY)  # a row that sends nothing, answered alone
        add_context(_EMPTY)
        apart.add(i)
    try:
        out = _judge_rows(info, params, contexts, shown, apart)
    except Exception:  # the net: a line never ends the run (issue 17); judged alone
        out = None
    if out is None:
        out, apart = [""] * len(chunk), set(range(len(chunk)))
    for i in sorted(apart):
        out[i] = alone(first + i + 1, chunk[i])
    return out


def _judge_rows(
    info: ExchangeInfo,
    params: list[dict[str, Any]],
    contexts: list[Mapping[str, Any]],
    shown: Shown,
    apart: set[int],
) -> list[str] | None:
    """The output lines of the rows (``""`` for a row set apart, which is added to
    ``apart``); ``None`` when the engine fails (every row is then judged alone)."""
    keys = list(map(tuple, params))
    shapes = Counter(keys)
    order = _columns_order(shapes, keys, apart)
    param_values = {name: _values(params, name) for name in order}
    for name, values in param_values.items():
        if name in _RESERVED or len(name) > _LONGEST_NAME:
            apart.update(j for j, p in enumerate(params) if name in p)
        else:
            sent = sum(count for shape, count in shapes.items() if name in shape)
            _strings_only(values, sent, params, name, apart)
            if name in _ENUMS:
                _bounded(values, name, info, apart)
    context_names = dict.fromkeys(chain.from_iterable(contexts))
    context_values = {name: _values(contexts, name) for name in context_names}
    for name, values in context_values.items():
        if name in PRICES:
            _prices(values, name, apart)
        elif name in COUNTS:
            _counts(values, apart)
        else:  # permissions, or a key Context.from_mapping refuses
            apart.update(j for j, c in enumerate(contexts) if name in c)
    columns = _columns(param_values, context_values, apart)
    if not columns:  # no column at all ({} only, or every row apart): nothing to class
        return None
    try:
        try:
            verdicts, position = verdicts_of(columns, info)
        except UnicodeEncodeError:  # a lone surrogate ("\ud800" in the JSON): judged alone
            for values in columns.values():
                apart.update(
                    j for j, v in enumerate(values) if v.__class__ is str and _unencodable(v)
                )
            columns = _columns(param_values, context_values, apart)
            if not columns:
                return None
            verdicts, position = verdicts_of(columns, info)
    except Exception:  # the per-line path judges (and words) whatever went wrong
        return None
    # Only the verdicts of rows not set apart are shown (and count for the exit code).
    kept = position
    if apart:
        kept = position.copy()
        for j in apart:
            kept[j] = -1
    used = set(kept)
    texts = [shown(v) if k in used else "" for k, v in enumerate(verdicts)]
    return list(map(texts.__getitem__, position))


def _columns(
    param_values: dict[str, list[Any]], context_values: dict[str, list[Any]], apart: set[int]
) -> dict[str, list[Any]]:
    """The columns of the rows not set apart (those send nothing here: they are judged
    too, then answered alone); a column no row sends is left out."""
    wanted = [(n, v) for n, v in param_values.items() if n not in _RESERVED]
    columns: dict[str, list[Any]] = {}
    for name, values in chain(wanted, context_values.items()):
        for j in apart:
            values[j] = None
        if values.count(None) < len(values):
            columns[name] = values
    return columns


def _unencodable(value: str) -> bool:
    if value.isascii():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _columns_order(
    shapes: Counter[tuple[str, ...]], keys: list[tuple[str, ...]], apart: set[int]
) -> list[str]:
    """The parameter names in an order every row sends its own in; a row that sends
    them in an order the more common rows contradict is set apart (the request errors
    of a stage, such as ``-1105``, are listed in the order sent)."""
    first_seen = {name: k for k, name in enumerate(dict.fromkeys(chain.from_iterable(shapes)))}
    #: Per name, every name that comes before it (transitively) in the shapes taken.
    before: dict[str, set[str]] = {name: set() for name in first_seen}
    odd = set()
    for shape, _ in shapes.most_common():
        if any(later in before[name] for k, name in enumerate(shape) for later in shape[k + 1 :]):
            odd.add(shape)
            continue
        for k, name in enumerate(shape[1:], 1):
            earlier = set(shape[:k]).union(*(before[e] for e in shape[:k]))
            for other, preceding in before.items():
                if other == name or name in preceding:
                    preceding |= earlier
    if odd:
        apart.update(compress(count(), map(odd.__contains__, keys)))
    # A name after another has more names before it: sorting by their number orders them.
    return sorted(first_seen, key=lambda name: (len(before[name]), first_seen[name]))


def _values(rows: list[Any], name: str) -> list[Any]:
    """The column of ``name``: each row's value, ``None`` where it is not sent."""
    return list(map(dict.get, rows, repeat(name)))


def _strings_only(
    values: list[Any], sent: int, rows: list[dict[str, Any]], name: str, apart: set[int]
) -> None:
    """Set apart the rows whose ``name`` (sent by ``sent`` rows) is not a string (a
    number, ``null``, ...)."""
    kinds = set(map(type, values))
    if kinds - {str, _NONE_TYPE}:
        apart.update(j for j, v in enumerate(values) if v is not None and v.__class__ is not str)
    if len(values) - values.count(None) < sent:  # null sent by some
        apart.update(j for j, v in enumerate(values) if v is None and name in rows[j])


def _bounded(values: list[Any], name: str, info: ExchangeInfo, apart: set[int]) -> None:
    """Set apart the rows whose symbol the snapshot does not have, or whose side, type
    or timeInForce is longer than :data:`_LONGEST_ENUM` (see there)."""
    texts = _distinct_texts(values)
    if name == "symbol":
        odd = {v for v in texts if v not in info}
    else:
        odd = {v for v in texts if len(v) > _LONGEST_ENUM}
    if odd:
        apart.update(j for j, v in enumerate(values) if v.__class__ is str and v in odd)


def _distinct_texts(values: list[Any]) -> set[str]:
    """The distinct strings of a column."""
    return {v for v in _distinct(values) if v.__class__ is str}


def _distinct(values: list[Any]) -> Iterable[Any]:
    """The distinct values of a column, but a list or an object (not hashable)."""
    try:
        return set(values)
    except TypeError:  # a list or an object among them
        return values


def _prices(values: list[Any], name: str, apart: set[int]) -> None:
    """Set apart the rows whose context price is not a string ``Context.from_mapping``
    reads (a JSON number is read too, but not in a string column)."""
    kinds = set(map(type, values)) - {_NONE_TYPE}
    if kinds - {str}:
        apart.update(j for j, v in enumerate(values) if v is not None and v.__class__ is not str)
    texts = _distinct_texts(values)
    refused = {v for v in texts if not _readable(name, v)}
    if refused:
        apart.update(j for j, v in enumerate(values) if v.__class__ is str and v in refused)


def _readable(name: str, value: str) -> bool:
    if len(value) <= MAX_INTEGER_DIGITS and PLAIN_DECIMAL.fullmatch(value) and value[0] != "-":
        return True  # Context.from_mapping's own common case: it reads this one
    try:
        Context.from_mapping({name: value})
    except ValueError:
        return False
    return True


def _counts(values: list[Any], apart: set[int]) -> None:
    """Set apart the rows whose count is not an integer (``true`` is not one) in range."""
    kinds = set(map(type, values)) - {_NONE_TYPE}
    if kinds - {int}:
        apart.update(j for j, v in enumerate(values) if v is not None and v.__class__ is not int)
    if kinds & {int}:
        present = {v for v in _distinct(values) if v.__class__ is int}
        if min(present) < 0 or max(present) > MAX_COUNT:
            apart.update(
                j for j, v in enumerate(values) if v.__class__ is int and not 0 <= v <= MAX_COUNT
            )
