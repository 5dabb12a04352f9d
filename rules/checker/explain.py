"""Explaining a well-formed order's rejection fast: explainers, written per layout.

An order the fast path read whole and found well-formed (its ``FILTERS``
answers, :mod:`rules.checker.fastpath`) can break only the filters and the
context's rules. The general path then judges it check by check
(:func:`rules.checker.judge.judge_filters`): a ``Context``-reading, parsed-order
reading call per filter. An *explainer* does the same work as one function per
symbol and order type: it reads the order's strings once, runs every filter's
rule in the plan's order with the filter's numbers as constants, and builds the
same violations (D23: one per filterType) and the same ``unchecked`` list.

Each filter check may have a *writer*, written right below it and registered
with :func:`writes` (as its fold is with :func:`~rules.checker.bounds.folds`),
that states the check's rule as lines of Python for a :class:`Source`. An
explainer is written once per *layout* (the lines, without the numbers) and
compiled once per layout (:func:`rules.checker.fastcode.make`); each symbol's
numbers are its defaults. A filter without a writer (an unknown filter, D25), or
whose writer declines (an active MAX_POSITION, which the fast path never
reaches), or two filters of one filterType (D23), leave the symbol without an
explainer: ``judge_filters`` judges its orders, as before.

Each layout is written twice: for a :class:`~rules.checker.context.Context`, and for a dict
context as the caller gave it when :func:`~rules.checker.context.is_plain` says
``Context.from_mapping`` would read it on its common path (plain decimal strings
and int counts): its values are read where a check needs them, and no
``Context`` is built.

``tests/property/test_explain_properties.py`` proves the explainers give
``judge_filters``' violations (codes, messages, fields, values, limits,
explanations) and ``unchecked`` on every order the fast path hands them.

May import: :mod:`rules.model`, and the checker modules below it (bounds, checks,
context, eras, fastcode, kinds, violations).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from rules.checker.bounds import fast_shape
from rules.checker.checks import PRODUCT, Check, from_minimum_text
from rules.checker.context import FIELD_KEYS
from rules.checker.eras import Era
from rules.checker.fastcode import factory_source, make
from rules.checker.kinds import OrderKind
from rules.checker.violations import (
    ACCEPTED,
    FILTER_FAILURE,
    Verdict,
    Violation,
    bound_text,
    filter_message,
    make_verdict,
    make_violation,
)
from rules.model.numbers import CONTEXT, is_multiple

__all__ = ["WRITERS", "Explainer", "Source", "compile_explainer", "indented", "writes"]

#: ``explain(params, context, side, whole)``: the violations and the unchecked
#: filterTypes ``judge_filters`` finds on a well-formed order with this ``side``
#: (``None``: read as not sent, D24), or, when ``whole``, the verdict they make; or
#: ``None``: "ask judge_filters" (known permissions, D19). An explainer written for
#: dict contexts (``mapping``) takes a dict :func:`~rules.checker.context.is_plain`
#: says is one; the others, a ``Context``.
Explainer = Callable[
    [dict[str, Any], Any, object, bool], tuple[list[Violation], list[str]] | Verdict | None
]
#: ``writer(filter, kind, era, source) -> bool``: the check's rule, written into
#: ``source``; ``False``: declined (then the symbol has no explainer for ``kind``).
Writer = Callable[[Any, OrderKind, Era, "Source"], bool]

#: Filter check -> its writer; filled by :func:`writes` where each check is written.
WRITERS: Final[dict[Check, Writer]] = {}

#: The indentation of an explainer's body.
_BODY: Final = "        "
#: What every explainer's factory takes besides its constants.
_COMMON: Final[dict[str, Any]] = {
    "D": Decimal,
    "MUL": PRODUCT.multiply,
    "ADD": PRODUCT.add,
    "DIVMOD": CONTEXT.divmod,
    "IS_MULTIPLE": is_multiple,
    "REM": CONTEXT.remainder,
    "MV": make_violation,
    "CODE": FILTER_FAILURE,
    "BOUND": bound_text,
    "VERDICT": make_verdict,
    "ACCEPTED": ACCEPTED,
}

#: The last decimal place (an exponent) of the finest step an explainer tests by
#: ``REM`` directly (:meth:`Source.bound`).
_FINEST_DIRECT: Final = -30

#: The order's values an explainer reads, by variable: wire name, and whether the
#: fast shapes always send it ("always") or may not ("maybe").
_PRICED: Final = {
    "P": ("price", "always"),
    "Q": ("quantity", "always"),
    "I": ("icebergQty", "maybe"),
}
_STOP: Final = {**_PRICED, "S": ("stopPrice", "always")}
_MARKET: Final = {"Q": ("quantity", "maybe"), "QQ": ("quoteOrderQty", "maybe")}


def writes(check: Check) -> Callable[[Writer], Writer]:
    """Register the decorated function as ``check``'s writer."""

    def register(writer: Writer) -> Writer:
        if check in WRITERS:
            raise RuntimeError(f"{getattr(check, '__name__', check)} has two writers")
        WRITERS[check] = writer
        return writer

    return register


class Declined(Exception):
    """A layout no explainer is written for (two filters of one filterType, D23)."""


class Source:
    """The body of one explainer, as a writer adds to it.

    Names a writer's lines may use: the order's values ``P`` (price), ``S``
    (stopPrice), ``Q`` (quantity), ``QQ`` (quoteOrderQty), ``I`` (icebergQty;
    ``None`` when not sent), each a ``Decimal`` as the general path reads it;
    ``side``; ``ctx``, the context, read through :meth:`context` and
    :meth:`market_price`; ``out`` and ``unc``, the lists it appends to; and ``D``,
    ``MUL``, ``ADD``, ``DIVMOD``, ``IS_MULTIPLE``, ``REM``, ``MV``, ``CODE``, ``BOUND``
    (see ``_COMMON``). A number, a name or a function of the snapshot is a constant
    (:meth:`const`): the lines stay the same from one symbol to the next.

    ``mapping``: the explainer reads a dict context that
    :func:`~rules.checker.context.is_plain` accepted (each value as
    ``Context.from_mapping`` reads it, without building a ``Context``), not a
    ``Context``.
    """

    def __init__(self, kind: OrderKind, era: Era, mapping: bool = False) -> None:
        self.kind = kind
        self.era = era
        self.mapping = mapping
        shape = fast_shape(kind)
        self.values = _MARKET if shape == "market" else (_STOP if shape == "stop" else _PRICED)
        self.consts: dict[str, Any] = {}
        self.lines: list[str] = []
        self._claimed: set[str] = set()

    def has(self, variable: str) -> str | None:
        """``"always"``, ``"maybe"`` (test it against ``None``) or ``None`` (never sent)."""
        found = self.values.get(variable)
        return None if found is None else found[1]

    def const(self, value: object) -> str:
        """The name of a constant of the explainer holding ``value`` (a number of the
        snapshot: its name, not its value, is part of the layout)."""
        name = f"k{len(self.consts)}"
        self.consts[name] = value
        return name

    def add(self, *lines: str) -> None:
        """Lines of the body, indented from the body's level."""
        self.lines.extend([_BODY + line for line in lines])

    def claim(self, filter_type: str) -> None:
        """Say that the check being written may fail or be unchecked: once per check.
        Two checks of one filterType decline (D23 and ``unchecked``'s single entry
        would then depend on which ran first: left to ``judge_filters``)."""
        if filter_type in self._claimed:
            raise Declined(filter_type)
        self._claimed.add(filter_type)

    def helper(self, name: str, function: Callable[..., str]) -> str:
        """``name``, given to the explainer as ``function`` (a wording function: the same
        for every symbol, so part of the layout)."""
        self.consts[name] = function
        return name

    def fail(self, filter_type: str, field: str | None, value: str, limit: str, why: str) -> str:
        """The statement appending ``filter_type``'s violation (``value``, ``limit``, ``why``:
        expressions), as ``violations.filter_failure`` builds it. A filter with a writer is
        of a known type: its name is part of the layout, written as a literal. ``why`` is
        a tuple ``(word, *args)``, worded when read (``violations.Unworded``): ``BOUND``
        (``violations.bound_text``) or a helper (:meth:`helper`) and its arguments."""
        msg = filter_message(filter_type)
        return f"out.append(MV(CODE, {msg!r}, {filter_type!r}, {field!r}, {value}, {limit}, {why}))"

    def uncheck(self, filter_type: str) -> str:
        """The statement listing ``filter_type`` as unchecked."""
        return f"unc.append({filter_type!r})"

    def context(self, field: str) -> str:
        """The expression of the context's ``field`` (a count, or a price's text in a
        dict: :meth:`market_price` reads the prices); ``None`` when not given."""
        return f"ctx.get({FIELD_KEYS[field]!r})" if self.mapping else f"ctx.{field}"

    def market_price(self, avg_price_mins: int | None, into: str) -> list[str]:
        """Lines setting ``into`` to the market price a filter reads (D18, as
        :func:`~rules.checker.eras.market_price` reads it; ``None`` when not given)."""
        field = "last_price" if avg_price_mins == 0 else "avg_price"
        lines = [f"{into} = {self.context(field)}"]
        if self.era.reference_price:
            lines = [
                f"{into} = {self.context('reference_price')}",
                f"if {into} is None:",
                *indented(lines),
            ]
        if self.mapping:  # a plain dict's price is its text (is_plain)
            lines += [f"if {into} is not None:", f"    {into} = D({into})"]
        return lines

    def bound(
        self,
        filter_type: str,
        field: str,
        var: str,
        bounds: tuple[tuple[object, str], ...],
        from_minimum: bool = False,
    ) -> list[str]:
        """A range-and-grid test of ``var`` as :func:`~rules.checker.checks.out_of_range`
        makes it: ``bounds``: (low, its name), (high, its name), (step, its name), a 0 bound
        or step disabled (D12); ``from_minimum``: the grid of the old eras,
        ``(value - low) % step`` (D17, D35). Empty when every part is disabled."""
        (low, low_name), (high, high_name), (step, step_name) = bounds
        lines: list[str] = []
        k_low = self.const(low) if low or (step and from_minimum) else ""
        if low:
            why = f"(BOUND, {field!r}, {var}, 'is below', {low_name!r}, {k_low})"
            lines += [
                f"if {var} < {k_low}:",
                "    " + self.fail(filter_type, field, var, k_low, why),
            ]
        if high:
            k = self.const(high)
            why = f"(BOUND, {field!r}, {var}, 'is above', {high_name!r}, {k})"
            test = f"{var} > {k}:"
            lines += ["elif " + test if lines else "if " + test]
            lines.append("    " + self.fail(filter_type, field, var, k, why))
        if step:
            k = self.const(step)
            if from_minimum:
                text = self.helper("FROM_MINIMUM", from_minimum_text)
                why = f"({text}, {field!r}, {var}, {low_name!r}, {k_low}, {step_name!r}, {k})"
                test = f"not IS_MULTIPLE({var}, {k}, {k_low}):"
            else:
                why = f"(BOUND, {field!r}, {var}, 'is not a multiple of', {step_name!r}, {k})"
                # is_multiple's test without its call where it cannot overflow: the
                # values have at most 20 integer and 20 fraction digits (the fast
                # check read them), so a step whose last digit is at or above 1E-30
                # leaves a quotient below 1E+51 and a remainder of at most 51 digits
                # (below the value, from the 30th place), within CONTEXT's 60: the
                # remainder is exact. (The place of its last digit, not its first: a
                # tick of 1.000...0001 to 63 places has a 64-digit remainder.)
                exponent = step.as_tuple().exponent if isinstance(step, Decimal) else None
                direct = isinstance(exponent, int) and exponent >= _FINEST_DIRECT
                test = f"REM({var}, {k}):" if direct else f"not IS_MULTIPLE({var}, {k}):"
            lines += ["elif " + test if lines else "if " + test]
            lines.append("    " + self.fail(filter_type, field, var, k, why))
        return lines


def indented(lines: list[str], levels: int = 1) -> list[str]:
    """``lines`` indented by ``levels`` more levels."""
    pad = "    " * levels
    return [pad + line for line in lines]


def compile_explainer(
    checks: tuple[tuple[Check, Any], ...], kind: OrderKind, era: Era, mapping: bool = False
) -> Explainer | None:
    """The explainer of well-formed ``kind`` orders under ``checks`` (a plan's), or ``None``
    when a filter has no writer or its writer declines; ``mapping``: of a plain dict
    context (:class:`Source`)."""
    source = Source(kind, era, mapping)
    try:
        for check, f in checks:
            writer = WRITERS.get(check)
            if writer is None or not writer(f, kind, era, source):
                return None
    except Declined:
        return None
    head = ["    def explain(params, ctx, side, whole, ...):"]
    if not mapping:  # a plain dict gives no permissions (is_plain)
        head.append("        if ctx.permissions is not None:")
        head.append("            return None  # D19: judged with the symbol's rules")
    for var, (wire, presence) in source.values.items():
        if presence == "always":
            head.append(f"        {var} = D(params[{wire!r}])")
        else:
            head += [
                f"        {var} = params.get({wire!r})",
                f"        if {var} is not None:",
                f"            {var} = D({var})",
            ]
    head += ["        out = []", "        unc = []"]
    tail = [
        "        if not whole:",
        "            return out, unc",
        "        if out:",
        "            return VERDICT(False, tuple(out), tuple(unc))",
        "        return VERDICT(True, (), tuple(unc)) if unc else ACCEPTED",
    ]
    body = [*head, *source.lines, *tail, "    return explain"]
    names = ", ".join([*_COMMON, *source.consts])
    factory = make(factory_source(names, body))
    return factory(**_COMMON, **source.consts)  # type: ignore[no-any-return]
