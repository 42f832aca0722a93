"""Recompute derived date columns, vectorised for the common EDTF forms.

Same result as :func:`chrono.model.derive.derive_dates` (a test proves it), faster when a
column holds many distinct dates: the distinct values of the plain forms (``YYYY``,
``YYYY-MM``, ``YYYY-MM-DD`` and intervals of two days) are computed with numpy; every other
distinct value goes through :func:`chrono.model.dates.parse`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model import dates
from chrono.model.derive import DerivedDates
from chrono.model.vocab import PRECISION_ORDER

_DAY = r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_FORMS = (
    ("day", f"^{_DAY}$"),
    ("interval", f"^{_DAY}/{_DAY}$"),
    ("year", r"^[0-9]{4}$"),
    ("month", r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
)


def civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Vectorised :func:`chrono.model.dates.days_from_civil`."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    out: np.ndarray = era * 146097 + doe - 719468
    return out


def _month_days(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    base = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[month]
    out: np.ndarray = base + ((month == 2) & leap)
    return out


def _ints(arr: pa.Array, start: int, stop: int) -> np.ndarray:
    part = pc.utf8_slice_codeunits(arr, start, stop)
    return np.asarray(pc.cast(part, pa.int64()).to_numpy(zero_copy_only=False))


def _days(arr: pa.Array, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers of ``YYYY-MM-DD`` at ``start``, and whether each is a real day."""
    y, m = _ints(arr, start, start + 4), _ints(arr, start + 5, start + 7)
    day = _ints(arr, start + 8, start + 10)
    real = day <= _month_days(y, m)
    return civil(y, m, day), real


def derive_dates(values: pa.Array | pa.ChunkedArray) -> DerivedDates:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    if pa.types.is_dictionary(values.type):
        values = values.cast(pa.string())
    encoded = pc.dictionary_encode(values)
    uniq = encoded.dictionary
    n = len(uniq)
    lo = np.zeros(n, dtype=np.int64)
    hi = np.zeros(n, dtype=np.int64)
    prec = np.zeros(n, dtype=np.int64)
    unc = np.zeros(n, dtype=bool)
    app = np.zeros(n, dtype=bool)
    done = np.zeros(n, dtype=bool)
    valid = np.ones(n, dtype=bool)
    for form, rx in _FORMS:
        where = np.flatnonzero(pc.match_substring_regex(uniq, rx).to_numpy(zero_copy_only=False))
        if len(where) == 0:
            continue
        sub = uniq.take(pa.array(where))
        if form == "day":
            a, ok = _days(sub, 0)
            b, rank = a, PRECISION_ORDER.index("day")
        elif form == "interval":
            a, ok_a = _days(sub, 0)
            b, ok_b = _days(sub, 11)
            ok, rank = ok_a & ok_b & (a <= b), PRECISION_ORDER.index("day")
        elif form == "year":
            y = _ints(sub, 0, 4)
            one, twelve = np.ones_like(y), np.full_like(y, 12)
            a, b = civil(y, one, one), civil(y, twelve, np.full_like(y, 31))
            ok, rank = np.ones(len(y), dtype=bool), PRECISION_ORDER.index("year")
        else:
            y, m = _ints(sub, 0, 4), _ints(sub, 5, 7)
            a, b = civil(y, m, np.ones_like(y)), civil(y, m, _month_days(y, m))
            ok, rank = np.ones(len(y), dtype=bool), PRECISION_ORDER.index("month")
        good = where[ok]
        lo[good], hi[good], prec[good] = a[ok], b[ok], rank
        done[good] = True
    bad: dict[int, str] = {}
    rest = np.flatnonzero(~done)
    if len(rest):
        texts = uniq.take(pa.array(rest)).to_pylist()
        for i, text in zip(rest.tolist(), texts, strict=True):
            try:
                bd = dates.parse(text)
            except dates.EDTFError as exc:
                bad[i] = str(exc)
                valid[i] = False
                continue
            lo[i], hi[i], prec[i] = bd.earliest, bd.latest, PRECISION_ORDER.index(bd.precision)
            unc[i], app[i] = bd.uncertain, bd.approximate
    idx = encoded.indices
    errors: dict[int, str] = {}
    if bad:
        bad_idx = pa.array(sorted(bad), pa.int32())
        rows = pc.indices_nonzero(pc.is_in(idx, value_set=bad_idx)).to_numpy()
        codes = np.asarray(pc.take(idx, pa.array(rows)).to_numpy(zero_copy_only=False))
        errors = {int(r): bad[int(c)] for r, c in zip(rows, codes, strict=True)}
    mask = pa.array(~valid)
    terms = pa.array(PRECISION_ORDER, pa.string())

    def take(arr: pa.Array) -> pa.Array:
        return pc.take(arr, idx)

    return DerivedDates(
        take(pa.array(lo, pa.int64(), mask=~valid).cast(pa.int32())).cast(pa.date32()),
        take(pa.array(hi, pa.int64(), mask=~valid).cast(pa.int32())).cast(pa.date32()),
        take(pc.take(terms, pa.array(prec, mask=~valid))),
        take(pa.array(unc, mask=mask.to_numpy(zero_copy_only=False))),
        take(pa.array(app, mask=mask.to_numpy(zero_copy_only=False))),
        errors,
    )
