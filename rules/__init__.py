"""rules: will Binance Spot accept this order? Exact answers, with Binance's own error codes.

This module only re-exports the public names; see the modules for the details.

The names are loaded on first use (PEP 562): ``import rules`` costs about as
much as importing the interpreter's own ``json``, and ``rules.evaluate`` then
imports the checker, ``rules.loads`` the loader, ``rules.SnapshotCache`` the
cache, each only when a program needs it (issue 11). ``from rules import X``
and ``rules.X`` behave as before. :class:`Session` (:mod:`rules.edge.live`)
in particular starts no thread machinery and loads no logging until it is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:  # what the names are, for type checkers; at run time, _SOURCES
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
    from rules.edge.live import Session
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

#: Where each public name lives; ``tests/test_lazy_import.py`` checks it against
#: the imports above and ``__all__``.
_SOURCES: Final[dict[str, str]] = {
    # rules.checker.context
    "Context": "rules.checker.context",
    # rules.checker.evaluate
    "check": "rules.checker.evaluate",
    "evaluate": "rules.checker.evaluate",
    "is_valid": "rules.checker.evaluate",
    "iter_violations": "rules.checker.evaluate",
    # rules.checker.order
    "Order": "rules.checker.order",
    # rules.checker.permissions
    "EXCHANGE_INFO_DEFAULT_PERMISSIONS": "rules.checker.permissions",
    "PermissionSets": "rules.checker.permissions",
    "PermissionSource": "rules.checker.permissions",
    "PermissionVerdict": "rules.checker.permissions",
    "evaluate_permissions": "rules.checker.permissions",
    "required_permission_sets": "rules.checker.permissions",
    "symbols_matching_permissions": "rules.checker.permissions",
    "tradable_symbols": "rules.checker.permissions",
    # rules.checker.violations
    "Verdict": "rules.checker.violations",
    "Violation": "rules.checker.violations",
    # rules.edge.cache
    "Snapshot": "rules.edge.cache",
    "SnapshotCache": "rules.edge.cache",
    # rules.edge.live
    "Session": "rules.edge.live",
    # rules.errors
    "ApiError": "rules.errors",
    "FetchConnectionError": "rules.errors",
    "FetchError": "rules.errors",
    "FetchTimeoutError": "rules.errors",
    "FetchTlsError": "rules.errors",
    "IpBannedError": "rules.errors",
    "LoadError": "rules.errors",
    "MalformedFrameError": "rules.errors",
    "OrderRejected": "rules.errors",
    "RateLimitedError": "rules.errors",
    "ResponseTooLargeError": "rules.errors",
    "RulesError": "rules.errors",
    "SnapshotNotFoundError": "rules.errors",
    "UnknownSymbolError": "rules.errors",
    # rules.fixer.propose
    "Change": "rules.fixer.propose",
    "Proposal": "rules.fixer.propose",
    "propose": "rules.fixer.propose",
    # rules.fixer.rounding
    "Grid": "rules.fixer.rounding",
    "RoundMode": "rules.fixer.rounding",
    "format_on_step": "rules.fixer.rounding",
    "price_grid": "rules.fixer.rounding",
    "quantity_grid": "rules.fixer.rounding",
    "round_price": "rules.fixer.rounding",
    "round_quantity": "rules.fixer.rounding",
    "round_to_step": "rules.fixer.rounding",
    # rules.fixer.wire
    "price_to_wire": "rules.fixer.wire",
    "quantity_to_wire": "rules.fixer.wire",
    # rules.model.diff
    "RuleChange": "rules.model.diff",
    "diff": "rules.model.diff",
    # rules.model.enums
    "OrderSide": "rules.model.enums",
    "OrderType": "rules.model.enums",
    "STPMode": "rules.model.enums",
    "SymbolStatus": "rules.model.enums",
    "TimeInForce": "rules.model.enums",
    # rules.model.load
    "dump": "rules.model.load",
    "dumps": "rules.model.load",
    "load_path": "rules.model.load",
    "loads": "rules.model.load",
    # rules.model.models
    "ExchangeInfo": "rules.model.models",
    "ExchangeMaxNumAlgoOrdersFilter": "rules.model.models",
    "ExchangeMaxNumIcebergOrdersFilter": "rules.model.models",
    "ExchangeMaxNumOrderListsFilter": "rules.model.models",
    "ExchangeMaxNumOrdersFilter": "rules.model.models",
    "Filter": "rules.model.models",
    "IcebergPartsFilter": "rules.model.models",
    "LotSizeFilter": "rules.model.models",
    "MarketLotSizeFilter": "rules.model.models",
    "MaxAssetFilter": "rules.model.models",
    "MaxNumAlgoOrdersFilter": "rules.model.models",
    "MaxNumIcebergOrdersFilter": "rules.model.models",
    "MaxNumOrderAmendsFilter": "rules.model.models",
    "MaxNumOrderListsFilter": "rules.model.models",
    "MaxNumOrdersFilter": "rules.model.models",
    "MaxPositionFilter": "rules.model.models",
    "MinNotionalFilter": "rules.model.models",
    "NotionalFilter": "rules.model.models",
    "PercentPriceBySideFilter": "rules.model.models",
    "PercentPriceFilter": "rules.model.models",
    "PriceFilter": "rules.model.models",
    "RateLimit": "rules.model.models",
    "Sor": "rules.model.models",
    "SymbolInfo": "rules.model.models",
    "TrailingDeltaFilter": "rules.model.models",
    "UnknownFilter": "rules.model.models",
}

#: The subpackages ``rules.X`` reached after a bare ``import rules`` when this
#: module imported everything (``rules.errors.RateLimitedError``,
#: ``rules.model.models.SymbolInfo``, ...): still reached.
_SUBPACKAGES: Final = frozenset({"checker", "edge", "errors", "fixer", "model"})

if not TYPE_CHECKING:  # hidden from type checkers, so that a misspelt rules.X stays an error

    def __getattr__(name: str) -> Any:
        module = _SOURCES.get(name)
        if module is not None:
            value = getattr(importlib.import_module(module), name)
        elif name in _SUBPACKAGES:
            # What the bare import used to import, so that rules.model.models,
            # rules.edge.ws, ... are there as they were: the old cost, only here
            # (Session's module never was: it is still loaded only when used).
            for source in dict.fromkeys(_SOURCES.values()):
                if source != "rules.edge.live":
                    importlib.import_module(source)
            value = importlib.import_module(f"rules.{name}")
        else:
            raise AttributeError(f"module 'rules' has no attribute {name!r}")
        globals()[name] = value  # later lookups find it without this function
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBPACKAGES})


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
