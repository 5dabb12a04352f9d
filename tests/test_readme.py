"""The README: CI runs its test command; the main job works; its Python examples are true."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
COMMANDS = re.findall(r"```sh\n(.+?)\n```", README)


def test_readme_has_exactly_two_commands() -> None:
    assert len(COMMANDS) == 2
    assert all(c.startswith("python3 -m pip install ") for c in COMMANDS)


def test_ci_runs_the_readme_test_command() -> None:
    assert COMMANDS[1] in (ROOT / ".ci" / "run").read_text()


def test_main_job_checks_the_bundled_example() -> None:
    main_job = COMMANDS[0].split(" && ", 1)[1]
    argv, stdin = main_job.split(" < ")
    with (ROOT / stdin).open() as orders:
        done = subprocess.run(
            [sys.executable, *argv.split()[1:]],
            stdin=orders,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    assert done.returncode == 1  # some example orders are rejected, on purpose
    assert done.stderr == ""
    assert "REJECTED" in done.stdout
    assert "accepted" in done.stdout


def test_python_examples_run_and_say_what_they_show(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each block runs; then each "expression  # value" line must show that value.
    blocks = re.findall(r"```python\n(.+?)\n```", README, re.S)
    assert len(blocks) >= 2
    monkeypatch.chdir(ROOT)
    checked = 0
    for block in blocks:
        namespace: dict[str, object] = {}
        exec(block, namespace)
        for line in block.splitlines():
            code, _, comment = line.partition("  # ")
            if comment and " = " not in code and not code.startswith(("import", " ")):
                assert comment.strip().startswith(repr(eval(code, namespace))), line
                checked += 1
    assert checked >= 6
