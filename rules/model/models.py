"""The rule objects: Binance Spot ``exchangeInfo`` as immutable, typed values.

Rules this module keeps:

1. Every class is ``@attrs.frozen``: slotted, immutable, equal and hashable by value.
2. No I/O and no logic in ``__init__``; objects are built by :mod:`rules.model.load`
   (one configured cattrs converter, :mod:`rules.model.converter`), which also owns
   the camelCase wire names. Python names here are snake_case.
3. Every price, quantity, notional and multiplier is a :class:`~decimal.Decimal`
   parsed exactly from its string; counts and limits are ``int``.
4. Enumerations Binance extends every year (status, order types, STP modes,
   permissions) are plain ``str``: a value the library does not know yet loads
   and is kept. :mod:`rules.model.enums` names the values known today.
5. A field that old snapshots lack is optional and ``None`` when absent.
6. Whatever Binance sends that no class names is kept in ``extra`` (a
   :class:`~rules.model.frozen.FrozenJson`), and an unknown filter type becomes an
   :class:`UnknownFilter`: nothing is lost, so dumping gives back the input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import ClassVar, TypeVar, overload

import attrs

from rules.errors import UnknownSymbolError
from rules.model.frozen import EMPTY, FrozenJson

__all__ = [
    "FILTER_CLASSES",
    "FILTER_SCOPES",
    "ExchangeInfo",
    "ExchangeMaxNumAlgoOrdersFilter",
    "ExchangeMaxNumIcebergOrdersFilter",
    "ExchangeMaxNumOrderListsFilter",
    "ExchangeMaxNumOrdersFilter",
    "Filter",
    "IcebergPartsFilter",
    "LotSizeFilter",
    "MarketLotSizeFilter",
    "MaxAssetFilter",
    "MaxNumAlgoOrdersFilter",
    "MaxNumIcebergOrdersFilter",
    "MaxNumOrderAmendsFilter",
    "MaxNumOrderListsFilter",
    "MaxNumOrdersFilter",
    "MaxPositionFilter",
    "MinNotionalFilter",
    "NotionalFilter",
    "PercentPriceBySideFilter",
    "PercentPriceFilter",
    "PriceFilter",
    "RateLimit",
    "Sor",
    "SymbolInfo",
    "TrailingDeltaFilter",
    "UnknownFilter",
]


def _extra() -> FrozenJson:
    # The fields Binance sent that no class names: kept so that nothing is lost.
    return attrs.field(default=EMPTY, kw_only=True, repr=False)


#: Every modelled filter class, by its Binance ``filterType``; filled by the
#: decorator on each class below, so a new filter type is one class here.
FILTER_CLASSES: dict[str, type[Filter]] = {}
#: Where Binance puts each filterType (filters.md's three sections): ``"symbol"``
#: (a symbol's ``filters``), ``"exchange"`` (``exchangeFilters``) or ``"asset"``
#: (``myFilters``).
FILTER_SCOPES: dict[str, str] = {}

_T = TypeVar("_T", bound=type)


def _registered(scope: str) -> Callable[[_T], _T]:
    def register(cls: _T) -> _T:
        name: str = cls.filter_type  # type: ignore[attr-defined]
        if name in FILTER_CLASSES:
            raise RuntimeError(f"two classes for filterType {name}")
        FILTER_CLASSES[name] = cls
        FILTER_SCOPES[name] = scope
        return cls

    return register


# --------------------------------------------------------------------------- symbol filters


@_registered("symbol")
@attrs.frozen
class PriceFilter:
    """``PRICE_FILTER``: bounds and tick of ``price`` and ``stopPrice``; 0 disables a rule."""

    filter_type: ClassVar[str] = "PRICE_FILTER"
    min_price: Decimal
    max_price: Decimal
    tick_size: Decimal
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class PercentPriceFilter:
    """``PERCENT_PRICE``: ``price`` within multipliers of the market price."""

    filter_type: ClassVar[str] = "PERCENT_PRICE"
    multiplier_up: Decimal
    multiplier_down: Decimal
    avg_price_mins: int | None = None
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class PercentPriceBySideFilter:
    """``PERCENT_PRICE_BY_SIDE``: like ``PERCENT_PRICE`` with a band per side."""

    filter_type: ClassVar[str] = "PERCENT_PRICE_BY_SIDE"
    bid_multiplier_up: Decimal
    bid_multiplier_down: Decimal
    ask_multiplier_up: Decimal
    ask_multiplier_down: Decimal
    avg_price_mins: int | None = None
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class LotSizeFilter:
    """``LOT_SIZE``: bounds and step of ``quantity`` and ``icebergQty``."""

    filter_type: ClassVar[str] = "LOT_SIZE"
    min_qty: Decimal
    max_qty: Decimal
    step_size: Decimal
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class MinNotionalFilter:
    """``MIN_NOTIONAL``: ``price * quantity >= minNotional`` (2018 form: no ``applyToMarket``)."""

    filter_type: ClassVar[str] = "MIN_NOTIONAL"
    min_notional: Decimal
    apply_to_market: bool | None = None
    avg_price_mins: int | None = None
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class NotionalFilter:
    """``NOTIONAL``: ``minNotional <= price * quantity <= maxNotional``."""

    filter_type: ClassVar[str] = "NOTIONAL"
    min_notional: Decimal
    apply_min_to_market: bool
    max_notional: Decimal
    apply_max_to_market: bool
    avg_price_mins: int | None = None
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class IcebergPartsFilter:
    """``ICEBERG_PARTS``: at most ``limit`` parts, ``CEIL(quantity / icebergQty)``."""

    filter_type: ClassVar[str] = "ICEBERG_PARTS"
    limit: int
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class MarketLotSizeFilter:
    """``MARKET_LOT_SIZE``: bounds and step of a MARKET order's ``quantity``."""

    filter_type: ClassVar[str] = "MARKET_LOT_SIZE"
    min_qty: Decimal
    max_qty: Decimal
    step_size: Decimal
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class MaxNumOrdersFilter:
    """``MAX_NUM_ORDERS``: open orders on the symbol, algo orders included."""

    filter_type: ClassVar[str] = "MAX_NUM_ORDERS"
    max_num_orders: int
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class MaxNumAlgoOrdersFilter:
    """``MAX_NUM_ALGO_ORDERS``: open STOP_LOSS(_LIMIT)/TAKE_PROFIT(_LIMIT) orders on the symbol."""

    filter_type: ClassVar[str] = "MAX_NUM_ALGO_ORDERS"
    max_num_algo_orders: int
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class MaxNumIcebergOrdersFilter:
    """``MAX_NUM_ICEBERG_ORDERS``: open orders with ``icebergQty > 0`` on the symbol."""

    filter_type: ClassVar[str] = "MAX_NUM_ICEBERG_ORDERS"
    max_num_iceberg_orders: int
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class MaxPositionFilter:
    """``MAX_POSITION``: the account's base-asset position a BUY may reach."""

    filter_type: ClassVar[str] = "MAX_POSITION"
    max_position: Decimal
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class TrailingDeltaFilter:
    """``TRAILING_DELTA``: bounds of ``trailingDelta`` (basis points) above and below."""

    filter_type: ClassVar[str] = "TRAILING_DELTA"
    min_trailing_above_delta: int
    max_trailing_above_delta: int
    min_trailing_below_delta: int
    max_trailing_below_delta: int
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class MaxNumOrderAmendsFilter:
    """``MAX_NUM_ORDER_AMENDS``: amendments of one order (not checked by ``order.place``)."""

    filter_type: ClassVar[str] = "MAX_NUM_ORDER_AMENDS"
    max_num_order_amends: int
    extra: FrozenJson = _extra()


@_registered("symbol")
@attrs.frozen
class MaxNumOrderListsFilter:
    """``MAX_NUM_ORDER_LISTS``: open order lists on the symbol."""

    filter_type: ClassVar[str] = "MAX_NUM_ORDER_LISTS"
    max_num_order_lists: int
    extra: FrozenJson = _extra()


# --------------------------------------------------------------------------- exchange filters


@_registered("exchange")
@attrs.frozen
class ExchangeMaxNumOrdersFilter:
    """``EXCHANGE_MAX_NUM_ORDERS``: open orders on the whole exchange."""

    filter_type: ClassVar[str] = "EXCHANGE_MAX_NUM_ORDERS"
    max_num_orders: int
    extra: FrozenJson = _extra()


@_registered("exchange")
@attrs.frozen
class ExchangeMaxNumAlgoOrdersFilter:
    """``EXCHANGE_MAX_NUM_ALGO_ORDERS``: open algo orders on the whole exchange."""

    filter_type: ClassVar[str] = "EXCHANGE_MAX_NUM_ALGO_ORDERS"
    max_num_algo_orders: int
    extra: FrozenJson = _extra()


@_registered("exchange")
@attrs.frozen
class ExchangeMaxNumIcebergOrdersFilter:
    """``EXCHANGE_MAX_NUM_ICEBERG_ORDERS``: open iceberg orders on the whole exchange."""

    filter_type: ClassVar[str] = "EXCHANGE_MAX_NUM_ICEBERG_ORDERS"
    max_num_iceberg_orders: int
    extra: FrozenJson = _extra()


@_registered("exchange")
@attrs.frozen
class ExchangeMaxNumOrderListsFilter:
    """``EXCHANGE_MAX_NUM_ORDER_LISTS``: open order lists on the whole exchange."""

    filter_type: ClassVar[str] = "EXCHANGE_MAX_NUM_ORDER_LISTS"
    max_num_order_lists: int
    extra: FrozenJson = _extra()


# --------------------------------------------------------------------------- asset filter


@_registered("asset")
@attrs.frozen
class MaxAssetFilter:
    """``MAX_ASSET`` (from ``myFilters``): the most of ``asset`` one order may transact."""

    filter_type: ClassVar[str] = "MAX_ASSET"
    asset: str
    limit: Decimal
    extra: FrozenJson = _extra()


@attrs.frozen
class UnknownFilter:
    """A filter type this version of the library does not know: kept whole, never dropped.

    ``raw`` is the filter object exactly as Binance sent it, ``filterType`` included.
    The order checker lists it in ``unchecked`` (D25).
    """

    filter_type: str
    raw: FrozenJson


#: Any filter a symbol, the exchange or ``myFilters`` may carry (for the type
#: checker: a new filter class is added here too, beside its definition).
Filter = (
    PriceFilter
    | PercentPriceFilter
    | PercentPriceBySideFilter
    | LotSizeFilter
    | MinNotionalFilter
    | NotionalFilter
    | IcebergPartsFilter
    | MarketLotSizeFilter
    | MaxNumOrdersFilter
    | MaxNumAlgoOrdersFilter
    | MaxNumIcebergOrdersFilter
    | MaxPositionFilter
    | TrailingDeltaFilter
    | MaxNumOrderAmendsFilter
    | MaxNumOrderListsFilter
    | ExchangeMaxNumOrdersFilter
    | ExchangeMaxNumAlgoOrdersFilter
    | ExchangeMaxNumIcebergOrdersFilter
    | ExchangeMaxNumOrderListsFilter
    | MaxAssetFilter
    | UnknownFilter
)

_F = TypeVar("_F", bound=Filter)


def _find(filters: tuple[Filter, ...], kind: type[_F] | str) -> _F | Filter | None:
    # Filters are found by type, never by position: their order varies between
    # symbols of one response (FINDINGS.md §3).
    if isinstance(kind, str):
        for f in filters:
            if f.filter_type == kind:
                return f
        return None
    for f in filters:
        if type(f) is kind:
            return f
    return None


# --------------------------------------------------------------------------- rate limits, SOR


@attrs.frozen
class RateLimit:
    """One entry of ``rateLimits``: at most ``limit`` per ``interval_num`` ``interval``."""

    rate_limit_type: str
    interval: str
    limit: int
    interval_num: int | None = None
    extra: FrozenJson = _extra()


@attrs.frozen
class Sor:
    """One entry of ``sors``: the symbols Smart Order Routing may use for ``base_asset``."""

    base_asset: str
    symbols: tuple[str, ...]
    extra: FrozenJson = _extra()


# --------------------------------------------------------------------------- symbols


@attrs.frozen
class SymbolInfo:
    """One entry of ``symbols``: everything Binance says about trading one symbol.

    Required: ``symbol``, ``base_asset``, ``quote_asset``, ``filters``.
    Fields that appeared over the years (``quoteAssetPrecision`` 2020,
    ``allowTrailingStop`` 2022, ``permissionSets`` 2024, ...) are ``None``
    on snapshots that predate them.
    """

    symbol: str
    #: ``TRADING``, ``BREAK``, ...; ``None`` when the snapshot has no ``status``
    #: (then the checker does not check it, D01). Keyword-only.
    status: str | None = attrs.field(default=None, kw_only=True)
    base_asset: str
    quote_asset: str
    filters: tuple[Filter, ...]
    base_asset_precision: int | None = None
    quote_precision: int | None = None
    quote_asset_precision: int | None = None
    base_commission_precision: int | None = None
    quote_commission_precision: int | None = None
    order_types: tuple[str, ...] | None = None
    iceberg_allowed: bool | None = None
    oco_allowed: bool | None = None
    oto_allowed: bool | None = None
    opo_allowed: bool | None = None
    quote_order_qty_market_allowed: bool | None = None
    allow_trailing_stop: bool | None = None
    cancel_replace_allowed: bool | None = None
    amend_allowed: bool | None = None
    peg_instructions_allowed: bool | None = None
    is_spot_trading_allowed: bool | None = None
    is_margin_trading_allowed: bool | None = None
    permissions: tuple[str, ...] | None = None
    permission_sets: tuple[tuple[str, ...], ...] | None = None
    default_self_trade_prevention_mode: str | None = None
    allowed_self_trade_prevention_modes: tuple[str, ...] | None = None
    extra: FrozenJson = _extra()

    @property
    def quote_places(self) -> int | None:
        """How many decimals a price or a quote amount may have (D38):
        ``quoteAssetPrecision``, else its older duplicate ``quotePrecision``."""
        places = self.quote_asset_precision
        return self.quote_precision if places is None else places

    @overload
    def filter(self, kind: type[_F]) -> _F | None: ...
    @overload
    def filter(self, kind: str) -> Filter | None: ...
    def filter(self, kind: type[_F] | str) -> _F | Filter | None:
        """The symbol's filter of that class or ``filterType`` name, or ``None``.

        >>> from rules.model.load import loads
        >>> info = loads('{"symbols": [{"symbol": "X", "status": "TRADING", '
        ...   '"baseAsset": "A", "quoteAsset": "B", "filters": [{"filterType": '
        ...   '"LOT_SIZE", "minQty": "1", "maxQty": "9", "stepSize": "1"}]}]}')
        >>> info["X"].filter(LotSizeFilter)
        LotSizeFilter(min_qty=Decimal('1'), max_qty=Decimal('9'), step_size=Decimal('1'))
        >>> info["X"].filter("PRICE_FILTER") is None
        True
        """
        return _find(self.filters, kind)


@attrs.frozen
class ExchangeInfo:
    """A whole ``exchangeInfo`` response (the REST body or the WebSocket ``result``).

    Look a symbol up by name with ``info["BTCUSDT"]`` or :meth:`symbol` (O(1));
    an unknown name raises :class:`~rules.errors.UnknownSymbolError`, a ``KeyError``.
    ``symbols`` keeps Binance's order.

    ``keyed_by_symbol`` is true for a snapshot saved as ``{"BTCUSDT": {...}, ...}``
    instead of a response (some tools cache it so); it only tells :func:`rules.dump`
    which shape to give back.
    """

    symbols: tuple[SymbolInfo, ...]
    timezone: str | None = None
    server_time: int | None = None
    rate_limits: tuple[RateLimit, ...] | None = None
    exchange_filters: tuple[Filter, ...] | None = None
    sors: tuple[Sor, ...] | None = None
    extra: FrozenJson = _extra()
    keyed_by_symbol: bool = attrs.field(default=False, kw_only=True, repr=False)
    # Built whole on first use, then published in one assignment: a thread never sees
    # it half-filled (docs/design.md, "Threads"). None until then.
    _index: dict[str, SymbolInfo] | None = attrs.field(
        init=False, default=None, eq=False, hash=False, repr=False
    )

    def symbol(self, name: str) -> SymbolInfo:
        """The symbol called ``name`` (case-sensitive, as Binance spells it).

        Raises:
            UnknownSymbolError: no symbol has that name (it is also a ``KeyError``);
                its message names the symbol probably meant, if one is.
            TypeError: ``name`` is not a ``str`` (a :class:`SymbolInfo`, say).
        """
        if not isinstance(name, str):
            raise TypeError(f"expected a symbol name (str), got {name!r}")
        index = self._index
        if index is None:
            # a repeated name finds its first entry; filled before it is published
            index = {s.symbol: s for s in reversed(self.symbols)}
            object.__setattr__(self, "_index", index)
        try:
            return index[name]
        except KeyError:
            raise UnknownSymbolError(name, hint=_hint(index, name)) from None

    def __getitem__(self, name: str) -> SymbolInfo:
        return self.symbol(name)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            self.symbol(name)
        except UnknownSymbolError:
            return False
        return True

    def __iter__(self) -> Iterator[SymbolInfo]:
        return iter(self.symbols)

    def __len__(self) -> int:
        return len(self.symbols)

    def exchange_filter(self, kind: type[_F] | str) -> _F | Filter | None:
        """The exchange filter of that class or ``filterType`` name, or ``None``."""
        return _find(self.exchange_filters or (), kind)


def _hint(index: Mapping[str, SymbolInfo], name: str) -> str | None:
    """Which symbol ``name`` probably meant: another case, or a ccxt-style pair.

    >>> index = {"BTCUSDT": None}
    >>> _hint(index, "btcusdt")
    "did you mean 'BTCUSDT'? symbol names are case-sensitive"
    >>> _hint(index, "BTC/USDT")
    "did you mean 'BTCUSDT'? Binance names have no '/': rules.interop.ccxt maps ccxt symbols"
    """
    upper = name.upper()
    if upper != name and upper in index:
        return f"did you mean {upper!r}? symbol names are case-sensitive"
    joined = upper.replace("/", "")
    if joined != upper and joined in index:
        return (
            f"did you mean {joined!r}? Binance names have no '/': "
            "rules.interop.ccxt maps ccxt symbols"
        )
    return None
