"""Exact decimal arithmetic: the one context, strict parsing, the grid test, wire formatting.

Rules this module keeps (STYLE.md §2.3):

1. Exchange data becomes a ``Decimal`` only from a plain decimal string
   (``"0.00100000"``, ``"92233720368.54775807"``); a float is an error, never
   a silent conversion.
2. No arithmetic depends on the thread's decimal context: :data:`CONTEXT` has
   enough precision for any Binance value and traps ``Inexact``, so a result
   that would need rounding raises instead of passing silently.
3. A value goes back to the wire as a plain decimal string, never in exponent
   notation (``format(d, "f")``).
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    Context,
    Decimal,
    Inexact,
    InvalidOperation,
    Overflow,
    Underflow,
)

__all__ = [
    "CONTEXT",
    "MAX_INTEGER_DIGITS",
    "MAX_PLACES",
    "MAX_TIMESTAMP_MS",
    "PLAIN_DECIMAL",
    "UNBOUNDED",
    "bounded_repr",
    "builtin_scalar",
    "describe",
    "in_range",
    "is_absent",
    "is_multiple",
    "parse_plain_decimal",
    "to_plain_string",
    "to_plain_string_on_step",
]

#: The one context for arithmetic on exchange values. 60 digits hold the
#: product of two int64-sized values with 8 places each; anything that would
#: still need rounding raises ``Inexact``.
CONTEXT = Context(prec=60, traps=[Inexact, InvalidOperation, Overflow, Underflow])
#: For what can need more than 60 digits: a product of two 20.20-digit order
#: values (D29), a caller's market price times a multiplier, the grid test of a
#: long value on a long step. At this precision every product is exact, and
#: libmpdec only spends the digits used.
UNBOUNDED = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation])

# Binance writes every price and quantity as a plain decimal string: digits,
# an optional fraction, no exponent, no sign other than an optional minus.
# (Leading zeros are refused too: they would not survive a round trip.)
PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_PLAIN = PLAIN_DECIMAL


#: Outside numbers are bounded before any arithmetic, formatting or ``int()``: at most
#: this many integer digits (D29's 20, ``10**20`` excluded) ...
MAX_INTEGER_DIGITS = 20
#: ... and at most this many places (twice D29's 20: room for any price Binance
#: could compute, while ``1e-425000000`` never reaches arithmetic).
MAX_PLACES = 40


#: The latest instant accepted from outside, in ms since the epoch:
#: 9999-12-31T23:59:59.999Z, the last one :mod:`datetime` can show.
MAX_TIMESTAMP_MS = 253_402_300_799_999


def in_range(value: Decimal) -> bool:
    """Whether a finite ``value`` has at most :data:`MAX_INTEGER_DIGITS` integer digits
    and :data:`MAX_PLACES` places; O(1), whatever the exponent.

    >>> in_range(Decimal("64210.55")), in_range(Decimal("1e20")), in_range(Decimal("1e-41"))
    (True, False, False)
    """
    if not value.is_finite():
        return False
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -MAX_PLACES:
        # Trailing zeros do not count: 1.000...0 (50 places) is 1, in range.
        value = value.normalize(UNBOUNDED)
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        if exponent < -MAX_PLACES:
            return False
    return not value or value.adjusted() < MAX_INTEGER_DIGITS


class _BoundedRepr(reprlib.Repr):
    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 1000:  # repr() refuses past 4300 digits; it is slow before
            return f"<an integer of about {int(x.bit_length() * 0.30103) + 1} digits>"
        return super().repr_int(x, level)


_REPR = _BoundedRepr()
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 120
_REPR.maxlevel = 4


def bounded_repr(value: object) -> str:
    """``repr(value)`` for messages: at most ~120 characters, and it never raises.

    >>> bounded_repr("BTCUSDT"), bounded_repr(10**5000)
    ("'BTCUSDT'", '<an integer of about 5001 digits>')
    """
    try:
        return _REPR.repr(value)
    except Exception:
        return f"<a {type(value).__name__}>"


def describe(value: object) -> str:
    """How an unexpected JSON value is named in an error message.

    >>> describe(None), describe(True), describe(7), describe("x"), describe([])
    ('null', 'boolean true', 'integer 7', "string 'x'", 'an array')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"integer {bounded_repr(value)}"
    if isinstance(value, float):
        return f"float {value!r}"
    if isinstance(value, str):
        return f"string {value!r}" if len(value) <= 40 else f"string {value[:37]!r}..."
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    return type(value).__name__


def parse_plain_decimal(text: str) -> Decimal:
    """Parse a plain decimal string exactly, keeping its places (``"1.00"`` stays ``1.00``).

    Raises:
        ValueError: ``text`` is not a plain decimal string (exponent, spaces,
            ``NaN``, ``Infinity``, empty, ...).
    """
    if not _PLAIN.fullmatch(text):
        raise ValueError(f"expected a decimal string, got {text!r}")
    return Decimal(text)


def is_multiple(value: Decimal, step: Decimal, offset: Decimal | None = None) -> bool:
    """Whether ``(value - offset) % step == 0``, exactly; a zero step disables the test (D12).

    >>> is_multiple(Decimal("30000.01"), Decimal("0.01"))
    True
    >>> is_multiple(Decimal("30000.015"), Decimal("0.01"))
    False
    >>> is_multiple(Decimal("7"), Decimal("0"))
    True
    """
    if not step:
        return True
    try:
        if offset is not None:
            value = CONTEXT.subtract(value, offset)
        return not CONTEXT.remainder(value, step)
    except (Inexact, InvalidOperation):
        # Beyond CONTEXT's 60 digits (a 20-digit price on a 46-place tick):
        # the same test on integers, which have no size limit.
        return _is_multiple_unbounded(value, step, offset)


def _is_multiple_unbounded(value: Decimal, step: Decimal, offset: Decimal | None) -> bool:
    numbers = [value, step] if offset is None else [value, step, offset]
    exponent = min(int(n.as_tuple().exponent) for n in numbers)
    scaled = [int(n.scaleb(-exponent, UNBOUNDED)) for n in numbers]
    if offset is not None:
        scaled[0] -= scaled[2]
    return scaled[0] % scaled[1] == 0


def to_plain_string(value: Decimal) -> str:
    """The wire form of ``value``: a plain decimal string with its own places.

    >>> to_plain_string(Decimal("1E-8"))
    '0.00000001'
    >>> to_plain_string(Decimal("0.00000100"))
    '0.00000100'
    """
    return format(value, "f")


def to_plain_string_on_step(value: Decimal, step: Decimal) -> str:
    """The wire form of ``value`` on a grid of ``step``: plain, with the step's places.

    The places are those of ``step`` without its trailing zeros (``"0.01000000"``
    gives 2), or more if ``value`` needs them (an old-era grid offset by
    ``minPrice``, D17); a zero ``step`` keeps only the places ``value`` needs.
    The digits never change: a value that would need rounding raises.

    >>> to_plain_string_on_step(Decimal("30000"), Decimal("0.01000000"))
    '30000.00'
    >>> to_plain_string_on_step(Decimal("0.12345000"), Decimal("0.00001"))
    '0.12345'
    >>> to_plain_string_on_step(Decimal("2E+3"), Decimal("10"))
    '2000'
    """
    places = max(0, -_exponent(CONTEXT.normalize(step)), -_exponent(CONTEXT.normalize(value)))
    return format(CONTEXT.quantize(value, Decimal(1).scaleb(-places)), "f")


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"expected a finite decimal, got {value!r}")
    return exponent


# ------------------------------------------------------------------ numpy and pandas values
# Read by duck typing: nothing here imports numpy or pandas.

#: The types pandas uses for "missing" (pd.NA, pd.NaT), by name.
_MISSING_TYPES = frozenset({"NAType", "NaTType"})


def is_absent(value: object) -> bool:
    """Whether ``value`` means "not sent": ``None``, pandas' ``pd.NA`` or ``pd.NaT``,
    or a float NaN, Python's or numpy's (what a pandas column, ``df.to_dict("records")``
    and ``df.itertuples()`` hold for a missing value).

    JSON has no NaN, so no request on the wire carries one (D29 is about the wire:
    the command line reads a ``NaN`` token as the malformed string it is, ``-1100``);
    in Python a float NaN is pandas' missing marker. ``Decimal("NaN")`` and the
    string ``"NaN"`` are malformed numbers (D29, ``-1100``).

    >>> is_absent(None), is_absent(float("nan")), is_absent("NaN"), is_absent(0)
    (True, True, False, False)
    """
    if value is None:
        return True
    kind = type(value)
    if kind is float:
        return value != value  # NaN is the one value unequal to itself
    if kind is str or kind is int or kind is Decimal:
        return False
    if kind.__name__ in _MISSING_TYPES:
        return True
    if isinstance(value, float) or hasattr(value, "dtype"):
        try:
            return bool(value != value)  # NaN is the one value unequal to itself
        except (TypeError, ValueError):
            return False
    return False


def builtin_scalar(value: object) -> object:
    """``value`` as the built-in type it stands for: a numpy integer as ``int``, a numpy
    string as ``str``, a float (Python's or numpy's, float32 included) as the ``Decimal``
    of its shortest repr (``np.float64(0.1)`` is ``Decimal("0.1")``, never the repr
    numpy 2 prints, ``np.float64(0.1)``); ``bool`` (numpy's too) and anything else
    unchanged. A NaN or infinite float becomes ``Decimal("NaN")``/``Decimal("Infinity")``.

    >>> builtin_scalar(0.1), builtin_scalar(True), builtin_scalar("1.5")
    (Decimal('0.1'), True, '1.5')
    """
    kind = type(value)
    if kind is str or kind is int or kind is Decimal or kind is bool:
        return value
    if kind is float:
        return Decimal(repr(value))
    if isinstance(value, bool) or kind.__name__ == "bool" or kind.__name__ == "bool_":
        return value
    if isinstance(value, float):
        return Decimal(float.__repr__(value))  # numpy.float64 is a float
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Decimal):
        return Decimal(value)
    if getattr(value, "ndim", 0):
        return value  # an array of values stands for no scalar (its int() raises)
    dtype = getattr(value, "dtype", None)
    kind_code = getattr(dtype, "kind", None)
    if kind_code in ("i", "u"):
        return int(value)  # type: ignore[call-overload]
    if kind_code == "f":
        # numpy prints the shortest repr that round-trips at the value's own precision
        # (str(np.float32(0.1)) == "0.1"), as Python's repr does for a float.
        try:
            return Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - numpy always prints a number
            return value
    return value
