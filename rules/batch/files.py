"""Parquet files in, Parquet or JSON Lines verdicts out, batch by batch.

:func:`check_parquet_file` reads the orders by batch (a Parquet file's row groups,
at most ``batch_rows`` rows at a time) and hands each batch's verdicts to the
writer before the next is read, so that memory stays that of a few batches
whatever the file's size. The batches are read, and Parquet verdicts written, by
threads of their own while a batch is judged (Parquet's decoder and encoder run
without Python's lock).
``rules check --input`` (:mod:`rules.cli.columns`) is built on it.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from typing import Any, Final

import attrs
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rules.batch.engine import BatchStats, Rules, check_batches
from rules.batch.patterns import ENUMS

__all__ = ["BATCH_ROWS", "FileOutcome", "check_parquet_file", "parquet_rows"]

#: The most rows judged at once (a row group may be split in batches of this size).
BATCH_ROWS: Final = 65_536
#: Columns read as Arrow dictionaries (their values few, their codes what is used).
DICTIONARY_COLUMNS: Final = (*ENUMS, "method")


@attrs.frozen
class FileOutcome:
    """What a file's check found: any order rejected, any accepted one left unchecked rules."""

    rejected: bool
    uncertain: bool


def parquet_rows(source: str) -> int:
    """How many rows a Parquet file holds (from its footer).

    Raises:
        OSError: the file cannot be read; pyarrow's ``ArrowInvalid`` (a ``ValueError``):
            it is not Parquet.
    """
    return int(pq.ParquetFile(source).metadata.num_rows)


def check_parquet_file(
    source: str,
    target: str,
    rules: Rules,
    *,
    time_column: str | None = None,
    keep: Sequence[str] = (),
    context: Mapping[str, Any] | None = None,
    stats: BatchStats | None = None,
    progress: Callable[[int], object] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> FileOutcome:
    """Judge the orders of the Parquet file ``source`` into ``target``: Parquet, or
    JSON Lines when its name ends in ``.jsonl`` (one verdict object a line, the kept
    columns first). ``progress`` is called with each batch's row count.

    Raises:
        OSError: a file cannot be read or written; ``ValueError``: not Parquet, or a
            bad column (see :func:`rules.batch.check_table`); ``SnapshotNotFoundError``.
    """
    # pre_buffer off: pre-buffered reads keep a cache that grows with every row
    # group read (pyarrow 26: 30 MiB more each 2M rows), so memory would not be flat.
    reader = pq.ParquetFile(source, pre_buffer=False)
    # The enum columns as Arrow dictionaries (a Parquet file keeps them so): read as
    # their codes, not decoded to strings and hashed again (rules.batch.columns.codes);
    # a column kept is copied to the output as written, so it is read as strings.
    strings = {f.name for f in reader.schema_arrow if pa.types.is_string(f.type)}
    coded = [name for name in DICTIONARY_COLUMNS if name in strings and name not in keep]
    if coded:
        reader = pq.ParquetFile(source, pre_buffer=False, read_dictionary=coded)
    rejected = uncertain = False
    verdicts = check_batches(
        _ahead(reader.iter_batches(batch_size=batch_rows)),
        rules,
        time_column=time_column,
        keep=keep,
        context=context,
        stats=stats,
    )
    with _Writer(target) as writer:
        behind = _Behind(writer.write) if not writer.jsonl else None
        try:
            for table in verdicts:
                rejected = rejected or not pc.all(table["accepted"]).as_py()
                unchecked = pc.max(pc.list_value_length(table["unchecked"])).as_py()
                uncertain = uncertain or bool(unchecked)
                if behind is not None:
                    behind.put(table)
                else:
                    writer.write(table)
                if progress is not None:
                    progress(table.num_rows)
        finally:
            if behind is not None:
                behind.close()
    return FileOutcome(rejected, uncertain)


def _ahead(batches: Iterator[pa.RecordBatch]) -> Generator[pa.RecordBatch, None, None]:
    """``batches``, read in a thread of their own while the last one is judged
    (Parquet's decoder runs without Python's lock), at most :data:`_WAITING` ahead."""
    ready: queue.Queue[tuple[pa.RecordBatch | None, BaseException | None]] = queue.Queue(_WAITING)
    stop = threading.Event()

    def read() -> None:
        try:
            for batch in batches:
                if stop.is_set():
                    return
                ready.put((batch, None))
            ready.put((None, None))
        except BaseException as error:  # handed to the caller's thread
            ready.put((None, error))

    thread = threading.Thread(target=read, name="rules-read", daemon=True)
    thread.start()
    try:
        while True:
            batch, error = ready.get()
            if error is not None:
                raise error
            if batch is None:
                return
            yield batch
    finally:
        stop.set()
        while thread.is_alive():  # let the reader see the stop (it may wait to put)
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.1)
        thread.join()


class _Behind:
    """Writes tables in a thread of its own, in order, at most :data:`_WAITING`
    waiting; a write's error is raised by the next :meth:`put` or by :meth:`close`."""

    def __init__(self, write: Callable[[pa.Table], object]) -> None:
        self.write = write
        self.waiting: queue.Queue[pa.Table | None] = queue.Queue(_WAITING)
        self.error: BaseException | None = None
        self.failed = False  # a write failed: nothing more is written
        self.thread = threading.Thread(target=self._run, name="rules-write", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (table := self.waiting.get()) is not None:
            if not self.failed:
                try:
                    self.write(table)
                except BaseException as error:  # handed to the caller's thread
                    self.error, self.failed = error, True

    def put(self, table: pa.Table) -> None:
        self._raise()
        self.waiting.put(table)

    def close(self) -> None:
        """Wait for every table to be written; raise a write's error."""
        self.waiting.put(None)
        self.thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error


#: Verdict tables waiting to be written at most.
_WAITING: Final = 2


class _Writer:
    """Parquet, or JSON Lines for a name ending in ``.jsonl``; written batch by batch."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.jsonl = path.endswith(".jsonl")
        self.parquet: pq.ParquetWriter | None = None
        self.file: Any = None

    def __enter__(self) -> _Writer:
        if self.jsonl:
            self.file = open(self.path, "w", encoding="utf-8")  # closed in __exit__
        return self

    def write(self, table: pa.Table) -> None:
        if self.jsonl:
            self.file.writelines(json.dumps(row) + "\n" for row in table.to_pylist())
            return
        if self.parquet is None:
            self.parquet = pq.ParquetWriter(self.path, table.schema)
        self.parquet.write_table(table)

    def __exit__(self, *_: object) -> None:
        if self.file is not None:
            self.file.close()
        if self.parquet is not None:
            self.parquet.close()
