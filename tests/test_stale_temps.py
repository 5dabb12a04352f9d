"""Leftovers of killed writes are cleaned up by the next write (issue 17)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rules.edge import cache
from rules.edge.cache import SnapshotCache, atomic_write, remove_stale_temps

ROOT = Path(__file__).resolve().parents[1]

# A writer that stops for good between writing its temporary file and the rename,
# so that kill -9 always finds a temporary file to leave behind.
_WRITER = """
import os, sys, time
from rules.edge.cache import atomic_write
def hang(fd):
    print("ready", flush=True)
    time.sleep(60)
os.fsync = hang
atomic_write(sys.argv[1], b"x" * (1 << 20))
"""


def _killed_writer(target: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target)], cwd=ROOT, stdout=subprocess.PIPE
    )
    assert child.stdout is not None
    assert child.stdout.readline() == b"ready\n"
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    child.stdout.close()


def _temps(directory: Path) -> list[str]:
    return sorted(n for n in os.listdir(directory) if n.endswith(".tmp"))


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.mark.slow
def test_kill_9_leftovers_are_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "info.json"
    for _ in range(4):
        _killed_writer(target)
    left = _temps(tmp_path)
    assert len(left) == 4
    assert all(f".{os.getpid()}-" not in n for n in left)
    for name in left:
        _age(tmp_path / name, cache.STALE_AFTER + 5)
    atomic_write(target, "new\n")
    assert _temps(tmp_path) == []
    assert target.read_text() == "new\n"


def test_a_fresh_leftover_of_a_dead_writer_is_kept_a_while(tmp_path: Path) -> None:
    # It may be a writer in another PID namespace sharing the directory: wait.
    dead = tmp_path / ".info.json.999999999-0123456789ab.tmp"
    dead.write_text("partial")
    atomic_write(tmp_path / "info.json", "new\n")
    assert _temps(tmp_path) == [dead.name]
    _age(dead, cache.STALE_AFTER + 5)
    assert remove_stale_temps(tmp_path, "info.json") == 1
    assert _temps(tmp_path) == []


def test_a_live_writer_is_never_touched(tmp_path: Path) -> None:
    live = tmp_path / f".info.json.{os.getpid()}-0123456789ab.tmp"
    live.write_text("in progress")
    _age(live, cache.STALE_AFTER + 5)
    assert remove_stale_temps(tmp_path) == 0
    _age(live, cache.ABANDONED_AFTER + 5)  # unchanged for an hour: abandoned
    assert remove_stale_temps(tmp_path) == 1


def test_other_files_are_never_touched(tmp_path: Path) -> None:
    keep = [".info.json.tmp", "info.json", ".hidden", "x.123-0123456789ab.tmp"]
    for name in keep:
        (tmp_path / name).write_text("x")
        _age(tmp_path / name, cache.ABANDONED_AFTER + 5)
    assert remove_stale_temps(tmp_path) == 0
    assert sorted(os.listdir(tmp_path)) == sorted(keep)


def test_only_the_target_s_leftovers_unless_asked(tmp_path: Path) -> None:
    other = tmp_path / ".other.json.999999999-0123456789ab.tmp"
    other.write_text("x")
    _age(other, cache.STALE_AFTER + 5)
    atomic_write(tmp_path / "info.json", "new\n")
    assert _temps(tmp_path) == [other.name]


def test_the_cache_cleans_every_snapshot_s_leftovers(tmp_path: Path) -> None:
    old = tmp_path / ".exchangeInfo-1-0000000000000000.json.999999999-0123456789ab.tmp"
    older = tmp_path / ".exchangeInfo-2-0000000000000000.json.0123456789ab.tmp"  # old naming
    for path, age in ((old, cache.STALE_AFTER + 5), (older, cache.ABANDONED_AFTER + 5)):
        path.write_text("{")
        _age(path, age)
    SnapshotCache(tmp_path).save(json.dumps({"serverTime": 5, "symbols": []}))
    assert _temps(tmp_path) == []
