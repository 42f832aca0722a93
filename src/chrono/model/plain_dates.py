"""The plain Gregorian forms of EDTF read straight from the strings' bytes: ``YYYY``,
``YYYY-MM``, ``YYYY-MM-DD`` and an interval of two days ``YYYY-MM-DD/YYYY-MM-DD``, the bulk
of any large table.

Each form has a fixed length, so the strings of one length are gathered into a
``(rows, length)`` byte matrix and judged column by column (digits where the form has
digits, ``-`` and ``/`` where it has them, months 01-12, days 01-31). A string that has the
shape but is not a real date (``1900-02-29``, an interval that ends before it starts) is
not plain: :mod:`chrono.model.derive` gives it to the parser, with every other form, so the
parser's results and messages hold for every value.

:func:`plain_days` reads the days and intervals of two days of a whole column, row by row,
with Arrow's date parser: for a column not worth encoding (many distinct values, which Arrow
hashes slowly), it costs less than encoding it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model import dates
from chrono.model.arrays import string_buffers, to_bools
from chrono.model.vocab import PRECISION_ORDER

#: (length, precision) of each plain form; 21: an interval of two days
FORMS = ((4, "year"), (7, "month"), (10, "day"), (21, "day"))

_ZERO, _HYPHEN, _SLASH = ord("0"), ord("-"), ord("/")


@dataclass
class PlainDates:
    """Per value: whether it is a plain form and a real date (``plain``), and then its
    first and last day (days since 1970-01-01) and its precision's rank."""

    plain: np.ndarray
    earliest: np.ndarray
    latest: np.ndarray
    rank: np.ndarray


def civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """:func:`chrono.model.dates.days_from_civil` of arrays (its arithmetic is elementwise)."""
    days: Callable[..., np.ndarray] = dates.days_from_civil  # type: ignore[assignment]
    return days(year, month, day)


def month_days(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Days in each month (1-12) of each year, in the Gregorian calendar."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    base = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[month]
    out: np.ndarray = base + ((month == 2) & leap)
    return out


def read_plain(values: pa.Array) -> PlainDates:
    """:class:`PlainDates` of each string of ``values`` (a null is not plain)."""
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    n = len(values)
    out = PlainDates(
        np.zeros(n, dtype=bool),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
    )
    if n == 0:
        return out
    offsets, data = string_buffers(values)
    lengths = offsets[1:] - offsets[:-1]
    valid = np.ones(n, dtype=bool) if values.null_count == 0 else to_bools(pc.is_valid(values))
    for length, precision in FORMS:
        rows = np.flatnonzero((lengths == length) & valid)
        if len(rows) == 0:
            continue
        text = _windows(data, length)[offsets[rows]]  # (rows, length) bytes
        digit = text - np.uint8(_ZERO)  # a digit's value; other bytes wrap past 9
        if length == 4:
            ok = (digit < 10).all(axis=1)
            year, one = _number(digit, 0, 4), np.ones(len(rows), dtype=np.int64)
            lo, hi = civil(year, one, one), civil(year, 12 * one, 31 * one)
        elif length == 7:
            ok, year, month = _month(text, digit)
            lo = civil(year, month, np.ones(len(rows), dtype=np.int64))
            hi = civil(year, month, month_days(year, month))
        else:
            ok, lo = _day(text, digit, 0)
            hi = lo
            if length == 21:
                ok_end, hi = _day(text, digit, 11)
                ok &= ok_end & (text[:, 10] == _SLASH) & (lo <= hi)
        good = rows[ok]
        out.plain[good] = True
        out.earliest[good], out.latest[good] = lo[ok], hi[ok]
        out.rank[good] = PRECISION_ORDER.index(precision)
    return out


def _windows(data: np.ndarray, length: int) -> np.ndarray:
    """Every run of ``length`` bytes of ``data``, row ``i`` starting at byte ``i`` (a view:
    taking rows of it copies each string's bytes at once)."""
    if len(data) < length:
        return np.zeros((0, length), dtype=np.uint8)
    return np.lib.stride_tricks.as_strided(
        data, shape=(len(data) - length + 1, length), strides=(1, 1), writeable=False
    )


def _number(digit: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The decimal number in columns ``start`` to ``stop`` of a digit matrix."""
    out = np.zeros(len(digit), dtype=np.int64)
    for k in range(start, stop):
        out = out * 10 + digit[:, k]
    return out


def _month(text: np.ndarray, digit: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whether columns 0-6 read ``YYYY-MM`` with a month 01-12; the year; the month (a value
    that is not a month is read as 1, so that the arithmetic stays in range)."""
    ok = (digit[:, [0, 1, 2, 3, 5, 6]] < 10).all(axis=1) & (text[:, 4] == _HYPHEN)
    year, month = _number(digit, 0, 4), _number(digit, 5, 7)
    ok &= (month >= 1) & (month <= 12)
    return ok, year, np.where(ok, month, 1)


def _day(text: np.ndarray, digit: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Whether columns ``start`` to ``start + 10`` read a real day ``YYYY-MM-DD``, and its
    day number."""
    part, digits = text[:, start : start + 10], digit[:, start : start + 10]
    ok, year, month = _month(part, digits)
    ok &= (digits[:, [8, 9]] < 10).all(axis=1) & (part[:, 7] == _HYPHEN)
    day = _number(digits, 8, 10)
    ok &= (day >= 1) & (day <= month_days(year, month))
    return ok, civil(year, month, np.where(ok, day, 1))


def plain_days(values: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per string of ``values``: whether it is a day (``YYYY-MM-DD``) or an interval of two
    days that Arrow's date parser reads, and its first and last day (days since
    1970-01-01, int32).

    Arrow parses a fixed form as :func:`read_plain` does, in compiled code and without the
    integer arithmetic of a matrix of digits (30 against 200 ns a value). It takes the
    strings of one length whole: where one of them is not a real day (``1900-02-29``,
    ``2019-1-01``, ``2019-01-01T``), none of them is plain here, and the caller reads them
    as it reads every other form (:func:`read_plain`, the parser)."""
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    n = len(values)
    ok = np.zeros(n, dtype=bool)
    lo = np.zeros(n, dtype=np.int32)
    hi = np.zeros(n, dtype=np.int32)
    if n == 0:
        return ok, lo, hi
    offsets, data = string_buffers(values)
    lengths = offsets[1:] - offsets[:-1]
    if values.null_count == 0 and (every := _days_and_intervals(values, offsets, data, lengths)):
        return every
    valid = np.ones(n, dtype=bool) if values.null_count == 0 else to_bools(pc.is_valid(values))
    for length in (10, 21):
        rows = np.flatnonzero((lengths == length) & valid)
        if len(rows) == 0:
            continue
        text = _windows(data, length)[offsets[rows]]
        first = _arrow_days(text[:, :10])
        if first is None:
            continue
        good, last = np.ones(len(rows), dtype=bool), first
        if length == 21:
            last_ = _arrow_days(text[:, 11:])
            if last_ is None:
                continue
            last = last_
            good = (text[:, 10] == _SLASH) & (first <= last)
        ok[rows[good]], lo[rows[good]], hi[rows[good]] = True, first[good], last[good]
    return ok, lo, hi


def _days_and_intervals(
    values: pa.Array, offsets: np.ndarray, data: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`plain_days` of strings that all have the length of a day or of an interval
    of two days (the usual column), their first days read together: each string's first ten
    bytes (cut by Arrow: a third less than gathering them with numpy), in place when every
    string is a day. None when some string has another length, or Arrow refuses some
    first day."""
    n = len(lengths)
    interval = lengths == 21
    if not ((lengths == 10) | interval).all():
        return None
    starts = offsets[:-1]
    if interval.any():
        first = _arrow_days(pc.binary_slice(values.view(pa.binary()), 0, 10).view(pa.string()))
    else:  # the strings are the rows of a matrix of ten columns, as they are
        at = int(offsets[0])
        first = _arrow_days(data[at : at + 10 * n].reshape(n, 10))
    if first is None:
        return None
    ok = np.ones(n, dtype=bool)
    long = np.flatnonzero(interval)
    if len(long) == 0:
        return ok, first, first
    at_long = starts[long]
    end = _arrow_days(_windows(data, 10)[at_long + 11])
    if end is None:
        return None
    ok[long] = (data[at_long + 10] == _SLASH) & (first[long] <= end)
    last = first.copy()
    last[long] = end
    return ok, first, last


def _arrow_days(text: np.ndarray | pa.Array) -> np.ndarray | None:
    """Rows of 10 bytes (or strings of 10 bytes, none null) read by Arrow's
    ``YYYY-MM-DD`` parser as days since 1970-01-01; None when one of them is not a day it
    reads."""
    if isinstance(text, pa.Array):
        strings = text
    else:
        m = len(text)
        body = np.ascontiguousarray(text)
        offsets = np.arange(0, 10 * m + 1, 10, dtype=np.int32)
        strings = pa.Array.from_buffers(
            pa.string(), m, [None, pa.py_buffer(offsets), pa.py_buffer(body)]
        )
    try:
        days = strings.cast(pa.date32())
    except pa.ArrowInvalid:
        return None
    return np.asarray(days.cast(pa.int32()).to_numpy())
