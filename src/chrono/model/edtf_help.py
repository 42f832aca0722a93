"""Why a string is not a supported EDTF date, in one line: the EDTF form of a common human
date ("c. 1648" -> ``1648~``), or the EDTF level 2 feature it uses, or what is wrong.

Only called on strings the grammar of :mod:`chrono.model.dates` rejects, so it may be slow.
"""

from __future__ import annotations

import re

from chrono.model.calendars import month_days

_MONTHS = "january february march april may june july august september october november december"
_MONTH = r"(?P<mon>[a-z]{3,9})\.?"
_ERA = r"(?P<era>b\.?\s?c\.?(?:\s?e\.?)?|c\.?\s?e\.?|a\.?\s?d\.?)"
_YEAR = rf"(?:(?:ad|a\.d\.)\s*)?(?P<year>\d{{1,4}})(?:\s*{_ERA})?"
_ORD = r"(?:st|nd|rd|th)?"
_PLAIN = [  # (pattern over the lower-cased text, kind)
    (re.compile(rf"{_YEAR}"), "year"),
    (re.compile(rf"{_MONTH},?\s+(?:of\s+)?{_YEAR}"), "month"),
    (re.compile(rf"(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"), "day"),
    (re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}}){_ORD},?\s+{_YEAR}"), "day"),
    (re.compile(rf"(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?{_YEAR}"), "season"),
    (re.compile(r"(?:the\s+)?(?P<decade>\d{3})0'?s"), "decade"),
    (re.compile(r"(?P<iso>-?\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?"), "iso"),
    (re.compile(r"(?P<basic>\d{4})(?P<m>\d{2})(?P<d>\d{2})"), "iso"),
    (re.compile(r"(?P<iso>-?\d{4})([./])(?P<m>\d{1,2})\2(?P<d>\d{1,2})"), "iso"),
    (re.compile(r"(?P<nth>\d{1,2})(?:st|nd|rd|th)\s+century(?:\s+(?:ad|ce))?"), "century"),
]
_SEASON = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_ASTRONOMICAL = "EDTF years are astronomical: 1 BCE is 0000, 44 BCE is -0043"
_Found = tuple[str, list[str]]


def _edtf_year(year: int) -> str:
    if abs(year) > 9999:
        return f"Y{year}"
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def _month(name: str) -> int | None:
    hits = [i for i, m in enumerate(_MONTHS.split(), 1) if m.startswith(name) and len(name) >= 3]
    return hits[0] if len(hits) == 1 else None


def _plain(text: str) -> _Found | None:
    """The EDTF form of a plain human date (no qualifier, no interval), with notes."""
    for pattern, kind in _PLAIN:
        m = pattern.fullmatch(text)
        if m is not None and (found := _form(kind, m.groupdict())) is not None:
            return found
    return None


def _form(kind: str, groups: dict[str, str | None]) -> _Found | None:
    notes: list[str] = []
    year = int(groups.get("year") or 0)
    if (groups.get("era") or "").startswith("b"):
        if year == 0:
            return None
        year, notes = 1 - year, [_ASTRONOMICAL]
    if kind == "year":
        return _edtf_year(year), notes
    if kind in ("month", "day"):
        month, day = _month(groups["mon"] or ""), int(groups.get("day") or 1)
        if month is None or not 1 <= day <= 31:
            return None
        tail = f"-{day:02d}" if kind == "day" else ""
        return f"{_edtf_year(year)}-{month:02d}{tail}", notes
    if kind == "season":
        season = groups["season"] or ""
        return f"{_edtf_year(year)}-{_SEASON[season]}", [
            "seasons: 21 spring, 22 summer, 23 autumn, 24 winter"
        ]
    if kind == "decade":
        tens = groups["decade"] or ""
        if tens.endswith("0"):
            note = f"the century {tens}0-{tens[:2]}99; {tens}X is its first decade"
            return f"{tens[:2]}XX", [note]
        return f"{tens}X", [f"some year of the {tens}0s"]
    if kind == "century":
        lo = (int(groups["nth"] or 0) - 1) * 100
        if lo < 0:
            return None
        strictly = f"{lo + 1:04d}/{lo + 100:04d}"
        return f"{lo // 100:02d}XX", [f"{lo:04d}-{lo + 99:04d}; strictly {strictly}"]
    month, day = int(groups["m"] or 0), int(groups.get("d") or 1)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    head = groups.get("iso") or groups.get("basic") or ""
    return f"{head}-{month:02d}" + (f"-{day:02d}" if groups.get("d") else ""), []


def _circa(text: str) -> _Found | None:
    m = re.fullmatch(r"(?:approximately|approx\.?|around|about|circa|ca\.?|c\.?)\s*(.+)", text)
    found = _plain(m[1]) if m else None
    return (f"{found[0]}~", ["approximate", *found[1]]) if found else None


def _either(text: str) -> _Found | None:
    return _plain(text) or _circa(text)


def _numeric(text: str) -> _Found | None:
    """04/07/1187 or 04.07.1187: day and month in digits before the year. Dots put the day
    first; with slashes, either may come first: both readings are named unless one of the
    numbers cannot be a month."""
    m = re.fullmatch(r"(\d{1,2})([/.])(\d{1,2})\2(\d{3,4})", text)
    if m is None:
        return None
    a, b, number = int(m[1]), int(m[3]), int(m[4])
    year = _edtf_year(number)

    def real(month: int, day: int) -> bool:
        return 1 <= month <= 12 and 1 <= day <= month_days(number, month)

    day_first = f"{year}-{b:02d}-{a:02d}" if real(b, a) else None
    month_first = f"{year}-{a:02d}-{b:02d}" if real(a, b) else None
    if m[2] == "." or month_first is None or month_first == day_first:
        return (day_first, []) if day_first else None
    if day_first is None:
        return month_first, []
    return day_first, [f"if the day comes first; {month_first} if the month does"]


_ROMAN = {"m": 1000, "d": 500, "c": 100, "l": 50, "x": 10, "v": 5, "i": 1}


def _roman(text: str) -> _Found | None:
    """A year in Roman numerals (MLXVI); not X alone, which EDTF reads as a digit."""
    if not re.fullmatch(r"[mdclxvi]+", text) or not re.search(r"[mdclvi]", text):
        return None
    values = [_ROMAN[c] for c in text]
    year = sum(-v if v < w else v for v, w in zip(values, [*values[1:], 0], strict=True))
    if year < 1 or _as_roman(year) != text:
        return None
    return _edtf_year(year), [f"the year {year} in digits"]


def _as_roman(n: int) -> str:
    out = ""
    for value, digits in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                          (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                          (4, "iv"), (1, "i")):  # fmt: skip
        while n >= value:
            out, n = out + digits, n - value
    return out


def _both_qualifiers(text: str) -> _Found | None:
    """1066?~ (uncertain and approximate): EDTF says that with one sign, %."""
    m = re.fullmatch(r"(-?\d{4}(?:-\d{2}){0,2})(?:\?~|~\?)", text)
    return (f"{m[1]}%", ["uncertain and approximate"]) if m else None


def _human(text: str) -> _Found | None:
    """The EDTF form of a human date, an interval or an open one."""
    found = _either(text) or _numeric(text) or _roman(text) or _both_qualifiers(text)
    if found:
        return found
    m = re.fullmatch(r"(?:before|by|until|till|up to|not after)\s+(.+)", text)
    if m and (found := _either(m[1])):
        note = f"unknown start: some time up to {found[0]}, inclusive"
        return f"/{found[0]}", [note, *found[1]]
    m = re.fullmatch(r"(?:after|not before)\s+(.+)", text)
    if m and (found := _either(m[1])):
        return f"{found[0]}/", [f"unknown end: some time from {found[0]} on", *found[1]]
    m = re.fullmatch(r"(?:since|from)\s+(.+?)(?:\s+on(?:wards?)?)?|(.+?)\s+onwards?", text)
    if m and (found := _either(m[1] or m[2])):
        return f"{found[0]}/..", ["open end: from then on", *found[1]]
    m = re.fullmatch(r"(.+?)\s*(?:\(julian\)|o\.\s?s\.|o\.s|old style|julian)", text)
    if m and (found := _either(m[1])):
        return found[0], [*found[1], "with calendar: julian"]
    return _interval(text)


def _interval(text: str) -> _Found | None:
    m = re.fullmatch(r"(\d{4})\s*[-–—]\s*(\d{4})", text)  # 1648-1650
    if m:
        return f"{m[1]}/{m[2]}", ["an interval"]
    body = text.removeprefix("between ")
    for sep in re.finditer(r"\s+-\s+|\s*[–—/]\s*|\s+(?:to|until|till|and)\s+", body):
        one, two = _either(body[: sep.start()]), _either(body[sep.end() :])
        if one and two:
            return f"{one[0]}/{two[0]}", ["an interval", *dict.fromkeys(one[1] + two[1])]
    return None


def shown(value: str) -> str:
    """``value`` quoted for a message, cut short if long."""
    return repr(value) if len(value) <= 60 else f"{value[:50]!r}… ({len(value)} characters)"


def suggest(value: str) -> str | None:
    """``'c. 1648' is not EDTF; write 1648~ (approximate)``, or None if no form is known."""
    if len(value) > 60:  # no human date is that long; the patterns are not linear
        return None
    found = _human(" ".join(value.lower().split()))
    if found is None or found[0] == value.strip():
        return None
    edtf, notes = found
    return f"{shown(value)} is not EDTF; write {edtf}" + (f" ({'; '.join(notes)})" if notes else "")


def level2_unspecified(whole: str) -> str:
    return (
        f"{shown(whole)}: unspecified digits (X) placed so are EDTF level 2, not supported; "
        "level 1 has them only as a year's last digits, with no month (201X, 19XX), and as a "
        "whole month or day (2004-XX, 1985-04-XX, 1985-XX-XX)"
    )


_LEVEL2 = [  # (pattern over one end, reason): checked in order
    (r"^\[", "a choice of dates [..] (one of a set) is EDTF level 2, not supported"),
    (r"^\{", "a list of dates {..} (all of a set) is EDTF level 2, not supported"),
    (r"^Y-?\d+E\d+", "an exponential year (Y17E7) is EDTF level 2, not supported"),
    (r"\dS\d+", "significant digits (1950S2) are EDTF level 2, not supported"),
    (
        r"^[?~%]|[?~%].",
        "a qualifier on part of a date (2004?-06, ?2004, 2004-~06) is EDTF level 2, not "
        "supported; at the end it qualifies the whole date: 2004-06?",
    ),
    (
        r"^-?\d{4}-(2[5-9]|3\d|4[01])\b",
        "sub-year groupings 25-41 (hemisphere seasons, quarters, semesters) are EDTF level 2, "
        "not supported; level 1 seasons are 21-24",
    ),
]


def explain(text: str, whole: str) -> str:
    """Why ``text`` (``whole``, or one end of the interval ``whole``) is not valid."""
    hint = suggest(whole)
    if hint is not None:
        return hint
    if text != whole and (hint := suggest(text)) is not None:
        return f"{shown(whole)}: {hint}"
    if whole == "":
        return "'': empty, not a date"
    if text != text.strip():
        return f"{shown(whole)}: leading or trailing white space"
    if re.search(r"\dT\d", text):
        return f"{shown(whole)}: times of day are not supported (dates only)"
    if "(" in text or ")" in text:
        return f"{shown(whole)}: parentheses are the 2012 draft's grouping, not EDTF (2019)"
    for pattern, reason in _LEVEL2:
        if re.search(pattern, text):
            return f"{shown(whole)}: {reason}"
    if re.search(r"\s", text):
        return f"{shown(whole)} is not an EDTF level 0/1 date (it contains white space)"
    if "X" in text:
        return level2_unspecified(whole)
    return f"{shown(whole)} is not an EDTF level 0/1 date{_detail(text)}"


def _detail(text: str) -> str:
    if text in ("open", "unknown"):
        return ": an open end is written '..', an unknown one is left empty"
    if re.fullmatch(r"-?[0-9]*[ux][0-9ux]*", text):
        return ": an unspecified digit is an upper-case X"
    if re.fullmatch(r"Y-?0*\d{1,4}", text):
        return ": 'Y' marks years of more than four digits (Y12345); write 2019, -0043"
    if re.fullmatch(r"-?\d{5,}", text):
        return ": a year of more than four digits takes the prefix Y (Y12345)"
    m = re.match(r"-?\d{4}-(\d\d)(?:-(\d\d))?", text)
    if m and not (1 <= int(m[1]) <= 12 or 21 <= int(m[1]) <= 24):
        return f": no month {m[1]} (months 01-12, seasons 21-24)"
    if m and m[2] and not 1 <= int(m[2]) <= 31:
        return f": no day {m[2]}"
    return ""
