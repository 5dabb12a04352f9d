"""Context and market strategies: market prices and account state, alone or with a
snapshot and a symbol that trades under them.

Public through :mod:`rules.testing` (and :mod:`rules.testing.strategies`).
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rules.checker.context import Context
from rules.checker.permissions import required_permission_sets
from rules.model.models import (
    ExchangeInfo,
    ExchangeMaxNumAlgoOrdersFilter,
    ExchangeMaxNumIcebergOrdersFilter,
    ExchangeMaxNumOrderListsFilter,
    ExchangeMaxNumOrdersFilter,
    Filter,
    MaxNumAlgoOrdersFilter,
    MaxNumIcebergOrdersFilter,
    MaxNumOrderListsFilter,
    MaxNumOrdersFilter,
    MaxPositionFilter,
    PriceFilter,
    SymbolInfo,
)
from rules.model.numbers import CONTEXT
from rules.testing import _filters as f
from rules.testing._numbers import grid_decimals
from rules.testing._snapshots import _exchange_infos
from rules.testing._snapshots import server_times as default_server_times
from rules.testing._symbols import _PERMISSIONS, _check_required, symbol_for, symbol_infos
from rules.testing._values import Span, check_strategy, draw_in, on_grid

Draw = Any


_COUNT_FIELDS = (
    ("open_orders", MaxNumOrdersFilter, "max_num_orders"),
    ("open_algo_orders", MaxNumAlgoOrdersFilter, "max_num_algo_orders"),
    ("open_iceberg_orders", MaxNumIcebergOrdersFilter, "max_num_iceberg_orders"),
    ("open_order_lists", MaxNumOrderListsFilter, "max_num_order_lists"),
)
_EXCHANGE_COUNT_FIELDS = (
    ("exchange_open_orders", ExchangeMaxNumOrdersFilter, "max_num_orders"),
    ("exchange_open_algo_orders", ExchangeMaxNumAlgoOrdersFilter, "max_num_algo_orders"),
    ("exchange_open_iceberg_orders", ExchangeMaxNumIcebergOrdersFilter, "max_num_iceberg_orders"),
    ("exchange_open_order_lists", ExchangeMaxNumOrderListsFilter, "max_num_order_lists"),
)


def _market_price(draw: Draw, level: Decimal, tick: Decimal) -> Decimal:
    # Within 4% of the level, on a grid 100 times finer than the tick (avgPrice has many places).
    fine = CONTEXT.multiply(tick, Decimal("0.01")) if tick else Decimal("0.00000001")
    width = int(CONTEXT.multiply(level, Decimal("0.04")) / fine)
    return CONTEXT.add(level, on_grid(fine, draw(st.integers(-width, width))))


@st.composite
def context_for(
    draw: Draw, symbol: SymbolInfo, info: ExchangeInfo | None, level: Decimal | None
) -> Context:
    """A context under which ``symbol`` accepts orders: prices near ``level``, counts
    below every maximum, room under MAX_POSITION, permissions that satisfy the symbol."""
    values: dict[str, Any] = {}
    if level is None:
        level = _guess_level(draw, symbol)
    pf = symbol.filter(PriceFilter)
    tick = pf.tick_size if pf is not None else Decimal(0)
    for name in ("avg_price", "reference_price", "last_price"):
        if draw(st.integers(0, 3)):
            values[name] = _market_price(draw, level, tick)
    sources: list[tuple[str, Any, str, tuple[Filter, ...]]] = [
        (n, c, a, symbol.filters) for n, c, a in _COUNT_FIELDS
    ] + [
        (n, c, a, (info.exchange_filters or ()) if info else ())
        for n, c, a in _EXCHANGE_COUNT_FIELDS
    ]
    for name, cls, attr, where in sources:
        limit = next((getattr(x, attr) for x in where if type(x) is cls), None)
        if draw(st.integers(0, 3)):
            values[name] = draw(st.integers(0, 50 if limit is None else max(0, limit - 1)))
    position = symbol.filter(MaxPositionFilter)
    if draw(st.booleans()):
        cap = position.max_position / 2 if position is not None else Decimal(10**6)
        values["base_position"] = draw_in(
            draw, Span(Fraction(0), Fraction(cap)), Decimal("0.00000001")
        )
    if draw(st.booleans()):
        sets = required_permission_sets(symbol) or ()
        held = {draw(st.sampled_from(any_of)) for any_of in sets if any_of}
        held |= set(draw(st.lists(st.sampled_from(_PERMISSIONS), max_size=2)))
        if all(held.intersection(any_of) for any_of in sets):
            values["permissions"] = frozenset(held)
    return Context(**values)


def _guess_level(draw: Draw, symbol: SymbolInfo) -> Decimal:
    # A market price for a symbol not drawn here: inside PRICE_FILTER's bounds, on its tick.
    pf = symbol.filter(PriceFilter)
    tick = pf.tick_size if pf is not None and pf.tick_size else Decimal("0.00000001")
    lo = max(pf.min_price, tick) if pf is not None else tick
    hi = pf.max_price if pf is not None and pf.max_price else lo * 10**6
    lo = max(lo * 2, tick) if lo * 2 <= hi / 2 else lo
    hi = min(hi / 2, lo * 1000) if lo <= hi / 2 else hi
    found = draw_in(draw, Span(Fraction(lo), Fraction(hi)), tick)
    return found if found is not None else lo


def contexts() -> st.SearchStrategy[Context]:
    """Any context: each field present or not, prices and counts unrelated to any symbol.

    For a context under which a given symbol accepts orders, use
    :func:`contexts_from_symbol`. Shrinks toward the empty context.
    """
    prices = st.none() | grid_decimals(step="0.00000001", min_value="0.00000001", max_value=10**7)
    count = st.none() | st.integers(0, 1000)
    return st.builds(
        Context,
        avg_price=prices, reference_price=prices, last_price=prices,
        open_orders=count, open_algo_orders=count, open_iceberg_orders=count,
        open_order_lists=count, exchange_open_orders=count, exchange_open_algo_orders=count,
        exchange_open_iceberg_orders=count, exchange_open_order_lists=count,
        base_position=st.none() | grid_decimals(step="0.00000001", min_value=0, max_value=10**6),
        permissions=st.none() | st.frozensets(st.sampled_from(_PERMISSIONS)),
    )  # fmt: skip


def contexts_from_symbol(
    symbol: SymbolInfo, *, info: ExchangeInfo | None = None
) -> st.SearchStrategy[Context]:
    """Market and account contexts under which ``symbol`` can accept orders.

    Average, reference and last prices (each present or not) lie within 4% of
    one market price inside PRICE_FILTER's bounds; open-order counts are below
    the symbol's (and ``info``'s exchange) maxima; ``basePosition`` leaves room
    under MAX_POSITION; ``permissions``, when present, satisfy the symbol's sets.

    Shrinks toward the empty context.
    """
    if not isinstance(symbol, SymbolInfo):
        raise InvalidArgument(f"symbol={symbol!r} must be a SymbolInfo")
    if info is not None and not isinstance(info, ExchangeInfo):
        raise InvalidArgument(f"info={info!r} must be an ExchangeInfo or None")
    return context_for(symbol, info, None)


# --------------------------------------------------------------------------- markets


@attrs.frozen
class Market:
    """A snapshot, one of its symbols, and a context under which that symbol trades."""

    info: ExchangeInfo
    symbol: SymbolInfo
    context: Context


@st.composite
def _markets(
    draw: Draw,
    statuses: st.SearchStrategy[str],
    required: frozenset[str],
    times: st.SearchStrategy[int],
) -> Market:
    p = draw(f.profiles())
    symbol = draw(symbol_for(p, statuses=statuses, required=required))
    others = draw(st.lists(symbol_infos(), max_size=2, unique_by=lambda s: s.symbol))
    others = [s for s in others if s.symbol != symbol.symbol]
    info = draw(_exchange_infos(st.nothing(), 0, 0, times, allow_keyed=False))
    info = attrs.evolve(info, symbols=tuple(draw(st.permutations([symbol, *others]))))
    context = draw(context_for(symbol, info, p.price))
    return Market(info, symbol, context)


def markets(
    *,
    statuses: st.SearchStrategy[str] | None = None,
    required_filters: Collection[str] = (),
    server_times: st.SearchStrategy[int] | None = None,
) -> st.SearchStrategy[Market]:
    """A :class:`Market`: a snapshot, a symbol in it, and a context where it trades.

    The context's prices sit inside the symbol's price band, its counts below
    its maxima: with a TRADING symbol, :func:`orders_from_symbol` finds valid
    orders. Other symbols share the snapshot.

    Args:
        statuses: the symbol's status; by default ``TRADING`` only.
        required_filters: filterTypes the symbol always carries.
        server_times: the snapshot's ``serverTime`` (default: today's rules).

    Shrinks toward a TRADING symbol alone in its snapshot with an empty context.
    """
    statuses = st.just("TRADING") if statuses is None else statuses
    check_strategy("statuses", statuses)
    times = default_server_times() if server_times is None else server_times
    check_strategy("server_times", times)
    return _markets(statuses, _check_required(required_filters), times)
