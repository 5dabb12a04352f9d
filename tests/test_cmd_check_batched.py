"""``rules check``'s batched path (:mod:`rules.cli.batched`) writes what the per-line
path writes, byte for byte: stdout, stderr and the exit code, on every vectors-next
file, on malformed and unusual lines, on method lines and wrapped lines with contexts,
and on the benchmarks' realistic mix, in chunks of every size."""

from __future__ import annotations

import io
import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyarrow")

from rules.cli import batched, check
from rules.cli.lines import MAX_DEPTH, MAX_LINE
from rules.cli.main import Streams, run

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MANIFEST = json.loads((SHARED / "vectors-next" / "manifest.json").read_text())
FILES = {entry["name"]: entry for entry in MANIFEST["files"]}
REAL = SHARED / "data" / "exchange_info" / "spot-full-2023-08.json"
Outcome = tuple[int, str, str]
#: An accepted LIMIT order on 2023-08 BTCUSDT (the tests' lines vary it; never changed).
_CORE = {
    "symbol": "BTCUSDT",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "quantity": "0.00150",
    "price": "29400.01",
}


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows each call of the engine judged (the batched path was taken)."""
    calls: list[int] = []
    from rules.batch.engine import verdicts_of as engine

    def counted(columns: Any, info: Any) -> Any:
        calls.append(len(next(iter(columns.values()))))
        return engine(columns, info)

    monkeypatch.setattr(batched, "verdicts_of", counted)
    return calls


def _run(argv: list[str], text: str) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", *argv], streams=Streams(io.StringIO(text), out, err))
    return code, out.getvalue(), err.getvalue()


def _per_line(monkeypatch: pytest.MonkeyPatch, argv: list[str], text: str) -> Outcome:
    with monkeypatch.context() as patch:
        patch.setattr(check, "_run_batched", lambda *_: False)
        return _run(argv, text)


def _both(monkeypatch: pytest.MonkeyPatch, argv: list[str], text: str) -> Outcome:
    """Both paths' outcome, asserted equal byte for byte (also in chunks of 3 lines)."""
    alone = _per_line(monkeypatch, argv, text)
    assert _run(argv, text) == alone
    with monkeypatch.context() as patch:
        patch.setattr(batched, "CHUNK_LINES", 3)
        assert _run(argv, text) == alone
    return alone


def _case_line(case: dict[str, Any], numbers: bool) -> str:
    """A vectors case as the check-vectors tool writes it (its decimals as strings, or
    as JSON numbers)."""
    default = float if numbers else str
    if "method" in case:
        line = {"method": case["method"], "params": case["params"]}
        if "context" in case:
            line["context"] = case["context"]
        return json.dumps(line, default=default)
    if "context" in case:
        return json.dumps({"params": case["params"], "context": case["context"]}, default=default)
    return json.dumps(case["params"], default=default)


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_vectors_file_through_both_paths(
    name: str, monkeypatch: pytest.MonkeyPatch, spy: list[int]
) -> None:
    entry = FILES[name]
    path = SHARED / entry["cases"]
    lines = path.read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]
    argv = ["--exchange-info", str(SHARED / entry["exchange_info"])]
    text = "".join(_case_line(case, numbers=False) + "\n" for case in cases)
    code, out, _ = _both(monkeypatch, argv, text)
    assert len(out.splitlines()) == len(cases)
    assert code in (0, 1)
    if not name.startswith("methods-"):
        assert sum(spy) > 0  # the engine judged lines of it
    # Numbers as JSON numbers: those lines are judged alone, in their places.
    raw = "".join(_case_line(case, numbers=True) + "\n" for case in cases)
    _both(monkeypatch, argv, raw)


def test_malformed_and_unusual_lines(monkeypatch: pytest.MonkeyPatch, spy: list[int]) -> None:
    good = _CORE
    bad = {**good, "price": "29400.015"}
    empty = {**good, "price": "", "quantity": ""}
    lines = [
        json.dumps(good),
        json.dumps(bad),
        "",
        "   ",
        "not json",
        "[1, 2]",
        '"text"',
        "null",
        json.dumps({"params": good, "context": {"avgPrice": "29410.55", "openOrders": 3}}),
        json.dumps({"params": good, "context": {"avgPrice": "1", "openOrders": 3}}),
        json.dumps({"params": good, "context": None}),
        json.dumps({"params": good, "context": {}}),
        json.dumps({"params": good, "context": "x"}),
        json.dumps({"params": good, "context": {"avgPrice": "abc"}}),
        json.dumps({"params": good, "context": {"avgPrice": "-1"}}),
        json.dumps({"params": good, "context": {"avgPrice": "1e3"}}),
        json.dumps({"params": good, "context": {"avgPrice": " 29410.55"}}),
        json.dumps({"params": good, "context": {"avgPrice": "29410.550000000000000000000"}}),
        json.dumps({"params": good, "context": {"avgPrice": 29410}}),
        '{"params": ' + json.dumps(good) + ', "context": {"avgPrice": 29410.55}}',
        json.dumps({"params": good, "context": {"avgPrice": None, "openOrders": 3}}),
        json.dumps({"params": good, "context": {"openOrders": True}}),
        json.dumps({"params": good, "context": {"openOrders": -1}}),
        json.dumps({"params": good, "context": {"openOrders": 2**63}}),
        json.dumps({"params": good, "context": {"openOrders": 2**63 - 1}}),
        json.dumps({"params": good, "context": {"openOrders": "3"}}),
        '{"params": ' + json.dumps(good) + ', "context": {"openOrders": 3.0}}',
        json.dumps({"params": good, "context": {"permissions": ["SPOT"]}}),
        json.dumps({"params": good, "context": {"avgPrice": ["1"], "openOrders": [1]}}),
        json.dumps({"params": good, "context": {"avgPrice": {"a": 1}, "openOrders": {}}}),
        json.dumps({"params": {**good, "price": ["1"]}, "context": {"lastPrice": [[]]}}),
        json.dumps({"params": good, "context": {"contxt": 1}}),
        json.dumps({"params": good, "contxt": {}}),
        json.dumps({"params": good, "method": "order.place"}),
        json.dumps({"params": good, "method": None}),
        json.dumps({"params": good, "method": "order.test", "context": {"avgPrice": "1"}}),
        json.dumps({"params": good, "method": "orderList.place.oco"}),
        json.dumps({"params": good, "method": "nope"}),
        json.dumps({"params": good, "method": 5}),
        json.dumps({"params": "x"}),
        json.dumps({"params": None}),
        json.dumps({"params": {}}),
        json.dumps({}),
        json.dumps({**good, "method": "order.place"}),
        json.dumps({**good, "context": {"avgPrice": "1"}}),
        json.dumps({**good, "avgPrice": "1"}),
        json.dumps({**good, "price": None}),
        json.dumps({**good, "price": 29400.01}),
        json.dumps({**good, "price": 29400}),
        json.dumps({**good, "price": True}),
        json.dumps({**good, "price": ["1"]}),
        json.dumps({**good, "price": {"a": "1"}}),
        json.dumps(empty),
        json.dumps(dict(reversed(list(empty.items())))),
        json.dumps({**good, "newClientOrderId": ""}),
        json.dumps({**good, "foo": "1", "bar": ""}),
        json.dumps({**good, "side": "buy"}),
        json.dumps({**good, "symbol": "NOPE"}),
        json.dumps({**good, "symbol": "é"}, ensure_ascii=False),
        json.dumps({**good, "symbol": "\ud800"}),
        '{"symbol": "BTCUSDT", "symbol": "ETHUSDT", "side": "BUY", "type": "MARKET"}',
        json.dumps(good) + "   ",
        "  " + json.dumps(good),
        json.dumps(good) + " x",
        json.dumps(good) + "\r",
        "\ufeff" + json.dumps(good),
        "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1),
        json.dumps({"params": good, "context": {"avgPrice": "1"}, "x": [[[[[]]]]]}),
        '{"price": NaN, "symbol": "BTCUSDT"}',
        '{"price": 1e99999999999999999999, "symbol": "BTCUSDT"}',
        '{"quantity": ' + "1" * 5000 + "}",
        json.dumps({**good, "price": "1" * (MAX_LINE + 10)}),
        json.dumps({**good, "type": "MARKET", "quoteOrderQty": "10"}),
        json.dumps({"symbol": "BTCUSDT", "type": "MARKET", "quantity": "1", "side": "SELL"}),
    ]
    text = "".join(line + "\n" for line in lines) + json.dumps(good)  # no final newline
    code, out, err = _both(monkeypatch, ["--exchange-info", str(REAL)], text)
    assert code == 1
    assert len(out.splitlines()) == len(lines) + 1
    assert "line 3: empty line" in err
    assert sum(spy) > 0
    # Not UTF-8 (kept as a surrogate by main's stdin), and a byte order mark first.
    _both(monkeypatch, ["--exchange-info", str(REAL)], "\ufeff" + text + "\n\udcff\n")


def test_the_realistic_mix(monkeypatch: pytest.MonkeyPatch, spy: list[int]) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import workload
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    cases = workload.generate(4000, seed=3)
    text = "".join(case.line() + "\n" for case in cases)
    alone = _per_line(monkeypatch, ["--exchange-info", str(REAL)], text)
    assert _run(["--exchange-info", str(REAL)], text) == alone
    assert sum(spy) > 3900  # nearly every line went through the engine
    with monkeypatch.context() as patch:
        patch.setattr(batched, "CHUNK_LINES", 333)
        assert _run(["--exchange-info", str(REAL)], text) == alone
    with monkeypatch.context() as patch:
        patch.setattr(batched, "CHUNK_CHARS", 10_000)
        assert _run(["--exchange-info", str(REAL)], text) == alone


def test_an_engine_failure_judges_the_chunk_line_by_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "".join(
        json.dumps({"symbol": "BTCUSDT", "side": side, "type": "MARKET", "quantity": q}) + "\n"
        for side in ("BUY", "SELL", "SIDEWAYS")
        for q in ("1", "0.000001", "x")
    )
    alone = _per_line(monkeypatch, ["--exchange-info", str(REAL)], text)

    def broken(table: Any, info: Any) -> Any:
        raise ValueError("broken")

    monkeypatch.setattr(batched, "verdicts_of", broken)
    assert _run(["--exchange-info", str(REAL)], text) == alone
    monkeypatch.setattr(batched, "_columns_order", broken)  # any failure of the path
    assert _run(["--exchange-info", str(REAL)], text) == alone


def test_accepted_line_is_the_shared_one() -> None:
    from rules.checker.violations import ACCEPTED

    assert json.dumps(ACCEPTED.to_json()) + "\n" == check._ACCEPTED_LINE


def test_what_is_read_ahead(tmp_path: Path) -> None:
    assert check._whole_input(io.StringIO("x"))
    path = tmp_path / "orders.jsonl"
    path.write_text("{}\n")
    with path.open() as file:
        assert check._whole_input(file)
    read, write = os.pipe()
    try:
        with os.fdopen(read) as pipe:
            assert not check._whole_input(pipe)  # a bot's pipe: line by line
    finally:
        os.close(write)


def test_options_that_keep_the_per_line_path(
    monkeypatch: pytest.MonkeyPatch, spy: list[int], tmp_path: Path
) -> None:
    line = json.dumps({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"})
    defaults = tmp_path / "context.json"
    defaults.write_text('{"avgPrice": "29000"}')
    for extra in (["--explain"], ["--format", "text"], ["--context", str(defaults)]):
        _both(monkeypatch, ["--exchange-info", str(REAL), *extra], line + "\n")
    assert spy == []


def test_without_the_batch_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    line = json.dumps({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"})
    alone = _per_line(monkeypatch, ["--exchange-info", str(REAL)], line + "\n")
    monkeypatch.setitem(sys.modules, "rules.cli.batched", None)  # import fails
    monkeypatch.delattr("rules.cli.batched", raising=False)
    assert _run(["--exchange-info", str(REAL)], line + "\n") == alone


def test_a_line_set_apart_counts_only_through_its_own_verdict(
    monkeypatch: pytest.MonkeyPatch, spy: list[int]
) -> None:
    # The engine also judges the rows set apart (as sending nothing: rejected); only
    # their own verdicts, judged alone, count for the output and the exit code.
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.01"}
    lines = [
        json.dumps(order),
        json.dumps({"params": order, "method": "order.place"}),
        json.dumps({"params": order, "context": {"permissions": ["SPOT"]}}),
        json.dumps(dict(reversed(list(order.items())))),
    ]
    code, out, _ = _both(monkeypatch, ["--exchange-info", str(REAL)], "\n".join(lines) + "\n")
    assert code == 0
    assert all(json.loads(line)["accepted"] for line in out.splitlines())
    assert sum(spy) > 0


def test_the_collector_is_paused_only_while_a_chunk_is_judged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    line = json.dumps({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"})
    states: list[bool] = []
    engine = batched._chunk

    def seen(*args: Any) -> list[str]:
        states.append(gc.isenabled())
        return engine(*args)

    monkeypatch.setattr(batched, "_chunk", seen)
    monkeypatch.setattr(batched, "CHUNK_LINES", 2)
    assert gc.isenabled()
    _run(["--exchange-info", str(REAL)], (line + "\n") * 5)
    assert states == [False, False, False]
    assert gc.isenabled()
    gc.disable()
    try:
        _run(["--exchange-info", str(REAL)], line + "\n")
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()


def test_a_redirected_file_and_a_pipe_give_the_same_bytes(tmp_path: Path) -> None:
    import subprocess

    lines = [
        json.dumps({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": q})
        for q in ("0.01", "0.000001", "x", "100000")
    ]
    orders = tmp_path / "orders.jsonl"
    orders.write_text("\n".join([*lines, "not json", *lines]) + "\n")
    argv = [sys.executable, "-m", "rules", "check", "--exchange-info", str(REAL)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with orders.open() as stdin:  # a regular file: read by chunks
        from_file = subprocess.run(argv, stdin=stdin, capture_output=True, env=env, check=False)
    piped = subprocess.run(  # a pipe: line by line
        argv, input=orders.read_bytes(), capture_output=True, env=env, check=False
    )
    assert from_file.returncode == piped.returncode == 1
    assert from_file.stdout == piped.stdout
    assert from_file.stderr == piped.stderr
    assert len(from_file.stdout.splitlines()) == 9


def test_a_bot_on_a_pipe_gets_each_verdict_before_sending_the_next_order() -> None:
    import select
    import subprocess

    line = json.dumps({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"})
    argv = [sys.executable, "-m", "rules", "check", "--exchange-info", str(REAL)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONUNBUFFERED", None)  # stdout block-buffered, as on a pipe by default
    with subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as bot:
        assert bot.stdin is not None
        assert bot.stdout is not None
        try:
            for _ in range(2):
                bot.stdin.write(line.encode() + b"\n")
                bot.stdin.flush()  # and wait for the verdict, the pipe left open
                ready, _, _ = select.select([bot.stdout], [], [], 60)
                assert ready, "no verdict while the input stays open"
                assert json.loads(bot.stdout.readline())["accepted"] is True
        finally:
            bot.stdin.close()
            bot.wait(60)
    assert bot.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_unknown_names_are_not_remembered_from_a_file_either(tmp_path: Path) -> None:
    # As tests/test_hostile_input.py, through the batched path (a regular file): 6,000
    # lines with 20 KB symbols, types and parameter names (120 MB), each one new.
    import subprocess

    from tests.test_hostile_input import _PEAK

    long = "N" * 20_000
    orders = tmp_path / "orders.jsonl"
    with orders.open("w") as file:
        for i in range(2000):
            order = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"}
            file.write(json.dumps({**order, "symbol": f"{i}{long}"}) + "\n")
            file.write(json.dumps({**order, "type": f"{i}{long}"}) + "\n")
            file.write(json.dumps({**order, f"{i}{long}": "1"}) + "\n")
    peak_file = tmp_path / "peak"
    with orders.open() as stdin:
        result = subprocess.run(
            [sys.executable, "-c", _PEAK, "check", "--exchange-info", str(REAL)],
            cwd=ROOT,
            stdin=stdin,
            capture_output=True,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PEAK_FILE": str(peak_file)},
            timeout=300,
            check=False,
        )
    assert result.returncode == 1
    verdicts = [json.loads(v) for v in result.stdout.splitlines()]
    assert [v["violations"][0]["code"] for v in verdicts[:3]] == [-1121, -1116, -1104]
    peak_mb = int(peak_file.read_text().split()[1]) / 1024
    assert peak_mb < 160  # pyarrow and numpy, the full snapshot, a chunk (about 100 MB)


# Chunks that mix many shapes, and odd values in one column of one shape only: the
# batched path's output is the per-line path's, and _judge_rows never falls back.

_FULL = {"avgPrice": "29410.55", "openOrders": 3, "openAlgoOrders": 1, "basePosition": "0.5"}
_CONTEXTS: list[dict[str, Any] | None] = [
    None,
    {"avgPrice": "29410.55"},
    {"avgPrice": "29410.55", "openOrders": 3},
    {"openOrders": 3, "avgPrice": "29410.55"},
    _FULL,
]


@pytest.fixture
def unbroken(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """What ``_judge_rows`` raised (the path hides it, judging the chunk alone)."""
    failures: list[BaseException] = []
    judge = batched._judge_rows

    def spied(*args: Any) -> Any:
        try:
            return judge(*args)
        except BaseException as failure:
            failures.append(failure)
            raise

    monkeypatch.setattr(batched, "_judge_rows", spied)
    return failures


def _line(params: dict[str, Any], context: dict[str, Any] | None) -> str:
    if context is None:
        return json.dumps(params)
    return json.dumps({"params": params, "context": context})


def _shuffled(lines: list[str]) -> str:
    import random

    random.Random(7).shuffle(lines)
    return "".join(line + "\n" for line in lines)


def test_a_chunk_of_many_shapes(
    monkeypatch: pytest.MonkeyPatch, spy: list[int], unbroken: list[BaseException]
) -> None:
    extras = [("newClientOrderId", "a1"), ("icebergQty", "0.0005"), ("recvWindow", "5000")]
    lines = []
    for k in range(48):
        params = dict(_CORE)
        for j, (name, value) in enumerate(extras):
            if k >> j & 1:
                params[name] = value
        if k % 3 == 1:
            del params["timeInForce"]
        if k % 5 == 2:
            params = {"quoteOrderQty": "10", **params, "type": "MARKET"}
            del params["price"], params["quantity"]
        for repeat in range(3):
            lines.append(_line({**params, "quantity": str(repeat + 1)}, _CONTEXTS[k % 5]))
    code, out, _ = _both(monkeypatch, ["--exchange-info", str(REAL)], _shuffled(lines))
    assert len(out.splitlines()) == len(lines)
    assert code == 1
    assert sum(spy) >= 2 * len(lines)
    assert not unbroken


def test_rows_set_apart_in_one_shape_only(
    monkeypatch: pytest.MonkeyPatch, spy: list[int], unbroken: list[BaseException]
) -> None:
    market = {"symbol": "ETHUSDT", "side": "SELL", "type": "MARKET", "quoteOrderQty": "20"}
    full = _FULL
    odd: list[str] = [
        # a flat LIMIT shape: a number, null, a list, a lone surrogate in one column
        _line({**_CORE, "quantity": 1}, None),
        _line({**_CORE, "price": None}, None),
        _line({**_CORE, "price": ["1"]}, None),
        _line({**_CORE, "price": "\ud800"}, None),
        # a MARKET shape: an unknown symbol, a long side, unhashable symbol and type
        _line({**market, "symbol": "NOPE"}, None),
        _line({**market, "side": "S" * 40}, None),
        _line({**market, "symbol": ["ETHUSDT"]}, None),
        _line({**market, "type": {"a": 1}}, None),
        _line({**market, "symbol": "\ud800"}, None),
        # wrapped, full context: unreadable, null, number and list prices
        _line(_CORE, {**full, "avgPrice": "abc"}),
        _line(_CORE, {**full, "avgPrice": None}),
        _line(_CORE, {**full, "basePosition": 5}),
        _line(_CORE, {**full, "basePosition": ["1"]}),
        _line(_CORE, {**full, "avgPrice": "29410.5500000000000000001"}),
        # and its counts: true (before a 1 of the same column), out of range, null
        _line(_CORE, {**full, "openOrders": True}),
        _line(_CORE, {**full, "openOrders": 1}),
        _line(_CORE, {**full, "openAlgoOrders": -1}),
        _line(_CORE, {**full, "openAlgoOrders": 2**63}),
        _line(_CORE, {**full, "openOrders": None}),
        _line(_CORE, {**full, "openOrders": "3"}),
    ]
    good = [_line(_CORE, c) for c in _CONTEXTS] + [_line(market, c) for c in _CONTEXTS]
    lines = [*odd, *good * 4]
    code, out, _ = _both(monkeypatch, ["--exchange-info", str(REAL)], "\n".join(lines) + "\n")
    assert len(out.splitlines()) == len(lines)
    assert code == 1
    assert sum(spy) > 0
    assert not unbroken
    # Shuffled, so that the odd rows fall among the good ones of their shape.
    _both(monkeypatch, ["--exchange-info", str(REAL)], _shuffled(lines))
    assert not unbroken


def test_a_context_column_sent_only_as_null(
    monkeypatch: pytest.MonkeyPatch, spy: list[int], unbroken: list[BaseException]
) -> None:
    # A column whose rows all send null (not sent) is left out, as are its rows' holes.
    lines = [
        _line(_CORE, {"avgPrice": None}),
        _line(_CORE, {"avgPrice": None, "openOrders": None}),
        _line(_CORE, None),
        _line({**_CORE, "type": "MARKET"}, {"openOrders": 3}),
    ]
    code, _, _ = _both(monkeypatch, ["--exchange-info", str(REAL)], "\n".join(lines * 3) + "\n")
    assert code == 1
    assert sum(spy) > 0
    assert not unbroken


def test_names_in_an_order_the_common_rows_contradict(
    monkeypatch: pytest.MonkeyPatch, spy: list[int], unbroken: list[BaseException]
) -> None:
    reversed_core = dict(reversed(list(_CORE.items())))
    empty = {**_CORE, "price": "", "quantity": ""}
    lines = [
        *[_line(_CORE, c) for c in _CONTEXTS] * 3,
        *[_line(reversed_core, c) for c in _CONTEXTS],
        *[_line(dict(reversed(list(empty.items()))), c) for c in _CONTEXTS],
        *[_line(empty, c) for c in _CONTEXTS],
    ]
    code, _, _ = _both(monkeypatch, ["--exchange-info", str(REAL)], _shuffled(lines))
    assert code == 1
    assert sum(spy) > 0
    assert not unbroken
