"""Which row groups of a Parquet file make each batch of rows, and reading them two at a time.

A batch is one or more whole row groups (:class:`Span`), or a slice of a row group larger
than a batch. The spans of a table are read in order, the next one while the one before is
used (:func:`read_spans`): a row group's columns are decoded in parallel, but one column
can take most of a row group's time (events' ``date`` did, read as a dictionary rebuilt on
read), during which the other core would wait. With two row groups under way, the reading
keeps both cores busy (0.87 of validate's time at 10M events then; the same at 1M, where
events are one row group).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq


@dataclass(frozen=True)
class Span:
    """Rows read together: whole row groups, or one row group read in slices (``split``)."""

    groups: tuple[int, ...]
    #: the table's row of the span's first row
    first: int
    split: bool = False


def plan(group_rows: Sequence[int], batch_rows: int, start: int, stop: int) -> list[Span]:
    """The spans that hold rows ``start`` to ``stop``: consecutive row groups of at most
    ``batch_rows`` rows together (a file of small row groups is read a batch at a time), a
    row group of more rows alone, to be read in slices."""
    spans: list[Span] = []
    pending: list[int] = []
    first = row = size = 0  # size: rows of the pending row groups
    for i, n in enumerate(group_rows):
        lo, hi = row, row + n
        row = hi
        if hi <= start or lo >= stop or n == 0:
            continue
        if pending and (n > batch_rows or size + n > batch_rows):
            spans.append(Span(tuple(pending), first))
            pending = []
        if n > batch_rows:
            spans.append(Span((i,), lo, split=True))
            continue
        if not pending:
            first, size = lo, 0
        pending.append(i)
        size += n
    if pending:
        spans.append(Span(tuple(pending), first))
    return spans


def read_spans(
    files: tuple[pq.ParquetFile, pq.ParquetFile],
    spans: Sequence[Span],
    columns: list[str],
    batch_rows: int,
    start: int,
    stop: int,
) -> Iterator[tuple[int, pa.Table]]:
    """(first row, columns) of each batch of rows ``start`` to ``stop``, in order.

    Whole row groups are read on a thread of their own, the next span while the one before
    is handed out: two reads at most under way, each with its own reader of the file (the
    two ``files``, taken in turn). A split row group is read in slices where it is asked
    for."""
    pending: deque[tuple[Future[pa.Table], int]] = deque()
    turn = 0
    with ThreadPoolExecutor(2, thread_name_prefix="chrono-read-span") as pool:
        try:
            for span in spans:
                if span.split:
                    while pending:
                        yield from _done(pending.popleft(), start, stop)
                    yield from _slices(files[0], span, columns, batch_rows, start, stop)
                    continue
                read = files[turn % 2].read_row_groups
                turn += 1
                pending.append((pool.submit(read, list(span.groups), columns, True), span.first))
                if len(pending) > 1:
                    yield from _done(pending.popleft(), start, stop)
            while pending:
                yield from _done(pending.popleft(), start, stop)
        finally:
            for fut, _ in pending:
                fut.cancel()


def _done(
    read: tuple[Future[pa.Table], int], start: int, stop: int
) -> Iterator[tuple[int, pa.Table]]:
    fut, first = read
    yield from clip(fut.result(), first, start, stop)


def _slices(
    pf: pq.ParquetFile, span: Span, columns: list[str], batch_rows: int, start: int, stop: int
) -> Iterator[tuple[int, pa.Table]]:
    at = span.first
    for rb in pf.iter_batches(
        batch_size=batch_rows, row_groups=list(span.groups), columns=columns, use_threads=True
    ):
        yield from clip(pa.Table.from_batches([rb]), at, start, stop)
        at += rb.num_rows


def clip(data: pa.Table, at: int, start: int, stop: int) -> Iterator[tuple[int, pa.Table]]:
    """``data`` (the table's rows from ``at`` on) cut to rows ``start`` to ``stop``."""
    lo, hi = max(start, at), min(stop, at + data.num_rows)
    if hi > lo:
        yield lo, data.slice(lo - at, hi - lo)
