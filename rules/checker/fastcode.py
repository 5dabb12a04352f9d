"""Writing the fast checks' code (:mod:`rules.checker.fastpath`, :mod:`rules.checker.fastmarket`).

A fast check is written as Python source once per *layout* (which tests its
symbol and order type need: a stop price, icebergs, a ``timeInForce``, a grid
left to an exact remainder, an ICEBERG_PARTS limit, a positive minimum
notional; for a dict context, its keys and which of them the counters and the
bands read), compiled once per layout, and made per symbol and type by calling
the compiled factory with that symbol's numbers (issue 11: each check carries its
filters' numbers, and only the tests its filters need). The few layouts of a
snapshot's thousands of (symbol, type) pairs are compiled on first use; making
one check is then one call.

The rules each test states, and the answers (a verdict, ``FILTERS`` and its
``FILTERS_*`` forms, ``CONTEXT``, ``None``), are :mod:`rules.checker.fastpath`'s
(its docstring, and the comments of ``compile_fast_check`` and of the helpers it
hands the factory: ``by_filters``, ``allowed``, ``judge_for``); the float tests
that spare most ``Decimal`` work are :func:`~rules.checker.fastread.at_least`
and :func:`~rules.checker.fastread.at_most`, each followed by the exact test
when it proves nothing. A check takes its numbers as defaults after
``(params, context)``: callers pass those two only.
``tests/property/test_fastcode_properties.py`` runs the layouts against the
general path.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from rules.checker.checks import PRODUCT
from rules.checker.context import _UNSIGNED, plain_value_lines
from rules.checker.fastread import (
    CONTEXT,
    EMPTY_CONTEXT,
    FILTERS_CONTEXT,
    ContextWanted,
    only_ignored,
)
from rules.model.numbers import is_multiple

__all__ = [
    "COMMON",
    "JUDGE_COMMON",
    "asks_context",
    "context_judge_source",
    "factory_source",
    "make",
    "market_source",
    "priced_source",
]

#: What every check's factory takes besides its own numbers and helpers.
COMMON: Final[dict[str, Any]] = {
    "D": Decimal,
    "is_multiple": is_multiple,
    "multiply": PRODUCT.multiply,
    "FILTERS_CONTEXT": FILTERS_CONTEXT,
    "only_ignored": only_ignored,
    "EMPTY_CONTEXT": EMPTY_CONTEXT,
}
#: What every dict context judge's factory takes besides its numbers and verdicts.
JUDGE_COMMON: Final[dict[str, Any]] = {
    "D": Decimal,
    "multiply": PRODUCT.multiply,
    "unsigned": _UNSIGNED.fullmatch,
    "CONTEXT": CONTEXT,
    "FILTERS_CONTEXT": FILTERS_CONTEXT,
}


def asks_context(*args: object) -> ContextWanted:
    """The judge of a dict context a fast check does not read (``permissions``, an
    unknown key): ``CONTEXT``, "ask again with ``Context.from_mapping`` of it"."""
    return CONTEXT


#: The most factories kept compiled, and the most judges' sources kept: a layout of
#: the checks is one of a few hundred, but a judge's source depends on the keys of a
#: dict context, in their order, which come from the input (bounded caches).
_MOST_FACTORIES: Final = 1024


@functools.lru_cache(maxsize=_MOST_FACTORIES)
def make(source: str) -> Callable[..., Any]:
    """The factory ``make(**names)`` written in ``source`` (compiled once per layout)."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<rules.checker.fastcode>", "exec"), namespace)
    return namespace["make"]  # type: ignore[no-any-return]


#: A Python name, as the body's words are matched by ``factory_source`` (a name inside
#: a string literal counts as read: one default too many, never one too few).
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def factory_source(names: str, body: list[str], items: dict[str, str] | None = None) -> str:
    """``make(**names)``: ``body`` defines the check (its ``def`` line ends in ``, ...):``),
    which takes as defaults the names it reads: one tuple per check and fast local
    reads, no cell per name (a snapshot's thousands of checks are that many fewer
    objects to collect; closures measured slower on the mix, benchmarks/README.md,
    round 10); ``items``: more names, each an item of a name's tuple
    (``{"UP0_0": "UP[0][0]"}``)."""
    items = items or {}
    # Only the names the body reads become defaults: a call copies every default into
    # the frame (45 of them cost about 50 ns a call), and a layout reads a few.
    read = set(_NAME.findall("\n".join(body[1:])))
    every = [n for n in (*names.replace(" ", "").split(","), *items) if n in read]
    head = body[0].replace("...", ", ".join(f"{name}={name}" for name in every))
    unpack = [f"    {name} = {item}" for name, item in items.items() if name in read]
    return "\n".join([f"def make(*, {names}):", *unpack, head, *body[1:]])


# The names every check's factory takes (COMMON, and each check's own: its judges).
_COMMON = (
    "D, is_multiple, multiply, FILTERS_CONTEXT, only_ignored, EMPTY_CONTEXT, judges, judge_for"
)


@functools.cache
def priced_source(
    stop: bool,
    icebergs: bool,
    needs_tif: bool,
    tick: bool,
    step: bool,
    parts: bool,
    positive_low: bool,
) -> str:
    """The factory of a LIMIT, LIMIT_MAKER, STOP_LOSS_LIMIT or TAKE_PROFIT_LIMIT check.

    ``tick``, ``step``: a grid that is not a power of ten, tested by remainder
    (the pattern tests the others); ``parts``: an ICEBERG_PARTS limit."""
    lines = [
        "    def fast_check(params, context, ...):",
        "        nonlocal last_buy, last_sell, last_iceberg",
        '        side = params.get("side")',
        '        if side != "BUY" and side != "SELL":',
        "            return None",
    ]
    add = lines.append
    tif = '        if params.get("timeInForce") not in TIF:\n            return None'
    if icebergs:
        add('        iceberg_text = params.get("icebergQty")')
        add("        if iceberg_text is None:")
        add("            if len(params) != SIZE and not only_ignored(params, TAKEN):")
        add("                return None")
        if needs_tif:
            add("    " + tif.replace("\n", "\n    "))
        add("        else:")
        add("            if len(params) != SIZE + 1 and not only_ignored(params, TAKEN_ICEBERG):")
        add("                return None")
        if needs_tif:
            add('            if params.get("timeInForce") != "GTC":')
            add("                return None")
    else:
        add("        iceberg_text = None")
        add("        if len(params) != SIZE and not only_ignored(params, TAKEN):")
        add("            return None")
        if needs_tif:
            add(tif)
    add('        price_text = params.get("price")')
    add('        quantity_text = params.get("quantity")')
    add("        if type(price_text) is not str or type(quantity_text) is not str:")
    add("            return None")
    if stop:
        add('        stop_text = params.get("stopPrice")')
        add("        if type(stop_text) is not str:")
        add("            return None")
        add('        texts = f"{price_text},{quantity_text},{stop_text}"')
    else:
        add('        texts = f"{price_text},{quantity_text}"')
    failed = "return by_filters(price_text, quantity_text, iceberg_text{})"
    prices = (("s", "stop_text"), ("p", "price_text")) if stop else (("p", "price_text"),)

    def price_tests(indent: str) -> None:
        """The tests of the price's group of bounds (and the stopPrice's): range, tick."""
        for name, text in prices:
            add(f"{indent}{name} = float({text})")
            add(f"{indent}if not PL_F < {name} < PH_F:")
            add(f"{indent}    exact = D({text})")
            add(f"{indent}    if exact < PL or exact > PH:")
            add(f"{indent}        " + failed.format(""))
            if tick:
                add(f"{indent}if not is_multiple(D({text}), TICK):")
                add(f"{indent}    " + failed.format(""))

    add("        if readable(texts) is None:")
    add("            if well_formed(texts) is None:")
    # D38: legal decimals, one past its precision: the filters judge them as read.
    add("                if legal(texts) is None:")
    add("                    return None")
    add("                " + failed.format(", FILTERS_PRECISE"))
    # Well-formed, but a string off its power-of-ten grid: when the price's (and the
    # stopPrice's) is on the price grid, the quantity is the one off; the price's
    # bounds are then tested as below, and FILTERS_PRICE spares their checks.
    # (A tick left to a remainder: the price pattern is the loose one, always matched.)
    if not tick:
        off = " or ".join(f"price_readable({text}) is None" for _, text in prices)
        add(f"            if {off}:")
        add("                " + failed.format(""))
    price_tests("            ")
    add("            " + failed.format(", FILTERS_PRICE"))
    price_tests("        ")
    add("        q = float(quantity_text)")
    add("        if not QL_F < q < QH_F:")
    add("            exact = D(quantity_text)")
    add("            if exact < QL or exact > QH:")
    add("                " + failed.format(", FILTERS_PRICE"))
    if step:
        add("        if not is_multiple(D(quantity_text), STEP):")
        add("            " + failed.format(", FILTERS_PRICE"))
    add("        n = p * q")
    if not positive_low:
        add("        if not n:")
        add("            return None  # D37 (a float product of these is 0 only for a 0 factor)")
    add("        if not NL_F <= n <= NH_F:")
    add("            exact = multiply(D(price_text), D(quantity_text))")
    add("            if exact < NL or exact > NH:")
    if icebergs:
        add("                holding = FILTERS_QUANTITY if iceberg_text is None else FILTERS_PRICE")
        add("                " + failed.format(", holding"))
    else:
        add("                " + failed.format(", FILTERS_QUANTITY"))
    if icebergs:
        add("        if iceberg_text is not None:")
        add("            if type(iceberg_text) is not str or (")
        add("                quantity_readable(iceberg_text) is None")
        add("            ):")
        add("                " + failed.format(", FILTERS_NOTIONAL"))
        add("            i = float(iceberg_text)")
        add("            if not i:")
        add("                return None  # a zero icebergQty")
        # D07: well-formed but for it; the price's and the notional's bounds hold (not
        # the icebergQty's quantity bounds: above the quantity, it may pass maxQty).
        add("            if not i < q and D(iceberg_text) >= D(quantity_text):")
        add("                return FILTERS_EXCEEDS  # D07")
        add("            if not QL_F < i and D(iceberg_text) < QL:")
        add("                return FILTERS_NOTIONAL")
        if step:
            add("            if not is_multiple(D(iceberg_text), STEP):")
            add("                return FILTERS_NOTIONAL")
        if parts:
            add("            if not q <= i * PARTS_F and D(quantity_text) > multiply(")
            add("                D(iceberg_text), PARTS")
            add("            ):")
            add("                return FILTERS_PARTS")
    add("        if context.__class__ is dict:")
    add("            if context:")
    add("                keys = tuple(context)")
    add("                judge = judges.get(keys) or judge_for(keys)")
    add("                return judge(context, side, p, price_text, iceberg_text)")
    add("            context = EMPTY_CONTEXT")
    add('        if side == "BUY":')
    add("            seen = last_buy")
    add("            if seen[0] is not context:")
    add("                seen = last_buy = (context, allowed(context, side))")
    add("        else:")
    add("            seen = last_sell")
    add("            if seen[0] is not context:")
    add("                seen = last_sell = (context, allowed(context, side))")
    add("        known = seen[1]")
    add("        if known is None:")
    add("            return FILTERS_CONTEXT")
    add("        if not known[0] < p < known[1]:")
    add("            exact = D(price_text)")
    add("            if exact < known[2] or exact > known[3]:")
    add("                return FILTERS_CONTEXT")
    if icebergs:
        add("        if iceberg_text is None:")
        add("            return known[4]")
        add("        seen = last_iceberg")
        add("        if seen[0] is not context:")
        add("            seen = last_iceberg = (context, iceberg_verdict(context))")
        # None or an accepted Verdict: "is not None", not Verdict.__bool__ (a call).
        add("        verdict = seen[1]")
        add("        return FILTERS_CONTEXT if verdict is None else verdict")
    else:
        add("        return known[4]")
    add("    last_buy = last_sell = last_iceberg = (None, None)")
    add("    return fast_check")
    names = (
        f"{_COMMON}, SIZE, TAKEN, TAKEN_ICEBERG, TIF, readable, well_formed, price_readable,"
        " quantity_readable,"
        " by_filters, legal, allowed, iceberg_verdict, PL, PH, PL_F, PH_F, QL, QH, QL_F, QH_F,"
        " NL, NH, NL_F, NH_F, TICK, STEP, PARTS, PARTS_F, FILTERS_PRICE, FILTERS_QUANTITY,"
        " FILTERS_NOTIONAL, FILTERS_PARTS, FILTERS_EXCEEDS, FILTERS_PRECISE"
    )
    return factory_source(names, lines)


@functools.cache
def market_source(quote_allowed: bool, step: bool, quote_rules: int) -> str:
    """The factory of a MARKET check: by ``quoteOrderQty`` (``quote_rules`` notional
    rules judge it, D11) or by ``quantity`` (``step``: a grid left to a remainder)."""
    lines = [
        "    def fast_check(params, context, ...):",
        "        nonlocal last",
        '        side = params.get("side")',
        '        if side != "BUY" and side != "SELL":',
        "            return None",
        '        if "quoteOrderQty" in params:',
    ]
    add = lines.append
    items: dict[str, str] = {}
    if not quote_allowed:
        add("            return None  # D22")
    else:
        add("            if len(params) != 4 and not only_ignored(params, BY_QUOTE):")
        add("                return None")
        add('            text = params["quoteOrderQty"]')
        add("            if type(text) is not str:")
        add("                return None")
        add("            if quote_readable(text) is None:")
        add("                return None if legal(text) is None else PRECISE_NONE  # D38")
        add("            n = float(text)")
        add("            if not n:")
        add("                return FILTERS  # no D37 without a price: only the filters judge 0")
        for j in range(quote_rules):
            for name in ("QUOTE_LOW", "QUOTE_HIGH", "QUOTE_LOW_F", "QUOTE_HIGH_F"):
                items[f"{name}{j}"] = f"{name}[{j}]"
            add(f"            if not QUOTE_LOW_F{j} < n < QUOTE_HIGH_F{j}:")
            add("                exact = D(text)")
            add(f"                if exact < QUOTE_LOW{j} or exact > QUOTE_HIGH{j}:")
            add("                    return FILTERS_QUANTITY")
        add("            q = None")
    add("        else:")
    add("            if len(params) != 4 and not only_ignored(params, BY_QUANTITY):")
    add("                return None")
    add('            text = params.get("quantity")')
    add("            if type(text) is not str:")
    add("                return None")
    add("            if quantity_readable(text) is None:")
    add("                if quantity_well_formed(text) is None:")
    add("                    if legal(text) is None:")
    add("                        return None")
    # A legal string is 0 exactly when its float is (none is below 1e-20).
    add("                    return PRECISE_PRICE if float(text) else PRECISE_NONE  # D38")
    add("                return FILTERS_PRICE if float(text) else FILTERS")
    add("            q = float(text)")
    add("            if not q:")
    add("                return FILTERS  # no D37 without a price: only the filters judge 0")
    add("            if not QL_F < q < QH_F:")
    add("                exact = D(text)")
    add("                if exact < QL or exact > QH:")
    add("                    return FILTERS_PRICE")
    if step:
        add("            if not is_multiple(D(text), STEP):")
        add("                return FILTERS_PRICE")
    add("        if context.__class__ is dict:")
    add("            if context:")
    add("                keys = tuple(context)")
    add("                judge = judges.get(keys) or judge_for(keys)")
    add("                return judge(context, q, text)")
    add("            context = EMPTY_CONTEXT")
    add("        seen = last")
    add("        if seen[0] is not context:")
    add("            seen = last = (context, allowed(context))")
    add("        known = seen[1]")
    add("        if known is None:")
    add("            return FILTERS_CONTEXT")
    add("        if q is None:")
    add("            return known[0]")
    add("        for r, low_f, high_f, reference, low, high in known[2]:")
    add("            if not low_f <= r * q <= high_f:")
    add("                exact = multiply(reference, D(text))")
    add("                if exact < low or exact > high:")
    add("                    return FILTERS_CONTEXT")
    add("        return known[1]")
    add("    last = (None, None)")
    add("    return fast_check")
    names = (
        f"{_COMMON}, BY_QUOTE, BY_QUANTITY, quote_readable, quantity_readable,"
        " quantity_well_formed, legal, allowed, QUOTE_LOW, QUOTE_HIGH, QUOTE_LOW_F, QUOTE_HIGH_F,"
        " QL, QH, QL_F, QH_F, STEP, FILTERS, FILTERS_PRICE, FILTERS_QUANTITY, PRECISE_NONE,"
        " PRECISE_PRICE"
    )
    return factory_source(names, lines, items)


@functools.lru_cache(maxsize=_MOST_FACTORIES)
def context_judge_source(
    reads: tuple[tuple[str, str], ...],
    counters: tuple[int, ...],
    bands: tuple[tuple[tuple[int, bool], ...], tuple[tuple[int, bool], ...]] | None,
    iceberg_counters: tuple[int, ...] | None,
    notionals: tuple[int, ...] | None,
) -> str:
    """The factory of the judge of a dict context with these keys for one fast check:
    ``judge(c, side, p, price_text, iceberg_text)`` for the priced types,
    ``judge(c, q, quantity_text)`` for MARKET.

    ``reads``: each key and how it is read (``"price"``: a market price, its string
    checked and its float taken; ``"checked"``: a price no check reads, checked;
    ``"count"``); ``counters``: the indices of the counts the check compares (with
    ``COUNT_MAX[j]``); ``bands`` (priced types): per side, the index of each
    band's market price and whether it has an upper bound (``UP[s][j]``,
    ``DOWN[s][j]`` and their float factors); ``iceberg_counters``: the counts an
    iceberg order is compared with too (``ICEBERG_MAX[j]``), ``None`` for a check
    without icebergs; ``notionals`` (MARKET): the index of each priced notional
    rule's market price (``LOW[j]``, ``HIGH[j]``). Each value is read as
    :func:`~rules.checker.fastcontext.dict_reader` reads it (``CONTEXT`` where it
    answers ``None``), every value before any is compared.
    """
    market = notionals is not None
    items: dict[str, str] = {}

    def item(name: str, *at: int) -> str:
        flat = name + "_".join(map(str, at))
        items[flat] = name + "".join(f"[{i}]" for i in at)
        return flat

    args = "c, q, quantity_text" if market else "c, side, p, price_text, iceberg_text"
    lines = [f"    def judge({args}, ...):"]
    add = lines.append
    for i, (key, how) in enumerate(reads):
        lines += [
            f"        {line}"
            for line in plain_value_lines(i, key, how != "count", "return CONTEXT")
        ]
    # The floats of the market prices (MARKET: only an order by quantity reads them).
    floats = [f"        r{i} = float(v{i})" for i, (_, how) in enumerate(reads) if how == "price"]
    if not market:
        lines.extend(floats)
    for j, index in enumerate(counters):
        add(f"        if v{index} >= {item('COUNT_MAX', j)}:")
        add("            return FILTERS_CONTEXT  # a counter full (D15)")
    if market:
        add("        if q is None:")
        add("            return BY_QUOTE")
        lines.extend(floats)
        for j, index in enumerate(notionals or ()):
            low, high = item("LOW", j), item("HIGH", j)
            add(f"        if not {item('LOW_F', j)} <= r{index} * q <= {item('HIGH_F', j)}:")
            add(f"            exact = multiply(D(v{index}), D(quantity_text))")
            add(f"            if exact < {low} or exact > {high}:")
            add("                return FILTERS_CONTEXT")
        add("        return BY_QUANTITY")
    else:
        buy, sell = bands or ((), ())
        for s, side in enumerate((buy, sell)):
            if not buy and not sell:
                break
            add('        if side == "BUY":' if s == 0 else "        else:")
            if not side:
                add("            pass")
            for j, (index, up) in enumerate(side):
                if up:
                    up_f, up_exact = item("UP_F", s, j), item("UP", s, j)
                    add(f"            if not p <= r{index} * {up_f} and (")
                    add(f"                D(price_text) > multiply(D(v{index}), {up_exact})")
                    add("            ):")
                    add("                return FILTERS_CONTEXT")
                add(f"            if not p >= r{index} * {item('DOWN_F', s, j)} and (")
                add(f"                D(price_text) < multiply(D(v{index}), {item('DOWN', s, j)})")
                add("            ):")
                add("                return FILTERS_CONTEXT")
        if iceberg_counters is None:
            add("        return VERDICT")
        else:
            add("        if iceberg_text is None:")
            add("            return VERDICT")
            for j, index in enumerate(iceberg_counters):
                add(f"        if v{index} >= {item('ICEBERG_MAX', j)}:")
                add("            return FILTERS_CONTEXT  # an iceberg counter full (D15)")
            add("        if ICEBERG_VERDICT is None:")  # else an accepted Verdict
            add("            return FILTERS_CONTEXT")
            add("        return ICEBERG_VERDICT")
    add("    return judge")
    names = (
        "D, multiply, unsigned, CONTEXT, FILTERS_CONTEXT, COUNT_MAX,"
        " UP, UP_F, DOWN, DOWN_F, VERDICT, ICEBERG_MAX, ICEBERG_VERDICT,"
        " LOW, LOW_F, HIGH, HIGH_F, BY_QUOTE, BY_QUANTITY"
    )
    return factory_source(names, lines, items)
