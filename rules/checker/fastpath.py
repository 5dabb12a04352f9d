"""The checker's fast path: the verdict of an order that passes, in a few microseconds.

For each symbol and each order type it can judge, :func:`compile_fast_check`
builds one small function from the symbol's filters (:func:`fast_shape`),
written once per layout of tests and made with the symbol's numbers
(:mod:`rules.checker.fastcode`):

- LIMIT and LIMIT_MAKER with ``price`` and ``quantity``, and the iceberg form
  with ``icebergQty`` (D06-D08, D14, D22);
- STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT with a ``stopPrice``;
- MARKET by ``quantity`` or by ``quoteOrderQty`` (D10, D11, D22;
  :mod:`rules.checker.fastmarket`);

each as plain strings with a BUY or SELL side, without trailing delta, peg,
STP mode or strategy. It answers with the general path's own verdict when the
general path (:func:`rules.checker.judge.judge_order`) would find no
violation: ``ACCEPTED``, or accepted with the rules the context leaves
``unchecked`` (a context without ``avgPrice``, a count or known permissions:
what a context's set of fields implies is worked out once per set,
:mod:`rules.checker.fastcontext`, and the verdict once per set of unchecked
rules). An order it has read whole (shape, side, ``timeInForce``, every
string well-formed within its precision, D38; price × quantity above zero,
D37) that breaks a bound gets :data:`FILTERS` (one whose ``icebergQty`` is not
below the quantity, D07, the same answer flagged, ``EXCEEDING``: ``evaluate``
adds the ``-2010``; one with a legal decimal past its precision, D38, flagged
``PRECISE``: ``evaluate`` adds the ``-1111``, the filters judge the value as
read): only the context's rules and the filters can reject it, and
:func:`rules.checker.judge.judge_filters` judges and explains it without the
request checks; the answer also says which groups of the order's bounds the
check found holding before it stopped (``FILTERS_PRICE`` ... ``FILTERS_CONTEXT``),
whose filter checks need not run again (:mod:`rules.checker.suspects`).
Anything else returns ``None`` and the general path judges the order. The fast
path itself never builds a violation and never words one.

The context may be a ``Context`` or, as callers have it, a dict: a dict is read
directly, by a judge written once per key tuple from what it implies, worked out
like a ``Context``'s set of fields, without building a ``Context``
(the reading :func:`~rules.checker.fastcontext.dict_reader` states:
plain decimal strings and int counts, the values ``Context.from_mapping`` reads
on its common paths); any other dict gets :data:`CONTEXT` ("ask again with
``Context.from_mapping`` of it"), after the order alone has been judged
(``tests/property/test_dict_context_properties.py``).

Where the rules come from, so the two paths cannot drift apart unnoticed:

- the filters: each filter's check in :data:`~rules.checker.filters.FILTER_CHECKS` has a
  *fold*, written next to it, that states the same rule as bounds; a check
  without a fold (an unknown filter, D25) or a fold that declines (an old-era
  grid from a minimum off the grid, D17; an active MAX_POSITION) leaves the
  symbol without a fast path;
- the reading: a numeric string is taken only if it matches Binance's own
  legal range :data:`rules.checker.order.DECIMAL_RANGE`, the set of strings
  :func:`rules.checker.order.read_decimal` accepts; any other value (a number, a
  ``Decimal``) takes the general path; one with more decimals than its asset's
  precision (``-1111``, D38) is no accepted order, but one the filters judge
  (``PRECISE``); a parameter other than the ones read
  here is accepted only if order.place reads it and no rule judges it
  (``newClientOrderId``, ``timestamp``, ...; not ``""``): any other name gets
  ``-1104`` (D52);
- ``tests/property/test_fastpath_properties.py`` generates many orders, most
  near the boundaries of real snapshots' filters, and asserts that
  :func:`rules.checker.evaluate.evaluate` gives exactly the general path's verdict.

Arithmetic is the general path's own: :func:`rules.model.numbers.is_multiple` for
grids (exact at any length) and ``PRODUCT.multiply`` for products (exact at
``MAX_PREC``); everything else is a comparison, which is exact without a context.
A grid of a power of ten (``0.01``, ``0.00001000``) is tested on the string
instead, by the same pattern that reads it (:func:`grid_pattern`). Before any
``Decimal`` is made, a float test settles each bound that holds with room to
spare (:func:`~rules.checker.fastread.at_least`: a proof, never a guess, D32); a
value at or near a bound is tested exactly, as above.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, Final

from rules.checker.bounds import fast_shape, fold_bounds
from rules.checker.checks import PRODUCT, Check
from rules.checker.context import Context
from rules.checker.eras import Era, market_price_field
from rules.checker.fastcode import (
    COMMON,
    JUDGE_COMMON,
    asks_context,
    context_judge_source,
    make,
    priced_source,
)
from rules.checker.fastcontext import Account, dict_reader, shape_cache
from rules.checker.fastmarket import market_check
from rules.checker.fastread import (
    CONTEXT,
    DICT_SHAPES,
    EMPTY_CONTEXT,
    EXCEEDING,
    FILTERS,
    FILTERS_NOTIONAL,
    FILTERS_PARTS,
    FILTERS_PRICE,
    FILTERS_QUANTITY,
    PRECISE,
    AcceptedCheck,
    ContextWanted,
    FastCheck,
    FiltersOnly,
    accepted_only,
    at_least,
    at_most,
    attach_suspects,
    compiled,
    grid_pattern,
    most_places,
)
from rules.checker.kinds import OrderKind
from rules.checker.violations import Verdict
from rules.model.models import Filter, SymbolInfo

__all__ = [
    "CONTEXT",
    "EMPTY_CONTEXT",
    "FILTERS",
    "AcceptedCheck",
    "ContextWanted",
    "FastCheck",
    "FiltersOnly",
    "accepted_only",
    "compile_fast_check",
    "fast_shape",
    "grid_pattern",
]


_TIME_IN_FORCE: Final = frozenset({"GTC", "IOC", "FOK"})
#: What one context allows one side: the price interval of every price rule
#: (lowest, highest) as floats (a strict comparison with them is a proof:
#: :mod:`rules.checker.fastread`) and exactly, and the verdict of an order that
#: passes every bound (``ACCEPTED`` or accepted with ``unchecked``).
_Allowed = tuple[float, float, Decimal, Decimal, Verdict]
#: What a context's set of given fields implies for one fast check (once per set):
#: the counters it gives ``(attribute, maximum)``, the priced bands of a BUY and of a
#: SELL ``(field of the market price, up or None, down)``, the verdict of an order
#: that passes, the unpriced bands.
_Shape = tuple[
    tuple[tuple[str, int], ...],
    tuple[tuple[str, Decimal | None, Decimal], ...],
    tuple[tuple[str, Decimal | None, Decimal], ...],
    Verdict,
    list[tuple[int, str]],
]
#: The same for an iceberg order: the counters given, the verdict of one that passes.
_IcebergShape = tuple[tuple[tuple[str, int], ...], Verdict]


def compile_fast_check(
    symbol: SymbolInfo, checks: Iterable[tuple[Check, Filter]], kind: OrderKind, era: Era
) -> FastCheck | None:
    """The fast check of ``kind`` orders on ``symbol``, or ``None`` if there is none.

    The caller has already made sure the symbol is TRADING and has the type
    enabled (D01, D02): the symbol-level rules that do not depend on the order.
    """
    shape = fast_shape(kind)
    if shape is None:
        return None
    checks = tuple(checks)
    bounds = fold_bounds(checks, kind, era)
    if bounds is None:
        return None
    if shape == "market":
        market = market_check(symbol, bounds, era)
        attach_suspects(market, checks, kind, era)
        return market
    stop = shape == "stop"
    needs_tif = any(group == ("timeInForce",) for group in kind.mandatory)
    taken = frozenset(
        {"symbol", "side", "type", "price", "quantity"}
        | ({"timeInForce"} if needs_tif else set())
        | ({"stopPrice"} if stop else set())
    )
    size = len(taken)
    # An iceberg LIMIT or LIMIT_MAKER (D06-D08, D14, D22): icebergQty too.
    icebergs = shape == "limit" and symbol.iceberg_allowed is not False
    # The strings are read by one pattern, "price,quantity[,stopPrice]" (a comma
    # is in none); a power-of-ten grid is tested on the string (grid_pattern), any
    # other step by an exact remainder. The stopPrice is on PRICE_FILTER's grid
    # and within its bounds, not the bands' (D13: those judge the limit price).
    # D38, D39: no more decimals (as sent) than the asset's precision, else -1111.
    quote_places = symbol.quote_places
    price_pattern, tick = grid_pattern(bounds.price_step, most_places(quote_places))
    quantity_pattern, step = grid_pattern(
        bounds.quantity_step, most_places(symbol.base_asset_precision)
    )
    readable = compiled(
        f"{price_pattern},{quantity_pattern}" + (f",{price_pattern}" if stop else "")
    ).fullmatch
    # The same strings off the grid too: well-formed, judged by the filters (FILTERS).
    loose_price = grid_pattern(None, most_places(quote_places))[0]
    loose_quantity = grid_pattern(None, most_places(symbol.base_asset_precision))[0]
    well_formed = compiled(
        f"{loose_price},{loose_quantity}" + (f",{loose_price}" if stop else "")
    ).fullmatch
    quantity_well_formed = compiled(loose_quantity).fullmatch
    # The same strings past their precision too: legal decimals (DECIMAL_RANGE's, as
    # read_decimal reads them), judged by the filters as read, with -1111 (PRECISE).
    legal_decimal = grid_pattern(None)[0]
    legal = compiled(",".join([legal_decimal] * (3 if stop else 2))).fullmatch
    legal_quantity = compiled(legal_decimal).fullmatch
    price_low, price_high = bounds.price_low, bounds.price_high
    multiply = PRODUCT.multiply
    band_names = bounds.band_names

    bands = tuple(zip(bounds.bands, band_names, strict=True))
    account = Account(symbol, bounds)
    iceberg_account = Account(symbol, bounds, iceberg=True) if icebergs else account

    def shape_of(context: Context) -> _Shape | None:
        """What the context's set of given fields implies (``shape_cache``)."""
        judged = account.unchecked(context)  # not the counts' values: kept per shape
        if judged is None:
            return None
        unknown, missing = judged
        # Each priced band per side: (field of the market price, up, down); an up of
        # 0 is no upper bound (D12).
        buy: list[tuple[str, Decimal | None, Decimal]] = []
        sell: list[tuple[str, Decimal | None, Decimal]] = []
        unpriced: list[tuple[int, str]] = []
        for band, name in bands:
            field = market_price_field(band[0], context, era)
            if getattr(context, field) is None:
                unpriced.append(name)  # D18: unchecked
            else:
                buy.append((field, band[1] or None, band[2]))
                sell.append((field, band[3] or None, band[4]))
        verdict = account.verdict(unknown, [*(missing or ()), *unpriced] if unpriced else missing)
        return account.given(context), tuple(buy), tuple(sell), verdict, unpriced

    shapes: dict[object, _Shape | None] = {}

    def allowed(context: Context, side: str) -> _Allowed | None:
        """What the context allows this side: the price interval of every price rule,
        as floats for the certified test and exactly, and the verdict of an order that
        passes; ``None``: a rule of the context is broken (a counter full, D15; not
        permitted, D19)."""
        shape = shape_cache(shapes, shape_of, context)
        if shape is None:
            return None
        given, buy, sell, verdict, _ = shape
        for attribute, maximum in given:
            if getattr(context, attribute) + 1 > maximum:
                return None  # a violation (D15)
        low, high = price_low, price_high
        for field, up, down in buy if side == "BUY" else sell:
            reference = getattr(context, field)
            if up is not None:
                bound = multiply(reference, up)
                if bound < high:
                    high = bound
            bound = multiply(reference, down)
            if bound > low:
                low = bound
        # float() of an exact bound: a strict comparison with it is a proof (fastread).
        return float(low), float(high), low, high, verdict

    def iceberg_shape_of(context: Context) -> _IcebergShape | None:
        """What the context's set of given fields implies for an iceberg order
        (``shape_cache``): the counters it gives, and the verdict of one that passes."""
        judged = iceberg_account.unchecked(context)
        shape = shape_cache(shapes, shape_of, context)
        if judged is None or shape is None:
            return None
        unpriced = shape[4]
        verdict = iceberg_account.verdict(judged[0], [*(judged[1] or ()), *unpriced])
        return iceberg_account.given(context), verdict

    iceberg_shapes: dict[object, _IcebergShape | None] = {}

    def iceberg_verdict(context: Context) -> Verdict | None:
        """The verdict of an iceberg order that passes every bound (it also counts in
        the iceberg counters, D08, D15); ``None``: ask the general path."""
        shape = shape_cache(iceberg_shapes, iceberg_shape_of, context)
        if shape is None:
            return None
        for attribute, maximum in shape[0]:
            if getattr(context, attribute) + 1 > maximum:
                return None  # a violation (D15)
        return shape[1]

    judges: dict[tuple[str, ...], Callable[..., Any]] = {}

    def judge_for(keys: tuple[str, ...]) -> Callable[..., Any]:
        """The judge of a dict context with these keys, once per key tuple: it reads
        the values (as :func:`dict_reader` says), compares the counts it gives with
        their maximum and the price with each priced band of the order's side, and
        answers the verdict of an order that passes, ``FILTERS_CONTEXT``, or
        ``CONTEXT`` (a value or key it does not read: read it as a ``Context``)."""
        if len(judges) >= DICT_SHAPES:
            return asks_context  # full (keys come from the input): read as a Context
        reader = dict_reader(keys)
        shape = None if reader is None else shape_of(reader[2])
        judge: Callable[..., Any] = asks_context
        if reader is not None and shape is not None:
            reads, at, sample = reader
            given, buy, sell, verdict, _ = shape
            iceberg = iceberg_shape_of(sample) if icebergs else None
            iceberg_given = () if iceberg is None else iceberg[0]
            sides = (buy, sell)
            source = context_judge_source(
                reads,
                tuple(at[attribute] for attribute, _ in given),
                tuple(tuple((at[field], up is not None) for field, up, _ in s) for s in sides),
                tuple(at[attribute] for attribute, _ in iceberg_given) if icebergs else None,
                None,
            )
            judge = make(source)(
                **JUDGE_COMMON,
                COUNT_MAX=tuple(maximum for _, maximum in given),
                UP=tuple(tuple(up for _, up, _ in s) for s in sides),
                UP_F=tuple(tuple(up and at_most(up) for _, up, _ in s) for s in sides),
                DOWN=tuple(tuple(down for _, _, down in s) for s in sides),
                DOWN_F=tuple(tuple(at_least(down) for _, _, down in s) for s in sides),
                VERDICT=verdict,
                ICEBERG_MAX=tuple(maximum for _, maximum in iceberg_given),
                ICEBERG_VERDICT=None if iceberg is None else iceberg[1],
                LOW=None,
                LOW_F=None,
                HIGH=None,
                HIGH_F=None,
                BY_QUOTE=None,
                BY_QUANTITY=None,
            )
        if len(judges) < DICT_SHAPES:
            judges[keys] = judge
        return judge

    def by_filters(
        price_text: str, quantity_text: str, iceberg_text: object, answer: FiltersOnly = FILTERS
    ) -> FiltersOnly | None:
        """``answer`` (``FILTERS``, or one saying which bounds were found holding) for
        well-formed strings (matched by ``well_formed``, or by ``legal`` when ``answer``
        is a :data:`~rules.checker.fastread.PRECISE` one) unless a request check judges
        the numbers: D37 (price × quantity above zero: ``None`` then, for the general
        path); D07 (an ``icebergQty`` below the quantity: else ``answer``'s
        :data:`~rules.checker.fastread.EXCEEDING` form; ``None`` for a ``PRECISE``
        answer, D07 and D38 together being the general path's); D38 (an
        ``icebergQty`` past its precision: ``answer``'s ``PRECISE`` form). A zero
        ``icebergQty`` (D08: no iceberg) is the general path's too."""
        # D37 on the strings' floats: a legal string (at most 20 digits each side) is
        # 0 exactly when its float is (none is below 1e-20), and the product of two of
        # them is above zero exactly when neither is zero.
        if not float(price_text) or not float(quantity_text):
            return None  # D37
        if iceberg_text is not None:
            if type(iceberg_text) is not str:
                return None
            if quantity_well_formed(iceberg_text) is None:
                if legal_quantity(iceberg_text) is None:
                    return None
                answer = PRECISE[answer.known]  # D38
            # On the floats first, as the check's own iceberg tests: a legal string
            # is 0 exactly when its float is, and rounding to floats keeps order, so
            # a float below the quantity's says the icebergQty is below it.
            iceberg = float(iceberg_text)
            if not iceberg:
                return None  # a zero icebergQty
            if not iceberg < float(quantity_text) and (
                Decimal(iceberg_text) >= Decimal(quantity_text)
            ):
                return None if answer.precise else EXCEEDING[answer.known]  # D07
        return answer

    # The check itself: written once per layout (fastcode), made with this
    # symbol's numbers. The order alone first (its shape, its strings, the static
    # bounds), so that most rejections leave before the context is looked at; then
    # the context. Past the shape and the reading, a failed bound is FILTERS
    # (by_filters), or one saying which bounds were found holding: the stopPrice's
    # and the price's (FILTERS_PRICE past them), the quantity's, the notional's
    # (a positive minimum says D37's price × quantity > 0; without one, a zero
    # product is the general path's), then an icebergQty's: LOT_SIZE judges it as
    # it does quantity (D08), it must be above 0 (else the general path's) and below
    # the quantity (D07: else an EXCEEDING answer, the filters judged and the -2010
    # added by evaluate), and CEIL(quantity / icebergQty) <= limit is quantity <=
    # limit × icebergQty (D14).
    # Then the context: counters (D15), the bands of the order's side (D13, D18),
    # an iceberg's own counters.
    parts = bounds.iceberg_parts
    source = priced_source(
        stop,
        icebergs,
        needs_tif,
        tick is not None,
        step is not None,
        parts is not None,
        bounds.notional_low > 0,  # D37 wants price × quantity > 0; a minimum says so
    )
    fast_check: FastCheck = make(source)(
        **COMMON,
        judges=judges,
        judge_for=judge_for,
        SIZE=size,
        TAKEN=taken,
        TAKEN_ICEBERG=taken | {"icebergQty"},
        TIF=_TIME_IN_FORCE,
        readable=readable,
        well_formed=well_formed,
        price_readable=compiled(price_pattern).fullmatch,
        quantity_readable=compiled(quantity_pattern).fullmatch,
        by_filters=by_filters,
        legal=legal,
        allowed=allowed,
        iceberg_verdict=iceberg_verdict,
        PL=price_low,
        PH=price_high,
        PL_F=float(price_low),
        PH_F=float(price_high),
        QL=bounds.quantity_low,
        QH=bounds.quantity_high,
        QL_F=float(bounds.quantity_low),
        QH_F=float(bounds.quantity_high),
        NL=bounds.notional_low,
        NH=bounds.notional_high,
        NL_F=at_least(bounds.notional_low),
        NH_F=at_most(bounds.notional_high),
        TICK=tick,
        STEP=step,
        PARTS=parts,
        PARTS_F=None if parts is None else at_most(Decimal(parts)),
        FILTERS_PRICE=FILTERS_PRICE,
        FILTERS_QUANTITY=FILTERS_QUANTITY,
        FILTERS_NOTIONAL=FILTERS_NOTIONAL,
        FILTERS_PARTS=FILTERS_PARTS,
        FILTERS_EXCEEDS=EXCEEDING[FILTERS_NOTIONAL.known],
        FILTERS_PRECISE=PRECISE[0],
    )
    attach_suspects(fast_check, checks, kind, era)
    return fast_check
