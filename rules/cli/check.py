"""``rules check``: judge orders read as JSON Lines, one verdict a line.

``python -m rules check --exchange-info PATH [--context PATH] < orders.jsonl > verdicts.jsonl``

Each input line is an ``order.place`` params object, or
``{"params": {...}, "context": {...}}``; ``--context`` gives defaults that a
line's own context overrides key by key (the reading is :mod:`rules.cli.lines`,
shared with ``rules fix``). Each output line is
``{"accepted", "violations": [{"code", "msg", "filterType"}], "unchecked"}``, in
input order. A malformed line gets its own verdict (``-1135 "Invalid JSON
Request"``, with an ``"error"`` detail) and the run goes on; so does a blank
line, so that output line N is always the verdict of input line N. Exit 0
when every order is accepted, 1 when any is rejected (with ``--strict``, also
when an accepted one left rules unchecked), 2 on a usage or load
error (one line on stderr). ``--format text`` prints a report for people
instead; ``--explain`` adds each violation's ``explanation``, ``field``,
``value`` and ``limit`` to the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import IO, Any, Final

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.violations import ACCEPTED, Verdict
from rules.cli.lines import (
    CACHE_SIZE,
    INVALID_LINE,
    NO_METHOD,
    add_input_arguments,
    bad_line,
    describe,
    has_method,
    input_lines,
    load_inputs,
    method_of,
    read_request,
)
from rules.cli.streams import EXIT_ERROR, EXIT_OK, EXIT_REJECTED, Streams
from rules.errors import RulesError
from rules.model.models import ExchangeInfo
from rules.model.numbers import to_plain_string

_ACCEPTED_LINE: Final = '{"accepted": true, "violations": [], "unchecked": []}\n'


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check orders (JSON Lines on stdin) against exchangeInfo rules",
        description=(
            "Read order.place params, one JSON object a line, from stdin and write "
            "one verdict a line to stdout. Exit 0 if all are accepted, 1 if any is "
            "rejected, 2 on a usage or load error. With the batch extra (pyarrow, "
            "numpy), JSON output without --explain and no --context, a regular file on "
            "stdin (< orders.jsonl) is judged by chunks through the columnar engine, "
            "with the same output; a pipe or a terminal is read line by line, each "
            "verdict written before the next line is read."
        ),
    )
    add_input_arguments(parser, required=False)  # or --cache, for --input
    parser.add_argument(
        "--input",
        metavar="PATH",
        help="read the orders from this Parquet file (one column per parameter, context "
        "columns camelCase) instead of stdin; needs --output (batch extra)",
    )
    parser.add_argument(
        "--output",
        metavar="PATH",
        help="with --input: write the verdicts here, Parquet (or JSON Lines if it ends in .jsonl)",
    )
    parser.add_argument(
        "--keep",
        metavar="COLUMNS",
        help="comma-separated columns (with --input) or keys beside a wrapped line's params "
        "copied to each verdict (an id, a time)",
    )
    parser.add_argument(
        "--cache",
        metavar="DIR",
        help="judge each row (or wrapped line) by the snapshot of this cache in force at "
        "its --time-column (instead of --exchange-info)",
    )
    parser.add_argument(
        "--time-column",
        metavar="NAME",
        help="with --cache: the column (or key beside params) of each order's time "
        "(ms since the epoch)",
    )
    parser.add_argument(
        "--format",
        choices=("json", "text"),
        default="json",
        help="json: one verdict object a line (default); text: a report for people",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help=(
            "json: add each violation's explanation, field, value and limit "
            "(values as plain decimal strings)"
        ),
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 also when an accepted order has rules left unchecked (not certain)",
    )
    parser.set_defaults(handler=run, usage=parser.format_usage())


def run(args: argparse.Namespace, streams: Streams) -> int:
    if args.input is not None:
        return _run_columns(args, streams)
    if args.output is not None:
        streams.stderr.write("rules: --output goes with --input (a Parquet file)\n")
        return EXIT_ERROR
    if args.keep is not None or args.cache is not None:
        if args.format != "json":
            streams.stderr.write("rules: --keep and --cache write JSON verdicts (--format json)\n")
            return EXIT_ERROR
        return _run_wrapped(args, streams)
    if args.time_column is not None:
        streams.stderr.write("rules: --time-column goes with --cache\n")
        return EXIT_ERROR
    if args.exchange_info is None:
        streams.stderr.write(
            f"{args.usage}rules check: error: the following arguments are required: "
            "--exchange-info\n"
        )
        return EXIT_ERROR
    try:
        info, defaults = load_inputs(args)
    except ValueError as error:
        streams.stderr.write(f"rules: {error}\n")
        return EXIT_ERROR
    if args.format == "text":
        rejected, uncertain = _run_text(info, defaults, streams)
    else:
        rejected, uncertain = _run_json(info, defaults, streams, explain=args.explain)
    return EXIT_REJECTED if rejected or (args.strict and uncertain) else EXIT_OK


def _run_wrapped(args: argparse.Namespace, streams: Streams) -> int:
    """JSON Lines whose wrapped lines carry ``--keep`` keys (echoed in each verdict) and,
    with ``--cache``, the ``--time-column`` key that picks the snapshot in force."""
    from rules.cli.lines import _load_context
    from rules.edge.cache import SnapshotCache
    from rules.errors import LoadError, SnapshotNotFoundError
    from rules.model.load import load_path

    if (args.exchange_info is None) == (args.cache is None):
        streams.stderr.write(
            f"{args.usage}rules check: error: give one of --exchange-info or --cache\n"
        )
        return EXIT_ERROR
    if args.cache is not None and args.time_column is None:
        streams.stderr.write("rules: --cache judges each line at its time: name --time-column\n")
        return EXIT_ERROR
    keep = [name for name in (args.keep or "").split(",") if name]
    beside = frozenset(keep) | ({args.time_column} if args.time_column else set())
    cache = None
    info = None
    try:
        defaults = _load_context(args.context) if args.context is not None else {}
        if args.cache is not None:
            cache = SnapshotCache(args.cache)
            cache.latest()  # an empty cache: its error says what it looks for
        else:
            info = load_path(args.exchange_info)
    except (ValueError, RulesError) as failure:
        streams.stderr.write(f"rules: {' '.join(str(failure).split())}\n")
        return EXIT_ERROR
    default_context = Context.from_mapping(defaults)
    contexts: dict[str, Context] = {}
    rejected = uncertain = False
    # A pipe or a terminal: each verdict flushed before the next line is read.
    flush = None if _whole_input(streams.stdin) else streams.stdout.flush
    for number, line in enumerate(streams.stdin, 1):
        kept: dict[str, Any] = {}
        params, context, method, problem = read_request(
            line, defaults, default_context, contexts, beside, kept
        )
        verdict = bad_line()
        if problem is None and params is not None:
            judge = info
            if cache is not None:
                when = kept.get(args.time_column)
                try:
                    judge = cache.load_at(when)  # type: ignore[arg-type]
                except (TypeError, ValueError) as bad_time:
                    problem = f"{args.time_column}: {bad_time}"
                except (SnapshotNotFoundError, LoadError) as not_found:
                    problem = " ".join(str(not_found).split())
            if judge is not None and problem is None:
                verdict = evaluate(judge, params, context, method=method_of(method))
        rejected = rejected or not verdict.accepted
        uncertain = uncertain or bool(verdict.unchecked)
        out = {name: kept.get(name) for name in keep}
        out.update(_with_legs(explained(verdict) if args.explain else verdict.to_json(), method))
        if problem is not None:
            out["error"] = f"line {number}: {problem}"
            streams.stderr.write(f"rules: line {number}: {problem}\n")
        streams.stdout.write(json.dumps(out, default=str) + "\n")
        if flush is not None:
            flush()
    return EXIT_REJECTED if rejected or (args.strict and uncertain) else EXIT_OK


def _run_columns(args: argparse.Namespace, streams: Streams) -> int:
    from rules.cli.columns import run_columns
    from rules.cli.lines import _load_context

    if (args.exchange_info is None) == (args.cache is None):
        streams.stderr.write(
            f"{args.usage}rules check: error: --input needs one of --exchange-info or --cache\n"
        )
        return EXIT_ERROR
    if args.format != "json" or args.explain:
        streams.stderr.write(
            "rules: --input writes the verdicts' JSON fields (no --format text, no --explain)\n"
        )
        return EXIT_ERROR
    try:
        defaults = _load_context(args.context) if args.context is not None else {}
    except ValueError as error:
        streams.stderr.write(f"rules: {error}\n")
        return EXIT_ERROR
    return run_columns(args, streams, defaults)


def _with_legs(out: dict[str, Any], method: object) -> dict[str, Any]:
    """D40: on a line that names its method, every violation carries ``leg``: the leg
    of an order list it is about, ``null`` for the request as a whole and for a
    single-order request (D45)."""
    if has_method(method):
        for violation in out["violations"]:
            violation.setdefault("leg", None)
    return out


def _judge(
    info: ExchangeInfo,
    line: str,
    defaults: Mapping[str, Any],
    default_context: Context,
    contexts: dict[str, Context],
) -> tuple[Verdict, Mapping[str, Any] | None, str | None, object]:
    """The verdict of one input line, its params, an error detail for a bad line, and
    its method (:func:`~rules.cli.lines.read_request`)."""
    params, context, method, error = read_request(line, defaults, default_context, contexts)
    if error is not None or params is None:
        return bad_line(), params, error, method
    try:
        return evaluate(info, params, context, method=method_of(method)), params, None, method
    except Exception as problem:  # the net: a line never ends the run (issue 17)
        return bad_line(), None, f"cannot judge this line: {type(problem).__name__}", method


class _Answers:
    """The output line of each input line judged on its own (the per-line path), and
    whether any verdict was rejected or left rules unchecked."""

    def __init__(
        self,
        info: ExchangeInfo,
        defaults: Mapping[str, Any],
        streams: Streams,
        *,
        explain: bool = False,
    ) -> None:
        self.info = info
        self.defaults = defaults
        self.default_context = Context.from_mapping(defaults)
        self.contexts: dict[str, Context] = {}
        self.stderr = streams.stderr
        self.explain = explain
        #: The output line of each verdict seen, by what to_json() shows of it.
        self.lines: dict[tuple[object, ...], str] = {}
        self.rejected = self.uncertain = False

    def line(self, number: int, line: str) -> str:
        """The output line of input line ``number`` (an error detail also goes to stderr)."""
        verdict, _, error, method = _judge(
            self.info, line, self.defaults, self.default_context, self.contexts
        )
        if verdict is ACCEPTED:
            return _ACCEPTED_LINE
        if error is not None:
            self.rejected = True
            out = verdict.to_json()
            out["error"] = f"line {number}: {error}"
            self.stderr.write(f"rules: line {number}: {error}\n")
            return json.dumps(out) + "\n"
        if self.explain:
            self.rejected = self.rejected or not verdict.accepted
            self.uncertain = self.uncertain or bool(verdict.unchecked)
            return json.dumps(_with_legs(explained(verdict), method)) + "\n"
        return self.shown(verdict, method)

    def shown(self, verdict: Verdict, method: object = NO_METHOD) -> str:
        """The output line of ``verdict`` (without ``--explain``), of a line naming
        ``method`` or none; built once per distinct line."""
        self.rejected = self.rejected or not verdict.accepted
        self.uncertain = self.uncertain or bool(verdict.unchecked)
        key = (
            has_method(method),
            verdict.accepted,
            verdict.unchecked,
            *[(v.code, v.msg, v.filter_type, v.leg) for v in verdict.violations],
        )
        text = self.lines.get(key)
        if text is None:
            text = json.dumps(_with_legs(verdict.to_json(), method)) + "\n"
            if len(self.lines) >= CACHE_SIZE:
                self.lines.clear()
            self.lines[key] = text
        return text


def _run_json(
    info: ExchangeInfo, defaults: Mapping[str, Any], streams: Streams, *, explain: bool = False
) -> tuple[bool, bool]:
    """Write one verdict a line; whether any was rejected, and any left rules unchecked.

    Without ``--explain``, when the ``batch`` extra is installed and the input is not
    interactive (:func:`_whole_input`), lines are judged by chunks
    through the columnar engine, with the same output byte for byte
    (:mod:`rules.cli.batched`); otherwise one by one. Read from a pipe or a terminal,
    each verdict is flushed before the next line is read: a bot that writes an order
    and waits for its verdict gets it (stdout is block-buffered on a pipe).
    """
    answers = _Answers(info, defaults, streams, explain=explain)
    lines = input_lines(streams.stdin)
    if not explain and _run_batched(answers, lines, streams):
        return answers.rejected, answers.uncertain
    write = streams.stdout.write
    answer = answers.line
    if _whole_input(streams.stdin):
        for number, line in enumerate(lines, 1):
            write(answer(number, line))
    else:
        flush = streams.stdout.flush
        for number, line in enumerate(lines, 1):
            write(answer(number, line))
            flush()
    return answers.rejected, answers.uncertain


def _run_batched(answers: _Answers, lines: Iterator[str], streams: Streams) -> bool:
    """Judge ``lines`` by chunks (:mod:`rules.cli.batched`); ``False`` (nothing read)
    when the input may be interactive, ``--context`` defaults are given, or the batch
    extra is missing."""
    if answers.defaults or not _whole_input(streams.stdin):
        return False
    try:
        from rules.cli import batched
    except ImportError:  # no pyarrow or numpy: the per-line path
        return False
    batched.run(answers.info, lines, answers.line, answers.shown, streams.stdout.write)
    return True


def _whole_input(stream: object) -> bool:
    """Whether ``stream`` can be read ahead without keeping anyone waiting: a regular
    file, or a stream with no file descriptor (in memory). A terminal, a pipe or a
    socket is read line by line: a bot that writes an order and waits for its
    verdict gets it before the next line is read."""
    try:
        descriptor = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):  # io.StringIO: all of it is there
        return True
    try:
        return stat.S_ISREG(os.fstat(descriptor).st_mode)
    except OSError:
        return False


def explained(verdict: Verdict) -> dict[str, Any]:
    """``verdict.to_json()`` with each violation's ``explanation``, ``field``, ``value``
    and ``limit`` (``--explain``); decimals as plain strings, never ``1E-8``.

    >>> from decimal import Decimal
    >>> from rules.checker.violations import Violation
    >>> v = Violation(code=-1013, msg="Filter failure: PRICE_FILTER", filter_type="PRICE_FILTER",
    ...               field="price", value=Decimal("30000.015"), limit=Decimal("0.01000000"),
    ...               explanation="price 30000.015 is not a multiple of tickSize 0.01")
    >>> explained(Verdict(False, (v,)))["violations"][0]  # doctest: +NORMALIZE_WHITESPACE
    {'code': -1013, 'msg': 'Filter failure: PRICE_FILTER', 'filterType': 'PRICE_FILTER',
     'explanation': 'price 30000.015 is not a multiple of tickSize 0.01', 'field': 'price',
     'value': '30000.015', 'limit': '0.01000000'}
    """
    out = verdict.to_json()
    out["violations"] = [
        {
            **v.to_json(),
            "explanation": v.explanation,
            "field": v.field,
            "value": _json_value(v.value),
            "limit": _json_value(v.limit),
        }
        for v in verdict.violations
    ]
    return out


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return to_plain_string(value)
    if isinstance(value, tuple | list | frozenset | set):
        items = sorted(value) if isinstance(value, frozenset | set) else value
        return [_json_value(v) for v in items]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _run_text(
    info: ExchangeInfo, defaults: Mapping[str, Any], streams: Streams
) -> tuple[bool, bool]:
    """A report for people; whether any order was rejected, and any left rules unchecked."""
    default_context = Context.from_mapping(defaults)
    contexts: dict[str, Context] = {}
    out: IO[str] = streams.stdout
    counts = {"accepted": 0, "rejected": 0}
    uncertain = False
    for number, line in enumerate(input_lines(streams.stdin), 1):
        verdict, params, error, _ = _judge(info, line, defaults, default_context, contexts)
        status = "accepted" if verdict.accepted else "REJECTED"
        counts["accepted" if verdict.accepted else "rejected"] += 1
        out.write(f"line {number}: {status}  {describe(params)}".rstrip() + "\n")
        if error is not None:
            out.write(f"  {INVALID_LINE.code} {INVALID_LINE.msg}: {error}\n")
        first = verdict.first
        if first is not None and first is not INVALID_LINE:
            # D53: Binance answers one error, the first of the stages; then every rule broken.
            out.write(f"  Binance would answer: {first.code} {first.msg}\n")
            if len(verdict.violations) > 1:
                out.write("  every rule broken, in the order Binance meets them:\n")
        for v in verdict.violations:
            if v is INVALID_LINE:
                continue
            where = f" [{v.filter_type}]" if v.filter_type else ""
            if v.leg is not None:
                where += f" (leg {v.leg})"  # the order of a list it is about (D45)
            out.write(f"  {v.code} {v.msg}{where}\n")
            if v.explanation and v.explanation != v.msg:
                out.write(f"      {v.explanation}\n")
        if verdict.unchecked:
            uncertain = True
            out.write(
                f"  unchecked (context lacks what they need): {', '.join(verdict.unchecked)}\n"
            )
    out.write(f"{counts['accepted']} accepted, {counts['rejected']} rejected\n")
    return bool(counts["rejected"]), uncertain
