"""``rules watch``: keep a snapshot cache current, a recorder that needs no cron.

It runs a :class:`~rules.edge.live.Session` with the cache and no market prices: the
rules are fetched every ``--interval`` seconds and a file is written whenever they
differ from the last one written (:mod:`rules.edge.record`). Faults are the session's
(reconnect with backoff, ``retryAfter``, the weight budget); what happens is logged on
stderr, one ``rules: ...`` line each. ``--max-runtime`` ends the run with exit 0, as does
Ctrl-C; a usage error is exit 2 with one line.
"""

from __future__ import annotations

import argparse
import logging
import math
import threading
import time
from pathlib import Path
from typing import Any

from rules.cli.fetch import _add_url, _fail, _seconds
from rules.cli.streams import EXIT_OK, Streams
from rules.edge.protocol import DEFAULT_TIMEOUT, MAX_TIMEOUT


def register(subparsers: Any) -> None:
    """Add the ``watch`` command."""
    watch = subparsers.add_parser(
        "watch",
        help="keep a snapshot cache current: record every change of the rules",
        description=(
            "Fetch exchangeInfo every --interval seconds over one WebSocket API connection "
            "and write a snapshot to --cache whenever the rules differ from the last one "
            "written (a new serverTime alone is not a change). Reconnects by itself; "
            "honours Binance's retryAfter; logs to stderr."
        ),
    )
    _add_url(watch)
    watch.add_argument("--cache", metavar="DIR", required=True, help="the snapshot directory")
    watch.add_argument(
        "--interval",
        metavar="SECONDS",
        type=_seconds,
        default=60.0,
        help="seconds between fetches (default: 60)",
    )
    watch.add_argument(
        "--max-runtime",
        metavar="SECONDS",
        type=_runtime,
        default=None,
        help="stop after this many seconds, with exit 0 (default: run until interrupted)",
    )
    watch.add_argument(
        "--symbol",
        metavar="S",
        action="append",
        dest="symbols",
        help="only this symbol (repeat for several); not with --permissions",
    )
    watch.add_argument(
        "--permissions",
        metavar="P",
        action="append",
        help="only symbols with this permission (repeat for several); not with --symbol",
    )
    watch.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        help=f"give up on one request after this many seconds (default: {DEFAULT_TIMEOUT:g})",
    )
    watch.add_argument(
        "--weight-budget",
        metavar="WEIGHT",
        type=_budget,
        default=1200,
        help="most request weight per Binance window to let the IP reach (default: 1200)",
    )
    watch.set_defaults(handler=run_watch)


def _runtime(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds above 0: {text!r}")
    return value


def _budget(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


class _Lines(logging.Handler):
    """The session's log records as ``rules: ...`` lines on the command's stderr."""

    def __init__(self, streams: Streams) -> None:
        super().__init__(logging.INFO)
        self.streams = streams

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = " ".join(record.getMessage().split())
            self.streams.stderr.write(f"rules: {line}\n")
            self.streams.stderr.flush()
        except Exception:  # pragma: no cover - a closed stderr must not end the run
            self.handleError(record)


def run_watch(args: argparse.Namespace, streams: Streams) -> int:
    """Keep ``--cache`` current until ``--max-runtime`` (or Ctrl-C)."""
    from rules.edge.live import Session

    cache = Path(args.cache)
    if cache.exists() and not cache.is_dir():
        return _fail(streams, f"--cache {args.cache!r} exists and is not a directory")
    symbols: list[str] | None = args.symbols
    try:
        session = Session(
            args.url,
            interval=args.interval,
            cache=cache,
            symbols=symbols,
            permissions=args.permissions,
            timeout=min(args.timeout, MAX_TIMEOUT),
            weight_budget=args.weight_budget,
            max_backoff=max(60.0, args.interval),
        )
    except (ValueError, TypeError) as error:
        return _fail(streams, error)
    logger = logging.getLogger("rules.edge.live")
    handler = _Lines(streams)
    was_level, was_propagating = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    start = time.monotonic()
    try:
        with session:
            _wait(args.max_runtime)
    except KeyboardInterrupt:
        pass
    finally:
        logger.removeHandler(handler)
        logger.setLevel(was_level)
        logger.propagate = was_propagating
    stats = session.stats
    streams.stdout.write(
        f"watched {args.url} for {time.monotonic() - start:.0f} s: {stats.refreshes} "
        f"fetches, {stats.recorded} snapshots recorded in {args.cache}, "
        f"{stats.reconnects} reconnects, {stats.faults} faults\n"
    )
    return EXIT_OK


def _wait(seconds: float | None) -> None:
    # An Event's wait wakes for Ctrl-C (a bare join would not on every platform).
    never = threading.Event()
    deadline = None if seconds is None else time.monotonic() + seconds
    while deadline is None or (left := deadline - time.monotonic()) > 0:
        never.wait(1.0 if deadline is None else min(left, 1.0))
