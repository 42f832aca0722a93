"""The second pass of a table diff: renames, rows following an event rename, date classes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.diffing.arrays import Index, Mask, compare_pairs, from_np, to_np, value_codes
from chrono.diffing.core import Matched, Pairs, TableDiff
from chrono.diffing.datechanges import classify_dates
from chrono.model.tables import Table


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
    codes, size = value_codes([pa.chunked_array([a]), pa.chunked_array([b])])
    ca, cb = codes[: len(a)], codes[len(a) :]
    na, nb = np.bincount(ca, minlength=size), np.bincount(cb, minlength=size)
    good = (na == 1) & (nb == 1)
    pos_b = np.full(size, -1, np.int64)
    pos_b[cb] = np.arange(len(cb))
    ia = np.flatnonzero(good[ca])
    return ia.astype(np.int64), pos_b[ca[ia]]


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
        # a child renamed with its parent: its reference to the parent follows that rename
        parent = _self_reference(spec, keys)
        while parent in common and len(renamed) and len(removed) and len(added):
            followed = _followed(old, new, keys[0], parent, renamed)
            c_old, c_new = _rename_candidates(followed, new, removed, added, common)
            if not len(c_old) or not len(c_new):
                break
            ia, ib = _unique_pairs(
                _content_codes(followed, c_old, common), _content_codes(new, c_new, common)
            )
            if not len(ia):
                break
            r_old, r_new = c_old[ia], c_new[ib]
            follows = Pairs(r_old, r_new, {parent: np.ones(len(r_old), np.bool_)})
            renamed = _concat(renamed, follows, [parent])
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


def _self_reference(spec: Table | None, keys: tuple[str, ...]) -> str | None:
    """The column of a table keyed by one id that references the table itself (events'
    parent_id), or None."""
    if spec is None or len(keys) != 1:
        return None
    return next(
        (
            fk.columns[0]
            for fk in spec.foreign_keys
            if fk.table == spec.name and len(fk.columns) == 1
        ),
        None,
    )


def _followed(old: pa.Table, new: pa.Table, key: str, column: str, renamed: Pairs) -> pa.Table:
    """``old`` with ``column``'s references to renamed rows given their new ids."""
    was = _plain_values(old.column(key).take(from_np(renamed.old_idx))).cast(pa.string())
    now = _plain_values(new.column(key).take(from_np(renamed.new_idx))).cast(pa.string())
    refs = _plain_values(old.column(column)).cast(pa.string())
    at = pc.index_in(refs, value_set=was)
    moved = pc.if_else(pc.is_valid(at), pc.take(now, at), refs)
    return old.set_column(old.schema.get_field_index(column), column, moved)


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
