"""The two ways of building a Context (both written by hand for speed) never disagree.

``Context.from_mapping`` reads the camelCase JSON form; ``Context(...)`` takes
the snake_case fields. Over any mix of keys and values, good or bad (strings
plain or not, ints, floats, Decimals finite or not, booleans, lists, None),
either both build equal contexts holding the values ``Context`` always held
(a Decimal for a price, an int for a count, a frozenset of strings), or both
refuse, each with a message naming the field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rules.checker.context import _COUNTS, _PRICES, Context

KEYS = {**_PRICES, **_COUNTS, "permissions": "permissions"}

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.from_regex(r"-?[0-9]{1,6}(\.[0-9]{1,8})?", fullmatch=True),
    st.sampled_from(["", "1e5", " 1", "+1", "01", "1.", ".5", "NaN", "٣", "-0", "0.0"]),
    st.lists(st.sampled_from(["SPOT", "MARGIN"]), max_size=3),
    st.lists(st.integers(), min_size=1, max_size=2),
)


@given(st.dictionaries(st.sampled_from(sorted(KEYS)), ANY_VALUE, max_size=5))
def test_from_mapping_and_the_constructor_agree(data: dict[str, Any]) -> None:
    snake = {KEYS[key]: value for key, value in data.items()}
    try:
        mapped: Context | None = Context.from_mapping(data)
    except ValueError as error:
        mapped = None
        mapped_error = str(error)
    try:
        direct: Context | None = Context(**snake)
    except (TypeError, ValueError) as error:
        direct = None
        direct_error = str(error)
    if mapped is None or direct is None:
        # Both refuse the same inputs, each in its own words and error type.
        assert mapped is None, (data, direct_error)
        assert direct is None, (data, mapped_error)
        assert mapped_error.startswith("context.")
        assert direct_error.startswith("Context.")
        return
    assert mapped == direct
    assert hash(mapped) == hash(direct)
    for name in (*_PRICES.values(), *_COUNTS.values(), "permissions"):
        got, want = getattr(mapped, name), getattr(direct, name)
        assert type(got) is type(want)
        if isinstance(got, Decimal):
            assert str(got) == str(want)  # the same digits and places, not only equal values
            assert got.is_finite()
            assert got >= 0
        elif name in _COUNTS.values():
            assert got is None or (type(got) is int and got >= 0)
        elif name == "permissions":
            assert got is None or isinstance(got, frozenset)
    assert Context.from_mapping(mapped.to_mapping()) == mapped
