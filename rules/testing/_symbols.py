"""Symbol strategies: whole ``SymbolInfo`` values, their filters drawn around one profile.

Public through :mod:`rules.testing` (and :mod:`rules.testing.strategies`);
:func:`symbol_for` is the building block that :mod:`rules.testing._markets`
shares.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rules.model.enums import OrderType, STPMode, SymbolStatus
from rules.model.models import (
    FILTER_CLASSES,
    FILTER_SCOPES,
    Filter,
    IcebergPartsFilter,
    LotSizeFilter,
    MarketLotSizeFilter,
    MaxNumAlgoOrdersFilter,
    MaxNumIcebergOrdersFilter,
    MaxNumOrderAmendsFilter,
    MaxNumOrderListsFilter,
    MaxNumOrdersFilter,
    PriceFilter,
    SymbolInfo,
)
from rules.testing import _filters as f
from rules.testing._values import check_strategy

Draw = Any

QUOTE_ASSETS = ("USDT", "BTC", "ETH", "BNB", "FDUSD", "TRY", "IDRT", "EUR", "BRL")
_BASE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MODERN_TYPES = ("LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT")
_PERMISSIONS = ("SPOT", "MARGIN", "LEVERAGED", "TRD_GRP_004", "TRD_GRP_005", "TRD_GRP_006")

#: The filterTypes :func:`symbol_infos` may be asked to always include: every
#: symbol-level type the model knows (filters.md's "Symbol filters").
SYMBOL_FILTER_TYPES = tuple(n for n, scope in FILTER_SCOPES.items() if scope == "symbol")


@st.composite
def _base_assets(draw: Draw) -> str:
    # Names that start with digits ("1000SATS", "1INCH") exist: never split a symbol.
    prefix = draw(st.sampled_from(("", "", "1", "1000")))
    return str(prefix) + str(draw(st.text(_BASE_ALPHABET, min_size=2, max_size=5)))


_HAND_TUNED = frozenset(
    {
        "PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "NOTIONAL", "MIN_NOTIONAL",
        "PERCENT_PRICE_BY_SIDE", "PERCENT_PRICE", "TRAILING_DELTA", "MAX_POSITION",
        "ICEBERG_PARTS", "MAX_NUM_ORDERS", "MAX_NUM_ALGO_ORDERS", "MAX_NUM_ICEBERG_ORDERS",
        "MAX_NUM_ORDER_AMENDS", "MAX_NUM_ORDER_LISTS",
    }
)  # fmt: skip


@st.composite
def _symbol_filters(draw: Draw, p: f.Profile, required: frozenset[str]) -> tuple[Filter, ...]:
    # Shrinking: a rarer variant sits at the high end of each chance, so a
    # filter shrinks toward absent. PRICE_FILTER and LOT_SIZE are drawn even when
    # dropped (1 in 10), so that the simplest symbol keeps both (a shorter choice
    # sequence is simpler to Hypothesis).
    def want(name: str, weight: int) -> bool:
        return name in required or draw(st.integers(0, 9)) >= 10 - weight

    found: list[Filter] = []
    for name, strategy in (("PRICE_FILTER", f.price_filter_for(p)),
                           ("LOT_SIZE", f.lot_size_for(p))):  # fmt: skip
        usual = draw(strategy)
        if name in required or draw(st.integers(0, 9)) < 9:
            found.append(usual)
    if want("MARKET_LOT_SIZE", 7):
        found.append(draw(f.market_lot_size_for(p)))
    modern = draw(st.booleans())  # 2022-06 on: NOTIONAL and PERCENT_PRICE_BY_SIDE
    if want("NOTIONAL", 8 if modern else 1):
        found.append(draw(f.notional_for(p)))
    if want("MIN_NOTIONAL", 1 if modern else 8):
        found.append(draw(f.min_notional_for(p)))
    if want("PERCENT_PRICE_BY_SIDE", 8 if modern else 1):
        found.append(draw(f.percent_price_by_side_filters_()))
    if want("PERCENT_PRICE", 1 if modern else 8):
        found.append(draw(f.percent_price_filters_()))
    if want("TRAILING_DELTA", 7):
        found.append(draw(f.trailing_delta_filters_()))
    if want("MAX_POSITION", 1):
        found.append(draw(f.max_position_for(p)))
    for cls in (
        IcebergPartsFilter,
        MaxNumOrdersFilter,
        MaxNumAlgoOrdersFilter,
        MaxNumIcebergOrdersFilter,
        MaxNumOrderAmendsFilter,
        MaxNumOrderListsFilter,
    ):
        if want(cls.filter_type, 6 if cls is not MaxNumIcebergOrdersFilter else 1):
            found.append(draw(f.COUNT_FILTERS[cls]))
    # A symbol filter type without a hand-tuned draw above (a type added to the
    # model later) is drawn from its registered strategy.
    for name in SYMBOL_FILTER_TYPES:
        if name not in _HAND_TUNED and want(name, 6):
            found.append(draw(f.BY_CLASS[FILTER_CLASSES[name]]()))
    if draw(st.integers(0, 19)) == 19:
        found.append(draw(f.unknown_filters_()))
    return tuple(draw(st.permutations(found)))


@st.composite
def _permission_fields(draw: Draw) -> dict[str, Any]:
    era = draw(st.sampled_from(("none", "sets", "list", "flags")))  # simplest first
    spot, margin = draw(st.booleans()), draw(st.booleans())
    fields: dict[str, Any] = {"is_spot_trading_allowed": spot, "is_margin_trading_allowed": margin}
    names = st.lists(st.sampled_from(_PERMISSIONS), min_size=1, max_size=4, unique=True).map(tuple)
    if era == "sets":
        fields["permissions"] = ()
        fields["permission_sets"] = tuple(draw(st.lists(names, min_size=1, max_size=2)))
    elif era == "list":
        fields["permissions"] = draw(names)
    elif era == "none":
        fields = {}
    return fields


@st.composite
def symbol_for(
    draw: Draw,
    p: f.Profile,
    *,
    statuses: st.SearchStrategy[str],
    required: frozenset[str] = frozenset(),
    name: str | None = None,
) -> SymbolInfo:
    """A whole symbol trading at profile ``p``."""
    base, quote = draw(_base_assets()), draw(st.sampled_from(QUOTE_ASSETS))
    optional = st.none() | st.booleans()
    order_types = draw(
        st.none()
        | st.sampled_from((_MODERN_TYPES, tuple(x.value for x in OrderType)))
        | st.lists(st.sampled_from(tuple(x.value for x in OrderType)), min_size=1, unique=True).map(
            tuple
        )
    )
    stp = draw(
        st.none()
        | st.lists(st.sampled_from(tuple(x.value for x in STPMode)), min_size=1, unique=True)
    )
    filters = draw(_symbol_filters(p, required))
    # As on Binance, an asset's precision holds its grids (D38: more decimals are
    # -1111): at least the places of the quantity (price) filters' steps and bounds.
    base_needs = _places_of(filters, (LotSizeFilter, MarketLotSizeFilter),
                            ("step_size", "min_qty", "max_qty"))  # fmt: skip
    quote_needs = _places_of(filters, (PriceFilter,), ("tick_size", "min_price", "max_price"))
    # The profile's tick too: without a PRICE_FILTER the orders are priced on it, and a
    # coarser precision could leave the percent band around p.price without a price.
    quote_needs = max(quote_needs, _places_of([p], (f.Profile,), ("tick",)))
    return SymbolInfo(
        symbol=name or base + quote,
        status=draw(statuses),
        base_asset=base,
        quote_asset=quote,
        filters=filters,
        base_asset_precision=draw(st.none() | _precisions((8, 2, 1), base_needs)),
        quote_precision=draw(st.none() | _precisions((8, 2), quote_needs)),
        quote_asset_precision=draw(st.none() | _precisions((8, 2), quote_needs)),
        order_types=order_types,
        iceberg_allowed=draw(optional),
        oco_allowed=draw(optional),
        oto_allowed=draw(optional),
        quote_order_qty_market_allowed=draw(optional),
        allow_trailing_stop=draw(optional),
        cancel_replace_allowed=draw(optional),
        default_self_trade_prevention_mode=None if stp is None else stp[0],
        allowed_self_trade_prevention_modes=None if stp is None else tuple(stp),
        **draw(_permission_fields()),
    )


def _places_of(
    filters: Collection[object], kinds: tuple[type, ...], fields: tuple[str, ...]
) -> int:
    """The most decimal places the given fields of the given filters need."""
    most = 0
    for f_ in filters:
        if isinstance(f_, kinds):
            for field in fields:
                value = getattr(f_, field)
                if isinstance(value, Decimal) and value:
                    exponent = value.normalize().as_tuple().exponent
                    if isinstance(exponent, int):
                        most = max(most, -exponent)
    return most


def _precisions(usual: tuple[int, ...], needs: int) -> st.SearchStrategy[int]:
    """A precision among the usual ones that holds ``needs`` places, else ``needs`` itself."""
    fitting = tuple(p for p in usual if p >= needs)
    return st.sampled_from(fitting or (min(needs, 20),))


def _check_required(required_filters: Collection[str]) -> frozenset[str]:
    if isinstance(required_filters, str):
        raise InvalidArgument(
            f"required_filters={required_filters!r} must be a collection of names"
        )
    required = frozenset(required_filters)
    bad = sorted(required - set(SYMBOL_FILTER_TYPES))
    if bad:
        raise InvalidArgument(
            f"unknown required_filters {bad!r}; known: {list(SYMBOL_FILTER_TYPES)}"
        )
    return required


def symbol_infos(
    *,
    statuses: st.SearchStrategy[str] | None = None,
    required_filters: Collection[str] = (),
) -> st.SearchStrategy[SymbolInfo]:
    """Whole symbols: status, flags, order types, permissions, and filters in any order.

    Filters are drawn around one price and quantity level, so that a TRADING
    symbol accepts some orders; each is present or missing (PRICE_FILTER and
    LOT_SIZE nearly always), with the oddities of real snapshots. Fields that
    appeared over the years are sometimes absent (``None``), as in old snapshots.
    Permissions come as ``permissionSets``, a ``permissions`` list, the 2019
    flags, or nothing.

    Args:
        statuses: the symbol's ``status``; by default any documented one,
            shrinking toward ``TRADING``.
        required_filters: filterTypes every symbol carries (``{"NOTIONAL"}``).

    Shrinks toward a TRADING ``AAUSDT`` with no optional field and only the
    simplest PRICE_FILTER and LOT_SIZE (``PriceFilter(1, 1000, 1)``,
    ``LotSizeFilter(1, 100, 1)``), plus ``required_filters`` at their simplest:
    every other filter shrinks away.

    Raises:
        InvalidArgument: ``statuses`` is not a strategy, or ``required_filters``
            names a filterType that is not a symbol filter.
    """
    if statuses is None:
        statuses = st.sampled_from(tuple(x.value for x in SymbolStatus))
    check_strategy("statuses", statuses)
    required = _check_required(required_filters)
    return f.profiles().flatmap(lambda p: symbol_for(p, statuses=statuses, required=required))
