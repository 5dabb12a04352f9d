"""An order as the checker sees it: the params of a WebSocket ``order.place`` request.

Two ways in:

- a mapping of ``order.place`` params (``{"symbol": "BTCUSDT", "price": "30000.01", ...}``)
  whose values may be strings, ints, :class:`~decimal.Decimal` or JSON numbers;
- a typed :class:`Order` for Python users.

Values are read exactly (D32): a JSON number is the decimal it spells (parse JSON
with ``parse_float=Decimal``), a Python ``float`` is the decimal its ``repr`` shows
(``0.1`` is ``Decimal("0.1")``), never ``Decimal(float)``. NaN, infinities, signs,
exponents in strings, spaces and more than 20 integer or 20 fraction digits are
malformed. Reading never raises: a value that cannot be read becomes a violation
(``-1100``, or ``-1105`` for ``""``), as Binance would answer it (D29), and is
then treated as not sent.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from rules.checker.violations import (
    Violation,
    illegal_chars,
    mandatory_missing,
    param_empty,
    unread_parameters,
)
from rules.model.numbers import bounded_repr, builtin_scalar, is_absent, to_plain_string

__all__ = [
    "READ",
    "Order",
    "ParsedOrder",
    "guesses",
    "parse_order",
    "read_any",
    "read_order",
    "read_well_formed",
]

#: The legal range Binance quotes in ``-1100`` for a DECIMAL parameter (D29).
DECIMAL_RANGE: Final = "^([0-9]{1,20})(\\.[0-9]{1,20})?$"
#: The legal range quoted for an INT/LONG parameter.
INT_RANGE: Final = "^-?([0-9]{1,20})$"

_STR, _DEC, _INT = 0, 1, 2

#: Every ``order.place`` parameter the checker reads: wire name -> (attribute, kind).
#: The other names order.place reads are :data:`READ_NOT_JUDGED`; any name in
#: neither is not read by Binance and gets ``-1104`` (D52).
PARAMS: Final[dict[str, tuple[str, int]]] = {
    "symbol": ("symbol", _STR),
    "side": ("side", _STR),
    "type": ("type", _STR),
    "timeInForce": ("time_in_force", _STR),
    "price": ("price", _DEC),
    "quantity": ("quantity", _DEC),
    "quoteOrderQty": ("quote_order_qty", _DEC),
    "stopPrice": ("stop_price", _DEC),
    "trailingDelta": ("trailing_delta", _INT),
    "icebergQty": ("iceberg_qty", _DEC),
    "selfTradePreventionMode": ("self_trade_prevention_mode", _STR),
    "strategyId": ("strategy_id", _INT),
    "strategyType": ("strategy_type", _INT),
    "pegPriceType": ("peg_price_type", _STR),
    "pegOffsetType": ("peg_offset_type", _STR),
    "pegOffsetValue": ("peg_offset_value", _INT),
    "newClientOrderId": ("new_client_order_id", _STR),
}
#: The names ``order.place`` reads (D52) that no rule judges: its
#: ``newOrderRespType`` and the SIGNED request's ``apiKey``, ``signature``,
#: ``timestamp``, ``recvWindow``. Only ``""`` matters on them (``-1105``, D29).
READ_NOT_JUDGED: Final = frozenset(
    {"newOrderRespType", "apiKey", "signature", "timestamp", "recvWindow"}
)
#: Every name ``order.place`` reads (ws-place's table and the SIGNED parameters,
#: D52); a name outside it is unread: one ``-1104`` for the request.
READ: Final = frozenset(PARAMS) | READ_NOT_JUDGED
#: Wire name of each attribute (the inverse of :data:`PARAMS`).
WIRE_NAMES: Final = {attr: wire for wire, (attr, _) in PARAMS.items()}

_LIMIT = 10**20  # at most 20 integer digits (D29)
#: The strings read_decimal reads: DECIMAL_RANGE (ASCII digits, at most 20 and 20).
_DECIMAL_TEXT: Final = re.compile(r"[0-9]{1,20}(?:\.[0-9]{1,20})?")


@attrs.frozen(kw_only=True)
class Order:
    """An ``order.place`` request, typed; every field optional, as on the wire.

    Numbers are :class:`~decimal.Decimal` (``trailing_delta``, ``strategy_*`` and
    ``peg_offset_value`` are ``int``); enumerations are plain ``str`` so that a
    value Binance would reject can still be represented and checked.

    >>> Order(symbol="BTCUSDT", side="BUY", type="LIMIT", time_in_force="GTC",
    ...       price=Decimal("30000.01"), quantity=Decimal("0.001")).to_params()["price"]
    '30000.01'
    """

    symbol: str | None = None
    side: str | None = None
    type: str | None = None
    time_in_force: str | None = None
    price: Decimal | None = None
    quantity: Decimal | None = None
    quote_order_qty: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    iceberg_qty: Decimal | None = None
    self_trade_prevention_mode: str | None = None
    strategy_id: int | None = None
    strategy_type: int | None = None
    peg_price_type: str | None = None
    peg_offset_type: str | None = None
    peg_offset_value: int | None = None
    new_client_order_id: str | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Order:
        """The typed order of a params mapping; unreadable values are left out.

        Use :func:`parse_order` to get the reading problems too.
        """
        return parse_order(params)[0]

    def to_params(self) -> dict[str, str | int]:
        """The ``order.place`` params, decimals as plain strings (never ``8.12e-06``)."""
        out: dict[str, str | int] = {}
        for attr, wire in WIRE_NAMES.items():
            value = getattr(self, attr)
            if value is None:
                continue
            out[wire] = to_plain_string(value) if isinstance(value, Decimal) else value
        return out


class ParsedOrder:
    """An order read for checking: the values, and the problems found reading them.

    Immutable once built (by :func:`read_order`, or from attribute values by
    ``ParsedOrder(price=...)``): judging an order never writes into it. Where
    a check decides that a parameter is to be treated as not sent (a ``-1106``
    parameter, an invalid side), it goes on with :meth:`without`, a copy with
    those values dropped; the happy path copies nothing. Values not sent read
    as ``None`` (class defaults), so building one costs only the parameters
    that were sent.

    Attributes:
        problems: ``-1105``/``-1100`` violations found while reading, in order.
        unreadable: wire names sent as ``""`` or malformed; they get no ``-1102``
            of their own (D03, D29).
        symbol_problem: the violation for a missing or empty ``symbol``, which
            stops the check (D24).
        unread: the names sent that ``order.place`` does not read (D52), in the
            order sent; they are otherwise ignored.
        sent: how many names were sent (a ``null`` value is not sent, D29); set
            only when ``unread`` is not empty (the ``S`` of ``-1104``).
    """

    symbol: str | None = None
    side: str | None = None
    type: str | None = None
    time_in_force: str | None = None
    price: Decimal | None = None
    quantity: Decimal | None = None
    quote_order_qty: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    iceberg_qty: Decimal | None = None
    self_trade_prevention_mode: str | None = None
    strategy_id: int | None = None
    strategy_type: int | None = None
    peg_price_type: str | None = None
    peg_offset_type: str | None = None
    peg_offset_value: int | None = None
    new_client_order_id: str | None = None
    problems: tuple[Violation, ...] = ()
    unreadable: frozenset[str] = frozenset()
    symbol_problem: Violation | None = None
    unread: tuple[str, ...] = ()
    sent: int = 0

    def __init__(self, **values: object) -> None:
        """An order of these values (attribute names); :func:`read_order` reads params."""
        unknown = values.keys() - _FIELDS
        if unknown:
            raise TypeError(f"ParsedOrder: unknown attribute(s) {sorted(unknown)}")
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a ParsedOrder is immutable (use without()): cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a ParsedOrder is immutable: cannot delete {name!r}")

    def without(self, *attributes: str, unreadable: str | None = None) -> ParsedOrder:
        """A copy with these attributes not sent (``None``).

        ``unreadable`` adds a wire name to :attr:`unreadable` (a value reported
        as invalid, so that it gets no ``-1102`` of its own either).
        """
        copy = object.__new__(ParsedOrder)
        values = copy.__dict__
        values.update(self.__dict__)
        for name in attributes:
            values[name] = None
        if unreadable is not None:
            values["unreadable"] = self.unreadable | {unreadable}
        return copy

    def unread_problem(self) -> Violation | None:
        """The ``-1104`` of the names ``order.place`` does not read (D52), if any."""
        if not self.unread:
            return None
        return unread_parameters(self.unread, self.sent, _guesses(self.unread))

    def to_order(self) -> Order:
        """The typed :class:`Order` of what was read (unreadable values left out)."""
        return Order(**{attr: getattr(self, attr) for attr in WIRE_NAMES})

    def __repr__(self) -> str:
        return f"ParsedOrder({self.__dict__!r})"


def _guesses(unread: tuple[str, ...], reads: frozenset[str] = READ) -> dict[str, str]:
    """The name the method reads (``reads``, order.place's by default) that each
    unread name most likely meant (for people)."""
    out: dict[str, str] = {}
    for name in unread:
        folded = [known for known in reads if known.lower() == name.lower()]
        close = folded or difflib.get_close_matches(name, sorted(reads), n=1, cutoff=0.8)
        if close:
            out[name] = close[0]
    return out


#: The public name of :func:`_guesses` (the other methods' ``-1104``, D52).
guesses: Final = _guesses

#: The values a ParsedOrder holds (its annotated attributes; never its methods).
_FIELDS: Final = frozenset(ParsedOrder.__annotations__)


# --------------------------------------------------------------------------- reading values


def read_decimal(value: object) -> Decimal | None:
    """The exact decimal of a DECIMAL parameter, or ``None`` if it is malformed (D29, D32).

    >>> read_decimal("30000.01"), read_decimal(0.1), read_decimal("1e5")
    (Decimal('30000.01'), Decimal('0.1'), None)
    """
    kind = type(value)
    if kind is str:
        text: str = value  # type: ignore[assignment]
        whole, dot, fraction = text.partition(".")
        if (
            whole.isdigit()
            and whole.isascii()
            and len(whole) <= 20
            and (not dot or (fraction.isdigit() and fraction.isascii() and len(fraction) <= 20))
        ):
            return Decimal(text)
        return None
    if kind is int:
        number: int = value  # type: ignore[assignment]
        return Decimal(number) if 0 <= number < _LIMIT else None
    if kind is float:
        # The decimal the float's repr shows; never Decimal(float) (STYLE.md §2.3).
        value = Decimal(repr(value))
    elif kind is not Decimal:
        return _read_subclass(value)  # numpy.float64, str and int subclasses; else None
    decimal: Decimal = value  # type: ignore[assignment]
    if not decimal.is_finite() or decimal.is_signed():
        return None
    # D29: at most 20 integer and 20 fraction digits, a zero included (0E-30).
    if (decimal and decimal.adjusted() >= 20) or decimal.as_tuple().exponent < -20:  # type: ignore[operator]
        return None
    return decimal


def _read_subclass(value: object) -> Decimal | None:
    # A subclass of str, int or float (numpy.float64 is a float) is read as its
    # base type's value, never through its own repr (numpy 2 writes
    # "np.float64(0.1)"); bool, an int subclass, is not a number here.
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return read_decimal(str.__str__(value))
    if isinstance(value, int):
        return read_decimal(int(value))
    if isinstance(value, float):
        return read_decimal(float(value))
    if isinstance(value, Decimal):
        return read_decimal(Decimal(value))
    if type(value).__module__ == "numpy":
        return _read_numpy(value)
    return None  # None, lists, objects...


def _read_numpy(value: Any) -> Decimal | None:
    # numpy.float32, numpy.int64, ... subclass neither float nor int (numpy is
    # never imported here: duck-typed on the scalar's dtype). An integer is its
    # int; a float the decimal numpy's str shows (the shortest that reads back as
    # the same value at its precision: float32(0.1) is 0.1), as a float is its repr.
    if getattr(value, "ndim", 0):
        return None  # an array of values is no number (its int() raises)
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if kind in ("i", "u"):
        return read_decimal(int(value))
    if kind == "f":
        try:
            return read_decimal(Decimal(str(value)))
        except ArithmeticError:  # pragma: no cover - numpy writes every float Decimal reads
            return None
    return None  # numpy.bool_, datetime64, complex, arrays...


def read_int(value: object) -> int | None:
    """The integer of an INT/LONG parameter, or ``None`` if it is malformed."""
    kind = type(value)
    if kind is int:
        number: int = value  # type: ignore[assignment]
        return number if -_LIMIT < number < _LIMIT else None
    if kind is str:
        text: str = value  # type: ignore[assignment]
        digits = text[1:] if text.startswith("-") else text
        if digits.isdigit() and digits.isascii() and len(digits) <= 20:
            return int(text)
        return None
    if kind is float or kind is Decimal:
        decimal = Decimal(repr(value)) if kind is float else value
        assert isinstance(decimal, Decimal)
        # The magnitude first, in O(1): int(Decimal("1e1000000")) takes half a minute.
        if (
            decimal.is_finite()
            and (not decimal or decimal.adjusted() < 20)
            and decimal == decimal.to_integral_value()
        ):
            return int(decimal)  # |decimal| < 10**20, as the check on ints asks
        return None
    if isinstance(value, bool):
        return None
    converted = builtin_scalar(value)  # numpy.int64 as int, numpy.float64 as its repr
    return None if converted is value else read_int(converted)


# --------------------------------------------------------------------------- parsing


def read_order(params: Mapping[str, object]) -> ParsedOrder:
    """Read an ``order.place`` params mapping; never raises (problems become violations).

    ``null`` means "not sent", and so do a float NaN (Python's or numpy's), ``pd.NA``
    and ``pd.NaT`` (what pandas holds for a missing value; JSON has none, D29);
    ``""`` gets ``-1105`` and is then not sent; a malformed number gets
    ``-1100`` and is then not sent (D29). A name ``order.place`` does not read is
    kept in ``unread`` (``-1104``, D52), ``""`` included, and otherwise ignored.
    """
    order = object.__new__(ParsedOrder)
    values = order.__dict__  # the builder's one way in: ParsedOrder refuses setattr
    if type(params) is not dict and not isinstance(params, Mapping):  # dict: the fast path
        values["symbol_problem"] = _mandatory_symbol()
        return order
    problems: list[Violation] | None = None
    unreadable: set[str] | None = None
    unread: list[str] | None = None
    specs = PARAMS
    decimal_text = _DECIMAL_TEXT.fullmatch
    for wire, value in params.items():
        spec = specs.get(wire)
        if spec is not None and value.__class__ is str and value:
            # The common case first: a non-empty string of a name read; a decimal
            # read_decimal takes (the same strings, DECIMAL_RANGE's) as it reads it.
            attr, kind = spec
            if kind == _STR:
                values[attr] = value
                continue
            if kind == _DEC and decimal_text(value):
                values[attr] = Decimal(value)
                continue
        if value is None or (type(value) is not str and is_absent(value)):
            continue
        problem: Violation | None = None
        if spec is None and wire not in READ_NOT_JUDGED:
            # D52: a name order.place does not read ("" included): -1104, then ignored.
            if unread is None:
                unread = []
            unread.append(str(wire))
            continue
        if type(value) is str and value == "":
            if wire == "symbol":
                values["symbol_problem"] = param_empty("symbol")
                continue
            problem = param_empty(wire)
        elif spec is None:
            continue
        else:
            attr, kind = spec
            if kind == _DEC:
                number = read_decimal(value)
                if number is None:
                    problem = illegal_chars(wire, value, DECIMAL_RANGE)
                else:
                    values[attr] = number
            elif kind == _INT:
                integer = read_int(value)
                if integer is None:
                    problem = illegal_chars(wire, value, INT_RANGE)
                else:
                    values[attr] = integer
            else:
                # An enum sent as a number or a list is simply not a valid value:
                # it gets the enum's own error (-1115/-1116/-1117) or -1121 for the symbol.
                values[attr] = value if type(value) is str else _text(value)
        if problem is not None:
            if problems is None:
                problems, unreadable = [], set()
            problems.append(problem)
            unreadable.add(wire)  # type: ignore[union-attr]
    if problems is not None:
        values["problems"] = tuple(problems)
        values["unreadable"] = frozenset(unreadable or ())
    if unread is not None:
        values["unread"] = tuple(unread)
        values["sent"] = sum(1 for value in params.values() if value is not None)
    if order.symbol is None and order.symbol_problem is None:
        values["symbol_problem"] = _mandatory_symbol()
    return order


def read_well_formed(params: dict[str, Any]) -> ParsedOrder:
    """:func:`read_order` of params the fast path has read whole and found
    well-formed (:data:`~rules.checker.fastpath.FILTERS`): every name is one
    ``order.place`` reads, every decimal a string :func:`read_decimal` takes
    (the fast path matched it against :data:`DECIMAL_RANGE`'s set, so
    ``Decimal(text)`` is its reading), nothing is ``""``: no problem, nothing
    unread, the same values (tests compare it with :func:`read_order`).

    Read by a function written once per tuple of keys (:func:`_well_formed_reader`;
    a rejected order is read again after its fast check, issue 11)."""
    keys = tuple(params)
    read = _WELL_FORMED.get(keys)
    if read is None:
        read = _well_formed_reader(keys)
    return read(params)


#: Key tuples of well-formed params -> their reader (keys come from the input: bounded).
_WELL_FORMED: dict[tuple[object, ...], Callable[[dict[str, Any]], ParsedOrder]] = {}
#: Key tuples ``_WELL_FORMED`` keeps at most; past it, an unseen tuple is read by the
#: loop (not compiled on every call).
MOST_KEY_TUPLES: Final = 256


def _well_formed_reader(keys: tuple[object, ...]) -> Callable[[dict[str, Any]], ParsedOrder]:
    """:func:`read_well_formed` for params with these keys: a function that takes each
    name read (:data:`PARAMS`) unless ``None`` (not sent), a DECIMAL as
    ``Decimal(text)``, a STRING as itself (``_text`` of another type), and leaves
    out every other name (:data:`READ_NOT_JUDGED`), in the order of the keys, as
    :func:`_read_well_formed` does; that loop itself for a key that is not a ``str``."""
    if len(_WELL_FORMED) >= MOST_KEY_TUPLES or not all(type(key) is str for key in keys):
        return _read_well_formed  # full (nothing compiled per call), or an odd key
    # The common case first: every name sent with a value, each STRING a str. Then
    # the dict is one display (a value read once each); else the same reading name
    # by name (a value None is not sent, another type is read as its text).
    read = [(wire, *PARAMS[wire]) for wire in keys if wire in PARAMS]
    lines = ["def read(p):"]
    lines += [f"    v{i} = p[{wire!r}]" for i, (wire, _, _) in enumerate(read)]
    common = [
        f"v{i}.__class__ is str" if kind == _STR else f"v{i} is not None"
        for i, (_, _, kind) in enumerate(read)
    ]
    if read and all(kind != _INT for _, _, kind in read):
        fields = ", ".join(
            f"{attr!r}: D(v{i})" if kind == _DEC else f"{attr!r}: v{i}"
            for i, (_, attr, kind) in enumerate(read)
        )
        lines += [
            f"    if {' and '.join(common)}:",
            "        order = new(ParsedOrder)",
            f"        set_dict(order, '__dict__', {{{fields}}})",
            "        return order",
        ]
    lines.append("    d = {}")
    for i, (_, attr, kind) in enumerate(read):
        lines.append(f"    if v{i} is not None:")
        if kind == _DEC:
            lines.append(f"        d[{attr!r}] = D(v{i})")
        elif kind == _STR:
            lines.append(f"        d[{attr!r}] = v{i} if v{i}.__class__ is str else text(v{i})")
        else:  # pragma: no cover - the fast path takes no INT parameter
            lines.append(f"        d[{attr!r}] = read_int(v{i})")
    lines += ["    order = new(ParsedOrder)", "    set_dict(order, '__dict__', d)"]
    lines.append("    return order")
    namespace: dict[str, Any] = {
        "D": Decimal,
        "text": _text,
        "read_int": read_int,
        "new": object.__new__,
        "set_dict": object.__setattr__,
        "ParsedOrder": ParsedOrder,
    }
    exec("\n".join(lines), namespace)
    reader: Callable[[dict[str, Any]], ParsedOrder] = namespace["read"]
    if len(_WELL_FORMED) < MOST_KEY_TUPLES:  # threads may have filled it meanwhile
        _WELL_FORMED[keys] = reader
    return reader


def _read_well_formed(params: dict[str, Any]) -> ParsedOrder:
    """:func:`read_well_formed`, by a loop over the params."""
    order = object.__new__(ParsedOrder)
    values = order.__dict__
    specs = PARAMS
    for wire, value in params.items():
        spec = specs.get(wire)
        if spec is None or value is None:
            continue  # a name read and never judged (READ_NOT_JUDGED), or not sent
        attr, kind = spec
        if kind == _DEC:
            values[attr] = Decimal(value)
        elif kind == _STR:
            values[attr] = value if type(value) is str else _text(value)
        else:  # pragma: no cover - the fast path takes no INT parameter
            values[attr] = read_int(value)
    return order


def _text(value: object) -> str:
    # str(), except where it cannot: an int past Python's 4300 digits, a deep list.
    try:
        return str(value)
    except (ValueError, RecursionError):
        return bounded_repr(value)


def _mandatory_symbol() -> Violation:
    return mandatory_missing("symbol")


def read_typed_order(order: Order) -> ParsedOrder:
    """Read a typed :class:`Order` the way :func:`read_order` reads params.

    The values are already typed, but they still have to be legal: a negative,
    non-finite or over-long ``Decimal`` gets ``-1100`` and ``""`` gets ``-1105``.
    """
    params: dict[str, Any] = {}
    for attr, wire in WIRE_NAMES.items():
        value = getattr(order, attr)
        if value is not None:
            params[wire] = value
    return read_order(params)


def parse_order(params: Mapping[str, object]) -> tuple[Order, tuple[Violation, ...]]:
    """The typed :class:`Order` of a params mapping, and the reading problems.

    >>> order, problems = parse_order({"symbol": "BTCUSDT", "quantity": "1,5"})
    >>> order.quantity is None, [p.code for p in problems]
    (True, [-1100])
    """
    parsed = read_order(params)
    problems = list(parsed.problems)
    if parsed.symbol_problem is not None:
        problems.insert(0, parsed.symbol_problem)
    unread = parsed.unread_problem()
    if unread is not None:
        problems.insert(0, unread)  # D53: -1104 comes first
    return parsed.to_order(), tuple(problems)


def read_any(order: Mapping[str, object] | Order | object) -> ParsedOrder:
    """Read what a caller passed as an order, as the checker and the fixer both do.

    An :class:`Order` is read as typed; anything else as ``order.place`` params
    (what is not a mapping gets ``-1102`` for ``symbol``). Never raises.
    """
    if isinstance(order, Order):
        return read_typed_order(order)
    return read_order(order)  # type: ignore[arg-type]
