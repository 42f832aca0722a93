"""A period's ends as day numbers: one rule for every way a user gives a date.

``chrono.events_between`` and ``chrono.plot``'s ``period`` take the same values, judged
here: EDTF text (``2019``, ``-0043``, ``2022-09``) or a year as people write it (``44 BCE``,
``10 CE``), a ``datetime.date`` or ``datetime``, a ``pandas.Timestamp`` or a
``numpy.datetime64`` of any year; None or ``".."`` is an open end. A start is the first day
its value may denote, an end the last (``2022`` as an end is 31 December 2022).

A time of day with a time zone names the day on its own clock (``2023-03-20 01:00`` in
Tokyo is 20 March, as its ``date()`` says), never the day in UTC. A missing value (``NaT``,
NaN) is an error, not an open end: a column's missing date does not mean "any time".
Anything else (a number, a list) is a ``TypeError`` naming what was given.

>>> period_days(("2022", None))
(18993, None)
>>> period_days("2019/2023-03")   # one EDTF value: the days it may denote
(17897, 19447)
>>> import datetime
>>> day_of(datetime.date(1970, 1, 2), end=False)
1
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import TYPE_CHECKING, Any, TypeAlias

from chrono.model.dates import EDTFError, parse

if TYPE_CHECKING:
    import numpy as np

#: What a period's end may be given as (a ``pandas.Timestamp`` is a ``datetime``).
DateLike: TypeAlias = "str | _dt.date | np.datetime64"

#: How an open end is written (EDTF's open interval end), besides None.
OPEN = ".."

_HUMAN_YEAR = re.compile(r"^\s*(\d+)\s*(BCE|BC|CE|AD)?\s*$", re.IGNORECASE)
_EPOCH = _dt.date(1970, 1, 1)


def day_of(value: Any, *, end: bool, what: str = "date") -> int | None:
    """The first day ``value`` may denote (for an ``end``, the last), as days since
    1970-01-01; None for an open end. ``what`` names the value in errors."""
    if value is None or (isinstance(value, str) and value.strip() == OPEN):
        return None
    if isinstance(value, str):
        return _text_day(value, end, what)
    if hasattr(value, "to_datetime64"):  # pandas.Timestamp (and NaT)
        if getattr(value, "tzinfo", None) is not None:
            value = value.tz_localize(None)  # the day on its own clock
        value = value.to_datetime64()
    if type(value).__name__ == "datetime64":  # numpy's, of any unit
        if value != value:  # NaT
            raise ValueError(f"{what} is NaT (a missing date); give None for an open end")
        first = int(value.astype("datetime64[D]").astype("int64"))  # numpy floors
        unit = value.dtype.str[4:-1]  # "<M8[Y]" -> "Y"
        if end and unit in ("Y", "M", "W"):  # a year, month or week: its last day
            return int((value + 1).astype("datetime64[D]").astype("int64")) - 1
        return first
    if isinstance(value, _dt.date):
        day = value.date() if isinstance(value, _dt.datetime) else value  # its own clock
        return (day - _EPOCH).days
    if isinstance(value, float) and math.isnan(value):
        raise ValueError(f"{what} is NaN (a missing date); give None for an open end")
    raise TypeError(
        f"{what}: {value!r} ({type(value).__name__}) is not a date; give EDTF text ('2022',"
        " '2022-09'), a date or a Timestamp, or None for an open end"
    )


def _text_day(text: str, end: bool, what: str) -> int:
    m = _HUMAN_YEAR.match(text)
    if m and m.group(2):
        n = int(m.group(1))
        if n == 0:
            raise ValueError(
                f"{what}: {text.strip()!r}: there is no year 0 (1 BCE is followed by 1 CE)"
            )
        year = 1 - n if m.group(2).upper() in ("BCE", "BC") else n
        digits = f"{'-' if year < 0 else ''}{abs(year):04d}"
        text = digits if abs(year) <= 9999 else f"Y{year}"  # EDTF: Y before five digits
    try:
        b = parse(text.strip())
    except EDTFError as exc:
        raise ValueError(f"{what}: {exc}") from None
    return b.latest if end else b.earliest


def period_days(period: Any, what: str = "period") -> tuple[int | None, int | None]:
    """The first and last day of ``period``: a (start, end) pair of :func:`day_of` values,
    or one EDTF text (a date or an interval: the days it may denote; an open end stays
    open). A start after the end is a ``ValueError``."""
    if isinstance(period, str):
        try:
            b = parse(period.strip())
        except EDTFError as exc:
            raise ValueError(f"{what}: {exc}") from None
        lo = b.earliest if b.start == "known" else None
        hi = b.latest if b.end == "known" else None
        return lo, hi
    if not isinstance(period, tuple | list) or len(period) != 2:
        raise TypeError(
            f"{what}: give a (start, end) pair, e.g. ('2022', '2023') or ('2022', None), "
            f"or one EDTF value, not {period!r}"
        )
    start, end = period
    lo = day_of(start, end=False, what=f"{what} start")
    hi = day_of(end, end=True, what=f"{what} end")
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"{what}: the start ({start}) is after the end ({end})")
    return lo, hi
