"""The columnar check: a table of orders in, a table of verdicts out, in row order.

Owns: reading order tables (pyarrow Tables and RecordBatches; pandas and polars
DataFrames through Arrow), the pattern classes of rows ``evaluate`` judges alike
(:mod:`rules.batch.patterns`, from the filters' own folds, :mod:`rules.batch.folds`;
decimals read exactly, :mod:`rules.batch.columns`), the exact checker
(:func:`rules.checker.evaluate.evaluate`) for one row per class and every odd row,
the snapshot in force per row (:mod:`rules.edge.cache`), slices and batches in
threads (:mod:`rules.batch.threads`), Parquet files by batch
(:mod:`rules.batch.files`) and the Dask entry point (:mod:`rules.batch.dask`).

May import: :mod:`rules.model`, :mod:`rules.checker`, :mod:`rules.edge.cache`,
:mod:`rules.errors`, pyarrow and numpy (the ``batch`` extra; only this subpackage
imports them) and, in :mod:`rules.batch.dask` only, dask. ``import rules`` does not
import this subpackage.
"""

from __future__ import annotations

from rules.batch.engine import VERDICT_SCHEMA, BatchStats, check_batches, check_table

__all__ = ["VERDICT_SCHEMA", "BatchStats", "check_batches", "check_table"]
