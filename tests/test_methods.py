"""The request methods judged so far (issue 13, first part): order.place, order.test
(D41), sor.order.place and sor.order.test (D42), method names, the ``v3/`` prefix and
unknown methods (D40), and what each method reads (D52)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rules import check, evaluate, is_valid, iter_violations
from rules.checker.context import Context
from rules.checker.methods import KNOWN_METHODS, plain_method
from rules.cli.main import Streams, run
from rules.errors import OrderRejected
from rules.model.load import load_path
from rules.model.models import ExchangeInfo

SHARED = Path(__file__).resolve().parents[2] / "shared"
SOR_INFO = SHARED / "vectors-next" / "methods-syn-sor.exchangeinfo.json"
CONTEXT = Context.from_mapping({"avgPrice": "100", "lastPrice": "100", "permissions": ["SPOT"]})
LIMIT: dict[str, Any] = {
    "symbol": "SORBTCUSDT",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "price": "100",
    "quantity": "0.1",
}


@pytest.fixture(scope="module")
def info() -> ExchangeInfo:
    return load_path(SOR_INFO)


def _codes(verdict: Any) -> list[tuple[int, str]]:
    return [(v.code, v.msg) for v in verdict.violations]


def test_place_is_the_default(info: ExchangeInfo) -> None:
    """D40: no method, None, ``order.place`` and ``v3/order.place`` are the same request."""
    bad = {**LIMIT, "price": "100.001"}
    base = evaluate(info, bad, CONTEXT)
    assert not base.accepted
    for method in (None, "order.place", "v3/order.place"):
        assert evaluate(info, bad, CONTEXT, method=method) == base
    assert evaluate(info, LIMIT, CONTEXT, method="v3/order.place").accepted


@pytest.mark.parametrize("method", ["ORDER.PLACE", "", "order.cancel", "exchangeInfo", "v3/x"])
def test_unknown_method_is_1020_alone(info: ExchangeInfo, method: str) -> None:
    """D40: a name that is no order request gets -1020 and nothing else, whatever the params."""
    verdict = evaluate(info, {"symbol": "NOPE", "foo": 1}, CONTEXT, method=method)
    assert _codes(verdict) == [(-1020, "This operation is not supported.")]
    assert verdict.unchecked == ()
    assert not is_valid(info, LIMIT, CONTEXT, method=method)


@pytest.mark.parametrize(
    "method", sorted(m for m in KNOWN_METHODS if plain_method(m) not in ("order.place",))
)
def test_every_order_request_is_judged(info: ExchangeInfo, method: str) -> None:
    """D40: every order request of the WebSocket API is judged, with or without ``v3/``,
    as itself (never -1020, never as another method)."""
    verdict = evaluate(info, LIMIT, CONTEXT, method=method)
    assert (-1020, "This operation is not supported.") not in _codes(verdict)
    assert evaluate(info, LIMIT, CONTEXT, method="v3/" + method) == verdict
    # LIMIT's params are order.place's: the lists and the amendment do not read them all
    unread = [v.code for v in verdict.violations if v.code == -1104]
    assert unread == (
        [] if method in ("order.test", "order.cancelReplace") or "sor" in method else [-1104]
    )


@pytest.mark.parametrize("value", [True, False, "true", "FALSE", "True", None])
def test_order_test_commission_rates(info: ExchangeInfo, value: object) -> None:
    """D41: a boolean or "true"/"false" in any case is read; the test is judged as order.place."""
    params = {**LIMIT, "computeCommissionRates": value}
    assert evaluate(info, params, CONTEXT, method="order.test").accepted
    bad = {**params, "quantity": "0.000001"}
    assert evaluate(info, bad, CONTEXT, method="order.test") == evaluate(
        info, bad | {"computeCommissionRates": None}, CONTEXT
    )


@pytest.mark.parametrize("value", ["yes", 1, "1", Decimal("0"), "true "])
def test_order_test_bad_commission_rates(info: ExchangeInfo, value: object) -> None:
    params = {**LIMIT, "computeCommissionRates": value}
    verdict = evaluate(info, params, CONTEXT, method="order.test")
    assert _codes(verdict) == [
        (-1100, "Illegal characters found in parameter 'computeCommissionRates'.")
    ]


def test_order_test_empty_commission_rates(info: ExchangeInfo) -> None:
    params = {**LIMIT, "computeCommissionRates": ""}
    verdict = evaluate(info, params, CONTEXT, method="sor.order.test")
    assert _codes(verdict) == [(-1105, "Parameter 'computeCommissionRates' was empty.")]


def test_commission_rates_on_a_place_method_is_unread(info: ExchangeInfo) -> None:
    """D41, D52: computeCommissionRates is not order.place's: -1104 (7 sent, 6 read)."""
    params = {**LIMIT, "computeCommissionRates": True}
    for method in (None, "sor.order.place"):
        verdict = evaluate(info, params, CONTEXT, method=method)
        assert _codes(verdict) == [
            (-1104, "Not all sent parameters were read; read '6' parameter(s) but was sent '7'.")
        ]


def test_sor_symbol_without_sor(info: ExchangeInfo) -> None:
    """D42: a symbol in no sors[].symbols: -1013, first of the -1013s, the order still judged."""
    params = {**LIMIT, "symbol": "NOSORUSDT", "price": "100.001"}
    verdict = evaluate(info, params, CONTEXT, method="sor.order.place")
    assert [(v.code, v.filter_type) for v in verdict.violations] == [
        (-1013, None),
        (-1013, "PRICE_FILTER"),
    ]
    assert verdict.violations[0].msg == "This symbol has no SOR."
    assert evaluate(info, LIMIT, CONTEXT, method="sor.order.place").accepted
    assert evaluate(info, {**LIMIT, "symbol": "NOSORUSDT"}, CONTEXT, method="order.place").accepted


def test_sor_types(info: ExchangeInfo) -> None:
    """D42: only LIMIT and MARKET; another valid type is -1116, then symbol-level checks only."""
    params = {**LIMIT, "type": "LIMIT_MAKER", "timeInForce": None, "price": "100.001"}
    verdict = evaluate(info, params, CONTEXT, method="sor.order.place")
    assert _codes(verdict) == [(-1116, "Invalid orderType.")]
    assert "D42" in verdict.violations[0].explanation
    market = {"symbol": "SORBTCUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.1"}
    assert evaluate(info, market, CONTEXT, method="sor.order.test").accepted


def test_sor_does_not_read_quote_order_qty(info: ExchangeInfo) -> None:
    """D42, D52: quoteOrderQty is unread (-1104) and MARKET then needs quantity (-1102)."""
    params = {"symbol": "SORBTCUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": "20"}
    verdict = evaluate(info, params, CONTEXT, method="sor.order.place")
    assert _codes(verdict) == [
        (-1104, "Not all sent parameters were read; read '3' parameter(s) but was sent '4'."),
        (-1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."),
    ]
    assert "sor.order.place does not read quoteOrderQty" in verdict.violations[0].explanation
    assert evaluate(info, params, CONTEXT, method="order.place").accepted


def test_check_and_iter_violations_take_the_method(info: ExchangeInfo) -> None:
    params = {**LIMIT, "symbol": "NOSORUSDT"}
    check(info, params, CONTEXT, method="order.test")
    with pytest.raises(OrderRejected):
        check(info, params, CONTEXT, method="sor.order.test")
    assert [v.code for v in iter_violations(info, params, CONTEXT, method="sor.order.test")] == [
        -1013
    ]


def _cli(lines: list[object]) -> tuple[int, list[dict[str, Any]], str]:
    stdin = io.StringIO("".join(json.dumps(line) + "\n" for line in lines))
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["check", "--exchange-info", str(SOR_INFO)], streams=Streams(stdin, stdout, stderr))
    return code, [json.loads(line) for line in stdout.getvalue().splitlines()], stderr.getvalue()


def test_command_line_methods() -> None:
    """Method lines: judged, with ``leg`` (null) on every violation; lines without keep their shape;
    a method that is no string is a line error."""
    ctx = {"avgPrice": "100", "lastPrice": "100"}
    nosor = {**LIMIT, "symbol": "NOSORUSDT"}
    code, out, err = _cli(
        [
            {"method": "sor.order.place", "params": nosor, "context": ctx},
            {"params": nosor, "context": ctx},
            {"method": None, "params": {**nosor, "price": "1.001"}, "context": ctx},
            {"method": "v3/order.test", "params": LIMIT, "context": ctx},
            {"method": "order.cancelReplace", "params": LIMIT},
            {"method": 5, "params": LIMIT},
            {"method": "order.cancel", "params": LIMIT},
        ]
    )
    assert code == 1
    assert out[0]["violations"] == [
        {"code": -1013, "msg": "This symbol has no SOR.", "filterType": None, "leg": None}
    ]
    assert out[1]["accepted"] is True
    assert out[2]["violations"]
    assert all(v["leg"] is None for v in out[2]["violations"])
    assert out[3]["accepted"] is True
    assert out[3]["unchecked"] == ["MAX_NUM_ORDERS"]
    # D43: judged as a cancel-replace, whose cancel side is missing
    assert "error" not in out[4]
    assert {(v["code"], v["leg"]) for v in out[4]["violations"]} == {(-1102, None)}
    assert "not a string" in out[5]["error"]
    assert [v["code"] for v in out[6]["violations"]] == [-1020]
    assert "line 5" not in err
    assert "line 6" in err
    assert "line 7" not in err


def test_fix_takes_order_place_only(tmp_path: Path) -> None:
    """``rules fix`` proposes order.place orders (and cancel-replace and amend requests,
    tests/test_replace_amend.py) only: another method is a line error."""
    stdin = io.StringIO(json.dumps({"method": "order.test", "params": LIMIT}) + "\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    run(["fix", "--exchange-info", str(SOR_INFO)], streams=Streams(stdin, stdout, stderr))
    assert "only order.place" in stderr.getvalue()


@pytest.mark.parametrize("name", ["real-2023-08", "syn-grid-2021", "syn-notional"])
def test_order_test_is_judged_as_order_place(name: str) -> None:
    """D41: every order.place vector, sent as order.test (with or without
    computeCommissionRates), gets order.place's verdict."""
    manifest = json.loads((SHARED / "vectors-next" / "manifest.json").read_text())
    entry = next(e for e in manifest["files"] if e["name"] == name)
    snapshot = load_path(SHARED / entry["exchange_info"])
    lines = (SHARED / entry["cases"]).read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]
    assert len(cases) == entry["count"]
    for number, case in enumerate(cases):
        context = Context.from_mapping(case.get("context", {}))
        params = case["params"]
        place = evaluate(snapshot, params, context)
        if number % 2:
            params = {**params, "computeCommissionRates": "true"}
        assert evaluate(snapshot, params, context, method="order.test") == place, case["case"]
