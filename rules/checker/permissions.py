"""Who may trade a symbol: its permission sets against the account's permissions.

Binance's rule (``exchangeInfo`` notes, changelog 2024-04): ``permissionSets``
is a list of sets; the account must hold **at least one** permission of
**every** set. ``[["SPOT","MARGIN"],["TRD_GRP_004","TRD_GRP_005"]]`` needs
SPOT or MARGIN, and TRD_GRP_004 or TRD_GRP_005. The legacy ``permissions``
list (2020-2024) is one such set: account and symbol must have at least one
permission in common (changelog 2020-04-25).

Rules this module keeps:

1. Pure: the account's permissions are an explicit argument; nothing is
   fetched or remembered.
2. One combinator, in :func:`_satisfies`: AND across the sets, OR within each.
3. One place decides what a symbol requires, :func:`required_permission_sets`,
   in the order of D19: non-empty ``permissionSets``, else non-empty
   ``permissions``, else (neither field present) the 2019 trading flags (D20).
4. Never "permitted" when the data cannot tell (D36): ``permitted`` is then
   ``None``, and the order checker lists ``PERMISSIONS`` in ``unchecked``.
   An empty set inside ``permissionSets`` is OR over nothing: never satisfied.
5. Permissions are plain, case-sensitive strings; an unknown one (a new
   ``TRD_GRP_*``) is compared like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, TypeAlias

import attrs

from rules.model.models import ExchangeInfo, SymbolInfo

__all__ = [
    "EXCHANGE_INFO_DEFAULT_PERMISSIONS",
    "PermissionSets",
    "PermissionSource",
    "PermissionVerdict",
    "evaluate_permissions",
    "required_permission_sets",
    "symbols_matching_permissions",
    "tradable_symbols",
]

#: A symbol's requirement: the account needs one permission of every inner tuple.
PermissionSets: TypeAlias = tuple[tuple[str, ...], ...]

#: Where a requirement was read from: the 2024 field, the 2020 list, or the 2019
#: ``isSpotTradingAllowed`` / ``isMarginTradingAllowed`` flags.
PermissionSource: TypeAlias = Literal["permissionSets", "permissions", "flags"]

#: What ``exchangeInfo`` lists when no ``permissions`` parameter is sent
#: (changelog 2022-09-15; ``exchangeInfo`` notes).
EXCHANGE_INFO_DEFAULT_PERMISSIONS: tuple[str, ...] = ("SPOT", "MARGIN", "LEVERAGED")

# Sets longer than this are shortened in explanations (2025 mainnet sets hold
# 212 names); the verdict's fields always carry them whole.
_SHOWN = 8


def _satisfies(held: frozenset[str], sets: PermissionSets) -> bool:
    # The rule itself: every set (AND) shares at least one name with the
    # account (OR). `not held.isdisjoint(any_of)` is
    # `any(p in held for p in any_of)` at C speed, which matters for 212-name sets.
    return all(not held.isdisjoint(any_of) for any_of in sets)


def _requirement(symbol: SymbolInfo) -> tuple[PermissionSource, PermissionSets] | None:
    # D19's order. Empty lists are "no data", never "no restriction" (D36).
    if symbol.permission_sets:
        return "permissionSets", symbol.permission_sets
    if symbol.permissions:
        return "permissions", (symbol.permissions,)
    if symbol.permission_sets is None and symbol.permissions is None:
        # D19/D20: the flags speak only for a symbol with neither list field (2019
        # snapshots); the flags present form the OR-set (one flag alone too);
        # all present flags false → an empty set (D36).
        spot, margin = symbol.is_spot_trading_allowed, symbol.is_margin_trading_allowed
        if spot is not None or margin is not None:
            return "flags", ((("SPOT",) if spot else ()) + (("MARGIN",) if margin else ()),)
    return None


def required_permission_sets(symbol: SymbolInfo) -> PermissionSets | None:
    """The permission sets an account must satisfy to trade ``symbol``, or ``None``.

    Read in the order of D19: ``permissionSets`` if non-empty; else the legacy
    ``permissions`` list, if non-empty, as one set; else, for a symbol with
    neither field, the 2019 flags as one set (``isSpotTradingAllowed`` → SPOT,
    ``isMarginTradingAllowed`` → MARGIN; D20). ``None`` when the snapshot cannot
    tell (D36): empty lists, as fetched with ``showPermissionSets=false``, or no
    permission data at all.

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "X", "status": "TRADING", "baseAsset": "A",'
    ...   ' "quoteAsset": "B", "filters": [], "permissions": ["SPOT", "MARGIN"]}]}')
    >>> required_permission_sets(info["X"])
    (('SPOT', 'MARGIN'),)
    """
    found = _requirement(symbol)
    return None if found is None else found[1]


def _held_permissions(account: Iterable[str]) -> frozenset[str]:
    if type(account) is frozenset:
        return account
    if isinstance(account, str | bytes):
        raise TypeError(
            f"account permissions must be an iterable of names such as ['SPOT'], not {account!r}"
        )
    return frozenset(account)


def _names(any_of: tuple[str, ...]) -> str:
    if len(any_of) <= _SHOWN:
        return ", ".join(any_of)
    return f"{', '.join(any_of[:_SHOWN])}, … ({len(any_of)} in all)"


def _needs(any_of: tuple[str, ...]) -> str:
    if len(any_of) == 1:
        return any_of[0]
    return f"one of {_names(any_of)}"


@attrs.frozen
class PermissionVerdict:
    """Whether an account may trade a symbol, and why.

    Made by :func:`evaluate_permissions`. Only the outcome is stored; the
    explanation is written when asked for, so that evaluating stays fast.

    Attributes:
        permitted: ``True`` or ``False``; ``None`` when the snapshot cannot tell
            (D36), which the order checker reports as ``PERMISSIONS`` in
            ``unchecked`` and never as permitted.
        failing_sets: the sets the account holds nothing of, in the symbol's
            order; empty unless ``permitted`` is ``False``.
        symbol: the symbol evaluated.
        account: the account's permissions, as evaluated.
    """

    permitted: bool | None
    failing_sets: PermissionSets
    symbol: SymbolInfo = attrs.field(repr=False)
    account: frozenset[str] = attrs.field(repr=False)

    @property
    def required(self) -> PermissionSets | None:
        """Every set the symbol requires (:func:`required_permission_sets`), or ``None``."""
        return required_permission_sets(self.symbol)

    @property
    def source(self) -> PermissionSource | None:
        """The field the requirement was read from, or ``None`` when the data cannot tell."""
        found = _requirement(self.symbol)
        return None if found is None else found[0]

    @property
    def explanation(self) -> str:
        """One line saying why: the failing sets and what would satisfy them.

        Written on demand, so evaluating stays fast.
        """
        found = _requirement(self.symbol)
        if self.permitted is None or found is None:
            return f"cannot tell: {self._why_unknown()}"
        source, required = found
        count = len(required)

        def label(index: int) -> str:
            return f" (set {index} of {count})" if count > 1 else ""

        if self.permitted:
            held = [
                (next(p for p in any_of if p in self.account), i)
                for i, any_of in enumerate(required, 1)
            ]
            return "permitted: account has " + " and ".join(f"{p}{label(i)}" for p, i in held)
        if source == "flags" and required == ((),):
            return (
                "not permitted: neither isSpotTradingAllowed nor isMarginTradingAllowed is true,"
                " so no account may trade this symbol"
            )
        failing = [
            (i, any_of) for i, any_of in enumerate(required, 1) if self.account.isdisjoint(any_of)
        ]
        clauses = []
        if needs := [f"{_needs(any_of)}{label(i)}" for i, any_of in failing if any_of]:
            has = "none of them" if self.account else "no permissions"
            clauses.append(f"needs {' and '.join(needs)}; account has {has}")
        clauses.extend(
            f"set {i} of {count} is empty, which no account satisfies"
            if count > 1
            else "its permission set is empty, which no account satisfies"
            for i, any_of in failing
            if not any_of
        )
        return f"not permitted: {'; '.join(clauses)}"

    def _why_unknown(self) -> str:
        s = self.symbol
        if s.permission_sets is None and s.permissions is None:
            # With a flag present the flags decide (D19), so there is none here.
            return "the symbol has no permissionSets, permissions or trading flags"
        fields = " and ".join(
            f"{name} is {'empty' if value == () else 'absent'}"
            for name, value in (
                ("permissionSets", s.permission_sets),
                ("permissions", s.permissions),
            )
        )
        if s.permission_sets == ():
            return f"{fields} (as in a response fetched with showPermissionSets=false)"
        return f"{fields} (the trading flags count only where neither field exists)"


def evaluate_permissions(symbol: SymbolInfo, account: Iterable[str]) -> PermissionVerdict:
    """Whether an account holding ``account`` may place orders on ``symbol``.

    The account needs at least one permission of every set the symbol requires
    (:func:`required_permission_sets`, D19). An empty set is never satisfied
    (D36). When the symbol carries no usable permission data, ``permitted`` is
    ``None`` (D36): the data cannot tell, so it is never reported as permitted.

    Args:
        symbol: the symbol, from a loaded ``exchangeInfo``.
        account: the account's permissions (``account.status`` / ``GET
            /api/v3/account`` ``permissions``), compared case-sensitively. A
            ``frozenset`` is used as is; anything else is copied into one.

    Raises:
        TypeError: ``account`` is a single string instead of an iterable of names.

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "X", "status": "TRADING", "baseAsset": "A",'
    ...   ' "quoteAsset": "B", "filters": [], "permissions": [],'
    ...   ' "permissionSets": [["SPOT", "MARGIN"], ["TRD_GRP_004", "TRD_GRP_005"]]}]}')
    >>> verdict = evaluate_permissions(info["X"], ["SPOT", "TRD_GRP_005"])
    >>> verdict.permitted, verdict.explanation
    (True, 'permitted: account has SPOT (set 1 of 2) and TRD_GRP_005 (set 2 of 2)')
    >>> verdict = evaluate_permissions(info["X"], ["TRD_GRP_004"])
    >>> verdict.permitted, verdict.failing_sets
    (False, (('SPOT', 'MARGIN'),))
    >>> verdict.explanation
    'not permitted: needs one of SPOT, MARGIN (set 1 of 2); account has none of them'
    >>> evaluate_permissions(info["X"], "SPOT")
    Traceback (most recent call last):
    ...
    TypeError: account permissions must be an iterable of names such as ['SPOT'], not 'SPOT'
    """
    held = _held_permissions(account)
    found = _requirement(symbol)
    if found is None:
        return PermissionVerdict(None, (), symbol, held)
    sets = found[1]
    if _satisfies(held, sets):
        return PermissionVerdict(True, (), symbol, held)
    # One set (every real symbol so far) failed: it is the failing set.
    failing = sets if len(sets) == 1 else tuple(s for s in sets if held.isdisjoint(s))
    return PermissionVerdict(False, failing, symbol, held)


def tradable_symbols(info: ExchangeInfo, account: Iterable[str]) -> tuple[SymbolInfo, ...]:
    """The symbols of ``info`` whose permissions ``account`` satisfies, in Binance's order.

    Only permissions are considered (not ``status``). A symbol whose data cannot
    tell (D36, e.g. fetched with ``showPermissionSets=false``) is left out: it
    is never reported as tradable; :func:`evaluate_permissions` says why.

    Raises:
        TypeError: ``account`` is a single string instead of an iterable of names.
    """
    held = _held_permissions(account)
    result = []
    for symbol in info.symbols:
        found = _requirement(symbol)
        if found is not None and _satisfies(held, found[1]):
            result.append(symbol)
    return tuple(result)


def symbols_matching_permissions(
    info: ExchangeInfo, permissions: str | Iterable[str] = EXCHANGE_INFO_DEFAULT_PERMISSIONS
) -> tuple[SymbolInfo, ...]:
    """The symbols ``exchangeInfo`` would list for its ``permissions`` query parameter.

    The server-side filter (changelog 2022-09-15) lists the symbols whose
    permissions match the parameter; read here as: a symbol is listed when any
    permission it names, in any of its sets, is among ``permissions``. This is
    not :func:`tradable_symbols`: ``permissions="TRD_GRP_004"`` lists a symbol
    requiring ``[["SPOT"],["TRD_GRP_004"]]``, which an account holding only
    TRD_GRP_004 may not trade. Like the parameter, ``permissions`` is one name
    or several; without it, the server's default ``SPOT``, ``MARGIN``,
    ``LEVERAGED`` applies. Symbols whose data cannot tell (D36) are never listed.

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "X", "status": "TRADING", "baseAsset": "A",'
    ...   ' "quoteAsset": "B", "filters": [], "permissionSets": [["TRD_GRP_004"]]}]}')
    >>> symbols_matching_permissions(info)
    ()
    >>> [s.symbol for s in symbols_matching_permissions(info, "TRD_GRP_004")]
    ['X']
    """
    if isinstance(permissions, bytes):
        raise TypeError(f"permissions must be a str or a collection of str, not {permissions!r}")
    wanted = frozenset((permissions,) if isinstance(permissions, str) else permissions)
    result = []
    for symbol in info.symbols:
        found = _requirement(symbol)
        if found is not None and any(not wanted.isdisjoint(any_of) for any_of in found[1]):
            result.append(symbol)
    return tuple(result)
