"""The public order-check vectors of ``shared/vectors-next`` (see its README), through both doors.

Every case goes through :func:`rules.evaluate`; every file goes once through the
command line (:func:`rules.cli.main.run` with in-memory streams). Compared, as the
README says: ``accepted``, the multiset of ``(code, filterType)`` and the set
``unchecked``; here also the messages, and the order (D53): the stages never go
back, and a case marked ``"first": true`` lists Binance's answer first.

Only the files without the ``methods-`` prefix are run: those name a request
method (order lists, amendments, SOR, ...; DECISIONS D40-D52) and come with
issue 13. ``shared/vectors`` holds the previous set (the readings before the
real answers of 2026-12-02); nothing here reads it any more.
"""

from __future__ import annotations

import functools
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.violations import stage_of
from rules.cli.main import Streams, run
from rules.model.load import load_path
from rules.model.models import ExchangeInfo

SHARED = Path(__file__).resolve().parents[2] / "shared"
MANIFEST = json.loads((SHARED / "vectors-next" / "manifest.json").read_text())
#: The order.place files; the ``methods-`` ones wait for issue 13 (see above).
FILES = {
    entry["name"]: entry for entry in MANIFEST["files"] if not entry["name"].startswith("methods-")
}


@functools.cache
def _info(name: str) -> ExchangeInfo:
    return load_path(SHARED / FILES[name]["exchange_info"])


@functools.cache
def _cases(name: str) -> tuple[dict[str, Any], ...]:
    path = SHARED / FILES[name]["cases"]
    with path.open(encoding="utf-8") as file:
        return tuple(json.loads(line, parse_float=Decimal) for line in file if line.strip())


def _key(verdict: dict[str, Any]) -> tuple[bool, Counter[tuple[int, str | None]], frozenset[str]]:
    pairs = Counter((v["code"], v["filterType"]) for v in verdict["violations"])
    return verdict["accepted"], pairs, frozenset(verdict["unchecked"])


def _line(case: dict[str, Any]) -> str:
    if "context" in case:
        return json.dumps({"params": case["params"], "context": case["context"]}, default=str)
    return json.dumps(case["params"], default=str)


def _first(verdict: dict[str, Any]) -> tuple[int, str | None]:
    first = verdict["violations"][0]
    return first["code"], first["filterType"]


def _order_problems(case: dict[str, Any], got: dict[str, Any]) -> list[tuple[object, ...]]:
    """D53: the stages of ``got`` never go back; a ``"first"`` case starts with Binance's answer."""
    stages = [stage_of(v["code"]) for v in got["violations"]]
    wrong: list[tuple[object, ...]] = []
    if stages != sorted(stages):
        wrong.append((case["case"], "stages", got["violations"]))
    if case.get("first") and _first(got) != _first(case["expected"]):
        wrong.append((case["case"], "first", _first(got), _first(case["expected"])))
    return wrong


def test_manifest_counts() -> None:
    """The manifest and the files agree, so no case is silently left out."""
    assert set(FILES) == {"real-2023-08", "syn-grid-2021", "syn-notional", "syn-permissions"}
    for name, entry in FILES.items():
        assert len(_cases(name)) == entry["count"], name


def test_first_cases_are_there() -> None:
    """The D53 measure is not vacuous: the files hold cases whose first violation is fixed."""
    firsts = sum(1 for name in FILES for case in _cases(name) if case.get("first"))
    assert firsts >= 188


@pytest.mark.parametrize("name", sorted(FILES))
def test_python_api(name: str) -> None:
    """Every case through ``evaluate``: the expected verdict, and Binance's messages."""
    info = _info(name)
    wrong: list[tuple[object, ...]] = []
    for case in _cases(name):
        context = Context.from_mapping(case.get("context", {}))
        got = evaluate(info, case["params"], context).to_json()
        if _key(got) != _key(case["expected"]):
            wrong.append((case["case"], case["params"], got, case["expected"]))
            continue
        expected_msgs = Counter((v["code"], v["msg"]) for v in case["expected"]["violations"])
        got_msgs = Counter((v["code"], v["msg"]) for v in got["violations"])
        if expected_msgs != got_msgs:
            wrong.append((case["case"], "messages", got_msgs, expected_msgs))
        wrong.extend(_order_problems(case, got))
    assert wrong == []


@pytest.mark.parametrize("name", sorted(FILES))
def test_command_line(name: str) -> None:
    """Every case of the file in one ``rules check`` run, one verdict a line, in order."""
    cases = _cases(name)
    stdin = io.StringIO("".join(_line(case) + "\n" for case in cases))
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["check", "--exchange-info", str(SHARED / FILES[name]["exchange_info"])]
    code = run(argv, streams=Streams(stdin, stdout, stderr))
    verdicts = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert len(verdicts) == len(cases)
    wrong: list[tuple[object, ...]] = []
    for case, got in zip(cases, verdicts, strict=True):
        if _key(got) != _key(case["expected"]):
            wrong.append((case["case"], got))
        else:
            wrong.extend(_order_problems(case, got))
    assert wrong == []
    assert stderr.getvalue() == ""
    assert code == (1 if any(not c["expected"]["accepted"] for c in cases) else 0)
