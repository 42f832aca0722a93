"""Derived columns, computed column-wise: EDTF strings -> bounds, precision, qualifiers.

Each distinct string is parsed once (the column is dictionary-encoded first), so the cost
grows with the number of distinct dates, not with the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from chrono.model import dates


@dataclass(frozen=True)
class DerivedDates:
    earliest: pa.Array  # date32
    latest: pa.Array  # date32
    precision: pa.Array  # string
    uncertain: pa.Array  # bool
    approximate: pa.Array  # bool
    #: row index -> error message, for strings that are not valid EDTF (their bounds are null)
    errors: dict[int, str]


def derive_dates(values: pa.Array | pa.ChunkedArray) -> DerivedDates:
    """Bounds of every EDTF string in ``values`` (nulls stay null)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    if pa.types.is_dictionary(values.type):
        values = values.cast(pa.string())
    encoded = pc.dictionary_encode(values)
    uniques = encoded.dictionary.to_pylist()
    lo: list[int | None] = []
    hi: list[int | None] = []
    prec: list[str | None] = []
    unc: list[bool | None] = []
    app: list[bool | None] = []
    bad: dict[int, str] = {}
    for i, text in enumerate(uniques):
        try:
            b = dates.parse(text)
        except dates.EDTFError as exc:
            bad[i] = str(exc)
            for col in (lo, hi, prec, unc, app):
                col.append(None)
            continue
        lo.append(b.earliest)
        hi.append(b.latest)
        prec.append(b.precision)
        unc.append(b.uncertain)
        app.append(b.approximate)
    idx = encoded.indices
    errors: dict[int, str] = {}
    if bad:
        bad_idx = pa.array(sorted(bad), pa.int32())
        rows = pc.indices_nonzero(pc.is_in(idx, value_set=bad_idx)).to_pylist()
        codes = idx.to_pylist() if len(rows) else []
        errors = {r: bad[codes[r]] for r in rows}

    def take(items: list[object], typ: pa.DataType) -> pa.Array:
        return pc.take(pa.array(items, typ), idx)

    return DerivedDates(
        take(lo, pa.int32()).cast(pa.date32()),  # type: ignore[arg-type]
        take(hi, pa.int32()).cast(pa.date32()),  # type: ignore[arg-type]
        take(prec, pa.string()),  # type: ignore[arg-type]
        take(unc, pa.bool_()),  # type: ignore[arg-type]
        take(app, pa.bool_()),  # type: ignore[arg-type]
        errors,
    )
