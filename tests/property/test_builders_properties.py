"""The hot paths' builders make exactly what the general ones make (issue 11).

- :func:`~rules.checker.violations.make_violation` and
  :func:`~rules.checker.violations.make_verdict` build, through the slots, the
  same objects as ``Violation(...)`` and ``Verdict(...)``: equal, same hash,
  repr, JSON, pickle and ``attrs.evolve``.
- :func:`~rules.checker.request.places` (from the plain string) counts the
  decimals ``as_tuple()`` counts, for any Decimal (D38, D39).
- :func:`~rules.checker.order.read_order`'s fast lane for decimal strings takes
  exactly the strings :func:`~rules.checker.order.read_decimal` reads.
"""

from __future__ import annotations

import pickle
from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st

from rules.checker.order import _DECIMAL_TEXT, read_decimal
from rules.checker.request import places
from rules.checker.violations import (
    Explanation,
    Verdict,
    Violation,
    make_verdict,
    make_violation,
)

_texts = st.one_of(st.none(), st.text(max_size=12))
_values = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=8),
    st.decimals(allow_nan=False),
    st.tuples(st.text(max_size=3)),
)
_explanations = st.one_of(
    st.text(max_size=20),
    st.builds(lambda x: Explanation("value {}".format, x), st.integers()),
)


@given(
    st.integers(-3000, 0),
    st.text(max_size=20),
    _texts,
    _texts,
    _values,
    _values,
    _explanations,
    _texts,
)
def test_make_violation_is_the_constructor(
    code: int,
    msg: str,
    filter_type: str | None,
    field: str | None,
    value: object,
    limit: object,
    explanation: str | Explanation,
    leg: str | None,
) -> None:
    made = make_violation(code, msg, filter_type, field, value, limit, explanation, leg)
    built = Violation(
        code=code,
        msg=msg,
        filter_type=filter_type,
        field=field,
        value=value,
        limit=limit,
        explanation=explanation,
        leg=leg,
    )
    assert type(made) is Violation
    assert made == built
    assert hash(made) == hash(built)
    assert repr(made) == repr(built)
    assert str(made) == str(built)
    assert made.to_json() == built.to_json()
    assert attrs.astuple(made) == attrs.astuple(built)
    assert pickle.loads(pickle.dumps(made)) == built
    assert attrs.evolve(made, leg="above") == attrs.evolve(built, leg="above")


@given(
    st.booleans(),
    st.lists(
        st.builds(
            make_violation,
            st.integers(-3000, 0),
            st.text(max_size=5),
            _texts,
            _texts,
            _values,
            _values,
            st.text(max_size=5),
        ),
        max_size=3,
    ).map(tuple),
    st.lists(st.text(max_size=8), max_size=3).map(tuple),
)
def test_make_verdict_is_the_constructor(
    accepted: bool, violations: tuple[Violation, ...], unchecked: tuple[str, ...]
) -> None:
    made = make_verdict(accepted, violations, unchecked)
    built = Verdict(accepted, violations, unchecked)
    assert type(made) is Verdict
    assert made == built
    assert hash(made) == hash(built)
    assert repr(made) == repr(built)
    assert made.to_json() == built.to_json()
    assert pickle.loads(pickle.dumps(made)) == built
    assert bool(made) is accepted


@given(st.decimals() | st.from_regex(r"[0-9]{1,20}(\.[0-9]{1,40})?", fullmatch=True).map(Decimal))
def test_places_counts_what_as_tuple_counts(value: Decimal) -> None:
    exponent = value.as_tuple().exponent
    assert places(value) == (-exponent if isinstance(exponent, int) and exponent < 0 else 0)


@given(
    st.text(alphabet="0123456789.٣²+-eE_ ", max_size=45)
    | st.from_regex(r"[0-9]{1,22}(\.[0-9]{0,22})?", fullmatch=True)
)
def test_read_orders_decimal_pattern_is_read_decimal(text: str) -> None:
    """read_order's fast lane takes exactly the strings read_decimal reads, as it reads them."""
    number = read_decimal(text)
    assert (number is not None) == bool(_DECIMAL_TEXT.fullmatch(text))
    if number is not None:
        assert str(number) == str(Decimal(text))
