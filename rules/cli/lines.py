"""The order lines ``rules check`` and ``rules fix`` read: JSON Lines, one order a line.

Both commands take ``--exchange-info PATH [--context PATH]`` and read stdin
the same way, through this module:

- each line is an ``order.place`` params object, or ``{"params": {...},
  "context": {...}}`` with nothing else beside them but ``"method"`` (D40:
  none or ``null`` is ``order.place``; ``rules check`` judges every order
  request, with or without ``v3/``, and answers ``-1020`` for a name that is
  no order request; a typo such as ``"contxt"`` is an error, not a
  context silently dropped);
- ``--context`` gives defaults that a line's own context overrides key by key;
- numbers are read as ``Decimal`` (D32), never as floats;
- a line that cannot be read (blank, not JSON, not an object, a bad context,
  not UTF-8, longer than :data:`MAX_LINE` characters, nested deeper than
  :data:`MAX_DEPTH`, a number out of any range) gets an error detail instead of
  an order, and the run goes on, so that output line N is always the answer for
  input line N; a byte order mark before the first line is skipped, as the
  loader skips one.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from functools import partial
from typing import Any, Final

from rules.checker.context import Context
from rules.checker.violations import Verdict, Violation
from rules.errors import ApiError, RulesError
from rules.examples import EXAMPLE_EXCHANGE_INFO
from rules.model.load import load_path
from rules.model.models import ExchangeInfo

__all__ = [
    "CACHE_SIZE",
    "INVALID_LINE",
    "NO_METHOD",
    "PLACE_METHODS",
    "add_input_arguments",
    "bad_line",
    "describe",
    "input_lines",
    "line_context",
    "load_inputs",
    "read_line",
    "scan_json",
]

#: The longest context (its repr) remembered: 4096 of them stay under 16 MiB.
_CACHED_KEY: Final = 4096
#: The longest input line read, in characters; a longer one is an error line.
MAX_LINE: Final = 1024 * 1024
#: The deepest nesting of arrays and objects a line may have (order params are flat).
MAX_DEPTH: Final = 32


def _json_decimal(text: str) -> Decimal | str:
    # D32: a JSON number is the decimal it spells. One whose exponent is beyond what
    # Decimal holds (1e99999999999999999999) stays its text, which no rule reads as
    # a number: it gets -1100 like any malformed value, never an exception.
    try:
        return Decimal(text)
    except ArithmeticError:
        return text


#: ``json.loads(line, parse_float=Decimal)`` (D32) without a new decoder per line.
#: ``NaN`` and ``Infinity`` are no JSON: they stay the strings they are, malformed
#: numbers (D29, ``-1100``), never a float NaN (which the Python API reads as "not sent").
_DECODER: Final = json.JSONDecoder(parse_float=_json_decimal, parse_constant=str)
_DECODE: Final = _DECODER.decode
#: The JSON value at the start of a string and where it ends (``StopIteration``: none):
#: what ``_DECODE`` parses after skipping whitespace, without its checks around.
scan_json: Final[Callable[[str, int], tuple[Any, int]]] = _DECODER.scan_once  # type: ignore[attr-defined]
#: The ``method`` values that are ``order.place`` (D40): none or ``null``, and a
#: ``v3/`` prefix read as the plain name (what :func:`read_line` takes).
PLACE_METHODS: Final = (None, "order.place", "v3/order.place")


class _Unreadable(str):
    """An input line that cannot be read at all; the string is the reason."""

    __slots__ = ()


def input_lines(stream: Iterable[str]) -> Iterator[str]:
    """The lines of ``stream``, one per input line whatever it holds.

    A byte order mark before the first line is dropped. A line that is not UTF-8
    (decoded with ``surrogateescape``) or longer than :data:`MAX_LINE` characters
    comes out as a reason :func:`read_line` reports, so the run goes on.
    """
    first = True
    readline = getattr(stream, "readline", None)
    lines: Iterable[str] = iter(partial(readline, MAX_LINE + 1), "") if readline else stream
    skipping = False
    for line in lines:
        if skipping:  # the rest of a line too long, already reported
            skipping = not line.endswith("\n")
            continue
        if first:
            first = False
            if line.startswith("\ufeff"):
                line = line[1:]
        if len(line) > MAX_LINE:
            skipping = not line.endswith("\n")
            yield _Unreadable(f"line longer than {MAX_LINE} characters")
            continue
        if not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:  # a byte that is not UTF-8, kept as a surrogate
                yield _Unreadable("not UTF-8 text")
                continue
        yield line


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (iterative)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in item)
    return deepest


#: How many distinct line contexts (and output lines) a command remembers per run.
CACHE_SIZE: Final = 4096
#: The violation of a line that cannot be read: Binance's answer to a malformed request.
INVALID_LINE: Final = Violation(code=-1135, msg="Invalid JSON Request", explanation="")


def bad_line() -> Verdict:
    """The verdict of a line that cannot be read (its detail goes beside it)."""
    return Verdict(False, (INVALID_LINE,), ())


def add_input_arguments(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """``--exchange-info PATH`` (required, unless the command checks it) and ``--context PATH``."""
    parser.add_argument(
        "--exchange-info",
        metavar="PATH",
        required=required,
        help="exchangeInfo snapshot: the result object or a whole WebSocket response "
        f"(the bundled example is {EXAMPLE_EXCHANGE_INFO})",
    )
    parser.add_argument(
        "--context",
        metavar="PATH",
        help="JSON object of default context keys (avgPrice, openOrders, permissions, ...); "
        "a line's own context overrides them key by key",
    )


def load_inputs(args: argparse.Namespace) -> tuple[ExchangeInfo, dict[str, Any]]:
    """The snapshot of ``--exchange-info`` and the defaults of ``--context``.

    Raises:
        ValueError: either cannot be loaded; the message is one line for stderr.
    """
    try:
        info = load_path(args.exchange_info)
    except (RulesError, ApiError) as error:
        raise ValueError(str(error).splitlines()[0]) from None
    defaults: dict[str, Any] = {}
    if args.context is not None:
        defaults = _load_context(args.context)
    return info, defaults


#: The largest ``--context`` file read, in bytes.
MAX_CONTEXT_FILE: Final = 1024 * 1024


def _load_context(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_CONTEXT_FILE + 1)
    except OSError as error:
        raise ValueError(f"cannot read context file {path}: {error.strerror}") from None
    if len(raw) > MAX_CONTEXT_FILE:
        raise ValueError(f"context file {path} is larger than {MAX_CONTEXT_FILE} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"context file {path} is not UTF-8 text (byte {error.start})") from None
    try:
        data = _DECODE(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"context file {path} is not valid JSON: {error.msg}") from None
    except RecursionError:
        raise ValueError(f"context file {path} is not valid JSON: nested too deeply") from None
    except ValueError as error:  # an integer longer than Python converts
        raise ValueError(f"context file {path} is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"context file {path}: expected a JSON object")
    if _depth(data) > MAX_DEPTH:
        raise ValueError(f"context file {path}: nested more than {MAX_DEPTH} levels deep")
    Context.from_mapping(data)  # report a bad default once, up front
    return data


def _loads(line: str) -> Any:
    if line.startswith("\ufeff"):
        # json.loads raises its own BOM error
        return json.loads(line, parse_float=Decimal, parse_constant=str)
    return _DECODE(line)  # what json.loads does for any other str (a huge exponent kept)


def line_context(
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
        if len(key) <= _CACHED_KEY:  # bounded in bytes too, not only in entries
            if len(contexts) >= CACHE_SIZE:
                contexts.clear()
            contexts[key] = context
    return context


def read_line(
    line: str,
    defaults: Mapping[str, Any],
    default_context: Context,
    contexts: dict[str, Context],
    beside: frozenset[str] = frozenset(),
    kept: dict[str, Any] | None = None,
) -> tuple[dict[str, Any] | None, Context, str | None]:
    """One ``order.place`` input line (:func:`read_request`, where a method other
    than ``order.place`` is an error): its params, its context, and an error detail."""
    params, context, method, error = read_request(
        line, defaults, default_context, contexts, beside, kept
    )
    if error is None and has_method(method) and method not in PLACE_METHODS:
        error = f"method {method!r} is not taken here: only order.place (D40)"
    return params, context, error


#: The keys of a wrapped line (``--keep`` may allow more).
_WRAPPER: Final = frozenset({"params", "context", "method"})
#: The method :func:`read_request` gives for a line that names none (``order.place``,
#: D40): a sentinel, so that :func:`has_method` tells it from ``null``.
NO_METHOD: Final = object()
_NONE: Final = NO_METHOD


def has_method(method: object) -> bool:
    """Whether :func:`read_request`'s method was named on the line (its verdict then
    carries ``leg``, D40)."""
    return method is not _NONE


def method_of(method: object) -> str | None:
    """The ``method`` to judge a line of :func:`read_request` as (``None``: order.place)."""
    return method if type(method) is str else None


def read_request(
    line: str,
    defaults: Mapping[str, Any],
    default_context: Context,
    contexts: dict[str, Context],
    beside: frozenset[str] = frozenset(),
    kept: dict[str, Any] | None = None,
) -> tuple[dict[str, Any] | None, Context, object, str | None]:
    """One input line: its params, its context, its method and an error detail when it
    cannot be read.

    The method is as written (``None`` for ``null``), or a sentinel when the line
    names none (:func:`has_method`; :func:`method_of` gives what to judge it as).

    The params are ``None`` when the line has none to show; with an error they
    may be there (a wrapped line whose context is bad) but are not to be judged.
    A wrapped line may carry the keys of ``beside`` next to ``params`` (an id, a
    time: ``rules check --keep``); their values go into ``kept``.
    """
    if type(line) is _Unreadable:
        return None, default_context, _NONE, str(line)
    if not line.strip():
        return None, default_context, _NONE, "empty line, expected a JSON object"
    try:
        obj = _loads(line)
    except json.JSONDecodeError as error:
        return None, default_context, _NONE, f"not valid JSON: {error.msg}"
    except RecursionError:
        return None, default_context, _NONE, "not valid JSON: nested too deeply"
    except ValueError as error:  # e.g. an integer longer than Python converts (4300 digits)
        return None, default_context, _NONE, f"not valid JSON: {error}"
    if not isinstance(obj, dict):
        return None, default_context, _NONE, "expected a JSON object"
    # Cheap first: fewer brackets than the limit cannot nest deeper than it.
    if line.count("[") + line.count("{") > MAX_DEPTH and _depth(obj) > MAX_DEPTH:
        return None, default_context, _NONE, f"nested more than {MAX_DEPTH} levels deep"
    if "params" not in obj:
        return obj, default_context, _NONE, None
    params = obj["params"]
    if not isinstance(params, dict):
        return None, default_context, _NONE, "params is not a JSON object"
    extra = () if _WRAPPER.issuperset(obj) else sorted(set(obj) - _WRAPPER - beside)
    if extra:
        known = ", ".join(["context", "method", *sorted(beside)])
        return (
            params,
            default_context,
            _NONE,
            f"unknown key {extra[0]!r} beside params (known: {known})",
        )
    if kept is not None:
        kept.update((key, obj[key]) for key in beside if key in obj)
    method = obj.get("method", _NONE)
    if method is not _NONE and method is not None and type(method) is not str:
        return params, default_context, method, f"method {method!r} is not a string (D40)"
    own = obj.get("context")
    if own is None:
        return params, default_context, method, None
    if not isinstance(own, dict):
        return params, default_context, method, "context is not a JSON object"
    try:
        return params, line_context(own, defaults, contexts), method, None
    except ValueError as error:
        return params, default_context, method, str(error)


def describe(params: Mapping[str, Any] | None) -> str:
    """An order in a few words, for the text reports: ``XY BUY LIMIT quantity=1 price=1``
    (an amendment: ``XY newQty=1``)."""
    if not params:
        return ""
    words = [str(params.get(k)) for k in ("symbol", "side", "type") if params.get(k) is not None]
    for key in ("quantity", "quoteOrderQty", "price", "stopPrice", "newQty"):
        if params.get(key) is not None:
            words.append(f"{key}={params[key]}")
    return " ".join(words)
