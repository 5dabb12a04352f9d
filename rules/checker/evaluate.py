"""Will Binance accept this order? :func:`evaluate`, and the triad around it.

- :func:`evaluate` returns the whole :class:`~rules.checker.violations.Verdict`;
- :func:`iter_violations` yields every violation;
- :func:`is_valid` says yes or no;
- :func:`check` raises :class:`~rules.errors.OrderRejected` carrying the verdict.

The order is the params of an ``order.place`` request (a mapping) or an
:class:`~rules.checker.order.Order`; the changing state is an explicit
:class:`~rules.checker.context.Context`, never fetched. Every rule the order breaks is
listed (Binance answers with the first one only), in the order Binance meets
them (D53), so that ``violations[0]`` is Binance's answer: by stage (an unread
parameter ``-1104``; the other request errors, 11xx and 12xx; the API's
``-1013`` rejections: order type, Price * QTY, quote flag, symbol status, STP
mode, then the filters in exchangeInfo order; the matching engine's ``-2010``),
and within a stage in the order the checks run.

How one order is judged, check by check, is :mod:`rules.checker.judge`.

Speed: what a symbol needs (its filter checks, flags and bounds) is compiled
once per ``ExchangeInfo`` and symbol into a small plan and cached; the happy
path builds no violation and no intermediate object but the parsed order.
An order given as a dict (LIMIT, LIMIT_MAKER and their iceberg form,
STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT with a stopPrice, MARKET by quantity or
quoteOrderQty) is first tried on the fast path (:mod:`rules.checker.fastpath`),
whose per-type check is folded from the same filter checks; a context given as
a dict is read by it directly (no ``Context`` is built for an accepted order),
else by ``Context.from_mapping``. It answers
"accepted" (with what the context leaves unchecked), or ``FILTERS`` for an
order it read whole and found well-formed that a bound of the context or a
filter may reject: that one is judged by the symbol's explainer
(:mod:`rules.checker.explain`, :func:`_exceeding` for a flagged one: the context as the caller gave
it, a plain dict read as it stands, :func:`~rules.checker.context.is_plain`), or
where there is none by :func:`rules.checker.judge.judge_filters` (the context's
rules and the filters, as :func:`~rules.checker.judge.judge_order` would run
them, without the request checks it passes, and without the filter checks whose
bounds the fast check found holding: :mod:`rules.checker.suspects`); an ``icebergQty``
not below the quantity (D07) flags that answer (``EXCEEDING``), and its
``-2010`` is added where the general path lists it; so does a legal decimal
past its asset's precision (D38, D39: ``PRECISE``, the filters judge it as
read and ``check_precision``'s ``-1111`` are added first, D53). A flagged
answer's ``exceeds`` is truthy (``precise``: D38): a route that hands a
``FILTERS`` answer to the filters alone must test it. An order it declines
for one request problem the general path reports and then treats as not sent
(a missing or invalid side, a missing or untaken ``timeInForce``) is tried again with that parameter
repaired (:func:`_one_problem_verdict`); everything else is judged by
:func:`rules.checker.judge.judge_order`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Final

from rules.checker.amend import judge_amend
from rules.checker.context import Context, is_plain
from rules.checker.explain import Explainer
from rules.checker.fastpath import CONTEXT, EMPTY_CONTEXT, FastCheck
from rules.checker.fastread import FILTERS_CONTEXT, FLAG_D07, FiltersOnly, known_of, suspects_of
from rules.checker.judge import by_stage, judge_filters, judge_order
from rules.checker.kinds import ORDER_KINDS
from rules.checker.list_fast import fast_list
from rules.checker.list_rules import judge_list
from rules.checker.lists import LIST_SPECS
from rules.checker.methods import (
    COMMISSION,
    SOR_TYPES,
    commission_problem,
    method_spec,
    no_sor,
    unread_of,
    unsupported,
)
from rules.checker.order import Order, read_any, read_well_formed
from rules.checker.plans import PLANS, SIDELESS, InfoPlan, SymbolPlan, plan_of
from rules.checker.replace import judge_cancel_replace
from rules.checker.request import check_precision
from rules.checker.violations import (
    ACCEPTED,
    Verdict,
    Violation,
    either_missing,
    iceberg_exceeds,
    invalid_side,
    make_verdict,
    mandatory_missing,
    not_required,
    param_empty,
)
from rules.errors import OrderRejected
from rules.model.models import ExchangeInfo

__all__ = ["check", "evaluate", "general_verdict", "is_valid", "iter_violations"]

_EMPTY_CONTEXT: Final = EMPTY_CONTEXT
_from_mapping: Final = Context.from_mapping
#: The methods whose requests are more than one order.place: judged by their own module.
_REQUEST_JUDGES: Final = {
    "order.cancelReplace": judge_cancel_replace,  # D43
    "order.amend.keepPriority": judge_amend,  # D44
}


# --------------------------------------------------------------------------- public API


def _fast_verdict(info: ExchangeInfo, params: dict[str, Any], context: Context) -> Verdict | None:
    """The fast path's verdict (accepted, maybe with ``unchecked``); ``None`` means "not sure"."""
    info_plan = PLANS.get(id(info))
    if info_plan is None or info_plan.info() is not info:
        return None  # the first order on a snapshot builds its plan on the general path
    try:
        plan = info_plan.symbols.get(params.get("symbol"))  # type: ignore[arg-type]
        if plan is None:
            return None
        fast = plan.fast.get(params.get("type"))  # type: ignore[arg-type]
        return None if fast is None else fast(params, context)
    except (TypeError, ValueError):
        return None  # an unhashable symbol, type, side or timeInForce, an array: general path


def evaluate(
    info: ExchangeInfo,
    order: Mapping[str, object] | Order,
    context: Context | Mapping[str, Any] | None = None,
    *,
    method: str | None = None,
) -> Verdict:
    """Judge one order request against a snapshot's rules, as Binance would.

    Args:
        info: the ``exchangeInfo`` snapshot; its ``serverTime`` picks the rule era (D17).
        order: the ``order.place`` params (values: ``str``, ``int``, ``Decimal``,
            ``float`` read as its ``repr``) or an :class:`~rules.checker.order.Order`.
        context: market prices and account state: a :class:`~rules.checker.context.Context`,
            or its JSON form (camelCase keys, read by ``Context.from_mapping``);
            ``None`` is an empty context.
        method: the request (D40): ``None`` or ``"order.place"`` (the default),
            ``"order.test"`` (D41), ``"sor.order.place"``, ``"sor.order.test"``
            (D42), ``"order.cancelReplace"`` (D43: ``order`` holds the new order's
            and the cancel's params), ``"order.amend.keepPriority"`` (D44: the
            context's ``origQty`` and ``orderAmendCount`` describe the amended
            order), the order lists ``"orderList.place"`` (the deprecated OCO),
            ``".oco"``, ``".oto"``, ``".otoco"``, ``".opo"``, ``".opoco"``, whose
            violations carry their ``leg`` (D45-D51); a ``v3/`` prefix is read. A
            name that is no order request gives ``-1020`` alone (D40); each method
            reads its own parameters (D52).

    Returns:
        The verdict: ``accepted``, every violation, and the rules that apply but
        could not be evaluated for lack of context (``unchecked``). Never raises
        for a bad order: problems with the order are violations.

    >>> from rules.model.load import loads
    >>> info = loads('{"symbols": [{"symbol": "BTCUSDT", "status": "TRADING", '
    ...   '"baseAsset": "BTC", "quoteAsset": "USDT", "filters": [{"filterType": '
    ...   '"PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000", "tickSize": "0.01"}]}]}')
    >>> verdict = evaluate(info, {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT",
    ...     "timeInForce": "GTC", "price": "30000.015", "quantity": "0.001"})
    >>> verdict.accepted, verdict.violations[0].explanation
    (False, 'price 30000.015 is not a multiple of tickSize 0.01')
    """
    if context is None:
        context = _EMPTY_CONTEXT
    elif context.__class__ is dict:
        pass  # read by the fast check itself, else (below) by Context.from_mapping
    elif context.__class__ is not Context:
        context = _as_context(context)
    if method is not None and method != "order.place":
        if context.__class__ is dict:
            context = _from_mapping(context)
        return _method_verdict(info, order, context, method)  # type: ignore[arg-type]
    if type(order) is dict:
        # _fast_verdict, inlined: this is the whole cost of an accepted order.
        info_plan = PLANS.get(id(info))
        if info_plan is not None and info_plan.info() is info:
            answer = None
            fast = None
            try:
                plan = info_plan.symbols.get(order.get("symbol"))  # type: ignore[arg-type]
                if plan is not None:
                    fast = plan.fast_answers.get(order.get("type"))  # type: ignore[arg-type]
                if fast is not None:
                    answer = fast(order, context)
                    if answer.__class__ is Verdict:
                        return answer
                    if answer.__class__ is FiltersOnly:
                        # A well-formed order a filter or the context may reject: the
                        # symbol's explainer judges it, given a Context, or a dict it
                        # reads as it stands (_as_given, inlined).
                        as_dict = context.__class__ is dict
                        if not as_dict or answer is FILTERS_CONTEXT or is_plain(context):  # type: ignore[arg-type]
                            table = plan.dict_explainers if as_dict else plan.explainers  # type: ignore[union-attr]
                            name = order["type"]
                            explain = table.get(name) or plan.explainer(name, as_dict)  # type: ignore[union-attr]
                            if explain is not None:
                                # None: the explainer declines (permissions given).
                                if not answer.exceeds:
                                    verdict = explain(order, context, order["side"], True)
                                else:
                                    verdict = _exceeding(plan, order, context, answer, explain)  # type: ignore[arg-type]
                                if verdict is not None:
                                    return verdict  # type: ignore[return-value]
            except (TypeError, ValueError):
                fast = None  # an unhashable symbol, type, side or timeInForce, or an array
            mapping = context if context.__class__ is dict else None
            if mapping is not None and (fast is None or answer is not None):
                # Raises for a context it refuses; an order the fast check declined
                # (None) may need none (_one_problem_verdict builds it if it does).
                context = _from_mapping(mapping)
                mapping = None
            if fast is not None:
                try:
                    if answer is CONTEXT:
                        answer = fast(order, context)
                        if answer.__class__ is Verdict:
                            return answer
                    if answer.__class__ is FiltersOnly:
                        return _filters_verdict(info_plan, plan, fast, answer, order, context)  # type: ignore[arg-type]
                    verdict = _one_problem_verdict(
                        info_plan,
                        plan,  # type: ignore[arg-type]
                        fast,
                        order,
                        context,
                        mapping,
                    )
                    if verdict is not None:
                        return verdict
                except (TypeError, ValueError):
                    pass
    if context.__class__ is dict:
        context = _from_mapping(context)
    return _general_verdict(info, order, context)  # type: ignore[arg-type]


def _exceeding(
    plan: SymbolPlan,
    params: dict[str, Any],
    context: Context | dict[str, Any],
    answer: FiltersOnly,
    explain: Explainer,
) -> Verdict | None:
    """The verdict of a well-formed order the fast check answered with a flagged
    ``FILTERS`` (``answer.exceeds``), by the symbol's explainer (given the context as
    ``evaluate`` hands it: a ``Context``, or a dict it read as it stands,
    :func:`_as_given`), D07's ``-2010`` and D38's ``-1111`` added where the general
    path lists them (:func:`_add_exceeds`); ``None``: ``_filters_verdict`` judges it."""
    found = explain(params, context, params["side"], False)
    if found is None:
        return None
    out, unchecked = found  # type: ignore[misc]
    _add_exceeds(out, params, answer, plan, explained=True)  # D07, D38
    return make_verdict(False, tuple(out), tuple(unchecked))


def _as_given(context: dict[str, Any], answer: object) -> bool:
    """Whether the explainers read this dict context as it stands (it is plain,
    :func:`~rules.checker.context.is_plain`; a fast check that answered
    ``FILTERS_CONTEXT`` for it read it whole, as plain), else ``Context.from_mapping``
    reads it (or refuses it)."""
    return answer is FILTERS_CONTEXT or is_plain(context)


def _filters_verdict(
    info_plan: InfoPlan,
    plan: SymbolPlan,
    fast: FastCheck,
    answer: FiltersOnly,
    params: dict[str, Any],
    context: Context,
) -> Verdict:
    """The verdict of an order the fast path read whole and found well-formed
    (:data:`~rules.checker.fastpath.FILTERS`): the general path's, by the symbol's
    explainer (:mod:`rules.checker.explain`), else by
    :func:`rules.checker.judge.judge_filters`, running only the filter checks
    that may find something on it (:mod:`rules.checker.suspects`)."""
    out, unchecked = _filters_found(info_plan, plan, fast, answer, params, context)
    if not out and not unchecked:
        return ACCEPTED
    return make_verdict(not out, tuple(out), unchecked)


def _filters_found(
    info_plan: InfoPlan,
    plan: SymbolPlan,
    fast: FastCheck,
    answer: object,
    params: dict[str, Any],
    context: Context | dict[str, Any],
    dropped: tuple[str, ...] = (),
) -> tuple[list[Violation], tuple[str, ...]]:
    """What the context's rules and the filters find on a well-formed order (the fast
    check's ``answer`` to it, or to it repaired), and what they leave unchecked, as the
    general path goes on with it without the ``dropped`` parameters (D24): by the
    symbol's explainer, else by ``judge_filters``; D07's ``-2010`` and D38's ``-1111``
    added when the answer says so. A dict context is read as it stands when plain (``_as_given``),
    else by ``Context.from_mapping`` (which may raise)."""
    if context.__class__ is dict and not _as_given(context, answer):
        context = _from_mapping(context)
    explain = plan.explainer(params["type"], context.__class__ is dict)
    side = None if "side" in dropped else params["side"]
    explained = None if explain is None else explain(params, context, side, False)
    if explained is not None:
        out, found = explained  # type: ignore[misc]
        unchecked = tuple(found)
    else:
        if context.__class__ is dict:
            context = _from_mapping(context)
        order = read_well_formed(params)  # read_order's reading, without its checks
        if dropped:
            order = order.without(*dropped)
        # The answer says which bounds hold; neither repair of the one-problem path
        # changes them.
        checks = suspects_of(fast)(known_of(answer, params))
        kind = ORDER_KINDS[params["type"]]
        out, missing = judge_filters(plan, order, kind, context, info_plan.era, checks)  # type: ignore[arg-type]
        unchecked = () if missing is None else tuple(missing)
    if answer.__class__ is FiltersOnly and answer.exceeds:
        _add_exceeds(out, params, answer, plan)  # D07, D38
    return out, unchecked


def _one_problem_verdict(
    info_plan: InfoPlan,
    plan: SymbolPlan,
    fast: FastCheck,
    params: dict[str, Any],
    context: Context | dict[str, Any],
    mapping: dict[str, Any] | None = None,
) -> Verdict | None:
    """The verdict of an order the fast check declined that is well-formed but for one
    request problem the general path reports and then treats as not sent (D24): a
    missing or invalid ``side`` (``-1102``, ``-1105``, ``-1117``), a missing
    ``timeInForce`` (``-1102``), a ``timeInForce`` the type does not take (``-1106``,
    D04); ``None``: the general path judges it.

    The fast check judges the order with that one parameter repaired; if it reads
    it whole (any answer but ``None``), every other request check passes, and the
    general verdict is that problem, then what the context's rules and the filters
    find (``judge_filters``) on the order as the general path goes on with it
    (without the side; ``timeInForce`` never reaches a filter). An order the
    repaired check accepts, when the side is sound, keeps its ``unchecked``.
    ``tests/property/test_paths_properties.py`` and ``tests/test_workload.py``
    compare these verdicts with the general path's.

    ``mapping``: the caller's dict context, when ``context`` is that dict not yet
    read (``Context.from_mapping`` of it is built only if a filter must judge).
    """
    kind = ORDER_KINDS[params["type"]]
    side = params.get("side")
    time_in_force = params.get("timeInForce")
    dropped: tuple[str, ...] = ()
    if side != "BUY" and side != "SELL":
        if side is not None and side.__class__ is not str:
            return None  # read as its text first: the general path
        key: tuple[str, object, str] = ("side", side, "")
        repaired = {**params, "side": "BUY"}
        dropped = ("side",)
    elif "timeInForce" in kind.takes:
        if time_in_force is not None:
            return None  # an invalid timeInForce (or another problem)
        key = ("timeInForce", None, "")
        repaired = {**params, "timeInForce": "GTC"}
    elif time_in_force.__class__ is str and time_in_force:
        key = ("timeInForce", time_in_force, kind.name)
        repaired = {k: v for k, v in params.items() if k != "timeInForce"}
        dropped = ("time_in_force",)
    else:
        return None
    problem = _PROBLEMS.get(key) or _problem(key)
    # The caller's dict, when it gave one, is read by the fast check directly.
    answer = fast(repaired, context if mapping is None else mapping)
    if answer is CONTEXT:
        if mapping is not None:
            context = _from_mapping(mapping)
            mapping = None
        answer = fast(repaired, context)
    if answer is None:
        return None  # another problem too
    if answer.__class__ is not FiltersOnly:
        if dropped != ("side",):
            # Accepted once repaired, and the repair changes no filter: that problem alone.
            return make_verdict(False, (problem,), answer.unchecked)  # type: ignore[union-attr]
        # Accepted once repaired with side BUY: every bound of the order holds, and so
        # does every rule of the context (none depends on the side but the price bands,
        # which judge no order without a side, D24). What is left unchecked without the
        # side depends then only on this answer (its unchecked rules): judged in full
        # once per answer, then reused.
        # Keyed by the answer's identity (hashing a Verdict is a Python call); the
        # entry holds the answer, so that its id is not reused while it is kept.
        seen = plan.sideless.get((fast, id(answer)))
        if seen is not None and seen[0] is answer:
            return make_verdict(False, (problem,), seen[1])
    # A dict context not yet read is read by _filters_found (as it stands when plain).
    given = context if mapping is None else mapping
    out, unchecked = _filters_found(info_plan, plan, fast, answer, params, given, dropped)
    if not out:
        if answer.__class__ is not FiltersOnly and len(plan.sideless) < SIDELESS:
            plan.sideless[fast, id(answer)] = (answer, unchecked)
        return make_verdict(False, (problem,), unchecked)
    out.insert(0, problem)  # a request error: before every violation the filters find (D53)
    return make_verdict(False, tuple(by_stage(out)), unchecked)


#: The request problems of ``_one_problem_verdict``, by (parameter, value, order type):
#: a violation is a value, built once (at most ``_MOST_PROBLEMS``: values come from
#: the input).
_PROBLEMS: dict[tuple[str, object, str], Violation] = {}
_MOST_PROBLEMS: Final = 256


def _problem(key: tuple[str, object, str]) -> Violation:
    """The violation of one request problem (``_PROBLEMS``' key), built and kept."""
    name, value, order_type = key
    if name == "side":
        if value is None:
            problem = mandatory_missing("side")  # D03
        elif value == "":
            problem = param_empty("side")  # D29
        else:
            problem = invalid_side(value)
    elif value is None:
        problem = mandatory_missing(name)
    else:
        problem = not_required(name, value, order_type)  # D04
    if len(_PROBLEMS) < _MOST_PROBLEMS:
        _PROBLEMS[key] = problem
    return problem


def _add_exceeds(
    out: list[Violation],
    params: dict[str, Any],
    answer: FiltersOnly,
    plan: SymbolPlan,
    explained: bool = False,
) -> None:
    """The request checks a flagged answer says the order does not pass, added to what
    ``judge_filters`` found (or the explainer), where the general path lists them:
    D07's ``-2010`` (an ``icebergQty`` not below the quantity: a fast check's
    :data:`~rules.checker.fastread.EXCEEDING` answer), and ``check_precision``'s
    ``-1111`` (D38: a :data:`~rules.checker.fastread.PRECISE` answer). ``check_type``
    and ``check_precision`` append them before every check ``judge_filters`` runs,
    then all are listed by stage (D53). ``explained``: ``out`` is an explainer's, whose
    violations are all ``-1013`` (``Source.fail``): the ``-1111``s go before them, the
    ``-2010`` after them, without sorting."""
    found: list[Violation] = []
    if answer.exceeds & FLAG_D07:
        # The strings were read whole by the fast check: Decimal(text) is their reading.
        found.append(iceberg_exceeds(Decimal(params["icebergQty"]), Decimal(params["quantity"])))
        if explained:
            out.append(found.pop())  # after every -1013
    if answer.precise:
        check_precision(read_well_formed(params), plan, plan.era, found)
    out[:0] = found
    if not explained:
        by_stage(out)  # a -2010 of judge_filters (permissions, D19) after D07's


def _as_context(context: object) -> Context:
    if isinstance(context, Context):
        return context
    if isinstance(context, Mapping):
        return Context.from_mapping(context)
    raise TypeError(f"context: expected a Context, a mapping or None, got {context!r}")


def _general_verdict(
    info: ExchangeInfo, order: Mapping[str, object] | Order, context: Context
) -> Verdict:
    """:func:`evaluate` without the fast path (tests compare the two)."""
    out, unchecked = judge_order(info, read_any(order), context)
    if not out and unchecked is None:
        return ACCEPTED
    return make_verdict(not out, tuple(out), tuple(unchecked or ()))


def _method_verdict(
    info: ExchangeInfo, order: Mapping[str, object] | Order, context: Context, method: object
) -> Verdict:
    """The verdict of a request of another method than ``order.place`` (D40-D42, D52)."""
    spec = method_spec(method)
    if spec is None:
        return Verdict(False, (unsupported(method),))  # D40: nothing else is checked
    params = order.to_params() if isinstance(order, Order) else order
    if spec.name == "order.place" or not isinstance(params, Mapping):
        return evaluate(info, params, context)
    own = _REQUEST_JUDGES.get(spec.name)
    if own is not None:
        return own(info, params, context)
    if spec.order_list:
        fast = fast_list(info, params, context, LIST_SPECS[spec.name])  # accepted only
        if fast is not None:
            return fast
    out: list[Violation] = []
    unread, kept = unread_of(spec, params)  # D52: one -1104, the names then ignored
    if unread is not None:
        out.append(unread)
    if spec.test:
        problem = commission_problem(params)
        if problem is not None:
            out.append(problem)  # D41
    kept.pop(COMMISSION, None)
    if spec.order_list:
        return judge_list(info, kept, context, LIST_SPECS[spec.name], out)  # D45-D51
    if not out and not spec.sor:
        return evaluate(info, kept, context)  # judged as its place method (D41)
    parsed = read_any(kept)
    if spec.sor and parsed.symbol_problem is None:
        symbol = parsed.symbol
        if isinstance(symbol, str) and plan_of(info).symbol(info, symbol) is not None:
            problem = no_sor(info, symbol)
            if problem is not None:
                out.append(problem)  # D42: before the other -1013 (D53)
            elif not out and kept.get("type") in SOR_TYPES:
                fast = _fast_verdict(info, kept, context)  # "accepted" only
                if fast is not None:
                    return fast
    found, unchecked = judge_order(info, parsed, context, SOR_TYPES if spec.sor else None)
    if spec.sor:
        # D42: quoteOrderQty is not SOR's: a MARKET order needs quantity itself.
        either = either_missing("quantity", "quoteOrderQty")
        found = [mandatory_missing("quantity") if v == either else v for v in found]
    out.extend(found)
    by_stage(out)
    if not out and unchecked is None:
        return ACCEPTED
    return Verdict(not out, tuple(out), tuple(unchecked or ()))


def iter_violations(
    info: ExchangeInfo,
    order: Mapping[str, object] | Order,
    context: Context | Mapping[str, Any] | None = None,
    *,
    method: str | None = None,
) -> Iterator[Violation]:
    """Every violation of the order (see :func:`evaluate`); ``unchecked`` is not included."""
    yield from evaluate(info, order, context, method=method).violations


def is_valid(
    info: ExchangeInfo,
    order: Mapping[str, object] | Order,
    context: Context | Mapping[str, Any] | None = None,
    *,
    method: str | None = None,
) -> bool:
    """Whether the order has no violation (D27: unchecked rules do not reject)."""
    return evaluate(info, order, context, method=method).accepted


def check(
    info: ExchangeInfo,
    order: Mapping[str, object] | Order,
    context: Context | Mapping[str, Any] | None = None,
    *,
    method: str | None = None,
) -> None:
    """Return quietly if Binance would accept the order; raise otherwise.

    Raises:
        OrderRejected: the order breaks at least one rule; ``.verdict`` holds them all.
    """
    verdict = evaluate(info, order, context, method=method)
    if not verdict.accepted:
        raise OrderRejected(verdict)


def general_verdict(
    info: ExchangeInfo, order: Mapping[str, object], context: Context | None = None
) -> Verdict:
    """:func:`evaluate`'s verdict of an ``order.place`` request, on the general path
    alone: the same verdict (tests/property/test_fastpath_properties.py), without
    compiling the symbol's fast checks for a type, which pays for a caller that judges
    one order per kind of order (:mod:`rules.batch`: one row per class)."""
    return _general_verdict(info, order, _EMPTY_CONTEXT if context is None else context)
