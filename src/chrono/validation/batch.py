"""A batch of a table's rows as the rules see them (:class:`Batch`), and the vocabulary terms
rules test for.

A batch is one or more Parquet row groups of a table (or the whole table, or the columns of
a table kept whole for the rules of the tables read after it). Per-value work is cached per
batch: vocabulary codes, each dictionary's results, references looked up in their tables.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model import vocab
from chrono.model.arrays import take_indices
from chrono.model.tables import Table
from chrono.model.vocabularies import CORE, Vocabularies
from chrono.validation.kernels import (
    are_positions,
    dictionaries,
    orderable,
    per_dictionary,
    strictly_increasing,
    strings,
)

if TYPE_CHECKING:
    from chrono.validation.state import Run

#: Terms of the vocabulary columns that rules test for one term (``Batch.is_term``).
TERMS = {
    "property": pa.array(list(vocab.PROPERTY), pa.string()),
    "stance": pa.array(list(vocab.STANCE), pa.string()),
    "status": pa.array(list(vocab.STATUS), pa.string()),
    "mode": pa.array(list(vocab.MODE), pa.string()),
}
#: Precision terms, coarsest first: a precision's code is its rank.
RANK = pa.array(vocab.PRECISION_ORDER, pa.string())
EVENT_TYPES = pa.array(list(vocab.EVENT_TYPE), pa.string())


def term_code(column: str, term: str) -> int:
    """The code of ``term`` among :data:`TERMS` of ``column``."""
    return int(TERMS[column].index(term).as_py())


@dataclass
class Batch:
    """Rows ``offset`` to ``offset + rows`` of a table: the columns rules can use, cast to
    the model's types (``usable``)."""

    spec: Table
    path: Path
    data: pa.Table
    rows: int
    usable: set[str] = field(default_factory=set)
    vocabularies: Vocabularies = CORE  # the core terms and the dataset's own
    #: the table's row number of the batch's first row
    offset: int = 0
    #: the validation run: the tables kept for cross-table rules, and their keys
    run: Run | None = field(default=None, repr=False)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)
    locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    def has(self, *cols: str) -> bool:
        return all(c in self.usable for c in cols)

    def per_value(self, col: str, fn: Callable[[pa.Array], pa.Array]) -> pa.ChunkedArray:
        """``fn`` applied to each row's string; for a dictionary column, once per value.

        Where ``fn`` maps a dictionary to its own positions (the codes of a vocabulary
        column written in the vocabulary's order, as the build writes them), the chunk's
        indices are the result as they are.
        """
        arr = self.data.column(col)
        if pa.types.is_dictionary(arr.type):
            same: dict[int, bool] = {}
            out = []
            for r, c in per_dictionary(arr, fn):
                if id(r) not in same:
                    same[id(r)] = r.type == c.indices.type and are_positions(r)
                out.append(c.indices if same[id(r)] else take_indices(r, c.indices))
            return pa.chunked_array(out, out[0].type) if out else pc.is_null(arr)
        if not pa.types.is_string(arr.type):
            arr = arr.cast(pa.string())
        out = [fn(chunk) for chunk in arr.chunks]
        return pa.chunked_array(out) if out else pc.is_null(arr)

    def codes(self, col: str, terms: pa.Array) -> pa.ChunkedArray:
        """Each row's index in ``terms`` (a module constant), cached: several rules ask."""
        out: pa.ChunkedArray = self.cached(
            f"codes:{col}#{id(terms)}",
            lambda: self.per_value(col, lambda v: pc.index_in(v, value_set=terms)),
        )
        return out

    def is_term(self, col: str, term: str) -> pa.ChunkedArray:
        """Rows whose value in ``col`` is ``term`` (null rows are null), cached; for a
        dictionary column, the chunk's indices compared with the term's."""

        def make() -> pa.ChunkedArray:
            arr = self.data.column(col)
            if not pa.types.is_dictionary(arr.type):
                return pc.equal(strings(arr), term)
            out = []
            for d, chunk in dictionaries(arr):
                at = pc.index(d, term).as_py()
                out.append(pc.equal(chunk.indices, pa.scalar(at, chunk.indices.type)))
            return pa.chunked_array(out, pa.bool_())

        out: pa.ChunkedArray = self.cached(f"is:{col}={term}", make)
        return out

    def combined(self, col: str) -> pa.Array:
        """A string column as one array (cached: several rules look rows up by id)."""
        out: pa.Array = self.cached(
            f"combined:{col}", lambda: strings(self.data.column(col)).combine_chunks()
        )
        return out

    def increasing(self, keys: list[str]) -> bool:
        """The rows are sorted by ``keys`` with no two equal and no null (the build's
        order), cached: the key rules and the keeper of ids both ask."""
        out: bool = self.cached(
            "increasing:" + ",".join(keys),
            lambda: strictly_increasing([self.ordered(k) for k in keys]),
        )
        return out

    def ordered(self, col: str) -> pa.ChunkedArray:
        """``col`` in a form that orders like its strings: a reference into another table
        whose ids are strictly increasing, every row resolved, as the rows it names (ids
        and rows are in the same order: one integer comparison a row, the references being
        looked up anyway); otherwise :func:`orderable`."""
        values = self.data.column(col)
        fk = self.spec.foreign_key(col)
        if self.run is not None and fk is not None and fk.table != self.name:
            index = self.run.keys.get(fk.table)
            if index is not None and index.sorted_unique and values.null_count == 0:
                rows = self.refs(col)
                if rows is not None and rows.null_count == 0:
                    return pa.chunked_array([rows])
        return orderable(values)

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        """A value computed once per batch and shared by the rules that ask for it (rules
        running on two threads: the second to ask waits for the first)."""
        if key in self.cache:
            return self.cache[key]
        with self.locks.setdefault(key, threading.Lock()):
            if key not in self.cache:
                self.cache[key] = make()
        return self.cache[key]

    # ------------------------------------------------------------------ cross-table

    def parent(self, table: str) -> Batch | None:
        """The columns kept of a table read before this one (None when it is missing)."""
        return None if self.run is None else self.run.kept.get(table)

    def refs(self, col: str) -> pa.Array | None:
        """Row number in the referenced table of each row's ``col`` (int32 or int64; null
        when unset or when no row has that key); None when it cannot be looked up."""
        run = self.run
        out: pa.Array | None = self.cached(
            f"refs:{col}", lambda: None if run is None else run.lookup(self, col)
        )
        return out

    def row_numbers(self) -> pa.Array:
        """The table's row number of each row of the batch."""
        return pa.array(np.arange(self.offset, self.offset + self.rows, dtype=np.int64))
