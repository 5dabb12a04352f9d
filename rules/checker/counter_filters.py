"""The open-order counters (D15), the filters that do not concern ``order.place``
(D26) and the unknown filter (D25).

Each check registers itself with :func:`~rules.checker.checks.checks`.
"""

from __future__ import annotations

from typing import Any

from rules.checker.bounds import AcceptBounds, folds
from rules.checker.checks import (
    UNCHECKED,
    Check,
    Outcome,
    checks,
)
from rules.checker.context import Context as OrderContext
from rules.checker.eras import (
    Era,
)
from rules.checker.explain import Source, writes
from rules.checker.kinds import OrderKind
from rules.checker.order import ParsedOrder
from rules.checker.violations import Explanation, filter_failure
from rules.model.models import (
    ExchangeMaxNumAlgoOrdersFilter,
    ExchangeMaxNumIcebergOrdersFilter,
    ExchangeMaxNumOrderListsFilter,
    ExchangeMaxNumOrdersFilter,
    MaxAssetFilter,
    MaxNumAlgoOrdersFilter,
    MaxNumIcebergOrdersFilter,
    MaxNumOrderAmendsFilter,
    MaxNumOrderListsFilter,
    MaxNumOrdersFilter,
    UnknownFilter,
)

# --------------------------------------------------------------------------- open-order counters


def _count(filter_type: str, maximum: int, open_now: int | None, what: str, key: str) -> Outcome:
    # D15: this order adds one; a 0 maximum disables the rule (D12).
    if not maximum:
        return None
    if open_now is None:
        return UNCHECKED
    if open_now + 1 > maximum:
        why = Explanation(_count_text, key, open_now, what, maximum)  # worded when read
        return filter_failure(
            filter_type, field=None, value=open_now + 1, limit=maximum, explanation=why
        )
    return None


def _count_text(key: str, open_now: int, what: str, maximum: int) -> str:
    """``"openOrders 200 + this order is above maxNumOrders 200"``."""
    return f"{key} {open_now} + this order is above {what} {maximum}"


def _counter(name: str, maximum: str, what: str, open_attr: str, key: str, counts: str) -> Check:
    """The check (and its fold) of one open-order counter filter (D15).

    ``counts`` says which orders the filter counts: ``"every"`` order,
    ``"algo"`` orders (STOP_LOSS(_LIMIT), TAKE_PROFIT(_LIMIT)), or ``"iceberg"``
    orders (``icebergQty > 0``, D08). ``maximum`` is the filter's field,
    ``open_attr`` the context's count of what is open now.
    """

    def check(
        f: Any, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
    ) -> Outcome:
        if (counts == "algo" and not kind.algo) or (counts == "iceberg" and not order.iceberg_qty):
            return None
        return _count(f.filter_type, getattr(f, maximum), getattr(context, open_attr), what, key)

    @folds(check)
    def fold(f: Any, kind: OrderKind, era: Era, bounds: AcceptBounds) -> bool:
        # The simple shape has no icebergQty: an iceberg counter concerns iceberg orders only.
        limit = getattr(f, maximum)
        if limit and (counts == "every" or (counts == "algo" and kind.algo)):
            bounds.counters.append((open_attr, limit))
        elif limit and counts == "iceberg":
            bounds.iceberg_counters.append((open_attr, limit))
        return True

    @writes(check)
    def write(f: Any, kind: OrderKind, era: Era, source: Source) -> bool:
        limit = getattr(f, maximum)
        iceberg = counts == "iceberg"
        if not limit or (counts == "algo" and not kind.algo) or (iceberg and not source.has("I")):
            return True
        ft = f.filter_type
        source.claim(ft)
        k, text = source.const(limit), source.helper("COUNT", _count_text)
        why = f"({text}, {key!r}, C, {what!r}, {k})"
        lines = [f"C = {source.context(open_attr)}", "if C is None:", "    " + source.uncheck(ft)]
        lines += [f"elif C + 1 > {k}:", "    " + source.fail(ft, None, "C + 1", k, why)]
        source.add(*(["if I:", *("    " + line for line in lines)] if iceberg else lines))
        return True

    check.__name__ = check.__qualname__ = name
    # What an order list needs to count its legs once for the list (D50).
    check.counter = (maximum, open_attr, key, what, counts)  # type: ignore[attr-defined]
    check.__doc__ = f"{what}: ``{key} + 1 <= {what}`` for {counts} order(s) (D15)."
    return check


check_max_num_orders = checks(MaxNumOrdersFilter)(
    _counter(
        "check_max_num_orders",
        "max_num_orders",
        "maxNumOrders",
        "open_orders",
        "openOrders",
        "every",
    )
)
check_max_num_algo_orders = checks(MaxNumAlgoOrdersFilter)(
    _counter(
        "check_max_num_algo_orders",
        "max_num_algo_orders",
        "maxNumAlgoOrders",
        "open_algo_orders",
        "openAlgoOrders",
        "algo",
    )
)
check_max_num_iceberg_orders = checks(MaxNumIcebergOrdersFilter)(
    _counter(
        "check_max_num_iceberg_orders",
        "max_num_iceberg_orders",
        "maxNumIcebergOrders",
        "open_iceberg_orders",
        "openIcebergOrders",
        "iceberg",
    )
)
check_exchange_max_num_orders = checks(ExchangeMaxNumOrdersFilter)(
    _counter(
        "check_exchange_max_num_orders",
        "max_num_orders",
        "maxNumOrders",
        "exchange_open_orders",
        "exchangeOpenOrders",
        "every",
    )
)
check_exchange_max_num_algo_orders = checks(ExchangeMaxNumAlgoOrdersFilter)(
    _counter(
        "check_exchange_max_num_algo_orders",
        "max_num_algo_orders",
        "maxNumAlgoOrders",
        "exchange_open_algo_orders",
        "exchangeOpenAlgoOrders",
        "algo",
    )
)
check_exchange_max_num_iceberg_orders = checks(ExchangeMaxNumIcebergOrdersFilter)(
    _counter(
        "check_exchange_max_num_iceberg_orders",
        "max_num_iceberg_orders",
        "maxNumIcebergOrders",
        "exchange_open_iceberg_orders",
        "exchangeOpenIcebergOrders",
        "iceberg",
    )
)


# --------------------------------------------------------------------------- the rest


@checks(
    MaxNumOrderAmendsFilter, MaxNumOrderListsFilter, ExchangeMaxNumOrderListsFilter, MaxAssetFilter
)
def not_for_order_place(
    f: object, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """Order-list, amendment and asset filters do not concern ``order.place`` (D26)."""
    return None


@folds(not_for_order_place)
def _fold_not_for_order_place(f: object, kind: OrderKind, era: Era, bounds: AcceptBounds) -> bool:
    return True


@writes(not_for_order_place)
def _write_not_for_order_place(f: object, kind: OrderKind, era: Era, source: Source) -> bool:
    return True


@checks(UnknownFilter)
def check_unknown(
    f: UnknownFilter, order: ParsedOrder, kind: OrderKind, context: OrderContext, era: Era
) -> Outcome:
    """A filterType this version does not know is never passed: it is unchecked (D25)."""
    return UNCHECKED  # no fold: an order it concerns is never accepted outright
