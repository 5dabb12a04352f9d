"""``rules check``: JSON Lines in, one verdict a line out, exit codes, text mode."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from rules.checker.context import Context
from rules.cli.lines import line_context as _line_context
from rules.cli.main import Streams, run
from rules.examples import EXAMPLE_EXCHANGE_INFO, EXAMPLE_ORDERS

SNAPSHOT = {
    "serverTime": 1700000000000,
    "symbols": [
        {
            "symbol": "XY",
            "status": "TRADING",
            "baseAsset": "X",
            "quoteAsset": "Y",
            "filters": [
                {
                    "filterType": "PRICE_FILTER",
                    "minPrice": "0.01",
                    "maxPrice": "0",
                    "tickSize": "0.01",
                },
                {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 5},
            ],
        }
    ],
}
GOOD = {
    "symbol": "XY",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "price": "1",
    "quantity": "1",
}
BAD = {**GOOD, "price": "1.001"}
ACCEPTED = {"accepted": True, "violations": [], "unchecked": []}


@pytest.fixture
def snapshot(tmp_path: Path) -> str:
    path = tmp_path / "info.json"
    # A whole WebSocket response is accepted as well as the result object.
    path.write_text(json.dumps({"id": 1, "status": 200, "result": SNAPSHOT}))
    return str(path)


def check(*argv: str, stdin: str = "") -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", *argv], streams=Streams(io.StringIO(stdin), out, err))
    return code, out.getvalue().splitlines(), err.getvalue()


def lines(*objects: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


class TestJsonLines:
    """One verdict a line, in order; exit 0 all accepted, 1 any rejected."""

    def test_all_accepted(self, snapshot: str) -> None:
        code, out, err = check(
            "--exchange-info", snapshot, stdin=lines({"params": GOOD, "context": {"openOrders": 0}})
        )
        assert (code, err) == (0, "")
        assert [json.loads(x) for x in out] == [ACCEPTED]

    def test_unchecked_is_printed_and_accepted(self, snapshot: str) -> None:
        code, out, _ = check("--exchange-info", snapshot, stdin=lines(GOOD))
        assert code == 0
        assert json.loads(out[0]) == {**ACCEPTED, "unchecked": ["MAX_NUM_ORDERS"]}

    def test_rejected(self, snapshot: str) -> None:
        code, out, _ = check("--exchange-info", snapshot, stdin=lines(GOOD, BAD, "\n"))
        assert code == 1
        assert json.loads(out[1]) == {
            "accepted": False,
            "violations": [
                {"code": -1013, "msg": "Filter failure: PRICE_FILTER", "filterType": "PRICE_FILTER"}
            ],
            "unchecked": ["MAX_NUM_ORDERS"],
        }
        assert len(out) == 3

    def test_context_defaults_overridden_per_line(self, snapshot: str, tmp_path: Path) -> None:
        defaults = tmp_path / "context.json"
        defaults.write_text(json.dumps({"openOrders": 4}))
        stdin = lines(GOOD, {"params": GOOD, "context": {"openOrders": 5}}, {"params": GOOD})
        code, out, _ = check("--exchange-info", snapshot, "--context", str(defaults), stdin=stdin)
        assert code == 1
        assert [json.loads(x)["accepted"] for x in out] == [True, False, True]

    def test_json_numbers_are_exact(self, snapshot: str) -> None:
        stdin = (
            '{"symbol": "XY", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", '
            '"price": 0.29, "quantity": 1}\n'
        )
        code, out, _ = check("--exchange-info", snapshot, "--context", "/dev/null", stdin=stdin)
        assert code == 2  # /dev/null is not a JSON object: a usage error
        code, out, _ = check("--exchange-info", snapshot, stdin=stdin)
        assert json.loads(out[0])["violations"] == []

    @pytest.mark.parametrize(
        "line",
        [
            "{not json",
            "[1, 2]",
            '{"params": {}, "context": 3}',
            '{"params": {}, "context": {"avgPrice": "x"}}',
            '{"symbol": "BTCUSDT", "quantity": ' + "1" * 5000 + "}",  # past Python's int limit
            "[" * 100_000,
        ],
    )
    def test_malformed_line_gets_its_own_verdict(self, snapshot: str, line: str) -> None:
        code, out, err = check("--exchange-info", snapshot, stdin=line + "\n" + lines(GOOD))
        assert code == 1
        first = json.loads(out[0])
        assert first["accepted"] is False
        assert first["violations"] == [
            {"code": -1135, "msg": "Invalid JSON Request", "filterType": None}
        ]
        assert first["error"].startswith("line 1: ")
        assert err.startswith("rules: line 1: ")
        assert len(out) == 2  # the run went on


class TestCaches:
    """Contexts and verdict lines are remembered per run; the output is as if they were not."""

    def test_same_context_values_of_other_types_stay_apart(self, snapshot: str) -> None:
        stdin = lines(
            *(
                {"params": GOOD, "context": {"openOrders": value}}
                for value in (4, True, 4, 4.0, 5, 4)
            )
        )
        code, out, err = check("--exchange-info", snapshot, stdin=stdin)
        assert code == 1
        verdicts = [json.loads(x) for x in out]
        assert [v["accepted"] for v in verdicts] == [True, False, True, False, False, True]
        assert "error" in verdicts[1]  # true is not a count
        assert "error" in verdicts[3]  # neither is 4.0
        assert err.count("\n") == 2

    def test_decimal_places_are_kept_apart(self) -> None:
        contexts: dict[str, Context] = {}
        one = _line_context({"avgPrice": Decimal("1.0")}, {}, contexts)
        two = _line_context({"avgPrice": Decimal("1.00")}, {}, contexts)
        assert (str(one.avg_price), str(two.avg_price)) == ("1.0", "1.00")
        assert _line_context({"avgPrice": Decimal("1.0")}, {}, contexts) is one

    def test_repeated_lines_print_what_single_lines_print(self, snapshot: str) -> None:
        orders = [BAD, GOOD, BAD, {**BAD, "price": "1.002"}, BAD, {**GOOD, "side": "X"}, BAD]
        _, out, _ = check("--exchange-info", snapshot, stdin=lines(*orders))
        alone = [check("--exchange-info", snapshot, stdin=lines(o))[1][0] for o in orders]
        assert out == alone

    def test_byte_order_mark_before_the_first_line_is_skipped(self, snapshot: str) -> None:
        # As the loader skips one (issue 17): it marks the stream, not the line.
        code, out, _ = check("--exchange-info", snapshot, stdin="\ufeff" + lines(GOOD))
        assert code == 0
        assert json.loads(out[0])["accepted"] is True

    def test_byte_order_mark_on_a_later_line_is_json_s_own_error(self, snapshot: str) -> None:
        code, out, _ = check(
            "--exchange-info", snapshot, stdin=lines(GOOD) + "\ufeff" + lines(GOOD)
        )
        assert code == 1
        assert json.loads(out[0])["accepted"] is True
        assert json.loads(out[1])["error"] == (
            "line 2: not valid JSON: Unexpected UTF-8 BOM (decode using utf-8-sig)"
        )


class TestErrors:
    """Exit 2 with one line on stderr, no traceback."""

    @pytest.mark.parametrize(
        ("make", "message"),
        [
            (lambda p: p / "missing.json", "cannot load exchangeInfo from"),
            (lambda p: p, "cannot load exchangeInfo from"),  # a directory
        ],
    )
    def test_bad_exchange_info(self, tmp_path: Path, make: object, message: str) -> None:
        path = make(tmp_path)  # type: ignore[operator]
        code, out, err = check("--exchange-info", str(path), stdin=lines(GOOD))
        assert (code, out) == (2, [])
        assert err.startswith(f"rules: {message}")
        assert err.count("\n") == 1

    def test_bad_context_file(self, snapshot: str, tmp_path: Path) -> None:
        path = tmp_path / "c.json"
        path.write_text('{"avgPrice": "abc"}')
        code, _, err = check("--exchange-info", snapshot, "--context", str(path))
        assert code == 2
        assert err == "rules: context.avgPrice: expected a decimal string, got 'abc'\n"

    def test_usage_error(self) -> None:
        code, _, err = check("--format", "xml")
        assert code == 2
        assert "invalid choice" in err


class TestText:
    """--format text: a report for a person at a terminal."""

    def test_report(self, snapshot: str) -> None:
        code, out, _ = check(
            "--exchange-info", snapshot, "--format", "text", stdin=lines(GOOD, BAD) + "oops\n"
        )
        assert code == 1
        assert out == [
            "line 1: accepted  XY BUY LIMIT quantity=1 price=1",
            "  unchecked (context lacks what they need): MAX_NUM_ORDERS",
            "line 2: REJECTED  XY BUY LIMIT quantity=1 price=1.001",
            "  Binance would answer: -1013 Filter failure: PRICE_FILTER",
            "  -1013 Filter failure: PRICE_FILTER [PRICE_FILTER]",
            "      price 1.001 is not a multiple of tickSize 0.01",
            "  unchecked (context lacks what they need): MAX_NUM_ORDERS",
            "line 3: REJECTED",
            "  -1135 Invalid JSON Request: not valid JSON: Expecting value",
            "1 accepted, 2 rejected",
        ]


def test_report_shows_binance_answer_first(snapshot: str) -> None:
    """D53: with several violations, the one Binance answers is shown first, then all in order."""
    order = {**BAD, "avgPrice": "1", "quantity": "0"}  # 6 params + avgPrice: -1104, D37, filters
    code, out, _ = check("--exchange-info", snapshot, "--format", "text", stdin=lines(order))
    assert code == 1
    assert out[1] == (
        "  Binance would answer: -1104 Not all sent parameters were read; "
        "read '6' parameter(s) but was sent '7'."
    )
    assert out[2] == "  every rule broken, in the order Binance meets them:"
    assert out[3].startswith("  -1104 ")
    codes = [int(x.split()[0]) for x in out[3:] if x.startswith("  -")]
    assert codes[0] == -1104
    assert -1013 in codes


def test_bundled_example() -> None:
    """The README's first command: the bundled snapshot and orders."""
    code, out, err = check(
        "--exchange-info", str(EXAMPLE_EXCHANGE_INFO), stdin=EXAMPLE_ORDERS.read_text()
    )
    assert err == ""
    assert code in (0, 1)
    orders = [x for x in EXAMPLE_ORDERS.read_text().splitlines() if x.strip()]
    assert len(out) == len(orders)
    assert all(isinstance(json.loads(x)["accepted"], bool) for x in out)


class TestLineShapes:
    """Output line N is the verdict of input line N; wrapped lines take only params and context."""

    def test_a_blank_line_gets_its_own_verdict(self, snapshot: str) -> None:
        code, out, err = check("--exchange-info", snapshot, stdin=lines(GOOD) + "\n" + lines(GOOD))
        assert code == 1
        assert len(out) == 3
        assert json.loads(out[0])["accepted"] is True
        assert json.loads(out[1])["error"] == "line 2: empty line, expected a JSON object"
        assert json.loads(out[2])["accepted"] is True
        assert err == "rules: line 2: empty line, expected a JSON object\n"

    @pytest.mark.parametrize(
        ("line", "error"),
        [
            (
                {"params": GOOD, "contxt": {}},
                "unknown key 'contxt' beside params (known: context, method)",
            ),
            ({"params": None}, "params is not a JSON object"),
            ({"params": [GOOD]}, "params is not a JSON object"),
        ],
    )
    def test_wrapped_lines(self, snapshot: str, line: object, error: str) -> None:
        code, out, _ = check("--exchange-info", snapshot, stdin=lines(line))
        assert code == 1
        assert json.loads(out[0])["error"] == f"line 1: {error}"

    def test_exchange_info_is_required(self) -> None:
        code, out, err = check(stdin=lines(GOOD))
        assert (code, out) == (2, [])
        assert "the following arguments are required: --exchange-info" in err


class TestStrict:
    """--strict: an accepted order with rules left unchecked is not good enough (exit 1)."""

    @pytest.mark.parametrize("format_", ["json", "text"])
    def test_unchecked_fails_only_with_strict(self, format_: str) -> None:
        band = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                "price": "64000.01", "quantity": "0.00150"}  # fmt: skip
        args = ("--exchange-info", str(EXAMPLE_EXCHANGE_INFO), "--format", format_)
        loose, out, _ = check(*args, stdin=lines(band))
        strict, out_strict, _ = check(*args, "--strict", stdin=lines(band))
        assert (loose, strict) == (0, 1)
        assert out == out_strict
        context = {"avgPrice": "64000", "openOrders": 0, "exchangeOpenOrders": 0}
        certain, _, _ = check(*args, "--strict", stdin=lines({"params": band, "context": context}))
        assert certain == 0


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_a_nan_token_is_malformed_on_the_wire(snapshot: str, token: str) -> None:
    """JSON has no NaN: a line's ``NaN`` is a malformed value (D29, -1100), not "not sent"
    (which a float NaN is in the Python API, pandas' missing marker)."""
    line = json.dumps(GOOD).replace('"quantity": "1"', f'"quantity": {token}')
    code, out, _ = check("--exchange-info", snapshot, stdin=line + "\n")
    assert code == 1
    verdict = json.loads(out[0])
    assert [(v["code"], v["msg"].split(";")[0]) for v in verdict["violations"]] == [
        (-1100, "Illegal characters found in parameter 'quantity'")
    ]
