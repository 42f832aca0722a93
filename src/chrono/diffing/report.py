"""A table diff as plain data: the rows a report lists, in key order, as JSON-able values."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.diffing.arrays import Index, from_np, to_np
from chrono.diffing.core import DATE_CLASSES, Pairs, TableDiff
from chrono.model.dates import format_day


def py_values(arr: pa.Array | pa.ChunkedArray) -> list[Any]:
    typ = arr.type
    if pa.types.is_dictionary(typ):
        arr = arr.cast(typ.value_type)
        typ = arr.type
    if pa.types.is_date32(typ):
        return [None if d is None else format_day(d) for d in arr.cast(pa.int32()).to_pylist()]
    if pa.types.is_date64(typ) or pa.types.is_timestamp(typ):
        return [None if v is None else v.isoformat() for v in arr.to_pylist()]
    values = arr.to_pylist()
    if pa.types.is_floating(typ):
        return [None if v is None or math.isnan(v) else v for v in values]
    if pa.types.is_binary(typ) or pa.types.is_large_binary(typ):
        return [None if v is None else v.hex() for v in values]
    return list(values)


def rows_at(table: pa.Table, idx: Index, columns: Iterable[str]) -> list[dict[str, Any]]:
    take = from_np(idx)
    cols = {c: py_values(table.column(c).take(take)) for c in columns}
    return [{c: cols[c][i] for c in cols} for i in range(len(idx))]


def order_rows(table: pa.Table, idx: Index, keys: tuple[str, ...]) -> Index:
    """``idx`` sorted by the key values of those rows."""
    if len(idx) < 2:
        return idx
    sub = table.select(list(keys)).take(from_np(idx))
    plain = pa.table(
        [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in sub.columns],
        names=list(keys),
    )
    order = pc.sort_indices(plain, sort_keys=[(k, "ascending") for k in keys])
    result: Index = idx[to_np(order)]
    return result


def order_pairs(t: TableDiff, pairs: Pairs, by: str) -> Pairs:
    """``pairs`` sorted by the key of their new (or old) row."""
    if len(pairs) < 2:
        return pairs
    table, idx = (t.new, pairs.new_idx) if by == "new" else (t.old, pairs.old_idx)
    sub = table.select(list(t.primary_key)).take(from_np(idx))
    plain = pa.table(
        [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in sub.columns],
        names=list(t.primary_key),
    )
    order = to_np(pc.sort_indices(plain, sort_keys=[(k, "ascending") for k in t.primary_key]))
    return Pairs(
        pairs.old_idx[order],
        pairs.new_idx[order],
        {c: m[order] for c, m in pairs.masks.items()},
        {c: k[order] for c, k in pairs.date_classes.items()},
    )


def table_dict(t: TableDiff, limit: int | None) -> dict[str, Any]:
    keys = t.primary_key

    def cut(n: int) -> int:
        return n if limit is None else min(n, limit)

    added = order_rows(t.new, t.added, keys)[: cut(len(t.added))]
    removed = order_rows(t.old, t.removed, keys)[: cut(len(t.removed))]
    changed = order_pairs(t, t.changed, "new")
    n_changed = cut(len(changed))
    renamed = order_pairs(t, t.renamed, "old")
    n_renamed = cut(len(renamed))

    def keyed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {"key": {k: r[k] for k in keys}, "row": {c: v for c, v in r.items() if c not in keys}}
            for r in rows
        ]

    def field_changes(p: Pairs, n: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        cols = [c for c in t.old.column_names if c in p.masks and p.masks[c][:n].any()]
        olds = rows_at(t.old, p.old_idx[:n], [*keys, *cols])
        news = rows_at(t.new, p.new_idx[:n], [*keys, *cols])
        for i in range(n):
            entry: dict[str, Any] = {"key": {k: news[i][k] for k in keys}}
            old_key = {k: olds[i][k] for k in keys}
            if old_key != entry["key"]:
                entry["old_key"] = old_key
            entry["fields"] = {
                c: {"old": olds[i][c], "new": news[i][c]} for c in cols if p.masks[c][i]
            }
            dates = {
                c: DATE_CLASSES[int(codes[i])]
                for c, codes in sorted(p.date_classes.items())
                if codes[i]
            }
            if dates:
                entry["date_changes"] = dates
            out.append(entry)
        return out

    schema = [
        {"column": s.column, "change": s.change, "old_type": s.old_type, "new_type": s.new_type}
        for s in t.schema_changes
    ]
    counts = t.counts()
    shown = {
        "added": len(added),
        "removed": len(removed),
        "changed": n_changed,
        "renamed": n_renamed,
    }
    return {
        "name": t.name,
        "primary_key": list(keys),
        "counts": counts,
        "date_changes": t.date_class_counts(),
        "truncated": any(shown[k] < counts[k] for k in shown),
        "schema_changes": schema,
        "added": keyed(rows_at(t.new, added, t.new.column_names)),
        "removed": keyed(rows_at(t.old, removed, t.old.column_names)),
        "changed": field_changes(changed, n_changed),
        "renamed": [
            {"old_key": e.pop("old_key", e["key"]), "new_key": e.pop("key"), **e}
            for e in field_changes(renamed, n_renamed)
        ],
    }


# --------------------------------------------------------------------------- apply


def apply_report(report: dict[str, Any], old: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Rebuild the new tables from ``old`` and a full (unlimited) report."""
    out: dict[str, pa.Table] = {}
    for t in report["tables"]:
        if t["truncated"]:
            raise ValueError(f"{t['name']}: the report is truncated; apply needs a full report")
        keys = t["primary_key"]
        table = old.get(t["name"])
        names = [] if table is None else table.column_names
        rows: dict[tuple[Any, ...], dict[str, Any]] = {}
        if table is not None:
            for r in rows_at(table, np.arange(table.num_rows, dtype=np.int64), names):
                rows[tuple(r[k] for k in keys)] = r
        for e in t["removed"]:
            del rows[tuple(e["key"][k] for k in keys)]
        for e in t["renamed"] + t["changed"]:
            before = e["old_key"] if "old_key" in e else e["key"]
            after = e["new_key"] if "new_key" in e else e["key"]
            row = rows.pop(tuple(before[k] for k in keys))
            row.update(after)
            row.update({c: v["new"] for c, v in e["fields"].items()})
            rows[tuple(after[k] for k in keys)] = row
        for e in t["added"]:
            row = {**e["key"], **e["row"]}
            rows[tuple(row[k] for k in keys)] = row
        ordered = [rows[k] for k in sorted(rows, key=lambda k: tuple(map(sortable, k)))]
        columns = names or (list(ordered[0]) if ordered else [])
        out[t["name"]] = pa.table({c: [r.get(c) for r in ordered] for c in columns})
    return out


def sortable(v: Any) -> tuple[int, Any]:
    return (0, "") if v is None else (1, v)
