"""The diff engine: keyed, column-wise comparison of two versions of the model's tables.

Everything proportional to the number of rows is vectorised (Arrow compute and numpy):
the keys of both sides are hash-encoded together once, rows are paired through integer
codes, and each column is compared as a whole. Python objects are made only for the rows
a report lists (see :mod:`chrono.diffing.report`). Helpers live in ``arrays``; renames and
date classes are a second pass (``renames``, ``datechanges``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from chrono.diffing.arrays import (
    Index,
    Mask,
    as_text,
    cast_to,
    common_type,
    compare_pairs,
    from_np,
    nested,
    to_np,
    type_name,
    value_codes,
)
from chrono.model.tables import TABLE_NAMES, TABLES, Table

#: Date change classes, in code order (0 = not a date change of both-present values).
DATE_CLASSES = ("", "refined", "coarsened", "moved", "requalified")


class DiffError(Exception):
    """An input that cannot be diffed: unreadable, or a primary key that is not unique."""


@dataclass(frozen=True)
class SchemaChange:
    column: str  # "" for the whole table
    change: str  # added | removed | retyped
    old_type: str | None
    new_type: str | None


@dataclass
class Pairs:
    """Rows paired across the two sides, with the columns that differ in each pair."""

    old_idx: Index
    new_idx: Index
    masks: dict[str, Mask]  # column -> per-pair "differs"
    #: EDTF column -> per-pair class code (index into DATE_CLASSES)
    date_classes: dict[str, npt.NDArray[np.int8]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.old_idx)

    @classmethod
    def empty(cls) -> Pairs:
        z = np.empty(0, np.int64)
        return cls(z, z.copy(), {})

    def select(self, keep: Mask) -> Pairs:
        return Pairs(
            self.old_idx[keep],
            self.new_idx[keep],
            {c: m[keep] for c, m in self.masks.items()},
            {c: k[keep] for c, k in self.date_classes.items()},
        )


@dataclass
class TableDiff:
    """The differences in one table. Indices point into :attr:`old` and :attr:`new`."""

    name: str
    primary_key: tuple[str, ...]
    old: pa.Table  # as read (compared columns only)
    new: pa.Table
    schema_changes: list[SchemaChange]
    added: Index  # rows of new
    removed: Index  # rows of old
    changed: Pairs  # same key (or matched through a rename) with differing fields
    renamed: Pairs  # key changed, content equal (events), or followed an event rename

    @property
    def is_empty(self) -> bool:
        return not (
            self.schema_changes
            or len(self.added)
            or len(self.removed)
            or len(self.changed)
            or len(self.renamed)
        )

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "renamed": len(self.renamed),
            "schema_changes": len(self.schema_changes),
        }

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """This table's part of :meth:`DatasetDiff.to_dict` (``limit``: rows listed)."""
        from chrono.diffing.report import table_dict

        out: dict[str, Any] = table_dict(self, limit)
        return out

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {kind}" for kind, n in self.counts().items())
        return f"<TableDiff {self.name} (key {', '.join(self.primary_key)}): {counts}>"

    def date_class_counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for col, codes in sorted(self.changed.date_classes.items()):
            counts = np.bincount(codes.astype(np.int64), minlength=len(DATE_CLASSES))
            out[col] = {
                name: int(counts[i]) for i, name in enumerate(DATE_CLASSES) if i and counts[i]
            }
        return out


# --------------------------------------------------------------------------- keys


def conform_pair(
    old: pa.Table, new: pa.Table, keys: tuple[str, ...]
) -> tuple[pa.Table, pa.Table, list[SchemaChange]]:
    """Schema changes, and both tables with common columns cast to a common type."""
    changes: list[SchemaChange] = []
    old_names, new_names = old.column_names, new.column_names
    for name in old_names:
        if name not in new_names:
            changes.append(
                SchemaChange(name, "removed", type_name(old.schema.field(name).type), None)
            )
    for name in new_names:
        if name not in old_names:
            changes.append(
                SchemaChange(name, "added", None, type_name(new.schema.field(name).type))
            )
    for name in old_names:
        if name in new_names:
            a, b = old.schema.field(name).type, new.schema.field(name).type
            if a.equals(b) and nested(a):  # compared as text: Arrow cannot compare them
                old = old.set_column(old_names.index(name), name, as_text(old.column(name)))
                new = new.set_column(new.column_names.index(name), name, as_text(new.column(name)))
            elif not a.equals(b):
                changes.append(SchemaChange(name, "retyped", type_name(a), type_name(b)))
                typ = common_type(a, b)
                ca, cb = cast_to(old.column(name), typ), cast_to(new.column(name), typ)
                if not ca.type.equals(cb.type):
                    ca, cb = as_text(ca), as_text(cb)
                old = old.set_column(old_names.index(name), name, ca)
                new = new.set_column(new.column_names.index(name), name, cb)
    for k in keys:
        if k not in old_names or k not in new_names:
            side = "old" if k not in old_names else "new"
            raise DiffError(f"the {side} table has no primary key column {k!r}")
    return old, new, changes


def key_codes(
    old: pa.Table, new: pa.Table, keys: tuple[str, ...]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    codes: npt.NDArray[np.int64] | None = None
    size = 1
    for k in keys:
        c, n = value_codes([old.column(k), new.column(k)])
        if codes is None:
            codes, size = c, n
        else:
            combined = codes * n + c
            enc = pc.dictionary_encode(from_np(combined))
            codes = to_np(enc.indices)
            size = len(enc.dictionary)
    assert codes is not None
    return codes[: old.num_rows], codes[old.num_rows :], size


def check_unique(
    table: pa.Table,
    codes: npt.NDArray[np.int64],
    size: int,
    keys: tuple[str, ...],
    side: str,
    name: str,
) -> None:
    counts = np.bincount(codes, minlength=size)
    dups = np.flatnonzero(counts > 1)
    if len(dups):
        first = int(np.flatnonzero(np.isin(codes, dups[:1]))[0])
        key = ", ".join(f"{k}={table.column(k)[first].as_py()!r}" for k in keys)
        raise DiffError(f"{side}: {name}: duplicate primary key ({key}); rows cannot be paired")


@dataclass
class Matched:
    """Rows paired by key. ``old``/``new`` hold at least every row the indices name."""

    old: pa.Table  # ignored columns dropped, retyped columns in their common type
    new: pa.Table
    raw_old: pa.Table  # the same rows with every column (derived date bounds)
    raw_new: pa.Table
    schema: list[SchemaChange]
    added: Index
    removed: Index
    changed: Pairs
    common: list[str]  # compared columns (not keys, not ignored, on both sides)


def match_arrow(
    name: str, old: pa.Table, new: pa.Table, keys: tuple[str, ...], ignore: set[str]
) -> Matched:
    """Pair rows by hash-encoding the keys of both sides once (Arrow and numpy)."""
    raw_old, raw_new = old, new
    old = old.drop_columns([c for c in old.column_names if c in ignore])
    new = new.drop_columns([c for c in new.column_names if c in ignore])
    old, new, schema = conform_pair(old, new, keys)
    for side, table in (("old", old), ("new", new)):
        if any(table.column(k).null_count for k in keys):
            raise DiffError(
                f"{side}: {name}: a primary key column ({', '.join(keys)}) holds a null"
            )
    co, cn, size = key_codes(old, new, keys)
    check_unique(old, co, size, keys, "old", name)
    check_unique(new, cn, size, keys, "new", name)
    pos_new = np.full(size, -1, np.int64)
    pos_new[cn] = np.arange(len(cn))
    pos_old = np.full(size, -1, np.int64)
    pos_old[co] = np.arange(len(co))
    match = pos_new[co]
    removed = np.flatnonzero(match < 0).astype(np.int64)
    m_old = np.flatnonzero(match >= 0).astype(np.int64)
    m_new = match[m_old]
    added = np.flatnonzero(pos_old[cn] < 0).astype(np.int64)
    common = [c for c in old.column_names if c in new.column_names and c not in keys]
    masks = compare_pairs(old, new, m_old, m_new, common)
    any_diff = np.zeros(len(m_old), np.bool_)
    for m in masks.values():
        any_diff |= m
    keep = np.flatnonzero(any_diff)
    changed = Pairs(m_old[keep], m_new[keep], {c: m[keep] for c, m in masks.items()})
    return Matched(old, new, raw_old, raw_new, schema, added, removed, changed, common)


def table_spec(name: str) -> Table | None:
    return TABLES.get(name)


def check_ignored(ignore: tuple[str, ...], columns: dict[str, set[str]]) -> None:
    """Refuse (``ValueError``) an ignored column that the compared tables do not have
    (``columns``: each compared table's columns, either side): a typo would otherwise
    ignore nothing, silently. A column of a table not compared is let be (``-t events -i
    note``: claims' notes)."""
    usage = "(table.column, or a column name for every table)"
    model = {c for spec in TABLES.values() for c in spec.column_names}
    for item in ignore:
        table, _, column = item.rpartition(".")
        if table and table not in TABLE_NAMES:
            raise ValueError(f"--ignore {item}: no table {table} {usage}")
        if table:
            found = table not in columns or column in columns[table]
        else:
            found = column in model or any(column in names for names in columns.values())
        if not found:
            where = f"table {table}" if table else "any table"
            raise ValueError(f"--ignore {item}: no such column in {where} {usage}")
