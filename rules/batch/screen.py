"""The screen: which rows of a table are surely accepted, on whole columns at once.

For each (symbol, type) of the table whose symbol plan has a fast check
(:mod:`rules.checker.fastpath`: a TRADING symbol, an enabled LIMIT or LIMIT_MAKER,
filters that all fold), the screen takes the same folded bounds
(:func:`rules.checker.fastpath.fold_bounds`) and tests, per row, what the fast
check tests (and nothing it does not):

- the row's shape: ``side`` BUY or SELL, ``timeInForce`` GTC/IOC/FOK where the type
  takes it (null where it does not), ``price`` and ``quantity`` strings of
  :data:`~rules.checker.order.DECIMAL_RANGE` with no more decimals as written than
  the asset's precision (D38, D39), every other parameter column null
  (``newClientOrderId`` may be a non-empty string, a name order.place reads and
  never judges anything but ``""``; any other name is ``-1104``, D52);
- the context: no ``permissions``; every counter given and below its maximum;
  every context value one :meth:`Context.from_mapping` reads;
- the grids and the price and quantity bounds, exactly: the value scaled to an
  int64 by the step's places (``price × 10**places``; a value that does not fit,
  or has digits past the step's places that are not zeros, is not screened), the
  bounds scaled and rounded inward;
- the products (notional, the percent bands times the market price), and the
  bounds of a value without a grid, in float64 *with a margin* (:data:`MARGIN`, far above float64's
  rounding of a parse or a product): a row within the margin of a bound is not
  screened.

A row the screen does not accept is judged by ``evaluate``; the screen never
rejects. ``tests/test_batch.py`` checks ``screen ⊆ evaluate's accepted`` on the
public vectors and on ``rules.testing``'s orders.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.checker.bounds import INFINITY, AcceptBounds
from rules.checker.context import CONTEXT_KEYS
from rules.checker.eras import Era
from rules.checker.fastpath import fold_bounds
from rules.checker.kinds import ORDER_KINDS
from rules.checker.order import DECIMAL_RANGE, READ_NOT_JUDGED
from rules.checker.plans import plan_of
from rules.model.models import ExchangeInfo

__all__ = ["CONTEXT_COLUMNS", "MARGIN", "screen"]

#: The context columns: the context keys (camelCase).
CONTEXT_COLUMNS: Final = CONTEXT_KEYS
#: Relative margin of the float comparisons: a parse is within 2**-53 of the
#: decimal, a product of two within 2**-52; 1e-9 leaves a million times that.
MARGIN: Final = 1e-9
#: Largest int64 digits for a scaled value (10**18 < 2**63).
_MAX_DIGITS: Final = 18
_TIME_IN_FORCE: Final = ("GTC", "IOC", "FOK")
#: A price or position the context reads from a string (Context.from_mapping).
_PLAIN_NON_NEGATIVE: Final = r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$"
_PARTS: Final = r"^(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]*))?$"


def screen(body: pa.Table, info: ExchangeInfo) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``body`` that ``evaluate`` surely accepts (a boolean mask), and the
    *classes* of the rows that pass every bound whose context is given but lack a
    market price or a count some rule needs (``-1`` for the others).

    Rows of one class share the symbol, the type and which context columns are null,
    so ``evaluate`` gives them one verdict: accepted, with the same rules unchecked
    (D15, D18: a rule whose context is missing is unchecked whatever the price). The
    caller judges one row per class with ``evaluate`` and gives its verdict to the
    class only if that verdict has no violation; otherwise each row is judged.
    """
    n = body.num_rows
    sure = np.zeros(n, dtype=bool)
    classes = np.full(n, -1, dtype=np.int64)
    names = set(body.column_names)
    if not {"symbol", "type", "side", "price", "quantity"} <= names:
        return sure, classes
    columns = {name: _string(body[name]) for name in ("symbol", "type", "side", "price")}
    columns["quantity"] = _string(body["quantity"])
    if any(c is None for c in columns.values()):
        return sure, classes
    base = _rows_of_simple_shape(body, columns, n)
    if base is None or not base.any():
        return sure, classes
    context_ok, references = _context(body, n)
    if context_ok is None:
        return sure, classes
    base &= context_ok
    # Which context columns are null, as bits: the class of a row, with its group.
    missing = np.zeros(n, dtype=np.int64)
    context_names = sorted(k for k in body.column_names if k in CONTEXT_COLUMNS)
    for bit, key in enumerate(context_names):
        missing |= _null(body[key], n).astype(np.int64) << bit
    shift = len(context_names)
    price_f = _floats(columns["price"])
    quantity_f = _floats(columns["quantity"])
    side = columns["side"]
    buy = _equals(side, "BUY")
    tif = body["timeInForce"] if "timeInForce" in names else None
    tif_ok = _is_in(tif, _TIME_IN_FORCE, n) if tif is not None else np.zeros(n, dtype=bool)
    tif_null = _null(tif, n) if tif is not None else np.ones(n, dtype=bool)

    info_plan = plan_of(info)
    era = info_plan.era
    symbols = pc.dictionary_encode(columns["symbol"])
    types = pc.dictionary_encode(columns["type"])
    symbol_codes = _codes(symbols)
    type_codes = _codes(types)
    type_names = types.dictionary.to_pylist()
    for s, symbol in enumerate(symbols.dictionary.to_pylist()):
        plan = info_plan.symbol(info, symbol)
        if plan is None:
            continue
        for t, type_name in enumerate(type_names):
            if type_name not in plan.fast:
                continue
            kind = ORDER_KINDS[type_name]
            bounds = fold_bounds(plan.checks, kind, era)
            if bounds is None:  # pragma: no cover - plan.fast holds only what folds
                continue
            rows = np.flatnonzero((symbol_codes == s) & (type_codes == t) & base)
            if not len(rows):
                continue
            needs_tif = any(group == ("timeInForce",) for group in kind.mandatory)
            shaped = (tif_ok if needs_tif else tif_null)[rows]
            quote_places = plan.symbol.quote_places
            shaped &= _at_most_places(columns["price"], rows, quote_places)
            shaped &= _at_most_places(columns["quantity"], rows, plan.symbol.base_asset_precision)
            ok, lenient = _bounds_hold(
                bounds,
                era,
                rows,
                price_f,
                quantity_f,
                buy,
                references,
                body,
                columns["price"],
                columns["quantity"],
            )
            ok &= shaped
            lenient &= shaped
            sure[rows[ok]] = True
            group = s * len(type_names) + t
            classes[rows[lenient]] = (group << shift) | missing[rows[lenient]]
    return sure, classes


# --------------------------------------------------------------------------- per group


def _bounds_hold(
    bounds: AcceptBounds,
    era: Era,
    rows: np.ndarray,
    price_f: np.ndarray,
    quantity_f: np.ndarray,
    buy: np.ndarray,
    references: dict[str, np.ndarray],
    body: pa.Table,
    price: pa.Array,
    quantity: pa.Array,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row: every bound holds (certain); every bound whose context is given holds,
    some context missing (lenient: the rule that needs it is unchecked)."""
    p = price_f[rows]
    q = quantity_f[rows]
    ok = np.ones(len(rows), dtype=bool)
    if bounds.price_step is None:  # no grid, no scale: the bounds with a margin
        ok &= _within(p, bounds.price_low, bounds.price_high)
    if bounds.quantity_step is None:
        ok &= _within(q, bounds.quantity_low, bounds.quantity_high)
    notional = p * q
    if bounds.notional_low > 0:
        ok &= notional >= float(bounds.notional_low) * (1 + MARGIN)
    else:
        ok &= notional > 0
    if bounds.notional_high != INFINITY:
        ok &= notional <= float(bounds.notional_high) * (1 - MARGIN)
    given = np.ones(len(rows), dtype=bool)  # every context value a rule needs is given
    for attribute, maximum in bounds.counters:
        counts = references.get(_camel(attribute))
        if counts is None:  # no such column: not given
            given[:] = False
            continue
        present = ~np.isnan(counts[rows])
        given &= present
        ok &= ~present | (counts[rows] + 1 <= maximum)
    is_buy = buy[rows]
    for mins, bid_up, bid_down, ask_up, ask_down in bounds.bands:
        reference = _market_price(mins, era, references, rows)
        present = ~np.isnan(reference)
        given &= present
        up = np.where(is_buy, float(bid_up), float(ask_up))
        down = np.where(is_buy, float(bid_down), float(ask_down))
        within = p >= reference * down * (1 + MARGIN)
        no_up = np.where(is_buy, not bid_up, not ask_up)
        within &= no_up | (p <= reference * up * (1 - MARGIN))
        ok &= ~present | within
    if bounds.price_step is not None and ok.any():
        ok &= _on_grid_within(price, rows, bounds.price_step, bounds.price_low, bounds.price_high)
    if bounds.quantity_step is not None and ok.any():
        ok &= _on_grid_within(
            quantity, rows, bounds.quantity_step, bounds.quantity_low, bounds.quantity_high
        )
    return ok & given, ok & ~given


def _within(values: np.ndarray, low: Decimal, high: Decimal) -> np.ndarray:
    ok = values >= float(low) * (1 + MARGIN) if low > 0 else values >= 0
    if high != INFINITY:
        ok &= values <= float(high) * (1 - MARGIN)
    return ok


def _market_price(
    mins: int | None, era: Era, references: dict[str, np.ndarray], rows: np.ndarray
) -> np.ndarray:
    """The market price per row as :func:`rules.checker.eras.market_price` picks it; NaN: none."""
    fallback_key = "lastPrice" if mins == 0 else "avgPrice"
    nothing = np.full(len(rows), np.nan)
    fallback = references[fallback_key][rows] if fallback_key in references else nothing
    if era.reference_price and "referencePrice" in references:
        reference = references["referencePrice"][rows]
        return np.where(np.isnan(reference), fallback, reference)
    return fallback


def _on_grid_within(
    strings: pa.Array, rows: np.ndarray, step: Decimal, low: Decimal, high: Decimal
) -> np.ndarray:
    """Exactly ``value % step == 0`` and ``low <= value <= high``, on int64 values scaled
    by the step's places (a value that does not fit is not screened)."""
    _, digits, exponent = step.as_tuple()  # no arithmetic, so no context: as written
    assert isinstance(exponent, int)
    while len(digits) > 1 and digits[-1] == 0:  # 0.01000000 is 1E-2: 2 places
        digits, exponent = digits[:-1], exponent + 1
    places = max(0, -exponent)
    step_int = int("".join(map(str, digits))) * 10 ** max(0, exponent)
    if places > _MAX_DIGITS or step_int <= 0 or step_int >= 2**63:
        return np.zeros(len(rows), dtype=bool)
    parts = pc.extract_regex(strings.take(pa.array(rows)), _PARTS)
    whole = parts.field("whole")
    fraction = pc.fill_null(parts.field("fraction"), "")
    padded = pc.utf8_rpad(fraction, width=places, padding="0")
    head = pc.utf8_slice_codeunits(padded, 0, places)
    tail = pc.utf8_slice_codeunits(padded, places, 64)
    fits = pc.and_(
        pc.match_substring_regex(tail, "^0*$"),
        pc.less_equal(pc.utf8_length(pc.utf8_ltrim(whole, "0")), _MAX_DIGITS - places),
    )
    fits_np = _bools(fits)
    joined = pc.binary_join_element_wise(whole, head, "")
    safe = pc.if_else(fits, joined, "0")
    scaled = pc.cast(safe, pa.int64()).to_numpy(zero_copy_only=False)
    ok = fits_np & (scaled % step_int == 0)
    # The bounds on the same scale, rounded inward: exact for integer values.
    scale = Fraction(10) ** places
    lowest = math.ceil(Fraction(low) * scale)
    if lowest >= 2**63:
        return np.zeros(len(rows), dtype=bool)
    if lowest > 0:
        ok &= scaled >= lowest
    if high != INFINITY:
        highest = math.floor(Fraction(high) * scale)
        if highest < 2**63:
            ok &= scaled <= highest
    return np.asarray(ok, dtype=bool)


# --------------------------------------------------------------------------- whole columns


def _rows_of_simple_shape(
    body: pa.Table, columns: dict[str, pa.Array], n: int
) -> np.ndarray | None:
    """Rows whose other parameters the fast check takes and whose numbers it reads.

    As :func:`rules.checker.fastpath._only_ignored`: another parameter is null, or a
    name ``order.place`` reads and never judges (:data:`READ_NOT_JUDGED`, not ``""``),
    or a non-empty string ``newClientOrderId``; any other name gets ``-1104`` (D52).
    """
    ok = _matches(columns["price"], DECIMAL_RANGE) & _matches(columns["quantity"], DECIMAL_RANGE)
    ok &= _is_in(columns["side"], ("BUY", "SELL"), n)
    taken = {"symbol", "side", "type", "price", "quantity", "timeInForce"}
    for name in body.column_names:
        if name in taken or name in CONTEXT_COLUMNS:
            continue
        column = body[name]
        null = _null(column, n)
        if name in READ_NOT_JUDGED or name == "newClientOrderId":
            text = _string(column)
            if text is None:  # not strings: only READ_NOT_JUDGED takes any value
                ok &= null | (name in READ_NOT_JUDGED)
            else:
                ok &= null | ~_bools(pc.fill_null(pc.equal(text, ""), True))
        else:
            ok &= null
    return np.asarray(ok, dtype=bool)


def _at_most_places(strings: pa.Array, rows: np.ndarray, most: int | None) -> np.ndarray:
    """At most the asset's precision of decimals as written (D38, D39: ``-1111``)."""
    places = 20 if most is None or most > 20 else max(most, 0)
    pattern = rf"^[0-9]+(?:\.[0-9]{{1,{places}}})?$" if places else r"^[0-9]+$"
    return _matches(strings.take(pa.array(rows)), pattern)


def _context(body: pa.Table, n: int) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
    """Rows whose context is readable and has no permissions; the numbers as floats (NaN: none)."""
    ok = np.ones(n, dtype=bool)
    numbers: dict[str, np.ndarray] = {}
    for key in body.column_names:
        if key not in CONTEXT_COLUMNS:
            continue
        column = body[key]
        null = _null(column, n)
        if key == "permissions":
            ok &= null
            continue
        kind = column.type
        if _is_count(key):
            if pa.types.is_integer(kind):
                values = pc.cast(column, pa.float64())
                floats = pc.fill_null(values, np.nan).to_numpy(zero_copy_only=False)
                ok &= null | (floats >= 0)
                numbers[key] = floats
            else:
                ok &= null  # a count that is not an integer: evaluate's error
                numbers[key] = np.full(n, np.nan)
            continue
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            readable = _matches(column, _PLAIN_NON_NEGATIVE)
            floats = _floats(column)
        elif pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
            floats = pc.fill_null(pc.cast(column, pa.float64()), np.nan).to_numpy(
                zero_copy_only=False
            )
            readable = np.isfinite(floats) & (floats >= 0)
        else:
            readable = np.zeros(n, dtype=bool)
            floats = np.full(n, np.nan)
        ok &= null | readable
        numbers[key] = np.where(readable, floats, np.nan)
    return ok, numbers


def _is_count(key: str) -> bool:
    return key.startswith(("open", "exchangeOpen"))


def _camel(attribute: str) -> str:
    head, *rest = attribute.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _string(column: pa.ChunkedArray) -> pa.Array | None:
    kind = column.type
    dictionary = pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type)
    if dictionary or pa.types.is_large_string(kind):  # pandas 3's strings: one type here
        column = column.cast(pa.string())
    elif not pa.types.is_string(kind):
        return None
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _bools(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _null(column: pa.ChunkedArray | pa.Array, n: int) -> np.ndarray:
    if pa.types.is_floating(column.type):
        return _bools(pc.is_null(column, nan_is_null=True))
    if column.null_count == 0:
        return np.zeros(n, dtype=bool)
    return _bools(pc.is_null(column))


def _matches(strings: pa.Array | pa.ChunkedArray, pattern: str) -> np.ndarray:
    return _bools(pc.match_substring_regex(strings, pattern))


def _equals(strings: pa.Array, value: str) -> np.ndarray:
    return _bools(pc.equal(strings, value))


def _is_in(column: pa.Array | pa.ChunkedArray, values: tuple[str, ...], n: int) -> np.ndarray:
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return np.zeros(n, dtype=bool)
    return _bools(pc.is_in(column, value_set=pa.array(values, column.type)))


def _floats(strings: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The float64 of each plain decimal string (correctly rounded); NaN for anything else."""
    readable = pc.match_substring_regex(strings, r"^[0-9]{1,40}(?:\.[0-9]{1,40})?$")
    safe = pc.if_else(pc.fill_null(readable, False), strings, "NaN")
    return np.asarray(pc.cast(safe, pa.float64()).to_numpy(zero_copy_only=False))


def _codes(encoded: pa.DictionaryArray) -> np.ndarray:
    return np.asarray(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False))
