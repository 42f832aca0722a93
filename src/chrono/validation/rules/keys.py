"""CHR2xx keys: primary keys are unique, foreign keys resolve.

Both are checked a batch at a time. A table sorted by its key (as the build writes every
table) proves its keys unique by comparing each key with the next, and each batch's first
key with the last of the batch before: no state but one key. Once a table is found out of
order, every row's key is hashed (64 bits: 8 bytes a row, the rows read before re-read
once), and the rows whose hash repeats are read again and grouped by their actual key: a
hash collision can only make a candidate, never a finding, and a duplicate always has a
repeated hash. Foreign keys are looked up in the referenced table's ids (:class:`KeyIndex`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.tables import Table
from chrono.validation.batch import Batch
from chrono.validation.findings import Message, emit, primary_key, pyvalues, rank, relative
from chrono.validation.kernels import combine_hashes, hash_strings, strings
from chrono.validation.registry import ERROR, per_table
from chrono.validation.repeats import repeated
from chrono.validation.report import Finding, Report, order
from chrono.validation.state import Run


def key_hashes(t: Batch, keys: list[str]) -> np.ndarray:
    """A 64-bit hash of each row's key (the columns' hashes combined in order)."""
    out: np.ndarray | None = None
    for k in keys:
        col = t.data.column(k)
        parts = [hash_strings(c) for c in col.chunks]
        h = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
        out = h if out is None else combine_hashes(out, h)
    assert out is not None
    return out


def _key_at(t: Batch, keys: list[str], row: int) -> tuple[Any, ...]:
    values = (t.data.column(k)[row] for k in keys)  # a dictionary value: its text
    return tuple(
        v.as_py() if not isinstance(v, pa.DictionaryScalar) else v.value.as_py() for v in values
    )


@per_table("CHR201", ERROR, "duplicate primary key")
class DuplicateKeys:
    """Two or more rows share a primary key. Each example is one duplicated key, with the
    number of rows that share it."""

    def __init__(self, run: Run, spec: Table) -> None:
        self.run, self.spec = run, spec
        self.keys: list[str] | None = None
        self.path: Any = None
        self.sorted = True
        self.last: tuple[Any, ...] | None = None  # the last key, while the rows are sorted
        self.hashes: list[np.ndarray] = []
        self.rows = 0

    def batch(self, t: Batch, out: Report) -> None:
        keys = primary_key(t)
        if keys is None:
            return
        self.keys, self.path = keys, t.path
        if t.rows == 0:
            return
        if self.sorted:
            if t.increasing(keys) and (self.last is None or _key_at(t, keys, 0) > self.last):
                self.last = _key_at(t, keys, t.rows - 1)
                self.rows += t.rows
                return
            self.sorted = False
            if self.rows:  # the rows before were in order: their hashes from a second read
                for before in self.run.reread(self.spec.name, keys, 0, self.rows):
                    self.hashes.append(key_hashes(before, keys))
        self.hashes.append(key_hashes(t, keys))
        self.rows += t.rows

    def finish(self, out: Report) -> None:
        if self.sorted or self.keys is None or not self.hashes:
            return
        keys = self.keys
        hashes = np.concatenate(self.hashes)
        self.hashes = []
        candidates = repeated(hashes)
        if len(candidates) == 0:
            return
        # by sorting: numpy 2.0's lookup table overflows on 64-bit hashes
        suspect = np.isin(hashes, candidates, kind="sort")
        del hashes
        # the rows whose hash repeats, read again and grouped by their key
        parts = []
        for t in self.run.reread(self.spec.name, keys):
            pick = suspect[t.offset : t.offset + t.rows]
            if not pick.any():
                continue
            sel = pa.array(pick)
            cols = {k: strings(pc.filter(t.data.column(k), sel)).combine_chunks() for k in keys}
            rows = np.flatnonzero(pick) + t.offset
            parts.append(pa.table({**cols, "_row": pa.array(rows)}))
        if not parts:
            return
        g = pa.concat_tables(parts).group_by(keys).aggregate([([], "count_all"), ("_row", "min")])
        dup = g.filter(pc.greater(g["count_all"], 1))
        if dup.num_rows == 0:
            return
        excess = int(pc.sum(dup["count_all"]).as_py()) - dup.num_rows
        self._report(out, keys, dup, excess)

    def _report(self, out: Report, keys: list[str], dup: pa.Table, excess: int) -> None:
        column = keys[0] if len(keys) == 1 else None
        values = {c: pyvalues(dup.column(c).combine_chunks()) for c in dup.column_names}
        examples = []
        for i in range(dup.num_rows):
            row = {c: v[i] for c, v in values.items()}
            key = tuple(str(row[k]) for k in keys)
            examples.append(
                Finding(
                    "CHR201",
                    ERROR,
                    self.spec.name,
                    key,
                    column,
                    row.get(column) if column else None,
                    f"{row['count_all']} rows share the primary key "
                    f"({', '.join(str(row[k]) for k in keys)})",
                    relative(self.path),
                    row=row["_row_min"],
                    rank=rank([row[k] for k in keys]),
                )
            )
        examples.sort(key=order)
        out.add_many("CHR201", excess, examples[: out.max_examples])


@per_table("CHR202", ERROR, "foreign key does not resolve")
class UnresolvedReference:
    """A reference names a row that does not exist: claims -> events and sources,
    participants -> events and actors, events -> places and parent events."""

    def __init__(self, run: Run, spec: Table) -> None:
        self.run, self.spec = run, spec

    def batch(self, t: Batch, out: Report) -> None:
        for fk in t.spec.foreign_keys:
            if fk.table == t.name or len(fk.columns) != 1:
                continue  # a reference into the same table: once it is read whole
            col = fk.columns[0]
            idx = t.refs(col)
            if idx is None or idx.null_count == t.data.column(col).null_count:
                continue  # every set reference resolves
            values = t.data.column(col)
            emit(
                out,
                "CHR202",
                t,
                pc.and_(pc.is_valid(values), pc.is_null(idx)),
                col,
                _not_an_id(col, fk.table),
            )

    def finish(self, out: Report) -> None:
        for fk in self.spec.foreign_keys:
            if fk.table != self.spec.name or len(fk.columns) != 1:
                continue
            col = fk.columns[0]
            refs = self.run.self_references(self.spec.name, col)
            kept = self.run.kept.get(self.spec.name)
            if refs is None or kept is None:
                continue
            unresolved = refs.rows[refs.parents < 0]
            if len(unresolved) == 0:
                continue
            mask = np.zeros(kept.rows, dtype=bool)
            mask[unresolved] = True
            emit(
                out,
                "CHR202",
                kept,
                pa.array(mask),
                col,
                _not_an_id(col, fk.table),
                extra_at=refs.column(col),
            )


def _not_an_id(col: str, table: str) -> Message:
    return lambda r: f"{col} {r[col]!r} is not an id in {table}"
