"""How a rule records what it found: exact counts, and the first examples by key (``emit``).

A rule gives a mask over a batch's rows; ``emit`` counts the rows it selects and turns the
first ``max_examples`` of them, in key order (then row order), into findings with a message
each. The examples a batch keeps are the first of the batch, so the first of all batches
are among them: a table validated in batches reports what it reports validated whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.dates import MAX_DAY, MIN_DAY, civil_from_days, format_day, human_day
from chrono.validation import registry
from chrono.validation.batch import Batch
from chrono.validation.kernels import mask_count, take_rows
from chrono.validation.report import Finding, Report

Extra = dict[str, pa.Array | pa.ChunkedArray]
Message = Callable[[dict[str, Any]], str]

#: How a finding shows the bound of an open or unknown interval end (stored as the extreme
#: day of the supported range): never as a real year.
UNBOUNDED = "unbounded"

#: A mask is scanned for examples this many rows at a time (memory stays bounded when a
#: rule flags every row of a table kept whole).
_SLICE = 1 << 20


def relative(path: Path) -> str:
    """A path as findings show it: relative to the current folder when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def primary_key(t: Batch) -> list[str] | None:
    return list(t.spec.primary_key) if t.has(*t.spec.primary_key) else None


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


def pyvalues(arr: pa.Array) -> list[Any]:
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


def _flat(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        return arr.combine_chunks() if arr.num_chunks else pa.array([], arr.type)
    return arr


def _sort_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A key column as findings compare keys: text (a null after every text)."""
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    return _flat(arr)


def rank(values: list[Any]) -> tuple[tuple[bool, str], ...]:
    """How a key sorts among findings: per value (is null, text)."""
    return tuple((v is None, "" if v is None else str(v)) for v in values)


def first_rows(
    mask: pa.Array | pa.ChunkedArray, keys: list[pa.Array | pa.ChunkedArray], k: int
) -> np.ndarray:
    """The first ``k`` rows ``mask`` selects, by key (nulls last) then row number."""
    mask = _flat(pc.fill_null(mask, False))
    picked: list[np.ndarray] = []
    for start in range(0, len(mask), _SLICE):
        part = mask.slice(start, _SLICE)
        rows = pc.indices_nonzero(part)
        if len(rows) == 0:
            continue
        rows = pc.add(rows, pa.scalar(start, pa.uint64()))
        if not keys:
            picked.append(rows.to_numpy()[:k])
            if sum(len(p) for p in picked) >= k:
                break
            continue
        cols = {f"k{i}": _sort_text(take_rows(key, rows)) for i, key in enumerate(keys)}
        table = pa.table({**cols, "_row": rows})
        order = [(c, "ascending") for c in table.column_names]
        if table.num_rows > k:
            table = table.take(pc.select_k_unstable(table, k=k, sort_keys=order))
        picked.append(table.column("_row").to_numpy())
    if not picked:
        return np.zeros(0, dtype=np.int64)
    rows_np = np.concatenate(picked).astype(np.int64)
    if not keys:
        return np.sort(rows_np)[:k]
    taken = pa.array(rows_np)
    cols = {f"k{i}": _sort_text(take_rows(key, taken)) for i, key in enumerate(keys)}
    table = pa.table({**cols, "_row": taken}).sort_by([(c, "ascending") for c in [*cols, "_row"]])
    return np.asarray(table.column("_row").to_numpy()[:k], dtype=np.int64)


def emit(
    report: Report,
    code: str,
    t: Batch,
    mask: pa.Array | pa.ChunkedArray,
    column: str | None,
    message: Message,
    extra: Extra | Callable[[], Extra] | None = None,
    key_cols: list[str] | None = None,
    table: str | None = None,
    extra_at: Callable[[pa.Array], Extra] | None = None,
) -> int:
    """Count the rows ``mask`` selects; keep the first examples by key with a message each.

    ``extra`` columns (aligned with ``t``'s rows) are passed to ``message`` with the row's
    own usable columns; ``extra_at(rows)`` gives such columns for the example rows only (a
    table kept whole need not build a column for every row). ``key_cols`` overrides the
    key (e.g. the event id of a claim).
    """
    count = mask_count(mask)
    if count == 0:
        return 0
    cols: dict[str, pa.Array | pa.ChunkedArray] = {
        c: t.data.column(c) for c in t.data.column_names if c != "_"
    }
    if callable(extra):  # built only when some row fails
        extra = extra()
    if extra:
        cols.update(extra)
    keys = key_cols or primary_key(t) or []
    rows = first_rows(mask, [cols[c] for c in keys], report.max_examples)
    taken = pa.array(rows)
    values = {c: pyvalues(_flat(take_rows(a, taken))) for c, a in cols.items()}
    if extra_at is not None and len(rows):
        values.update({c: pyvalues(_flat(a)) for c, a in extra_at(taken).items()})
    severity = registry.severity(code)
    examples = []
    for i, r in enumerate(rows.tolist()):
        row = {c: v[i] for c, v in values.items()}
        key = tuple(str(row[c]) for c in keys) if keys else None
        examples.append(
            Finding(
                code,
                severity,
                table or t.spec.name,
                key,
                column,
                row.get(column) if column else None,
                message(row),
                relative(t.path),
                row=t.offset + r,
                rank=rank([row[c] for c in keys]) if keys else None,
            )
        )
    report.add_many(code, count, examples)
    return count


def fixed(text: str) -> Message:
    return lambda r: text
