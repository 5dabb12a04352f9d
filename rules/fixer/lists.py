"""Fixing an order list (D45-D51): the nearest list that passes, or why none exists.

A list is its legs (D45): each leg is fixed by the single-order fixer
(:func:`rules.fixer.propose.propose`, passed in as ``fix``) as the
``order.place`` order :func:`rules.checker.lists.leg_params` makes of it, and
what moved is written back under the request's own names (``price`` of leg
``above`` → ``abovePrice``), each :class:`~rules.fixer.proposal.Change` naming
its leg. On top of the legs:

- D45: a quantity the legs share (``quantity`` of an OCO, ``pendingQuantity``
  of an OTOCO) is fixed once: the least the legs propose (then the most, when a
  leg raises it again), proposed to each leg again until they all keep it; its
  change has leg ``None``;
- D47: the OCO price relation (above > ``lastPrice`` > below, and above > below)
  is kept: a stop price the fixer would round across it (to the nearest tick)
  is rounded the other way, up for the above leg, down for the below leg;
  when that leaves the grid's bounds, the answer is the reason;
- D51: an OPO's pending orders have no quantity: a ``pendingQuantity`` sent is
  removed (``-1225``); the pending legs are fixed with the working quantity
  standing in for the fill, which is not sent;
- D52: a name the method does not read is removed (``-1104``), as the
  single-order fixer does.

The types and places of the legs (D46), the list flags (D48), the counters
(D50) and OPO's sides (D51) are no number to move: the answer is then the
reason. Every proposal is re-judged by :func:`rules.checker.evaluate.evaluate`.

May import: :mod:`rules.checker`, :mod:`rules.model`, and the fixer modules
below it (proposal, rounding).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Final

import attrs

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.list_rules import relation_broken
from rules.checker.lists import LegSpec, ListSpec, leg_params
from rules.checker.methods import JUDGED_METHODS, unread_of
from rules.checker.order import read_decimal
from rules.checker.violations import Verdict
from rules.fixer.proposal import Change, Proposal, show
from rules.fixer.rounding import RoundMode, format_on_step, round_price
from rules.model.frozen import FrozenJson
from rules.model.models import ExchangeInfo, PriceFilter

__all__ = ["propose_list"]

#: The single-order fixer: ``fix(order_place_params, allow_increase)``.
Fix = Callable[[Mapping[str, object], bool], Proposal]

#: The types a leg's relation price is its limit price for (D47); the others, stopPrice.
_LIMIT_PRICED: Final = frozenset({"LIMIT_MAKER", "TAKE_PROFIT_LIMIT"})
#: How many times a shared quantity is proposed to the legs again (D45).
_ROUNDS: Final = 4


def propose_list(
    info: ExchangeInfo,
    params: Mapping[str, object],
    context: Context,
    spec: ListSpec,
    method: str,
    fix: Fix,
    allow_increase: bool,
    rejected: Callable[[Verdict], Proposal],
) -> Proposal:
    """The nearest list of ``spec`` the checker accepts, or why there is none.

    ``fix`` is the single-order fixer; ``rejected`` answers a verdict whose
    rules are none the fixer moves (the reason :func:`rules.fixer.propose.propose`
    gives).
    """
    verdict = evaluate(info, params, context, method=method)
    if verdict.accepted:
        return Proposal(FrozenJson(dict(params)), unchecked=verdict.unchecked)
    _, kept = unread_of(JUDGED_METHODS[spec.name], params)
    removals = [
        Change(
            field=name,
            old=params[name],
            new=None,
            filter_type=None,
            why=f"{spec.name} does not read it (-1104 Not all sent parameters were read, D52)",
            leg=spec.leg_of(name),
        )
        for name in params
        if name not in kept
    ]
    if spec.opo and kept.get("pendingQuantity") is not None:
        removals.append(
            Change(
                field="pendingQuantity",
                old=kept.pop("pendingQuantity"),
                new=None,
                filter_type=None,
                why="an OPO's pending orders carry no quantity: the working order's fill "
                "(-1225, D51)",
                leg="pending" if len(spec.legs) == 2 else None,
            )
        )
    # The legs as the single-order fixer moves them (a stop price to the nearest tick);
    # again with each stop price rounded away from the relation's other side, when
    # that crossed it (D47).
    fixed = _fix_legs(info, kept, spec, fix, allow_increase, context, keep=False)
    if isinstance(fixed, Proposal) and fixed.reason is not None and "(D47)" in fixed.reason:
        fixed = _fix_legs(info, kept, spec, fix, allow_increase, context, keep=True)
    if isinstance(fixed, Proposal):
        if fixed.reason is None:  # a leg's own rules no number moves: the list's verdict
            return rejected(verdict)
        return attrs.evolve(fixed, violations=verdict.violations)
    new, changes = fixed
    final = evaluate(info, new, context, method=method)
    if not final.accepted:
        return rejected(verdict if removals else final)
    return Proposal(FrozenJson(new), tuple(removals) + changes, unchecked=final.unchecked)


def _fix_legs(
    info: ExchangeInfo,
    params: dict[str, object],
    spec: ListSpec,
    fix: Fix,
    allow_increase: bool,
    context: Context,
    *,
    keep: bool,
) -> tuple[dict[str, object], tuple[Change, ...]] | Proposal:
    """Each leg fixed as an order.place order, a shared quantity once (D45), the price
    relation kept (D47; ``keep``: the stop prices first rounded away from it): the
    request and its changes, or a :class:`Proposal` with no order (``reason``
    ``None``: the rules broken are none the fixer moves)."""
    orders = {leg.name: leg_params(spec, leg, params) for leg in spec.legs}
    if spec.opo:  # D51: the working quantity stands in for the fill, never sent
        working = orders["working"].get("quantity")
        for leg in spec.legs[1:]:
            if working is not None:
                orders[leg.name]["quantity"] = working
    kept = _keep_relation(info, params, spec, orders) if keep else {}
    proposals: dict[str, Proposal] = {}
    shared_moves: dict[str, Change] = {}
    for round_ in range(_ROUNDS):
        for leg in spec.legs:
            opo_pending = spec.opo and leg.name != "working"
            proposal = fix(orders[leg.name], allow_increase or opo_pending)
            if not proposal.accepted:
                return _leg_reason(leg, proposal)
            proposals[leg.name] = proposal
        if not _shared_quantities(spec, orders, proposals, shared_moves, most=round_ > 0):
            break
    else:
        return Proposal(None, reason="no quantity passes every leg that shares it (D45)")
    broken = _relation_broken(spec, proposals, params, context)
    if broken is not None:
        return Proposal(None, reason=broken)
    return _written_back(spec, params, orders, proposals, {**kept, **shared_moves})


def _leg_reason(leg: LegSpec, proposal: Proposal) -> Proposal:
    """A leg's reason in the request's names (its leading parameter too)."""
    reason = proposal.reason or ""
    if reason.startswith("no passing order: the fixer cannot change"):
        return Proposal(None)
    first, _, rest = leg.rename(reason).partition(" ")
    first = leg.wire.get(first, first)
    return Proposal(None, reason=f"leg {leg.name}: {first} {rest}".rstrip())


def _shared_quantities(
    spec: ListSpec,
    orders: dict[str, dict[str, object]],
    proposals: Mapping[str, Proposal],
    moves: dict[str, Change],
    *,
    most: bool,
) -> bool:
    """D45: the legs that share a quantity given the least any proposed (``most``: the
    most, when a leg raised the least again: its minimum notional, ``allow_increase``);
    ``True`` when they did not all agree (they are to be fixed again). ``moves`` gets,
    by request name, the first change that gave the value."""
    again = False
    for name in ("quantity", "pendingQuantity"):
        if name not in spec.shared:
            continue
        legs = [leg.name for leg in spec.legs if leg.names.get(name) == "quantity"]
        values = {read_decimal(proposals[leg].params().get("quantity")) for leg in legs}
        values.discard(None)
        if len(values) <= 1:
            continue
        least = (max if most else min)(v for v in values if v is not None)
        source = next(
            leg for leg in legs if read_decimal(proposals[leg].params().get("quantity")) == least
        )
        text = str(proposals[source].params()["quantity"])
        for change in proposals[source].changes:
            if change.field == "quantity":
                moves.setdefault(name, change)
        for leg in legs:
            orders[leg]["quantity"] = text
        again = True
    return again


def _relation_price(order: Mapping[str, object]) -> tuple[str, Decimal | None]:
    kind = order.get("type")
    name = "price" if isinstance(kind, str) and kind in _LIMIT_PRICED else "stopPrice"
    return name, read_decimal(order.get(name))


def _pair(spec: ListSpec, params: Mapping[str, object]) -> tuple[LegSpec, LegSpec] | None:
    if spec.deprecated:
        limit, stop = spec.legs
        side = params.get("side")
        return (limit, stop) if side == "SELL" else (stop, limit) if side == "BUY" else None
    return spec.pair


def _keep_relation(
    info: ExchangeInfo,
    params: Mapping[str, object],
    spec: ListSpec,
    orders: dict[str, dict[str, object]],
) -> dict[str, str]:
    """D47: a stop price off the tick grid rounded away from the other leg and the last
    price (above: up, below: down), where the fixer's nearest tick could cross them.
    Returns why, by leg name.

    A limit price needs none of this: the fixer moves it on the trader's side, which
    is away from the last price for a leg in its place (D46)."""
    pair = _pair(spec, params)
    symbol_name = params.get("symbol")
    if pair is None or not isinstance(symbol_name, str) or symbol_name not in info:
        return {}
    symbol = info.symbol(symbol_name)
    price_filter = symbol.filter(PriceFilter)
    if price_filter is None or not price_filter.tick_size:
        return {}
    why: dict[str, str] = {}
    modes: tuple[RoundMode, RoundMode] = ("ceil", "floor")
    for leg, mode in zip(pair, modes, strict=True):
        order = orders[leg.name]
        name, value = _relation_price(order)
        if name != "stopPrice" or value is None or value <= 0:
            continue
        rounded = round_price(symbol, value, mode, server_time=info.server_time)
        if rounded != value:
            order[name] = format_on_step(rounded, price_filter.tick_size)
            way, other = ("up", "below") if mode == "ceil" else ("down", "above")
            why[leg.name] = (
                f"rounded {way} to tickSize {show(price_filter.tick_size)}, away from the "
                f"{other} leg and lastPrice, to keep the price relation (D47)"
            )
    return why


def _relation_broken(
    spec: ListSpec,
    proposals: Mapping[str, Proposal],
    params: Mapping[str, object],
    context: Context,
) -> str | None:
    """Why the fixed pair breaks above > lastPrice > below (D47), when it does."""
    pair = _pair(spec, params)
    if pair is None:
        return None
    above, below = (proposals[leg.name].params() for leg in pair)
    (_, high), (_, low) = _relation_price(above), _relation_price(below)
    last = context.last_price
    broken = relation_broken(high, low, last)
    if broken is None or broken == "unchecked":
        return None
    # "prices": the two alone (both there); "last": against lastPrice
    shown = " > ".join(
        show(p) for p in ((high, low) if broken == "prices" else (high, last, low)) if p is not None
    )
    return (
        f"no passing list: with each leg on its grid and within its bounds, "
        f"above price > lastPrice > below price does not hold: {shown} (D47)"
    )


def _written_back(
    spec: ListSpec,
    params: Mapping[str, object],
    orders: Mapping[str, Mapping[str, object]],
    proposals: Mapping[str, Proposal],
    kept: Mapping[str, str | Change],
) -> tuple[dict[str, object], tuple[Change, ...]]:
    """The request with each leg's fixed values under its own names, and the changes in
    the request's names: a shared parameter's once, leg ``None`` (D45). ``kept``: why a
    value was moved before the legs' last fixing, by leg (D47) or shared name (D45)."""
    new = dict(params)
    changes: list[Change] = []
    shared_seen: set[str] = set()
    for leg in spec.legs:
        placed = proposals[leg.name].params()
        sent = leg_params(spec, leg, params)
        for order_name, request_name in leg.wire.items():
            if request_name == "symbol" or order_name not in placed:
                continue
            if order_name not in sent and request_name not in params:
                continue  # a stand-in (an OPO pending quantity, D51), never sent
            new[request_name] = placed[order_name]
        for change in _leg_changes(spec, leg, sent, orders[leg.name], proposals, kept):
            if change.leg is None:
                if change.field in shared_seen:
                    continue
                shared_seen.add(change.field)
            changes.append(change)
    return new, tuple(changes)


def _leg_changes(
    spec: ListSpec,
    leg: LegSpec,
    sent: Mapping[str, object],
    fixed_in: Mapping[str, object],
    proposals: Mapping[str, Proposal],
    kept: Mapping[str, str | Change],
) -> list[Change]:
    """The leg's changes in the request's names, from the values as sent: a value the
    list moved before the leg's fixer (a shared quantity, a stop price kept in
    relation) is one change from the sent value, with both reasons."""
    out: list[Change] = []
    placed = proposals[leg.name].params()
    own = {c.field: c for c in proposals[leg.name].changes}
    for order_name, request_name in leg.wire.items():
        if order_name not in sent or order_name not in placed:
            continue
        old, new = read_decimal(sent[order_name]), read_decimal(placed[order_name])
        change = own.get(order_name)
        if old is None or new is None or (old == new and change is None):
            continue
        why = change.why if change is not None else ""
        filter_type = change.filter_type if change is not None else None
        if fixed_in.get(order_name) != sent[order_name]:
            before = kept.get(request_name if request_name in spec.shared else leg.name)
            if isinstance(before, Change):  # D45: the leg whose move gave the least
                why, filter_type = before.why, filter_type or before.filter_type
                why += "; the least the legs that share it take (D45)"
            elif before is not None:  # D47
                why = f"{before}; {why}" if why else before
                filter_type = filter_type or "PRICE_FILTER"
        out.append(
            Change(
                field=request_name,
                old=old,
                new=new,
                filter_type=filter_type,
                why=why,
                leg=None if request_name in spec.shared else leg.name,
            )
        )
    return out
