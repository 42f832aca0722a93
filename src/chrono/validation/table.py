"""A table as the rules see it (``Loaded``), and how a rule records its findings (``emit``).

Shared by the per-table and cross-table rules: vocabulary codes and per-value functions
cached per column, dictionary columns handled once per Parquet row-group dictionary.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model import vocab
from chrono.model.dates import MAX_DAY, MIN_DAY, civil_from_days, format_day, human_day
from chrono.model.derive import dictionary_id
from chrono.model.tables import SLUG, Table
from chrono.model.vocabularies import CORE, Vocabularies
from chrono.validation.report import Finding, Report
from chrono.validation.rules import RULES

#: The terms of the vocabulary columns that rules test for one term (``Loaded.is_term``).
_TERMS = {
    "property": pa.array(list(vocab.PROPERTY), pa.string()),
    "stance": pa.array(list(vocab.STANCE), pa.string()),
    "status": pa.array(list(vocab.STATUS), pa.string()),
}


@dataclass
class Loaded:
    spec: Table
    path: Path
    data: pa.Table  # the columns rules can use, cast to the model's types
    rows: int
    usable: set[str] = field(default_factory=set)
    vocabularies: Vocabularies = CORE  # the core terms and the dataset's own
    _combined: dict[str, pa.Array] = field(default_factory=dict)
    _codes: dict[str, pa.ChunkedArray] = field(default_factory=dict)

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
            for r, c in _per_dictionary(arr, fn):
                if id(r) not in same:
                    same[id(r)] = r.type == c.indices.type and _positions(r)
                out.append(c.indices if same[id(r)] else pc.take(r, c.indices))
            return pa.chunked_array(out, out[0].type) if out else pc.is_null(arr)
        if not pa.types.is_string(arr.type):
            arr = arr.cast(pa.string())
        out = [fn(chunk) for chunk in arr.chunks]
        return pa.chunked_array(out) if out else pc.is_null(arr)

    def codes(self, col: str, terms: pa.Array) -> pa.ChunkedArray:
        """Each row's index in ``terms`` (a module constant), cached: several rules ask."""
        key = f"{col}#{id(terms)}"
        if key not in self._codes:
            self._codes[key] = self.per_value(col, lambda v: pc.index_in(v, value_set=terms))
        return self._codes[key]

    def is_term(self, col: str, term: str) -> pa.ChunkedArray:
        """Rows whose (vocabulary) value in ``col`` is ``term``; null rows are null."""
        terms = _TERMS[col]
        return pc.equal(self.codes(col, terms), terms.index(term).as_py())

    def combined(self, col: str) -> pa.Array:
        """A string column as one array (cached: several rules look rows up by id)."""
        if col not in self._combined:
            self._combined[col] = _strings(self.data.column(col)).combine_chunks()
        return self._combined[col]


def _positions(values: pa.Array) -> bool:
    """``values`` are 0, 1, 2, ... (no nulls)."""
    if values.null_count:
        return False
    expected = pa.array(range(len(values)), values.type)
    return bool(pc.all(pc.equal(values, expected)).as_py() is not False)


def _rel(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def _pk(t: Loaded) -> list[str] | None:
    return list(t.spec.primary_key) if t.has(*t.spec.primary_key) else None


#: How a finding shows the bound of an open or unknown interval end (stored as the extreme
#: day of the supported range): never as a real year.
UNBOUNDED = "unbounded"


def bound_text(day: int | None) -> str | None:
    """A stored bound as findings show it: ISO text (a day before 1 CE also as people read
    it: ``-0043-03-15 (15 March 44 BCE)``), or ``unbounded`` for a missing end."""
    if day is None:
        return None
    if day in (MIN_DAY, MAX_DAY):
        return UNBOUNDED
    if civil_from_days(day)[0] <= 0:
        return f"{format_day(day)} ({human_day(day)})"
    return format_day(day)


def _pyvalue(arr: pa.Array) -> list[Any]:
    """Python values; dates as ISO text (Python dates cannot hold years before 1), the
    bound of an open or unknown end as ``unbounded``."""
    if pa.types.is_date32(arr.type):
        return [bound_text(d) for d in arr.cast(pa.int32()).to_pylist()]
    if pa.types.is_dictionary(arr.type):
        return list(arr.cast(arr.type.value_type).to_pylist())
    if pa.types.is_string(arr.type):
        return [
            None if b is None else b.decode("utf-8", "replace")
            for b in arr.cast(pa.binary()).to_pylist()
        ]
    return list(arr.to_pylist())


def _mask_count(mask: pa.Array | pa.ChunkedArray) -> int:
    """Rows a boolean mask selects (nulls do not count)."""
    if isinstance(mask, pa.ChunkedArray) and mask.num_chunks == 0:
        return 0
    return int(pc.sum(mask).as_py() or 0)


Extra = dict[str, pa.Array | pa.ChunkedArray]


def emit(
    report: Report,
    code: str,
    t: Loaded,
    mask: pa.Array | pa.ChunkedArray,
    column: str | None,
    message: Callable[[dict[str, Any]], str],
    extra: Extra | Callable[[], Extra] | None = None,
    key_cols: list[str] | None = None,
    table: str | None = None,
) -> int:
    """Count the rows ``mask`` selects; keep the first examples by key with a message each.

    ``extra`` columns (aligned with ``t``'s rows) are passed to ``message`` with the row's
    own usable columns; ``key_cols`` overrides the key (e.g. the event id of a claim).
    """
    count = _mask_count(mask)
    if count == 0:
        return 0
    mask = pc.fill_null(mask, False)
    cols: dict[str, pa.Array | pa.ChunkedArray] = {
        c: t.data.column(c) for c in t.data.column_names if c != "_"
    }
    if callable(extra):  # built only when some row fails
        extra = extra()
    if extra:
        cols.update(extra)
    keys = key_cols or _pk(t) or []
    sel = pa.table(cols).filter(mask)
    for i, f in enumerate(sel.schema):  # dictionary columns cannot be sort keys
        if pa.types.is_dictionary(f.type):
            sel = sel.set_column(i, f.name, sel.column(i).cast(f.type.value_type))
    k = report.max_examples
    if keys:
        if sel.num_rows > k:
            idx = pc.select_k_unstable(sel, k=k, sort_keys=[(c, "ascending") for c in keys])
            sel = sel.take(idx)
        sel = sel.sort_by([(c, "ascending") for c in keys])
    sel = sel.slice(0, k)
    pycols = {c: _pyvalue(sel.column(c).combine_chunks()) for c in sel.column_names}
    examples = []
    for i in range(sel.num_rows):
        row = {c: v[i] for c, v in pycols.items()}
        key = tuple(str(row[c]) for c in keys) if keys else None
        examples.append(
            Finding(
                code,
                RULES[code].severity,
                table or t.spec.name,
                key,
                column,
                row.get(column) if column else None,
                message(row),
                _rel(t.path),
            )
        )
    report.add_many(code, count, examples)
    return count


def _distinct(a: pa.ChunkedArray | pa.Array, b: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Elementwise 'a differs from b', nulls compared as values.

    Null where both are null (counted as no difference by ``emit``): when both columns
    are null on the same rows (the usual case) that needs no mask arithmetic per row.
    """
    ne: pa.Array = pc.not_equal(a, b)
    if a.null_count == 0 and b.null_count == 0:
        return ne
    na, nb = pc.is_null(a), pc.is_null(b)
    if a.null_count == b.null_count and bool(pc.all(pc.equal(na, nb)).as_py()):
        return ne
    out: pa.Array = pc.or_(pc.fill_null(ne, False), pc.xor(na, nb))
    return out


def _strings(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    return arr.cast(pa.string()) if not pa.types.is_string(arr.type) else arr


def _dictionaries(arr: pa.ChunkedArray) -> list[tuple[pa.Array, pa.Array]]:
    """(dictionary, chunk) per chunk, the same dictionary object for chunks that share one."""
    seen: dict[tuple[int, ...], pa.Array] = {}
    out = []
    for chunk in arr.chunks:
        key = dictionary_id(chunk.dictionary)
        if key not in seen:
            seen[key] = _strings(chunk.dictionary)
        out.append((seen[key], chunk))
    return out


def _per_dictionary(
    arr: pa.ChunkedArray, fn: Callable[[pa.Array], pa.Array]
) -> list[tuple[pa.Array, pa.Array]]:
    """(``fn`` of the chunk's dictionary, the chunk) per chunk of a dictionary column; ``fn``
    runs once per distinct dictionary (a Parquet row group's chunks share theirs)."""
    done: dict[int, pa.Array] = {}
    out = []
    for d, chunk in _dictionaries(arr):
        if id(d) not in done:
            done[id(d)] = fn(d)
        out.append((done[id(d)], chunk))
    return out


def _pattern_ok(t: Loaded, col: str, pattern: str) -> pa.ChunkedArray | None:
    """Whether each row's value matches ``pattern``; None when every distinct value does."""
    arr = t.data.column(col)
    if pattern == SLUG and all(_all_slugs(c) for c in arr.chunks):
        return None
    if pa.types.is_dictionary(arr.type):
        results = {id(r): r for r, _ in _per_dictionary(arr, _matcher(pattern))}.values()
        if all(pc.all(pc.fill_null(r, True)).as_py() is not False for r in results):
            return None
    return t.per_value(col, _matcher(pattern))


_HYPHEN = ord("-")


def _string_buffers(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string chunk's offsets (int32, one more than its values; its slice offset
    applied) and its whole data buffer as bytes (uint8), both zero-copy views."""
    _, offsets_buf, data_buf = chunk.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[
        chunk.offset : chunk.offset + len(chunk) + 1
    ]
    if data_buf is None:
        return offsets, np.zeros(0, dtype=np.uint8)
    return offsets, np.frombuffer(data_buf, dtype=np.uint8)


def _all_slugs(chunk: pa.Array) -> bool:
    """Every value of a string chunk matches ``SLUG``, judged from its bytes: ids are the
    biggest pattern-checked columns, and a few passes over the bytes are ~3x faster than the
    regex.

    True only when sure: the bytes are all a-z, 0-9 or "-", no "--", no value is empty,
    starts or ends with "-". False means some value may not match (the regex decides).
    """
    if not pa.types.is_string(chunk.type) or len(chunk) == 0:
        return False
    offsets, data = _string_buffers(chunk)
    body = data[offsets[0] : offsets[-1]]
    ok = (body - np.uint8(ord("a"))) < 26  # a-z (uint8 arithmetic wraps below "a")
    ok |= (body - np.uint8(ord("0"))) < 10
    hyphen = body == _HYPHEN
    ok |= hyphen
    if not ok.all() or (hyphen[1:] & hyphen[:-1]).any():
        return False
    starts, ends = offsets[:-1], offsets[1:]
    if chunk.null_count:
        valid = np.asarray(pc.is_valid(chunk).to_numpy(zero_copy_only=False), dtype=bool)
        starts, ends = starts[valid], ends[valid]
    if not (ends > starts).all():  # an empty value
        return False
    return not ((data[starts] == _HYPHEN).any() or (data[ends - 1] == _HYPHEN).any())


def _matcher(pattern: str) -> Callable[[pa.Array], pa.Array]:
    def match(values: pa.Array) -> pa.Array:
        out: pa.Array = pc.match_substring_regex(values, pattern)
        return out

    return match


Message = Callable[[dict[str, Any]], str]


def _fixed(text: str) -> Message:
    return lambda r: text


def _pattern_message(name: str, pattern: str) -> Message:
    return lambda r: f"{r[name]!r} does not match {pattern}"


def _derived_message(stored: str, src: str) -> Message:
    return lambda r: (
        f"stored {stored} {r[stored]} differs from {r['_fresh']} recomputed from {src} {r[src]!r}"
    )


def _order_message(lo: str, hi: str) -> Message:
    return lambda r: f"{lo} {r[lo]} is after {hi} {r[hi]}"


def _support_message(want: str) -> Message:
    return lambda r: f"event {r['id']!r} has no supporting {want} claim"


_RANK = pa.array(vocab.PRECISION_ORDER, pa.string())


_TYPES = pa.array(list(vocab.EVENT_TYPE), pa.string())


_MODE_TERMS = list(vocab.MODE)


_MODES = pa.array(_MODE_TERMS, pa.string())
