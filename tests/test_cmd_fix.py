"""``rules fix``: JSON Lines in, one proposal a line out, exit codes, text mode."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rules.cli.main import Streams, build_parser, run
from rules.examples import EXAMPLE_CONTEXT, EXAMPLE_EXCHANGE_INFO, EXAMPLE_ORDERS

SNAPSHOT = {
    "serverTime": 1700000000000,
    "symbols": [
        {
            "symbol": "XY",
            "status": "TRADING",
            "baseAsset": "X",
            "quoteAsset": "Y",
            "orderTypes": ["LIMIT", "MARKET"],
            "icebergAllowed": True,
            "filters": [
                {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "0",
                 "tickSize": "0.01"},
                {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "1000",
                 "stepSize": "0.001"},
                {"filterType": "NOTIONAL", "minNotional": "10", "applyMinToMarket": True,
                 "maxNotional": "0", "applyMaxToMarket": False, "avgPriceMins": 5},
                {"filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": "1.2",
                 "bidMultiplierDown": "0.8", "askMultiplierUp": "1.5",
                 "askMultiplierDown": "0.5", "avgPriceMins": 5},
                {"filterType": "ICEBERG_PARTS", "limit": 10},
            ],
        }
    ],
}  # fmt: skip
GOOD = {
    "symbol": "XY",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "price": "100.00",
    "quantity": "0.5",
}
OFF_TICK = {**GOOD, "price": "100.019", "quantity": "0.5004321"}
TINY = {**GOOD, "quantity": "0.05"}  # notional 5 < minNotional 10
AT_100 = {"avgPrice": "100"}


@pytest.fixture
def snapshot(tmp_path: Path) -> str:
    path = tmp_path / "info.json"
    path.write_text(json.dumps({"id": 1, "status": 200, "result": SNAPSHOT}))
    return str(path)


@pytest.fixture
def at_100(tmp_path: Path) -> str:
    path = tmp_path / "context.json"
    path.write_text(json.dumps(AT_100))
    return str(path)


def fix(*argv: str, stdin: str = "") -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["fix", *argv], streams=Streams(io.StringIO(stdin), out, err))
    return code, out.getvalue().splitlines(), err.getvalue()


def check(*argv: str, stdin: str = "") -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", *argv], streams=Streams(io.StringIO(stdin), out, err))
    return code, out.getvalue().splitlines(), err.getvalue()


def lines(*objects: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


def wrapped(params: dict[str, Any], context: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"params": params, "context": AT_100 if context is None else context}


class TestJsonLines:
    """One proposal a line: the original's verdict, the order to send and what moved."""

    def test_accepted_order_comes_back_as_sent(self, snapshot: str) -> None:
        code, out, err = fix("--exchange-info", snapshot, stdin=lines(wrapped(GOOD)))
        assert (code, err) == (0, "")
        assert [json.loads(x) for x in out] == [
            {
                "accepted": True,
                "params": GOOD,
                "changes": [],
                "reason": None,
                "violations": [],
                "unchecked": [],
            }
        ]

    def test_fixed_order(self, snapshot: str) -> None:
        code, out, err = fix("--exchange-info", snapshot, stdin=lines(wrapped(OFF_TICK)))
        assert (code, err) == (0, "")  # every line got a passing order
        result = json.loads(out[0])
        assert result["accepted"] is False
        assert result["params"] == {**GOOD, "price": "100.01", "quantity": "0.500"}
        assert result["changes"] == [
            {"field": "price", "old": "100.019", "new": "100.01", "filterType": "PRICE_FILTER",
             "why": "rounded down to tickSize 0.01 (a BUY limit never goes up)"},
            {"field": "quantity", "old": "0.5004321", "new": "0.500", "filterType": "LOT_SIZE",
             "why": "rounded down to stepSize 0.001"},
        ]  # fmt: skip
        assert result["reason"] is None
        assert result["violations"] == [
            {"code": -1013, "msg": "Filter failure: PRICE_FILTER", "filterType": "PRICE_FILTER"},
            {"code": -1013, "msg": "Filter failure: LOT_SIZE", "filterType": "LOT_SIZE"},
        ]

    def test_the_proposed_params_pass_rules_check(self, snapshot: str) -> None:
        _, out, _ = fix("--exchange-info", snapshot, stdin=lines(wrapped(OFF_TICK)))
        proposed = json.loads(out[0])["params"]
        code, verdicts, _ = check("--exchange-info", snapshot, stdin=lines(wrapped(proposed)))
        assert code == 0
        assert json.loads(verdicts[0])["accepted"] is True

    def test_no_passing_order_exits_1(self, snapshot: str) -> None:
        code, out, err = fix("--exchange-info", snapshot, stdin=lines(wrapped(GOOD), wrapped(TINY)))
        assert (code, err) == (1, "")
        assert json.loads(out[0])["params"] == GOOD
        result = json.loads(out[1])
        assert result["accepted"] is False
        assert result["params"] is None
        assert result["changes"] == []
        assert result["reason"] == (
            "quantity 0.05 is below minNotional 10 at price 100: the least passing "
            "quantity is 0.1 (pass --allow-increase to raise it)"
        )
        assert result["violations"] == [
            {"code": -1013, "msg": "Filter failure: NOTIONAL", "filterType": "NOTIONAL"}
        ]

    def test_allow_increase(self, snapshot: str) -> None:
        code, out, _ = fix(
            "--exchange-info", snapshot, "--allow-increase", stdin=lines(wrapped(TINY))
        )
        assert code == 0
        result = json.loads(out[0])
        assert result["params"]["quantity"] == "0.100"
        assert [(c["old"], c["new"], c["filterType"]) for c in result["changes"]] == [
            ("0.05", "0.100", "NOTIONAL")
        ]

    def test_allow_worse_price(self, snapshot: str) -> None:
        low = wrapped({**GOOD, "price": "70"})  # below the band: 100 × 0.8 = 80
        code, out, _ = fix("--exchange-info", snapshot, stdin=lines(low))
        assert code == 1
        assert "pass --allow-worse-price to accept it" in json.loads(out[0])["reason"]
        code, out, _ = fix("--exchange-info", snapshot, "--allow-worse-price", stdin=lines(low))
        assert code == 0
        assert json.loads(out[0])["params"]["price"] == "80.00"

    def test_an_unmoved_number_is_left_as_sent(self, snapshot: str) -> None:
        iceberg = wrapped({**GOOD, "quantity": "1.5", "icebergQty": "0.1"})
        _, out, _ = fix("--exchange-info", snapshot, stdin=lines(iceberg))
        result = json.loads(out[0])
        assert result["params"]["quantity"] == "1.5"  # not "1.500": it did not move
        assert result["params"]["icebergQty"] == "0.150"
        assert [c["field"] for c in result["changes"]] == ["icebergQty"]
        assert result["changes"][0]["new"] == result["params"]["icebergQty"]

    def test_json_numbers_come_back_as_wire_strings(self, snapshot: str) -> None:
        line = '{"params": {"symbol": "XY", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", '
        line += '"price": 100.019, "quantity": 0.5, "recvWindow": 5000, "note": 1.50}, '
        line += '"context": {"avgPrice": "100"}}\n'
        code, out, _ = fix("--exchange-info", snapshot, stdin=line)
        assert code == 0
        result = json.loads(out[0])
        params = result["params"]
        assert (params["price"], params["quantity"]) == ("100.01", "0.5")
        assert params["recvWindow"] == 5000  # read by order.place (D52), never judged
        # "note" is not read by order.place (-1104, D52): removed as a named change,
        # its value as sent (D32: never a float).
        assert "note" not in params
        removed = result["changes"][0]
        assert (removed["field"], removed["old"], removed["new"]) == ("note", "1.50", None)
        assert "-1104" in removed["why"]


class TestContext:
    """--context defaults, overridden by a line's own context key by key (as rules check)."""

    def test_defaults_and_override(self, snapshot: str, at_100: str) -> None:
        high = {**GOOD, "price": "130"}  # above the band at avgPrice 100 (120), inside at 110
        stdin = lines(high, wrapped(high, {"avgPrice": "110"}))
        code, out, _ = fix("--exchange-info", snapshot, "--context", at_100, stdin=stdin)
        assert code == 0
        assert [json.loads(x)["params"]["price"] for x in out] == ["120.00", "130"]

    def test_without_a_market_price_the_band_is_unchecked(self, snapshot: str) -> None:
        code, out, _ = fix("--exchange-info", snapshot, stdin=lines(GOOD))
        assert code == 0
        assert json.loads(out[0])["unchecked"] == ["PERCENT_PRICE_BY_SIDE"]


class TestMalformedLines:
    """A line that cannot be read gets its own answer, the run goes on; exit 1."""

    STDIN = (
        lines(wrapped(GOOD))
        + "\n"
        + "oops\n"
        + lines(
            {"params": [GOOD]},
            {"params": GOOD, "context": {"avgPrice": "x"}},
            {"params": GOOD, "contxt": {}},
            wrapped(GOOD),
        )
    )
    ERRORS = (
        "line 2: empty line, expected a JSON object",
        "line 3: not valid JSON: Expecting value",
        "line 4: params is not a JSON object",
        "line 5: context.avgPrice: expected a decimal string, got 'x'",
        "line 6: unknown key 'contxt' beside params (known: context, method)",
    )

    def test_each_gets_a_line(self, snapshot: str) -> None:
        code, out, err = fix("--exchange-info", snapshot, stdin=self.STDIN)
        assert code == 1
        results = [json.loads(x) for x in out]
        assert len(results) == 7
        assert results[0]["params"] == results[6]["params"] == GOOD
        for result, error in zip(results[1:6], self.ERRORS, strict=True):
            assert result == {
                "accepted": False,
                "params": None,
                "changes": [],
                "reason": error,
                "violations": [{"code": -1135, "msg": "Invalid JSON Request", "filterType": None}],
                "unchecked": [],
                "error": error,
            }
        assert err == "".join(f"rules: {e}\n" for e in self.ERRORS)

    def test_the_same_errors_as_rules_check(self, snapshot: str) -> None:
        # One reader for both commands (rules.cli.lines): the same detail for the same line.
        _, fixed, _ = fix("--exchange-info", snapshot, stdin=self.STDIN)
        _, checked, _ = check("--exchange-info", snapshot, stdin=self.STDIN)
        assert [json.loads(x).get("error") for x in fixed] == [
            json.loads(x).get("error") for x in checked
        ]


class TestErrors:
    """Exit 2 with one line on stderr, no traceback."""

    def test_exchange_info_is_required(self) -> None:
        code, out, err = fix(stdin=lines(GOOD))
        assert (code, out) == (2, [])
        assert "the following arguments are required: --exchange-info" in err

    def test_missing_exchange_info(self, tmp_path: Path) -> None:
        missing = str(tmp_path / "missing.json")
        code, out, err = fix("--exchange-info", missing, stdin=lines(GOOD))
        assert (code, out) == (2, [])
        assert err.startswith("rules: cannot load exchangeInfo from")
        assert err.count("\n") == 1

    def test_bad_context_file(self, snapshot: str, tmp_path: Path) -> None:
        path = tmp_path / "c.json"
        path.write_text("[1]")
        code, out, err = fix("--exchange-info", snapshot, "--context", str(path))
        assert (code, out) == (2, [])
        assert err == f"rules: context file {path}: expected a JSON object\n"

    def test_usage_error(self, snapshot: str) -> None:
        code, _, err = fix("--exchange-info", snapshot, "--format", "xml")
        assert code == 2
        assert "invalid choice" in err


class TestText:
    """--format text: a report for a person at a terminal."""

    def test_report(self, snapshot: str) -> None:
        stdin = lines(wrapped(GOOD), wrapped(OFF_TICK), wrapped(TINY)) + "oops\n"
        code, out, _ = fix("--exchange-info", snapshot, "--format", "text", stdin=stdin)
        assert code == 1
        assert out == [
            "line 1: accepted  XY BUY LIMIT quantity=0.5 price=100.00",
            "line 2: FIXED  XY BUY LIMIT quantity=0.5004321 price=100.019",
            "  -1013 Filter failure: PRICE_FILTER [PRICE_FILTER]",
            "  -1013 Filter failure: LOT_SIZE [LOT_SIZE]",
            "  price 100.019 -> 100.01: rounded down to tickSize 0.01 (a BUY limit never goes up)",
            "  quantity 0.5004321 -> 0.500: rounded down to stepSize 0.001",
            "  send: XY BUY LIMIT quantity=0.500 price=100.01",
            "line 3: NO ORDER  XY BUY LIMIT quantity=0.05 price=100.00",
            "  -1013 Filter failure: NOTIONAL [NOTIONAL]",
            "  reason: quantity 0.05 is below minNotional 10 at price 100: the least passing "
            "quantity is 0.1 (pass --allow-increase to raise it)",
            "line 4: NO ORDER",
            "  -1135 Invalid JSON Request: not valid JSON: Expecting value",
            "1 accepted, 1 fixed, 2 without a passing order",
        ]

    def test_unchecked(self, snapshot: str) -> None:
        code, out, _ = fix("--exchange-info", snapshot, "--format", "text", stdin=lines(GOOD))
        assert code == 0
        assert out[1] == "  unchecked (context lacks what they need): PERCENT_PRICE_BY_SIDE"


def test_registered() -> None:
    help_text = build_parser().format_help()
    assert "fix" in help_text.split("commands:")[1]


def test_bundled_example_in_a_subprocess() -> None:
    """``python -m rules fix`` on the bundled snapshot, context and orders."""
    done = subprocess.run(
        [sys.executable, "-m", "rules", "fix", "--exchange-info", str(EXAMPLE_EXCHANGE_INFO),
         "--context", str(EXAMPLE_CONTEXT)],
        input=EXAMPLE_ORDERS.read_text(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.stderr == ""
    assert done.returncode == 1  # some example orders cannot be fixed (a closed market)
    results = [json.loads(x) for x in done.stdout.splitlines()]
    assert len(results) == len(EXAMPLE_ORDERS.read_text().splitlines())
    assert {r["accepted"] for r in results} == {True, False}
    fixed = [r for r in results if not r["accepted"] and r["params"] is not None]
    assert fixed  # the off-tick BTCUSDT price
    assert all(r["changes"] for r in fixed)
    assert any(r["params"] is None and r["reason"] for r in results)


def test_the_docs_example_line() -> None:
    """docs/fixing.md shows what the bundled example's second order gives."""
    page = (Path(__file__).resolve().parents[1] / "docs" / "fixing.md").read_text()
    shown = page.split("## From the command line")[1].split("```json\n")[1].split("\n```")[0]
    second = EXAMPLE_ORDERS.read_text().splitlines()[1] + "\n"
    code, out, _ = fix(
        "--exchange-info", str(EXAMPLE_EXCHANGE_INFO), "--context", str(EXAMPLE_CONTEXT),
        stdin=second,
    )  # fmt: skip
    assert code == 0
    assert out == [shown]
