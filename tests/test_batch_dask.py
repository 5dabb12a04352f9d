"""rules.batch.dask on a real dask.distributed LocalCluster (2 worker processes):
Parquet orders in, Parquet verdicts out, equal to the single-process result."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dask.dataframe as dd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

from rules.batch import check_table
from rules.batch.dask import check_dataframe, check_parquet
from tests.test_batch import INFO, limit_rows, table_of

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster) as client:
        yield client


def test_parquet_on_two_workers(client: Client, tmp_path: Path) -> None:
    source = tmp_path / "orders"
    source.mkdir()
    tables = []
    for part in range(4):
        rows = [{**r, "id": part * 1000 + i} for i, r in enumerate(limit_rows(300))]
        table = table_of(rows)
        pq.write_table(table, source / f"part-{part}.parquet")
        tables.append(table)
    target = tmp_path / "verdicts"
    check_parquet(str(source), str(target), INFO, keep=["id"])
    got = pq.read_table(target).sort_by("id")
    want = check_table(pa.concat_tables(tables), INFO, keep=["id"]).sort_by("id")
    assert got.num_rows == 1200
    assert got.select(want.column_names).to_pylist() == want.to_pylist()
    # The cluster had its two worker processes.
    assert len(client.scheduler_info()["workers"]) == 2


def test_dataframe_is_lazy_and_typed(client: Client) -> None:
    frame = dd.from_pandas(table_of(limit_rows(40)).to_pandas(), npartitions=3)
    verdicts = check_dataframe(frame, INFO)
    assert list(verdicts.columns) == ["accepted", "violations", "unchecked"]
    computed = verdicts.compute()
    want = check_table(table_of(limit_rows(40)), INFO)
    assert computed["accepted"].tolist() == want["accepted"].to_pylist()
    assert pa.Table.from_pandas(computed, preserve_index=False).to_pylist() == want.to_pylist()


def test_parquet_tasks_keep_the_row_order(client: Client, tmp_path: Path) -> None:
    """Row groups split into several tasks (task_rows), an empty file among the
    inputs: the verdict files read back in the source's row order, no sort needed."""
    source = tmp_path / "orders"
    source.mkdir()
    rows = [{**r, "id": i} for i, r in enumerate(limit_rows(500))]
    table = table_of(rows)
    pq.write_table(table.slice(0, 350), source / "a.parquet", row_group_size=50)
    pq.write_table(table.slice(0, 0), source / "b.parquet")
    pq.write_table(table.slice(350), source / "c.parquet", row_group_size=40)
    target = tmp_path / "verdicts"
    check_parquet(str(source), str(target), INFO, keep=["id"], task_rows=120)
    names = sorted(p.name for p in target.iterdir())
    assert len(names) == 3 + 1 + 2  # 350 rows by 150 (3 row groups), none, 150 by 120
    got = pq.read_table(target)
    assert got["id"].to_pylist() == list(range(500))
    want = check_table(table, INFO, keep=["id"])
    assert got.select(want.column_names).to_pylist() == want.to_pylist()


def test_parquet_without_files_is_a_clear_error(client: Client, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no Parquet file"):
        check_parquet(str(tmp_path), str(tmp_path / "out"), INFO)


def test_an_empty_file_with_a_cache(client: Client, tmp_path: Path) -> None:
    """A file with no rows, judged against a snapshot cache by a time column, still
    gets its (empty) verdict file with the kept columns: the time column and the
    cache reach the empty case too."""
    from rules.edge.cache import SnapshotCache
    from tests.test_batch import LIMIT, NEW_MS

    cache = SnapshotCache(tmp_path / "cache")
    cache.save({"serverTime": NEW_MS, "symbols": []})
    source = tmp_path / "orders"
    source.mkdir()
    table = table_of([{**LIMIT, "price": "1", "quantity": "1", "ts": NEW_MS + 1}])
    pq.write_table(table.slice(0, 0), source / "a.parquet")
    target = tmp_path / "verdicts"
    check_parquet(str(source), str(target), cache, time_column="ts", keep=["ts"])
    got = pq.read_table(target)
    assert got.num_rows == 0
    assert got.column_names == ["ts", "accepted", "violations", "unchecked"]
