"""``rules fetch``, ``rules ping`` and ``rules time``: the live WebSocket API from the shell.

Every failure (Binance's error envelope, 429/418, timeout, refused, redirected or closed
connection, TLS, a malformed frame, a ``result`` that is not an exchangeInfo) is exit 2
with one line on stderr, ``rules: <message>`` as ``rules show`` prints it, and no
traceback; ``fetch`` then leaves an existing output file untouched.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from rules.cli.streams import EXIT_ERROR, EXIT_OK, Streams
from rules.edge.ws import (
    DEFAULT_MAX_MESSAGE_SIZE,
    DEFAULT_TIMEOUT,
    DEFAULT_URL,
    MAX_TIMEOUT,
    SYMBOL_STATUSES,
    Client,
    exchange_info_params,
)
from rules.errors import LoadError, RulesError, redact_url


def register(subparsers: Any) -> None:
    """Add the ``fetch``, ``ping`` and ``time`` commands."""
    fetch = subparsers.add_parser(
        "fetch",
        help="save the live exchangeInfo to a file",
        description=(
            "Fetch exchangeInfo over the Binance WebSocket API and write its result "
            "object to PATH atomically (an existing file is replaced only on success)."
        ),
    )
    _add_common(fetch)
    fetch.add_argument(
        "--symbol",
        metavar="S",
        action="append",
        dest="symbols",
        help="only this symbol (repeat for several); not with --permissions",
    )
    fetch.add_argument(
        "--permissions",
        metavar="P",
        action="append",
        help="only symbols with this permission (repeat for several); not with --symbol",
    )
    fetch.add_argument(
        "--symbol-status",
        metavar="STATUS",
        choices=SYMBOL_STATUSES,
        help=f"only symbols in this status ({', '.join(SYMBOL_STATUSES)}); not with --symbol",
    )
    fetch.add_argument("--output", metavar="PATH", help="file to write")
    fetch.add_argument(
        "--cache",
        metavar="DIR",
        help=(
            "save into this snapshot cache (rules.edge.cache.SnapshotCache), as "
            "exchangeInfo-<serverTime>-<hash>.json; with or instead of --output"
        ),
    )
    fetch.set_defaults(handler=run_fetch, usage=fetch.format_usage())

    ping = subparsers.add_parser(
        "ping", help="check that the WebSocket API answers", description="Send ping."
    )
    _add_common(ping)
    ping.set_defaults(handler=run_ping)

    time = subparsers.add_parser(
        "time",
        help="print the server time and the local clock's offset",
        description=(
            "Send time and print the server time and how far the local clock is from it "
            "(a clock that is off gets -1021 on every signed order)."
        ),
    )
    _add_common(time)
    time.set_defaults(handler=run_time)


def _add_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url", default=DEFAULT_URL, help=f"WebSocket API endpoint (default: {DEFAULT_URL})"
    )


def _add_common(parser: argparse.ArgumentParser) -> None:
    _add_url(parser)
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        help=(
            f"give up after this many seconds, all of the request included "
            f"(default: {DEFAULT_TIMEOUT:g}; at most {MAX_TIMEOUT:g}, one day)"
        ),
    )
    parser.add_argument(
        "--max-message-size",
        metavar="BYTES",
        type=_bytes,
        default=DEFAULT_MAX_MESSAGE_SIZE,
        help=(
            f"refuse a reply larger than this (default: {DEFAULT_MAX_MESSAGE_SIZE} bytes, "
            f"32 MiB; at least 1024)"
        ),
    )


def _client(args: argparse.Namespace) -> Client:
    return Client(args.url, timeout=args.timeout, max_message_size=args.max_message_size)


def _bytes(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 19) or int(text) < 1024:
        raise argparse.ArgumentTypeError(f"not a number of bytes of at least 1024: {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= MAX_TIMEOUT:  # NaN fails both comparisons
        raise argparse.ArgumentTypeError(
            f"must be more than 0 and at most {MAX_TIMEOUT:g} seconds (one day): {text!r}"
        )
    return value


def _fail(streams: Streams, message: object) -> int:
    line = " ".join(str(message).split())  # one line, whatever the message holds
    streams.stderr.write(f"rules: {line}\n")
    return EXIT_ERROR


def _not_exchange_info(error: LoadError) -> str:
    more = len(error.problems) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"the result is not an exchangeInfo: {error.problems[0]}{tail}"


def run_fetch(args: argparse.Namespace, streams: Streams) -> int:
    """Fetch exchangeInfo and write the ``result`` object to ``--output`` and/or ``--cache``."""
    from rules.edge.cache import SnapshotCache, atomic_write
    from rules.model.load import loads

    if args.output is None and args.cache is None:
        streams.stderr.write(
            f"{args.usage}rules fetch: error: the following arguments are required: "
            "--output (or --cache DIR)\n"
        )
        return EXIT_ERROR
    symbols: list[str] = args.symbols or []
    try:
        params = exchange_info_params(
            symbol=symbols[0] if len(symbols) == 1 else None,
            symbols=symbols if len(symbols) > 1 else None,
            permissions=args.permissions,
            symbol_status=args.symbol_status,
        )
        client = _client(args)
    except (ValueError, TypeError) as error:
        return _fail(streams, error)
    try:
        with client:
            response = client.request("exchangeInfo", params)
        info = loads(response.result_text, source=redact_url(args.url))
    except LoadError as error:
        return _fail(streams, _not_exchange_info(error))
    except (RulesError, ValueError) as error:  # ValueError: a parameter that cannot be sent
        return _fail(streams, error)
    when = _utc(info.server_time) if info.server_time is not None else "no serverTime"
    count = len(info)
    noun = "symbol" if count == 1 else "symbols"
    if args.cache is not None:
        # Byte for byte as received (the cache names the file by its content's hash).
        try:
            saved = SnapshotCache(args.cache).save(response.result_text)
        except LoadError as error:  # a result without a serverTime cannot be named
            return _fail(streams, f"cannot save in the cache: {_not_exchange_info(error)}")
        except (OSError, ValueError) as error:
            return _fail(streams, f"cannot save in the cache {args.cache!r}: {error}")
        streams.stdout.write(f"saved {count} {noun} ({when}) to {saved.path}\n")
    if args.output is not None:
        try:
            atomic_write(args.output, response.result_text + "\n")
        except (OSError, ValueError) as error:
            return _fail(streams, f"cannot write {args.output!r}: {error}")
        streams.stdout.write(f"wrote {count} {noun} ({when}) to {args.output}\n")
    return EXIT_OK


def run_ping(args: argparse.Namespace, streams: Streams) -> int:
    """Send ``ping``."""
    try:
        with _client(args) as client:
            client.ping()
    except (ValueError, RulesError) as error:
        return _fail(streams, error)
    streams.stdout.write(f"ok: {redact_url(args.url)} answered ping\n")
    return EXIT_OK


def run_time(args: argparse.Namespace, streams: Streams) -> int:
    """Send ``time`` and print the server time and the local clock's offset."""
    try:
        with _client(args) as client:
            now = client.time()
    except (ValueError, RulesError) as error:
        return _fail(streams, error)
    if now.offset > 0:
        side = "behind the server"
    elif now.offset < 0:
        side = "ahead of the server"
    else:
        side = "in step with the server"
    streams.stdout.write(
        f"server time: {_utc(now.server_time)} ({now.server_time})\n"
        f"local offset: {now.offset:+d} ms (the local clock is {side}; "
        f"round trip {now.round_trip} ms)\n"
    )
    return EXIT_OK


def _utc(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")
