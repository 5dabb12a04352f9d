"""The six order-list requests: their parameter tables and how each maps onto its legs.

An order list (``orderList.place`` — the deprecated OCO —, ``orderList.place.oco``,
``.oto``, ``.otoco``, ``.opo``, ``.opoco``) is made of orders called *legs*
(D45). Each leg is an ``order.place`` order of its type: :class:`ListSpec`
says which request parameter becomes which order parameter of which leg
(``abovePrice`` → ``price`` of leg ``above``), which parameters the legs share
(``side``, ``quantity``, ``pendingSide``, ``pendingQuantity``: their problems
carry leg ``null``), and what the list adds: its flags (D48), its order count
(D50), its OCO pair (D46, D47), whether it is an OPO (D51).

:data:`LIST_SPECS` holds the six, by method name; :meth:`ListSpec.reads` is
each method's parameter table (D52). :func:`leg_params` splits a request into
its legs' ``order.place`` params, and :meth:`LegSpec.rename` writes a leg's
violation in the request's own names (``'price'`` → ``'abovePrice'``).

May import: :mod:`rules.errors`, :mod:`rules.model`, and the checker modules
below it (gates, order, violations).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

import attrs

from rules.checker.gates import METHOD_FLAGS
from rules.checker.order import READ_NOT_JUDGED
from rules.checker.violations import Violation

__all__ = ["LIST_SPECS", "LegSpec", "ListSpec", "leg_params"]

#: The names every signed request reads (D52), and the list's own.
_SIGNED: Final = READ_NOT_JUDGED - {"newOrderRespType"}
#: The names of the list as a whole: read, judged once (``""`` → -1105), leg ``null``.
LIST_NAMES: Final = (
    frozenset({"listClientOrderId", "newOrderRespType", "selfTradePreventionMode"}) | _SIGNED
)

#: The suffixes of a leg's prefixed names (ws-lists' tables), by order.place name.
_OCO_LEG: Final = {
    "Type": "type",
    "ClientOrderId": "newClientOrderId",
    "IcebergQty": "icebergQty",
    "Price": "price",
    "StopPrice": "stopPrice",
    "TrailingDelta": "trailingDelta",
    "TimeInForce": "timeInForce",
    "StrategyId": "strategyId",
    "StrategyType": "strategyType",
    "PegPriceType": "pegPriceType",
    "PegOffsetType": "pegOffsetType",
    "PegOffsetValue": "pegOffsetValue",
}
_WORKING: Final = {
    **{k: v for k, v in _OCO_LEG.items() if k not in ("StopPrice", "TrailingDelta")},
    "Side": "side",
    "Quantity": "quantity",
}
_PENDING: Final = {**_OCO_LEG, "Side": "side", "Quantity": "quantity"}

#: The order types an OCO pair may hold (D46), from 2024-12-16; before, no take profit.
OCO_TYPES: Final = frozenset(
    {"LIMIT_MAKER", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"}
)
OCO_TYPES_BEFORE: Final = frozenset({"LIMIT_MAKER", "STOP_LOSS", "STOP_LOSS_LIMIT"})
#: The working order's types (ws-oto: "must be LIMIT or LIMIT_MAKER", D46).
WORKING_TYPES: Final = frozenset({"LIMIT", "LIMIT_MAKER"})


@attrs.frozen
class LegSpec:
    """One leg of a list: its name (the docs' prefix) and its parameters.

    Attributes:
        name: ``above``, ``below``, ``working``, ``pending``, ``pendingAbove``,
            ``pendingBelow``, ``limit``, ``stop``.
        names: request name → ``order.place`` name, the shared ones included.
        types: the order types the leg may be (``None``: any, D46).
        pair: ``"above"`` or ``"below"`` for a leg of an OCO pair, else ``None``.
    """

    name: str
    names: Mapping[str, str]
    types: frozenset[str] | None = None
    pair: str | None = None
    #: order.place name → request name (the inverse of ``names``).
    wire: Mapping[str, str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "wire", {v: k for k, v in self.names.items()})

    def rename(self, text: str) -> str:
        """``text`` with each quoted order.place name in the request's name.

        >>> LIST_SPECS["orderList.place.oco"].legs[0].rename("Parameter 'price' was empty.")
        "Parameter 'abovePrice' was empty."
        """
        return _QUOTED.sub(lambda m: f"'{self.wire.get(m.group(1), m.group(1))}'", text)


_QUOTED: Final = re.compile(r"'(\w+)'")


def _prefixed(prefix: str, suffixes: Mapping[str, str]) -> dict[str, str]:
    return {prefix + suffix: name for suffix, name in suffixes.items()}


@attrs.frozen
class ListSpec:
    """One order-list method: its legs, what they share, and what the list adds.

    Attributes:
        name: the method.
        legs: its legs, in the method's order (D53).
        shared: the request names several legs read (their problems: leg ``null``).
        flags: the symbol flags the list needs (D48), as model attribute names
            (from :data:`rules.checker.gates.METHOD_FLAGS`).
        orders: the orders it adds to MAX_NUM_ORDERS (D50).
        opo: an OPO list (D51): no pending quantity, BUY working, SELL pending.
        deprecated: the deprecated OCO (``orderList.place``), legs ``limit`` and ``stop``.
    """

    name: str
    legs: tuple[LegSpec, ...]
    flags: tuple[str, ...]
    orders: int
    opo: bool = False
    deprecated: bool = False
    #: Every name the method reads (D52): its table and the signed names.
    reads: frozenset[str] = attrs.field(init=False)
    shared: frozenset[str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        seen: dict[str, int] = {}
        for leg in self.legs:
            for name in leg.names:
                seen[name] = seen.get(name, 0) + 1
        extra = {"pendingQuantity"} if self.opo else set()  # D51: -1225, not -1104 (D52)
        object.__setattr__(self, "reads", frozenset(seen) | LIST_NAMES | extra | {"symbol"})
        object.__setattr__(
            self,
            "shared",
            frozenset(n for n, count in seen.items() if count > 1) | {"symbol"},
        )

    def leg_of(self, name: str) -> str | None:
        """The leg a request name belongs to; ``None`` when shared or the list's (D45)."""
        if name in self.shared:
            return None
        for leg in self.legs:
            if name in leg.names:
                return leg.name
        return None

    @property
    def pair(self) -> tuple[LegSpec, LegSpec] | None:
        """The OCO pair's (above, below) legs (D46, D47), or ``None``."""
        above = [leg for leg in self.legs if leg.pair == "above"]
        below = [leg for leg in self.legs if leg.pair == "below"]
        return (above[0], below[0]) if above and below else None


def _oco() -> ListSpec:
    shared = {"symbol": "symbol", "side": "side", "quantity": "quantity"}
    return ListSpec(
        "orderList.place.oco",
        (
            LegSpec("above", {**shared, **_prefixed("above", _OCO_LEG)}, OCO_TYPES, "above"),
            LegSpec("below", {**shared, **_prefixed("below", _OCO_LEG)}, OCO_TYPES, "below"),
        ),
        METHOD_FLAGS["orderList.place.oco"],  # D48
        2,
    )


def _deprecated() -> ListSpec:
    shared = {"symbol": "symbol", "side": "side", "quantity": "quantity"}
    limit = {
        **shared,
        "price": "price",
        "limitIcebergQty": "icebergQty",
        "limitClientOrderId": "newClientOrderId",
        "limitStrategyId": "strategyId",
        "limitStrategyType": "strategyType",
    }
    stop = {
        **shared,
        "stopPrice": "stopPrice",
        "trailingDelta": "trailingDelta",
        "stopLimitPrice": "price",
        "stopLimitTimeInForce": "timeInForce",
        "stopIcebergQty": "icebergQty",
        "stopClientOrderId": "newClientOrderId",
        "stopStrategyId": "strategyId",
        "stopStrategyType": "strategyType",
    }
    # The places are fixed by the side (D46): leg limit is above for SELL, below for BUY.
    return ListSpec(
        "orderList.place",
        (LegSpec("limit", limit), LegSpec("stop", stop)),
        METHOD_FLAGS["orderList.place"],  # D48
        2,
        deprecated=True,
    )


def _oto(name: str, opo: bool) -> ListSpec:
    shared = {"symbol": "symbol"}
    pending = _prefixed("pending", _PENDING)
    if opo:
        del pending["pendingQuantity"]  # D51: the pending quantity is not known
    return ListSpec(
        name,
        (
            LegSpec("working", {**shared, **_prefixed("working", _WORKING)}, WORKING_TYPES),
            LegSpec("pending", {**shared, **pending}),
        ),
        METHOD_FLAGS[name],  # D48
        2,
        opo=opo,
    )


def _otoco(name: str, opo: bool) -> ListSpec:
    shared = {"symbol": "symbol", "pendingSide": "side"}
    if not opo:
        shared["pendingQuantity"] = "quantity"
    return ListSpec(
        name,
        (
            LegSpec(
                "working", {"symbol": "symbol", **_prefixed("working", _WORKING)}, WORKING_TYPES
            ),
            LegSpec(
                "pendingAbove",
                {**shared, **_prefixed("pendingAbove", _OCO_LEG)},
                OCO_TYPES,
                "above",
            ),
            LegSpec(
                "pendingBelow",
                {**shared, **_prefixed("pendingBelow", _OCO_LEG)},
                OCO_TYPES,
                "below",
            ),
        ),
        METHOD_FLAGS[name],  # D48
        3,
        opo=opo,
    )


#: The six order-list methods, by name (D45, D52).
LIST_SPECS: Final[dict[str, ListSpec]] = {
    spec.name: spec
    for spec in (
        _deprecated(),
        _oco(),
        _oto("orderList.place.oto", opo=False),
        _otoco("orderList.place.otoco", opo=False),
        _oto("orderList.place.opo", opo=True),
        _otoco("orderList.place.opoco", opo=True),
    )
}


def leg_params(spec: ListSpec, leg: LegSpec, params: Mapping[str, object]) -> dict[str, object]:
    """The ``order.place`` params of one leg of a request (D45).

    The deprecated OCO's legs have no type of their own: ``limit`` is
    LIMIT_MAKER; ``stop`` is STOP_LOSS_LIMIT when ``stopLimitPrice`` is sent,
    else STOP_LOSS.

    >>> spec = LIST_SPECS["orderList.place.oco"]
    >>> leg_params(spec, spec.legs[1], {"symbol": "BTCUSDT", "side": "SELL", "quantity": "1",
    ...     "belowType": "STOP_LOSS", "belowStopPrice": "90", "aboveType": "LIMIT_MAKER"})
    {'symbol': 'BTCUSDT', 'side': 'SELL', 'quantity': '1', 'type': 'STOP_LOSS', 'stopPrice': '90'}
    """
    names = leg.names
    out = {names[name]: value for name, value in params.items() if name in names}
    if spec.deprecated:
        if leg.name == "limit":
            out["type"] = "LIMIT_MAKER"
        else:
            out["type"] = "STOP_LOSS" if params.get("stopLimitPrice") is None else "STOP_LOSS_LIMIT"
    return out


def in_request_names(leg: LegSpec, violation: Violation) -> Violation:
    """A leg's violation in the request's names (``'price'`` → ``'abovePrice'``)."""
    field = violation.field
    return attrs.evolve(
        violation,
        msg=leg.rename(violation.msg),
        field=leg.wire.get(field, field) if field is not None else None,
        leg=leg.name,
    )
