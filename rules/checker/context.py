"""The changing state an order check needs: market prices and account facts.

Nothing here is ever fetched (STYLE.md §2.4): the caller passes what it knows,
and a rule that needs a missing value is listed in the verdict's ``unchecked``
instead of being passed (D15, D16, D18). Every field is optional.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from rules.model.numbers import (
    MAX_INTEGER_DIGITS,
    MAX_PLACES,
    PLAIN_DECIMAL,
    bounded_repr,
    builtin_scalar,
    in_range,
    is_absent,
    parse_plain_decimal,
)

__all__ = ["Context"]

_PRICES = {
    "avgPrice": "avg_price",
    "referencePrice": "reference_price",
    "lastPrice": "last_price",
    "basePosition": "base_position",
    "origQty": "orig_qty",
}
_COUNTS = {
    "openOrders": "open_orders",
    "openAlgoOrders": "open_algo_orders",
    "openIcebergOrders": "open_iceberg_orders",
    "openOrderLists": "open_order_lists",
    "exchangeOpenOrders": "exchange_open_orders",
    "exchangeOpenAlgoOrders": "exchange_open_algo_orders",
    "exchangeOpenIcebergOrders": "exchange_open_iceberg_orders",
    "exchangeOpenOrderLists": "exchange_open_order_lists",
    "orderAmendCount": "order_amend_count",
}
#: The largest count accepted (a Java long, as Binance's counters are).
MAX_COUNT = 2**63 - 1
#: A plain decimal string this short is within in_range's bounds (20 integer
#: digits, 40 places) without looking further.
_SHORT = MAX_INTEGER_DIGITS
#: The camelCase keys :meth:`Context.from_mapping` understands.
CONTEXT_KEYS = frozenset({*_PRICES, *_COUNTS, "permissions"})
#: Each price's and count's field -> its camelCase key (a dict context's, :func:`is_plain`).
FIELD_KEYS: Final = {name: key for key, name in (*_PRICES.items(), *_COUNTS.items())}
#: Setting a field of a frozen (slotted) class, as attrs' own __init__ does.
_set = object.__setattr__
#: What parse_plain_decimal reads, for the checks inlined on the hot paths.
_PLAIN: Final = PLAIN_DECIMAL
#: The strings of _PLAIN that do not start with "-": finite, not negative.
_UNSIGNED: Final = re.compile(PLAIN_DECIMAL.pattern.removeprefix("-?"))


def _to_decimal(value: object) -> object:
    # What reads cleanly as a number becomes a Decimal (a float as its repr,
    # never Decimal(float); a numpy scalar as the Python value it stands for);
    # anything else is left for _price to refuse.
    kind = type(value)
    if kind is not str and kind is not float and kind is not int and kind is not Decimal:
        value = builtin_scalar(value)
    if isinstance(value, str):
        try:
            return parse_plain_decimal(value)
        except ValueError:
            return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _to_permissions(value: object) -> object:
    # Any collection of strings (a list, as the account API returns it).
    if value is None or isinstance(value, frozenset | str) or not isinstance(value, Iterable):
        return value
    items = list(value)
    return frozenset(items) if all(isinstance(p, str) for p in items) else value


def _price(name: str, raw: object) -> Decimal | None:
    """A price field of ``Context(...)``: converted as :func:`_to_decimal`, then checked;
    ``None`` for pandas' missing values (a numpy NaN, ``pd.NA``)."""
    if raw.__class__ is Decimal:
        if raw.is_finite() and raw >= 0 and in_range(raw):
            return raw
    elif type(raw) is str and len(raw) <= _SHORT and _PLAIN.fullmatch(raw) and raw[0] != "-":
        return Decimal(raw)  # the common case, checked by the pattern: finite, not negative
    if is_absent(raw):
        return None
    value = _to_decimal(raw)
    if not isinstance(value, Decimal):
        raise TypeError(
            f"Context.{name}: expected a decimal (a Decimal, a plain decimal string, "
            f"an int or a float) or None, got {bounded_repr(value)}"
        )
    return _in_bounds(value, f"Context.{name}", value)


def _count(name: str, raw: object) -> int | None:
    """A count field: an int (a numpy integer is one); ``None`` for pandas' missing values."""
    value = raw
    if type(raw) is not int:
        if is_absent(raw):
            return None
        converted = builtin_scalar(raw)  # a numpy integer is an int
        value = converted if type(converted) is int else raw
    if type(value) is not int or value < 0:
        raise ValueError(
            f"Context.{name}: expected a non-negative integer, got {bounded_repr(raw)}"
        )
    if value > MAX_COUNT:
        raise ValueError(
            f"Context.{name}: out of range (at most {MAX_COUNT}), got {bounded_repr(value)}"
        )
    return value


def _permission_set(name: str, raw: object) -> frozenset[str]:
    value = _to_permissions(raw)
    if not (isinstance(value, frozenset) and all(isinstance(p, str) for p in value)):
        raise TypeError(
            f"Context.{name}: expected a collection of strings, got {bounded_repr(value)}"
        )
    return value


@attrs.frozen(init=False, slots=False)
class Context:
    """Market and account state for one check, all optional and explicit.

    Attributes:
        avg_price: the symbol's average price over ``avgPriceMins`` (``avgPrice``).
        reference_price: the symbol's reference price (2026-05-08 on, D18).
        last_price: the last trade price, used when ``avgPriceMins`` is 0 (D18).
        open_orders: open orders of the account on the symbol (MAX_NUM_ORDERS).
        open_algo_orders: open STOP_LOSS/TAKE_PROFIT(_LIMIT) orders on the symbol.
        open_iceberg_orders: open orders with ``icebergQty > 0`` on the symbol.
        open_order_lists: open order lists on the symbol (not used by
            ``order.place``, D26; kept so that one context serves every check).
        exchange_open_orders: open orders on the whole exchange.
        exchange_open_algo_orders: open algo orders on the whole exchange.
        exchange_open_iceberg_orders: open iceberg orders on the whole exchange.
        exchange_open_order_lists: open order lists on the whole exchange.
        base_position: free + locked base asset + open BUY quantity (MAX_POSITION, D16).
        permissions: the account's permissions; ``None`` means "not given", and
            then permissions are neither checked nor listed as unchecked (D19).
        orig_qty: the quantity of the order an ``order.amend.keepPriority``
            changes (``origQty``, D44); not used by ``order.place``.
        order_amend_count: how many times that order was amended
            (``orderAmendCount``, D44); not used by ``order.place``.
    """

    avg_price: Decimal | None = None
    reference_price: Decimal | None = None
    last_price: Decimal | None = None
    open_orders: int | None = None
    open_algo_orders: int | None = None
    open_iceberg_orders: int | None = None
    open_order_lists: int | None = None
    exchange_open_orders: int | None = None
    exchange_open_algo_orders: int | None = None
    exchange_open_iceberg_orders: int | None = None
    exchange_open_order_lists: int | None = None
    base_position: Decimal | None = None
    permissions: frozenset[str] | None = None
    orig_qty: Decimal | None = None
    order_amend_count: int | None = None

    # Each value is checked as the context is built, so that a bad one is a
    # clear error here, never a TypeError from deep inside a check. A price is
    # a Decimal, a plain decimal string, an int or a float (read as its repr);
    # a count an int; permissions any collection of strings. Written by hand
    # rather than generated from per-field converters and validators, and the
    # values given kept in one small __dict__ set at once rather than in 15
    # slots set one by one: a context per order is normal (issue 11), and this
    # makes a field left at None cost one test. A new field goes here too, in
    # declaration order (tests/test_context.py checks it).
    def __init__(
        self,
        avg_price: Decimal | str | float | None = None,
        reference_price: Decimal | str | float | None = None,
        last_price: Decimal | str | float | None = None,
        open_orders: int | None = None,
        open_algo_orders: int | None = None,
        open_iceberg_orders: int | None = None,
        open_order_lists: int | None = None,
        exchange_open_orders: int | None = None,
        exchange_open_algo_orders: int | None = None,
        exchange_open_iceberg_orders: int | None = None,
        exchange_open_order_lists: int | None = None,
        base_position: Decimal | str | float | None = None,
        permissions: Iterable[str] | None = None,
        orig_qty: Decimal | str | float | None = None,
        order_amend_count: int | None = None,
    ) -> None:
        if avg_price is not None and avg_price.__class__ is not Decimal:
            avg_price = _price("avg_price", avg_price)
        elif avg_price is not None and (not avg_price.is_finite() or avg_price < 0):
            _price("avg_price", avg_price)
        if reference_price is not None:
            reference_price = _price("reference_price", reference_price)
        if last_price is not None:
            last_price = _price("last_price", last_price)
        if open_orders is not None and (
            open_orders.__class__ is not int or not 0 <= open_orders <= MAX_COUNT
        ):
            open_orders = _count("open_orders", open_orders)
        if open_algo_orders is not None:
            open_algo_orders = _count("open_algo_orders", open_algo_orders)
        if open_iceberg_orders is not None:
            open_iceberg_orders = _count("open_iceberg_orders", open_iceberg_orders)
        if open_order_lists is not None:
            open_order_lists = _count("open_order_lists", open_order_lists)
        if exchange_open_orders is not None:
            exchange_open_orders = _count("exchange_open_orders", exchange_open_orders)
        if exchange_open_algo_orders is not None:
            exchange_open_algo_orders = _count(
                "exchange_open_algo_orders", exchange_open_algo_orders
            )
        if exchange_open_iceberg_orders is not None:
            exchange_open_iceberg_orders = _count(
                "exchange_open_iceberg_orders", exchange_open_iceberg_orders
            )
        if exchange_open_order_lists is not None:
            exchange_open_order_lists = _count(
                "exchange_open_order_lists", exchange_open_order_lists
            )
        if base_position is not None:
            base_position = _price("base_position", base_position)
        if permissions is not None:
            permissions = _permission_set("permissions", permissions)
        if orig_qty is not None:
            orig_qty = _price("orig_qty", orig_qty)
        if order_amend_count is not None:
            order_amend_count = _count("order_amend_count", order_amend_count)
        # Only the values given are stored: a field not in the instance's dict
        # reads as the class's None (set below the class), and a small dict is
        # several times cheaper to make than one of 15 entries.
        fields: dict[str, Any] = {}
        if avg_price is not None:
            fields["avg_price"] = avg_price
        if reference_price is not None:
            fields["reference_price"] = reference_price
        if last_price is not None:
            fields["last_price"] = last_price
        if open_orders is not None:
            fields["open_orders"] = open_orders
        if open_algo_orders is not None:
            fields["open_algo_orders"] = open_algo_orders
        if open_iceberg_orders is not None:
            fields["open_iceberg_orders"] = open_iceberg_orders
        if open_order_lists is not None:
            fields["open_order_lists"] = open_order_lists
        if exchange_open_orders is not None:
            fields["exchange_open_orders"] = exchange_open_orders
        if exchange_open_algo_orders is not None:
            fields["exchange_open_algo_orders"] = exchange_open_algo_orders
        if exchange_open_iceberg_orders is not None:
            fields["exchange_open_iceberg_orders"] = exchange_open_iceberg_orders
        if exchange_open_order_lists is not None:
            fields["exchange_open_order_lists"] = exchange_open_order_lists
        if base_position is not None:
            fields["base_position"] = base_position
        if permissions is not None:
            fields["permissions"] = permissions
        if orig_qty is not None:
            fields["orig_qty"] = orig_qty
        if order_amend_count is not None:
            fields["order_amend_count"] = order_amend_count
        _set(self, "__dict__", fields)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Context:
        """Build a context from its JSON form (camelCase keys, see :data:`CONTEXT_KEYS`).

        Prices are plain decimal strings, JSON numbers (ints or ``Decimal``) or
        floats read as their ``repr``; counts are non-negative integers;
        ``permissions`` is a list of strings. ``null`` means "not given", and so do
        a float NaN (Python's or numpy's), ``pd.NA`` and ``pd.NaT`` (pandas'
        missing values). numpy values are read as the Python values
        they stand for (``np.float64`` as its repr, ``np.int64`` as an int).

        >>> Context.from_mapping({"avgPrice": "100.5", "openOrders": 3}).avg_price
        Decimal('100.5')

        Raises:
            ValueError: an unknown key or a value of the wrong kind, named in
                the message.
        """
        if data.__class__ is dict and cls is Context:
            # The common case (a context per order is normal, issue 11): a function
            # written once per tuple of keys reads it, or declines (None).
            keys = tuple(data)
            make = _MAKERS.get(keys, _UNSEEN)
            if make is _UNSEEN:
                make = _maker(keys)
            if make is not None:
                made = make(data)  # type: ignore[operator]
                if made is not None:
                    return made  # type: ignore[no-any-return]
        elif data.__class__ is not dict and not isinstance(data, Mapping):
            raise ValueError(f"context: expected a JSON object, got {type(data).__name__}")
        values: dict[str, Any] = {}
        for key, raw in data.items():
            # The common cases first (a context per order is normal, issue 11): a
            # price as a plain decimal string, a count as an int; the same values
            # the general reading below gives them.
            kind = raw.__class__
            if kind is str:
                name = _PRICES.get(key)
                if name is not None and len(raw) <= _SHORT and _UNSIGNED.fullmatch(raw):
                    values[name] = Decimal(raw)
                    continue
            elif kind is int:
                name = _COUNTS.get(key)
                if name is not None and 0 <= raw <= MAX_COUNT:
                    values[name] = raw
                    continue
            if raw is None or (raw.__class__ is not str and is_absent(raw)):
                if key not in CONTEXT_KEYS:  # a missing value under a misspelt key
                    raise ValueError(f"context: unknown key {key!r}{_did_you_mean(key)}")
                continue
            name = _PRICES.get(key)
            if name is not None:
                if (
                    raw.__class__ is str
                    and len(raw) <= _SHORT
                    and _PLAIN.fullmatch(raw)
                    and raw[0] != "-"
                ):
                    values[name] = Decimal(raw)  # the common case: a plain decimal string
                else:
                    values[name] = _decimal(f"context.{key}", raw)
                continue
            name = _COUNTS.get(key)
            if name is not None:
                if type(raw) is not int and not isinstance(raw, bool):
                    converted = builtin_scalar(raw)  # a numpy integer is an int
                    raw = converted if type(converted) is int else raw
                if type(raw) is not int or raw < 0:
                    raise ValueError(
                        f"context.{key}: expected a non-negative integer, got {bounded_repr(raw)}"
                    )
                if raw > MAX_COUNT:
                    raise ValueError(
                        f"context.{key}: out of range (at most {MAX_COUNT}), "
                        f"got {bounded_repr(raw)}"
                    )
                values[name] = raw
            elif key == "permissions":
                values["permissions"] = _permissions("context.permissions", raw)
            else:
                raise ValueError(f"context: unknown key {bounded_repr(key)}{_did_you_mean(key)}")
        # Every value is already what Context(...) would make of it: its checks
        # are skipped (they would pass), and the given values are the fields.
        self = object.__new__(cls)
        _set(self, "__dict__", values)
        return self

    @classmethod
    def from_prices(cls, prices: object, /, **account: Any) -> Context:
        """A context from market prices plus what the caller knows of the account.

        ``prices`` is anything with ``avg_price``, ``reference_price`` and ``last_price``
        attributes, ``None`` for a missing one: a
        :class:`~rules.edge.prices.MarketPrices` from :meth:`rules.Session.prices`
        (the live prices), or ``None`` for none. ``account`` gives the other fields
        (``open_orders=3``, ``base_position="0.5"``, ``permissions={"SPOT"}``). A price
        that is ``None`` stays out, and the rules that need it come back ``unchecked``
        (D18).

        >>> from types import SimpleNamespace
        >>> live = SimpleNamespace(avg_price="100.5", reference_price=None, last_price=None)
        >>> c = Context.from_prices(live, open_orders=3)
        >>> c.avg_price, c.last_price, c.open_orders
        (Decimal('100.5'), None, 3)

        Raises:
            TypeError: ``account`` names a price (prices come from ``prices``) or a
                field this class does not have.
            ValueError: a value the context refuses, named in the message.
        """
        priced = sorted({"avg_price", "reference_price", "last_price"}.intersection(account))
        if priced:
            raise TypeError(f"prices come from the prices argument, not: {', '.join(priced)}")
        unknown = sorted(set(account) - {a.name for a in attrs.fields(cls)})
        if unknown:
            raise TypeError(f"Context has no field {', '.join(map(repr, unknown))}")
        values = {
            name: getattr(prices, name, None)
            for name in ("avg_price", "reference_price", "last_price")
        }
        return cls(**values, **account)

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form (camelCase keys; decimals as plain strings; ``None`` left out)."""
        out: dict[str, Any] = {}
        for key, name in (*_PRICES.items(), *_COUNTS.items()):
            value = getattr(self, name)
            if value is not None:
                out[key] = format(value, "f") if isinstance(value, Decimal) else value
        if self.permissions is not None:
            out["permissions"] = sorted(self.permissions)
        return out


# What a field not given reads as: the class's None (attrs removes the class
# attributes it turns into fields; an instance keeps only the values given).
for _field in attrs.fields(Context):
    setattr(Context, _field.name, None)
del _field


#: Key tuples of dict contexts -> the function that reads them (``None``: the loop of
#: ``Context.from_mapping`` does); keys come from the input, so the table is bounded.
_MAKERS: dict[tuple[object, ...], Callable[[dict[str, Any]], Context | None] | None] = {}
#: Key tuples ``_MAKERS`` keeps at most; past it, an unseen tuple is read by the loop
#: (not compiled on every call).
MOST_KEY_TUPLES: Final = 256
_UNSEEN: Final = object()


def plain_value_lines(i: int, key: str, price: bool, otherwise: str) -> list[str]:
    """Python lines reading ``c[key]`` into ``v{i}``, then running ``otherwise`` (a
    statement) unless the value is plain: a price a plain unsigned decimal ``str`` of
    at most 20 characters (``unsigned``: ``_UNSIGNED.fullmatch``), a count an ``int``
    from 0 to ``MAX_COUNT``. The one reading of a plain value written into code: by
    ``_maker`` (``Context.from_mapping``'s common path and :func:`is_plain`) and by the
    fast checks' dict judges (:func:`rules.checker.fastcode.context_judge_source`)."""
    if price:
        test = f"v{i}.__class__ is not str or len(v{i}) > {_SHORT} or unsigned(v{i}) is None"
    else:
        test = f"v{i}.__class__ is not int or v{i} < 0 or v{i} > {MAX_COUNT}"
    return [f"v{i} = c[{key!r}]", f"if {test}:", f"    {otherwise}"]


def _maker(keys: tuple[object, ...]) -> Callable[[dict[str, Any]], Context | None] | None:
    """``Context.from_mapping`` of a dict with these keys, in this order, as one
    function, for its common values: a price a plain unsigned decimal ``str`` of at
    most 20 characters (its ``Decimal``), a count an ``int`` from 0 to
    ``MAX_COUNT``, the same readings as the loop's first branch, the fields in the
    order of the keys; it returns ``None`` for any other value (the loop reads it or
    raises). ``None``: keys it does not read (``permissions``, an unknown key: the
    loop). ``tests/test_context.py`` compares the two.

    :func:`is_plain`'s test of the same keys is written here too, from the same
    lines, ending where the maker starts building (``_PLAIN_TESTS``)."""
    maker = None
    plain = _never
    if len(_MAKERS) >= MOST_KEY_TUPLES:
        return None  # full: the loop reads it, nothing compiled per call
    if keys and all(type(key) is str and (key in _PRICES or key in _COUNTS) for key in keys):
        tests = []
        fields = []
        for i, key in enumerate(keys):
            price = key in _PRICES
            read = plain_value_lines(i, key, price, "return None")  # type: ignore[arg-type]
            tests.append("".join(f"\n    {line}" for line in read))
            name = _PRICES[key] if price else _COUNTS[key]  # type: ignore[index]
            fields.append(f"{name!r}: D(v{i})" if price else f"{name!r}: v{i}")
        lines = ["def make(c):", *tests]
        lines.append("    made = new(Context)")
        lines.append(f"    set_field(made, '__dict__', {{{', '.join(fields)}}})")
        lines.append("    return made")
        lines += ["def plain(c):", *(test.replace("return None", "return False") for test in tests)]
        lines.append("    return True")
        namespace: dict[str, Any] = {
            "D": Decimal,
            "unsigned": _UNSIGNED.fullmatch,
            "new": object.__new__,
            "set_field": _set,
            "Context": Context,
        }
        exec("\n".join(lines), namespace)
        maker, plain = namespace["make"], namespace["plain"]
    if len(_MAKERS) < MOST_KEY_TUPLES:  # threads may have filled it meanwhile
        _PLAIN_TESTS[keys] = plain
        _MAKERS[keys] = maker
    return maker


def _never(data: dict[str, Any]) -> bool:
    return False


#: Key tuples of dict contexts -> :func:`is_plain`'s test of them (filled with ``_MAKERS``).
_PLAIN_TESTS: dict[tuple[object, ...], Callable[[dict[str, Any]], bool]] = {}


def is_plain(data: dict[str, Any]) -> bool:
    """Whether ``Context.from_mapping`` reads this dict on its common path (its written
    maker): every key a price or a count, a price a plain unsigned decimal ``str`` of at
    most 20 characters, a count an ``int`` from 0 to ``MAX_COUNT``. Such a dict is then
    a context as it stands: each price's ``Decimal`` of its string, each count itself,
    every other field ``None`` (what the explainers read from a dict,
    :mod:`rules.checker.explain`); ``False`` says nothing (``from_mapping`` may read it
    another way, or refuse it)."""
    if not data:
        return True  # Context(): every field None
    keys = tuple(data)
    plain = _PLAIN_TESTS.get(keys)
    if plain is None:
        if keys in _MAKERS:
            return False  # being written by another thread (or its test dropped): not known plain
        _maker(keys)
        plain = _PLAIN_TESTS.get(keys, _never)
    return plain(data)


def _did_you_mean(key: object) -> str:
    import difflib  # only an error message needs it: not imported with the checker

    if isinstance(key, str):
        folded = {k.lower(): k for k in CONTEXT_KEYS}
        close = folded.get(key.lower()) or next(
            iter(difflib.get_close_matches(key, sorted(CONTEXT_KEYS), n=1)), None
        )
        if close is not None:
            return f" (did you mean {close!r}?)"
    return f" (known: {', '.join(sorted(CONTEXT_KEYS))})"


def _decimal(where: str, raw: object) -> Decimal:
    # Prices and positions, read as _to_decimal reads them; finite and not negative.
    value = _to_decimal(raw)
    if not isinstance(value, Decimal):
        kind = "a decimal string" if isinstance(raw, str) else "a decimal"
        raise ValueError(f"{where}: expected {kind}, got {bounded_repr(raw)}")
    return _in_bounds(value, where, raw)


def _in_bounds(value: Decimal, where: str, shown: object) -> Decimal:
    """``value`` if it is finite, not negative and in range; else the ValueError
    (naming ``where``, showing ``shown``) that both readings of a price give."""
    if not value.is_finite() or value < 0:
        raise ValueError(
            f"{where}: expected a finite, non-negative decimal, got {bounded_repr(shown)}"
        )
    if not in_range(value):  # before any arithmetic: 1e425000000 is 425 MB of digits
        raise ValueError(
            f"{where}: out of range (at most {MAX_INTEGER_DIGITS} integer digits and "
            f"{MAX_PLACES} places), got {bounded_repr(shown)}"
        )
    return value


def _permissions(where: str, raw: object) -> frozenset[str]:
    value = _to_permissions(raw)
    if not isinstance(value, frozenset) or not all(isinstance(p, str) for p in value):
        raise ValueError(f"{where}: expected a list of strings, got {bounded_repr(raw)}")
    return value
