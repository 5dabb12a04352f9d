"""``rules check --input orders.parquet --output verdicts.parquet``: the columnar check.

The orders are read by batch (a Parquet file's row groups, at most
:data:`BATCH_ROWS` rows at a time) and each batch's verdicts are written before the
next is read, so that memory stays that of one batch whatever the file's size. The
columns named by ``--keep`` are copied to the output first, so that verdicts can be
joined back (an id, a timestamp). With ``--cache DIR --time-column NAME`` each row
is judged by the snapshot in force at its time. The output is Parquet, or JSON
Lines when its name ends in ``.jsonl`` (one verdict object a line, the kept columns
beside it). A progress bar goes to stderr when stderr is a terminal (tqdm).

Needs the ``batch`` extra (pyarrow, numpy, tqdm); :mod:`rules.batch` does the work.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from typing import Any, Final

from rules.cli.streams import EXIT_ERROR, EXIT_OK, EXIT_REJECTED, Streams
from rules.errors import RulesError

__all__ = ["BATCH_ROWS", "run_columns"]

#: The most rows judged at once (a row group may be split in batches of this size).
BATCH_ROWS: Final = 65_536


def run_columns(args: argparse.Namespace, streams: Streams, defaults: dict[str, Any]) -> int:
    """Judge ``--input`` (Parquet) into ``--output``; exit 0, 1 (a rejection) or 2."""
    try:
        import pyarrow.parquet as pq

        from rules.batch import BatchStats, check_batches
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
        source = pq.ParquetFile(args.input)
    except (OSError, RulesError, ValueError) as error:
        streams.stderr.write(f"rules: {' '.join(str(error).split())}\n")
        return EXIT_ERROR
    stats = BatchStats()
    rejected = uncertain = False
    bar = _progress(streams, source.metadata.num_rows)
    try:
        verdicts = check_batches(
            _batches(source),
            rules,
            time_column=args.time_column,
            keep=keep,
            context=defaults,
            stats=stats,
        )
        with _Writer(args.output) as writer:
            for table in verdicts:
                rejected = rejected or not all(table["accepted"].to_pylist())
                uncertain = uncertain or any(table["unchecked"].to_pylist())
                writer.write(table)
                if bar is not None:
                    bar.update(table.num_rows)
    except (OSError, RulesError, ValueError, TypeError) as error:
        streams.stderr.write(f"rules: {' '.join(str(error).split())}\n")
        return EXIT_ERROR
    finally:
        if bar is not None:
            bar.close()
    return EXIT_REJECTED if rejected or (args.strict and uncertain) else EXIT_OK


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


def _batches(source: Any) -> Iterator[Any]:
    yield from source.iter_batches(batch_size=BATCH_ROWS)


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


class _Writer:
    """Parquet, or JSON Lines for a name ending in ``.jsonl``; written batch by batch."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.jsonl = path.endswith(".jsonl")
        self.parquet: Any = None
        self.file: Any = None

    def __enter__(self) -> _Writer:
        if self.jsonl:
            self.file = open(self.path, "w", encoding="utf-8")  # closed in __exit__
        return self

    def write(self, table: Any) -> None:
        if self.jsonl:
            lines = (json.dumps(row) + "\n" for row in table.to_pylist())
            self.file.writelines(lines)
            return
        import pyarrow.parquet as pq

        if self.parquet is None:
            self.parquet = pq.ParquetWriter(self.path, table.schema)
        self.parquet.write_table(table)

    def __exit__(self, *_: object) -> None:
        if self.file is not None:
            self.file.close()
        if self.parquet is not None:
            self.parquet.close()
