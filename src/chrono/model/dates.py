"""EDTF date strings and their derived bounds.

chrono stores every date as an EDTF string (ISO 8601-2, levels 0 and 1) and derives from it,
never by hand: the earliest and latest day it may denote (as days since 1970-01-01, the
Arrow ``date32`` encoding), its precision, and whether it is uncertain (``?``/``%``) or
approximate (``~``/``%``).

Supported forms (``Y`` = year, ``M`` = month, ``D`` = day)::

    2019            year                    -0044          year 45 BCE (astronomical numbering)
    2022-02         month                   2022-02-04     day
    201X  19XX      decade, century         2019-XX  2019-04-XX   year, month
    2019-21 .. -24  season (spring..winter) Y170000002     long year (level 1)
    2019~  2014-09?  2004-06-11%            qualified (the whole date)
    2023-03-20/2023-03-22                   interval of any two of the above

Not supported, rejected with a message: open or unknown interval ends (``2019/..``,
``2019/``), times of day, and EDTF level 2 features.

The grammar is strict (no surrounding spaces, real calendar days: ``1900-02-29`` is
rejected) and is cross-checked against the ``edtf`` package in the test suite. It is
written here rather than delegated to that package at run time because it is about 1000
times faster (``benchmarks/bench_edtf.py``), which matters when a validator recomputes the
bounds of millions of rows, and because that package accepts ``1900-02-29`` and `` 2019``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from chrono.model.vocab import PRECISION_ORDER

#: The range of Arrow ``date32`` (int32 days since the epoch), as proleptic Gregorian years.
MIN_YEAR = -5_877_640
MAX_YEAR = 5_881_579
_INT32_MIN = -(2**31)
_INT32_MAX = 2**31 - 1

_DATE = re.compile(
    r"""^(?:
        Y(?P<long>-?[1-9][0-9]{4,})                       # long year, level 1
      | (?P<year>-?[0-9]{4}|[0-9]{3}X|[0-9]{2}XX)
        (?:-(?P<month>0[1-9]|1[0-2]|2[1-4]|XX)
           (?:-(?P<day>0[1-9]|[12][0-9]|3[01]|XX))?)?
    )(?P<q>[?~%])?\Z""",  # \Z, not $: "$" also matches before a final newline
    re.VERBOSE,
)
_SEASONS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 14)}  # 14 = February next year


class EDTFError(ValueError):
    """A string that is not a supported EDTF date; the message says why."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """What an EDTF string denotes: inclusive day bounds and qualifiers."""

    earliest: int  # days since 1970-01-01
    latest: int
    precision: str  # a term of vocab.PRECISION
    uncertain: bool
    approximate: bool


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date; any integer year (0 = 1 BCE)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """Inverse of :func:`days_from_civil`."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def format_day(days: int) -> str:
    """ISO form of a day number: ``2019-06-05``, ``-0044-03-15``, ``+12345-01-01``."""
    y, m, d = civil_from_days(days)
    if 0 <= y <= 9999:
        return f"{y:04d}-{m:02d}-{d:02d}"
    sign = "-" if y < 0 else "+"
    return f"{sign}{abs(y):04d}-{m:02d}-{d:02d}"


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_days(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _single(text: str, whole: str) -> Bounds:
    m = _DATE.match(text)
    if m is None:
        raise EDTFError(_why(text, whole))
    q = m["q"] or ""
    uncertain, approximate = q in "?%" and q != "", q in "~%" and q != ""
    if m["long"] is not None:
        year = int(m["long"])
        return _checked(year, 1, 1, year, 12, 31, "year", uncertain, approximate, whole)
    ytext, mtext, dtext = m["year"], m["month"], m["day"]
    if ytext.endswith("XX"):
        lo_y, hi_y, precision = int(ytext[:2]) * 100, int(ytext[:2]) * 100 + 99, "century"
    elif ytext.endswith("X"):
        lo_y, hi_y, precision = int(ytext[:3]) * 10, int(ytext[:3]) * 10 + 9, "decade"
    else:
        lo_y = hi_y = int(ytext)
        precision = "year"
    if "X" in ytext and mtext is not None:
        raise EDTFError(f"{whole!r}: a year with unspecified digits cannot have a month")
    if mtext is None or mtext == "XX":
        if dtext not in (None, "XX"):
            raise EDTFError(f"{whole!r}: a day needs a specified month")
        return _checked(lo_y, 1, 1, hi_y, 12, 31, precision, uncertain, approximate, whole)
    month = int(mtext)
    if month > 12:
        if dtext is not None:
            raise EDTFError(f"{whole!r}: a season cannot have a day")
        first, last = _SEASONS[month]
        end_y, end_m = (lo_y + 1, last - 12) if last > 12 else (lo_y, last)
        return _checked(
            lo_y,
            first,
            1,
            end_y,
            end_m,
            _month_days(end_y, end_m),
            "season",
            uncertain,
            approximate,
            whole,
        )
    if dtext is None or dtext == "XX":
        last_day = _month_days(lo_y, month)
        return _checked(
            lo_y, month, 1, lo_y, month, last_day, "month", uncertain, approximate, whole
        )
    day = int(dtext)
    if day > _month_days(lo_y, month):
        raise EDTFError(f"{whole!r}: {ytext}-{mtext} has no day {dtext}")
    return _checked(lo_y, month, day, lo_y, month, day, "day", uncertain, approximate, whole)


def _checked(
    y0: int,
    m0: int,
    d0: int,
    y1: int,
    m1: int,
    d1: int,
    precision: str,
    uncertain: bool,
    approximate: bool,
    whole: str,
) -> Bounds:
    lo, hi = days_from_civil(y0, m0, d0), days_from_civil(y1, m1, d1)
    if lo < _INT32_MIN or hi > _INT32_MAX:
        raise EDTFError(f"{whole!r}: year outside the supported range {MIN_YEAR} to {MAX_YEAR}")
    return Bounds(lo, hi, precision, uncertain, approximate)


def _why(text: str, whole: str) -> str:
    if text != text.strip():
        return f"{whole!r}: leading or trailing white space"
    if text in ("", ".."):
        return f"{whole!r}: open or unknown interval ends are not supported"
    if "T" in text:
        return f"{whole!r}: times of day are not supported (dates only)"
    return f"{whole!r} is not an EDTF level 0/1 date"


@lru_cache(maxsize=65536)
def parse(value: str) -> Bounds:
    """Bounds of an EDTF string; raises :class:`EDTFError` with a one-line reason."""
    if not isinstance(value, str):
        raise EDTFError(f"{value!r} is not a string")
    if value.count("/") > 1:
        raise EDTFError(f"{value!r} is not an EDTF level 0/1 date")
    if "/" not in value:
        return _single(value, value)
    left, right = value.split("/")
    a, b = _single(left, value), _single(right, value)
    if a.earliest > b.latest:
        raise EDTFError(f"{value!r}: the interval ends before it starts")
    precision = max(a.precision, b.precision, key=PRECISION_ORDER.index)
    return Bounds(
        a.earliest,
        b.latest,
        precision,
        a.uncertain or b.uncertain,
        a.approximate or b.approximate,
    )


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except EDTFError:
        return False
    return True


def precision_rank(precision: str) -> int:
    """0 for ``day`` (finest) upwards."""
    return PRECISION_ORDER.index(precision)


# --------------------------------------------------------------------------- for people

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SEASON_NAMES = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}


def human_year(year: int) -> str:
    """An astronomical year as people read it: ``2019``, ``44 BCE`` (year ``-43``)."""
    return f"{1 - year} BCE" if year <= 0 else str(year)


def human_day(days: int) -> str:
    """A day number as people read it: ``20 March 2023``, ``15 March 44 BCE``."""
    y, m, d = civil_from_days(days)
    return f"{d} {MONTHS[m - 1]} {human_year(y)}"


def _human_single(text: str) -> str:
    m = _DATE.match(text)
    if m is None:
        return text
    q = m["q"] or ""
    if m["long"] is not None:
        core = human_year(int(m["long"]))
    else:
        ytext, mtext, dtext = m["year"], m["month"], m["day"]
        if ytext.endswith("XX"):
            core = f"{human_year(int(ytext[:2]) * 100)}s"
        elif ytext.endswith("X"):
            core = f"{human_year(int(ytext[:3]) * 10)}s"
        else:
            core = human_year(int(ytext))
        if mtext not in (None, "XX"):
            month = int(mtext)
            if month > 12:
                core = f"{_SEASON_NAMES[month]} {core}"
            else:
                core = f"{MONTHS[month - 1]} {core}"
                if dtext not in (None, "XX"):
                    core = f"{int(dtext)} {core}"
    if q in "~%" and q:
        core = f"circa {core}"
    if q in "?%" and q:
        core = f"{core}?"
    return core


def human(value: str) -> str:
    """An EDTF string as people read it, for display (never for storage).

    >>> human("2023-03-20/2023-03-22"), human("-0043"), human("2014-09?"), human("201X")
    ('20 March 2023 – 22 March 2023', '44 BCE', 'September 2014?', '2010s')
    """
    if "/" in value:
        left, _, right = value.partition("/")
        return f"{_human_single(left)} – {_human_single(right)}"
    return _human_single(value)
