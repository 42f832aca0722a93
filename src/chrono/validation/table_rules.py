"""Per-table rules: nulls, patterns, vocabularies, primary keys, EDTF and its derived columns."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.derive import PARTS, derive_dates, distinct_dictionaries
from chrono.model.locators import LOCATOR, LocatorError
from chrono.model.locators import is_valid as is_locator
from chrono.model.locators import parse as parse_locator
from chrono.model.tables import Column, vocabulary_terms
from chrono.validation.report import Report
from chrono.validation.table import (
    _RANK,
    Loaded,
    _derived_message,
    _distinct,
    _fixed,
    _mask_count,
    _order_message,
    _pattern_message,
    _pattern_ok,
    _pk,
    _strings,
    emit,
)


def _per_table(report: Report, t: Loaded) -> None:
    name = t.spec.name
    for col in t.spec.columns:
        if not t.has(col.name):
            continue
        arr = t.data.column(col.name)
        if not col.nullable and arr.null_count:
            emit(
                report,
                "CHR104",
                t,
                pc.is_null(arr),
                col.name,
                _fixed(f"{col.name} is null but required"),
            )
        if col.pattern == LOCATOR:
            _locators(report, t, col.name)
        elif col.pattern and (ok := _pattern_ok(t, col.name, col.pattern)) is not None:
            emit(
                report,
                "CHR106",
                t,
                pc.invert(pc.fill_null(ok, True)),
                col.name,
                _pattern_message(col.name, col.pattern),
            )
        if col.kind == "vocab":
            _vocab(report, t, col, arr)
    _unique(report, t)
    _dates(report, t)
    if name == "sources" and t.has("id", "retrieved_latest", "published_earliest"):
        mask = pc.less(t.data["retrieved_latest"], t.data["published_earliest"])
        emit(
            report,
            "CHR406",
            t,
            mask,
            "retrieved",
            lambda r: (
                f"retrieved {r.get('retrieved')} before it was published ({r.get('published')})"
            ),
        )


def _valid_locators(values: pa.Array) -> pa.Array:
    """Whether each locator is well formed (once per distinct value)."""
    encoded = pc.dictionary_encode(values)
    ok = pa.array([is_locator(v) for v in encoded.dictionary.to_pylist()], pa.bool_())
    out: pa.Array = pc.take(ok, encoded.indices)
    return out


def _locators(report: Report, t: Loaded, col: str) -> None:
    """CHR106 for locators that are not one of the forms, or whose range runs backwards."""
    ok = t.per_value(col, _valid_locators)

    def message(row: dict[str, Any]) -> str:
        try:
            parse_locator(row[col])
        except LocatorError as exc:
            return str(exc)
        return f"{row[col]!r} is not a locator"  # pragma: no cover

    emit(report, "CHR106", t, pc.invert(pc.fill_null(ok, True)), col, message)


def _vocab(report: Report, t: Loaded, col: Column, arr: pa.ChunkedArray) -> None:
    terms = pa.array(vocabulary_terms(col, t.vocabularies), pa.string())
    masks = []
    for chunk in arr.chunks:
        if pa.types.is_dictionary(chunk.type):
            dictionary = chunk.dictionary.cast(pa.string())
            bad = pc.indices_nonzero(pc.invert(pc.is_in(dictionary, value_set=terms)))
            if len(bad) == 0:
                masks.append(pa.array(np.zeros(len(chunk), dtype=bool)))
                continue
            masks.append(
                pc.fill_null(pc.is_in(chunk.indices, value_set=bad.cast(pa.int32())), False)
            )
        else:
            masks.append(
                pc.and_(
                    pc.is_valid(chunk),
                    pc.invert(pc.fill_null(pc.is_in(chunk, value_set=terms), True)),
                )
            )
    mask = pa.chunked_array(masks, pa.bool_())
    assert col.vocabulary is not None
    allowed = ", ".join(t.vocabularies.terms(col.vocabulary))
    emit(
        report,
        "CHR501",
        t,
        mask,
        col.name,
        lambda r: f"{r[col.name]!r} is not a term of the {col.vocabulary} vocabulary ({allowed})",
    )


def _orderable(t: Loaded, col: str) -> pa.ChunkedArray:
    """A key column in a form that compares like its strings: a dictionary column as the
    rank of each value among its distinct values, other columns as they are."""
    arr = t.data.column(col)
    if not pa.types.is_dictionary(arr.type):
        return arr
    # rank among every distinct value, then per row group dictionary, then per row
    uniq, remaps = distinct_dictionaries(arr)
    dense = pc.rank(uniq, tiebreaker="dense").cast(pa.int32())
    ranks: dict[int, pa.Array] = {}  # per distinct remap (a row group's chunks share one)
    out = []
    for remap, chunk in zip(remaps, arr.chunks, strict=True):
        if remap is None:
            out.append(pc.take(dense, chunk.indices))
            continue
        if id(remap) not in ranks:
            ranks[id(remap)] = pc.take(dense, remap)
        out.append(pc.take(ranks[id(remap)], chunk.indices))
    return pa.chunked_array(out, pa.int32())


def _folded(cols: list[pa.ChunkedArray]) -> list[pa.ChunkedArray]:
    """Trailing non-negative integer key columns folded into one that orders like them
    (``a * (max(b) + 1) + b``): one comparison per row instead of one per column."""
    cols = list(cols)
    while len(cols) > 1 and all(pa.types.is_integer(c.type) for c in cols[-2:]):
        a, b = cols[-2], cols[-1]
        lo_a, hi_a = pc.min_max(a).values()
        lo_b, hi_b = pc.min_max(b).values()
        if None in (lo_a.as_py(), lo_b.as_py()) or min(lo_a.as_py(), lo_b.as_py()) < 0:
            break
        width = hi_b.as_py() + 1
        span = (hi_a.as_py() + 1) * width
        if span >= 2**62:
            break
        typ = pa.int32() if span < 2**31 else pa.int64()  # narrow: less memory to fill
        folded = pc.add(pc.multiply(a.cast(typ), pa.scalar(width, typ)), b.cast(typ))
        cols[-2:] = [folded]
    return cols


def _strictly_increasing(cols: list[pa.ChunkedArray]) -> bool:
    """Rows sorted by the key with no two equal (the build's order): uniqueness for free."""
    n = len(cols[0])
    if n < 2:
        return True
    if any(c.null_count for c in cols):
        return False
    cols = _folded(cols)
    gt: pa.Array | None = None
    eq: pa.Array | None = None
    for i, c in enumerate(cols):
        a, b = c.slice(0, n - 1), c.slice(1)
        g = pc.greater(b, a)
        gt = g if gt is None else pc.or_(gt, pc.and_(eq, g))
        if i < len(cols) - 1:  # ties only matter for the next column
            e = pc.equal(b, a)
            eq = e if eq is None else pc.and_(eq, e)
    assert gt is not None
    return bool(pc.all(gt).as_py())


def _unique(report: Report, t: Loaded) -> None:
    keys = _pk(t)
    if keys is None or t.rows == 0:
        return
    if _strictly_increasing([_orderable(t, k) for k in keys]):
        return
    cols = [_strings(t.data.column(k)).combine_chunks() for k in keys]
    g = pa.table(dict(zip(keys, cols, strict=True))).group_by(keys).aggregate([([], "count_all")])
    dup = g.filter(pc.greater(g["count_all"], 1))
    if dup.num_rows == 0:
        return
    excess = int(pc.sum(dup["count_all"]).as_py()) - dup.num_rows
    dup_t = Loaded(t.spec, t.path, dup, dup.num_rows, set(dup.column_names))
    before = report.results.get("CHR201")
    emit(
        report,
        "CHR201",
        dup_t,
        pa.array(np.ones(dup.num_rows, dtype=bool)),
        keys[0] if len(keys) == 1 else None,
        lambda r: (
            f"{r['count_all']} rows share the primary key ({', '.join(str(r[k]) for k in keys)})"
        ),
        key_cols=keys,
    )
    # the count is the number of rows beyond the first of each key
    res = report.results["CHR201"]
    res.count += excess - dup.num_rows
    del before


def _edtf_columns(t: Loaded) -> Iterable[tuple[str, str]]:
    """(EDTF column, prefix of its derived columns) of a table."""
    for col in t.spec.columns:
        if col.edtf:
            yield col.name, "" if col.name == "date" else f"{col.name}_"
    if t.spec.name == "claims":
        yield "value", ""


class _Rows:
    """The rows of a table that hold EDTF in a column (claims: the date claims; other
    tables: every row). Rules compare those rows only and lift the few failures back
    to table rows."""

    def __init__(self, n: int, sel: pa.Array | None) -> None:
        self.n = n
        self.sel = sel  # None: every row

    def pick(self, col: pa.ChunkedArray) -> pa.ChunkedArray:
        return col if self.sel is None else pc.filter(col, self.sel)

    @cached_property
    def positions(self) -> np.ndarray:
        """Table row of each selected row."""
        if self.sel is None:
            return np.arange(self.n)
        return np.asarray(pc.indices_nonzero(self.sel).to_numpy(), dtype=np.int64)

    def mask(self, sub: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        """A mask over the selected rows as a mask over the table's rows."""
        if self.sel is None:
            return sub
        out = np.zeros(self.n, dtype=bool)
        if _mask_count(sub):
            hit = np.asarray(pc.fill_null(sub, False).to_numpy(zero_copy_only=False), dtype=bool)
            out[self.positions[hit]] = True
        return pa.array(out)

    def column(self, sub: pa.Array) -> pa.Array:
        """Values of the selected rows as a column of the table (null elsewhere)."""
        if self.sel is None:
            return sub
        return pc.replace_with_mask(pa.nulls(self.n, sub.type), self.sel, sub)


def _dates(report: Report, t: Loaded) -> None:
    for src, prefix in _edtf_columns(t):
        if not t.has(src):
            continue
        sel = None
        if t.spec.name == "claims":  # only date claims hold EDTF values
            if not t.has("property"):
                continue
            sel = pc.fill_null(t.is_term("property", "date"), False).combine_chunks()
        _check_dates(report, t, src, prefix, _Rows(t.rows, sel))


def _check_dates(report: Report, t: Loaded, src: str, prefix: str, rows: _Rows) -> None:
    """CHR301-303 on the rows that hold EDTF in ``src``; the derived columns of the other
    rows must be null."""
    calendar = None
    if t.spec.name == "claims" and t.has("calendar"):  # a date claim without one: gregorian
        calendar = pc.fill_null(rows.pick(t.data.column("calendar")).cast(pa.string()), "gregorian")
    derived = derive_dates(rows.pick(t.data.column(src)), calendar=calendar)
    valid = None
    if derived.errors:
        at = np.array(sorted(derived.errors), dtype=np.int64)
        bad = np.zeros(len(rows.positions), dtype=bool)
        bad[at] = True
        msgs = pc.replace_with_mask(
            pa.nulls(len(bad), pa.string()),
            pa.array(bad),
            pa.array([derived.errors[int(r)] for r in at], pa.string()),
        )
        emit(
            report,
            "CHR301",
            t,
            rows.mask(pa.array(bad)),
            src,
            lambda r: f"invalid EDTF: {r['_msg']}",
            extra={"_msg": rows.column(msgs)},
        )
        valid = pa.array(~bad)
    for part in PARTS:
        stored_name = f"{prefix}{part}"
        if stored_name not in t.spec.column_names or not t.has(stored_name):
            continue
        stored = t.data.column(stored_name)
        name = part
        if part == "precision":  # compared as vocabulary codes, not as strings
            stored, name = t.codes(stored_name, _RANK), "precision_rank"
        picked = rows.pick(stored)
        diff = _distinct(picked, derived.part(name))
        if valid is not None:
            diff = pc.and_(diff, valid)
        # the rows that hold no EDTF must store nulls: counted, compared only if some do not
        set_elsewhere = (len(stored) - stored.null_count) - (len(picked) - picked.null_count)
        if not set_elsewhere and not _mask_count(diff):
            continue
        mask = rows.mask(diff)
        if set_elsewhere:
            assert rows.sel is not None
            mask = pc.or_(mask, pc.and_(pc.invert(rows.sel), pc.is_valid(stored)))
        emit(
            report,
            "CHR302",
            t,
            mask,
            stored_name,
            _derived_message(stored_name, src),
            extra={"_fresh": rows.column(derived.part(part))},
        )
    lo, hi = f"{prefix}earliest", f"{prefix}latest"
    if t.has(lo, hi):
        emit(
            report,
            "CHR303",
            t,
            pc.greater(t.data[lo], t.data[hi]),
            lo,
            _order_message(lo, hi),
        )
