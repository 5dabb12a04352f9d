"""The columnar check on a Dask cluster: :func:`check_dataframe` and :func:`check_parquet`.

:func:`check_dataframe` judges each partition of a Dask DataFrame by
:func:`rules.batch.check_table` (``map_partitions``); its verdict columns are
Arrow-backed (``pd.ArrowDtype``): ``violations`` stays a list of structs.
:func:`check_parquet` never goes through pandas: each task reads a run of a
Parquet file's row groups with pyarrow, judges them batch by batch
(:func:`rules.batch.check_batches`, so a task holds one batch at a time) and
writes its own verdict file. Either way the rules (an ``ExchangeInfo``, or a
:class:`~rules.edge.cache.SnapshotCache` whose directory every worker can read)
go into the graph once, as one key every task depends on, so each worker
receives them once, and its process remembers their compiled plans and class
verdicts from one task to the next.

Needs the ``dask`` extra (``dask[dataframe]``, ``distributed``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import dask
import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from rules.batch.engine import VERDICT_SCHEMA, Rules, check_batches, check_table

__all__ = ["check_dataframe", "check_parquet"]

#: About this many rows per task of :func:`check_parquet` (whole row groups).
TASK_ROWS: Final = 1_000_000


def check_dataframe(
    frame: dd.DataFrame,
    rules: Rules,
    *,
    time_column: str | None = None,
    keep: Sequence[str] = (),
    context: Mapping[str, Any] | None = None,
) -> dd.DataFrame:
    """The verdicts of a Dask DataFrame of orders, partition by partition (lazy).

    The columns are those of :func:`rules.batch.check_table`; the result has the
    ``keep`` columns, then ``accepted``, ``violations`` and ``unchecked``.
    """
    shipped = dask.delayed(rules, pure=True)  # one key in the graph: sent once per worker
    kept = [(name, frame.dtypes[name]) for name in keep]
    meta = pd.DataFrame(
        {
            **{name: pd.Series([], dtype=dtype) for name, dtype in kept},
            **{
                field.name: pd.Series([], dtype=pd.ArrowDtype(field.type))
                for field in VERDICT_SCHEMA
            },
        }
    )
    return frame.map_partitions(
        _check_partition,
        shipped,
        time_column,
        tuple(keep),
        dict(context or {}),
        meta=meta,
        enforce_metadata=False,
    )


def check_parquet(
    source: str,
    target: str,
    rules: Rules,
    *,
    time_column: str | None = None,
    keep: Sequence[str] = (),
    context: Mapping[str, Any] | None = None,
    task_rows: int = TASK_ROWS,
) -> None:
    """Read Parquet orders from ``source`` (a file or a directory of files, any
    filesystem pyarrow reads), write Parquet verdicts to ``target`` (a directory:
    ``part-00000.parquet``, ... in the order of the source's files and row groups,
    so that reading it back gives the rows in order), on the current Dask scheduler
    (a ``distributed.Client`` if one is active).

    Each task reads whole row groups, about ``task_rows`` rows, of one file.

    Raises:
        ValueError: ``source`` holds no Parquet file.
    """
    dataset = ds.dataset(source, format="parquet")
    filesystem = dataset.filesystem
    pieces = [
        (path, groups) for path in dataset.files for groups in _runs(filesystem, path, task_rows)
    ]
    if not pieces:
        raise ValueError(f"{source}: no Parquet file to read")
    filesystem.create_dir(target, recursive=True)
    shipped = dask.delayed(rules, pure=True)  # one key in the graph: sent once per worker
    tasks = [
        dask.delayed(_check_piece, pure=False)(
            filesystem,
            path,
            groups,
            f"{target.rstrip('/')}/part-{number:05d}.parquet",
            shipped,
            time_column,
            tuple(keep),
            dict(context or {}),
        )
        for number, (path, groups) in enumerate(pieces)
    ]
    dask.compute(*tasks)


def _runs(filesystem: Any, path: str, task_rows: int) -> list[list[int]]:
    """The row groups of the file at ``path`` in runs of about ``task_rows`` rows."""
    with filesystem.open_input_file(path) as handle:
        metadata = pq.ParquetFile(handle).metadata
    runs: list[list[int]] = []
    rows = task_rows
    for group in range(metadata.num_row_groups):
        if rows >= task_rows:
            runs.append([])
            rows = 0
        runs[-1].append(group)
        rows += metadata.row_group(group).num_rows
    return runs or [[]]  # a file without row groups still gets its (empty) verdicts


def _check_piece(
    filesystem: Any,
    path: str,
    groups: list[int],
    target: str,
    rules: Rules,
    time_column: str | None,
    keep: tuple[str, ...],
    context: dict[str, Any],
) -> int:
    """Judge the row groups ``groups`` of ``path``, batch by batch, into the file ``target``."""
    rows = 0
    with filesystem.open_input_file(path) as handle:
        source = pq.ParquetFile(handle)
        batches = source.iter_batches(row_groups=groups) if groups else iter(())
        verdicts = check_batches(
            batches, rules, time_column=time_column, keep=keep, context=context
        )
        writer: pq.ParquetWriter | None = None
        try:
            for table in verdicts:
                if writer is None:
                    writer = pq.ParquetWriter(target, table.schema, filesystem=filesystem)
                writer.write_table(table)
                rows += table.num_rows
            if writer is None:  # no rows: an empty file of the verdict schema
                empty = check_table(
                    source.schema_arrow.empty_table(),
                    rules,
                    time_column=time_column,
                    keep=keep,
                    context=context,
                )
                pq.write_table(empty, target, filesystem=filesystem)
        finally:
            if writer is not None:
                writer.close()
    return rows


def _check_partition(
    part: pd.DataFrame,
    rules: Rules,
    time_column: str | None,
    keep: tuple[str, ...],
    context: dict[str, Any],
) -> pd.DataFrame:
    table = pa.Table.from_pandas(part, preserve_index=False)
    out = check_table(table, rules, time_column=time_column, keep=keep, context=context)
    frame = out.to_pandas(types_mapper=pd.ArrowDtype)
    frame.index = part.index
    return frame
