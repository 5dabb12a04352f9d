"""The order types the checker knows: :class:`OrderKind` and the table :data:`ORDER_KINDS`.

What each ``type`` of ws-place takes, needs and is (priced, market, algo),
derived once from :data:`rules.checker.order.PARAMS` (D02, D03, D04, D10, D34).
"""

from __future__ import annotations

from typing import Final

import attrs

from rules.checker.order import PARAMS

__all__ = ["ORDER_KINDS", "OrderKind"]


@attrs.frozen
class OrderKind:
    """What the checker needs to know about one order ``type`` (ws-place, D04, D10).

    Attributes:
        name: the ``type`` value.
        takes: the type-specific parameters it takes; others get ``-1106`` (D04).
        mandatory: the mandatory parameters; a tuple of two is an either/or group (D03).
        priced: it has a limit ``price`` (LIMIT, LIMIT_MAKER, *_LIMIT).
        market: it executes as a MARKET order (MARKET, STOP_LOSS, TAKE_PROFIT; D10).
        algo: it counts in MAX_NUM_ALGO_ORDERS (filters.md).
        above_side: for stop types, the side whose ``trailingDelta`` is checked
            against the ``...AboveDelta`` bounds (D34); ``None`` otherwise.
        disabled_message: the ``-2010`` message when the symbol lacks the type (D02).
    """

    name: str
    takes: frozenset[str]
    mandatory: tuple[tuple[str, ...], ...]
    priced: bool
    market: bool
    algo: bool
    above_side: str | None
    disabled_message: str
    #: Derived: the D04 parameters it does not take, as (wire name, attribute) pairs.
    not_taken: tuple[tuple[str, str], ...] = attrs.field(init=False)
    #: Derived: ``mandatory`` as (wire names, attributes) pairs.
    mandatory_attrs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        specific = (
            "timeInForce",
            "price",
            "quantity",
            "quoteOrderQty",
            "stopPrice",
            "trailingDelta",
            "icebergQty",
        )
        not_taken = tuple((w, _ATTRS[w]) for w in specific if w not in self.takes)
        object.__setattr__(self, "not_taken", not_taken)
        groups = tuple((g, tuple(_ATTRS[w] for w in g)) for g in self.mandatory)
        object.__setattr__(self, "mandatory_attrs", groups)


_ATTRS: Final = {wire: attr for wire, (attr, _) in PARAMS.items()}


def _kind(
    name: str, takes: str, mandatory: str, *, above: str | None = None, message: str
) -> OrderKind:
    groups = tuple(tuple(group.split("|")) for group in mandatory.split())
    return OrderKind(
        name=name,
        takes=frozenset(takes.split()),
        mandatory=groups,
        priced="price" in takes.split(),
        market=name in ("MARKET", "STOP_LOSS", "TAKE_PROFIT"),
        algo=name.startswith(("STOP_LOSS", "TAKE_PROFIT")),
        above_side=above,
        disabled_message=message,
    )


_UNSUPPORTED: Final = "Unsupported order combination"

#: Every order type of enums.md, with what it takes and needs (ws-place; D02, D04).
ORDER_KINDS: Final[dict[str, OrderKind]] = {
    k.name: k
    for k in (
        _kind(
            "LIMIT",
            "timeInForce price quantity icebergQty",
            "timeInForce price quantity",
            message=_UNSUPPORTED,
        ),
        _kind("LIMIT_MAKER", "price quantity icebergQty", "price quantity", message=_UNSUPPORTED),
        _kind(
            "MARKET",
            "quantity quoteOrderQty",
            "quantity|quoteOrderQty",
            message="Market orders are not supported for this symbol.",
        ),
        _kind(
            "STOP_LOSS",
            "quantity stopPrice trailingDelta",
            "quantity stopPrice|trailingDelta",
            above="BUY",
            message="Stop loss orders are not supported for this symbol.",
        ),
        _kind(
            "STOP_LOSS_LIMIT",
            "timeInForce price quantity stopPrice trailingDelta icebergQty",
            "timeInForce price quantity stopPrice|trailingDelta",
            above="BUY",
            message="Stop loss limit orders are not supported for this symbol.",
        ),
        _kind(
            "TAKE_PROFIT",
            "quantity stopPrice trailingDelta",
            "quantity stopPrice|trailingDelta",
            above="SELL",
            message="Take profit orders are not supported for this symbol.",
        ),
        _kind(
            "TAKE_PROFIT_LIMIT",
            "timeInForce price quantity stopPrice trailingDelta icebergQty",
            "timeInForce price quantity stopPrice|trailingDelta",
            above="SELL",
            message="Take profit limit orders are not supported for this symbol.",
        ),
    )
}
