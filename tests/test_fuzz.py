"""Fuzzing the commands with hostile input (issue 17): never a traceback, one line a line.

Order lines, ``--context`` files and mutated snapshots, drawn by Hypothesis, go through
``rules check`` and ``rules fix`` in process. Whatever they hold: the exit code is 0, 1
or 2; with 0 or 1 there is exactly one output line per input line; with 2 nothing is
written to stdout and stderr is one ``rules:`` line; no exception escapes (that would
be the traceback). The ``ci`` profile runs these derandomized; the ``random`` profile
hunts for new cases (README, "Run the tests").
"""

from __future__ import annotations

import copy
import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.checker.order import PARAMS
from rules.cli.main import Streams, run
from rules.examples import EXAMPLE_CONTEXT, EXAMPLE_EXCHANGE_INFO, EXAMPLE_ORDERS

SNAPSHOT: dict[str, Any] = json.loads(EXAMPLE_EXCHANGE_INFO.read_text())
ORDERS = [json.loads(line) for line in EXAMPLE_ORDERS.read_text().splitlines() if line.strip()]
CONTEXT: dict[str, Any] = json.loads(EXAMPLE_CONTEXT.read_text())
CONTEXT_KEYS = [*CONTEXT, "avgPrice", "referencePrice", "lastPrice", "permissions"]

# Number texts that break naive readers: huge exponents, long digit runs, signs.
_NUMBER_TEXTS = st.sampled_from(
    [
        "1e99999999999999999999",
        "1e999999999999999999",
        "1e1000000",
        "-1e1000000",
        "1e-1000000",
        "1e425000000",
        "9" * 4000,
        "-" + "9" * 25,
        "0.000000000000000000000000000001",
        "1E+2",
        "-0",
        "0e0",
        "12345678901234567890.12345678901234567890",
    ]
)


class _Raw(str):
    """A JSON number written as this text."""


def _render(value: Any) -> str:
    """JSON text of ``value``, with ``_Raw`` numbers written verbatim."""
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    return json.dumps(value, default=str)


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).map(lambda d: _Raw(str(d))),
    _NUMBER_TEXTS.map(_Raw),
    st.text(max_size=30),
    st.sampled_from(["BTCUSDT", "BUY", "SELL", "LIMIT", "MARKET", "GTC", "1", "0.001", ""]),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_DEEP = st.integers(1, 3000).map(lambda n: _Raw("[" * n + "]" * n))


@st.composite
def order_lines(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 4))
    if kind == 0:  # anything at all on one line
        return draw(st.text(st.characters(blacklist_characters="\n\r"), max_size=60))
    order: dict[str, Any] = dict(copy.deepcopy(draw(st.sampled_from(ORDERS))))
    params = order.get("params", order)
    for key in draw(st.lists(st.sampled_from([*PARAMS, "x"]), max_size=4)):
        params[key] = draw(st.one_of(_JSON, _DEEP))
    if kind == 1 and "params" in order:
        order["context"] = draw(st.dictionaries(st.sampled_from(CONTEXT_KEYS), _JSON, max_size=3))
    if kind == 2:
        order = {"params": params, draw(st.sampled_from(["context", "contxt"])): draw(_JSON)}
    text = _render(order)
    if kind == 3:  # cut short, or a byte order mark
        text = draw(st.sampled_from(["\ufeff" + text, text[: len(text) // 2], text + "}"]))
    return text


def _run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), streams=Streams(io.StringIO(stdin), out, err))
    return code, out.getvalue(), err.getvalue()


def _assert_contract(code: int, out: str, err: str, lines: int) -> None:
    assert code in (0, 1, 2)
    assert "Traceback" not in err
    if code == 2:
        assert out == ""
        assert err.startswith("rules: ")
        assert err.count("\n") == 1
    else:
        assert out.count("\n") == lines
        for line in err.splitlines():
            assert line.startswith("rules: line ")


_FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@_FUZZ
@given(
    st.lists(order_lines(), min_size=1, max_size=6),
    st.sampled_from(["check", "fix"]),
    st.sampled_from(["json", "text"]),
)
def test_order_lines(lines: list[str], command: str, form: str) -> None:
    code, out, err = _run(
        command,
        "--exchange-info",
        str(EXAMPLE_EXCHANGE_INFO),
        "--format",
        form,
        stdin="\n".join(lines) + "\n",
    )
    if form == "json":
        _assert_contract(code, out, err, len(lines))
    else:  # a report for people: every line numbered, then the totals
        assert code in (0, 1)
        assert "Traceback" not in err
        assert f"line {len(lines)}: " in out


@_FUZZ
@given(
    st.one_of(
        st.dictionaries(st.sampled_from(CONTEXT_KEYS), st.one_of(_JSON, _DEEP), max_size=4),
        _JSON,
        st.binary(max_size=40).map(lambda b: _Raw(b.decode("latin-1"))),
    ),
    st.sampled_from(["check", "fix"]),
)
def test_context_files(context: Any, command: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "context.json"
        path.write_bytes(_render(context).encode("utf-8", "surrogateescape"))
        code, out, err = _run(
            command,
            "--exchange-info",
            str(EXAMPLE_EXCHANGE_INFO),
            "--context",
            str(path),
            stdin=EXAMPLE_ORDERS.read_text(),
        )
    _assert_contract(code, out, err, len(EXAMPLE_ORDERS.read_text().splitlines()))


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*at, index))
    return found


_SNAPSHOT_PATHS = _paths(SNAPSHOT)[1:]


@st.composite
def mutated_snapshots(draw: st.DrawFn) -> str:
    snapshot = copy.deepcopy(SNAPSHOT)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_SNAPSHOT_PATHS))
        parent: Any = snapshot
        try:
            for step in path[:-1]:
                parent = parent[step]
            how = draw(st.integers(0, 2))
            if how == 0:
                parent[path[-1]] = draw(st.one_of(_JSON, _DEEP))
            elif how == 1 and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(
                    st.sampled_from(["-0.01", "-1", "0", "1e5", "", "NaN", -1, 2**80])
                )
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the way there
    text = _render(snapshot)
    if draw(st.booleans()):  # a key twice: the first would be hidden
        text = text.replace('{"symbols": ', '{"symbols": [], "symbols": ', 1)
    return text


@_FUZZ
@given(mutated_snapshots(), st.sampled_from(["check", "fix", "show"]))
def test_snapshot_mutations(snapshot: str, command: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "info.json"
        path.write_text(snapshot)
        stdin = EXAMPLE_ORDERS.read_text()
        code, out, err = _run(command, "--exchange-info", str(path), stdin=stdin)
    if command == "show":
        assert code in (0, 2)
        assert "Traceback" not in err
        if code == 2:
            assert err.startswith("rules: ")
            assert err.count("\n") == 1
        return
    _assert_contract(code, out, err, len(stdin.splitlines()))


def test_decimal_literals_are_rendered_verbatim() -> None:
    assert _render({"a": _Raw("1e5"), "b": [Decimal("1")]}) == '{"a": 1e5, "b": ["1"]}'
