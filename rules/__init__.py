"""rules: will Binance Spot accept this order? Exact answers, with Binance's own error codes.

This module only re-exports the public names; see the modules for the details.
:class:`Session` (:mod:`rules.edge.live`) is loaded on first use, so that ``import rules``
starts no thread machinery and loads no logging.
"""

from typing import TYPE_CHECKING, Any

from rules.checker.context import Context
from rules.checker.evaluate import check, evaluate, is_valid, iter_violations
from rules.checker.order import Order
from rules.checker.permissions import (
    EXCHANGE_INFO_DEFAULT_PERMISSIONS,
    PermissionSets,
    PermissionSource,
    PermissionVerdict,
    evaluate_permissions,
    required_permission_sets,
    symbols_matching_permissions,
    tradable_symbols,
)
from rules.checker.violations import Verdict, Violation
from rules.edge.cache import Snapshot, SnapshotCache
from rules.errors import (
    ApiError,
    FetchConnectionError,
    FetchError,
    FetchTimeoutError,
    FetchTlsError,
    IpBannedError,
    LoadError,
    MalformedFrameError,
    OrderRejected,
    RateLimitedError,
    ResponseTooLargeError,
    RulesError,
    SnapshotNotFoundError,
    UnknownSymbolError,
)
from rules.fixer.propose import Change, Proposal, propose
from rules.fixer.rounding import (
    Grid,
    RoundMode,
    format_on_step,
    price_grid,
    quantity_grid,
    round_price,
    round_quantity,
    round_to_step,
)
from rules.fixer.wire import price_to_wire, quantity_to_wire
from rules.model.diff import RuleChange, diff
from rules.model.enums import OrderSide, OrderType, STPMode, SymbolStatus, TimeInForce
from rules.model.load import dump, dumps, load_path, loads
from rules.model.models import (
    ExchangeInfo,
    ExchangeMaxNumAlgoOrdersFilter,
    ExchangeMaxNumIcebergOrdersFilter,
    ExchangeMaxNumOrderListsFilter,
    ExchangeMaxNumOrdersFilter,
    Filter,
    IcebergPartsFilter,
    LotSizeFilter,
    MarketLotSizeFilter,
    MaxAssetFilter,
    MaxNumAlgoOrdersFilter,
    MaxNumIcebergOrdersFilter,
    MaxNumOrderAmendsFilter,
    MaxNumOrderListsFilter,
    MaxNumOrdersFilter,
    MaxPositionFilter,
    MinNotionalFilter,
    NotionalFilter,
    PercentPriceBySideFilter,
    PercentPriceFilter,
    PriceFilter,
    RateLimit,
    Sor,
    SymbolInfo,
    TrailingDeltaFilter,
    UnknownFilter,
)

if TYPE_CHECKING:
    from rules.edge.live import Session


def __getattr__(name: str) -> Any:
    if name == "Session":
        from rules.edge.live import Session

        return Session
    raise AttributeError(f"module 'rules' has no attribute {name!r}")


__all__ = [
    "EXCHANGE_INFO_DEFAULT_PERMISSIONS",
    "ApiError",
    "Change",
    "Context",
    "ExchangeInfo",
    "ExchangeMaxNumAlgoOrdersFilter",
    "ExchangeMaxNumIcebergOrdersFilter",
    "ExchangeMaxNumOrderListsFilter",
    "ExchangeMaxNumOrdersFilter",
    "FetchConnectionError",
    "FetchError",
    "FetchTimeoutError",
    "FetchTlsError",
    "Filter",
    "Grid",
    "IcebergPartsFilter",
    "IpBannedError",
    "LoadError",
    "LotSizeFilter",
    "MalformedFrameError",
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
    "Order",
    "OrderRejected",
    "OrderSide",
    "OrderType",
    "PercentPriceBySideFilter",
    "PercentPriceFilter",
    "PermissionSets",
    "PermissionSource",
    "PermissionVerdict",
    "PriceFilter",
    "Proposal",
    "RateLimit",
    "RateLimitedError",
    "ResponseTooLargeError",
    "RoundMode",
    "RuleChange",
    "RulesError",
    "STPMode",
    "Session",
    "Snapshot",
    "SnapshotCache",
    "SnapshotNotFoundError",
    "Sor",
    "SymbolInfo",
    "SymbolStatus",
    "TimeInForce",
    "TrailingDeltaFilter",
    "UnknownFilter",
    "UnknownSymbolError",
    "Verdict",
    "Violation",
    "check",
    "diff",
    "dump",
    "dumps",
    "evaluate",
    "evaluate_permissions",
    "format_on_step",
    "is_valid",
    "iter_violations",
    "load_path",
    "loads",
    "price_grid",
    "price_to_wire",
    "propose",
    "quantity_grid",
    "quantity_to_wire",
    "required_permission_sets",
    "round_price",
    "round_quantity",
    "round_to_step",
    "symbols_matching_permissions",
    "tradable_symbols",
]
