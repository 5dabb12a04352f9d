"""Properties of the permission rule (:mod:`rules.checker.permissions`).

The rule, after the exchangeInfo notes: with ``[["A"],["B","C"]]`` an account may
place orders when it holds A, and B or C (an inclusive or: holding both B and C is fine).
"""

from __future__ import annotations

from random import Random

from hypothesis import given
from hypothesis import strategies as st

from rules.checker.permissions import evaluate_permissions
from rules.model.models import SymbolInfo

# A small alphabet makes overlaps between account and sets likely; "spot" checks
# that names are case-sensitive, "TRD_GRP_777" that unknown names are just names.
NAMES = st.sampled_from(
    ["SPOT", "MARGIN", "LEVERAGED", "TRD_GRP_004", "TRD_GRP_005", "TRD_GRP_777", "spot"]
)
ACCOUNTS = st.frozensets(NAMES, max_size=5)
ONE_SET = st.lists(NAMES, max_size=4).map(tuple)
SETS = st.lists(ONE_SET, max_size=4).map(tuple)
NON_EMPTY_SETS = st.lists(ONE_SET, min_size=1, max_size=4).map(tuple)
FLAGS = st.none() | st.booleans()


def make_symbol(
    permission_sets: tuple[tuple[str, ...], ...] | None = None,
    permissions: tuple[str, ...] | None = None,
    spot: bool | None = None,
    margin: bool | None = None,
) -> SymbolInfo:
    return SymbolInfo(
        symbol="X",
        status="TRADING",
        base_asset="A",
        quote_asset="B",
        filters=(),
        permission_sets=permission_sets,
        permissions=permissions,
        is_spot_trading_allowed=spot,
        is_margin_trading_allowed=margin,
    )


SYMBOLS = st.builds(
    make_symbol,
    permission_sets=st.none() | SETS,
    permissions=st.none() | ONE_SET,
    spot=FLAGS,
    margin=FLAGS,
)


def brute_force(symbol: SymbolInfo, account: frozenset[str]) -> tuple[bool | None, list[object]]:
    """D19 read literally, with loops: the sets in force, then one name of each."""
    if symbol.permission_sets is not None and len(symbol.permission_sets) > 0:
        sets = [list(s) for s in symbol.permission_sets]
    elif symbol.permissions is not None and len(symbol.permissions) > 0:
        sets = [list(symbol.permissions)]
    elif (
        symbol.permission_sets is None
        and symbol.permissions is None
        and (
            symbol.is_spot_trading_allowed is not None
            or symbol.is_margin_trading_allowed is not None
        )
    ):
        # D19 as written: the flags present form the OR-set (one alone too).
        names = []
        if symbol.is_spot_trading_allowed:
            names.append("SPOT")
        if symbol.is_margin_trading_allowed:
            names.append("MARGIN")
        sets = [names]
    else:
        return None, []
    failing: list[object] = []
    for one_set in sets:
        held_one = False
        for name in one_set:
            for mine in account:
                if mine == name:
                    held_one = True
        if not held_one:
            failing.append(tuple(one_set))
    return not failing, failing


@given(SYMBOLS, ACCOUNTS)
def test_matches_brute_force(symbol: SymbolInfo, account: frozenset[str]) -> None:
    """The verdict and its failing sets are the literal reading of D19/D36."""
    verdict = evaluate_permissions(symbol, account)
    permitted, failing = brute_force(symbol, account)
    assert verdict.permitted is permitted
    assert list(verdict.failing_sets) == failing
    expected_start = {True: "permitted: ", False: "not permitted: ", None: "cannot tell: "}
    assert verdict.explanation.startswith(expected_start[permitted])


@given(SYMBOLS, ACCOUNTS, NAMES)
def test_adding_a_permission_never_takes_eligibility_away(
    symbol: SymbolInfo, account: frozenset[str], extra: str
) -> None:
    """An account holding more permissions satisfies at least the same sets."""
    before = evaluate_permissions(symbol, account)
    after = evaluate_permissions(symbol, account | {extra})
    if before.permitted:
        assert after.permitted is True
    if before.permitted is None:
        assert after.permitted is None
    assert set(after.failing_sets) <= set(before.failing_sets)


@given(NON_EMPTY_SETS, ONE_SET, ACCOUNTS)
def test_adding_a_set_never_grants(
    sets: tuple[tuple[str, ...], ...], extra: tuple[str, ...], account: frozenset[str]
) -> None:
    """Sets are ANDed: one more set can only take permission away."""
    before = evaluate_permissions(make_symbol(permission_sets=sets), account)
    after = evaluate_permissions(make_symbol(permission_sets=(*sets, extra)), account)
    assert before.permitted is not None
    assert after.permitted is not None
    if after.permitted:
        assert before.permitted
    assert set(before.failing_sets) <= set(after.failing_sets)


@given(ONE_SET, ACCOUNTS)
def test_a_single_set_is_any_of(any_of: tuple[str, ...], account: frozenset[str]) -> None:
    """A single set ``[["A","B"]]`` is satisfied by A or by B; the legacy list reads the same."""
    held_one = any(name in account for name in any_of)
    assert evaluate_permissions(make_symbol(permission_sets=(any_of,)), account).permitted is (
        held_one
    )
    if any_of:
        legacy = evaluate_permissions(make_symbol(permissions=any_of), account)
        assert legacy.permitted is held_one


@given(NON_EMPTY_SETS, ACCOUNTS, st.randoms(use_true_random=False))
def test_order_does_not_matter(
    sets: tuple[tuple[str, ...], ...], account: frozenset[str], random: Random
) -> None:
    """AND and OR are commutative: shuffling sets or names changes nothing but the order."""
    shuffled = [list(s) for s in sets]
    for s in shuffled:
        random.shuffle(s)
    random.shuffle(shuffled)
    a = evaluate_permissions(make_symbol(permission_sets=sets), account)
    b = evaluate_permissions(
        make_symbol(permission_sets=tuple(tuple(s) for s in shuffled)), list(account)
    )
    assert a.permitted is b.permitted
    assert sorted(map(sorted, a.failing_sets)) == sorted(map(sorted, b.failing_sets))
