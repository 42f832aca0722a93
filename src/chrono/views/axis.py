"""A time axis in day numbers (days since 1970-01-01, any year), labelled as people read it.

:func:`tick_days` picks ticks on whole years, months or days; years are chosen as people
count them (``50 BCE, 40 BCE, … 10 BCE, 10 CE``: there is no year 0), and
:func:`tick_labels` writes them with :func:`chrono.model.dates.human_year`. The matplotlib
``Locator`` and ``Formatter`` in :mod:`chrono.views.timeline` wrap these two functions,
which need no matplotlib.
"""

from __future__ import annotations

import math

from chrono.model.dates import MONTHS, civil_from_days, days_from_civil, human_day, human_year

YEAR_DAYS = 365.2425
_MONTH_STEPS = (1, 2, 3, 6)
_DAY_STEPS = (1, 2, 7, 14)


def _nice_years(years: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... at least ``years``."""
    if years <= 1:
        return 1
    power = 10 ** math.floor(math.log10(years))
    for m in (1, 2, 5, 10):
        if m * power >= years:
            return int(m * power)
    return int(10 * power)  # pragma: no cover


def tick_days(vmin: float, vmax: float, target: int = 8) -> tuple[str, list[int]]:
    """(unit, day numbers of the ticks in [vmin, vmax]); unit is year, month or day."""
    if not (math.isfinite(vmin) and math.isfinite(vmax)) or vmax <= vmin:
        return "day", []
    span = vmax - vmin
    y0 = civil_from_days(math.floor(vmin))[0]
    y1 = civil_from_days(math.ceil(vmax))[0]
    if span / YEAR_DAYS >= 3:
        step = _nice_years(span / YEAR_DAYS / target)
        years: list[int] = []
        # astronomical year y is the human year 1 - y BCE for y <= 0
        first_bce = math.ceil((1 - min(y1, 0)) / step) * step  # smallest human BCE multiple
        last_bce = (1 - y0) // step * step
        years += [1 - n for n in range(last_bce, first_bce - 1, -step) if n >= 1]
        first_ce = max(step, math.ceil(y0 / step) * step)
        years += list(range(first_ce, y1 + 1, step))
        ticks = [days_from_civil(y, 1, 1) for y in years]
        return "year", [t for t in ticks if vmin <= t <= vmax]
    if span >= 90:
        months = span / 30.44
        step = next((s for s in _MONTH_STEPS if months / s <= target), 12)
        ticks = []
        for y in range(y0, y1 + 1):
            ticks += [days_from_civil(y, m, 1) for m in range(1, 13, step)]
        return "month", [t for t in ticks if vmin <= t <= vmax]
    step = next((s for s in _DAY_STEPS if span / s <= target), 28)
    start = math.ceil(vmin / step) * step
    return "day", list(range(start, math.floor(vmax) + 1, step))


def tick_labels(unit: str, days: list[int]) -> list[str]:
    """Labels for :func:`tick_days`' ticks: ``44 BCE``/``10 CE``, ``Mar 2023``, ``20 Mar``."""
    parts = [civil_from_days(d) for d in days]
    if unit == "year":
        bce = any(y <= 0 for y, _, _ in parts)
        return [human_year(y) + (" CE" if bce and y > 0 else "") for y, _, _ in parts]
    if unit == "month":
        return [f"{MONTHS[m - 1][:3]} {human_year(y)}" for y, m, _ in parts]
    return [f"{d} {MONTHS[m - 1][:3]}" for _, m, d in parts]


def day_label(x: float) -> str:
    """One position on the axis as a day people read (``15 March 44 BCE``)."""
    return human_day(math.floor(x)) if math.isfinite(x) else ""
