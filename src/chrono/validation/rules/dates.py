"""CHR301-303 dates: EDTF values parse, their derived columns are what they derive to, and a
stored interval does not end before it starts.

The EDTF columns: events' ``date``, sources' ``published`` and ``retrieved``, and the
``value`` of date claims. Bounds are derived once per batch and column
(:func:`chrono.model.derive.derive_dates`, shared with the build) and shared by the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.arrays import from_bools, to_bools
from chrono.model.calendars import CALENDARS
from chrono.model.derive import PARTS, DerivedDates, derive_dates
from chrono.validation.batch import RANK, Batch
from chrono.validation.findings import Message, emit
from chrono.validation.kernels import dictionaries, differs, mask_count
from chrono.validation.registry import ERROR, per_batch
from chrono.validation.report import Report


def edtf_columns(t: Batch) -> Iterable[tuple[str, str]]:
    """(EDTF column, prefix of its derived columns) of a table that it can use."""
    for col in t.spec.columns:
        if col.edtf and t.has(col.name):
            yield col.name, "" if col.name == "date" else f"{col.name}_"
    if t.spec.name == "claims" and t.has("value", "property"):
        yield "value", ""


@dataclass
class Rows:
    """The rows of a batch that hold EDTF in a column (claims: the date claims; other tables:
    every row). Rules compare those rows only and lift the few failures back to the batch's
    rows."""

    n: int
    sel: pa.Array | None  # None: every row

    def pick(self, col: pa.ChunkedArray) -> pa.ChunkedArray:
        return col if self.sel is None else pc.filter(col, self.sel)

    @cached_property
    def positions(self) -> np.ndarray:
        """Batch row of each selected row."""
        if self.sel is None:
            return np.arange(self.n)
        return np.asarray(pc.indices_nonzero(self.sel).to_numpy(), dtype=np.int64)

    def mask(self, sub: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        """A mask over the selected rows as a mask over the batch's rows."""
        if self.sel is None:
            return sub
        out = np.zeros(self.n, dtype=bool)
        if mask_count(sub):
            hit = to_bools(sub)
            out[self.positions[hit]] = True
        return from_bools(out)

    def column(self, sub: pa.Array) -> pa.Array:
        """Values of the selected rows as a column of the batch (null elsewhere)."""
        if self.sel is None:
            return sub
        return pc.replace_with_mask(pa.nulls(self.n, sub.type), self.sel, sub)


def edtf_rows(t: Batch, src: str) -> Rows:
    """The rows holding EDTF in ``src`` (claims: the date claims)."""

    def make() -> Rows:
        if t.spec.name != "claims":
            return Rows(t.rows, None)
        sel = pc.fill_null(t.is_term("property", "date"), False)
        if isinstance(sel, pa.ChunkedArray):
            sel = sel.combine_chunks() if sel.num_chunks else pa.array([], pa.bool_())
        return Rows(t.rows, sel)

    out: Rows = t.cached(f"edtf-rows:{src}", make)
    return out


def derived(t: Batch, src: str) -> DerivedDates:
    """The bounds, precision and qualifiers ``src`` derives to, on its EDTF rows."""

    def make() -> DerivedDates:
        rows = edtf_rows(t, src)
        calendar = None
        if t.spec.name == "claims" and t.has("calendar"):  # no calendar: gregorian
            calendar = _julian(rows.pick(t.data.column("calendar")))
        return derive_dates(rows.pick(t.data.column(src)), calendar=calendar)

    out: DerivedDates = t.cached(f"derived:{src}", make)
    return out


def _julian(calendar: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each row's calendar as derive_dates takes it: whether it is Julian when every value
    is a calendar (read from the dictionaries), else the names (an unknown one is an error
    of its row)."""
    if pa.types.is_dictionary(calendar.type):
        known = pa.array(CALENDARS, pa.string())
        if all(
            pc.all(pc.is_in(d, value_set=known)).as_py() is not False
            for d, _ in dictionaries(calendar)
        ):
            out = [
                pc.fill_null(
                    pc.equal(c.indices, pa.scalar(pc.index(d, "julian").as_py(), c.indices.type)),
                    False,
                )
                for d, c in dictionaries(calendar)
            ]
            return pa.chunked_array(out, pa.bool_())
    return pc.fill_null(calendar.cast(pa.string()), "gregorian")


def _invalid(t: Batch, src: str) -> np.ndarray | None:
    """Which EDTF rows (of :func:`edtf_rows`) do not parse; None when all do."""
    errors = derived(t, src).errors
    if not errors:
        return None
    bad = np.zeros(len(edtf_rows(t, src).positions), dtype=bool)
    bad[np.array(sorted(errors), dtype=np.int64)] = True
    return bad


@per_batch("CHR301", ERROR, "invalid EDTF date")
def invalid_edtf(t: Batch, out: Report) -> None:
    """An EDTF column (events.date, date claims' value, sources.published and retrieved)
    does not parse as an EDTF level 0/1 date."""
    for src, _ in edtf_columns(t):
        bad = _invalid(t, src)
        if bad is None:
            continue
        rows, errors = edtf_rows(t, src), derived(t, src).errors
        at = np.flatnonzero(bad)
        msgs = pc.replace_with_mask(
            pa.nulls(len(bad), pa.string()),
            from_bools(bad),
            pa.array([errors[int(r)] for r in at], pa.string()),
        )
        emit(
            out,
            "CHR301",
            t,
            rows.mask(from_bools(bad)),
            src,
            lambda r: f"invalid EDTF: {r['_msg']}",
            extra={"_msg": rows.column(msgs)},
        )


@per_batch("CHR302", ERROR, "derived date column differs from the recomputed value")
def derived_date_differs(t: Batch, out: Report) -> None:
    """earliest, latest, precision, uncertain and approximate are derived from the EDTF
    string and never typed by hand. Rebuild the dataset (chrono build) to recompute them."""
    for src, prefix in edtf_columns(t):
        rows, fresh = edtf_rows(t, src), derived(t, src)
        bad = _invalid(t, src)
        valid = None if bad is None else from_bools(~bad)
        for part in PARTS:
            stored_name = f"{prefix}{part}"
            if stored_name not in t.spec.column_names or not t.has(stored_name):
                continue
            stored = t.data.column(stored_name)
            name = part
            if part == "precision":  # compared as vocabulary codes, not as strings
                stored, name = t.codes(stored_name, RANK), "precision_rank"
            picked = rows.pick(stored)
            diff = differs(picked, fresh.part(name))
            if valid is not None:
                diff = pc.and_(diff, valid)
            # the rows that hold no EDTF must store nulls: counted, compared only if some do not
            elsewhere = (len(stored) - stored.null_count) - (len(picked) - picked.null_count)
            if not elsewhere and not mask_count(diff):
                continue
            mask = rows.mask(diff)
            if elsewhere:
                assert rows.sel is not None
                mask = pc.or_(mask, pc.and_(pc.invert(rows.sel), pc.is_valid(stored)))
            emit(
                out,
                "CHR302",
                t,
                mask,
                stored_name,
                _recomputed(stored_name, src),
                extra={"_fresh": rows.column(fresh.part(part))},
            )


@per_batch("CHR303", ERROR, "earliest after latest")
def earliest_after_latest(t: Batch, out: Report) -> None:
    """A stored interval ends before it starts."""
    for _, prefix in edtf_columns(t):
        lo, hi = f"{prefix}earliest", f"{prefix}latest"
        if t.has(lo, hi):
            emit(
                out,
                "CHR303",
                t,
                pc.greater(t.data[lo], t.data[hi]),
                lo,
                _after(lo, hi),
            )


def _recomputed(stored: str, src: str) -> Message:
    return lambda r: (
        f"stored {stored} {r[stored]} differs from {r['_fresh']} recomputed from {src} {r[src]!r}"
    )


def _after(lo: str, hi: str) -> Message:
    return lambda r: f"{lo} {r[lo]} is after {hi} {r[hi]}"
