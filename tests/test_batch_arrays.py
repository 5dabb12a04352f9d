"""rules.batch.arrays: Arrow arrays built and read on their buffers, as pyarrow's own
``pa.array`` and ``to_numpy`` would make and read them, without importing pandas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.batch.arrays import bools_of, from_numpy, numbers_of, scalar, strings_of

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT.parent / "shared/data/exchange_info/spot-full-2023-08.json"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-(2**63), 2**63 - 1), max_size=40),
    st.lists(st.booleans(), max_size=40),
    st.lists(st.floats(allow_nan=False), max_size=40),
    st.integers(0, 5),
)
def test_numbers_and_booleans_both_ways(
    ints: list[int], flags: list[bool], floats: list[float], skip: int
) -> None:
    for values, kind in ((ints, pa.int64()), (flags, pa.bool_()), (floats, pa.float64())):
        expected = pa.array(values, kind)
        built = from_numpy(np.array(values, dtype=kind.to_pandas_dtype()))
        built.validate(full=True)
        assert built.equals(expected)
        read = bools_of if kind == pa.bool_() else numbers_of
        sliced = expected.slice(min(skip, len(values)))
        assert read(sliced).tolist() == sliced.to_pylist()
        assert read(pa.chunked_array([expected, expected])).tolist() == values + values


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text() | st.none(), max_size=30))
def test_python_strings_as_pa_array_makes_them(texts: list[str | None]) -> None:
    try:
        expected = pa.array(texts, pa.string())
    except UnicodeEncodeError:  # a lone surrogate: refused alike
        with pytest.raises(UnicodeEncodeError):
            strings_of(texts)
    else:
        built = strings_of(texts)
        built.validate(full=True)
        assert built.equals(expected)


@pytest.mark.parametrize(
    ("value", "kind"),
    [(0, pa.int32()), (7, pa.int64()), (0.0, pa.float64()), (False, pa.bool_()), ("", pa.string())],
)
def test_scalars(value: object, kind: pa.DataType) -> None:
    made = scalar(value, kind)  # type: ignore[arg-type]
    assert made.type == kind
    assert made.as_py() == value
    assert pc.equal(made, pa.scalar(value, kind)).as_py()


def test_rules_check_input_does_not_import_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas (when installed) at its first ``pa.array`` or
    ``to_numpy``: the columnar check builds and reads its arrays on their buffers."""
    pytest.importorskip("pandas")
    rows = {
        "symbol": ["BTCUSDT", "BTCUSDT", "ETHUSDT", None],
        "side": ["BUY", "SELL", None, "BUY"],
        "type": ["LIMIT", "MARKET", "LIMIT", "LIMIT"],
        "timeInForce": ["GTC", None, "GTC", "GTC"],
        "quantity": ["0.001", "0.01", "1", "x"],
        "price": ["29000", None, "1800.5", "1"],
        "avgPrice": ["29100", None, "1800", None],
        "openOrders": [1, None, 2, None],
    }
    source = tmp_path / "orders.parquet"
    pq.write_table(pa.table(rows), source)
    code = (
        "import sys\n"
        "from rules.cli.main import main\n"
        "main(sys.argv[1:])\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    command = [sys.executable, "-c", code, "check", "--exchange-info", str(SNAPSHOT)]
    for output in ("verdicts.parquet", "verdicts.jsonl"):
        done = subprocess.run(
            [*command, "--input", str(source), "--output", str(tmp_path / output)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr
