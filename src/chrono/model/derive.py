"""Derived columns, computed column-wise: EDTF strings -> bounds, precision, qualifiers.

The one implementation, used by the build and by ``chrono validate``. The column is
dictionary-encoded first, so the cost of parsing grows with the number of distinct strings,
not with the number of rows. The distinct values of the plain Gregorian forms (``YYYY``,
``YYYY-MM``, ``YYYY-MM-DD`` and intervals of two days, the bulk of any large table) are
read from their bytes (:mod:`chrono.model.plain_dates`); every other distinct value, and
every value of a row in the Julian calendar, goes through :func:`chrono.model.dates.parse`,
so results and error messages are those of the parser for every value (a test proves it).
The per-row columns are gathered from the per-value results only when asked for.
"""

from __future__ import annotations

import itertools
from functools import cache, cached_property
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model import dates
from chrono.model.arrays import take_indices, to_bools
from chrono.model.calendars import CALENDARS
from chrono.model.plain_dates import read_plain
from chrono.model.vocab import PRECISION_ORDER

_ENDS = ("known", "open", "unknown")  # dates.Bounds.start / .end


@cache
def _strings(terms: tuple[str, ...]) -> pa.Array:
    """Terms as Arrow strings, made on first use (``pa.array`` imports pandas)."""
    return pa.array(terms, pa.string())


#: The derived columns a table stores.
PARTS = ("earliest", "latest", "precision", "uncertain", "approximate")
#: What else :class:`DerivedDates` gives: precision as its rank, and how each end is given.
EXTRA_PARTS = ("precision_rank", "start", "end")


def dictionary_id(d: pa.Array) -> tuple[int, ...]:
    """Identity of a chunk's dictionary: the chunks of one Parquet row group share it."""
    return (*(b.address if b is not None else 0 for b in d.buffers()), d.offset, len(d))


def distinct_dictionaries(values: pa.ChunkedArray) -> tuple[pa.Array, list[pa.Array | None]]:
    """A dictionary column's distinct strings, and per chunk where its dictionary's values
    stand among them (None: the chunk's dictionary is those strings, as is).

    A Parquet reader gives each row group one dictionary, shared by its chunks: each
    distinct dictionary is encoded once (``unify_dictionaries`` hashes every chunk's).
    """
    if not pa.types.is_string(values.type.value_type):
        values = values.cast(pa.dictionary(pa.int32(), pa.string()))
    if values.num_chunks == 0:
        return pa.array([], pa.string()), []
    seen: dict[tuple[int, ...], int] = {}
    dicts: list[pa.Array] = []
    which: list[int] = []
    for chunk in values.chunks:
        d = chunk.dictionary
        which.append(seen.setdefault(dictionary_id(d), len(seen)))
        if len(dicts) < len(seen):
            dicts.append(d)
    if len(dicts) == 1:
        return dicts[0], [None] * values.num_chunks
    encoded = pc.dictionary_encode(pa.concat_arrays(dicts))
    starts = np.cumsum([0] + [len(d) for d in dicts])
    remap = [encoded.indices.slice(a, b - a) for a, b in itertools.pairwise(starts)]
    return encoded.dictionary, [remap[w] for w in which]


def encode(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """(distinct strings, int32 index of each row's string, null for a null row).

    Shared with the validator, which looks references up once per distinct string.
    """
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    if pa.types.is_dictionary(values.type):
        uniq, remaps = distinct_dictionaries(values)
        if values.num_chunks == 0:
            return uniq, pa.array([], pa.int32())
        indices = [c.indices.cast(pa.int32()) for c in values.chunks]
        idx = [i if r is None else take_indices(r, i) for r, i in zip(remaps, indices, strict=True)]
        return uniq, pa.concat_arrays(idx)
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    encoded = pc.dictionary_encode(values.combine_chunks())
    return encoded.dictionary, encoded.indices


class DerivedDates:
    """Bounds, precision and qualifiers of every row of an EDTF column (nulls stay null).

    ``errors`` maps the row index of each string that is not valid EDTF (its bounds are
    null) to the parser's message.
    """

    def __init__(self, uniq: dict[str, pa.Array], indices: pa.Array, errors: dict[int, str]):
        self._uniq = uniq
        self._indices = indices
        self.errors = errors

    def _take(self, part: str) -> pa.Array:
        return take_indices(self._uniq[part], self._indices)

    @cached_property
    def earliest(self) -> pa.Array:  # date32
        return self._take("earliest")

    @cached_property
    def latest(self) -> pa.Array:  # date32
        return self._take("latest")

    @cached_property
    def precision(self) -> pa.Array:  # string
        return self._take("precision")

    @cached_property
    def precision_rank(self) -> pa.Array:  # int32: index in vocab.PRECISION_ORDER
        return self._take("precision_rank")

    @cached_property
    def uncertain(self) -> pa.Array:  # bool
        return self._take("uncertain")

    @cached_property
    def approximate(self) -> pa.Array:  # bool
        return self._take("approximate")

    @cached_property
    def start(self) -> pa.Array:  # string: known, open (..) or unknown (empty)
        return self._take("start")

    @cached_property
    def end(self) -> pa.Array:  # string: known, open or unknown
        return self._take("end")

    def part(self, name: str) -> pa.Array:
        """One of :data:`PARTS` or :data:`EXTRA_PARTS` by name."""
        if name not in (*PARTS, *EXTRA_PARTS):
            raise KeyError(name)
        out: pa.Array = getattr(self, name)
        return out


Calendar: TypeAlias = str | pa.Array | pa.ChunkedArray | None


def derive_dates(
    values: pa.Array | pa.ChunkedArray,
    where: pa.Array | pa.ChunkedArray | None = None,
    calendar: Calendar = None,
) -> DerivedDates:
    """Bounds of every EDTF string in ``values`` (nulls stay null).

    ``where`` (boolean, aligned with ``values``): only those rows hold EDTF; the others are
    treated as null (e.g. the ``value`` of claims whose property is not ``date``).
    ``calendar``: the calendar of every row (``"gregorian"``, the default, or ``"julian"``),
    or per row an array aligned with ``values``: strings (null = gregorian; another string
    is an error of that row) or booleans (true = julian).
    """
    return derive_encoded(*encode(values), where=where, calendar=calendar)


def _julian_rows(calendar: Calendar, idx: pa.Array) -> tuple[np.ndarray | None, dict[int, str]]:
    """Which rows are Julian, and the message of each row (holding EDTF) whose calendar is
    not a calendar."""
    if calendar is None or isinstance(calendar, str):
        if calendar not in (None, *CALENDARS):
            raise ValueError(f"unknown calendar {calendar!r} (one of: {', '.join(CALENDARS)})")
        return (np.ones(len(idx), dtype=bool) if calendar == "julian" else None), {}
    rows_cal: pa.Array = calendar
    if isinstance(calendar, pa.ChunkedArray):
        empty = pa.array([], pa.bool_())
        rows_cal = calendar.combine_chunks() if calendar.num_chunks else empty
    if len(rows_cal) != len(idx):
        raise ValueError(f"calendar has {len(rows_cal)} rows, values {len(idx)}")
    if pa.types.is_boolean(rows_cal.type):
        return to_bools(rows_cal), {}
    names_ = rows_cal.cast(pa.string())
    is_julian = pc.fill_null(pc.equal(names_, "julian"), False)
    julian = to_bools(is_julian)
    known = pc.is_in(names_, value_set=pa.array(CALENDARS, pa.string()))
    odd = pc.and_(pc.and_(pc.invert(known), pc.is_valid(names_)), pc.is_valid(idx))
    rows = pc.indices_nonzero(odd).to_numpy()
    names = pc.take(names_, pa.array(rows, pa.int64())).to_pylist() if len(rows) else []
    errors = {
        int(r): f"unknown calendar {c!r} (one of: {', '.join(CALENDARS)})"
        for r, c in zip(rows, names, strict=True)
    }
    return julian, errors


def derive_encoded(
    uniq: pa.Array,
    idx: pa.Array,
    where: pa.Array | pa.ChunkedArray | None = None,
    calendar: Calendar = None,
) -> DerivedDates:
    """:func:`derive_dates` of a column already encoded by :func:`encode`."""
    if where is not None:
        keep = pc.fill_null(where, False)
        if isinstance(keep, pa.ChunkedArray):
            keep = keep.combine_chunks() if keep.num_chunks else pa.array([], pa.bool_())
        idx = pc.if_else(keep, idx, pa.scalar(None, pa.int32()))
    julian, calendar_errors = _julian_rows(calendar, idx)
    gregorian = len(uniq)  # values at positions >= this one are read as Julian
    if julian is not None and julian.any():
        # the distinct strings twice: the second copy read in the Julian calendar
        uniq = pa.concat_arrays([uniq, uniq])
        shifted = pc.add(idx, pa.scalar(gregorian, pa.int32()))
        idx = pc.if_else(pa.array(julian), shifted, idx)
    if calendar_errors:
        odd = np.zeros(len(idx), dtype=bool)
        odd[list(calendar_errors)] = True
        idx = pc.if_else(pa.array(odd), pa.scalar(None, pa.int32()), idx)
    n = len(uniq)
    lo = np.zeros(n, dtype=np.int64)
    hi = np.zeros(n, dtype=np.int64)
    prec = np.zeros(n, dtype=np.int64)
    unc = np.zeros(n, dtype=bool)
    app = np.zeros(n, dtype=bool)
    start = np.zeros(n, dtype=np.int64)  # index in _ENDS
    end = np.zeros(n, dtype=np.int64)
    plain = read_plain(uniq.slice(0, gregorian))  # the fast path: Gregorian values only
    good = np.flatnonzero(plain.plain)
    lo[good], hi[good], prec[good] = plain.earliest[good], plain.latest[good], plain.rank[good]
    done = np.zeros(n, dtype=bool)
    done[good] = True
    rest = np.flatnonzero(~done)
    if len(rest):  # for the parser: the values some row uses
        used = np.zeros(n, dtype=bool)
        used[np.asarray(pc.drop_null(idx).to_numpy(zero_copy_only=False), dtype=np.int64)] = True
        rest = rest[used[rest]]
    valid = np.ones(n, dtype=bool)
    bad: dict[int, str] = {}
    if len(rest):
        texts = uniq.take(pa.array(rest)).to_pylist()
        for i, text in zip(rest.tolist(), texts, strict=True):
            try:
                bd = dates.parse(text, "julian" if i >= gregorian else "gregorian")
            except dates.EDTFError as exc:
                bad[i] = str(exc)
                valid[i] = False
                continue
            lo[i], hi[i], prec[i] = bd.earliest, bd.latest, PRECISION_ORDER.index(bd.precision)
            unc[i], app[i] = bd.uncertain, bd.approximate
            start[i], end[i] = _ENDS.index(bd.start), _ENDS.index(bd.end)
    errors: dict[int, str] = {}
    if bad:  # rows of the invalid strings: few, and each needs its message
        bad_idx = pa.array(sorted(bad), pa.int32())
        rows = pc.indices_nonzero(pc.is_in(idx, value_set=bad_idx)).to_numpy()
        codes = np.asarray(pc.take(idx, pa.array(rows)).to_numpy(zero_copy_only=False))
        errors = {int(r): bad[int(c)] for r, c in zip(rows, codes, strict=True)}
    if calendar_errors:
        errors = dict(sorted({**errors, **calendar_errors}.items()))
    invalid = ~valid
    uniq_parts = {
        "earliest": pa.array(lo, pa.int64(), mask=invalid).cast(pa.int32()).cast(pa.date32()),
        "latest": pa.array(hi, pa.int64(), mask=invalid).cast(pa.int32()).cast(pa.date32()),
        "precision": pc.take(_strings(PRECISION_ORDER), pa.array(prec, mask=invalid)),
        "precision_rank": pa.array(prec, pa.int64(), mask=invalid).cast(pa.int32()),
        "uncertain": pa.array(unc, mask=invalid),
        "approximate": pa.array(app, mask=invalid),
        "start": pc.take(_strings(_ENDS), pa.array(start, mask=invalid)),
        "end": pc.take(_strings(_ENDS), pa.array(end, mask=invalid)),
    }
    return DerivedDates(uniq_parts, idx, errors)
