"""``rules check --input orders.parquet --output verdicts.parquet``: the columnar check
from the shell, by batch, kept columns, snapshots per row from a cache."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rules.batch import check_table
from rules.cli import columns
from rules.cli.main import Streams, run
from rules.edge.cache import SnapshotCache
from rules.model.load import dumps
from tests.test_batch import INFO, limit_rows, table_of


def cli(*argv: str, tty: bool = False) -> tuple[int, str, str]:
    class Err(io.StringIO):
        def isatty(self) -> bool:
            return tty

    streams = Streams(io.StringIO(), io.StringIO(), Err())
    code = run(list(argv), streams=streams)
    return code, streams.stdout.getvalue(), streams.stderr.getvalue()  # type: ignore[attr-defined]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    info = tmp_path / "info.json"
    info.write_text(dumps(INFO))
    rows = [{**r, "id": i} for i, r in enumerate(limit_rows(40))]
    orders = tmp_path / "orders.parquet"
    pq.write_table(table_of(rows), orders, row_group_size=16)
    return {"info": info, "orders": orders, "out": tmp_path / "verdicts.parquet"}


def test_parquet_in_parquet_out(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns, "BATCH_ROWS", 7)  # several batches per row group
    code, stdout, stderr = cli(
        "check", "--exchange-info", str(files["info"]), "--input", str(files["orders"]),
        "--output", str(files["out"]), "--keep", "id",
    )  # fmt: skip
    assert (code, stdout, stderr) == (1, "", "")  # some are rejected: exit 1
    got = pq.read_table(files["out"])
    want = check_table(pq.read_table(files["orders"]), INFO, keep=["id"])
    assert got.equals(want)
    assert got["id"].to_pylist() == list(range(40))


def test_jsonl_output(files: dict[str, Path]) -> None:
    out = files["out"].with_suffix(".jsonl")
    code, _, stderr = cli(
        "check", "--exchange-info", str(files["info"]), "--input", str(files["orders"]),
        "--output", str(out), "--keep", "id",
    )  # fmt: skip
    assert (code, stderr) == (1, "")
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    want = check_table(pq.read_table(files["orders"]), INFO, keep=["id"]).to_pylist()
    assert lines == want


def test_all_accepted_exits_0_and_progress_on_a_terminal(tmp_path: Path) -> None:
    info = tmp_path / "info.json"
    info.write_text(dumps(INFO))
    orders = tmp_path / "ok.parquet"
    row = {"symbol": "XY", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
           "price": "1.5", "quantity": "1"}  # fmt: skip
    pq.write_table(pa.Table.from_pylist([row] * 10), orders)
    argv = ["check", "--exchange-info", str(info), "--input", str(orders), "--output",
            str(tmp_path / "v.parquet")]  # fmt: skip
    code, _, stderr = cli(*argv)
    assert (code, stderr) == (0, "")  # silent when stderr is not a terminal
    code, _, stderr = cli(*argv, tty=True)
    assert code == 0
    assert "10.0/10.0" in stderr  # tqdm's bar, rows


def test_snapshot_per_row_from_a_cache(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path / "cache")
    raw: dict[str, Any] = json.loads(dumps(INFO))
    for ms in (1_000, 2_000):
        cache.save({**raw, "serverTime": ms})
    rows = [{**r, "ts": 1_500 + i} for i, r in enumerate(limit_rows(6))]
    orders = tmp_path / "orders.parquet"
    pq.write_table(table_of(rows), orders)
    out = tmp_path / "v.parquet"
    code, _, stderr = cli(
        "check", "--cache", str(cache.directory), "--time-column", "ts", "--input", str(orders),
        "--output", str(out), "--keep", "ts",
    )  # fmt: skip
    assert (code, stderr) == (1, "")
    want = check_table(pq.read_table(orders), cache, time_column="ts", keep=["ts"])
    assert pq.read_table(out).equals(want)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--input", "{orders}"], "rules check: error: --input needs one of --exchange-info or"),
        (["--exchange-info", "{info}", "--input", "{orders}"], "rules: --input needs --output"),
        (
            ["--exchange-info", "{info}", "--input", "{orders}", "--output", "{out}", "--explain"],
            "rules: --input writes the verdicts' JSON fields",
        ),
        (["--exchange-info", "{info}", "--output", "x.parquet"], "rules: --output goes with"),
        (
            [
                "--exchange-info",
                "{info}",
                "--input",
                "{orders}",
                "--output",
                "{out}",
                "--keep",
                "nope",
            ],
            "rules: no column 'nope' in the orders",
        ),
        (
            ["--cache", "{empty}", "--input", "{orders}", "--output", "{out}"],
            "rules: --cache judges each row at its time: name it with --time-column",
        ),
        (
            [
                "--cache",
                "{empty}",
                "--time-column",
                "id",
                "--input",
                "{orders}",
                "--output",
                "{out}",
            ],
            "rules: no snapshot in",
        ),
        (
            ["--exchange-info", "{info}", "--input", "{info}", "--output", "{out}"],
            "rules: ",
        ),
    ],
)
def test_errors(files: dict[str, Path], tmp_path: Path, argv: list[str], message: str) -> None:
    paths = {**{k: str(v) for k, v in files.items()}, "empty": str(tmp_path / "empty")}
    code, stdout, stderr = cli("check", *[a.format(**paths) for a in argv])
    assert (code, stdout) == (2, "")
    assert message in stderr
    assert "Traceback" not in stderr
    # One line of error (after the usage, for a usage error).
    assert message in stderr.splitlines()[-1]


class TestWrappedLines:
    """JSON Lines: a wrapped line may carry --keep keys and the --time-column key."""

    ORDER: ClassVar[dict[str, Any]] = {
        "symbol": "XY", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "1"
    }  # fmt: skip

    def run_lines(self, argv: list[str], lines: list[dict[str, Any]]) -> tuple[int, list[Any], str]:
        stdin = io.StringIO("".join(json.dumps(line) + "\n" for line in lines))
        streams = Streams(stdin, io.StringIO(), io.StringIO())
        code = run(["check", *argv], streams=streams)
        out = [json.loads(line) for line in streams.stdout.getvalue().splitlines()]  # type: ignore[attr-defined]
        return code, out, streams.stderr.getvalue()  # type: ignore[attr-defined]

    def test_keep(self, files: dict[str, Path]) -> None:
        lines: list[dict[str, Any]] = [
            {"params": {**self.ORDER, "price": "1.5"}, "id": "a-1", "ts": 5},
            {"params": {**self.ORDER, "price": "1.505"}, "id": "a-2"},
        ]
        code, out, stderr = self.run_lines(
            ["--exchange-info", str(files["info"]), "--keep", "id,ts"], lines
        )
        assert (code, stderr) == (1, "")
        assert [(o["id"], o["ts"], o["accepted"]) for o in out] == [
            ("a-1", 5, True),
            ("a-2", None, False),
        ]
        assert out[1]["violations"][0]["filterType"] == "PRICE_FILTER"
        _, explained, _ = self.run_lines(
            ["--exchange-info", str(files["info"]), "--keep", "id", "--explain"], lines
        )
        assert explained[1]["id"] == "a-2"
        assert explained[1]["violations"][0]["explanation"].startswith("price 1.505 ")

    def test_unknown_key_names_what_is_known(self, files: dict[str, Path]) -> None:
        lines = [{"params": {**self.ORDER, "price": "1.5"}, "id": 1, "tss": 5}]
        code, out, stderr = self.run_lines(
            ["--exchange-info", str(files["info"]), "--keep", "id,ts"], lines
        )
        assert code == 1
        assert out[0]["violations"][0]["code"] == -1135
        assert "unknown key 'tss' beside params (known: context, method, id, ts)" in stderr

    def test_snapshot_per_line(self, tmp_path: Path) -> None:
        cache = SnapshotCache(tmp_path / "cache")
        raw: dict[str, Any] = json.loads(dumps(INFO))
        cache.save({**raw, "serverTime": 1_000})
        tighter = json.loads(json.dumps(raw).replace('"tickSize": "0.01"', '"tickSize": "0.1"'))
        cache.save({**tighter, "serverTime": 2_000})
        lines: list[dict[str, Any]] = [
            {"params": {**self.ORDER, "price": "1.55"}, "ts": 1_500},
            {"params": {**self.ORDER, "price": "1.55"}, "ts": 2_500},
            {"params": {**self.ORDER, "price": "1.55"}, "ts": 500},
            {"params": {**self.ORDER, "price": "1.55"}},
        ]
        code, out, stderr = self.run_lines(
            ["--cache", str(cache.directory), "--time-column", "ts", "--keep", "ts"], lines
        )
        assert code == 1
        assert [o["accepted"] for o in out] == [True, False, False, False]
        assert out[1]["violations"][0]["filterType"] == "PRICE_FILTER"
        assert out[2]["error"].startswith("line 3: no snapshot in")
        assert out[3]["error"].startswith("line 4: ts: expected milliseconds since the epoch")
        assert stderr.count("\n") == 2


def test_reading_ahead_and_writing_behind_keep_order_and_errors() -> None:
    """The batches read in a thread come in order, a reading error at its turn, and
    the reader stops when the caller does; a writing error reaches the caller."""
    import threading

    from rules.batch.files import _ahead, _Behind

    def batches(fail: bool) -> Any:
        for i in range(5):
            yield pa.record_batch({"i": [i]})
        if fail:
            raise OSError("disk gone")

    assert [b["i"][0].as_py() for b in _ahead(batches(False))] == list(range(5))
    read = _ahead(batches(True))
    assert [next(read)["i"][0].as_py() for _ in range(5)] == list(range(5))
    with pytest.raises(OSError, match="disk gone"):
        next(read)
    stopped = _ahead(batches(False))
    next(stopped)
    stopped.close()  # the reader, waiting to hand over a batch, ends too
    assert not [t for t in threading.enumerate() if t.name == "rules-read"]

    written: list[int] = []

    def write(table: pa.Table) -> None:
        if table["i"][0].as_py() == 2:
            raise OSError("disk full")
        written.append(table["i"][0].as_py())

    def put_all(behind: _Behind) -> None:
        try:
            for i in range(50):
                behind.put(pa.table({"i": [i]}))
        finally:
            behind.close()  # the writer drains what waits, and ends

    with pytest.raises(OSError, match="disk full"):
        put_all(_Behind(write))
    assert written == [0, 1]
    last = _Behind(write)
    last.put(pa.table({"i": [2]}))
    with pytest.raises(OSError, match="disk full"):
        last.close()  # the last table's error, at the close
    assert not [t for t in threading.enumerate() if t.name == "rules-write"]
