"""Day numbers of calendar dates: proleptic Gregorian and Julian, any integer year.

A day number counts days since 1970-01-01 (the Arrow ``date32`` encoding). Years are
astronomical: year 0 is 1 BCE, year -43 is 44 BCE. Every comparison in chrono uses the
proleptic Gregorian calendar; a date a source gives in the Julian calendar is converted to a
Gregorian day number (exactly, through the Julian Day Number) before it is compared.

The arithmetic is integer-only and elementwise, so the functions also work on numpy arrays
(``chrono.model.derive`` relies on it).
"""

from __future__ import annotations

from typing import Final

#: The range of Arrow ``date32`` (int32 days since the epoch), as whole proleptic Gregorian
#: years: ``MIN_DAY`` is the first day of ``MIN_YEAR``, ``MAX_DAY`` the last of ``MAX_YEAR``.
MIN_YEAR: Final = -5_877_640
MAX_YEAR: Final = 5_881_579
MIN_DAY: Final = -2_147_483_456
MAX_DAY: Final = 2_147_483_454
#: Julian Day Number of 1970-01-01.
EPOCH_JDN: Final = 2_440_588
CALENDARS: Final = ("gregorian", "julian")


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
    """Inverse of :func:`days_from_civil`: (year, month, day) in the Gregorian calendar.
    Plain arithmetic, so it also works elementwise on numpy integer arrays."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 - 12 * (mp >= 10)
    return yoe + era * 400 + (month <= 2), month, day


def days_from_julian(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 (proleptic Gregorian) of a date in the Julian calendar.

    >>> from chrono.model.calendars import civil_from_days
    >>> civil_from_days(days_from_julian(1582, 10, 5))  # the day after Julian 4 October 1582
    (1582, 10, 15)
    """
    a = (14 - month) // 12
    y = year + 4800 - a
    m = month + 12 * a - 3
    return day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083 - EPOCH_JDN


def julian_from_days(days: int) -> tuple[int, int, int]:
    """Inverse of :func:`days_from_julian`: (year, month, day) in the Julian calendar."""
    c = days + EPOCH_JDN + 32082
    d = (4 * c + 3) // 1461
    e = c - (1461 * d) // 4
    m = (5 * e + 2) // 153
    day = e - (153 * m + 2) // 5 + 1
    month = m + 3 - 12 * (m // 10)
    return d - 4800 + m // 10, month, day


def is_leap(year: int, calendar: str = "gregorian") -> bool:
    """Whether ``year`` (astronomical) has a 29 February in ``calendar``."""
    if calendar == "julian":
        return year % 4 == 0
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_days(year: int, month: int, calendar: str = "gregorian") -> int:
    """Number of days of a month (1-12) of ``year`` in ``calendar``."""
    if month == 2:
        return 29 if is_leap(year, calendar) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def format_day(days: int) -> str:
    """ISO form of a day number (Gregorian): ``2019-06-05``, ``-0043-03-15``, ``+12345-01-01``."""
    y, m, d = civil_from_days(days)
    if 0 <= y <= 9999:
        return f"{y:04d}-{m:02d}-{d:02d}"
    sign = "-" if y < 0 else "+"
    return f"{sign}{abs(y):04d}-{m:02d}-{d:02d}"
