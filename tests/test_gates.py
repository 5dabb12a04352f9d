"""Which requests a symbol allows (rules.checker.gates): the one table the checks read
(D22, D42-D44, D48), on real snapshots and synthetic flags, and ``rules show``'s lines."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.gates import (
    FLAG_NAMES,
    FLAG_REFUSALS,
    METHOD_FLAGS,
    allowances,
    allowed_requests,
    refusals,
)
from rules.checker.lists import LIST_SPECS
from rules.checker.methods import KNOWN_METHODS
from rules.cli.show import summary
from rules.model.load import load_path, loads
from rules.model.models import ExchangeInfo
from tests._shared import EXCHANGE_INFO

PLAIN = ("order.place", "order.test")
LISTS = (
    "orderList.place",
    "orderList.place.oco",
    "orderList.place.oto",
    "orderList.place.otoco",
    "orderList.place.opo",
    "orderList.place.opoco",
)
SOR = ("sor.order.place", "sor.order.test")


def _info(sors: bool = False, **flags: bool) -> ExchangeInfo:
    symbol: dict[str, Any] = {
        "symbol": "BTCUSDT",
        "status": "TRADING",
        "baseAsset": "BTC",
        "quoteAsset": "USDT",
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT"],
        "filters": [],
        **flags,
    }
    raw: dict[str, Any] = {"symbols": [symbol]}
    if sors:
        raw["sors"] = [{"baseAsset": "BTC", "symbols": ["BTCUSDT"]}]
    return loads(json.dumps(raw))


def test_the_table_covers_every_judged_method_and_the_lists_read_it() -> None:
    assert set(METHOD_FLAGS) == KNOWN_METHODS
    for name, spec in LIST_SPECS.items():
        assert spec.flags == METHOD_FLAGS[name]  # the check (D48) reads the same table


def test_2023_08_btcusdt() -> None:
    info = load_path(EXCHANGE_INFO / "spot-full-2023-08.json", symbols=["BTCUSDT"])
    # ocoAllowed and cancelReplaceAllowed true; no OTO/OPO/amend flag then (D22); no sors.
    assert allowed_requests(info, "BTCUSDT") == (
        *PLAIN,
        "order.cancelReplace",
        "order.amend.keepPriority",
        *LISTS,
    )
    found = {a.method: a for a in allowances(info, "BTCUSDT")}
    assert found["orderList.place.oco"].absent == ()
    assert found["orderList.place.otoco"].absent == ("otoAllowed",)
    assert found["order.amend.keepPriority"].absent == ("amendAllowed",)
    assert found["sor.order.place"].no_sor
    assert not found["sor.order.place"].allowed


def test_2025_11_keyed_btcusdt() -> None:
    info = load_path(EXCHANGE_INFO / "spot-9symbols-keyed-2025-11.json", symbols=["BTCUSDT"])
    found = {a.method: a for a in allowances(info, "BTCUSDT")}
    assert allowed_requests(info, "BTCUSDT") == (
        *PLAIN,
        "order.cancelReplace",
        "order.amend.keepPriority",
        *LISTS,
    )
    assert found["order.amend.keepPriority"].absent == ()
    assert found["orderList.place.otoco"].absent == ()
    assert found["orderList.place.opo"].absent == ("opoAllowed",)


def test_2019_every_flag_absent_forbids_nothing() -> None:
    info = load_path(EXCHANGE_INFO / "spot-full-2019-05.json", symbols=["BTCUSDT"])
    found = {a.method: a for a in allowances(info, "BTCUSDT")}
    assert allowed_requests(info, "BTCUSDT") == (
        *PLAIN,
        "order.cancelReplace",
        "order.amend.keepPriority",
        *LISTS,
    )
    assert found["orderList.place.opoco"].absent == ("otoAllowed", "opoAllowed", "ocoAllowed")
    assert found["order.cancelReplace"].absent == ("cancelReplaceAllowed",)


@pytest.mark.parametrize(
    ("flags", "refused"),
    [
        ({"ocoAllowed": False}, {"orderList.place", "orderList.place.oco", "orderList.place.otoco",
                                 "orderList.place.opoco"}),
        ({"otoAllowed": False}, {"orderList.place.oto", "orderList.place.otoco",
                                 "orderList.place.opo", "orderList.place.opoco"}),
        ({"opoAllowed": False}, {"orderList.place.opo", "orderList.place.opoco"}),
        ({"cancelReplaceAllowed": False}, {"order.cancelReplace"}),
        ({"amendAllowed": False}, {"order.amend.keepPriority"}),
        ({"ocoAllowed": True, "otoAllowed": True, "opoAllowed": True}, set()),
    ],
)  # fmt: skip
def test_synthetic_flags(flags: dict[str, bool], refused: set[str]) -> None:
    info = _info(sors=True, **flags)
    allowed = allowed_requests(info, "BTCUSDT")
    assert set(KNOWN_METHODS) - set(allowed) == refused
    found = {a.method: a for a in allowances(info, "BTCUSDT")}
    for method in refused:
        assert found[method].false == tuple(flags)


def test_sors_allow_sor() -> None:
    assert set(SOR) <= set(allowed_requests(_info(sors=True), "BTCUSDT"))
    assert not set(SOR) & set(allowed_requests(_info(), "BTCUSDT"))


@pytest.mark.parametrize("flag", ["ocoAllowed", "otoAllowed", "opoAllowed",
                                  "cancelReplaceAllowed", "amendAllowed"])  # fmt: skip
def test_what_is_refused_is_what_the_checker_rejects(flag: str) -> None:
    """The table and the checks agree: a request refused by a false flag gets its
    -2010/-2038 from evaluate, and the same request with the flag absent does not."""
    requests: dict[str, dict[str, object]] = {
        "order.cancelReplace": {"side": "BUY", "type": "MARKET", "quantity": "1",
                                "cancelReplaceMode": "STOP_ON_FAILURE", "cancelOrderId": 1},
        "order.amend.keepPriority": {"orderId": 1, "newQty": "1"},
        "orderList.place.oco": {"side": "SELL", "quantity": "1", "aboveType": "LIMIT_MAKER",
                                "abovePrice": "110", "belowType": "STOP_LOSS_LIMIT",
                                "belowPrice": "89", "belowStopPrice": "90",
                                "belowTimeInForce": "GTC"},
        "orderList.place.oto": {"workingType": "LIMIT", "workingSide": "BUY",
                                "workingPrice": "100", "workingQuantity": "1",
                                "workingTimeInForce": "GTC", "pendingType": "MARKET",
                                "pendingSide": "SELL", "pendingQuantity": "1"},
        "orderList.place.opo": {"workingType": "LIMIT", "workingSide": "BUY",
                                "workingPrice": "100", "workingQuantity": "1",
                                "workingTimeInForce": "GTC", "pendingType": "MARKET",
                                "pendingSide": "SELL"},
    }  # fmt: skip
    refusing = _info(**{flag: False})
    absent = _info()
    refused = {a.method for a in allowances(refusing, "BTCUSDT") if not a.allowed} - set(SOR)
    for method, params in requests.items():
        request = {"symbol": "BTCUSDT", **params}
        no = evaluate(refusing, request, Context(), method=method)
        codes = {(v.code, v.field) for v in no.violations}
        flagged = any(code in (-2010, -2038) and field in (flag, "symbol") for code, field in codes)
        assert flagged == (method in refused), (method, codes)
        yes = evaluate(absent, request, Context(), method=method)
        assert not any(v.code in (-2010, -2038) for v in yes.violations), (method, yes)


def test_show_says_which_requests() -> None:
    info = _info(sors=True, ocoAllowed=True, otoAllowed=False, cancelReplaceAllowed=True)
    text = summary(info["BTCUSDT"], info)
    assert (
        "  requests: order.place, order.test, order.cancelReplace, order.amend.keepPriority"
        " (amendAllowed absent), orderList.place, orderList.place.oco, sor.order.place,"
        " sor.order.test\n"
    ) in text
    assert (
        "  not allowed: orderList.place.oto (otoAllowed false), orderList.place.otoco"
        " (otoAllowed false), orderList.place.opo (otoAllowed false), orderList.place.opoco"
        " (otoAllowed false)\n"
    ) in text
    assert "no SOR" in summary(_info()["BTCUSDT"], _info())
    assert "requests:" not in summary(info["BTCUSDT"])  # without the snapshot: not said


@pytest.mark.parametrize("method", sorted(METHOD_FLAGS))
def test_refusals_are_one_per_false_flag_in_the_tables_order(method: str) -> None:
    """A false flag's answer is FLAG_REFUSALS' (D43, D44, D48), one per flag the
    request needs, in METHOD_FLAGS' order; an absent flag forbids nothing (D22)."""
    every_false = _info(**dict.fromkeys(FLAG_NAMES.values(), False))
    found = refusals(every_false.symbol("BTCUSDT"), method)
    expected = [FLAG_REFUSALS[flag][:2] for flag in METHOD_FLAGS[method]]
    assert [(v.code, v.msg) for v in found] == expected
    assert [v.field for v in found] == [FLAG_NAMES[flag] for flag in METHOD_FLAGS[method]]
    assert refusals(_info().symbol("BTCUSDT"), method) == []  # flags absent (D22)
    assert (
        refusals(_info(**dict.fromkeys(FLAG_NAMES.values(), True)).symbol("BTCUSDT"), method) == []
    )


def test_the_checks_answer_with_the_refusal_table() -> None:
    """Every judged request on a symbol with its flags false carries exactly the
    refusals of its flags (the lists, cancel-replace and amend read one table)."""
    every_false = _info(**dict.fromkeys(FLAG_NAMES.values(), False))
    for method, flags in METHOD_FLAGS.items():
        verdict = evaluate(every_false, {"symbol": "BTCUSDT"}, Context(), method=method)
        refused = {(code, msg) for code, msg, _ in FLAG_REFUSALS.values()}
        found = [(v.code, v.msg) for v in verdict.violations if (v.code, v.msg) in refused]
        assert found == [FLAG_REFUSALS[flag][:2] for flag in flags], method
