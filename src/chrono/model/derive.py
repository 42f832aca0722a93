"""Derived columns, computed column-wise: EDTF strings -> bounds, precision, qualifiers.

The one implementation, used by the build and by ``chrono validate``. A dictionary column
is parsed per distinct string, so the cost of parsing grows with the number of distinct
strings, not with the number of rows. A column of plain strings is not encoded (Arrow's
hashing of strings costs more than reading a day): its Gregorian days and intervals of two
days are read row by row (:func:`derive_rows`), and its other rows encoded. The distinct
values of the plain Gregorian forms (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` and intervals
of two days, the bulk of any large table) are read from their bytes
(:mod:`chrono.model.plain_dates`); every other distinct value, and every value of a row in
the Julian calendar, goes through :func:`chrono.model.dates.parse`, so results and error
messages are those of the parser for every value (a test proves it).
The per-row columns are gathered from the per-value results only when asked for.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model import dates
from chrono.model.arrays import take_indices, to_bools
from chrono.model.calendars import CALENDARS
from chrono.model.plain_dates import plain_days, read_plain
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


@dataclass
class Parts:
    """The derived values of some strings (one per distinct string, or one per row) as
    numpy arrays; each part made an Arrow array when first asked for."""

    earliest: np.ndarray  # int32: days since 1970-01-01
    latest: np.ndarray
    rank: np.ndarray  # int8: index in PRECISION_ORDER
    uncertain: np.ndarray  # bool
    approximate: np.ndarray
    start: np.ndarray  # int8: index in _ENDS
    end: np.ndarray
    invalid: np.ndarray  # bool: the parts are null (a null or an invalid string)
    _arrow: dict[str, pa.Array] = field(default_factory=dict)

    @classmethod
    def zeros(cls, n: int, rank: int = 0) -> Parts:
        """Parts of ``n`` strings, each a known day 1970-01-01 of precision ``rank``."""

        def z(dtype: type) -> np.ndarray:
            return np.zeros(n, dtype=dtype)

        rank_ = np.full(n, rank, dtype=np.int8)
        return cls(
            z(np.int32), z(np.int32), rank_, z(bool), z(bool), z(np.int8), z(np.int8), z(bool)
        )

    def arrow(self, part: str) -> pa.Array:
        if part not in self._arrow:
            self._arrow[part] = self._make(part)
        return self._arrow[part]

    def _make(self, part: str) -> pa.Array:
        mask = self.invalid if self.invalid.any() else None
        if part in ("earliest", "latest"):
            return pa.array(getattr(self, part), pa.int32(), mask=mask).cast(pa.date32())
        if part == "precision_rank":
            return pa.array(self.rank, pa.int8(), mask=mask).cast(pa.int32())
        if part in ("uncertain", "approximate"):
            return pa.array(getattr(self, part), pa.bool_(), mask=mask)
        terms, codes = (
            (PRECISION_ORDER, self.rank) if part == "precision" else (_ENDS, getattr(self, part))
        )
        return take_indices(_strings(terms), pa.array(codes, pa.int8(), mask=mask))


class DerivedDates:
    """Bounds, precision and qualifiers of every row of an EDTF column (nulls stay null).

    ``errors`` maps the row index of each string that is not valid EDTF (its bounds are
    null) to the parser's message. ``parts``: of each distinct string, gathered by
    ``indices``; with no indices, of each row.
    """

    def __init__(self, parts: Parts, indices: pa.Array | None, errors: dict[int, str]):
        self._parts = parts
        self._indices = indices
        self.errors = errors

    def _take(self, part: str) -> pa.Array:
        values = self._parts.arrow(part)
        return values if self._indices is None else take_indices(values, self._indices)

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
    if where is None and not _is_dictionary(values) and _by_rows(values, calendar):
        return derive_rows(values, calendar)
    return derive_encoded(*encode(values), where=where, calendar=calendar)


def _is_dictionary(values: pa.Array | pa.ChunkedArray) -> bool:
    return bool(pa.types.is_dictionary(values.type))


def _by_rows(values: pa.Array | pa.ChunkedArray, calendar: Calendar) -> bool:
    """Whether :func:`derive_rows` takes ``calendar``: Gregorian, or a flag per row."""
    if calendar is None or isinstance(calendar, str):
        return calendar in (None, "gregorian")
    return pa.types.is_boolean(calendar.type) and len(calendar) == len(values)


def derive_rows(values: pa.Array | pa.ChunkedArray, julian: Calendar = None) -> DerivedDates:
    """:func:`derive_dates` of strings row by row: the Gregorian days and intervals of two
    days (:func:`~chrono.model.plain_dates.plain_days`) without encoding the column (Arrow
    hashes a string in 150-400 ns here, more than reading a day costs); every other row
    encoded and parsed as :func:`derive_encoded` does. ``julian``: None (Gregorian), or
    per row whether it is Julian (a null: Gregorian)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    day, lo, hi = plain_days(values)
    flags = None if julian is None or isinstance(julian, str) else to_bools(julian)
    if flags is not None:
        day &= ~flags
    rest = np.flatnonzero(~day)
    if len(rest) == len(values):  # not one Gregorian day: the distinct values, as always
        return derive_encoded(*encode(values), calendar=julian)
    rows = Parts.zeros(len(values), PRECISION_ORDER.index("day"))
    rows.earliest, rows.latest = lo, hi
    errors: dict[int, str] = {}
    if len(rest):
        rows.earliest, rows.latest = np.array(lo), np.array(hi)  # Arrow's days are read-only
        at = pa.array(rest)
        calendar = None if flags is None else pa.array(flags[rest])
        other = derive_encoded(*encode(values.take(at)), calendar=calendar)
        _scatter(rows, rest, other)
        errors = {int(rest[r]): msg for r, msg in other.errors.items()}
    return DerivedDates(rows, None, errors)


def _scatter(rows: Parts, at: np.ndarray, other: DerivedDates) -> None:
    """Put the derived values of rows ``at`` (``other``, in their order) into ``rows``."""
    invalid = to_bools(pc.is_null(other.earliest))
    rows.invalid[at] = invalid

    def numbers(arr: pa.Array, type_: pa.DataType) -> np.ndarray:
        return np.asarray(pc.fill_null(arr.cast(type_), 0).to_numpy(zero_copy_only=False))

    rows.earliest[at] = numbers(other.earliest, pa.int32())
    rows.latest[at] = numbers(other.latest, pa.int32())
    rows.rank[at] = numbers(other.precision_rank, pa.int8())
    rows.uncertain[at] = to_bools(other.uncertain)
    rows.approximate[at] = to_bools(other.approximate)
    ends = _strings(_ENDS)
    rows.start[at] = numbers(pc.index_in(other.start, value_set=ends), pa.int8())
    rows.end[at] = numbers(pc.index_in(other.end, value_set=ends), pa.int8())


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
    parts = Parts.zeros(n)
    lo, hi, prec = parts.earliest, parts.latest, parts.rank
    unc, app, start, end = parts.uncertain, parts.approximate, parts.start, parts.end
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
    bad: dict[int, str] = {}
    if len(rest):
        texts = uniq.take(pa.array(rest)).to_pylist()
        for i, text in zip(rest.tolist(), texts, strict=True):
            try:
                bd = dates.parse(text, "julian" if i >= gregorian else "gregorian")
            except dates.EDTFError as exc:
                bad[i] = str(exc)
                parts.invalid[i] = True
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
    return DerivedDates(parts, idx, errors)
