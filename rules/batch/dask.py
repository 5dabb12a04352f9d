"""The columnar check on a Dask cluster: :func:`check_dataframe` and :func:`check_parquet`.

Each partition is judged by :func:`rules.batch.check_table` (``map_partitions``);
the rules (an ``ExchangeInfo``, or a :class:`~rules.edge.cache.SnapshotCache` whose
directory every worker can read) go into the graph once, as one key every
partition depends on, so each worker receives them once, not once per partition.
The verdict columns are Arrow-backed (``pd.ArrowDtype``): ``violations`` stays a
list of structs.

Needs the ``dask`` extra (``dask[dataframe]``, ``distributed``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

from rules.batch.engine import VERDICT_SCHEMA, Rules, check_table

__all__ = ["check_dataframe", "check_parquet"]


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
) -> None:
    """Read Parquet orders from ``source``, write Parquet verdicts to ``target`` (a
    directory, one file per partition), on the current Dask scheduler (a
    ``distributed.Client`` if one is active)."""
    frame = dd.read_parquet(source, dtype_backend="pyarrow")
    verdicts = check_dataframe(frame, rules, time_column=time_column, keep=keep, context=context)
    verdicts.to_parquet(target, write_index=False)


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
