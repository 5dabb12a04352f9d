"""``rules watch``: a cron-less recorder, against a faulty exchange on 127.0.0.1."""

from __future__ import annotations

import faulthandler
import logging
import threading
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest

from rules.cli.main import Streams, run
from rules.edge.cache import SnapshotCache
from rules.edge.record import rules_key
from tests._faulty import Exchange, base_rules, halted, key_of
from tests._wsserver import closed_port

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """Each test is bounded in time: a hang prints every thread's stack and ends the run."""
    faulthandler.dump_traceback_later(60, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def cli(*argv: str) -> tuple[int, str, str]:
    streams = Streams(StringIO(), StringIO(), StringIO())
    code = run(list(argv), streams=streams)
    assert isinstance(streams.stdout, StringIO)
    assert isinstance(streams.stderr, StringIO)
    return code, streams.stdout.getvalue(), streams.stderr.getvalue()


class TestWatch:
    """Records each change once, survives faults, exits 0 at --max-runtime."""

    def test_records_changes_and_stops_on_time(self, tmp_path: Path) -> None:
        cache = tmp_path / "cache"
        with Exchange() as exchange:
            exchange.close_every(0.4)
            exchange.rate_limits.append(429)
            exchange.retry_after = 0.3

            def change() -> None:  # once the first rules are recorded
                deadline = time.monotonic() + 3
                while not SnapshotCache(cache).snapshots() and time.monotonic() < deadline:
                    time.sleep(0.02)
                exchange.set_rules(halted(base_rules()))

            changer = threading.Thread(target=change)
            changer.start()
            start = time.monotonic()
            code, out, err = cli(
                "watch", "--url", exchange.url, "--cache", str(cache),
                "--interval", "0.05", "--max-runtime", "2.5",
            )  # fmt: skip
            took = time.monotonic() - start
            changer.join()
        assert code == 0
        assert 2.4 < took < 5.0
        keys = [key_of(base_rules()), key_of(halted(base_rules()))]
        assert [rules_key(s.load()) for s in SnapshotCache(cache).snapshots()] == keys
        assert exchange.early == []
        assert "2 snapshots recorded" in out
        assert out.count("\n") == 1
        lines = err.splitlines()
        assert lines
        assert all(line.startswith("rules: ") for line in lines)
        assert any("recorded exchangeInfo-" in line for line in lines)
        assert any("429" in line for line in lines)
        # The command leaves the logger as it found it.
        assert not logging.getLogger("rules.edge.live").handlers

    def test_an_unreachable_server_is_not_a_failure(self, tmp_path: Path) -> None:
        url = f"ws://127.0.0.1:{closed_port()}/ws-api/v3"
        code, out, err = cli(
            "watch", "--url", url, "--cache", str(tmp_path), "--interval", "1",
            "--max-runtime", "0.5",
        )  # fmt: skip
        assert code == 0
        assert "0 snapshots recorded" in out
        assert "connection refused" in err


class TestUsage:
    """Usage errors: exit 2 and one line on stderr, nothing started."""

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["--interval", "0"], "--interval"),
            (["--interval", "soon"], "--interval"),
            (["--max-runtime", "-1"], "--max-runtime"),
            (["--max-runtime", "inf"], "--max-runtime"),
            (["--weight-budget", "5"], "weight_budget must be at least 22"),
            (["--weight-budget", "lots"], "--weight-budget"),
            (["--url", "http://example.invalid/"], "ws:// or wss://"),
            (["--symbol", "A", "--permissions", "SPOT"], "only one of"),
        ],
    )
    def test_refused(self, tmp_path: Path, argv: list[str], message: str) -> None:
        code, out, err = cli("watch", "--cache", str(tmp_path), *argv)
        assert code == 2
        assert out == ""
        assert err.count("\n") == 1
        assert message in err

    def test_cache_is_required(self) -> None:
        code, _, err = cli("watch", "--interval", "1")
        assert code == 2
        assert "--cache" in err
        assert err.count("\n") == 1

    def test_cache_is_a_file(self, tmp_path: Path) -> None:
        file = tmp_path / "file"
        file.write_text("x")
        code, _, err = cli("watch", "--cache", str(file), "--max-runtime", "1")
        assert code == 2
        assert err.startswith("rules: --cache")
        assert err.count("\n") == 1
