"""``rules check``: judge orders read as JSON Lines, one verdict a line.

``python -m rules check --exchange-info PATH [--context PATH] < orders.jsonl > verdicts.jsonl``

Each input line is an ``order.place`` params object, or
``{"params": {...}, "context": {...}}``; ``--context`` gives defaults that a
line's own context overrides key by key. Each output line is
``{"accepted", "violations": [{"code", "msg", "filterType"}], "unchecked"}``, in
input order. A malformed line gets its own verdict (``-1135 "Invalid JSON
Request"``, with an ``"error"`` detail) and the run goes on; so does a blank
line, so that output line N is always the verdict of input line N. Exit 0
when every order is accepted, 1 when any is rejected, 2 on a usage or load
error (one line on stderr). ``--format text`` prints a report for people
instead.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import IO, Any, Final

from rules.cli import EXIT_ERROR, EXIT_OK, EXIT_REJECTED, Streams
from rules.context import Context
from rules.errors import ApiError, RulesError
from rules.examples import EXAMPLE_EXCHANGE_INFO
from rules.load import load_path
from rules.models import ExchangeInfo
from rules.validate import evaluate
from rules.violations import ACCEPTED, Verdict, Violation

_ACCEPTED_LINE: Final = '{"accepted": true, "violations": [], "unchecked": []}\n'
_INVALID_JSON: Final = Violation(-1135, "Invalid JSON Request", explanation="")
#: ``json.loads(line, parse_float=Decimal)`` (D32) without a new decoder per line.
_DECODE: Final = json.JSONDecoder(parse_float=Decimal).decode
#: How many distinct line contexts, and verdict lines, are remembered per run.
_CACHE_SIZE: Final = 4096


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check orders (JSON Lines on stdin) against exchangeInfo rules",
        description=(
            "Read order.place params, one JSON object a line, from stdin and write "
            "one verdict a line to stdout. Exit 0 if all are accepted, 1 if any is "
            "rejected, 2 on a usage or load error."
        ),
    )
    parser.add_argument(
        "--exchange-info",
        metavar="PATH",
        required=True,
        help="exchangeInfo snapshot: the result object or a whole WebSocket response "
        f"(the bundled example is {EXAMPLE_EXCHANGE_INFO})",
    )
    parser.add_argument(
        "--context",
        metavar="PATH",
        help="JSON object of default context keys (avgPrice, openOrders, permissions, ...); "
        "a line's own context overrides them key by key",
    )
    parser.add_argument(
        "--format",
        choices=("json", "text"),
        default="json",
        help="json: one verdict object a line (default); text: a report for people",
    )
    parser.set_defaults(handler=run)


def _fail(streams: Streams, message: str) -> int:
    streams.stderr.write(f"rules: {message}\n")
    return EXIT_ERROR


def _load_context(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file, parse_float=Decimal)
    except OSError as error:
        raise ValueError(f"cannot read context file {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"context file {path} is not valid JSON: {error.msg}") from None
    if not isinstance(data, dict):
        raise ValueError(f"context file {path}: expected a JSON object")
    Context.from_mapping(data)  # report a bad default once, up front
    return data


def run(args: argparse.Namespace, streams: Streams) -> int:
    try:
        info = load_path(args.exchange_info)
    except (RulesError, ApiError) as error:
        return _fail(streams, str(error).splitlines()[0])
    defaults: dict[str, Any] = {}
    if args.context is not None:
        try:
            defaults = _load_context(args.context)
        except ValueError as error:
            return _fail(streams, str(error))
    if args.format == "text":
        return _run_text(info, defaults, streams)
    return _run_json(info, defaults, streams)


def _loads(line: str) -> Any:
    if line.startswith("\ufeff"):
        return json.loads(line, parse_float=Decimal)  # raises json's own BOM error
    return _DECODE(line)  # what json.loads does for any other str


def _line_context(
    own: dict[str, Any], defaults: Mapping[str, Any], contexts: dict[str, Context]
) -> Context:
    """The context of a line's own ``context`` object over the defaults, built once per value.

    The key is the object's ``repr``: for decoded JSON (str, int, Decimal, bool,
    None, lists, objects) equal reprs mean equal values of equal types in the
    same order, so the cached Context is exactly the one this line would build
    (``1`` and ``true``, or ``1.0`` and ``1.00``, stay apart). The fast path
    then also reuses its per-context bounds, kept per Context object.
    """
    key = repr(own)
    context = contexts.get(key)
    if context is None:
        context = Context.from_mapping({**defaults, **own})  # ValueError: not cached
        if len(contexts) >= _CACHE_SIZE:
            contexts.clear()
        contexts[key] = context
    return context


def _judge(
    info: ExchangeInfo,
    line: str,
    defaults: Mapping[str, Any],
    default_context: Context,
    contexts: dict[str, Context],
) -> tuple[Verdict, Mapping[str, Any] | None, str | None]:
    """The verdict of one input line, its params, and an error detail for a bad line."""
    if not line.strip():
        # One output line per input line: a blank one gets its own error verdict.
        return _bad(), None, "empty line, expected a JSON object"
    try:
        obj = _loads(line)
    except json.JSONDecodeError as error:
        return _bad(), None, f"not valid JSON: {error.msg}"
    except RecursionError:
        return _bad(), None, "not valid JSON: nested too deeply"
    except ValueError as error:  # e.g. an integer longer than Python converts (4300 digits)
        return _bad(), None, f"not valid JSON: {error}"
    if not isinstance(obj, dict):
        return _bad(), None, "expected a JSON object"
    params: Any = obj
    context = default_context
    if "params" in obj:
        # {"params": {...}, "context": {...}}: nothing else, so that a typo
        # ("contxt") is an error rather than a context silently dropped.
        params = obj["params"]
        if not isinstance(params, dict):
            return _bad(), None, "params is not a JSON object"
        extra = sorted(set(obj) - {"params", "context"})
        if extra:
            return _bad(), params, f"unknown key {extra[0]!r} beside params (known: context)"
        own = obj.get("context")
        if own is not None:
            if not isinstance(own, dict):
                return _bad(), params, "context is not a JSON object"
            try:
                context = _line_context(own, defaults, contexts)
            except ValueError as error:
                return _bad(), params, str(error)
    return evaluate(info, params, context), params, None


def _bad() -> Verdict:
    return Verdict(False, (_INVALID_JSON,), ())


def _run_json(info: ExchangeInfo, defaults: Mapping[str, Any], streams: Streams) -> int:
    default_context = Context.from_mapping(defaults)
    contexts: dict[str, Context] = {}
    # The output line of each verdict seen, by what to_json() shows of it.
    lines: dict[tuple[object, ...], str] = {}
    write = streams.stdout.write
    dumps = json.dumps
    rejected = False
    for number, line in enumerate(streams.stdin, 1):
        verdict, _, error = _judge(info, line, defaults, default_context, contexts)
        if verdict is ACCEPTED:
            write(_ACCEPTED_LINE)
            continue
        rejected = rejected or not verdict.accepted
        if error is not None:
            out = verdict.to_json()
            out["error"] = f"line {number}: {error}"
            streams.stderr.write(f"rules: line {number}: {error}\n")
            write(dumps(out) + "\n")
            continue
        key = (
            verdict.accepted,
            verdict.unchecked,
            *[(v.code, v.msg, v.filter_type) for v in verdict.violations],
        )
        text = lines.get(key)
        if text is None:
            text = dumps(verdict.to_json()) + "\n"
            if len(lines) >= _CACHE_SIZE:
                lines.clear()
            lines[key] = text
        write(text)
    return EXIT_REJECTED if rejected else EXIT_OK


def _describe(params: Mapping[str, Any] | None) -> str:
    if not params:
        return ""
    words = [str(params.get(k)) for k in ("symbol", "side", "type") if params.get(k) is not None]
    for key in ("quantity", "quoteOrderQty", "price", "stopPrice"):
        if params.get(key) is not None:
            words.append(f"{key}={params[key]}")
    return " ".join(words)


def _run_text(info: ExchangeInfo, defaults: Mapping[str, Any], streams: Streams) -> int:
    default_context = Context.from_mapping(defaults)
    contexts: dict[str, Context] = {}
    out: IO[str] = streams.stdout
    counts = {"accepted": 0, "rejected": 0}
    for number, line in enumerate(streams.stdin, 1):
        verdict, params, error = _judge(info, line, defaults, default_context, contexts)
        status = "accepted" if verdict.accepted else "REJECTED"
        counts["accepted" if verdict.accepted else "rejected"] += 1
        out.write(f"line {number}: {status}  {_describe(params)}".rstrip() + "\n")
        if error is not None:
            out.write(f"  {_INVALID_JSON.code} {_INVALID_JSON.msg}: {error}\n")
        for v in verdict.violations:
            if v is _INVALID_JSON:
                continue
            where = f" [{v.filter_type}]" if v.filter_type else ""
            out.write(f"  {v.code} {v.msg}{where}\n")
            if v.explanation and v.explanation != v.msg:
                out.write(f"      {v.explanation}\n")
        if verdict.unchecked:
            out.write(
                f"  unchecked (context lacks what they need): {', '.join(verdict.unchecked)}\n"
            )
    out.write(f"{counts['accepted']} accepted, {counts['rejected']} rejected\n")
    return EXIT_REJECTED if counts["rejected"] else EXIT_OK
