"""Tests of :mod:`rules.checker.permissions`: the permission-set rule (D19, D20, D36)."""

from __future__ import annotations

import doctest
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rules
import rules.checker.permissions
from rules.checker.permissions import (
    EXCHANGE_INFO_DEFAULT_PERMISSIONS,
    PermissionVerdict,
    evaluate_permissions,
    required_permission_sets,
    symbols_matching_permissions,
    tradable_symbols,
)
from rules.model.load import load_path, loads
from rules.model.models import ExchangeInfo, SymbolInfo

SHARED = Path(__file__).resolve().parents[2] / "shared"
DOCS = Path(__file__).resolve().parents[1] / "docs"
EXCHANGE_INFO = SHARED / "data" / "exchange_info"
VECTORS = SHARED / "vectors"

NOT_PERMITTED = "This symbol is not permitted for this account."


def symbol(**wire: Any) -> SymbolInfo:
    """A symbol loaded from its wire fields (camelCase), as a snapshot would give it."""
    base = {"symbol": "X", "status": "TRADING", "baseAsset": "A", "quoteAsset": "B", "filters": []}
    return loads({"symbols": [{**base, **wire}]})["X"]


@functools.cache
def snapshot(name: str) -> ExchangeInfo:
    return load_path(EXCHANGE_INFO / name)


@functools.cache
def vector_info() -> ExchangeInfo:
    return load_path(VECTORS / "syn-permissions.exchangeinfo.json")


TWO_SETS = {
    "permissions": [],
    "permissionSets": [["SPOT", "MARGIN"], ["TRD_GRP_004", "TRD_GRP_005"]],
}
THREE_SETS = {
    "permissions": [],
    "permissionSets": [["SPOT"], ["TRD_GRP_002", "TRD_GRP_003"], ["TRD_GRP_010"]],
}


class TestRule:
    """OR within a set, AND across sets; the legacy list is one set; D19's order of fields."""

    @pytest.mark.parametrize(
        ("wire", "account", "permitted", "failing", "explanation"),
        [
            # one set: any of its permissions will do
            pytest.param(
                {"permissionSets": [["SPOT", "MARGIN"]]},
                ["MARGIN"],
                True,
                (),
                "permitted: account has MARGIN",
                id="one-set-second-entry",
            ),
            pytest.param(
                {"permissionSets": [["SPOT", "MARGIN"]]},
                ["SPOT", "MARGIN"],
                True,
                (),
                "permitted: account has SPOT",
                id="one-set-both-inclusive-or",
            ),
            pytest.param(
                {"permissionSets": [["SPOT", "MARGIN"]]},
                ["LEVERAGED"],
                False,
                (("SPOT", "MARGIN"),),
                "not permitted: needs one of SPOT, MARGIN; account has none of them",
                id="one-set-none",
            ),
            pytest.param(
                {"permissionSets": [["TRD_GRP_004"]]},
                ["SPOT"],
                False,
                (("TRD_GRP_004",),),
                "not permitted: needs TRD_GRP_004; account has none of them",
                id="one-set-single-entry",
            ),
            # several sets: one of each
            pytest.param(
                TWO_SETS,
                ["MARGIN", "TRD_GRP_005"],
                True,
                (),
                "permitted: account has MARGIN (set 1 of 2) and TRD_GRP_005 (set 2 of 2)",
                id="two-sets-both",
            ),
            pytest.param(
                TWO_SETS,
                ["SPOT", "MARGIN"],
                False,
                (("TRD_GRP_004", "TRD_GRP_005"),),
                "not permitted: needs one of TRD_GRP_004, TRD_GRP_005 (set 2 of 2);"
                " account has none of them",
                id="two-sets-second-fails",
            ),
            pytest.param(
                TWO_SETS,
                ["TRD_GRP_004"],
                False,
                (("SPOT", "MARGIN"),),
                "not permitted: needs one of SPOT, MARGIN (set 1 of 2); account has none of them",
                id="two-sets-first-fails",
            ),
            pytest.param(
                THREE_SETS,
                ["SPOT", "TRD_GRP_003", "TRD_GRP_010"],
                True,
                (),
                "permitted: account has SPOT (set 1 of 3) and TRD_GRP_003 (set 2 of 3)"
                " and TRD_GRP_010 (set 3 of 3)",
                id="three-sets-all",
            ),
            pytest.param(
                THREE_SETS,
                ["SPOT"],
                False,
                (("TRD_GRP_002", "TRD_GRP_003"), ("TRD_GRP_010",)),
                "not permitted: needs one of TRD_GRP_002, TRD_GRP_003 (set 2 of 3)"
                " and TRD_GRP_010 (set 3 of 3); account has none of them",
                id="three-sets-two-fail",
            ),
            pytest.param(
                THREE_SETS,
                [],
                False,
                (("SPOT",), ("TRD_GRP_002", "TRD_GRP_003"), ("TRD_GRP_010",)),
                "not permitted: needs SPOT (set 1 of 3) and one of TRD_GRP_002, TRD_GRP_003"
                " (set 2 of 3) and TRD_GRP_010 (set 3 of 3); account has no permissions",
                id="three-sets-empty-account",
            ),
            # the legacy list is one OR set (changelog 2020-04-25)
            pytest.param(
                {"permissions": ["SPOT", "MARGIN"]},
                ["MARGIN"],
                True,
                (),
                "permitted: account has MARGIN",
                id="legacy-shared",
            ),
            pytest.param(
                {"permissions": ["LEVERAGED"], "isSpotTradingAllowed": False},
                ["LEVERAGED"],
                True,
                (),
                "permitted: account has LEVERAGED",
                id="legacy-leveraged-D20",
            ),
            pytest.param(
                {"permissions": ["SPOT", "MARGIN"]},
                ["TRD_GRP_004"],
                False,
                (("SPOT", "MARGIN"),),
                "not permitted: needs one of SPOT, MARGIN; account has none of them",
                id="legacy-none",
            ),
            # both fields present (D19): a non-empty permissionSets wins
            pytest.param(
                {"permissions": ["SPOT"], "permissionSets": [["MARGIN"]]},
                ["SPOT"],
                False,
                (("MARGIN",),),
                "not permitted: needs MARGIN; account has none of them",
                id="both-sets-win",
            ),
            pytest.param(
                {"permissions": ["SPOT"], "permissionSets": []},
                ["SPOT"],
                True,
                (),
                "permitted: account has SPOT",
                id="both-empty-sets-fall-back-to-list",
            ),
            pytest.param(
                {"permissions": ["SPOT"], "permissionSets": [[]]},
                ["SPOT"],
                False,
                ((),),
                "not permitted: its permission set is empty, which no account satisfies",
                id="both-empty-inner-set-wins-D36",
            ),
            # empty inner sets: OR over nothing is false (D36)
            pytest.param(
                {"permissions": [], "permissionSets": [["SPOT"], []]},
                ["SPOT"],
                False,
                ((),),
                "not permitted: set 2 of 2 is empty, which no account satisfies",
                id="half-empty-D36",
            ),
            pytest.param(
                {"permissions": [], "permissionSets": [["SPOT"], []]},
                ["MARGIN"],
                False,
                (("SPOT",), ()),
                "not permitted: needs SPOT (set 1 of 2); account has none of them;"
                " set 2 of 2 is empty, which no account satisfies",
                id="half-empty-both-fail",
            ),
            # the 2019 flags, only where neither list field exists (D19, D20)
            pytest.param(
                {"isSpotTradingAllowed": True, "isMarginTradingAllowed": False},
                ["SPOT"],
                True,
                (),
                "permitted: account has SPOT",
                id="flags-spot",
            ),
            pytest.param(
                {"isSpotTradingAllowed": False, "isMarginTradingAllowed": True},
                ["SPOT"],
                False,
                (("MARGIN",),),
                "not permitted: needs MARGIN; account has none of them",
                id="flags-margin-only",
            ),
            pytest.param(
                {"isSpotTradingAllowed": False, "isMarginTradingAllowed": False},
                ["SPOT", "MARGIN"],
                False,
                ((),),
                "not permitted: neither isSpotTradingAllowed nor isMarginTradingAllowed is true,"
                " so no account may trade this symbol",
                id="flags-both-off-D36",
            ),
            # strings are case-sensitive; unknown ones are just strings
            pytest.param(
                {"permissionSets": [["SPOT"]]},
                ["spot"],
                False,
                (("SPOT",),),
                "not permitted: needs SPOT; account has none of them",
                id="case-sensitive",
            ),
            pytest.param(
                {"permissionSets": [["SPOT"], ["TRD_GRP_999"]]},
                ["SPOT", "TRD_GRP_999"],
                True,
                (),
                "permitted: account has SPOT (set 1 of 2) and TRD_GRP_999 (set 2 of 2)",
                id="unknown-group",
            ),
        ],
    )
    def test_verdict(
        self,
        wire: dict[str, Any],
        account: list[str],
        permitted: bool,
        failing: tuple[tuple[str, ...], ...],
        explanation: str,
    ) -> None:
        verdict = evaluate_permissions(symbol(**wire), account)
        assert (verdict.permitted, verdict.failing_sets, verdict.explanation) == (
            permitted,
            failing,
            explanation,
        )

    @pytest.mark.parametrize(
        ("wire", "source", "required"),
        [
            ({"permissionSets": [["A"], ["B", "C"]]}, "permissionSets", (("A",), ("B", "C"))),
            ({"permissions": ["A", "B"]}, "permissions", (("A", "B"),)),
            ({"permissions": ["A"], "permissionSets": [["B"]]}, "permissionSets", (("B",),)),
            ({"permissions": ["A"], "permissionSets": []}, "permissions", (("A",),)),
            (
                {"isSpotTradingAllowed": True, "isMarginTradingAllowed": True},
                "flags",
                (("SPOT", "MARGIN"),),
            ),
            ({"isSpotTradingAllowed": False, "isMarginTradingAllowed": False}, "flags", ((),)),
            # D19 as written: the flags present form the OR-set, one flag alone too.
            ({"isSpotTradingAllowed": True}, "flags", (("SPOT",),)),
            ({"isMarginTradingAllowed": True}, "flags", (("MARGIN",),)),
            ({"isSpotTradingAllowed": False}, "flags", ((),)),
        ],
    )
    def test_source_and_required(
        self, wire: dict[str, Any], source: str, required: tuple[tuple[str, ...], ...]
    ) -> None:
        sym = symbol(**wire)
        verdict = evaluate_permissions(sym, ["SPOT"])
        assert (verdict.source, verdict.required) == (source, required)
        assert required_permission_sets(sym) == required


class TestCannotTell:
    """D36: no usable permission data → ``permitted is None``, never "permitted"."""

    @pytest.mark.parametrize(
        ("wire", "explanation"),
        [
            pytest.param(
                {"permissions": [], "permissionSets": []},
                "cannot tell: permissionSets is empty and permissions is empty"
                " (as in a response fetched with showPermissionSets=false)",
                id="showPermissionSets-false",
            ),
            pytest.param(
                {"permissionSets": []},
                "cannot tell: permissionSets is empty and permissions is absent"
                " (as in a response fetched with showPermissionSets=false)",
                id="sets-empty-list-absent",
            ),
            pytest.param(
                {"permissions": [], "isSpotTradingAllowed": True, "isMarginTradingAllowed": True},
                "cannot tell: permissionSets is absent and permissions is empty"
                " (the trading flags count only where neither field exists)",
                id="empty-list-no-flag-fallback-D20",
            ),
            pytest.param(
                {},
                "cannot tell: the symbol has no permissionSets, permissions or trading flags",
                id="2018-no-data",
            ),
        ],
    )
    @pytest.mark.parametrize("account", [[], ["SPOT"], ["SPOT", "MARGIN", "LEVERAGED"]])
    def test_unknown(self, wire: dict[str, Any], explanation: str, account: list[str]) -> None:
        sym = symbol(**wire)
        verdict = evaluate_permissions(sym, account)
        assert verdict.permitted is None
        assert (verdict.failing_sets, verdict.required, verdict.source) == ((), None, None)
        assert verdict.explanation == explanation
        assert required_permission_sets(sym) is None


class TestArguments:
    """The account argument: any iterable of names, never a bare string."""

    def test_bytes_for_the_query_parameter_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="must be a str or a collection of str"):
            symbols_matching_permissions(vector_info(), b"SPOT")  # type: ignore[arg-type]

    @pytest.mark.parametrize("account", ["SPOT", b"SPOT"])
    def test_string_account_is_a_type_error(self, account: Any) -> None:
        with pytest.raises(TypeError, match=r"must be an iterable of names such as \['SPOT'\]"):
            evaluate_permissions(symbol(permissions=["SPOT"]), account)
        with pytest.raises(TypeError, match="iterable of names"):
            tradable_symbols(vector_info(), account)

    def test_frozenset_is_used_as_is(self) -> None:
        account = frozenset({"SPOT"})
        assert evaluate_permissions(symbol(permissions=["SPOT"]), account).account is account

    @pytest.mark.parametrize(
        "account",
        [("SPOT", "TRD_GRP_004"), {"SPOT", "TRD_GRP_004"}, iter(["SPOT", "TRD_GRP_004"])],
        ids=["tuple", "set", "iterator"],
    )
    def test_any_iterable(self, account: Any) -> None:
        verdict = evaluate_permissions(symbol(**TWO_SETS), account)
        assert verdict.permitted is True
        assert verdict.account == frozenset({"SPOT", "TRD_GRP_004"})

    def test_repr_is_short(self) -> None:
        verdict = evaluate_permissions(
            snapshot("spot-9symbols-keyed-2025-11.json")["BTCUSDT"], ["SPOT"]
        )
        assert repr(verdict) == ("PermissionVerdict(permitted=True, failing_sets=())")

    def test_verdict_is_a_value(self) -> None:
        a = evaluate_permissions(symbol(**TWO_SETS), ["SPOT", "TRD_GRP_004"])
        b = evaluate_permissions(symbol(**TWO_SETS), ("TRD_GRP_004", "SPOT"))
        assert a == b
        assert hash(a) == hash(b)
        assert isinstance(a, PermissionVerdict)

    def test_doctests(self) -> None:
        module = doctest.testmod(rules.checker.permissions)
        page = doctest.testfile(str(DOCS / "permissions.md"), module_relative=False)
        assert (module.failed, page.failed) == (0, 0)
        assert module.attempted >= 10
        assert page.attempted >= 10

    def test_public_names(self) -> None:
        for name in (
            "EXCHANGE_INFO_DEFAULT_PERMISSIONS",
            "PermissionSets",
            "PermissionSource",
            "PermissionVerdict",
            "evaluate_permissions",
            "required_permission_sets",
            "symbols_matching_permissions",
            "tradable_symbols",
        ):
            assert name in rules.__all__
            assert getattr(rules, name) is getattr(rules.checker.permissions, name)


@pytest.mark.slow
class TestRealSnapshots:
    """Real symbols: the 2020-23 flat lists, the 2024+ single set of up to 212 names, 2019 flags."""

    @pytest.mark.parametrize(
        ("file", "name", "account", "permitted", "source"),
        [
            # 2023-08 mainnet: legacy lists with TRD_GRP_* entries
            ("spot-full-2023-08.json", "BTCUSDT", ["SPOT"], True, "permissions"),
            ("spot-full-2023-08.json", "BTCUSDT", ["TRD_GRP_006"], True, "permissions"),
            ("spot-full-2023-08.json", "BTCUSDT", ["TRD_GRP_008"], False, "permissions"),
            ("spot-full-2023-08.json", "BCCBTC", ["MARGIN"], False, "permissions"),
            ("spot-full-2023-08.json", "BCCBTC", ["MARGIN", "TRD_GRP_013"], True, "permissions"),
            ("spot-full-2023-08.json", "BTCUPUSDT", ["SPOT", "MARGIN"], False, "permissions"),
            ("spot-full-2023-08.json", "BTCUPUSDT", ["LEVERAGED"], True, "permissions"),
            ("spot-full-2023-08.json", "NBTUSDT", ["SPOT"], False, "permissions"),
            ("spot-full-2023-08.json", "NBTUSDT", ["TRD_GRP_003"], True, "permissions"),
            # 2024-09 testnet: permissions [] and permissionSets [["SPOT"]]
            ("testnet-spot-full-2024-09.json", "BTCUSDT", ["SPOT"], True, "permissionSets"),
            ("testnet-spot-full-2024-09.json", "BTCUSDT", ["MARGIN"], False, "permissionSets"),
            ("testnet-spot-full-2024-09.json", "ETHBTC", [], False, "permissionSets"),
            # 2025-11 mainnet: one set of 212 (BTCUSDT) or 210 (XRPUSDT) names
            (
                "spot-9symbols-keyed-2025-11.json",
                "BTCUSDT",
                ["TRD_GRP_245"],
                True,
                "permissionSets",
            ),
            (
                "spot-9symbols-keyed-2025-11.json",
                "BTCUSDT",
                ["TRD_GRP_241"],
                False,
                "permissionSets",
            ),
            ("spot-9symbols-keyed-2025-11.json", "BTCUSDT", ["LEVERAGED"], False, "permissionSets"),
            ("spot-9symbols-keyed-2025-11.json", "XRPUSDT", ["MARGIN"], True, "permissionSets"),
            # 2019-05: no lists, the flags (D20)
            ("spot-full-2019-05.json", "ETHBTC", ["MARGIN"], True, "flags"),
            ("spot-full-2019-05.json", "LTCBTC", ["MARGIN"], False, "flags"),
            ("spot-full-2019-05.json", "LTCBTC", ["SPOT"], True, "flags"),
        ],
    )
    def test_real_symbol(
        self, file: str, name: str, account: list[str], permitted: bool, source: str
    ) -> None:
        sym = snapshot(file)[name]
        verdict = evaluate_permissions(sym, account)
        assert (verdict.permitted, verdict.source) == (permitted, source)
        expected_failing = () if permitted else verdict.required
        assert verdict.failing_sets == expected_failing

    def test_212_entry_set(self) -> None:
        btc = snapshot("spot-9symbols-keyed-2025-11.json")["BTCUSDT"]
        (only,) = required_permission_sets(btc) or ((),)
        assert len(only) == 212
        verdict = evaluate_permissions(btc, ["TRD_GRP_001"])
        assert verdict.failing_sets == (only,)
        assert verdict.explanation == (
            "not permitted: needs one of SPOT, MARGIN, TRD_GRP_004, TRD_GRP_005, TRD_GRP_006,"
            " TRD_GRP_015, TRD_GRP_016, TRD_GRP_017, … (212 in all); account has none of them"
        )

    def test_2018_cannot_tell(self) -> None:
        info = snapshot("spot-full-2018-02.json")
        assert {evaluate_permissions(s, ["SPOT"]).permitted for s in info} == {None}
        assert tradable_symbols(info, ["SPOT"]) == ()

    @pytest.mark.parametrize(
        "file",
        [
            "spot-full-2019-05.json",
            "spot-full-2023-08.json",
            "testnet-spot-full-2024-09.json",
            "spot-9symbols-keyed-2025-11.json",
        ],
    )
    @pytest.mark.parametrize(
        "account", [["SPOT"], ["MARGIN"], ["LEVERAGED"], ["TRD_GRP_003"], ["SPOT", "TRD_GRP_009"]]
    )
    def test_helpers_agree_with_brute_force(self, file: str, account: list[str]) -> None:
        info = snapshot(file)
        tradable = tradable_symbols(info, account)
        assert tradable == tuple(s for s in info if evaluate_permissions(s, account).permitted)
        matching = symbols_matching_permissions(info, account)
        named = {
            s.symbol
            for s in info
            if any(p in account for group in required_permission_sets(s) or () for p in group)
        }
        assert {s.symbol for s in matching} == named
        # one set per real symbol: listing by a permission is trading with it
        assert matching == tradable

    def test_default_listing_2023_08(self) -> None:
        # Three TRD_GRP_003-only symbols are in this snapshot although the default
        # SPOT/MARGIN/LEVERAGED would not list them: it was not fetched with the
        # default parameter, or the default is wider than documented (docs/permissions.md).
        info = snapshot("spot-full-2023-08.json")
        listed = {s.symbol for s in symbols_matching_permissions(info)}
        assert {s.symbol for s in info} - listed == {"AXSBIDR", "NBTBIDR", "NBTUSDT"}


class TestHelpers:
    """``tradable_symbols`` and the ``permissions`` query parameter of exchangeInfo."""

    @pytest.mark.parametrize(
        ("account", "names"),
        [
            ([], []),
            (["SPOT"], ["ORSETUSDT", "LEGACYPERMUSDT"]),
            (
                ["MARGIN", "TRD_GRP_005"],
                ["AND2USDT", "ORSETUSDT", "LEGACYPERMUSDT", "FLAGSONLYUSDT"],
            ),
            (["SPOT", "TRD_GRP_002", "TRD_GRP_010"], ["AND3USDT", "ORSETUSDT", "LEGACYPERMUSDT"]),
            (["LEVERAGED"], ["LEVUPUSDT"]),
        ],
    )
    def test_tradable_symbols(self, account: list[str], names: list[str]) -> None:
        assert [s.symbol for s in tradable_symbols(vector_info(), account)] == names

    @pytest.mark.parametrize(
        ("permissions", "names"),
        [
            pytest.param(
                EXCHANGE_INFO_DEFAULT_PERMISSIONS,
                [
                    "AND2USDT",
                    "AND3USDT",
                    "ORSETUSDT",
                    "LEGACYPERMUSDT",
                    "LEVUPUSDT",
                    "FLAGSONLYUSDT",
                    "HALFEMPTYUSDT",
                ],
                id="default",
            ),
            pytest.param("TRD_GRP_004", ["AND2USDT", "ORSETUSDT"], id="one-name-as-a-string"),
            pytest.param(["TRD_GRP_010"], ["AND3USDT"], id="second-set-lists-too"),
            pytest.param(
                ["MARGIN"],
                ["AND2USDT", "ORSETUSDT", "LEGACYPERMUSDT", "FLAGSONLYUSDT"],
                id="margin",
            ),
            pytest.param([], [], id="nothing-asked"),
            pytest.param(["margin"], [], id="case-sensitive"),
        ],
    )
    def test_symbols_matching_permissions(
        self, permissions: str | tuple[str, ...] | list[str], names: list[str]
    ) -> None:
        got = symbols_matching_permissions(vector_info(), permissions)
        assert [s.symbol for s in got] == names

    def test_default_argument(self) -> None:
        assert symbols_matching_permissions(vector_info()) == symbols_matching_permissions(
            vector_info(), ["SPOT", "MARGIN", "LEVERAGED"]
        )

    def test_listed_is_not_tradable(self) -> None:
        # AND2USDT names TRD_GRP_004, yet an account holding only it may not trade there.
        assert "AND2USDT" in {
            s.symbol for s in symbols_matching_permissions(vector_info(), "TRD_GRP_004")
        }
        assert evaluate_permissions(vector_info()["AND2USDT"], ["TRD_GRP_004"]).permitted is False


def vector_cases() -> Iterator[Any]:
    with (VECTORS / "syn-permissions.jsonl").open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            case = json.loads(line)
            context = case.get("context") or {}
            if "permissions" in context and isinstance(case["params"].get("symbol"), str):
                yield pytest.param(case, id=f"{number}:{case['case']}")


VECTOR_CASES = list(vector_cases())


class TestVectors:
    """Every syn-permissions case with account permissions: -2010 ⇔ False, PERMISSIONS ⇔ None."""

    def test_cases_found(self) -> None:
        assert len(VECTOR_CASES) > 800

    @pytest.mark.parametrize("case", VECTOR_CASES)
    def test_case(self, case: dict[str, Any]) -> None:
        expected = case["expected"]
        rejected = any(
            v["code"] == -2010 and v["msg"] == NOT_PERMITTED and v["filterType"] is None
            for v in expected["violations"]
        )
        unchecked = "PERMISSIONS" in expected["unchecked"]
        verdict = evaluate_permissions(
            vector_info()[case["params"]["symbol"]], case["context"]["permissions"]
        )
        outcome = {True: "permitted", False: "rejected", None: "unchecked"}[verdict.permitted]
        want = "rejected" if rejected else "unchecked" if unchecked else "permitted"
        assert outcome == want, verdict.explanation
