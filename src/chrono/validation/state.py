"""What a validation run keeps between batches: the columns of the tables read so far that
later rules need, and their keys for looking references up.

Tables are read in model order (places, actors, sources, events, participants, claims),
each a batch at a time; a table that others reference keeps the columns their rules
declare (:class:`Keeper`), and its ``id`` column becomes a :class:`KeyIndex`. That is the
per-key state of the cross-table rules: for 100M events, their ids and a few bytes each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.arrays import take_indices
from chrono.model.tables import Table
from chrono.model.vocabularies import CORE, Vocabularies
from chrono.validation.batch import Batch
from chrono.validation.id_index import KeyIndex
from chrono.validation.kernels import (
    per_dictionary,
    strings,
)

if TYPE_CHECKING:
    from chrono.dataset import Dataset
    from chrono.validation.reading import TableReader

#: A column computed from each batch of a table and kept (events: which have an unknown
#: end); None when the batch lacks what it needs.
Derived = Callable[[Batch], pa.Array | pa.ChunkedArray | None]


@dataclass
class SelfReferences:
    """The references of a table into itself (events' parent_id), for the rows that have
    one: their rows, the values, and the row each names (-1: no such id)."""

    rows: np.ndarray
    values: pa.Array
    parents: np.ndarray

    def column(self, name: str) -> Callable[[pa.Array], dict[str, pa.Array]]:
        """``extra_at`` for findings: the references of the example rows, as ``name``."""
        return lambda rows: {name: self.values_at(rows)}

    def values_at(self, rows: pa.Array) -> pa.Array:
        """The reference of each of ``rows`` (each one of :attr:`rows`)."""
        at = np.searchsorted(self.rows, np.asarray(rows.to_numpy(), dtype=np.int64))
        out: pa.Array = pc.take(self.values, pa.array(at))
        return out


@dataclass
class Keeper:
    """Collects the columns of a table that later rules need while it is read in batches.

    Vocabulary and other dictionary columns are kept as codes into one dictionary for the
    table (a byte per row while it has under 128 values), text and dates as read.
    """

    spec: Table
    path: Path
    columns: set[str]
    derived: dict[str, Derived] = field(default_factory=dict)
    #: columns referencing the table itself, kept for the rows that are set
    sparse: set[str] = field(default_factory=set)
    vocabularies: Vocabularies = CORE
    chunks: dict[str, list[pa.Array]] = field(default_factory=dict)
    words: dict[str, dict[str, int]] = field(default_factory=dict)
    usable: set[str] | None = None
    refs: dict[str, tuple[list[np.ndarray], list[pa.Array]]] = field(default_factory=dict)
    rows: int = 0
    #: whether the ids so far are strictly increasing (the build's order), and the last
    sorted_ids: bool = True
    last_id: Any = None

    def add(self, batch: Batch) -> None:
        made = {name: make(batch) for name, make in self.derived.items()}
        usable = {c for c in self.columns if batch.has(c)}
        usable |= {name for name, col in made.items() if col is not None}
        usable |= {c for c in self.sparse if batch.has(c)}
        self.usable = usable if self.usable is None else self.usable & usable
        for c in self.columns - self.sparse:
            if not batch.has(c):
                continue
            arr = batch.data.column(c)
            parts = self.chunks.setdefault(c, [])
            vocabulary = c in self.spec.column_names and self.spec.column(c).kind == "vocab"
            if pa.types.is_dictionary(arr.type) and vocabulary:
                parts.extend(self._codes(c, arr))
            else:
                parts.extend(
                    strings(arr).chunks if pa.types.is_dictionary(arr.type) else arr.chunks
                )
        for name, col in made.items():
            if col is not None:
                parts = self.chunks.setdefault(name, [])
                parts.extend(col.chunks if isinstance(col, pa.ChunkedArray) else [col])
        for c in self.sparse:
            if batch.has(c):
                rows, kept = self.refs.setdefault(c, ([], []))
                start = batch.offset
                for chunk in batch.data.column(c).chunks:  # the set values only, as text
                    if chunk.null_count < len(chunk):
                        at = pc.indices_nonzero(pc.is_valid(chunk))
                        rows.append(at.to_numpy().astype(np.int64) + start)
                        kept.append(pc.take(chunk, at).cast(pa.string()))
                    start += len(chunk)
        if "id" in self.columns and batch.has("id") and self.sorted_ids:
            self._track_order(batch)
        self.rows += batch.rows

    def _track_order(self, batch: Batch) -> None:
        ids = batch.data.column("id")
        if batch.rows == 0:
            return
        if not batch.increasing(["id"]):
            self.sorted_ids = False
            return
        ids = strings(ids)
        first, last = ids[0].as_py(), ids[batch.rows - 1].as_py()
        if self.last_id is not None and not first > self.last_id:
            self.sorted_ids = False
        self.last_id = last

    def _codes(self, col: str, arr: pa.ChunkedArray) -> list[pa.Array]:
        """Each chunk's values as codes into the table's dictionary for ``col``."""
        words = self.words.setdefault(col, {})

        def remap(d: pa.Array) -> pa.Array:
            codes = [words.setdefault(v, len(words)) for v in d.to_pylist()]
            return pa.array(np.asarray(codes, dtype=code_type(len(words))))

        return [take_indices(codes, c.indices) for codes, c in per_dictionary(arr, remap)]

    def finish(self, helper: Executor | None = None) -> Batch:
        """The kept columns, as a batch of the whole table; every other column joined on
        ``helper``'s thread, when given (the lane, idle at a table's end: Arrow joins
        without the GIL)."""
        usable = sorted((self.usable or set()) - self.sparse, key=self._position)
        helped = {c: helper.submit(self._column, c) for c in usable[1::2]} if helper else {}
        mine = {c: self._column(c) for c in usable if c not in helped}
        made = {c: helped[c].result() if c in helped else mine[c] for c in usable}
        arrays = {c: col for c, col in made.items() if col is not None}
        self.chunks.clear()
        data = pa.table(arrays) if arrays else pa.table({"_": pa.nulls(self.rows)})
        return Batch(self.spec, self.path, data, self.rows, set(arrays), self.vocabularies)

    def _column(self, c: str) -> pa.ChunkedArray | None:
        """A kept column in one piece (None when no batch had it)."""
        parts = self.chunks.get(c, [])
        if c in self.words:
            words = list(self.words[c])
            typ = pa.from_numpy_dtype(code_type(len(words)))
            dictionary = pa.array(words, pa.string())
            codes = _one([p if p.type == typ else p.cast(typ) for p in parts], typ)
            whole = pa.DictionaryArray.from_arrays(codes, dictionary)
            return pa.chunked_array([whole], pa.dictionary(typ, pa.string()))
        if parts and _fixed_width(parts[0].type):
            # one chunk: later tables take rows of it for every batch, and a take
            # from a column of many chunks (a Parquet page each) costs ~4x more
            return pa.chunked_array([_one(parts, parts[0].type)])
        return pa.chunked_array(parts) if parts else None

    def self_references(self, column: str, index: KeyIndex) -> SelfReferences | None:
        """The kept values of a column referencing this table, resolved in ``index``."""
        if column not in (self.usable or set()) or column not in self.refs:
            return None
        rows, values = self.refs.pop(column)
        at = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        text = pa.concat_arrays(values) if values else pa.array([], pa.string())
        found = index.find(text) if len(text) else pa.array([], index.type)
        parents = np.asarray(pc.fill_null(found, -1).to_numpy(), dtype=np.int64)
        return SelfReferences(at, text, parents)

    def _position(self, col: str) -> int:
        names = self.spec.column_names
        return names.index(col) if col in names else len(names)


def code_type(words: int) -> type[np.signedinteger[Any]]:
    """The narrowest integer type of codes for so many words (a byte while under 128)."""
    return np.int8 if words < 2**7 else np.int16 if words < 2**15 else np.int32


def _one(parts: list[pa.Array], typ: pa.DataType) -> pa.Array:
    return pa.concat_arrays(parts) if parts else pa.array([], typ)


def _fixed_width(typ: pa.DataType) -> bool:
    return bool(
        pa.types.is_integer(typ)
        or pa.types.is_floating(typ)
        or pa.types.is_boolean(typ)
        or pa.types.is_temporal(typ)
    )


@dataclass
class Run:
    """One validation run: the dataset, and the tables kept for cross-table rules."""

    ds: Dataset | None
    max_examples: int = 5
    vocabularies: Vocabularies = CORE
    #: --sources: the folder of local source texts (None: quotes are not checked)
    sources: Path | None = None
    kept: dict[str, Batch] = field(default_factory=dict)
    keys: dict[str, KeyIndex] = field(default_factory=dict)
    #: per-run values rules share (the source texts read...)
    shared: dict[str, Any] = field(default_factory=dict)
    #: the readers of the tables read so far, and the rows per batch (None: whole tables)
    readers: dict[str, TableReader] = field(default_factory=dict)
    batch_rows: int | None = None
    references: dict[tuple[str, str], SelfReferences] = field(default_factory=dict)

    def reread(
        self, table: str, columns: list[str], start: int = 0, stop: int | None = None
    ) -> Iterator[Batch]:
        """Rows ``start`` to ``stop`` of a table read again, with only ``columns`` (those it
        has), in batches: for rules that find they need more than they kept."""
        reader = self.readers[table]
        present = [c for c in columns if c in reader.present]
        for offset, raw in reader.raw(self.batch_rows, present, start, stop):
            yield reader.batch(raw, offset, self)

    def self_references(self, table: str, column: str) -> SelfReferences | None:
        """A table's references into itself, resolved once the table is read."""
        return self.references.get((table, column))

    def lookup(self, batch: Batch, col: str) -> pa.Array | None:
        """Row in the referenced table of each row's ``col`` (None when it cannot be
        looked up: the column or the referenced table's ``id`` is not usable)."""
        fk = batch.spec.foreign_key(col)
        if fk is None or not batch.has(col):
            return None
        index = self.keys.get(fk.table)
        if index is None:
            return None
        values = batch.data.column(col)
        if values.null_count == len(values):  # nothing to look up (no event has a parent)
            return pa.nulls(len(values), index.type)
        return index.lookup(values)
