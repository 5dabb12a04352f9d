"""What ``import rules`` costs, next to importing attrs + cattrs, in fresh interpreters.

    python benchmarks/bench_import.py [--quick]

Each line is a fresh ``python -c ...`` (``-X importtime`` is not used: it
slows what it measures); the runs of the different lines take turns and each
keeps its best of N. Two figures per line: *net*, the time above an empty
interpreter (``python -c pass``), and its ratio to the net time of
``import attrs, cattrs``; and *gross*, the whole process, and its ratio.
Target (issue 11): ``import rules`` at most 1.5x ``import attrs, cattrs``.
The other lines show what a program pays on first use of the checker, of the
loader and checker together, of everything public, and of the command line.
Run from the checkout: the checkout's ``rules`` is the one imported.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINES = {
    "python -c pass": "pass",
    "import attrs, cattrs": "import attrs, cattrs",
    "import rules": "import rules",
    "+ rules.evaluate": "import rules; rules.evaluate",
    "+ rules.loads, rules.evaluate": "import rules; rules.loads; rules.evaluate",
    "+ every public name": "import rules; [getattr(rules, n) for n in rules.__all__]",
    "rules check (--help)": "import sys; sys.argv = ['rules', 'check', '--help'];"
    " import rules.cli.main as m, contextlib, io;"
    " f = io.StringIO(); r = contextlib.redirect_stdout(f); r.__enter__(); m.run(sys.argv[1:],"
    " streams=m.Streams(sys.stdin, f, f))",
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="7 rounds instead of 21")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the checkout whose rules to import (default: this)"
    )
    args = parser.parse_args(argv)
    rounds = 7 if args.quick else 21
    root = args.root.resolve()
    # Bytecode as an installed package has it: a .pyc older than its source would
    # be compiled again on every run when PYTHONDONTWRITEBYTECODE is set (it is on
    # some machines), and timed. One round first writes them; it is not counted.
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPATH": str(root),
    }
    for code in LINES.values():
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=root)
    best = dict.fromkeys(LINES, float("inf"))
    for _ in range(rounds):
        for label, code in LINES.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=root)
            best[label] = min(best[label], time.perf_counter() - start)
    empty = best["python -c pass"]
    net_base = best["import attrs, cattrs"] - empty
    gross_base = best["import attrs, cattrs"]
    print(f"rules from {root / 'rules'}")
    print(f"fresh interpreters, best of {rounds} each (Python {sys.version.split()[0]}):")
    print(f"  {'':32} {'gross':>8} {'ratio':>6}  {'net':>8} {'ratio':>6}")
    for label, seconds in best.items():
        net = seconds - empty
        print(
            f"  {label:32} {seconds * 1e3:6.1f} ms {seconds / gross_base:5.2f}x"
            f"  {net * 1e3:6.1f} ms {net / net_base:5.2f}x"
        )
    print("  target: import rules <= 1.5x import attrs, cattrs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
