"""The ``rules`` command line: ``python -m rules COMMAND ...`` or ``rules COMMAND ...``.

Each command lives in its own module of :mod:`rules.cli` that exposes
``register(subparsers)``; this module only assembles them and runs one.
Exit codes are shared by every command: 0 success (every order accepted),
1 at least one order rejected, 2 a usage, load or fetch error (one line on
stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, Final, NoReturn

from rules.cli.streams import EXIT_ERROR, EXIT_OK, Streams

__all__ = ["Streams", "build_parser", "main", "run"]

#: The modules of :mod:`rules.cli` that hold the commands, in the order ``rules --help``
#: lists them; each exposes ``register(subparsers)``.
COMMANDS: Final = ("check", "fix", "show", "diff", "fetch", "watch")
#: Which module registers each command. A run imports only its command's module
#: (issue 11: ``rules check`` never loads the WebSocket client, cattrs or logging);
#: ``rules --help``, or anything that names no command, imports them all.
COMMAND_MODULES: Final = {
    "check": "check",
    "fix": "fix",
    "show": "show",
    "diff": "diff",
    "fetch": "fetch",
    "ping": "fetch",
    "time": "fetch",
    "watch": "watch",
}

Handler = Callable[[argparse.Namespace, Streams], int]


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that writes to injected streams and never calls ``sys.exit``."""

    streams: Streams | None = None

    def _print_message(self, message: str, file: Any = None) -> None:
        if not message:
            return
        streams = _Parser.streams
        if streams is None:  # pragma: no cover - only outside run()
            super()._print_message(message, file)
            return
        (streams.stderr if file is sys.stderr else streams.stdout).write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._print_message(message, sys.stderr)
        raise SystemExit(status)

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: error: {message}")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command (see each module of :data:`COMMANDS`), or, given
    the name of one (the first argument), of the commands of its module only: the
    same parser for that command, without importing the others."""
    module = COMMAND_MODULES.get(command) if command is not None else None
    parser = _Parser(
        prog="rules",
        description="Check orders against Binance Spot exchangeInfo rules.",
    )
    subparsers = parser.add_subparsers(
        title="commands", dest="command", required=True, parser_class=_Parser
    )
    for name in COMMANDS if module is None else (module,):
        importlib.import_module(f"rules.cli.{name}").register(subparsers)
    return parser


def run(argv: Sequence[str], *, streams: Streams) -> int:
    """Run one command with the given arguments and streams; return its exit code."""
    parser = build_parser(argv[0] if argv else None)
    _Parser.streams = streams
    try:
        args = parser.parse_args(list(argv))
    except _UsageError as error:
        streams.stderr.write(f"{error}\n")
        return EXIT_ERROR
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else EXIT_OK
    finally:
        _Parser.streams = None
    handler: Handler = args.handler
    return handler(args, streams)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rules`` console script and of ``python -m rules``.

    A reader that goes away (``rules check ... | head -1``) ends the run
    quietly with exit 2: the output could not be written.
    """
    # JSON Lines are UTF-8 whatever the locale says; a byte that is not UTF-8 is kept
    # as a surrogate, so that its line gets an error verdict and the run goes on.
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8", errors="surrogateescape")
    try:
        code = run(
            sys.argv[1:] if argv is None else argv,
            streams=Streams(sys.stdin, sys.stdout, sys.stderr),
        )
        sys.stdout.flush()
    except BrokenPipeError:
        # What is still buffered can go nowhere: point stdout at /dev/null so
        # that Python's own flush at exit does not fail (and print) again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    return code
