"""rules.edge.cache: atomic writes and the snapshot cache backtests read the rules from."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from rules.edge.cache import Snapshot, SnapshotCache, atomic_write
from rules.errors import LoadError, SnapshotNotFoundError
from rules.model.models import ExchangeInfo

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

    @pytest.mark.parametrize(
        ("text", "problem"),
        [
            (
                '{"serverTime": 5, "symbols": [], "x": ' + "1" * 5000 + "}",
                "$: not valid JSON: Exceeds the limit (4300 digits)",
            ),
            (
                '{"serverTime": 5, "symbols": [], "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
                "$: not valid JSON: nested too deeply",
            ),
            ('{"serverTime": 5, "symbols": []', "$: not valid JSON"),
            ("", "$: empty input"),
            (b'{"serverTime": 5, "symbols": [], "x": "\xff"}', "$: not UTF-8 text"),
        ],
        ids=["5000 digits", "100000 brackets", "truncated", "empty", "not UTF-8"],
    )
    def test_what_the_parser_refuses_is_a_load_error(
        self, tmp_path: Path, text: str | bytes, problem: str
    ) -> None:
        with pytest.raises(LoadError) as raised:
            SnapshotCache(tmp_path / "cache").save(text)
        assert raised.value.problems[0].startswith(problem)
        assert not (tmp_path / "cache").exists()

    def test_refuses_what_would_not_load(self, tmp_path: Path) -> None:
        text = '{"serverTime": 5, "symbols": [{"symbol": 7}]}'
        with pytest.raises(LoadError) as raised:
            SnapshotCache(tmp_path / "cache").save(text)
        assert raised.value.problems[0] == "$.symbols[0].symbol: expected a string, got integer 7"
        assert not (tmp_path / "cache").exists()

    @pytest.mark.parametrize(
        "data",
        [
            "\ufeff" + result(5, "BTCUSDT"),
            ("\ufeff" + result(5, "BTCUSDT")).encode(),
            result(5, "BTCUSDT").replace('"UTC"', "NaN"),
            result(5, "BTCUSDT").replace('"UTC"', "1e400"),
            result(5, "BTCUSDT").replace('"UTC"', '"\\ud800"'),
            '{"serverTime": 5, "symbols": [], "serverTime": 6}',
            result(5, "BTCUSDT", "BTCUSDT"),
            {"serverTime": 5, "symbols": [], "x": float("nan")},
            {"serverTime": 5, "symbols": [], "x": {1, 2}},
        ],
        ids=[
            "BOM",
            "BOM bytes",
            "NaN",
            "huge float",
            "lone surrogate escape",
            "repeated member",
            "repeated symbol",
            "NaN mapping",
            "set in mapping",
        ],
    )
    def test_what_is_saved_loads(self, tmp_path: Path, data: str | bytes | dict[str, Any]) -> None:
        cache = SnapshotCache(tmp_path / "cache")
        try:
            snapshot = cache.save(data)
        except LoadError:
            assert not (tmp_path / "cache").exists()
            return
        assert snapshot.load().server_time == snapshot.server_time
        assert cache.load_at(snapshot.server_time).server_time == snapshot.server_time
        assert cache.load_latest().server_time == snapshot.server_time

    def test_read_only_mapping(self, tmp_path: Path) -> None:
        from rules.model.frozen import FrozenJson

        snapshot = SnapshotCache(tmp_path).save(FrozenJson(json.loads(result(7, "BTCUSDT"))))
        assert json.loads(snapshot.read_text()) == json.loads(result(7, "BTCUSDT"))
        assert [s.symbol for s in snapshot.load()] == ["BTCUSDT"]

    def test_mapping_that_is_not_json(self, tmp_path: Path) -> None:
        with pytest.raises(LoadError) as raised:
            SnapshotCache(tmp_path).save({"serverTime": 5, "symbols": [], "x": {1, 2}})
        assert raised.value.problems == (
            "$: not JSON: Object of type set is not JSON serializable",
        )
        assert listing(tmp_path) == []

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


def _file_name(text: str) -> str:
    """The name ``save`` gives ``text`` (the format rules/edge/cache.py documents)."""
    server_time = json.loads(text)["serverTime"]
    return f"exchangeInfo-{server_time}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"


def _sorting(text: str, *names: str, last: bool) -> str:
    """A result of ``names`` at ``text``'s serverTime whose file name sorts after (``last``)
    or before ``text``'s: the timezone field varies until the hashes fall that way."""
    server_time = json.loads(text)["serverTime"]
    for n in range(100):
        other = result(server_time, *names).replace('"UTC"', f'"UTC{n}"')
        if (_file_name(other) > _file_name(text)) == last:
            return other
    raise AssertionError("no such name")  # pragma: no cover - one chance in 2**100


class TestSameServerTime:
    """A filtered and a full fetch in one millisecond: the one with the most symbols rules."""

    FULL = result(100, "BTCUSDT", "ETHBTC", "BNBBTC")

    @pytest.mark.parametrize("subset_sorts_last", [True, False])
    def test_most_symbols_wins(self, tmp_path: Path, subset_sorts_last: bool) -> None:
        cache = SnapshotCache(tmp_path)
        first = cache.save(result(50, "BTCUSDT"))
        full = cache.save(self.FULL)
        subset = cache.save(_sorting(self.FULL, "ETHBTC", last=subset_sorts_last))
        later = cache.save(result(200, "BTCUSDT"))
        assert (subset.path.name > full.path.name) == subset_sorts_last
        assert subset.server_time == full.server_time == 100
        for when in (100, 150, 199):
            assert cache.at(when) == full
            assert len(cache.load_at(when)) == 3
        assert cache.at(99) == first
        assert cache.at(200) == later

    def test_latest_follows_the_same_rule(self, tmp_path: Path) -> None:
        cache = SnapshotCache(tmp_path)
        full = cache.save(self.FULL)
        subset = cache.save(_sorting(self.FULL, "ETHBTC", last=True))
        assert cache.snapshots() == [full, subset]
        assert cache.latest() == full
        assert len(cache.load_latest()) == 3

    def test_equal_counts_take_the_name_that_sorts_last(self, tmp_path: Path) -> None:
        cache = SnapshotCache(tmp_path)
        saved = [cache.save(result(100, name)) for name in ("BTCUSDT", "ETHBTC", "BNBBTC")]
        last = max(saved, key=lambda s: s.path.name)
        assert cache.at(100) == cache.latest() == last

    def test_an_unreadable_file_counts_as_none(self, tmp_path: Path) -> None:
        cache = SnapshotCache(tmp_path)
        full = cache.save(result(100, "BTCUSDT"))
        (tmp_path / "exchangeInfo-100-ffffffffffffffff.json").write_text("{")
        (tmp_path / "exchangeInfo-100-fffffffffffffffe.json").write_text('{"symbols": 3}')
        (tmp_path / "exchangeInfo-100-fffffffffffffffd.json").write_text("[]")
        assert cache.at(100) == cache.latest() == full


class TestTwoProcesses:
    """Two processes saving at once: every file complete, no temporary file left."""

    def test_concurrent_saves(self, tmp_path: Path) -> None:
        script = textwrap.dedent(
            """
            import json, sys
            from rules.edge.cache import SnapshotCache
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


def _settle(directory: Path) -> None:
    """Date the directory's last change well back, as a directory untouched for a while."""
    past = os.stat(directory).st_mtime_ns - 10 * 10**9
    os.utime(directory, ns=(past, past))


class TestIndex:
    """Lookups are binary searches over a listing kept while the directory is unchanged."""

    @pytest.fixture
    def cache(self, tmp_path: Path) -> SnapshotCache:
        cache = SnapshotCache(tmp_path, max_loaded=2)
        for server_time in (1_000, 2_000, 3_000, 4_000):
            cache.save(result(server_time, "BTCUSDT"))
        _settle(tmp_path)
        return cache

    def test_a_settled_directory_is_listed_once(
        self, cache: SnapshotCache, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls: list[object] = []
        real = os.listdir

        def listdir(directory: Path) -> list[str]:
            calls.append(directory)
            return real(directory)

        monkeypatch.setattr(os, "listdir", listdir)
        assert [cache.at(t).server_time for t in (1_500, 2_500, 3_999, 10**13)] == [
            1_000,
            2_000,
            3_000,
            4_000,
        ]
        assert cache.latest().server_time == 4_000
        assert len(calls) <= 1

    def test_a_change_is_seen(self, cache: SnapshotCache, tmp_path: Path) -> None:
        assert cache.at(10**13).server_time == 4_000
        cache.save(result(5_000, "BTCUSDT"))
        assert cache.at(10**13).server_time == 5_000
        _settle(tmp_path)
        assert cache.at(10**13).server_time == 5_000
        (tmp_path / cache.at(10**13).path.name).unlink()
        assert cache.at(10**13).server_time == 4_000

    def test_a_recent_change_is_listed_again(
        self, cache: SnapshotCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A file added within the same tick of a coarse clock leaves the mtime as it
        # was: a directory changed less than 2 s before its listing is listed again.
        now = os.stat(tmp_path).st_mtime_ns + 10 * 10**9
        os.utime(tmp_path, ns=(now, now))
        assert cache.at(10**13).server_time == 4_000
        text = result(6_000, "BTCUSDT")
        (tmp_path / _file_name(text)).write_text(text)
        os.utime(tmp_path, ns=(now, now))  # as if the clock had not moved
        assert cache.at(10**13).server_time == 6_000

    def test_in_force_is_the_timeline(self, tmp_path: Path) -> None:
        cache = SnapshotCache(tmp_path)
        first = cache.save(result(50, "BTCUSDT"))
        full = cache.save(TestSameServerTime.FULL)
        cache.save(_sorting(TestSameServerTime.FULL, "ETHBTC", last=True))
        assert cache.in_force() == [first, full]
        assert [cache.at(s.server_time) for s in cache.in_force()] == [first, full]

    def test_loaded_snapshots_are_memoised_boundedly(
        self, cache: SnapshotCache, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        loads: list[Path] = []
        real = Snapshot.load

        def load(snapshot: Snapshot) -> ExchangeInfo:
            loads.append(snapshot.path)
            return real(snapshot)

        monkeypatch.setattr(Snapshot, "load", load)
        first = cache.load_at(1_000)
        assert cache.load_at(1_999) is first
        assert cache.load(cache.at(1_000)) is first
        assert len(loads) == 1
        cache.load_at(2_000)
        cache.load_at(3_000)  # max_loaded=2: the 1_000 snapshot is dropped
        assert cache.load_at(1_000) is not first
        assert len(loads) == 4

    def test_nothing_memoised_with_max_loaded_0(self, tmp_path: Path) -> None:
        cache = SnapshotCache(tmp_path, max_loaded=0)
        cache.save(result(1, "BTCUSDT"))
        assert cache.load_at(1) is not cache.load_at(1)

    @pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
    def test_bad_max_loaded(self, tmp_path: Path, bad: object) -> None:
        with pytest.raises(ValueError, match="max_loaded: expected a non-negative integer"):
            SnapshotCache(tmp_path, max_loaded=bad)  # type: ignore[arg-type]

    def test_pickles_as_its_directory(self, cache: SnapshotCache) -> None:
        import pickle

        cache.load_at(1_000)
        copy = pickle.loads(pickle.dumps(cache))
        assert copy == cache
        assert copy.max_loaded == 2
        assert copy.at(2_500) == cache.at(2_500)


class TestNotFound:
    """The cache's not-found error says what it looks for."""

    def test_empty_says_the_file_names(self, tmp_path: Path) -> None:
        with pytest.raises(SnapshotNotFoundError) as raised:
            SnapshotCache(tmp_path).at(10**13)
        assert str(raised.value) == (
            f"no snapshot in {str(tmp_path)!r}: the cache looks for files named "
            "exchangeInfo-<serverTime>-<16 hex digits of sha256>.json, as SnapshotCache.save "
            "and 'rules fetch --cache DIR' write them"
        )

    def test_names_the_files_it_does_not_take(self, tmp_path: Path) -> None:
        (tmp_path / "btc.json").write_text(result(5, "BTCUSDT"))
        (tmp_path / "eth.json").write_text(result(6, "ETHBTC"))
        with pytest.raises(SnapshotNotFoundError) as raised:
            SnapshotCache(tmp_path).latest()
        message = str(raised.value)
        assert "'btc.json' and 1 more in it are not named so" in message
        assert f"SnapshotCache({str(tmp_path)!r}).save(Path(file).read_bytes())" in message

    def test_absent_directory(self, tmp_path: Path) -> None:
        with pytest.raises(SnapshotNotFoundError, match=r"\(the directory does not exist\)$"):
            SnapshotCache(tmp_path / "absent").latest()
