"""``rules diff`` and :func:`rules.diff`: what changed between two snapshots (issue 16)."""

from __future__ import annotations

import io
import json
import shutil
from functools import cache
from pathlib import Path

import pytest

import rules
from rules.cli.main import Streams, run
from rules.model.diff import RuleChange, diff
from tests._shared import EXCHANGE_INFO

OLD_2022 = EXCHANGE_INFO / "spot-full-2022-05.json"
NEW_2023 = EXCHANGE_INFO / "spot-full-2023-08.json"
OLD_2018 = EXCHANGE_INFO / "spot-full-2018-02.json"
EXAMPLE = Path("rules/examples/exchange_info.json")


def call(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), streams=Streams(io.StringIO(), out, err))
    return code, out.getvalue(), err.getvalue()


@cache
def _load(path: Path) -> rules.ExchangeInfo:
    return rules.load_path(path)


def _snapshot(status: str = "TRADING", tick: str = "0.01", extra: str = "") -> rules.ExchangeInfo:
    price = {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1", "tickSize": tick}
    symbol = {
        "symbol": "BTCUSDT",
        "status": status,
        "baseAsset": "BTC",
        "quoteAsset": "USDT",
        "orderTypes": ["LIMIT", "MARKET"],
        "filters": [price, *([json.loads(extra)] if extra else [])],
    }
    return rules.loads({"symbols": [symbol]})


class TestFunction:
    def test_nothing_changed(self) -> None:
        info = _snapshot()
        assert diff(info, info) == []
        assert rules.diff is diff

    def test_the_same_decimal_written_differently_is_no_change(self) -> None:
        assert diff(_snapshot(tick="0.01"), _snapshot(tick="0.01000000")) == []

    def test_status_and_field(self) -> None:
        assert diff(_snapshot(), _snapshot("BREAK", "0.1")) == [
            RuleChange("BTCUSDT", "status", field="status", old="TRADING", new="BREAK"),
            RuleChange("BTCUSDT", "filter", "PRICE_FILTER", "tickSize", "0.01", "0.1"),
        ]

    def test_filter_added_and_removed(self) -> None:
        lot = '{"filterType": "LOT_SIZE", "minQty": "1", "maxQty": "9", "stepSize": "1"}'
        added = diff(_snapshot(), _snapshot(extra=lot))
        assert added == [
            RuleChange(
                "BTCUSDT",
                "filter_added",
                "LOT_SIZE",
                new={"filterType": "LOT_SIZE", "minQty": "1", "maxQty": "9", "stepSize": "1"},
            )
        ]
        assert str(added[0]) == "BTCUSDT: LOT_SIZE added (minQty=1, maxQty=9, stepSize=1)"
        removed = diff(_snapshot(extra=lot), _snapshot())
        assert [(c.kind, c.filter_type, c.old["minQty"]) for c in removed] == [
            ("filter_removed", "LOT_SIZE", "1")
        ]

    def test_symbols_added_and_removed(self) -> None:
        example = rules.load_path(EXAMPLE)
        only_btc = rules.load_path(EXAMPLE, symbols=["BTCUSDT"])
        added = diff(only_btc, example)
        assert [(c.symbol, c.kind, c.new) for c in added] == [
            ("BQXETH", "added", "BREAK"),
            ("ETHBTC", "added", "TRADING"),
            ("SHIBUSDT", "added", "TRADING"),
            ("USDCUSDT", "added", "TRADING"),
        ]
        assert str(added[0]) == "BQXETH: added (BREAK)"
        removed = diff(example, only_btc)
        first = removed[0]
        assert (first.symbol, first.kind, first.old) == ("BQXETH", "removed", "BREAK")
        assert str(removed[0]) == "BQXETH: removed (was BREAK)"

    def test_ignore(self) -> None:
        old, new = _snapshot(), _snapshot("BREAK", "0.1")
        assert [c.kind for c in diff(old, new, ignore=["PRICE_FILTER"])] == ["status"]
        assert [c.kind for c in diff(old, new, ignore={"PRICE_FILTER.tickSize"})] == ["status"]
        assert diff(old, new, ignore=("status", "PRICE_FILTER")) == []

    def test_bad_arguments(self) -> None:
        info = _snapshot()
        with pytest.raises(TypeError, match="new: expected an ExchangeInfo, got dict"):
            diff(info, {})  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="not the str 'status'"):
            diff(info, info, ignore="status")

    def test_to_json(self) -> None:
        change = RuleChange("BTCUSDT", "filter", "PRICE_FILTER", "tickSize", "0.01", "0.1")
        assert change.to_json() == {
            "symbol": "BTCUSDT",
            "change": "filter",
            "filterType": "PRICE_FILTER",
            "field": "tickSize",
            "old": "0.01",
            "new": "0.1",
        }


@pytest.mark.slow
class TestRealSnapshots:
    """2022-05 -> 2023-08: the 2023 filter switch, on real data."""

    def _btc(self) -> list[RuleChange]:
        return [c for c in diff(_load(OLD_2022), _load(NEW_2023)) if c.symbol == "BTCUSDT"]

    def test_min_notional_becomes_notional(self) -> None:
        by_kind = {(c.kind, c.filter_type): c for c in self._btc()}
        removed = by_kind["filter_removed", "MIN_NOTIONAL"]
        assert removed.old == {
            "filterType": "MIN_NOTIONAL",
            "minNotional": "10.00000000",
            "applyToMarket": True,
            "avgPriceMins": 5,
        }
        added = by_kind["filter_added", "NOTIONAL"]
        assert added.new == {
            "filterType": "NOTIONAL",
            "minNotional": "10.00000000",
            "applyMinToMarket": True,
            "maxNotional": "9000000.00000000",
            "applyMaxToMarket": False,
            "avgPriceMins": 5,
        }
        # PERCENT_PRICE became PERCENT_PRICE_BY_SIDE in the same change.
        assert ("filter_removed", "PERCENT_PRICE") in by_kind
        assert ("filter_added", "PERCENT_PRICE_BY_SIDE") in by_kind

    def test_a_filter_field_with_old_and_new_values(self) -> None:
        fields = {(c.filter_type, c.field): (c.old, c.new) for c in self._btc()}
        assert fields["MARKET_LOT_SIZE", "maxQty"] == ("239.82753037", "169.00949758")
        assert fields[None, "allowTrailingStop"] == (False, True)
        assert fields[None, "defaultSelfTradePreventionMode"] == (None, "NONE")
        # Unchanged filters are not listed.
        assert ("PRICE_FILTER", "tickSize") not in fields
        assert ("LOT_SIZE", "stepSize") not in fields

    def test_every_change_is_real(self) -> None:
        old, new = _load(OLD_2022), _load(NEW_2023)
        changes = diff(old, new)
        added = {c.symbol for c in changes if c.kind == "added"}
        removed = {c.symbol for c in changes if c.kind == "removed"}
        old_names = {s.symbol for s in old}
        new_names = {s.symbol for s in new}
        assert added == new_names - old_names
        assert removed == old_names - new_names
        for c in changes:
            if c.kind == "status":
                assert c.symbol is not None
                assert old[c.symbol].status == c.old != c.new == new[c.symbol].status

    def test_command_text_and_json(self) -> None:
        code, out, err = call("diff", str(OLD_2022), str(NEW_2023))
        assert (code, err) == (1, "")
        assert (
            "BTCUSDT: MIN_NOTIONAL removed (was minNotional=10.00000000, applyToMarket=true, "
            "avgPriceMins=5)\n" in out
        )
        assert "BTCUSDT: MARKET_LOT_SIZE.maxQty 239.82753037 -> 169.00949758\n" in out
        assert out.endswith("230 added, 2 removed, 2046 symbols changed\n")
        code, out, _ = call("diff", "--format", "json", str(OLD_2022), str(NEW_2023))
        assert code == 1
        records = [json.loads(line) for line in out.splitlines()]
        assert {
            "symbol": "BTCUSDT",
            "change": "filter_added",
            "filterType": "NOTIONAL",
            "field": None,
            "old": None,
            "new": {
                "filterType": "NOTIONAL",
                "minNotional": "10.00000000",
                "applyMinToMarket": True,
                "maxNotional": "9000000.00000000",
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
        } in records
        assert len(records) == len(diff(_load(OLD_2022), _load(NEW_2023)))

    def test_2018_to_2023_grids_changed(self) -> None:
        changes = diff(_load(OLD_2018), _load(NEW_2023), ignore=["MARKET_LOT_SIZE"])
        eth = {(c.filter_type, c.field): (c.old, c.new) for c in changes if c.symbol == "ETHBTC"}
        assert eth["PRICE_FILTER", "tickSize"] == ("0.00000100", "0.00001000")
        assert eth["LOT_SIZE", "stepSize"] == ("0.00100000", "0.00010000")
        assert not any(c.filter_type == "MARKET_LOT_SIZE" for c in changes)


class TestCommand:
    def test_no_change_exit_0(self) -> None:
        assert call("diff", str(EXAMPLE), str(EXAMPLE)) == (0, "no change\n", "")
        assert call("diff", "--format", "json", str(EXAMPLE), str(EXAMPLE)) == (0, "", "")

    def test_change_exit_1(self, tmp_path: Path) -> None:
        data = json.loads(EXAMPLE.read_text())
        data["symbols"][0]["status"] = "BREAK"
        changed = tmp_path / "new.json"
        changed.write_text(json.dumps(data))
        code, out, err = call("diff", str(EXAMPLE), str(changed))
        assert (code, err) == (1, "")
        assert out == (
            "BTCUSDT: status TRADING -> BREAK\n1 change: 0 added, 0 removed, 1 symbol changed\n"
        )
        assert call("diff", "--ignore", "status", str(EXAMPLE), str(changed))[0] == 0

    def test_load_error_exit_2(self, tmp_path: Path) -> None:
        code, out, err = call("diff", str(EXAMPLE), str(tmp_path / "nope.json"))
        assert (code, out) == (2, "")
        assert err.startswith("rules: cannot load exchangeInfo from ")
        assert err.count("\n") == 1

    def test_from_a_cache_by_time(self, tmp_path: Path) -> None:
        cache = rules.SnapshotCache(tmp_path)
        data = json.loads(EXAMPLE.read_text())
        first = cache.save(data)
        data["serverTime"] += 3_600_000
        data["symbols"][1]["status"] = "HALT"
        second = cache.save(data)
        assert second.server_time == first.server_time + 3_600_000
        code, out, _ = call(
            "diff", "--cache", str(tmp_path), str(first.server_time), "latest", "--format", "json"
        )
        assert code == 1
        assert [json.loads(line) for line in out.splitlines()] == [
            {
                "symbol": "ETHBTC",
                "change": "status",
                "filterType": None,
                "field": "status",
                "old": "TRADING",
                "new": "HALT",
            }
        ]
        # ISO 8601 times (UTC without an offset) pick the snapshot in force at each:
        # the first was taken at 06:59:18 UTC, the second an hour later.
        both_first = call("diff", "--cache", str(tmp_path), "2026-06-15T07:00", "2026-06-15T07:30Z")
        assert both_first == (0, "no change\n", "")
        code, out, _ = call("diff", "--cache", str(tmp_path), "2026-06-15T07:00", "2026-06-15T08")
        assert (code, out.splitlines()[0]) == (1, "ETHBTC: status TRADING -> HALT")
        code, _, err = call("diff", "--cache", str(tmp_path), "2026-06-15T06:00Z", "latest")
        assert code == 2
        assert "at or before serverTime" in err

    def test_cache_time_errors(self, tmp_path: Path) -> None:
        shutil.copy(EXAMPLE, tmp_path / "x.json")
        code, _, err = call("diff", "--cache", str(tmp_path), "yesterday", "latest")
        assert code == 2
        assert "expected a time (milliseconds since the epoch, ISO 8601 or 'latest')" in err
        code, _, err = call("diff", "--cache", str(tmp_path / "empty"), "1", "latest")
        assert code == 2
        assert err.startswith("rules: no snapshot in ")
