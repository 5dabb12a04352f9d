"""rules.cache: atomic writes and the snapshot cache backtests read the rules from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from rules.cache import Snapshot, SnapshotCache, atomic_write
from rules.errors import LoadError, SnapshotNotFoundError

OLD = b'{"the": "old file"}\n'


def result(server_time: int, *names: str, pretty: bool = False) -> str:
    """A loadable exchangeInfo result, as text."""
    obj: dict[str, Any] = {
        "timezone": "UTC",
        "serverTime": server_time,
        "symbols": [
            {
                "symbol": name,
                "status": "TRADING",
                "baseAsset": name[:3],
                "quoteAsset": name[3:],
                "filters": [],
            }
            for name in names
        ],
    }
    return json.dumps(obj, indent=2 if pretty else None)


def listing(directory: Path) -> list[str]:
    return sorted(os.listdir(directory))


class TestAtomicWrite:
    """All of the new bytes, or the old file byte for byte, and no temporary file left."""

    def test_creates(self, tmp_path: Path) -> None:
        atomic_write(tmp_path / "out.json", "héllo\n")
        assert (tmp_path / "out.json").read_bytes() == "héllo\n".encode()
        assert listing(tmp_path) == ["out.json"]

    def test_replaces(self, tmp_path: Path) -> None:
        target = tmp_path / "out.json"
        target.write_bytes(OLD)
        atomic_write(target, b"new")
        assert target.read_bytes() == b"new"
        assert listing(tmp_path) == ["out.json"]

    def test_keeps_the_mode_of_the_file_replaced(self, tmp_path: Path) -> None:
        target = tmp_path / "out.json"
        target.write_bytes(OLD)
        target.chmod(0o640)
        atomic_write(target, b"new")
        assert target.stat().st_mode & 0o777 == 0o640

    def test_new_file_gets_the_umask_mode(self, tmp_path: Path) -> None:
        umask = os.umask(0o022)
        os.umask(umask)
        atomic_write(tmp_path / "out.json", b"x")
        assert (tmp_path / "out.json").stat().st_mode & 0o777 == 0o666 & ~umask

    @pytest.mark.parametrize(
        ("function", "exception"),
        [
            ("fsync", OSError(28, "No space left on device")),
            ("replace", PermissionError(13, "Permission denied")),
            ("fsync", KeyboardInterrupt()),
        ],
    )
    def test_failure_leaves_the_old_file(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        function: str,
        exception: BaseException,
    ) -> None:
        target = tmp_path / "out.json"
        target.write_bytes(OLD)

        def fail(*args: Any) -> None:
            raise exception

        monkeypatch.setattr(os, function, fail)
        with pytest.raises(type(exception)):
            atomic_write(target, b"x" * 1_000_000)
        monkeypatch.undo()
        assert target.read_bytes() == OLD
        assert listing(tmp_path) == ["out.json"]

    def test_failure_mid_write(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Half the bytes are written when the disk fills: the target is untouched."""
        target = tmp_path / "out.json"
        target.write_bytes(OLD)
        real_fdopen = os.fdopen

        class HalfFull:
            def __init__(self, fd: int, mode: str) -> None:
                self.file = real_fdopen(fd, mode)

            def __enter__(self) -> HalfFull:
                return self

            def __exit__(self, *exc: object) -> None:
                self.file.close()

            def write(self, data: bytes) -> int:
                self.file.write(data[: len(data) // 2])
                self.file.flush()
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fdopen", HalfFull)
        with pytest.raises(OSError, match="No space left"):
            atomic_write(target, b"y" * 100_000)
        monkeypatch.undo()
        assert target.read_bytes() == OLD
        assert listing(tmp_path) == ["out.json"]

    def test_unencodable_text_writes_nothing(self, tmp_path: Path) -> None:
        target = tmp_path / "out.json"
        target.write_bytes(OLD)
        with pytest.raises(UnicodeEncodeError):
            atomic_write(target, "bad \udc80 surrogate")
        assert target.read_bytes() == OLD
        assert listing(tmp_path) == ["out.json"]

    def test_missing_directory(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError):
            atomic_write(tmp_path / "nope" / "out.json", b"x")
        assert listing(tmp_path) == []

    def test_target_is_a_directory(self, tmp_path: Path) -> None:
        (tmp_path / "out").mkdir()
        with pytest.raises(OSError, match="directory"):
            atomic_write(tmp_path / "out", b"x")
        assert listing(tmp_path) == ["out"]
        assert listing(tmp_path / "out") == []


class TestSave:
    """Snapshots are the raw result text, named by serverTime and content hash."""

    def test_saves_text_byte_for_byte(self, tmp_path: Path) -> None:
        text = result(1_691_945_251_489, "BTCUSDT", pretty=True)
        snapshot = SnapshotCache(tmp_path / "cache").save(text)
        assert snapshot.server_time == 1_691_945_251_489
        assert snapshot.path.parent == tmp_path / "cache"
        assert snapshot.path.name.startswith("exchangeInfo-1691945251489-")
        assert snapshot.path.read_bytes() == text.encode()
        assert snapshot.read_text() == text

    def test_saves_bytes_and_mappings(self, tmp_path: Path) -> None:
        cache = SnapshotCache(tmp_path)
        from_bytes = cache.save(result(1, "BTCUSDT").encode())
        from_mapping = cache.save(json.loads(result(2, "BTCUSDT")))
        assert from_bytes.path.read_text() == result(1, "BTCUSDT")
        assert json.loads(from_mapping.path.read_text()) == json.loads(result(2, "BTCUSDT"))

    def test_same_snapshot_twice_is_one_file(self, tmp_path: Path) -> None:
        cache = SnapshotCache(tmp_path)
        first = cache.save(result(5, "BTCUSDT"))
        mtime = first.path.stat().st_mtime_ns
        assert cache.save(result(5, "BTCUSDT")) == first
        assert first.path.stat().st_mtime_ns == mtime
        assert listing(tmp_path) == [first.path.name]

    def test_same_time_other_content_is_kept_apart(self, tmp_path: Path) -> None:
        cache = SnapshotCache(tmp_path)
        a = cache.save(result(5, "BTCUSDT"))
        b = cache.save(result(5, "ETHBTC"))
        assert a.path != b.path
        assert a.path.read_text() == result(5, "BTCUSDT")
        assert b.path.read_text() == result(5, "ETHBTC")

    @pytest.mark.parametrize(
        ("text", "problem"),
        [
            ("not json", "$: not valid JSON"),
            ("[]", "$: expected an exchangeInfo object, got list"),
            ('{"symbols": []}', "$.serverTime: expected a non-negative integer"),
            ('{"serverTime": "1", "symbols": []}', "$.serverTime: expected a non-negative integer"),
            ('{"serverTime": 1}', "$.symbols: expected a list of symbols"),
            (
                '{"id": "x", "status": 200, "result": {"serverTime": 1, "symbols": []}}',
                "$.serverTime",
            ),
        ],
    )
    def test_refuses_what_is_not_a_result(self, tmp_path: Path, text: str, problem: str) -> None:
        with pytest.raises(LoadError) as raised:
            SnapshotCache(tmp_path / "cache").save(text)
        assert raised.value.problems[0].startswith(problem)
        assert not (tmp_path / "cache").exists()

    def test_write_failure_leaves_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        cache = SnapshotCache(tmp_path)
        kept = cache.save(result(1, "BTCUSDT"))

        def fail(*args: Any) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", fail)
        with pytest.raises(OSError, match="No space left"):
            cache.save(result(2, "BTCUSDT"))
        monkeypatch.undo()
        assert listing(tmp_path) == [kept.path.name]
        assert cache.snapshots() == [kept]


class TestQueries:
    """List, latest, and the snapshot in force at T: the latest with serverTime <= T."""

    @pytest.fixture
    def cache(self, tmp_path: Path) -> SnapshotCache:
        cache = SnapshotCache(tmp_path)
        for server_time in (3_000, 1_000, 2_000):
            cache.save(result(server_time, "BTCUSDT"))
        (tmp_path / "README").write_text("not a snapshot")
        (tmp_path / ".exchangeInfo-9-0000000000000000.json.1a2b.tmp").write_text("{")
        return cache

    def test_snapshots_oldest_first(self, cache: SnapshotCache) -> None:
        assert [s.server_time for s in cache.snapshots()] == [1_000, 2_000, 3_000]
        assert all(isinstance(s, Snapshot) for s in cache.snapshots())

    def test_latest(self, cache: SnapshotCache) -> None:
        assert cache.latest().server_time == 3_000
        assert cache.load_latest().server_time == 3_000

    @pytest.mark.parametrize(
        ("when", "expected"),
        [(1_000, 1_000), (1_999, 1_000), (2_000, 2_000), (2_500, 2_000), (10**13, 3_000)],
    )
    def test_at(self, cache: SnapshotCache, when: int, expected: int) -> None:
        assert cache.at(when).server_time == expected
        info = cache.load_at(when)
        assert info.server_time == expected
        assert [s.symbol for s in info] == ["BTCUSDT"]

    def test_at_datetime(self, cache: SnapshotCache) -> None:
        when = datetime(1970, 1, 1, 0, 0, 2, 500_000, tzinfo=UTC)
        assert cache.at(when).server_time == 2_000
        plus_one = timezone(timedelta(hours=1))
        assert cache.at(when.astimezone(plus_one)).server_time == 2_000

    def test_before_the_first(self, cache: SnapshotCache, tmp_path: Path) -> None:
        with pytest.raises(SnapshotNotFoundError) as raised:
            cache.at(999)
        assert isinstance(raised.value, LookupError)
        assert str(raised.value) == f"no snapshot in {str(tmp_path)!r} at or before serverTime 999"

    def test_naive_datetime(self, cache: SnapshotCache) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            cache.at(datetime(2023, 1, 1))  # naive on purpose

    def test_not_a_time(self, cache: SnapshotCache) -> None:
        with pytest.raises(TypeError, match="milliseconds since the epoch or a datetime"):
            cache.at("2023-01-01")  # type: ignore[arg-type]

    def test_empty_or_absent(self, tmp_path: Path) -> None:
        cache = SnapshotCache(tmp_path / "absent")
        assert cache.snapshots() == []
        with pytest.raises(SnapshotNotFoundError, match="no snapshot in"):
            cache.latest()
        with pytest.raises(SnapshotNotFoundError):
            cache.load_at(10**13)

    def test_real_snapshot_round_trip(self, tmp_path: Path) -> None:
        path = Path(__file__).parents[2] / "shared" / "data" / "exchange_info"
        text = (path / "spot-full-2018-02.json").read_text(encoding="utf-8")
        snapshot = SnapshotCache(tmp_path).save(text)
        assert snapshot.read_text() == text
        assert snapshot.load().server_time == snapshot.server_time == json.loads(text)["serverTime"]


class TestTwoProcesses:
    """Two processes saving at once: every file complete, no temporary file left."""

    def test_concurrent_saves(self, tmp_path: Path) -> None:
        script = textwrap.dedent(
            """
            import json, sys
            from rules.cache import SnapshotCache
            cache = SnapshotCache(sys.argv[1])
            me = sys.argv[2]
            for i in range(40):
                body = {"serverTime": 1000 + i % 20, "symbols": [], "pad": "x" * 200_000}
                cache.save(json.dumps(body))  # the same 20 snapshots in both processes
                cache.save(json.dumps({**body, "writer": me}))  # and 20 of its own
            """
        )
        processes = [
            subprocess.Popen([sys.executable, "-c", script, str(tmp_path), name])
            for name in ("a", "b")
        ]
        assert [p.wait(60) for p in processes] == [0, 0]
        names = listing(tmp_path)
        assert not [n for n in names if n.endswith(".tmp")]
        snapshots = SnapshotCache(tmp_path).snapshots()
        assert len(snapshots) == len(names) == 20 * 3
        for snapshot in snapshots:
            body = json.loads(snapshot.read_text())
            assert body["serverTime"] == snapshot.server_time
            assert len(body["pad"]) == 200_000
