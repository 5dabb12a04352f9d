"""Bad input from outside: a clear verdict or error, never a hang, a traceback or a wrong answer.

Issue 17: each case here broke before (a traceback, a hang of half a minute, a
gigabyte of memory, or a silent wrong load). Every test is bounded in time.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rules import LoadError, evaluate, load_path, loads, propose
from rules.cli.main import Streams, run
from rules.examples import EXAMPLE_EXCHANGE_INFO

ROOT = Path(__file__).resolve().parents[1]
INFO = str(EXAMPLE_EXCHANGE_INFO)
GOOD = (
    '{"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", '
    '"price": "64000.01", "quantity": "0.00150"}'
)


@pytest.fixture(scope="module")
def info() -> Any:
    return load_path(EXAMPLE_EXCHANGE_INFO)


def cli(*argv: str, stdin: str = "") -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), streams=Streams(io.StringIO(stdin), out, err))
    return code, out.getvalue().splitlines(), err.getvalue()


def _limited(seconds: float, started: float) -> None:
    assert time.monotonic() - started < seconds


# ----------------------------------------------------------------------------- order lines


class TestEveryLineGetsAVerdict:
    @pytest.mark.parametrize("command", ["check", "fix"])
    @pytest.mark.parametrize(
        ("line", "code"),
        [
            ('{"symbol": "BTCUSDT", "price": 1e99999999999999999999}', -1100),
            ('{"symbol": "BTCUSDT", "trailingDelta": 1e1000000}', -1100),
            ('{"symbol": "BTCUSDT", "strategyId": 1e999999999999999999}', -1100),
            ('{"symbol": "BTCUSDT", "strategyType": -1e1000000}', -1100),
            ('{"symbol": "BTCUSDT", "pegOffsetValue": 1e-1000000}', -1100),
            ('{"symbol": "BTCUSDT", "quantity": 1e425000000}', -1100),
            ('{"symbol": "BTCUSDT", "side": ' + "9" * 4299 + "}", -1117),
            (
                '{"params": {"symbol": "BTCUSDT"}, "context": {"avgPrice": 1e999999999999999999}}',
                -1135,
            ),
            ('{"params": {"symbol": "BTCUSDT"}, "context": {"avgPrice": 1e425000000}}', -1135),
            (
                '{"params": {"symbol": "BTCUSDT"}, "context": {"openOrders": ' + "9" * 4000 + "}}",
                -1135,
            ),
            ('{"symbol": "BTCUSDT", "newClientOrderId": ' + "[" * 500 + "]" * 500 + "}", -1135),
            ('{"symbol": "BTCUSDT", "x": ' + "[" * 5000 + "]" * 5000 + "}", -1135),
            ("x" * (1024 * 1024 + 10), -1135),
            ("\udcff\udcfe", -1135),  # bytes that were not UTF-8, as surrogateescape keeps them
        ],
        ids=lambda v: str(v)[:40],
    )
    def test_a_bad_line_does_not_stop_the_run(self, command: str, line: str, code: int) -> None:
        started = time.monotonic()
        exit_code, out, _ = cli(command, "--exchange-info", INFO, stdin=f"{GOOD}\n{line}\n{GOOD}\n")
        _limited(5, started)
        assert exit_code == 1
        assert len(out) == 3
        first, bad, last = (json.loads(o) for o in out)
        assert first["violations"] == last["violations"] == []
        assert bad["accepted"] is False
        assert bad["violations"][0]["code"] == code

    def test_errors_say_what_is_wrong(self) -> None:
        lines = [
            "x" * (1024 * 1024 + 10),
            "\udcff",
            '{"a": ' + "[" * 40 + "]" * 40 + "}",
            '{"params": {"symbol": "BTCUSDT"}, "context": {"avgPrice": 1e425000000}}',
        ]
        _, out, err = cli("check", "--exchange-info", INFO, stdin="\n".join(lines) + "\n")
        errors = [json.loads(o)["error"] for o in out]
        assert errors == [
            "line 1: line longer than 1048576 characters",
            "line 2: not UTF-8 text",
            "line 3: nested more than 32 levels deep",
            "line 4: context.avgPrice: out of range (at most 20 integer digits and 40 places), "
            "got Decimal('1E+425000000')",
        ]
        assert err.count("\n") == 4
        assert "Traceback" not in err

    def test_invalid_utf8_on_stdin_keeps_every_verdict(self) -> None:
        data = (GOOD + "\n").encode() + b'{"symbol": "\xff\xfe"}\n' + (GOOD + "\n").encode()
        result = subprocess.run(
            [sys.executable, "-m", "rules", "check", "--exchange-info", INFO],
            cwd=ROOT,
            input=data,
            capture_output=True,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "PYTHONPATH": str(ROOT)},
            timeout=60,
            check=False,
        )
        out = result.stdout.decode().splitlines()
        assert result.returncode == 1
        assert len(out) == 3
        assert json.loads(out[0])["accepted"] is True
        assert json.loads(out[1])["error"] == "line 2: not UTF-8 text"
        assert json.loads(out[2])["accepted"] is True
        assert b"Traceback" not in result.stderr


class TestFromPython:
    @pytest.mark.parametrize(
        "field", ["trailingDelta", "strategyId", "strategyType", "pegOffsetValue"]
    )
    @pytest.mark.parametrize(
        "value",
        [Decimal("1e1000000"), Decimal("1e999999999999999999"), Decimal("-1e1000000"), 1e300],
    )
    def test_integers_written_as_exponents_are_quick(
        self, info: Any, field: str, value: object
    ) -> None:
        started = time.monotonic()
        verdict = evaluate(info, {"symbol": "BTCUSDT", field: value})
        _limited(1, started)
        assert [v.code for v in verdict.violations if v.field == field] == [-1100]

    @pytest.mark.parametrize(
        "value", [10**5000, [10**5000], {"a": 10**5000}], ids=["int", "list", "object"]
    )
    @pytest.mark.parametrize("field", ["symbol", "side", "type", "price", "trailingDelta"])
    def test_evaluate_never_raises(self, info: Any, field: str, value: object) -> None:
        order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", field: value}
        for _ in range(2):  # the second time through the fast path
            verdict = evaluate(info, order)
            assert not verdict.accepted
            assert len(str(verdict.violations[0].explanation)) < 400
        assert not propose(info, order).accepted

    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("avgPrice", Decimal("1e999999999999999999")),
            ("avgPrice", Decimal("1e425000000")),
            ("lastPrice", Decimal("1e-41")),
            ("basePosition", 10**30),
            ("openOrders", 2**63),
        ],
        ids=str,
    )
    def test_context_values_are_bounded(self, info: Any, key: str, value: object) -> None:
        started = time.monotonic()
        with pytest.raises(ValueError, match="out of range"):
            evaluate(info, {"symbol": "BTCUSDT"}, {key: value})
        _limited(1, started)


# ----------------------------------------------------------------------------- --context files


class TestContextFiles:
    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b'{"avgPrice": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested too deeply"),
            (b'{"permissions": ' + b"[" * 100 + b"]" * 100 + b"}", "nested more than 32 levels"),
            (b'{"avgPrice": 1e99999999999999999999}', "expected a decimal string"),
            (b'{"avgPrice": 1e999999999999999999}', "out of range"),
            (b'{"avgPrice": 1e425000000}', "out of range"),
            (b'{"avgPrice": "1", "x": "\xff"}', "is not UTF-8 text (byte 24)"),
            (b" " * (1024 * 1024 + 1), "is larger than 1048576 bytes"),
        ],
        ids=["deep", "nested", "beyond Decimal", "huge exponent", "big", "utf8", "size"],
    )
    @pytest.mark.parametrize("command", ["check", "fix"])
    def test_a_bad_context_file_is_one_line(
        self, tmp_path: Path, command: str, content: bytes, message: str
    ) -> None:
        path = tmp_path / "context.json"
        path.write_bytes(content)
        code, out, err = cli(command, "--exchange-info", INFO, "--context", str(path), stdin=GOOD)
        assert code == 2
        assert out == []
        assert err.startswith("rules: ")
        assert message in err
        assert err.count("\n") == 1
        if "context" not in message and "decimal" not in message and "range" not in message:
            assert str(path) in err  # errors of the file itself name it

    def test_a_bom_is_skipped(self, tmp_path: Path) -> None:
        path = tmp_path / "context.json"
        path.write_bytes(b'\xef\xbb\xbf{"avgPrice": "64210.55"}')
        code, out, _ = cli("check", "--exchange-info", INFO, "--context", str(path), stdin=GOOD)
        assert code == 0
        assert json.loads(out[0])["accepted"] is True


# ----------------------------------------------------------------------------- snapshots


def _snapshot(**price_filter: str) -> str:
    return json.dumps(
        {
            "symbols": [
                {
                    "symbol": "XY",
                    "baseAsset": "X",
                    "quoteAsset": "Y",
                    "filters": [{"filterType": "PRICE_FILTER", **price_filter}],
                }
            ]
        }
    )


class TestSnapshots:
    @pytest.mark.parametrize("field", ["minPrice", "maxPrice", "tickSize"])
    def test_negative_bounds_are_load_errors_with_their_path(self, field: str) -> None:
        values = {"minPrice": "0.01", "maxPrice": "100", "tickSize": "0.01", field: "-0.01"}
        with pytest.raises(LoadError) as raised:
            loads(_snapshot(**values))
        assert raised.value.problems == (
            f"$.symbols[0].filters[0].{field}: expected a non-negative decimal, got string '-0.01'",
        )

    @pytest.mark.parametrize(
        ("text", "problem"),
        [
            (
                '{"symbols": [{"symbol": "A"}], "symbols": []}',
                "$: an object holds the key 'symbols' twice (the first would be hidden)",
            ),
            (
                '{"symbols": [{"symbol": "A", "symbol": "B"}]}',
                "$: an object holds the key 'symbol' twice (the first would be hidden)",
            ),
            (  # deeper than the places the quick count covers (a filter's own object)
                '{"symbols": [{"symbol": "A", "filters": [{"x": {"k": 1, "k": 2}}]}]}',
                "$: an object holds the key 'k' twice (the first would be hidden)",
            ),
            (  # a ':' inside a string: the quick count cannot tell, the hook does
                '{"m": "a:b", "symbols": [{"symbol": "A", "filters": [{"f": 1, "f": 2}]}]}',
                "$: an object holds the key 'f' twice (the first would be hidden)",
            ),
            (  # a wrapper's result, and a snapshot keyed by symbol
                '{"id": 1, "result": {"symbols": [], "symbols": []}}',
                "$: an object holds the key 'symbols' twice (the first would be hidden)",
            ),
            (
                '{"A": {"symbol": "A", "filters": [], "filters": []}}',
                "$: an object holds the key 'filters' twice (the first would be hidden)",
            ),
            (
                '{"serverTime": 1208925819614629174706176, "symbols": []}',
                "$.serverTime: expected an integer from 0 to 2**63-1, "
                "got integer 1208925819614629174706176",
            ),
            (
                '{"serverTime": 253402300800000, "symbols": []}',
                "$.serverTime: out of range, after the year 9999 (at most 253402300799999), "
                "got 253402300800000",
            ),
        ],
    )
    def test_hidden_or_impossible_values_are_refused(self, text: str, problem: str) -> None:
        with pytest.raises(LoadError) as raised:
            loads(text)
        assert raised.value.problems == (problem,)

    def test_a_serverTime_of_4000_digits_is_one_load_error(self) -> None:
        with pytest.raises(LoadError, match=r"\$.serverTime: expected an integer from 0 to"):
            loads('{"serverTime": ' + "9" * 4000 + ', "symbols": []}')

    def test_dev_zero_is_refused_quickly(self) -> None:
        started = time.monotonic()
        code, out, err = cli("check", "--exchange-info", "/dev/zero")
        _limited(10, started)
        assert code == 2
        assert out == []
        assert err == (
            "rules: cannot load exchangeInfo from /dev/zero: "
            "the file is larger than 67108864 bytes\n"
        )

    def test_max_size_is_configurable(self, tmp_path: Path) -> None:
        path = tmp_path / "info.json"
        path.write_text(_snapshot(minPrice="0.01", maxPrice="100", tickSize="0.01"))
        assert len(load_path(path, max_size=path.stat().st_size)) == 1
        with pytest.raises(LoadError, match="larger than 100 bytes"):
            load_path(path, max_size=100)


# ----------------------------------------------------------------------------- memory


_PEAK = """
import os, runpy
try:
    runpy.run_module("rules", run_name="__main__", alter_sys=True)
finally:
    with open("/proc/self/status") as status, open(os.environ["PEAK_FILE"], "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")))
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_unknown_symbol_names_are_not_remembered(tmp_path: Path) -> None:
    # 3,000 lines with 20 KB names (60 MB): every name used to be cached per snapshot.
    name = "N" * 20_000
    orders = "".join(
        json.dumps({"symbol": f"{i}{name}", "side": "BUY", "type": "LIMIT"}) + "\n"
        for i in range(3000)
    )
    peak_file = tmp_path / "peak"
    result = subprocess.run(
        [sys.executable, "-c", _PEAK, "check", "--exchange-info", INFO],
        cwd=ROOT,
        input=orders,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PEAK_FILE": str(peak_file)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    verdicts = result.stdout.splitlines()
    assert len(verdicts) == 3000
    assert {json.loads(v)["violations"][0]["code"] for v in verdicts} == {-1121}
    peak_mb = int(peak_file.read_text().split()[1]) / 1024
    assert peak_mb < 50


@pytest.mark.parametrize("retry_after", [2**80, -1, int("9" * 4000)], ids=["2**80", "-1", "4000"])
def test_a_retry_after_out_of_range_is_ignored(retry_after: int) -> None:
    from rules.edge.protocol import parse_response
    from rules.errors import RateLimitedError

    text = json.dumps(
        {
            "id": "1",
            "status": 429,
            "error": {"code": -1003, "msg": "Too many requests.", "data": {"retryAfter": 0}},
        }
    ).replace('"retryAfter": 0', f'"retryAfter": {retry_after}')
    with pytest.raises(RateLimitedError) as raised:
        parse_response(text, request_id="1")
    assert raised.value.retry_after is None
    assert len(str(raised.value)) < 200
