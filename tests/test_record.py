"""rules.edge.record: one snapshot file per change of the rules, a revert included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rules.edge.cache import SnapshotCache
from rules.edge.record import Recorder, rules_key
from rules.model.load import loads
from tests._wsserver import exchange_info


def text(server_time: int, *names: str, **extra: Any) -> str:
    return json.dumps({**exchange_info(server_time, *names), **extra})


class TestRulesKey:
    """Equal rules, equal keys: serverTime, spacing and member order do not count."""

    def test_server_time_is_not_a_change(self) -> None:
        assert rules_key(loads(text(1))) == rules_key(loads(text(2)))

    def test_spacing_and_order_are_not_a_change(self) -> None:
        obj = exchange_info(1)
        spaced = json.dumps(dict(reversed(list(obj.items()))), indent=4)
        assert rules_key(loads(spaced)) == rules_key(loads(json.dumps(obj)))

    @pytest.mark.parametrize(
        "changed",
        [
            text(1, "BTCUSDT", "ETHBTC"),
            text(1, timezone="GMT"),
            text(1).replace('"TRADING"', '"HALT"'),
            text(1).replace('"0.01000000"', '"0.10000000"', 1),
        ],
    )
    def test_a_rule_change_is_a_change(self, changed: str) -> None:
        assert rules_key(loads(changed)) != rules_key(loads(text(1)))


class TestRecorder:
    """Written when different from the last written; failures are tried again."""

    def test_writes_changes_and_reverts_only(self, tmp_path: Path) -> None:
        recorder = Recorder(SnapshotCache(tmp_path))
        a1, a2, b, a3 = text(1), text(2), text(3, "ETHBTC"), text(4)
        written = [recorder.offer(t, loads(t)) for t in (a1, a2, b, a3)]
        assert [w is not None for w in written] == [True, False, True, True]
        assert [s.server_time for s in SnapshotCache(tmp_path).snapshots()] == [1, 3, 4]
        assert recorder.written == 3

    def test_what_is_written_is_the_text_as_received(self, tmp_path: Path) -> None:
        raw = "{ " + text(7)[1:]
        snapshot = Recorder(SnapshotCache(tmp_path)).offer(raw, loads(raw))
        assert snapshot is not None
        assert snapshot.read_text() == raw

    def test_seed_from_the_cache(self, tmp_path: Path) -> None:
        SnapshotCache(tmp_path).save(text(1))
        recorder = Recorder(SnapshotCache(tmp_path))
        seeded = recorder.seed()
        assert seeded is not None
        assert seeded.server_time == 1
        assert recorder.offer(text(2), loads(text(2))) is None
        assert recorder.offer(text(3, "ETHBTC"), loads(text(3, "ETHBTC"))) is not None

    def test_seed_from_an_empty_cache(self, tmp_path: Path) -> None:
        recorder = Recorder(SnapshotCache(tmp_path / "absent"))
        assert recorder.seed() is None
        assert recorder.last_key is None

    def test_a_failed_write_is_tried_again(self, tmp_path: Path) -> None:
        blocker = tmp_path / "file"
        blocker.write_text("not a directory")
        recorder = Recorder(SnapshotCache(blocker / "cache"))
        with pytest.raises(NotADirectoryError):  # the cache lies under a file
            recorder.offer(text(1), loads(text(1)))
        assert recorder.last_key is None
        recorder.cache = SnapshotCache(tmp_path / "cache")
        assert recorder.offer(text(2), loads(text(2))) is not None
