"""Date changes: refined, coarsened, moved or requalified, from the derived bounds."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from chrono.diffing.arrays import Index, Mask, from_np, to_np
from chrono.diffing.core import Pairs
from chrono.model.tables import Table


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
