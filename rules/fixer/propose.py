"""The fixer: the nearest order Binance will accept, or the reason none exists.

:func:`propose` takes an order the checker may reject and moves its numbers, as
little as possible and never against the trader, until the checker accepts it:

1. ``price`` (LIMIT, LIMIT_MAKER, STOP_LOSS_LIMIT, TAKE_PROFIT_LIMIT) goes onto
   the tick grid and into PRICE_FILTER's bounds and the percent band
   (PERCENT_PRICE, PERCENT_PRICE_BY_SIDE around the market price of D18), in the
   direction that does not worsen the limit: a BUY only goes down, a SELL only up.
2. ``stopPrice`` goes to the nearest tick; it is never moved across a bound.
3. ``quantity`` goes down to the step (LOT_SIZE, and MARKET_LOT_SIZE for
   MARKET-type orders, D09, D10) and down under every maximum (maxQty,
   maxNotional, MAX_POSITION) and up to minQty: into [minQty, maxQty] always. It
   goes up by whole steps to reach the minimum notional only with
   ``allow_increase=True``.
4. ``quoteOrderQty`` (MARKET, D11) goes down to the quote asset's precision and
   into the notional bounds that apply to MARKET orders (up only with
   ``allow_increase``).
5. ``icebergQty`` goes onto the step and into LOT_SIZE and ICEBERG_PARTS; it
   changes how much of the order shows, never how much trades.
6. ``trailingDelta`` goes to the nearest value within TRAILING_DELTA's bounds
   for the order's side (D34).

The result is then judged by :func:`rules.checker.evaluate.evaluate`: a proposal is
returned only if the checker accepts it. Anything the fixer does not move (a
closed market, an order type the symbol lacks, missing parameters, permissions,
open-order counts) makes it answer with the reason instead.

Pure: no I/O; arithmetic is exact (:mod:`rules.model.numbers`, :mod:`rules.fixer.rounding`).

Layout: this module is :func:`propose` itself; the result types
(:class:`Proposal`, :class:`Change`, re-exported here) live in
:mod:`rules.fixer.proposal`, the moves in :mod:`rules.fixer.moves`, and the bound
arithmetic they use in :mod:`rules.fixer.limits`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.kinds import ORDER_KINDS
from rules.checker.lists import LIST_SPECS
from rules.checker.methods import CANCEL_READ, plain_method
from rules.checker.order import READ, Order, ParsedOrder, read_any
from rules.checker.replace import cancel_problems
from rules.checker.request import places
from rules.checker.violations import Verdict, Violation
from rules.fixer.amend import propose_amend
from rules.fixer.lists import propose_list
from rules.fixer.moves import Fixer, NoOrder
from rules.fixer.proposal import Change, Proposal
from rules.fixer.rounding import format_on_step, round_to_step
from rules.model.frozen import FrozenJson
from rules.model.models import ExchangeInfo, SymbolInfo
from rules.model.numbers import UNBOUNDED, is_multiple, to_plain_string

__all__ = ["Change", "Proposal", "propose"]


def propose(
    info: ExchangeInfo,
    order: Mapping[str, object] | Order,
    context: Context | Mapping[str, Any] | None = None,
    *,
    allow_increase: bool = False,
    allow_worse_price: bool = False,
    method: str | None = None,
) -> Proposal:
    """The nearest order Binance will accept, or the reason no such order exists.

    Args:
        info: the ``exchangeInfo`` snapshot; its ``serverTime`` picks the grid era (D17).
        order: the ``order.place`` params (strings, ints, ``Decimal``, floats read
            as their ``repr``) or an :class:`~rules.checker.order.Order`.
        context: market prices and account state (a :class:`~rules.checker.context.Context`
            or its JSON form). Without the market price the percent band and the
            MARKET notional cannot be fixed; they come back in ``unchecked``.
        allow_increase: let the quantity (or quoteOrderQty) grow by whole steps
            to the minimum notional. Off by default: the fixer trades more than
            asked only to bring a quantity up into [minQty, maxQty].
        allow_worse_price: let a BUY price go up (a SELL price down) when no
            passing price is on the trader's side of the limit (a BUY below the
            percent band). Off by default.
        method: the request (D40): ``None`` or ``"order.place"``;
            ``"order.cancelReplace"`` (D43: its new order is fixed as the
            ``order.place`` it is, the cancel side kept as sent; a cancel side
            that breaks a rule is a reason); ``"order.amend.keepPriority"`` (D44:
            :func:`rules.fixer.amend.propose_amend`, ``newQty`` onto the LOT_SIZE
            grid below the context's ``origQty``); an order list
            (``"orderList.place.oco"`` and the other five, D45-D51:
            :func:`rules.fixer.lists.propose_list`, each leg fixed as the
            ``order.place`` order it is, the price relation kept).
            Another method (a SOR, a test request) is a reason.

    Returns:
        A :class:`Proposal`: ``order`` and ``changes``, or ``reason`` and the
        ``violations`` that stand in the way.

    Raises:
        ValueError: ``context`` is a mapping that is not a valid context.

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "BTCUSDT", "status": "TRADING", '
    ...   '"baseAsset": "BTC", "quoteAsset": "USDT", "filters": ['
    ...   '{"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000", '
    ...   '"tickSize": "0.01"}, {"filterType": "LOT_SIZE", "minQty": "0.00001", '
    ...   '"maxQty": "9000", "stepSize": "0.00001"}, {"filterType": "NOTIONAL", '
    ...   '"minNotional": "5", "applyMinToMarket": true, "maxNotional": "9000000", '
    ...   '"applyMaxToMarket": false, "avgPriceMins": 5}]}]}')
    >>> buy = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
    ...        "price": "30000.019", "quantity": "0.0123456"}
    >>> proposal = propose(info, buy)
    >>> proposal.params()["price"], proposal.params()["quantity"]
    ('30000.01', '0.01234')
    >>> print(proposal.changes[0])
    price 30000.019 -> 30000.01: rounded down to tickSize 0.01 (a BUY limit never goes up)
    >>> tiny = dict(buy, quantity="0.0001")
    >>> print(propose(info, tiny).reason)
    quantity 0.0001 is below minNotional 5 at price 30000.01: the least passing quantity \
is 0.00017 (pass allow_increase=True to raise it)
    >>> propose(info, tiny, allow_increase=True).params()["quantity"]
    '0.00017'
    """
    if context is None:
        ctx = Context()
    elif isinstance(context, Context):
        ctx = context
    else:
        ctx = Context.from_mapping(context)
    if method is not None and method != "order.place":
        return _propose_request(info, order, ctx, method, allow_increase, allow_worse_price)
    # Read exactly as the checker reads: anything but a mapping or an Order (None,
    # a number, a string, a list of pairs) is its -1102, answered as a reason.
    parsed = read_any(order)
    original = evaluate(info, order, ctx)
    symbol = _symbol(info, parsed)
    kind = ORDER_KINDS.get(parsed.type) if isinstance(parsed.type, str) else None
    if symbol is None or kind is None or parsed.problems:
        return _verdict_only(original, order)
    params: dict[str, object] = dict(order.to_params() if isinstance(order, Order) else order)
    # D52: a name order.place does not read is removed, as a named change (never silently).
    removals = tuple(
        Change(
            field=name,
            old=params.pop(name),
            new=None,
            filter_type=None,
            why="order.place does not read it (-1104 Not all sent parameters were read, D52)"
            + _did_you_mean(name),
        )
        for name in parsed.unread
        if name in params
    )
    if original.accepted and _quote_fits(symbol, parsed.quote_order_qty):
        # Nothing to move (the common case): every number as sent, re-checked when
        # a number had to be written out (the proposal is always what the checker accepts).
        sent = _as_sent(params, parsed)
        if sent == params or evaluate(info, sent, ctx).accepted:
            return Proposal(FrozenJson(sent), unchecked=original.unchecked)
    fixer = Fixer(info, symbol, parsed, kind, ctx, allow_increase, allow_worse_price)
    try:
        values = fixer.run()
    except NoOrder as no:
        return Proposal(None, reason=no.reason, violations=original.violations)
    new = _as_sent(params, parsed)
    moved = {change.field for change in fixer.changes}
    for wire, (value, step) in values.items():
        if wire == "trailingDelta":  # an integer (BIPS), sent as an int when moved
            if wire in moved:
                new[wire] = int(value)
        elif wire in moved or value != getattr(parsed, _ATTRIBUTES[wire]):
            new[wire] = format_on_step(value, step)
    steps = {wire: step for wire, (_, step) in values.items()}
    changes = _trim_precision(new, values, symbol, parsed, _on_the_wire(fixer.changes, steps))
    verdict = evaluate(info, new, ctx)
    if not verdict.accepted:
        # With removals, the order as sent says more (its -1104 names them; D53: first).
        return _rejected(original if removals else verdict)
    return Proposal(FrozenJson(new), removals + changes, unchecked=verdict.unchecked)


def _propose_request(
    info: ExchangeInfo,
    order: Mapping[str, object] | Order,
    ctx: Context,
    method: str,
    allow_increase: bool,
    allow_worse_price: bool,
) -> Proposal:
    """:func:`propose` for another request than ``order.place`` (D40, D43, D44)."""
    params = order.to_params() if isinstance(order, Order) else order
    name = plain_method(method)
    if name is None or not isinstance(params, Mapping):
        return _rejected(evaluate(info, params, ctx, method=method))  # -1020 (D40), -1102
    if name == "order.amend.keepPriority":
        return propose_amend(info, params, ctx, _rejected)
    spec = LIST_SPECS.get(name)
    if spec is not None:
        return propose_list(
            info,
            params,
            ctx,
            spec,
            method,
            lambda leg, increase: propose(
                info, leg, ctx, allow_increase=increase, allow_worse_price=allow_worse_price
            ),
            allow_increase,
            _rejected,
        )
    if name != "order.cancelReplace":
        return Proposal(
            None,
            reason="the fixer takes order.place, order.cancelReplace, "
            f"order.amend.keepPriority and order-list requests, not {method}",
        )
    verdict = evaluate(info, params, ctx, method=method)
    if verdict.accepted:
        return Proposal(FrozenJson(dict(params)), unchecked=verdict.unchecked)
    symbol = _symbol(info, read_any(params))
    if symbol is None or cancel_problems(params) or symbol.cancel_replace_allowed is False:
        return _rejected(verdict)  # D43: the cancel side is no number to move
    new = propose(
        info,
        {k: v for k, v in params.items() if k not in CANCEL_READ},
        ctx,
        allow_increase=allow_increase,
        allow_worse_price=allow_worse_price,
    )
    if not new.accepted:
        if new.reason is not None and new.reason.startswith(_CANNOT):
            return _rejected(verdict)  # the whole request's rules, -1104 counts included
        return Proposal(None, reason=new.reason, violations=verdict.violations)
    placed = new.params()
    # The new order as the fixer moved it, the cancel side as sent, in the order sent.
    merged = {
        k: (v if k in CANCEL_READ else placed[k])
        for k, v in params.items()
        if k in CANCEL_READ or k in placed
    }
    final = evaluate(info, merged, ctx, method=method)
    if not final.accepted:  # pragma: no cover - the new order passes as order.place
        return _rejected(final)
    changes = tuple(
        attrs.evolve(c, why=c.why.replace("order.place does not read", f"{name} does not read"))
        for c in new.changes
    )
    return Proposal(FrozenJson(merged), changes, unchecked=final.unchecked)


def _did_you_mean(name: str) -> str:
    close = difflib.get_close_matches(name, sorted(READ), n=1, cutoff=0.8)
    folded = [known for known in READ if known.lower() == name.lower()]
    guess = folded[0] if folded else close[0] if close else None
    return "" if guess is None else f"; did you mean {guess!r}?"


#: D38: the precision that bounds each number: ``True`` for the base asset's.
_BASE: Final = {"quantity": True, "icebergQty": True, "price": False, "stopPrice": False,
                "quoteOrderQty": False}  # fmt: skip


def _trim_precision(
    new: dict[str, object],
    values: Mapping[str, tuple[Decimal, Decimal]],
    symbol: SymbolInfo,
    parsed: ParsedOrder,
    changes: tuple[Change, ...],
) -> tuple[Change, ...]:
    """Write every number with no more decimals than its asset's precision (-1111, D38, D39).

    A value on the precision's grid loses only its excess trailing zeros (written with
    the grid's places, as the fixer writes a moved value, when those are few enough);
    one off it is rounded onto it, never against the trader: a quantity down, a BUY
    price down and a SELL price up. Each is a :class:`Change` naming -1111; a value the
    fixer moved onto such a point is only written with fewer places (its change's
    ``new``). Returns ``changes`` with those: a trim of a value the fixer did not move
    comes first, as Binance meets -1111 before the filters (D53).
    """
    out = list(changes)
    trims: list[Change] = []
    last = {change.field: i for i, change in enumerate(changes)}
    for wire, (value, step) in values.items():
        text = new.get(wire)
        base = _BASE.get(wire)
        if not isinstance(text, str) or base is None:
            continue  # a trailingDelta is a count of BIPS: no asset's precision (D38)
        most = symbol.base_asset_precision if base else symbol.quote_places
        if most is None or places(Decimal(text)) <= most:
            continue
        unit = Decimal(1).scaleb(-most)
        name = "baseAssetPrecision" if base else "quoteAssetPrecision"
        if is_multiple(value, unit):
            fits = step and places(UNBOUNDED.normalize(step)) <= most
            written = format_on_step(value, step if fits else unit)
            why = f"written with at most {most} decimals ({name} {most}; -1111, D38, D39)"
        else:
            down = base or wire == "stopPrice" or parsed.side != "SELL"
            written = format_on_step(round_to_step(value, unit, "floor" if down else "ceil"), unit)
            why = (
                f"rounded {'down' if down else 'up'} to {most} decimals ({name} {most}; -1111, D38)"
            )
        new[wire] = written
        moved = last.get(wire)
        if moved is not None and Decimal(written) == out[moved].new:
            out[moved] = attrs.evolve(out[moved], new=Decimal(written))  # the same value
        elif moved is None:
            trims.append(Change(wire, value, Decimal(written), None, why))
        else:
            out.append(Change(wire, out[moved].new, Decimal(written), None, why))
    return tuple(trims + out)


#: The numbers of an order: wire name -> ParsedOrder attribute.
_ATTRIBUTES: Final = {
    "price": "price",
    "stopPrice": "stop_price",
    "quantity": "quantity",
    "icebergQty": "iceberg_qty",
    "quoteOrderQty": "quote_order_qty",
}


def _as_sent(params: Mapping[str, object], parsed: ParsedOrder) -> dict[str, object]:
    """The params with every number as sent: a string stays as it is, byte for byte;
    a number (``int``, ``Decimal``, a float read as its ``repr``) becomes its plain
    decimal string, with the same digits and places (never ``1E-8``)."""
    out = dict(params)
    for wire, attr in _ATTRIBUTES.items():
        value = getattr(parsed, attr)
        if value is not None and wire in out and not isinstance(out[wire], str):
            out[wire] = to_plain_string(value)
    return out


def _on_the_wire(changes: list[Change], steps: Mapping[str, Decimal]) -> tuple[Change, ...]:
    """The changes with each ``new`` as it is sent (the grid's places, as
    :func:`~rules.fixer.rounding.format_on_step` writes it), and each ``old`` as sent
    (a field's first change) or as the change before it left it."""
    out: list[Change] = []
    last: dict[str, Decimal] = {}
    for change in changes:
        assert change.new is not None  # the fixer moves numbers; removals are apart
        new = Decimal(format_on_step(change.new, steps[change.field]))
        out.append(attrs.evolve(change, old=last.get(change.field, change.old), new=new))
        last[change.field] = new
    return tuple(out)


def _quote_fits(symbol: SymbolInfo, quote: Decimal | None) -> bool:
    """Whether ``quoteOrderQty`` has no more places than the quote asset (else -1111)."""
    places = symbol.quote_places
    if quote is None or places is None:
        return True
    exponent = UNBOUNDED.normalize(quote).as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= places


def _symbol(info: ExchangeInfo, parsed: ParsedOrder) -> SymbolInfo | None:
    if parsed.symbol_problem is not None or parsed.symbol is None:
        return None
    return info.symbol(parsed.symbol) if parsed.symbol in info else None


def _verdict_only(verdict: Verdict, order: Mapping[str, object] | Order) -> Proposal:
    # Nothing the fixer can move: an unknown symbol or type, unreadable values, or
    # no params at all (not a mapping).
    if verdict.accepted:  # pragma: no cover - a readable symbol and type are needed to pass
        params = order.to_params() if isinstance(order, Order) else order
        return Proposal(FrozenJson(params), unchecked=verdict.unchecked)
    return _rejected(verdict)


#: How a reason starts when no rule broken is one the fixer moves.
_CANNOT: Final = "no passing order: the fixer cannot change what breaks these rules"


def _rejected(verdict: Verdict) -> Proposal:
    blocking = "; ".join(f"{v.code} {v.msg}" + _detail(v) for v in verdict.violations)
    return Proposal(
        None,
        reason=f"{_CANNOT}: {blocking}",
        violations=verdict.violations,
    )


def _detail(violation: Violation) -> str:
    explanation = violation.explanation
    return f" ({explanation})" if explanation and explanation != violation.msg else ""
