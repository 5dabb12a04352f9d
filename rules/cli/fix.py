"""``rules fix``: propose, for each order read as JSON Lines, the nearest one Binance accepts.

``python -m rules fix --exchange-info PATH [--context PATH] [--allow-increase]
[--allow-worse-price] < orders.jsonl > proposals.jsonl``

The input is what ``rules check`` reads (:mod:`rules.cli.lines`: a params object
or ``{"params", "context"}`` a line, ``--context`` defaults under a line's own
context); a wrapped line may name its method (D40): ``order.place``,
``order.cancelReplace`` (its new order is fixed as the order.place it is, D43) or
``order.amend.keepPriority`` (``newQty`` onto the LOT_SIZE grid below the
context's ``origQty``, D44) or an order list (``orderList.place.oco`` and the
other five: each leg onto its grid, the price relation kept, D45-D51); its
violations and changes then carry ``"leg"`` (``null`` but for a list's leg). Each
output line is, in input order::

    {"accepted": bool,     # the order as sent was already accepted
     "params": {...},      # the order to send (wire strings), or null: none passes
     "changes": [{"field", "old", "new", "filterType", "why"}],  # new null: removed (-1104)
     "reason": str | null, # why no order passes
     "violations": [{"code", "msg", "filterType"}],  # of the order as sent
     "unchecked": [...]}   # rules the context could not decide, for the order to send

A malformed line gets ``params`` null, the ``-1135 "Invalid JSON Request"``
violation and an ``"error"`` detail (also on stderr), and the run goes on.
Exit 0 when every line got a passing order, 1 when any did not, 2 on a usage
or load error (one line on stderr). ``--format text`` prints a report for people.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Final

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.lists import LIST_SPECS
from rules.checker.violations import Verdict
from rules.cli.lines import (
    INVALID_LINE,
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
from rules.fixer.proposal import wire_value
from rules.model.numbers import to_plain_string

if TYPE_CHECKING:
    from rules.fixer.propose import Change, Proposal

#: The methods a ``rules fix`` line may name (D40): ``order.place`` (also none or
#: ``null``), a cancel-replace (D43), an amendment (D44) and the six order lists
#: (D45-D51); a ``v3/`` prefix is read.
FIXED_METHODS: Final = (
    None,
    "order.place",
    "order.cancelReplace",
    "order.amend.keepPriority",
    "v3/order.place",
    "v3/order.cancelReplace",
    "v3/order.amend.keepPriority",
    *LIST_SPECS,
    *(f"v3/{name}" for name in LIST_SPECS),
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fix",
        help="propose the nearest accepted order for each order (JSON Lines on stdin)",
        description=(
            "Read order.place params (or order.cancelReplace / order.amend.keepPriority / "
            "order-list requests), one JSON object a line, from stdin and write, one "
            "a line to stdout, the nearest order the rules accept (or why none does). "
            "Exit 0 if every line got a passing order, 1 if any did not, 2 on a usage "
            "or load error."
        ),
    )
    add_input_arguments(parser)
    parser.add_argument(
        "--allow-increase",
        action="store_true",
        help="let a quantity or quoteOrderQty grow by whole steps to the minimum notional",
    )
    parser.add_argument(
        "--allow-worse-price",
        action="store_true",
        help="let a BUY price go up (a SELL price down) when no passing price is on "
        "the trader's side of the limit",
    )
    parser.add_argument(
        "--format",
        choices=("json", "text"),
        default="json",
        help="json: one proposal object a line (default); text: a report for people",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, streams: Streams) -> int:
    # The fixer is imported by this command only, not by every run of the CLI.
    from rules.fixer.propose import Proposal, propose

    try:
        info, defaults = load_inputs(args)
    except ValueError as problem:
        streams.stderr.write(f"rules: {problem}\n")
        return EXIT_ERROR
    flags = {"allow_increase": args.allow_increase, "allow_worse_price": args.allow_worse_price}
    default_context = Context.from_mapping(defaults)
    contexts: dict[str, Context] = {}
    text = args.format == "text"
    counts = {"accepted": 0, "fixed": 0, "none": 0}
    for number, line in enumerate(input_lines(streams.stdin), 1):
        params, context, method, error = read_request(line, defaults, default_context, contexts)
        if error is None and method_of(method) not in FIXED_METHODS:
            taken = ", ".join(map(str, FIXED_METHODS[1:4]))
            error = f"method {method!r} is not taken here: only {taken} and the order lists (D40)"
        if error is not None:
            detail = f"line {number}: {error}"
            streams.stderr.write(f"rules: {detail}\n")
            verdict, proposal = bad_line(), Proposal(None, reason=detail)
        else:
            assert params is not None
            try:
                verdict = evaluate(info, params, context, method=method_of(method))
                proposal = propose(info, params, context, method=method_of(method), **flags)
            except Exception as problem:  # the net: a line never ends the run (issue 17)
                error = f"cannot fix this line: {type(problem).__name__}"
                detail = f"line {number}: {error}"
                streams.stderr.write(f"rules: {detail}\n")
                params, verdict, proposal = None, bad_line(), Proposal(None, reason=detail)
        counts[_status(verdict, proposal)] += 1
        if text:
            _write_text(streams.stdout, number, params, verdict, proposal, error)
        else:
            out = _to_json(verdict, proposal)
            if has_method(method):  # D40: a line naming its method: every violation has a leg
                for violation in out["violations"]:
                    violation.setdefault("leg", None)
                for change, json_change in zip(proposal.changes, out["changes"], strict=True):
                    json_change["leg"] = change.leg  # D45: the leg of a list's change
            if error is not None:
                out["error"] = proposal.reason
            streams.stdout.write(json.dumps(out, default=_plain) + "\n")
    if text:
        streams.stdout.write(
            f"{counts['accepted']} accepted, {counts['fixed']} fixed, "
            f"{counts['none']} without a passing order\n"
        )
    return EXIT_REJECTED if counts["none"] else EXIT_OK


#: The library's hints, in the command's words.
_FLAGS: Final = (
    ("allow_increase=True", "--allow-increase"),
    ("allow_worse_price=True", "--allow-worse-price"),
)


def _reason(proposal: Proposal) -> str | None:
    reason = proposal.reason
    if reason is not None:
        for keyword, flag in _FLAGS:
            reason = reason.replace(f"pass {keyword}", f"pass {flag}")
    return reason


def _status(verdict: Verdict, proposal: Proposal) -> str:
    if not proposal.accepted:
        return "none"
    return "accepted" if verdict.accepted else "fixed"


def _plain(value: object) -> str:
    # A number the line gave as a JSON number (read as Decimal, D32) that no rule
    # reads: written back as its plain decimal string, as the wire takes it.
    if isinstance(value, Decimal):
        return to_plain_string(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")  # pragma: no cover


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "field": change.field,
        "old": wire_value(change.old),
        "new": None if change.new is None else to_plain_string(change.new),
        "filterType": change.filter_type,
        "why": change.why,
    }


def _to_json(verdict: Verdict, proposal: Proposal) -> dict[str, Any]:
    return {
        "accepted": verdict.accepted,
        "params": proposal.params() if proposal.accepted else None,
        "changes": [_change_json(c) for c in proposal.changes],
        "reason": _reason(proposal),
        "violations": verdict.to_json()["violations"],
        "unchecked": list(proposal.unchecked),
    }


def _write_text(
    out: IO[str],
    number: int,
    params: Mapping[str, Any] | None,
    verdict: Verdict,
    proposal: Proposal,
    error: str | None,
) -> None:
    status = {"accepted": "accepted", "fixed": "FIXED", "none": "NO ORDER"}
    out.write(f"line {number}: {status[_status(verdict, proposal)]}  {describe(params)}".rstrip())
    out.write("\n")
    if error is not None:
        out.write(f"  {INVALID_LINE.code} {INVALID_LINE.msg}: {error}\n")
        return
    if not verdict.accepted:
        for v in verdict.violations:
            where = f" [{v.filter_type}]" if v.filter_type else ""
            if v.leg is not None:
                where += f" (leg {v.leg})"  # the order of a list it is about (D45)
            out.write(f"  {v.code} {v.msg}{where}\n")
    for change in proposal.changes:
        out.write(f"  {change}\n")
    if proposal.accepted:
        if proposal.changes:
            out.write(f"  send: {describe(proposal.params())}\n")
        if proposal.unchecked:
            unchecked = ", ".join(proposal.unchecked)
            out.write(f"  unchecked (context lacks what they need): {unchecked}\n")
    else:
        out.write(f"  reason: {_reason(proposal)}\n")
