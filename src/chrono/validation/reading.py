"""Reading a table for validation, a batch at a time, through the dataset's opened file.

:class:`TableReader` reads the Parquet footer (row count, column types, null counts from
the statistics: the structure rules), then only the columns the rules need, as batches of
whole row groups (a row group larger than a batch is split; small ones are read together),
each cast to the model's types. Text is checked to be UTF-8 per batch (Parquet readers do
not check it; a flipped byte can make text invalid).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chrono.dataset import Dataset, unreadable
from chrono.model.derive import dictionary_id
from chrono.model.schema import arrow_type
from chrono.model.tables import TABLES, Column, Table
from chrono.model.vocabularies import CORE
from chrono.package import DatasetError
from chrono.safeio import InputError
from chrono.validation.batch import Batch
from chrono.validation.kernels import check_chunk
from chrono.validation.report import Report
from chrono.validation.row_groups import plan, read_spans
from chrono.validation.rules import structure

if TYPE_CHECKING:
    from chrono.validation.state import Run

T = TypeVar("T")

#: Rows per batch: the build writes row groups of 2^20 rows, so a batch is a row group.
BATCH_ROWS = 1 << 20

#: Free-text columns whose only rule is "not null": checked from the Parquet statistics,
#: never read (they are the bulk of the bytes of the big tables).
STATS_ONLY = {"events": {"title", "summary"}, "claims": {"note", "quote"}}

#: String columns read as dictionaries straight from the Parquet dictionary pages: their
#: rules (references, patterns) look at each distinct value once, and the rows are never
#: materialised as strings.
AS_DICT = {
    "claims": {"locator"},
    "participants": {"actor_id"},
    "events": {"place_id"},
}

#: String columns read as dictionaries when every row group's pages hold dictionary indices
#: (the writer did not fall back to plain pages): the reader hands the indices over as they
#: are. Claims' source_id at 1M events (10,000 sources) is; at 10M (100,000) its dictionary
#: overflows and it is read as plain strings: rebuilding the dictionary hashes every string,
#: which costs more than the lookups it saves, or than reading EDTF days row by row (events'
#: date, claims' value: :func:`chrono.model.derive.derive_rows`).
AS_DICT_WHEN_ENCODED = {
    "claims": {"source_id", "event_id", "value"},
    "participants": {"event_id"},
    "events": {"parent_id", "date"},
}

#: Uncompressed bytes a value at most where pages hold indices (a plain string: 4 and more)
_INDEX_BYTES = 4

#: A batch holding more chunks than this per column is combined into one chunk (a file of
#: tiny row groups would otherwise cost a Python step per row group in every rule).
_CHUNKS = 64


def check_text(path: Path, column: pa.ChunkedArray) -> str | None:
    """Why the column cannot be read (text that is not UTF-8, a dictionary index out of
    bounds), or None.

    A dictionary column's chunks share their row group's dictionary: each distinct one is
    checked once, and each chunk's indices are checked to fall inside it.
    """
    try:
        if not pa.types.is_dictionary(column.type):
            for chunk in column.chunks:
                check_chunk(chunk)
            return None
        checked: set[tuple[int, ...]] = set()
        for chunk in column.chunks:
            d = chunk.dictionary
            if (key := dictionary_id(d)) not in checked:
                check_chunk(d)
                checked.add(key)
            chunk.indices.validate(full=True)
            low, high = pc.min_max(chunk.indices).values()
            if low.is_valid and (low.as_py() < 0 or high.as_py() >= len(d)):
                raise pa.ArrowInvalid(f"dictionary index {high.as_py()} out of bounds")
    except (pa.ArrowException, ValueError) as exc:
        return unreadable(path, exc)
    return None


def compatible(arr: pa.ChunkedArray, col: Column) -> pa.ChunkedArray | None:
    """The column cast to what the rules expect, or None when it cannot be used (judged by
    its type alone, so every batch of a table agrees)."""
    typ = arr.type
    if typ.equals(arrow_type(col)):
        return arr
    try:
        if col.kind == "vocab":
            if pa.types.is_dictionary(typ) and pa.types.is_string(typ.value_type):
                return arr
            if pa.types.is_string(typ) or pa.types.is_large_string(typ):
                return arr.cast(pa.string())
            return None
        if col.kind == "string" and pa.types.is_dictionary(typ):
            return arr if pa.types.is_string(typ.value_type) else None
        if col.kind == "string" and pa.types.is_large_string(typ):
            return arr.cast(pa.string())
        if col.kind == "date" and (pa.types.is_date64(typ) or pa.types.is_timestamp(typ)):
            return arr.cast(pa.date32(), safe=False)  # the day of each instant
        if col.kind == "float" and (pa.types.is_integer(typ) or pa.types.is_floating(typ)):
            return arr.cast(pa.float64(), safe=False)
    except (pa.ArrowException, ValueError):
        return None
    return None


def _null_counts(pf: pq.ParquetFile) -> dict[str, int]:
    """Null count per top-level column from the statistics, when every row group has them."""
    meta = pf.metadata
    out: dict[str, int] = {}
    missing: set[str] = set()
    for i in range(meta.num_row_groups):
        rg = meta.row_group(i)
        for j in range(rg.num_columns):
            cm = rg.column(j)
            name = cm.path_in_schema
            st = cm.statistics
            if st is None or not st.has_null_count:
                missing.add(name)
                continue
            out[name] = out.get(name, 0) + st.null_count
    for name in missing:
        out.pop(name, None)
    return out


def dictionary_pages(meta: pq.FileMetaData, column: str) -> bool:
    """Whether every row group of the file stores ``column`` as dictionary indices (judged
    from the footer: no more than :data:`_INDEX_BYTES` uncompressed bytes a value, and a
    dictionary page). A wrong guess costs time, never a finding."""
    if meta.num_row_groups == 0:
        return False
    for i in range(meta.num_row_groups):
        rg = meta.row_group(i)
        chunks = (rg.column(j) for j in range(rg.num_columns))
        chunk = next((c for c in chunks if c.path_in_schema == column), None)
        if chunk is None or not chunk.has_dictionary_page or chunk.num_values == 0:
            return False
        if chunk.total_uncompressed_size > _INDEX_BYTES * chunk.num_values:
            return False
    return True


@dataclass
class TableReader:
    """One table of an opened dataset: its footer read, the columns the rules need."""

    ds: Dataset
    spec: Table
    path: Path
    pf: pq.ParquetFile
    rows: int
    wanted: list[str]
    as_dict: list[str]
    group_rows: list[int] = field(default_factory=list)
    present: set[str] = field(default_factory=set)

    @classmethod
    def open(
        cls, report: Report, spec: Table, ds: Dataset, quotes: Callable[[], bool]
    ) -> TableReader:
        """Read the footer; report the structure rules it answers (CHR102, 103, 105, 603,
        and CHR104 for a required column known from statistics alone). ``quotes``: whether
        claims' quotes are read (asked only of a table that has them)."""
        res = ds.resource(spec.name)
        name, path = spec.name, res.file
        pf = ds.parquet_file(name)
        try:
            schema = pf.schema_arrow
            meta = pf.metadata
            null_counts = _null_counts(pf)
        except (pa.ArrowException, OSError, ValueError) as exc:  # e.g. a name not UTF-8
            raise DatasetError(unreadable(path, exc)) from None
        rows = meta.num_rows
        structure.footer(report, spec, res, schema, rows)
        present = set(schema.names)
        skip = set(STATS_ONLY.get(name, ()))
        if "quote" in skip and quotes():
            skip.discard("quote")
        wanted = [c.name for c in spec.columns if c.name in present and c.name not in skip]
        for c in spec.columns:  # a stats-only column without statistics must be read
            if c.name in skip and c.name in present and not c.nullable:
                if c.name not in null_counts:
                    wanted.append(c.name)
                elif null_counts[c.name]:
                    structure.nulls_from_statistics(report, spec, path, c.name, null_counts[c.name])
        as_dict = [
            c
            for c in wanted
            if (
                c in AS_DICT.get(name, ())
                or (c in AS_DICT_WHEN_ENCODED.get(name, ()) and dictionary_pages(meta, c))
            )
            and (
                pa.types.is_string(schema.field(c).type)
                or pa.types.is_large_string(schema.field(c).type)
            )
        ]
        if as_dict:
            pf = ds.parquet_file(name, read_dictionary=as_dict)
        groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        return cls(ds, spec, path, pf, rows, wanted, as_dict, groups, present)

    def raw(
        self,
        batch_rows: int | None,
        columns: list[str] | None = None,
        start: int = 0,
        stop: int | None = None,
    ) -> Iterator[tuple[int, pa.Table]]:
        """(first row, columns as read) per batch of rows ``start`` to ``stop``; at least
        one batch, empty for an empty table. ``batch_rows`` None: the table in one batch."""
        cols = self.wanted if columns is None else columns
        stop = self.rows if stop is None else min(stop, self.rows)
        try:
            if batch_rows is None or self.rows == 0:
                if start == 0 and stop == self.rows:
                    # the dataset reader decodes column chunks in parallel
                    data = self.ds.read_stored(
                        self.spec.name, cols, read_dictionary=self.as_dict or None
                    )
                    yield 0, data
                    return
                batch_rows = max(stop - start, 1)
            files = (self.own_file(), self.own_file())
            spans = plan(self.group_rows, batch_rows, start, stop)
            yield from read_spans(files, spans, cols, batch_rows, start, stop)
        except DatasetError:
            raise
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise DatasetError(unreadable(self.path, exc)) from None

    def own_file(self) -> pq.ParquetFile:
        """A reader of the table's open file of its own (another may be reading meanwhile),
        its footer as already read."""
        return self.ds.parquet_file(
            self.spec.name, metadata=self.pf.metadata, read_dictionary=self.as_dict or None
        )

    def batch(self, raw: pa.Table, offset: int, run: Run | None) -> Batch:
        """A batch of rows as the rules see them: each column cast to the model's type,
        the columns that cannot be cast left out."""
        arrays: dict[str, pa.ChunkedArray] = {}
        for col in self.spec.columns:
            if col.name not in raw.column_names:
                continue
            arr = raw.column(col.name)
            if arr.num_chunks > _CHUNKS:
                arr = pa.chunked_array([arr.combine_chunks()])
            cast = compatible(arr, col)
            if cast is not None:
                arrays[col.name] = cast
        n = raw.num_rows
        data = pa.table(arrays) if arrays else pa.table({"_": pa.nulls(n)})
        vocabularies = run.vocabularies if run is not None else CORE
        return Batch(self.spec, self.path, data, n, set(arrays), vocabularies, offset, run)


@dataclass
class Piece:
    """What the reading thread hands the rules: a batch of a table as read, or a table that
    is not read. The first piece of each table carries what opening it found."""

    spec: Table
    #: None: the table is not in the dataset
    reader: TableReader | None = None
    #: the findings of the table's footer (first piece of a table only, else None)
    footer: Report | None = None
    offset: int = 0
    #: the batch's columns as read; None: the table is not read (after a fatal: footer only)
    raw: pa.Table | None = None
    #: why the batch's text cannot be read, or None
    fatal: str | None = None
    #: the table could not be opened or read (raised once the tables before are done)
    failed: InputError | None = None


def pieces(ds: Dataset, batch_rows: int | None, quotes: Callable[[], bool]) -> Iterator[Piece]:
    """Every table of the dataset in model order, as pieces, read without waiting for the
    rules: the next table is opened and its first batch read while the rules finish the
    table before. After a batch whose text cannot be read, later tables are opened (their
    footers checked), not read."""
    fatal = False
    for name, spec in TABLES.items():
        if name not in ds.resources:
            yield Piece(spec)
            continue
        opened = Report("", "")  # the footer's findings, handed on with the first piece
        footer: Report | None = opened
        try:
            reader = TableReader.open(opened, spec, ds, quotes)
            if fatal:
                yield Piece(spec, reader, footer)
                continue
            for offset, raw in reader.raw(batch_rows):
                bad = text_problem(reader, raw, offset)
                yield Piece(spec, reader, footer, offset, raw, bad)
                footer = None
                if bad is not None:
                    fatal = True
                    break
        except InputError as exc:  # a DatasetError, or a file refused (safeio)
            yield Piece(spec, footer=footer, failed=exc)
            return


def text_problem(reader: TableReader, raw: pa.Table, offset: int) -> str | None:
    """Why a batch's text cannot be read, or None. A failure is reported as validating the
    table whole would: the first column (in the table's order) that fails in any batch, at
    its first failing batch; a batch that cannot be read at all wins."""
    failed = {c: f for c in raw.column_names if (f := check_text(reader.path, raw.column(c)))}
    if not failed:
        return None
    rows = max(1, min(reader.rows, BATCH_ROWS))
    for _, rest in reader.raw(rows, None, offset + raw.num_rows):
        for c in rest.column_names:
            if c not in failed and (f := check_text(reader.path, rest.column(c))) is not None:
                failed[c] = f
    return next(failed[c] for c in raw.column_names if c in failed)


def read_ahead(pool: ThreadPoolExecutor, items: Iterator[T], depth: int) -> Iterator[T]:
    """``items``, each made on ``pool`` (one thread) while those before are being used,
    ``depth`` of them ahead of the one in use."""
    end = object()
    pending = deque(pool.submit(next, items, end) for _ in range(depth))
    while (item := pending.popleft().result()) is not end:
        pending.append(pool.submit(next, items, end))
        yield item  # type: ignore[misc]
