"""The batches of a table: which row groups make each one (plan), and their reading, two row
groups under way at once (read_spans), giving the rows in order whatever the timing."""

from __future__ import annotations

import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.validation.row_groups import Span, plan, read_spans


def test_small_row_groups_are_read_together_up_to_a_batch() -> None:
    assert plan([3, 3, 3], 6, 0, 9) == [Span((0, 1), 0), Span((2,), 6)]


def test_a_row_group_larger_than_a_batch_is_split_alone() -> None:
    assert plan([2, 10, 2], 4, 0, 14) == [
        Span((0,), 0),
        Span((1,), 2, split=True),
        Span((2,), 12),
    ]


def test_only_the_row_groups_holding_the_rows_asked_for() -> None:
    assert plan([3, 3, 3], 3, 4, 5) == [Span((1,), 3)]
    assert plan([3, 0, 3], 6, 0, 6) == [Span((0, 2), 0)]
    assert plan([3, 3], 6, 6, 6) == []


def _file(tmp: Path, groups: list[int]) -> tuple[Path, pa.Table]:
    """A file of row groups of the sizes given, its rows numbered."""
    table = pa.table({"n": pa.array(range(sum(groups)), pa.int64())})
    table = table.append_column("s", pa.array([f"v{i % 7}" for i in range(table.num_rows)]))
    path = tmp / "t.parquet"
    with pq.ParquetWriter(path, table.schema) as writer:
        at = 0
        for n in groups:
            writer.write_table(table.slice(at, n), row_group_size=max(n, 1))
            at += n
    assert pq.ParquetFile(path).metadata.num_row_groups == len(groups)
    return path, table


def _read(path: Path, groups: list[int], batch: int, start: int, stop: int) -> list:
    files = (pq.ParquetFile(path), pq.ParquetFile(path))
    return list(read_spans(files, plan(groups, batch, start, stop), ["n", "s"], batch, start, stop))


@settings(max_examples=60, deadline=None)
@given(
    groups=st.lists(st.integers(1, 9), min_size=1, max_size=7),
    batch=st.integers(1, 12),
    data=st.data(),
)
def test_the_batches_are_the_rows_asked_for_in_order(
    tmp_path_factory: pytest.TempPathFactory, groups: list[int], batch: int, data: st.DataObject
) -> None:
    path, table = _file(tmp_path_factory.mktemp("rg"), groups)
    start = data.draw(st.integers(0, table.num_rows))
    stop = data.draw(st.integers(start, table.num_rows))
    batches = _read(path, groups, batch, start, stop)
    at = start
    for offset, piece in batches:
        assert offset == at
        assert 0 < piece.num_rows <= batch
        at += piece.num_rows
    assert at == stop
    got = pa.concat_tables([t for _, t in batches]) if batches else table.slice(0, 0)
    assert got.equals(table.slice(start, stop - start))


def test_a_batch_not_asked_for_is_not_waited_for(tmp_path: Path) -> None:
    path, _ = _file(tmp_path, [4, 4, 4, 4])
    files = (pq.ParquetFile(path), pq.ParquetFile(path))
    batches = read_spans(files, plan([4, 4, 4, 4], 4, 0, 16), ["n"], 4, 0, 16)
    offset, first = next(batches)
    assert (offset, first.column("n").to_pylist()) == (0, [0, 1, 2, 3])
    batches.close()  # the read under way is cancelled or finished; its thread ends
    assert not [t for t in threading.enumerate() if t.name.startswith("chrono-read-span")]


class _FailingFile:
    """A file whose second row group cannot be read."""

    def __init__(self, path: Path) -> None:
        self.pf = pq.ParquetFile(path)

    def read_row_groups(self, groups: list[int], columns: list[str], threads: bool) -> pa.Table:
        if 1 in groups:
            raise OSError("Input/output error")
        return self.pf.read_row_groups(groups, columns, threads)


def test_a_read_that_fails_fails_where_its_batch_is_asked_for(tmp_path: Path) -> None:
    path, _ = _file(tmp_path, [4, 4, 4])
    files = (_FailingFile(path), _FailingFile(path))
    batches = read_spans(files, plan([4, 4, 4], 4, 0, 12), ["n"], 4, 0, 12)  # type: ignore[arg-type]
    assert next(batches)[0] == 0
    with pytest.raises(OSError, match="Input/output error"):
        next(batches)
