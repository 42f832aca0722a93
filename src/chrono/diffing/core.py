"""The diff engine: keyed, column-wise comparison of two versions of the model's tables.

Everything proportional to the number of rows is vectorised (Arrow compute and numpy):
the keys of both sides are hash-encoded together once, rows are paired through integer
codes, and each column is compared as a whole. Python objects are made only for the rows
a report lists (see :mod:`chrono.diffing.report`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.tables import TABLES, Table

Index = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

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

    def date_class_counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for col, codes in sorted(self.changed.date_classes.items()):
            counts = np.bincount(codes.astype(np.int64), minlength=len(DATE_CLASSES))
            out[col] = {
                name: int(counts[i]) for i, name in enumerate(DATE_CLASSES) if i and counts[i]
            }
        return out


# --------------------------------------------------------------------------- numpy


_NP_INTS = {
    pa.int8(): np.int8,
    pa.int16(): np.int16,
    pa.int32(): np.int32,
    pa.int64(): np.int64,
    pa.uint8(): np.uint8,
    pa.uint16(): np.uint16,
    pa.uint32(): np.uint32,
    pa.uint64(): np.uint64,
}


def from_np(values: npt.NDArray[Any]) -> pa.Array:
    """An int64 or boolean numpy array as Arrow (``pa.array`` on numpy imports pandas)."""
    if values.dtype == np.bool_:
        return from_np(values.astype(np.int64)).cast(pa.bool_())
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def to_np(arr: pa.Array | pa.ChunkedArray, dtype: type[Any] = np.int64) -> npt.NDArray[Any]:
    """A null-free integer or boolean Arrow array as numpy, read from its buffer.

    (``Array.to_numpy`` imports pandas, which costs more than a whole small diff.)
    """
    if isinstance(arr, pa.ChunkedArray):
        if arr.num_chunks == 0:  # (combining no chunks imports pandas too)
            return np.zeros(0, np.bool_ if pa.types.is_boolean(arr.type) else dtype)
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if arr.null_count:
        arr = pc.fill_null(arr, False if pa.types.is_boolean(arr.type) else 0)
    boolean = pa.types.is_boolean(arr.type)
    if boolean:  # bit-packed: unpack to one byte per value
        arr = arr.cast(pa.uint8())
    data = np.frombuffer(arr.buffers()[1], dtype=_NP_INTS[arr.type], count=arr.offset + len(arr))
    out: npt.NDArray[Any] = data[arr.offset :].astype(np.bool_ if boolean else dtype, copy=False)
    return out


# --------------------------------------------------------------------------- types


def type_name(typ: pa.DataType) -> str:
    if pa.types.is_dictionary(typ):
        return f"dictionary<{typ.index_type}, {typ.value_type}>"
    return str(typ)


def _plain(typ: pa.DataType) -> pa.DataType:
    return typ.value_type if pa.types.is_dictionary(typ) else typ


def common_type(a: pa.DataType, b: pa.DataType) -> pa.DataType:
    """The type both sides of a retyped column are compared in (dictionary -> values)."""
    if a.equals(b):
        return a
    a, b = _plain(a), _plain(b)
    if a.equals(b):
        return a
    numeric = (pa.types.is_integer, pa.types.is_floating)
    if any(f(a) for f in numeric) and any(f(b) for f in numeric):
        return pa.float64() if pa.types.is_floating(a) or pa.types.is_floating(b) else pa.int64()
    if pa.types.is_large_string(a) or pa.types.is_large_string(b):
        return pa.large_string()
    return pa.string()


def _nested(typ: pa.DataType) -> bool:
    return bool(pa.types.is_nested(_plain(typ)))


def _as_text(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """Values as text: JSON for nested values (lists, structs, maps), which Arrow can
    neither cast to text nor compare; a column outside the model, so rarely many rows."""
    if not _nested(arr.type):
        return arr.cast(pa.string())
    texts = [None if v is None else json.dumps(v, default=str) for v in arr.to_pylist()]
    return pa.chunked_array([pa.array(texts, pa.string())])


def _cast(arr: pa.ChunkedArray, typ: pa.DataType) -> pa.ChunkedArray:
    if arr.type.equals(typ):
        return arr
    if _nested(arr.type) or _nested(typ):
        return _as_text(arr)
    try:
        return arr.cast(typ)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return arr.cast(pa.string())


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
            if a.equals(b) and _nested(a):  # compared as text: Arrow cannot compare them
                old = old.set_column(old_names.index(name), name, _as_text(old.column(name)))
                new = new.set_column(new.column_names.index(name), name, _as_text(new.column(name)))
            elif not a.equals(b):
                changes.append(SchemaChange(name, "retyped", type_name(a), type_name(b)))
                typ = common_type(a, b)
                ca, cb = _cast(old.column(name), typ), _cast(new.column(name), typ)
                if not ca.type.equals(cb.type):
                    ca, cb = _as_text(ca), _as_text(cb)
                old = old.set_column(old_names.index(name), name, ca)
                new = new.set_column(new.column_names.index(name), name, cb)
    for k in keys:
        if k not in old_names or k not in new_names:
            side = "old" if k not in old_names else "new"
            raise DiffError(f"the {side} table has no primary key column {k!r}")
    return old, new, changes


# --------------------------------------------------------------------------- keys


def _codes(arrays: list[pa.ChunkedArray]) -> tuple[npt.NDArray[np.int64], int]:
    """Integer codes of the concatenation of ``arrays``: equal values, equal codes."""
    chunks = [c for a in arrays for c in a.chunks]
    typ = arrays[0].type
    combined = pa.concat_arrays(chunks) if chunks else pa.nulls(0, typ)
    if pa.types.is_dictionary(combined.type):
        combined = combined.cast(combined.type.value_type)
    encoded = pc.dictionary_encode(combined, null_encoding="encode")
    codes = to_np(encoded.indices)
    return codes, len(encoded.dictionary)


def key_codes(
    old: pa.Table, new: pa.Table, keys: tuple[str, ...]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    codes: npt.NDArray[np.int64] | None = None
    size = 1
    for k in keys:
        c, n = _codes([old.column(k), new.column(k)])
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


# --------------------------------------------------------------------------- comparison


def _differs(a: pa.ChunkedArray | pa.Array, b: pa.ChunkedArray | pa.Array) -> Mask:
    """Per-row "values differ", nulls equal to nulls (and NaN to NaN)."""
    if pa.types.is_dictionary(a.type) and pa.types.is_dictionary(b.type):
        ca = a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a
        cb = b.combine_chunks() if isinstance(b, pa.ChunkedArray) else b
        if ca.dictionary.equals(cb.dictionary):
            a, b = ca.indices, cb.indices
        else:
            a, b = ca.cast(ca.type.value_type), cb.cast(cb.type.value_type)
    ne = pc.not_equal(a, b)
    null_a, null_b = pc.is_null(a), pc.is_null(b)
    result = pc.or_(pc.fill_null(ne, False), pc.xor(null_a, null_b))
    if pa.types.is_floating(a.type):
        both_nan = pc.and_(pc.fill_null(pc.is_nan(a), False), pc.fill_null(pc.is_nan(b), False))
        result = pc.and_(result, pc.invert(both_nan))
    return to_np(result, np.bool_)


def _selector(idx: Index, n: int) -> tuple[str, Any]:
    """How to gather rows ``idx`` of an ``n``-row column, cheapest first."""
    if (
        len(idx) == n
        and (n == 0 or (idx[0] == 0 and idx[-1] == n - 1))
        and (n < 2 or bool(np.all(np.diff(idx) == 1)))
    ):
        return "all", None
    if len(idx) < 2 or bool(np.all(np.diff(idx) > 0)):  # increasing: a filter, not a take
        mask = np.zeros(n, np.bool_)
        mask[idx] = True
        return "filter", from_np(mask)
    return "take", from_np(idx)


def _gather(col: pa.ChunkedArray, how: tuple[str, Any]) -> pa.ChunkedArray:
    kind, arg = how
    if kind == "all":
        return col
    return col.filter(arg) if kind == "filter" else col.take(arg)


def compare_pairs(
    old: pa.Table, new: pa.Table, old_idx: Index, new_idx: Index, columns: list[str]
) -> dict[str, Mask]:
    """Per column, whether the values of each pair (old_idx[i], new_idx[i]) differ."""
    how_old = _selector(old_idx, old.num_rows)
    how_new = _selector(new_idx, new.num_rows)
    return {
        c: _differs(_gather(old.column(c), how_old), _gather(new.column(c), how_new))
        for c in columns
    }


# --------------------------------------------------------------------------- dates


def _date_columns(spec: Table) -> dict[str, dict[str, str]]:
    """EDTF column -> {"earliest": col, "latest": col, "precision": col} (those present)."""
    out: dict[str, dict[str, str]] = {}
    for col in spec.columns:
        if col.derived_from is not None:
            role = next(
                r
                for r in ("earliest", "latest", "precision", "uncertain", "approximate")
                if col.name.endswith(r)
            )
            out.setdefault(col.derived_from, {})[role] = col.name
    for col in spec.columns:
        if col.edtf:
            out.setdefault(col.name, {})
    return out


def _bounds(
    table: pa.Table, raw: pa.Table, idx: Index, column: str, derived: dict[str, str]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], Mask]:
    """earliest, latest, precision rank and "present" for rows ``idx`` of an EDTF column."""
    from chrono.model.derive import derive_dates
    from chrono.model.vocab import PRECISION_ORDER

    take = from_np(idx)
    names = [derived.get(r) for r in ("earliest", "latest", "precision")]
    if all(n is not None and n in raw.column_names for n in names):
        lo, hi, prec = (raw.column(n).take(take) for n in names)  # type: ignore[arg-type]
        if pa.types.is_dictionary(prec.type):
            prec = prec.cast(prec.type.value_type)
    else:
        values = table.column(column).take(take).cast(pa.string())
        d = derive_dates(values)
        lo, hi, prec = d.earliest, d.latest, d.precision
    present = to_np(pc.and_(pc.and_(pc.is_valid(lo), pc.is_valid(hi)), pc.is_valid(prec)))

    def ints(a: Any) -> npt.NDArray[np.int64]:
        a = a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a
        if not pa.types.is_integer(a.type):
            a = a.cast(pa.int32()) if pa.types.is_date32(a.type) else a.cast(pa.int64())
        return to_np(a)

    rank = pc.index_in(prec, value_set=pa.array(PRECISION_ORDER, pa.string()))
    return ints(lo), ints(hi), ints(rank), present


def classify_dates(
    spec: Table | None,
    old: pa.Table,
    new: pa.Table,
    raw_old: pa.Table,
    raw_new: pa.Table,
    pairs: Pairs,
) -> None:
    """Fill ``pairs.date_classes`` for every EDTF column that changed in some pair."""
    if spec is None or not len(pairs):
        return
    for column, derived in _date_columns(spec).items():
        mask = pairs.masks.get(column)
        if mask is None or not mask.any():
            continue
        rows = np.flatnonzero(mask)
        olo, ohi, orank, opres = _bounds(old, raw_old, pairs.old_idx[rows], column, derived)
        nlo, nhi, nrank, npres = _bounds(new, raw_new, pairs.new_idx[rows], column, derived)
        inside = (nlo >= olo) & (nhi <= ohi)
        outside = (nlo <= olo) & (nhi >= ohi)
        same = (nlo == olo) & (nhi == ohi)
        refined = inside & ~same & (nrank <= orank)
        coarsened = outside & ~same & (nrank >= orank)
        both = opres & npres
        codes = np.select([~both, refined, coarsened, same], [0, 1, 2, 4], default=3).astype(
            np.int8
        )
        full = np.zeros(len(pairs), np.int8)
        full[rows] = codes
        pairs.date_classes[column] = full


# --------------------------------------------------------------------------- one table


def _content_codes(table: pa.Table, idx: Index, columns: list[str]) -> pa.Array:
    """One string per row joining its ``columns`` (nulls distinct from any text)."""
    take = from_np(idx)
    parts = []
    for c in columns:
        col = table.column(c).take(take)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        text = col.cast(pa.string())
        parts.append(pc.fill_null(pc.binary_join_element_wise("v", text, ""), "\x00"))
    if not parts:
        return pa.array([""] * len(idx), pa.string())
    joined = pc.binary_join_element_wise(*parts, "\x1f")
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def _rename_candidates(
    old: pa.Table, new: pa.Table, removed: Index, added: Index, columns: list[str]
) -> tuple[Index, Index]:
    """The removed and added rows whose every value also occurs, in its column, on the other side.

    Only such rows can have their whole content on the other side, so only they are worth
    joining into content strings; a column at a time, most rows drop out at the first.
    """
    for c in columns:
        if not len(removed) or not len(added):
            break
        a = _plain_values(old.column(c).take(from_np(removed)))
        b = _plain_values(new.column(c).take(from_np(added)))
        in_b = to_np(pc.is_in(a, value_set=b, skip_nulls=False), np.bool_)
        in_a = to_np(pc.is_in(b, value_set=a, skip_nulls=False), np.bool_)
        removed, added = removed[in_b], added[in_a]
    return removed, added


def _plain_values(col: pa.ChunkedArray) -> pa.Array:
    arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    return arr.cast(arr.type.value_type) if pa.types.is_dictionary(arr.type) else arr


def _unique_pairs(a: pa.Array, b: pa.Array) -> tuple[Index, Index]:
    """Positions (i in a, j in b) where a[i] == b[j] and that value is unique on both sides."""
    codes, size = _codes([pa.chunked_array([a]), pa.chunked_array([b])])
    ca, cb = codes[: len(a)], codes[len(a) :]
    na, nb = np.bincount(ca, minlength=size), np.bincount(cb, minlength=size)
    good = (na == 1) & (nb == 1)
    pos_b = np.full(size, -1, np.int64)
    pos_b[cb] = np.arange(len(cb))
    ia = np.flatnonzero(good[ca])
    return ia.astype(np.int64), pos_b[ca[ia]]


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


def finish(
    name: str,
    m: Matched,
    *,
    keys: tuple[str, ...],
    spec: Table | None,
    renames: dict[str, str] | None = None,
    rename_fk: str | None = None,
    detect_renames: bool = False,
) -> TableDiff:
    """Renames (events), rows following an event rename, date change classes."""
    old, new, common = m.old, m.new, m.common
    added, removed, changed = m.added, m.removed, m.changed
    renamed = Pairs.empty()
    if detect_renames and len(removed) and len(added):
        c_old, c_new = _rename_candidates(old, new, removed, added, common)
        ia = ib = np.zeros(0, np.int64)
        if len(c_old) and len(c_new):
            ia, ib = _unique_pairs(
                _content_codes(old, c_old, common), _content_codes(new, c_new, common)
            )
        if len(ia):
            r_old, r_new = c_old[ia], c_new[ib]
            renamed = Pairs(r_old, r_new, {})
            removed = np.setdiff1d(removed, r_old).astype(np.int64)
            added = np.setdiff1d(added, r_new).astype(np.int64)

    fk_present = rename_fk in m.raw_old.column_names and rename_fk in m.raw_new.column_names
    if renames and rename_fk and fk_present and len(removed) and len(added):
        through = _match_through_renames(
            m.raw_old, m.raw_new, removed, added, keys, rename_fk, renames
        )
        if through is not None:
            t_old, t_new = through
            cols = [c for c in common if c != rename_fk]
            tmasks = compare_pairs(old, new, t_old, t_new, cols)
            other = np.zeros(len(t_old), np.bool_)
            for mask in tmasks.values():
                other |= mask
            if rename_fk in common:
                tmasks.update(compare_pairs(old, new, t_old, t_new, [rename_fk]))
            tm = {c: tmasks.get(c, np.zeros(len(t_old), np.bool_)) for c in common}
            moved = Pairs(t_old, t_new, tm)
            renamed = _concat(renamed, moved.select(~other), common)
            changed = _concat(changed, moved.select(other), common)
            removed = np.setdiff1d(removed, t_old).astype(np.int64)
            added = np.setdiff1d(added, t_new).astype(np.int64)

    classify_dates(spec, old, new, m.raw_old, m.raw_new, changed)
    return TableDiff(name, keys, old, new, m.schema, added, removed, changed, renamed)


def _concat(a: Pairs, b: Pairs, columns: list[str]) -> Pairs:
    def mask(p: Pairs, c: str) -> Mask:
        return p.masks.get(c, np.zeros(len(p), np.bool_))

    return Pairs(
        np.concatenate([a.old_idx, b.old_idx]),
        np.concatenate([a.new_idx, b.new_idx]),
        {c: np.concatenate([mask(a, c), mask(b, c)]) for c in columns},
    )


def _match_through_renames(
    old: pa.Table,
    new: pa.Table,
    removed: Index,
    added: Index,
    keys: tuple[str, ...],
    fk: str,
    renames: dict[str, str],
) -> tuple[Index, Index] | None:
    """Removed rows of a renamed event paired with added rows of its new id (by key)."""
    sel_old = removed[
        to_np(pc.is_in(old.column(fk).take(from_np(removed)), value_set=pa.array(list(renames))))
    ]
    sel_new = added[
        to_np(
            pc.is_in(
                new.column(fk).take(from_np(added)), value_set=pa.array(list(renames.values()))
            )
        )
    ]
    if not len(sel_old) or not len(sel_new):
        return None
    olds = old.select(list(dict.fromkeys([*keys, fk]))).take(from_np(sel_old)).to_pylist()
    news = new.select(list(keys)).take(from_np(sel_new)).to_pylist()
    index = {tuple(r[k] for k in keys): int(i) for r, i in zip(news, sel_new, strict=True)}
    pairs_old, pairs_new = [], []
    for row, i in zip(olds, sel_old, strict=True):
        was = row[fk]
        now = renames[was]
        key = []
        for k in keys:
            v = row[k]
            if k == fk:
                v = now
            elif isinstance(v, str) and v.startswith(was + "/"):
                v = now + v[len(was) :]
            key.append(v)
        j = index.get(tuple(key))
        if j is not None:
            pairs_old.append(int(i))
            pairs_new.append(j)
    if not pairs_old:
        return None
    return np.array(pairs_old, np.int64), np.array(pairs_new, np.int64)


def table_spec(name: str) -> Table | None:
    return TABLES.get(name)
