"""The public order-check vectors of ``shared/vectors-next`` (see its README), through both doors.

Every case goes through :func:`rules.evaluate`; every file goes once through the
command line (:func:`rules.cli.main.run` with in-memory streams). Compared, as the
README says: ``accepted``, the multiset of ``(code, filterType)`` and the set
``unchecked``; here also the messages, and the order (D53): the stages never go
back, and a case marked ``"first": true`` lists Binance's answer first.

The ``methods-`` files name a request method (DECISIONS D40-D52): their cases
(``order.place``, ``order.test``, ``sor.order.place``, ``sor.order.test``, ``order.cancelReplace``,
``order.amend.keepPriority``, the six order lists, unknown names: -1020): every
case of every file is run, with ``leg`` compared (D45).
``shared/vectors`` holds the previous set (the readings before the real
answers of 2026-12-02); nothing here reads it any more.
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
from rules.checker.methods import JUDGED_METHODS
from rules.checker.violations import stage_of
from rules.cli.main import Streams, run
from rules.model.load import load_path
from rules.model.models import ExchangeInfo

SHARED = Path(__file__).resolve().parents[2] / "shared"
MANIFEST = json.loads((SHARED / "vectors-next" / "manifest.json").read_text())
#: The order.place files.
FILES = {
    entry["name"]: entry for entry in MANIFEST["files"] if not entry["name"].startswith("methods-")
}
#: The files of method lines (D40); only their judged methods' cases are run (see above).
METHOD_FILES = {
    entry["name"]: entry for entry in MANIFEST["files"] if entry["name"].startswith("methods-")
}
ALL_FILES = {**FILES, **METHOD_FILES}


@functools.cache
def _info(name: str) -> ExchangeInfo:
    return load_path(SHARED / ALL_FILES[name]["exchange_info"])


@functools.cache
def _all_cases(name: str) -> tuple[dict[str, Any], ...]:
    path = SHARED / ALL_FILES[name]["cases"]
    with path.open(encoding="utf-8") as file:
        return tuple(json.loads(line, parse_float=Decimal) for line in file if line.strip())


def _cases(name: str) -> tuple[dict[str, Any], ...]:
    """The cases run: every case of every file."""
    return _all_cases(name)


def _key(
    verdict: dict[str, Any],
) -> tuple[bool, Counter[tuple[int, str | None, str | None]], frozenset[str]]:
    triples = Counter((v["code"], v["filterType"], v.get("leg")) for v in verdict["violations"])
    return verdict["accepted"], triples, frozenset(verdict["unchecked"])


def _line(case: dict[str, Any]) -> str:
    if "method" in case:
        line = {"method": case["method"], "params": case["params"]}
        if "context" in case:
            line["context"] = case["context"]
        return json.dumps(line, default=str)
    if "context" in case:
        return json.dumps({"params": case["params"], "context": case["context"]}, default=str)
    return json.dumps(case["params"], default=str)


def _first(verdict: dict[str, Any]) -> tuple[int, str | None, str | None]:
    first = verdict["violations"][0]
    return first["code"], first["filterType"], first.get("leg")


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
    assert len(METHOD_FILES) == 12
    for name, entry in ALL_FILES.items():
        assert len(_all_cases(name)) == entry["count"], name
    for name in FILES:
        assert len(_cases(name)) == len(_all_cases(name)), name


def test_method_cases_run() -> None:
    """Every case of the methods files is run: all 1,820 of them, 1,029 order lists
    (D45-D51) and 191 cancel-replace and amend (D43, D44) among them."""
    judged = sum(len(_cases(name)) for name in METHOD_FILES)
    lists = sum(
        1
        for name in METHOD_FILES
        for case in _cases(name)
        if str(case.get("method")).removeprefix("v3/").startswith("orderList.place")
        and str(case.get("method")).removeprefix("v3/") in JUDGED_METHODS
    )
    replaced = sum(
        1
        for name in METHOD_FILES
        for case in _cases(name)
        if str(case.get("method")).removeprefix("v3/")
        in ("order.cancelReplace", "order.amend.keepPriority")
    )
    assert (judged, lists, replaced) == (1820, 1029, 191)


def test_first_cases_are_there() -> None:
    """The D53 measure is not vacuous: the files hold cases whose first violation is fixed."""
    firsts = sum(1 for name in FILES for case in _cases(name) if case.get("first"))
    assert firsts >= 188


@pytest.mark.parametrize("name", sorted(ALL_FILES))
def test_python_api(name: str) -> None:
    """Every case through ``evaluate``: the expected verdict, and Binance's messages."""
    info = _info(name)
    wrong: list[tuple[object, ...]] = []
    for case in _cases(name):
        context = Context.from_mapping(case.get("context", {}))
        got = evaluate(info, case["params"], context, method=case.get("method")).to_json()
        if "method" in case:
            for violation in got["violations"]:
                violation.setdefault("leg", None)  # leg null: the request, a single order (D45)
        if _key(got) != _key(case["expected"]):
            wrong.append((case["case"], case["params"], got, case["expected"]))
            continue
        expected_msgs = Counter((v["code"], v["msg"]) for v in case["expected"]["violations"])
        got_msgs = Counter((v["code"], v["msg"]) for v in got["violations"])
        if expected_msgs != got_msgs:
            wrong.append((case["case"], "messages", got_msgs, expected_msgs))
        wrong.extend(_order_problems(case, got))
    assert wrong == []


@pytest.mark.parametrize("name", sorted(ALL_FILES))
def test_command_line(name: str) -> None:
    """Every case of the file in one ``rules check`` run, one verdict a line, in order."""
    cases = _cases(name)
    stdin = io.StringIO("".join(_line(case) + "\n" for case in cases))
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["check", "--exchange-info", str(SHARED / ALL_FILES[name]["exchange_info"])]
    code = run(argv, streams=Streams(stdin, stdout, stderr))
    verdicts = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert len(verdicts) == len(cases)
    wrong: list[tuple[object, ...]] = []
    for case, got in zip(cases, verdicts, strict=True):
        legs = [("leg" in v) for v in got["violations"]]
        if legs != [("method" in case)] * len(legs):
            wrong.append((case["case"], "leg on a method line only (D40)", got))
        if _key(got) != _key(case["expected"]):
            wrong.append((case["case"], got))
        else:
            wrong.extend(_order_problems(case, got))
    assert wrong == []
    assert stderr.getvalue() == ""
    assert code == (1 if any(not c["expected"]["accepted"] for c in cases) else 0)
