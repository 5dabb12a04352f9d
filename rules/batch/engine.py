"""The columnar check: :func:`check_table` and :func:`check_batches`.

A table of orders has one column per ``order.place`` parameter (wire names:
``symbol``, ``side``, ``price``, ...), optionally context columns (the context keys,
camelCase: ``avgPrice``, ``openOrders``, ...), a time column (with a snapshot
cache: the snapshot in force at each row's time judges it) and columns to keep
(copied to the output, not read as parameters). A null (or a float NaN) is "not
sent". The output has, per row and in row order, ``accepted`` (bool),
``violations`` (list of ``{code, msg, filterType, leg}``) and ``unchecked`` (list of
string), the columns kept first.

How each verdict is made, so that it is exactly :func:`~rules.checker.evaluate.evaluate`'s:

1. :func:`rules.batch.patterns.classify` puts the rows in *classes*, on whole
   columns: rows of one class have the same enum values, the same parameters
   and context keys sent, a symbol of the same structure, and the same outcome of
   every comparison the symbol's filters make of their numbers (each filter's own
   fold, :data:`rules.checker.bounds.FOLDS`), exactly (integer digits, float64
   only with a margin). ``evaluate``'s verdict (codes, messages, filterTypes,
   their order, ``unchecked``) depends on a row only through these, so
   ``evaluate`` judges the first row of each class (on its general path:
   :mod:`rules.batch.rows`) and the class takes its verdict; a run remembers the
   verdict of each class (a Parquet file's batches share them).
2. A row whose class cannot be told exactly (an odd number, a value near a
   bound, a parameter not classed, a filter that does not fold, a SOR method) is
   judged by :func:`~rules.checker.evaluate.evaluate` alone (:mod:`rules.batch.rows`),
   its params and context read from the row (nulls, and NaN in float columns, left out).

So a change to the checker's rules changes the batch's verdicts with it: every
verdict is ``evaluate``'s, and the comparisons are folded from the same checks.
The ``method`` column: ``order.place`` (null) and ``order.test`` (D41) are classed;
``sor.order.place``/``sor.order.test`` and any other name are judged row by row by
``evaluate(..., method=...)`` (the order lists, cancel-replace and amend with
their own parameter columns, ``leg`` filled for a list, D45; an unknown name is
``-1020``, D40).
"""

from __future__ import annotations

import hashlib
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, cast

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.batch.arrays import bools_of, from_numpy, numbers_of, strings_of
from rules.batch.patterns import COUNTS, Memo, classify, method_ids
from rules.batch.rows import exact
from rules.batch.threads import in_order
from rules.checker.context import CONTEXT_KEYS, Context
from rules.checker.eras import Era
from rules.checker.plans import plan_of
from rules.checker.violations import Verdict
from rules.edge.cache import Snapshot, SnapshotCache
from rules.errors import SnapshotNotFoundError
from rules.model.models import ExchangeInfo

__all__ = ["VERDICT_SCHEMA", "BatchStats", "check_batches", "check_table", "verdicts_of"]

#: One violation in the output table.
VIOLATION_TYPE: Final = pa.struct(
    [
        ("code", pa.int32()),
        ("msg", pa.string()),
        ("filterType", pa.string()),
        ("leg", pa.string()),
    ]
)
VIOLATION_LIST: Final = pa.list_(VIOLATION_TYPE)
UNCHECKED_LIST: Final = pa.list_(pa.string())
#: The verdict columns of the output (after the columns kept).
VERDICT_SCHEMA: Final = pa.schema(
    [("accepted", pa.bool_()), ("violations", VIOLATION_LIST), ("unchecked", UNCHECKED_LIST)]
)
#: The context columns: the context keys (camelCase).
CONTEXT_COLUMNS: Final = CONTEXT_KEYS
#: The most rows judged at once (a larger table is judged in slices of this size).
SLICE_ROWS: Final = 1 << 17
#: The memory pool of the verdict tables (see the end of :func:`_judge`).
_OUTPUT_POOL: Final = pa.system_memory_pool()


@attrs.define
class BatchStats:
    """What a run did: rows judged, rows given their class's verdict (``screened``),
    and calls of ``evaluate`` (``exact``: one per new class, one per odd row)."""

    rows: int = 0
    screened: int = 0
    exact: int = 0


Rules = ExchangeInfo | SnapshotCache


def check_table(
    orders: Any,
    rules: Rules,
    *,
    time_column: str | None = None,
    keep: Sequence[str] = (),
    context: Mapping[str, Any] | None = None,
    stats: BatchStats | None = None,
    threads: int | None = 1,
) -> pa.Table:
    """Judge every order of a table; the verdicts, in row order, as a table.

    Args:
        orders: a ``pyarrow.Table`` or ``RecordBatch``, a pandas DataFrame, or any
            object with ``__arrow_c_stream__`` (a polars DataFrame).
        rules: the snapshot (an ``ExchangeInfo``), or a
            :class:`~rules.edge.cache.SnapshotCache`: each row is then judged by the
            snapshot in force at its ``time_column`` (in that snapshot's rule era).
        time_column: milliseconds since the epoch (an integer column) or an Arrow
            timestamp (UTC); needed with a cache, not read as a parameter.
        keep: columns copied to the output (first, in this order), not read as parameters.
        context: defaults for the context keys the table has no column for.
        stats: counts of this run, added to.
        threads: how many slices of :data:`SLICE_ROWS` rows are judged at once
            (numpy and Arrow work without Python's lock, the glue between them
            holds it); ``None``: Arrow's CPU count, at most
            :data:`rules.batch.threads.MOST_THREADS`. More than one pays on cores
            with nothing else to do (1.6x with two); on cores other work keeps
            busy, threads wait for each other's lock and are slower than one.

    Raises:
        ValueError: a bad column (a context value that cannot be read, a null time,
            an unknown ``method``, ...), naming the column and the row.
        SnapshotNotFoundError: a row's time is before every snapshot of the cache.
    """
    table = as_table(orders)
    snapshots = _Snapshots(rules)
    counts = stats or BatchStats()
    if table.num_rows <= SLICE_ROWS:
        return _check(table, snapshots, time_column, tuple(keep), context, counts, 0)
    jobs = (
        _job(table.slice(start, SLICE_ROWS), snapshots, time_column, tuple(keep), context, start)
        for start in range(0, table.num_rows, SLICE_ROWS)
    )
    done = in_order(jobs, threads, snapshots.cold())
    return pa.concat_tables(list(_counted(done, counts)))


def check_batches(
    batches: Iterable[Any],
    rules: Rules,
    *,
    time_column: str | None = None,
    keep: Sequence[str] = (),
    context: Mapping[str, Any] | None = None,
    stats: BatchStats | None = None,
    threads: int | None = 1,
) -> Iterator[pa.Table]:
    """:func:`check_table` for a stream of batches (a Parquet file's row groups), one
    verdict table per batch, in order, so that memory stays that of a few batches
    (``threads`` of them judged at once, as :func:`check_table`'s slices, while the
    caller reads the next and writes the last). Snapshots are loaded once per run."""
    snapshots = _Snapshots(rules)
    counts = stats or BatchStats()

    def jobs() -> Iterator[Callable[[], tuple[pa.Table, BatchStats]]]:
        first_row = 0
        for batch in batches:
            table = as_table(batch)
            yield _job(table, snapshots, time_column, tuple(keep), context, first_row)
            first_row += table.num_rows

    yield from _counted(in_order(jobs(), threads, snapshots.cold()), counts)


def _job(
    table: pa.Table,
    snapshots: _Snapshots,
    time_column: str | None,
    keep: tuple[str, ...],
    context: Mapping[str, Any] | None,
    first_row: int,
) -> Callable[[], tuple[pa.Table, BatchStats]]:
    """The check of one slice or batch, and its counts (added in order: :func:`_counted`)."""

    def run() -> tuple[pa.Table, BatchStats]:
        counts = BatchStats()
        return _check(table, snapshots, time_column, keep, context, counts, first_row), counts

    return run


def _counted(done: Iterator[tuple[pa.Table, BatchStats]], stats: BatchStats) -> Iterator[pa.Table]:
    """The tables of jobs done, in order, their counts added to ``stats``."""
    for table, counts in done:
        stats.rows += counts.rows
        stats.screened += counts.screened
        stats.exact += counts.exact
        yield table


def as_table(orders: Any) -> pa.Table:
    """A ``pyarrow.Table`` of ``orders`` (a Table, a RecordBatch, a pandas or polars DataFrame).

    Raises:
        TypeError: none of these.
    """
    if isinstance(orders, pa.Table):
        return orders
    if isinstance(orders, pa.RecordBatch):
        return pa.Table.from_batches([orders])
    if hasattr(orders, "__arrow_c_stream__"):
        return pa.table(orders)
    if type(orders).__module__.startswith("pandas"):
        return pa.Table.from_pandas(orders, preserve_index=False)
    raise TypeError(
        "orders: expected a pyarrow Table or RecordBatch, or a pandas or polars DataFrame, "
        f"got {type(orders).__name__}"
    )


# --------------------------------------------------------------------------- snapshots per row


class _Snapshots:
    """The rules of a run: one snapshot, or a cache's timeline with each snapshot loaded once."""

    def __init__(self, rules: Rules) -> None:
        #: Held while a snapshot is loaded or its memo made (threads share a run).
        self.lock = threading.RLock()
        self.cache: SnapshotCache | None = None
        self.info: ExchangeInfo | None = None
        self.memos: dict[int, Memo] = {}
        self.by_era: dict[Era | None, Memo] = {}
        if isinstance(rules, SnapshotCache):
            self.cache = rules
            self.timeline: list[Snapshot] = rules.in_force()
            self.times = np.array([s.server_time for s in self.timeline], dtype=np.int64)
            self.loaded: dict[int, ExchangeInfo] = {}
            #: Loaded snapshots by what judging depends on: two days with the same
            #: rules in the same era share one (and its compiled plans).
            self.same: dict[object, int] = {}
            self.representative: dict[int, int] = {}
        elif isinstance(rules, ExchangeInfo):
            self.info = rules
        else:
            raise TypeError(
                f"rules: expected an ExchangeInfo or a SnapshotCache, got {type(rules).__name__}"
            )

    def memo(self, index: int, era: Era | None) -> Memo:
        """What the run remembers of the snapshot ``index`` (``-1``: the one snapshot,
        remembered by the process: :func:`memo_of`); the snapshots of one era share
        class verdicts (:meth:`Memo.sharing`)."""
        if index == -1:
            assert self.info is not None
            return memo_of(self.info)
        with self.lock:
            found = self.memos.get(index)
            if found is None:
                first = self.by_era.get(era)
                found = self.memos[index] = Memo() if first is None else first.sharing()
                self.by_era.setdefault(era, found)
            return found

    def cold(self) -> bool:
        """Whether the one snapshot has no class verdicts yet (its first table): the
        first slice is judged alone, so that the classes it finds are judged once,
        not by every thread at once."""
        return self.info is not None and not memo_of(self.info).verdicts

    def load(self, index: int) -> ExchangeInfo:
        with self.lock:
            info = self.loaded.get(index)
            if info is None:
                assert self.cache is not None
                info = self.loaded[index] = self.cache.load(self.timeline[index])
            return info

    def judged_by(self, index: int) -> int:
        """The index of the snapshot that judges like snapshot ``index``: the first one
        with the same content but ``serverTime`` in the same rule era (D17), so that
        only it is loaded (read, not loaded: two days with the same rules share one
        loaded snapshot and its compiled plans)."""
        with self.lock:
            found = self.representative.get(index)
            if found is None:
                found = self.same.setdefault(_rules_key(self.timeline[index]), index)
                self.representative[index] = found
            return found


#: The memo of each ``ExchangeInfo`` judged in this process, by ``id()`` (an entry
#: leaves with its snapshot), so that every table judged against a snapshot (the
#: partitions of a Dask worker, a notebook's calls) shares its folds and verdicts.
_MEMOS: dict[int, tuple[weakref.ref[ExchangeInfo], Memo]] = {}
_MEMOS_LOCK: Final = threading.Lock()
#: Class verdicts a memo keeps at most (then it starts afresh).
_MOST_VERDICTS: Final = 200_000


def memo_of(info: ExchangeInfo) -> Memo:
    """The process's memo of ``info`` (see :data:`_MEMOS`)."""
    key = id(info)
    found = _MEMOS.get(key)
    if found is None or found[0]() is not info:
        with _MEMOS_LOCK:
            found = _MEMOS.get(key)
            if found is None or found[0]() is not info:
                found = _MEMOS[key] = (weakref.ref(info), Memo())
                weakref.finalize(info, _MEMOS.pop, key, None)
    memo = found[1]
    if len(memo.verdicts) > _MOST_VERDICTS:
        memo.verdicts.clear()
    return memo


def _rules_key(snapshot: Snapshot) -> object:
    """What judging with a snapshot depends on: its rule era (by ``serverTime``, the one
    use of the time, D17) and a digest of everything else its file holds. Two files
    that differ only in their ``serverTime`` digits hold the same rules."""
    try:
        text = snapshot.read_text()
    except OSError:
        return snapshot.path  # not readable: loading it reports why
    times = _SERVER_TIME.findall(text)
    if len(times) != 1:
        return snapshot.path  # not the one top-level serverTime: loaded on its own
    rest = _SERVER_TIME.sub('"serverTime":0', text)
    return Era.at(int(times[0])), hashlib.sha256(rest.encode()).digest()


#: A ``serverTime`` key and its value, as a snapshot file writes it.
_SERVER_TIME: Final = re.compile(r'"serverTime"\s*:\s*([0-9]+)')


def _millis(column: pa.ChunkedArray, name: str, first_row: int) -> np.ndarray:
    kind = column.type
    if pa.types.is_timestamp(kind):
        column = column.cast(pa.timestamp("ms", tz=kind.tz)).cast(pa.int64())
    elif pa.types.is_integer(kind):
        column = column.cast(pa.int64())
    else:
        raise ValueError(
            f"column {name!r}: expected milliseconds since the epoch (integers) or "
            f"timestamps, got {kind}"
        )
    if column.null_count:
        row = first_row + int(np.flatnonzero(bools_of(column.is_null()))[0])
        raise ValueError(f"column {name!r}, row {row}: the time is null")
    return numbers_of(column)


# --------------------------------------------------------------------------- the check


def _check(
    table: pa.Table,
    snapshots: _Snapshots,
    time_column: str | None,
    keep: tuple[str, ...],
    defaults: Mapping[str, Any] | None,
    stats: BatchStats,
    first_row: int,
) -> pa.Table:
    names = table.column_names
    for name in (*keep, *((time_column,) if time_column is not None else ())):
        if name not in names:
            raise ValueError(f"no column {name!r} in the orders (columns: {', '.join(names)})")
    kept = table.select(list(keep))
    methods = table["method"] if "method" in names else None
    skip = {*keep, "method", *((time_column,) if time_column is not None else ())}
    body = table.select([n for n in names if n not in skip])
    body = _with_defaults(body, defaults)
    n = table.num_rows
    if snapshots.info is not None:
        verdicts = _judge(
            body, snapshots.info, stats, first_row, np.arange(n), snapshots.memo(-1, None), methods
        )
    else:
        if time_column is None:
            raise ValueError("a snapshot cache judges each row at its time: name the time_column")
        ms = _millis(table[time_column], time_column, first_row)
        index = np.searchsorted(snapshots.times, ms, side="right") - 1
        if n and index.min() < 0:
            row = int(np.flatnonzero(index < 0)[0])
            assert snapshots.cache is not None
            raise SnapshotNotFoundError(
                f"row {first_row + row}: no snapshot in {str(snapshots.cache.directory)!r} "
                f"at or before serverTime {int(ms[row])}"
            )
        distinct = np.unique(index)
        judges = np.array([snapshots.judged_by(int(k)) for k in distinct], dtype=np.int64)
        index = judges[np.searchsorted(distinct, index)]
        judges_used = np.unique(index)
        if not len(judges_used):
            verdicts = VERDICT_SCHEMA.empty_table()
        elif len(judges_used) == 1:  # one set of rules for every row: no reordering
            k = int(judges_used[0])
            info = snapshots.load(k)
            memo = snapshots.memo(k, plan_of(info).era)
            verdicts = _judge(body, info, stats, first_row, np.arange(n), memo, methods)
        else:
            parts: list[pa.Table] = []
            order: list[np.ndarray] = []
            for k in judges_used.tolist():
                rows = np.flatnonzero(index == k)
                taken = from_numpy(rows)
                part = body.take(taken)
                own = methods.take(taken) if methods is not None else None
                info = snapshots.load(k)
                memo = snapshots.memo(k, plan_of(info).era)
                parts.append(_judge(part, info, stats, first_row, rows, memo, own))
                order.append(rows)
            joined = pa.concat_tables(parts)
            inverse = np.empty(n, dtype=np.int64)
            inverse[np.concatenate(order)] = np.arange(n)
            verdicts = joined.take(from_numpy(inverse))
    out = kept
    for name in VERDICT_SCHEMA.names:
        out = out.append_column(VERDICT_SCHEMA.field(name), verdicts[name])
    return out


def _with_defaults(body: pa.Table, defaults: Mapping[str, Any] | None) -> pa.Table:
    if not defaults:
        return body
    Context.from_mapping(defaults)  # a bad default is reported once, up front
    for key, value in defaults.items():
        if value is None:
            continue
        if key in body.column_names:
            raise ValueError(
                f"context default {key!r}: the orders have a column {key!r} too; "
                "give one or the other"
            )
        body = body.append_column(key, pa.array([value] * body.num_rows))
    return body


def verdicts_of(
    columns: Mapping[str, Sequence[object]], info: ExchangeInfo
) -> tuple[list[Verdict], list[int]]:
    """The verdicts of rows given as columns of Python values against ``info``, as
    :func:`check_table` makes them, before they become a table: the distinct verdicts
    (by what the output shows of them) and, per row, the index of its own.

    ``rules check`` judges its JSON Lines by chunks with this (:mod:`rules.cli.batched`).
    The columns are parameters and context keys (no ``method``, time, kept or default
    columns), equally long, ``None`` where not sent: strings, integers for the context
    counts (:data:`rules.batch.patterns.COUNTS`).

    Raises:
        UnicodeEncodeError: a string that is not Unicode text (a lone surrogate).
    """
    # pa.array converts Python lists in C, faster than building them on buffers here
    # (rules.batch.arrays); it imports pandas, if installed, once a process.
    table = pa.table(
        {
            name: pa.array(values, pa.int64() if name in COUNTS else pa.string())
            for name, values in columns.items()
        }
    )
    verdicts, position = _verdicts(
        table, info, BatchStats(), 0, np.arange(table.num_rows), memo_of(info), None
    )
    return verdicts, position.tolist()


def _judge(
    body: pa.Table,
    info: ExchangeInfo,
    stats: BatchStats,
    first_row: int,
    rows: np.ndarray,
    memo: Memo,
    methods: pa.ChunkedArray | None,
) -> pa.Table:
    """The verdicts of ``body`` (rows of the input numbered ``rows``) against ``info``;
    equal verdicts are built once and expanded by index (``take``)."""
    verdicts, position = _verdicts(body, info, stats, first_row, rows, memo, methods)
    if not verdicts:
        return VERDICT_SCHEMA.empty_table()
    table = _distinct_table(verdicts)
    # The output, the one large buffer that outlives the call, from the system
    # allocator: a process's first tables grow Arrow's default pool (mimalloc) at a
    # far higher cost per page than malloc's (measured 0.3 s of a first 1M-row
    # table), and a verdict table is written once and read, not reallocated.
    return pc.take(table, from_numpy(position), memory_pool=_OUTPUT_POOL)


def _verdicts(
    body: pa.Table,
    info: ExchangeInfo,
    stats: BatchStats,
    first_row: int,
    rows: np.ndarray,
    memo: Memo,
    methods: pa.ChunkedArray | None,
) -> tuple[list[Verdict], np.ndarray]:
    """The distinct verdicts of ``body`` (rows of the input numbered ``rows``) against
    ``info``, and per row the index of its own.

    Each class of rows (:func:`rules.batch.patterns.classify`) takes the verdict
    ``evaluate`` gives its first row (remembered for the run in ``memo``); every odd
    row is judged by ``evaluate`` alone.
    """
    n = body.num_rows
    info_plan = plan_of(info)
    ids = method_ids(methods, memo) if methods is not None else None
    classes = classify(body, info, info_plan, memo, ids)
    known = memo.verdicts  # shared by threads (and cleared when large): read once a key
    found: list[tuple[Verdict, int] | None] = list(map(known.get, classes.keys))
    missing = [i for i, entry in enumerate(found) if entry is None]
    if missing:
        picked = classes.first[missing]
        for i, verdict in zip(
            missing, exact(body, info, picked, first_row, rows, methods), strict=True
        ):
            found[i] = known[classes.keys[i]] = (verdict, memo.shown_id(_shown(verdict)))
    entries = [_filled(entry) for entry in found] if missing else cast(_Entries, found)
    rest = np.flatnonzero(classes.of_row < 0)
    if len(rest):
        judged = exact(body, info, rest, first_row, rows, methods)
        entries += [(v, memo.shown_id(_shown(v))) for v in judged]
    # Each entry's output number, then the outputs used numbered from 0 (their verdicts
    # listed once), the classes' first, the odd rows' after them.
    numbers = np.fromiter((e[1] for e in entries), dtype=np.int64, count=len(entries))
    used, first = np.unique(numbers, return_index=True)
    verdicts = [entries[i][0] for i in first.tolist()]
    local = np.searchsorted(used, numbers)
    count = len(classes.keys)
    position = np.empty(n, dtype=np.int64)
    classed = classes.of_row >= 0
    if len(rest):
        position[classed] = local[classes.of_row[classed]]
        position[rest] = local[count:]
    else:
        np.take(local, classes.of_row, out=position)
    stats.rows += n
    stats.screened += n - len(rest)
    stats.exact += len(rest) + len(missing)
    return verdicts, position


#: A class's (or an odd row's) verdict and its output number (:meth:`Memo.shown_id`).
_Entries = list[tuple[Verdict, int]]


def _filled(entry: tuple[Verdict, int] | None) -> tuple[Verdict, int]:
    assert entry is not None  # every class's verdict known or just judged
    return entry


def _shown(verdict: Verdict) -> tuple[object, ...]:
    """What the output shows of a verdict (equal keys: equal output rows)."""
    return (
        verdict.accepted,
        verdict.unchecked,
        *[(v.code, v.msg, v.filter_type, v.leg) for v in verdict.violations],
    )


def _distinct_table(verdicts: list[Verdict]) -> pa.Table:
    """The verdict table of ``verdicts`` (a row each), built on Arrow's buffers
    (:mod:`rules.batch.arrays`: no ``pa.array``, which imports pandas)."""
    every = [v for verdict in verdicts for v in verdict.violations]
    names = [name for verdict in verdicts for name in verdict.unchecked]
    struct = pa.StructArray.from_arrays(
        [
            from_numpy(np.array([v.code for v in every], dtype=np.int32)),
            strings_of([v.msg for v in every]),
            strings_of([v.filter_type for v in every]),
            strings_of([v.leg for v in every]),  # the order of a list it is about (D45)
        ],
        fields=list(VIOLATION_TYPE),
    )
    return pa.table(
        [
            from_numpy(np.array([v.accepted for v in verdicts], dtype=bool)),
            pa.ListArray.from_arrays(
                _offsets([len(v.violations) for v in verdicts]), struct, VIOLATION_LIST
            ),
            pa.ListArray.from_arrays(
                _offsets([len(v.unchecked) for v in verdicts]), strings_of(names), UNCHECKED_LIST
            ),
        ],
        schema=VERDICT_SCHEMA,
    )


def _offsets(counts: list[int]) -> pa.Array:
    offsets = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return from_numpy(offsets)
