"""``rules check --input orders.parquet --output verdicts.parquet``: the columnar check.

The work is :func:`rules.batch.files.check_parquet_file` (by batch, memory flat;
``--keep`` columns copied first; with ``--cache DIR --time-column NAME`` each row
judged by the snapshot in force at its time). This module reads the options, draws
a progress bar on stderr when it is a terminal (tqdm), and turns every failure into
one ``rules: ...`` line and exit 2.

Needs the ``batch`` extra (pyarrow, numpy, tqdm).
"""

from __future__ import annotations

import argparse
from typing import Any

from rules.cli.streams import EXIT_ERROR, EXIT_OK, EXIT_REJECTED, Streams
from rules.errors import RulesError

__all__ = ["run_columns"]


def run_columns(args: argparse.Namespace, streams: Streams, defaults: dict[str, Any]) -> int:
    """Judge ``--input`` (Parquet) into ``--output``; exit 0, 1 (a rejection) or 2."""
    try:
        from rules.batch import files
    except ImportError as error:
        streams.stderr.write(
            f"rules: --input needs the batch extra (pip install 'binance-rules[batch]'): {error}\n"
        )
        return EXIT_ERROR
    if args.output is None:
        streams.stderr.write("rules: --input needs --output (a .parquet or .jsonl file)\n")
        return EXIT_ERROR
    keep = [name for name in (args.keep or "").split(",") if name]
    try:
        rules = _rules(args)
        total = files.parquet_rows(args.input)
    except (OSError, RulesError, ValueError) as error:
        return _fail(streams, error)
    bar = _progress(streams, total)
    try:
        outcome = files.check_parquet_file(
            args.input,
            args.output,
            rules,
            time_column=args.time_column,
            keep=keep,
            context=defaults,
            progress=None if bar is None else bar.update,
            batch_rows=BATCH_ROWS,
        )
    except (OSError, RulesError, ValueError, TypeError) as error:
        return _fail(streams, error)
    finally:
        if bar is not None:
            bar.close()
    rejected = outcome.rejected or (args.strict and outcome.uncertain)
    return EXIT_REJECTED if rejected else EXIT_OK


#: The most rows judged at once (tests make it small).
BATCH_ROWS = 65_536


def _fail(streams: Streams, error: object) -> int:
    streams.stderr.write(f"rules: {' '.join(str(error).split())}\n")
    return EXIT_ERROR


def _rules(args: argparse.Namespace) -> Any:
    from rules.edge.cache import SnapshotCache
    from rules.model.load import load_path

    if args.cache is not None:
        if args.time_column is None:
            raise ValueError("--cache judges each row at its time: name it with --time-column")
        cache = SnapshotCache(args.cache)
        cache.latest()  # an empty cache: its not-found error says what it looks for
        return cache
    return load_path(args.exchange_info)


def _progress(streams: Streams, total: int) -> Any:
    """A tqdm bar on stderr when it is a terminal; ``None`` otherwise (or without tqdm)."""
    isatty = getattr(streams.stderr, "isatty", None)
    if isatty is None or not isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is in the batch extra
        return None
    return tqdm(total=total, unit=" orders", unit_scale=True, file=streams.stderr)
