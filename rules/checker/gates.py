"""Which symbol flag gates which request: the one table, and what a symbol allows.

:data:`METHOD_FLAGS` says, for each request the checker judges, the symbol
flags it needs (model attribute names): the order lists their list flags
(D48: an OCO ``ocoAllowed``, an OTO ``otoAllowed``, an OTOCO both, an OPO
``otoAllowed`` and ``opoAllowed``, an OPOCO the three), ``order.cancelReplace``
``cancelReplaceAllowed`` (D43), ``order.amend.keepPriority`` ``amendAllowed``
(D44). :data:`SOR_METHODS` need the symbol in the snapshot's ``sors`` (D42).
The checks read this table (:mod:`rules.checker.lists`' ``ListSpec.flags``,
:mod:`rules.checker.replace`, :mod:`rules.checker.amend`), and so does
:func:`allowances`, which ``rules show`` prints. What Binance answers when a
flag is ``false`` is :data:`FLAG_REFUSALS`, beside it, and :func:`refusals` builds
those violations for every request.

A flag the snapshot does not have forbids nothing (D22): such a request is
allowed, and :class:`Allowance` says which of its flags were absent.

May import: :mod:`rules.model` and :mod:`rules.checker.violations`.
"""

from __future__ import annotations

from typing import Final

import attrs

from rules.checker.violations import Violation, rejected
from rules.model.models import ExchangeInfo, SymbolInfo

__all__ = [
    "FLAG_NAMES",
    "FLAG_REFUSALS",
    "METHOD_FLAGS",
    "SOR_METHODS",
    "Allowance",
    "allowances",
    "allowed_requests",
    "false_flags",
    "has_sor",
    "refusals",
]

#: The flags that gate a request: model attribute → the exchangeInfo's name.
FLAG_NAMES: Final = {
    "oco_allowed": "ocoAllowed",
    "oto_allowed": "otoAllowed",
    "opo_allowed": "opoAllowed",
    "cancel_replace_allowed": "cancelReplaceAllowed",
    "amend_allowed": "amendAllowed",
}

#: Every judged request (D40), in the WebSocket API's order → the flags it needs.
METHOD_FLAGS: Final[dict[str, tuple[str, ...]]] = {
    "order.place": (),
    "order.test": (),
    "order.cancelReplace": ("cancel_replace_allowed",),  # D43
    "order.amend.keepPriority": ("amend_allowed",),  # D44
    # D48: which list needs which flags.
    "orderList.place": ("oco_allowed",),
    "orderList.place.oco": ("oco_allowed",),
    "orderList.place.oto": ("oto_allowed",),
    "orderList.place.otoco": ("oto_allowed", "oco_allowed"),
    "orderList.place.opo": ("oto_allowed", "opo_allowed"),
    "orderList.place.opoco": ("oto_allowed", "opo_allowed", "oco_allowed"),
    "sor.order.place": (),
    "sor.order.test": (),
}
#: The requests that need the symbol in ``sors[].symbols`` (D42).
SOR_METHODS: Final = frozenset({"sor.order.place", "sor.order.test"})


#: What Binance answers when a flag is ``false``: flag → (code, message, decision).
#: The list flags are the matching engine's -2010 (D48; OTO's and OPO's messages end
#: with a period, OCO's does not), cancel-replace's too (D43), amend's -2038 (D44).
FLAG_REFUSALS: Final[dict[str, tuple[int, str, str]]] = {
    "oco_allowed": (-2010, "OCO orders are not supported for this symbol", "D48"),
    "oto_allowed": (-2010, "OTO orders are not supported for this symbol.", "D48"),
    "opo_allowed": (-2010, "OPO orders are not supported for this symbol.", "D48"),
    "cancel_replace_allowed": (
        -2010,
        "Order cancel-replace is not supported for this symbol.",
        "D43",
    ),
    "amend_allowed": (-2038, "Order amend is not supported for this symbol.", "D44"),
}


def false_flags(symbol: SymbolInfo, method: str) -> tuple[str, ...]:
    """The flags ``method`` needs that ``symbol`` has ``false`` (model attribute
    names); an absent flag forbids nothing (D22)."""
    return tuple(f for f in METHOD_FLAGS[method] if getattr(symbol, f) is False)


def refusals(symbol: SymbolInfo, method: str) -> list[Violation]:
    """Binance's answer to each flag ``method`` needs that ``symbol`` has ``false``
    (:data:`FLAG_REFUSALS`), in :data:`METHOD_FLAGS`' order; an absent flag forbids
    nothing (D22)."""
    out = []
    for flag in false_flags(symbol, method):
        code, msg, decision = FLAG_REFUSALS[flag]
        name = FLAG_NAMES[flag]
        out.append(
            rejected(
                msg,
                explanation=f"{symbol.symbol} has {name} false ({decision})",
                field=name,
                value=False,
                code=code,
            )
        )
    return out


def has_sor(info: ExchangeInfo, symbol: str) -> bool:
    """D42: whether ``symbol`` is in some ``sors[].symbols`` (a snapshot without
    ``sors`` has none)."""
    return any(symbol in sor.symbols for sor in info.sors or ())


@attrs.frozen
class Allowance:
    """Whether a symbol allows one request, and why.

    Attributes:
        method: the request (D40).
        allowed: no flag it needs is ``false`` and, for SOR, the symbol has one.
        false: the flags it needs that are ``false`` (exchangeInfo names).
        absent: the flags it needs that the snapshot does not have: they forbid
            nothing (D22).
        no_sor: a SOR request for a symbol in no ``sors`` (D42).
    """

    method: str
    allowed: bool
    false: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    no_sor: bool = False


def allowance(symbol: SymbolInfo, method: str, sor: bool) -> Allowance:
    """One request's :class:`Allowance` for ``symbol``; ``sor``: it is in ``sors``."""
    false = tuple(FLAG_NAMES[f] for f in false_flags(symbol, method))
    absent = tuple(FLAG_NAMES[f] for f in METHOD_FLAGS[method] if getattr(symbol, f) is None)
    no_sor = method in SOR_METHODS and not sor
    return Allowance(method, not false and not no_sor, false, absent, no_sor)


def allowances(info: ExchangeInfo, symbol: str) -> tuple[Allowance, ...]:
    """What ``symbol`` of ``info`` allows, request by request (D22, D42-D44, D48).

    Only the flags and ``sors`` are read: the symbol's status, order types and
    the account's permissions are the order's own checks.
    """
    info_symbol = info.symbol(symbol)
    sor = has_sor(info, info_symbol.symbol)
    return tuple(allowance(info_symbol, method, sor) for method in METHOD_FLAGS)


def allowed_requests(info: ExchangeInfo, symbol: str) -> tuple[str, ...]:
    """The requests ``symbol`` of ``info`` allows by its flags and ``sors``, in the
    WebSocket API's order; an absent flag forbids nothing (D22).

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "BTCUSDT", "status": "TRADING", '
    ...   '"baseAsset": "BTC", "quoteAsset": "USDT", "ocoAllowed": true, '
    ...   '"otoAllowed": false, "filters": []}]}')
    >>> allowed_requests(info, "BTCUSDT")[2:]
    ('order.cancelReplace', 'order.amend.keepPriority', 'orderList.place', 'orderList.place.oco')
    """
    return tuple(a.method for a in allowances(info, symbol) if a.allowed)
