"""Parquet files in, Parquet or JSON Lines verdicts out, batch by batch.

:func:`check_parquet_file` reads the orders by batch (a Parquet file's row groups,
at most ``batch_rows`` rows at a time) and writes each batch's verdicts before the
next is read, so that memory stays that of one batch whatever the file's size.
``rules check --input`` (:mod:`rules.cli.columns`) is built on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
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
        reader.iter_batches(batch_size=batch_rows),
        rules,
        time_column=time_column,
        keep=keep,
        context=context,
        stats=stats,
    )
    with _Writer(target) as writer:
        for table in verdicts:
            rejected = rejected or not pc.all(table["accepted"]).as_py()
            uncertain = uncertain or bool(pc.max(pc.list_value_length(table["unchecked"])).as_py())
            writer.write(table)
            if progress is not None:
                progress(table.num_rows)
    return FileOutcome(rejected, uncertain)


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
