"""Per-symbol plans: what judging an order on one symbol needs, compiled once.

A :class:`SymbolPlan` holds a symbol's status, enabled order types, flags,
filter checks (through :data:`~rules.checker.filters.FILTER_CHECKS`) and the
fast checks of :mod:`rules.checker.fastpath`, each compiled on its first use
(:func:`_on_first_use`); an :class:`InfoPlan` holds a snapshot's era (D17) and
its symbols' plans. :func:`plan_of` finds or builds the plan of a snapshot,
kept while the snapshot lives.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Final

from rules.checker.context import Context
from rules.checker.eras import Era
from rules.checker.explain import Explainer, compile_explainer
from rules.checker.fastpath import (
    AcceptedCheck,
    FastCheck,
    FiltersOnly,
    accepted_only,
    compile_fast_check,
    fast_shape,
)
from rules.checker.fastread import ContextWanted, suspects_of
from rules.checker.filters import FILTER_CHECKS, Check
from rules.checker.kinds import ORDER_KINDS
from rules.checker.suspects import Checks
from rules.checker.violations import Verdict
from rules.model.models import ExchangeInfo, Filter, SymbolInfo

__all__ = ["PLANS", "SIDELESS", "InfoPlan", "SymbolPlan", "plan_of"]

#: Entries of a ``SymbolPlan.sideless`` at most (evaluate's ``_one_problem_verdict``).
SIDELESS: Final = 64


#: The counters of open order lists (D50): only an order list is held back by them.
_LIST_COUNTERS = frozenset({"MAX_NUM_ORDER_LISTS", "EXCHANGE_MAX_NUM_ORDER_LISTS"})
#: The order types that may have a fast check (the others never do: no shape).
_FAST_TYPES = tuple(name for name, kind in ORDER_KINDS.items() if fast_shape(kind) is not None)


class SymbolPlan:
    """What checking an order on one symbol needs, computed once."""

    __slots__ = (
        "base_places",
        "checks",
        "count_checks",
        "dict_explainers",
        "era",
        "explainers",
        "fast",
        "fast_answers",
        "iceberg_allowed",
        "info",
        "leg_checks",
        "lists",
        "order_types",
        "peg_allowed",
        "quote_order_qty_allowed",
        "quote_places",
        "quote_places_name",
        "sideless",
        "stp_modes",
        "symbol",
        "trading",
        "trailing_allowed",
    )

    def __init__(
        self, symbol: SymbolInfo, exchange_checks: tuple[tuple[Check, Filter], ...], era: Era
    ):
        self.symbol = symbol
        self.era = era
        # D01: any status but TRADING closes the market; no status field, no check.
        self.trading = symbol.status is None or symbol.status == "TRADING"
        self.order_types = None if symbol.order_types is None else frozenset(symbol.order_types)
        modes = symbol.allowed_self_trade_prevention_modes
        self.stp_modes = None if modes is None else frozenset(modes)
        self.iceberg_allowed = symbol.iceberg_allowed
        self.quote_order_qty_allowed = symbol.quote_order_qty_market_allowed
        self.trailing_allowed = symbol.allow_trailing_stop
        self.peg_allowed = symbol.peg_instructions_allowed
        # D38: -1111's bounds; quoteAssetPrecision, else its older duplicate.
        self.base_places = symbol.base_asset_precision
        self.quote_places: int | None = symbol.quote_places
        self.quote_places_name = (
            "quotePrecision" if symbol.quote_asset_precision is None else "quoteAssetPrecision"
        )
        # Filters are found by type, never by position (FINDINGS.md §3); the
        # table decides what each one does (FILTER_CHECKS).
        own = tuple((FILTER_CHECKS[type(f)], f) for f in symbol.filters)
        self.checks = own + exchange_checks
        # A leg of an order list skips the open-order counters: the list counts
        # its legs once (D50).
        self.leg_checks = tuple(c for c in self.checks if not hasattr(c[0], "counter"))
        # What an order list counts once (D50): those counters and the list counters.
        self.count_checks = tuple(
            c for c in self.checks if hasattr(c[0], "counter") or c[1].filter_type in _LIST_COUNTERS
        )
        # Type -> fast check (rules.checker.fastpath), for the types it may judge
        # that can be accepted at all: on a TRADING symbol that enables them (D01, D02).
        # fast_answers' checks answer FILTERS too (evaluate's); fast's, the same
        # checks, only a verdict of an accepted order or None ("not sure").
        # Each is compiled on its first call (issue 11: a command that sees a few
        # symbols and types pays for those only; compiling every type of the 1,393
        # TRADING symbols of 2023-08 took about 0.4 s): until then the tables hold
        # stand-ins (_on_first_use) that compile, take their place and answer.
        # Method -> what an order list needs beyond the request
        # (rules.checker.list_fast.ListPlan), filled on first use.
        self.lists: dict[str, object] = {}
        # (fast check, id of its verdict of an order with side BUY) -> (that verdict,
        # what is unchecked for the same order without a side): evaluate's
        # _one_problem_verdict.
        self.sideless: dict[tuple[object, int], tuple[object, tuple[str, ...]]] = {}
        # Type -> the explainer of its well-formed orders (rules.checker.explain), or
        # None when it has none; written on the first order that needs it. The same,
        # for a plain dict context (rules.checker.context.is_plain).
        self.explainers: dict[str, Explainer | None] = {}
        self.dict_explainers: dict[str, Explainer | None] = {}
        self.fast_answers: dict[str, FastCheck] = {}
        self.fast: dict[str, AcceptedCheck] = {}
        if self.trading:
            for name in _FAST_TYPES:
                if self.order_types is None or name in self.order_types:
                    self.fast_answers[name], self.fast[name] = _on_first_use(self, name)

    def fast_check(self, name: str) -> FastCheck | None:
        """The compiled fast check of ``name`` orders (``None``: there is none), compiled
        now if it was not yet; ``fast_answers`` and ``fast`` then hold it."""
        if name not in self.fast_answers:
            return None
        checks = self._compile(name)
        return None if checks is None else checks[0]

    def explainer(self, name: str, mapping: bool = False) -> Explainer | None:
        """The explainer of well-formed ``name`` orders (``None``: there is none), written
        now if it was not yet (two threads may both write it: either is the same);
        ``mapping``: the one that reads a plain dict context."""
        table = self.dict_explainers if mapping else self.explainers
        try:
            return table[name]
        except KeyError:
            found = table[name] = compile_explainer(
                self.checks, ORDER_KINDS[name], self.era, mapping
            )
            return found

    def _compile(self, name: str) -> tuple[FastCheck, AcceptedCheck] | None:
        """Compile the fast checks of ``name`` orders and put them in the tables in place
        of their stand-ins; with none (a filter that does not fold), take the stand-ins
        out, as if never listed. Two threads may both compile: either result is the same
        check, and each assignment publishes a whole one (no lock on the hot path)."""
        fast = compile_fast_check(self.symbol, self.checks, ORDER_KINDS[name], self.era)
        if fast is None:
            self.fast_answers.pop(name, None)
            self.fast.pop(name, None)
            return None
        checks = fast, accepted_only(fast)
        self.fast_answers[name], self.fast[name] = checks
        return checks


def _on_first_use(plan: SymbolPlan, name: str) -> tuple[FastCheck, AcceptedCheck]:
    """Stand-ins for the fast checks of ``name`` orders on ``plan``'s symbol: the first
    call compiles them (:meth:`SymbolPlan._compile`), which takes the stand-ins' place in
    the tables, and every call answers as the compiled check does. When there is none,
    they answer ``None`` ("not sure"), after which a caller takes the general path, as
    it does when a type has no fast check (``evaluate`` first tries its repaired call,
    which answers ``None`` too)."""
    compiled: list[tuple[FastCheck, AcceptedCheck] | None] = []

    def checks() -> tuple[FastCheck, AcceptedCheck] | None:
        if not compiled:
            compiled.append(plan._compile(name))
        return compiled[0]

    def answers(
        params: dict[str, Any], context: Context | dict[str, Any]
    ) -> Verdict | FiltersOnly | ContextWanted | None:
        found = checks()
        return None if found is None else found[0](params, context)

    def accepted(params: dict[str, Any], context: Context) -> Verdict | None:
        found = checks()
        return None if found is None else found[1](params, context)

    def suspects(known: int) -> Checks:
        # Asked only after ``answers`` said FILTERS, so the check is compiled: what
        # the filters still need is the compiled check's (rules.checker.suspects).
        found = checks()
        assert found is not None
        return suspects_of(found[0])(known)

    answers.suspects = suspects  # type: ignore[attr-defined]
    return answers, accepted


class InfoPlan:
    """The plans of one ``ExchangeInfo``: its era (D17) and its symbols' plans."""

    __slots__ = ("era", "exchange_checks", "info", "symbols")

    def __init__(self, info: ExchangeInfo) -> None:
        self.info = weakref.ref(info)
        self.era = Era.at(info.server_time)
        self.exchange_checks = tuple(
            (FILTER_CHECKS[type(f)], f) for f in (info.exchange_filters or ())
        )
        # Only symbols of the snapshot: at most one plan per symbol, whatever the input.
        self.symbols: dict[str, SymbolPlan] = {}

    def symbol(self, info: ExchangeInfo, name: str) -> SymbolPlan | None:
        plan = self.symbols.get(name)
        if plan is not None:
            return plan
        if name not in info:
            # Never cached: a name from the input is unbounded (20,000 names of 50 KB
            # were a gigabyte), and a negative answer remembered could outlive a wrong
            # lookup (threads: docs/design.md).
            return None
        # Built whole, then published in one assignment; two threads may both build
        # it, and either result is the same plan.
        plan = SymbolPlan(info[name], self.exchange_checks, self.era)
        self.symbols[name] = plan
        return plan


#: The plans of the snapshots in use, by ``id()``; an entry leaves with its snapshot.
PLANS: dict[int, InfoPlan] = {}
_LOCK = threading.Lock()


def plan_of(info: ExchangeInfo) -> InfoPlan:
    """The plan of a snapshot, compiled on first use and kept while the snapshot lives."""
    # Keyed by id(): hashing a big frozen ExchangeInfo by value would cost more
    # than the whole check. The weak reference both verifies identity (an id
    # can be reused once the object is gone) and removes the entry then.
    key = id(info)
    plan = PLANS.get(key)
    if plan is not None and plan.info() is info:
        return plan
    with _LOCK:  # one plan and one finalizer per snapshot, under threads too
        plan = PLANS.get(key)
        if plan is not None and plan.info() is info:
            return plan
        plan = InfoPlan(info)
        PLANS[key] = plan
        weakref.finalize(info, PLANS.pop, key, None)
    return plan
