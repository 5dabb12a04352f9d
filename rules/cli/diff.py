"""``rules diff OLD NEW``: what changed between two snapshots' rules.

``OLD`` and ``NEW`` are exchangeInfo files, or, with ``--cache DIR``, two times
of a snapshot cache (milliseconds since the epoch, an ISO 8601 time, UTC when it
has no offset, or ``latest``): the snapshot in force at each. The changes are
:func:`rules.model.diff.diff`'s, one a line: text for people (default) or JSON
Lines for programs (``--format json``). Exit 0 when nothing changed, 1 when
something did, 2 on a usage or load error (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from rules.cli.streams import EXIT_ERROR, EXIT_OK, EXIT_REJECTED, Streams
from rules.errors import RulesError
from rules.model.diff import RuleChange, diff
from rules.model.load import load_path
from rules.model.models import ExchangeInfo


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="print what changed between two snapshots' rules",
        description=(
            "Print every change from OLD to NEW: symbols added and removed, status "
            "changes, filters added and removed, every filter field and symbol field "
            "that changed (old -> new). Exit 0 when nothing changed, 1 when something "
            "did, 2 on a usage or load error."
        ),
    )
    parser.add_argument("old", metavar="OLD", help="the earlier exchangeInfo file (or time)")
    parser.add_argument("new", metavar="NEW", help="the later exchangeInfo file (or time)")
    parser.add_argument(
        "--cache",
        metavar="DIR",
        help=(
            "read OLD and NEW from this snapshot cache as times: milliseconds since "
            "the epoch, ISO 8601 (UTC if no offset) or 'latest'"
        ),
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one line per change, for people (default); json: JSON Lines",
    )
    parser.add_argument(
        "--ignore",
        metavar="NAME",
        action="append",
        default=[],
        help=(
            "leave out a filterType, a filter field (MARKET_LOT_SIZE.maxQty) or a "
            "symbol field (permissions); repeat for several"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, streams: Streams) -> int:
    try:
        old = _load(args.old, args.cache)
        new = _load(args.new, args.cache)
    except (RulesError, ValueError, OSError) as error:
        streams.stderr.write(f"rules: {str(error).splitlines()[0]}\n")
        return EXIT_ERROR
    changes = diff(old, new, ignore=args.ignore)
    write = streams.stdout.write
    if args.format == "json":
        for change in changes:
            write(json.dumps(change.to_json()) + "\n")
    else:
        for change in changes:
            write(f"{change}\n")
        write(_summary(changes))
    return EXIT_REJECTED if changes else EXIT_OK


def _load(where: str, cache: str | None) -> ExchangeInfo:
    if cache is None:
        return load_path(where)
    from rules.edge.cache import SnapshotCache  # only with --cache, not with every command

    snapshots = SnapshotCache(cache)
    if where == "latest":
        return snapshots.load_latest()
    return snapshots.load_at(parse_time(where))


def parse_time(text: str) -> int:
    """Milliseconds since the epoch from ``1692000000000`` or ``2023-08-14T08:00:00Z``.

    Raises:
        ValueError: neither form.

    >>> parse_time("1692000000000"), parse_time("2023-08-14T08:00:00Z")
    (1692000000000, 1692000000000)
    >>> parse_time("2023-08-14")
    1691971200000
    """
    if text.isdigit():
        return int(text)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"expected a time (milliseconds since the epoch, ISO 8601 or 'latest'), got {text!r}"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def _summary(changes: list[RuleChange]) -> str:
    if not changes:
        return "no change\n"
    added = sum(c.kind == "added" for c in changes)
    removed = sum(c.kind == "removed" for c in changes)
    changed = len(
        {c.symbol for c in changes if c.kind not in ("added", "removed") and c.symbol is not None}
    )
    return (
        f"{len(changes)} {_plural(len(changes), 'change')}: {added} added, {removed} removed, "
        f"{changed} {_plural(changed, 'symbol')} changed\n"
    )


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"
