"""Fixing an amendment (``order.amend.keepPriority``, D44): the nearest ``newQty`` that passes.

An amendment only lowers an order's quantity, so the one number to move is
``newQty``: down onto the LOT_SIZE grid of the snapshot's era (D17, D35), within
the base asset's precision (``-1111``, D38), under ``maxQty`` and strictly below
the order's ``origQty`` (the context's; ``-2038`` otherwise), and up to
``minQty`` when it is below it (a ``newQty`` of 0 too, ``-1130``). A name the
amendment does not read is removed as a named change (``-1104``, D52). Anything
else (the ids, a missing ``newQty``, the symbol, permissions, ``amendAllowed``,
MAX_NUM_ORDER_AMENDS) is no number to move: the answer is then the reason.
Every proposal is re-judged by :func:`rules.checker.evaluate.evaluate`.

May import: :mod:`rules.checker`, :mod:`rules.model`, and the fixer modules
below it (limits, proposal, rounding).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Final

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.methods import JUDGED_METHODS, unread_of
from rules.checker.order import read_decimal
from rules.checker.violations import Verdict, Violation
from rules.fixer.limits import at_least, at_most, feasible, on_the_wire, precision_grid
from rules.fixer.proposal import Change, Proposal, show
from rules.fixer.rounding import format_on_step, symbol_quantity_grid
from rules.model.frozen import FrozenJson
from rules.model.models import ExchangeInfo, LotSizeFilter

__all__ = ["propose_amend"]

AMEND: Final = "order.amend.keepPriority"
#: The messages of the violations a move of ``newQty`` can mend (D44, D38).
_MENDED: Final = frozenset(
    {
        "Order amend (quantity increase) is not supported.",
        "The requested action would change no state; rejecting",
        "Data sent for parameter 'newQty' is not valid.",
    }
)


def _mendable(violation: Violation) -> bool:
    if violation.code == -1104 or violation.filter_type == "LOT_SIZE":
        return True
    if violation.code == -1111:
        return violation.field == "newQty"
    return violation.field == "newQty" and violation.msg in _MENDED


def propose_amend(
    info: ExchangeInfo,
    params: Mapping[str, object],
    context: Context,
    rejected: Callable[[Verdict], Proposal],
) -> Proposal:
    """The nearest amendment the checker accepts, or why there is none.

    ``rejected`` answers a verdict whose rules are none the fixer moves (the
    reason :func:`rules.fixer.propose.propose` gives).

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "XY", "status": "TRADING", "baseAsset": "X", '
    ...   '"quoteAsset": "Y", "baseAssetPrecision": 8, "filters": [{"filterType": "LOT_SIZE", '
    ...   '"minQty": "0.001", "maxQty": "100", "stepSize": "0.001"}]}]}')
    >>> amend = {"symbol": "XY", "orderId": 7, "newQty": "2.5"}
    >>> proposal = propose_amend(info, amend, Context(orig_qty="2.5"), print)
    >>> proposal.params()["newQty"], str(proposal.changes[0])
    ('2.499', "newQty 2.5 -> 2.499: lowered below the order's origQty 2.5 (-2038, D44)")
    """
    verdict = evaluate(info, params, context, method=AMEND)
    if verdict.accepted:
        return Proposal(FrozenJson(dict(params)), unchecked=verdict.unchecked)
    if not all(_mendable(v) for v in verdict.violations):
        return rejected(verdict)
    _, kept = unread_of(JUDGED_METHODS[AMEND], params)
    removals = tuple(
        Change(
            field=name,
            old=params[name],
            new=None,
            filter_type=None,
            why=f"{AMEND} does not read it (-1104 Not all sent parameters were read, D52)",
        )
        for name in params
        if name not in kept
    )
    changes: tuple[Change, ...] = ()
    old = kept.get("newQty")
    new_qty = read_decimal(old)
    if new_qty is not None and any(v.field == "newQty" for v in verdict.violations):
        moved = _new_qty(info, kept, new_qty, context)
        if isinstance(moved, str):
            return Proposal(None, reason=moved, violations=verdict.violations)
        text, change = moved
        kept["newQty"] = text
        changes = (change,)
    final = evaluate(info, kept, context, method=AMEND)
    if not final.accepted:
        return rejected(final)
    return Proposal(FrozenJson(kept), removals + changes, unchecked=final.unchecked)


def _new_qty(
    info: ExchangeInfo, params: Mapping[str, object], new_qty: Decimal, context: Context
) -> tuple[str, Change] | str:
    """``newQty`` moved into every bound it breaks: its wire string and the change, or
    the reason no value passes."""
    symbol = info.symbol(str(params["symbol"]))
    places = symbol.base_asset_precision
    grid = symbol_quantity_grid(symbol, server_time=info.server_time)
    assert grid is not None  # LOT_SIZE alone: one grid, never an empty intersection
    wire = on_the_wire(grid) if grid.step else None
    work = (
        wire.intersect(precision_grid(places))
        if wire is not None and places is not None
        else (wire or precision_grid(places))
    )
    if work is None:
        return f"no newQty passes: the LOT_SIZE grid has no value within {places} decimals"
    lot = symbol.filter(LotSizeFilter)
    step = f"stepSize {show(grid.step)}" if grid.step else f"{places} decimals"
    low = at_least(work, lot.min_qty, "LOT_SIZE", f"minQty {show(lot.min_qty)}") if lot else None
    high = (
        at_most(work, lot.max_qty, "LOT_SIZE", f"maxQty {show(lot.max_qty)}")
        if (lot and lot.max_qty)
        else None
    )
    orig = context.orig_qty
    below = (
        at_most(work, orig, None, f"the order's origQty {show(orig)}", strict=True)
        if orig is not None
        else None
    )
    if below is not None and (high is None or below.value < high.value):
        high = below
    first, last = feasible(work, low, high)
    if first is None:  # pragma: no cover - the work grid always has a step
        return f"no newQty passes on {step}"
    if last is not None and last < first:
        where = "not below" if high is below else "above"
        return (
            f"no newQty passes: the least on {step} that LOT_SIZE takes is {show(first)}, "
            f"{where} {high.text if high is not None else ''}"
        )
    target = work.round(new_qty, "floor")
    filter_type: str | None = "LOT_SIZE"
    if last is not None and target > last:
        assert high is not None
        target = last
        if high is below:
            filter_type, why = None, f"lowered below {high.text} (-2038, D44)"
        else:
            why = f"lowered to {high.text}"
    elif target < first:
        target = first
        why = f"raised to the least newQty on {step}" + (f", {low.text}" if low else "")
    elif target == new_qty:
        filter_type = None
        why = f"written with at most {places} decimals (baseAssetPrecision; -1111, D38, D39)"
    else:
        why = f"rounded down to {step}"
    text = format_on_step(target, work.step)
    return text, Change("newQty", new_qty, Decimal(text), filter_type, why)
