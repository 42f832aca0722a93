"""EDTF date strings and what they denote: bounds, precision, qualifiers; and their display.

chrono stores every date as an EDTF string (ISO 8601-2, level 1) and derives from it, never by
hand: the earliest and latest day it may denote (days since 1970-01-01, the Arrow ``date32``
encoding, proleptic Gregorian), its precision, whether it is uncertain (``?``/``%``) or
approximate (``~``/``%``), and whether an interval's start or end is open (``..``) or unknown
(empty). docs/dates.md gives every form with its bounds; EDTF years are astronomical
(``-0043`` is 44 BCE, ``0000`` is 1 BCE).

An open or unknown end has no day: its bound is stored as the extreme of the supported range
(:data:`MIN_DAY` / :data:`MAX_DAY`, "the first/last day the date may denote"), and
:attr:`Bounds.start` / :attr:`Bounds.end` say so. A value given in the Julian calendar
(``calendar="julian"``) gets the Gregorian day numbers of its Julian days.

The grammar is strict (a full match: no white space, no trailing newline, real calendar days,
no year ``-0000``); a rejected string gets a one-line reason, naming the level 2 feature it
uses or suggesting the EDTF form of a common human one (:mod:`chrono.model.edtf_help`). It is
written here rather than delegated to the ``edtf`` package at run time because it is about
1000 times faster (``benchmarks/bench_edtf.py``); the tests check it against that package's
own test cases and the specification's examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from chrono.model.calendars import CALENDARS, MAX_DAY, MIN_DAY, days_from_julian, month_days
from chrono.model.calendars import MAX_YEAR as MAX_YEAR
from chrono.model.calendars import MIN_YEAR as MIN_YEAR
from chrono.model.calendars import civil_from_days as civil_from_days
from chrono.model.calendars import days_from_civil as days_from_civil
from chrono.model.calendars import format_day as format_day
from chrono.model.edtf_help import explain, level2_unspecified, shown
from chrono.model.vocab import PRECISION_ORDER

__all__ = [
    "MAX_DAY",
    "MAX_YEAR",
    "MIN_DAY",
    "MIN_YEAR",
    "Bounds",
    "EDTFError",
    "civil_from_days",
    "days_from_civil",
    "format_day",
    "human",
    "human_day",
    "human_span",
    "human_year",
    "is_valid",
    "parse",
    "precision_rank",
]

_DATE = re.compile(
    r"""(?:
        Y(?P<long>-?[1-9][0-9]{4,})                                 # long year
      | (?P<year>-?(?:[0-9]{4}|[0-9]{3}X|[0-9]{2}XX|[0-9]XXX|XXXX))
        (?:-(?P<month>0[1-9]|1[0-2]|2[1-4]|XX)                      # month, season
           (?:-(?P<day>0[1-9]|[12][0-9]|3[01]|XX))?)?
    )(?P<q>[?~%])?""",
    re.VERBOSE,
)
_SEASONS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 14)}  # 14 = February next year
_X_PRECISION = ("year", "decade", "century", "millennium", "unknown")  # by number of X

End = Literal["known", "open", "unknown"]


class EDTFError(ValueError):
    """A string that is not a supported EDTF date; the message says why, on one line."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """What an EDTF string denotes.

    ``earliest``/``latest``: the first and last day it may denote (days since 1970-01-01,
    proleptic Gregorian, inclusive). ``start``/``end``: ``"known"``, or for an interval's
    missing end ``"open"`` (``..``) or ``"unknown"`` (empty), whose bound is then
    :data:`MIN_DAY` or :data:`MAX_DAY`. ``precision``: a term of ``vocab.PRECISION``, the
    coarser of the known ends'.
    """

    earliest: int
    latest: int
    precision: str
    uncertain: bool
    approximate: bool
    start: End = "known"
    end: End = "known"

    @property
    def earliest_date(self) -> str | None:
        """The earliest day as ISO text (``-0043-03-15``), None if the start is missing."""
        return format_day(self.earliest) if self.start == "known" else None

    @property
    def latest_date(self) -> str | None:
        """The latest day as ISO text, None if the end is open or unknown."""
        return format_day(self.latest) if self.end == "known" else None


_Part = tuple[int, int, str, bool, bool]  # earliest, latest, precision, uncertain, approximate


def _single(text: str, whole: str, julian: bool) -> _Part:
    m = _DATE.fullmatch(text)
    if m is None:
        raise EDTFError(explain(text, whole))
    q = m["q"]
    uncertain, approximate = q == "?" or q == "%", q == "~" or q == "%"
    calendar = "julian" if julian else "gregorian"
    to_days = days_from_julian if julian else days_from_civil
    if m["long"] is not None:
        year = int(m["long"])
        lo, hi = to_days(year, 1, 1), to_days(year, 12, 31)
        return _checked(lo, hi, "year", uncertain, approximate, whole)
    ytext, mtext, dtext = m["year"], m["month"], m["day"]
    if ytext.startswith("-") and ytext.strip("-0") == "":
        raise EDTFError(f"{shown(whole)}: there is no year -0000 (year 0000 is 1 BCE)")
    unspecified = ytext.count("X")
    if unspecified:
        if mtext is not None:
            raise EDTFError(level2_unspecified(whole))
        base, width = abs(int(ytext.replace("X", "0"))), 10**unspecified
        lo_y, hi_y = base, base + width - 1
        if ytext.startswith("-"):  # -01XX: years -199 to -100; -000X: -9 to -1
            lo_y, hi_y = -hi_y, min(-lo_y, -1)
        lo, hi = to_days(lo_y, 1, 1), to_days(hi_y, 12, 31)
        return _checked(lo, hi, _X_PRECISION[unspecified], uncertain, approximate, whole)
    year = int(ytext)
    if mtext is None or mtext == "XX":
        if dtext not in (None, "XX"):
            raise EDTFError(level2_unspecified(whole))
        lo, hi = to_days(year, 1, 1), to_days(year, 12, 31)
        return _checked(lo, hi, "year", uncertain, approximate, whole)
    month = int(mtext)
    if month > 12:
        if dtext is not None:
            raise EDTFError(f"{shown(whole)}: a season has no day")
        first, last = _SEASONS[month]
        end_y, end_m = (year + 1, last - 12) if last > 12 else (year, last)
        lo = to_days(year, first, 1)
        hi = to_days(end_y, end_m, month_days(end_y, end_m, calendar))
        return _checked(lo, hi, "season", uncertain, approximate, whole)
    if dtext is None or dtext == "XX":
        lo, hi = to_days(year, month, 1), to_days(year, month, month_days(year, month, calendar))
        return _checked(lo, hi, "month", uncertain, approximate, whole)
    day = int(dtext)
    if day > month_days(year, month, calendar):
        where = " in the Julian calendar" if julian else ""
        raise EDTFError(f"{shown(whole)}: {ytext}-{mtext} has no day {dtext}{where}")
    lo = to_days(year, month, day)
    return _checked(lo, lo, "day", uncertain, approximate, whole)


def _checked(lo: int, hi: int, precision: str, unc: bool, app: bool, whole: str) -> _Part:
    if lo < MIN_DAY or hi > MAX_DAY:
        raise EDTFError(
            f"{shown(whole)}: year outside the supported range {MIN_YEAR} to {MAX_YEAR}"
        )
    return lo, hi, precision, unc, app


_MISSING: dict[str, End] = {"..": "open", "": "unknown"}


@lru_cache(maxsize=65536)
def parse(value: str, calendar: str = "gregorian") -> Bounds:
    """Bounds, precision and qualifiers of an EDTF string (levels 0 and 1).

    ``calendar="julian"``: the value is a date of the Julian calendar (as a source gives
    it); the bounds are still Gregorian day numbers. Raises :class:`EDTFError` with a
    one-line reason.

    >>> from chrono.model.dates import human, parse  # chrono.parse_date is this parse
    >>> b = parse("-0043-03-15")  # EDTF years are astronomical: -0043 is 44 BCE
    >>> b.earliest_date, b.precision, human("-0043-03-15")
    ('-0043-03-15', 'day', '15 March 44 BCE')
    >>> b = parse("1648-10-14", calendar="julian")
    >>> b.earliest_date
    '1648-10-24'
    >>> b = parse("2019~/..")
    >>> b.earliest_date, b.latest_date, b.end, b.approximate
    ('2019-01-01', None, 'open', True)
    """
    if not isinstance(value, str):
        raise EDTFError(f"{value!r} is not a string")
    if calendar not in CALENDARS:
        raise EDTFError(f"unknown calendar {calendar!r} (one of: {', '.join(CALENDARS)})")
    julian = calendar == "julian"
    if "/" not in value:
        return Bounds(*_single(value, value, julian))
    if value.count("/") > 1:
        raise EDTFError(explain(value, value))
    left, right = value.split("/")
    start, end = _MISSING.get(left, "known"), _MISSING.get(right, "known")
    if start != "known" and end != "known":
        raise EDTFError(f"{shown(value)}: an interval needs at least one known end")
    if start != "known":
        _, hi, precision, unc, app = _single(right, value, julian)
        return Bounds(MIN_DAY, hi, precision, unc, app, start=start)
    lo, _, a_prec, a_unc, a_app = _single(left, value, julian)
    if end != "known":
        return Bounds(lo, MAX_DAY, a_prec, a_unc, a_app, end=end)
    _, hi, b_prec, b_unc, b_app = _single(right, value, julian)
    if lo > hi:
        raise EDTFError(f"{shown(value)}: the interval ends before it starts")
    precision = a_prec if precision_rank(a_prec) >= precision_rank(b_prec) else b_prec
    return Bounds(lo, hi, precision, a_unc or b_unc, a_app or b_app)


def is_valid(value: str, calendar: str = "gregorian") -> bool:
    try:
        parse(value, calendar)
    except EDTFError:
        return False
    return True


_RANK = {p: i for i, p in enumerate(PRECISION_ORDER)}


def precision_rank(precision: str) -> int:
    """0 for ``day`` (finest) upwards."""
    return _RANK[precision]


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
_WIDTH = {"decade": 10, "century": 100}


def human_year(year: int) -> str:
    """An astronomical year as people read it: ``2019``, ``44 BCE`` (year ``-43``)."""
    return f"{1 - year} BCE" if year <= 0 else str(year)


def human_day(days: int) -> str:
    """A day number as people read it (Gregorian): ``20 March 2023``, ``15 March 44 BCE``."""
    y, m, d = civil_from_days(days)
    return f"{d} {MONTHS[m - 1]} {human_year(y)}"


def _human_years(lo: int, hi: int, precision: str) -> str:
    """Years ``lo``..``hi`` of an unspecified-digit year: ``the 2010s`` where unambiguous."""
    width = _WIDTH.get(precision)
    if lo >= 1 and width is not None and lo % (width * 10) != 0:
        return f"the {lo}s"  # 201X, 16XX; not 190X or 20XX, whose "the 1900s" would mislead
    if hi <= 0:
        return f"{1 - lo}–{1 - hi} BCE"
    return f"{human_year(lo)}{' – ' if lo <= 0 else '–'}{human_year(hi)}"


def _human_single(text: str) -> str:
    m = _DATE.fullmatch(text)
    if m is None:
        return text
    if m["long"] is not None:
        core = human_year(int(m["long"]))
    else:
        ytext, mtext, dtext = m["year"], m["month"], m["day"]
        x = ytext.count("X")
        if x:
            base, width = abs(int(ytext.replace("X", "0"))), 10**x
            lo, hi = base, base + width - 1
            if ytext.startswith("-"):
                lo, hi = -hi, min(-lo, -1)
            core = _human_years(lo, hi, _X_PRECISION[x])
        else:
            core = human_year(int(ytext))
        if mtext == "XX":
            core += " (month and day unspecified)" if dtext else " (month unspecified)"
        elif mtext is not None:
            month = int(mtext)
            if month > 12:
                core = f"{_SEASON_NAMES[month]} {core}"
            elif dtext == "XX":
                core = f"{MONTHS[month - 1]} {core} (day unspecified)"
            else:
                core = f"{MONTHS[month - 1]} {core}"
                core = f"{int(dtext)} {core}" if dtext else core
    q = m["q"]
    if q == "~" or q == "%":
        core = f"circa {core}"
    if q == "?" or q == "%":
        core = f"{core}?"
    return core


def human_span(bounds: Bounds) -> str:
    """Bounds as days people read: ``24 October 1648``, ``from 1 January 2019 (open)``."""
    lo, hi = human_day(bounds.earliest), human_day(bounds.latest)
    return _joined(lo, hi, bounds.start, bounds.end, bounds.earliest == bounds.latest)


def _joined(lo: str, hi: str, start: str, end: str, same: bool = False) -> str:
    if start == "open":
        return f"until {hi} (open)"
    if end == "open":
        return f"from {lo} (open)"
    if start == "unknown":
        return f"unknown – {hi}"
    if end == "unknown":
        return f"{lo} – unknown"
    return lo if same else f"{lo} – {hi}"


def human(value: str, calendar: str = "gregorian") -> str:
    """An EDTF string as people read it, for display (never for storage).

    A Julian value shows its Gregorian days too. A string that is not valid EDTF (in that
    calendar) is shown as it is.

    >>> human("2023-03-20/2023-03-22"), human("-0043"), human("2014-09?"), human("201X")
    ('20 March 2023 – 22 March 2023', '44 BCE', 'September 2014?', 'the 2010s')
    >>> human("2019/.."), human("/2019"), human("1985-04-XX")
    ('from 2019 (open)', 'unknown – 2019', 'April 1985 (day unspecified)')
    >>> human("1648-10-14", calendar="julian")
    '14 October 1648 (Julian) = 24 October 1648'
    """
    if not is_valid(value, calendar):
        return value
    if "/" in value:
        left, _, right = value.partition("/")
        start, end = _MISSING.get(left, "known"), _MISSING.get(right, "known")
        text = _joined(_human_single(left), _human_single(right), start, end)
    else:
        text = _human_single(value)
    if calendar != "julian":
        return text
    return f"{text} (Julian) = {human_span(parse(value, calendar))}"
