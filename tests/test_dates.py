"""EDTF parsing: bounds, precision, qualifiers, open and unknown ends, errors, calendars."""

from __future__ import annotations

import datetime as dt
import doctest

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chrono
from chrono.model import calendars, dates
from chrono.model.dates import (
    MAX_DAY,
    MIN_DAY,
    Bounds,
    EDTFError,
    civil_from_days,
    days_from_civil,
    format_day,
    parse,
)
from chrono.model.derive import (
    EXTRA_PARTS,
    PARTS,
    derive_dates,
    derive_encoded,
    derive_rows,
    encode,
)
from chrono.model.vocab import PRECISION_ORDER


def day(text: str) -> int:
    """Day number of an ISO day, any year (``-0043-03-15``, ``+5881579-12-31``)."""
    sign = -1 if text.startswith("-") else 1
    y, m, d = text.lstrip("+-").split("-")
    return days_from_civil(sign * int(y), int(m), int(d))


FIRST, LAST = "-5877640-01-01", "+5881579-12-31"  # the supported range's extremes


@pytest.mark.parametrize(
    ("value", "earliest", "latest", "precision", "qualifiers", "ends"),
    [
        ("2019", "2019-01-01", "2019-12-31", "year", "", "known/known"),
        ("2022-02", "2022-02-01", "2022-02-28", "month", "", "known/known"),
        ("2024-02", "2024-02-01", "2024-02-29", "month", "", "known/known"),
        ("2022-02-04", "2022-02-04", "2022-02-04", "day", "", "known/known"),
        ("2023-03-20/2023-03-22", "2023-03-20", "2023-03-22", "day", "", "known/known"),
        ("2019-06-05/2019-06-07?", "2019-06-05", "2019-06-07", "day", "?", "known/known"),
        ("2014/2015-06", "2014-01-01", "2015-06-30", "year", "", "known/known"),
        ("2019~", "2019-01-01", "2019-12-31", "year", "~", "known/known"),
        ("2014-09?", "2014-09-01", "2014-09-30", "month", "?", "known/known"),
        ("2004-06-11%", "2004-06-11", "2004-06-11", "day", "?~", "known/known"),
        ("1984?/2004~", "1984-01-01", "2004-12-31", "year", "?~", "known/known"),
        # unspecified digits from the right
        ("201X", "2010-01-01", "2019-12-31", "decade", "", "known/known"),
        ("19XX", "1900-01-01", "1999-12-31", "century", "", "known/known"),
        ("1XXX", "1000-01-01", "1999-12-31", "millennium", "", "known/known"),
        ("XXXX", "0000-01-01", "9999-12-31", "unknown", "", "known/known"),
        ("16XX~", "1600-01-01", "1699-12-31", "century", "~", "known/known"),
        ("-01XX", "-0199-01-01", "-0100-12-31", "century", "", "known/known"),
        ("-000X", "-0009-01-01", "-0001-12-31", "decade", "", "known/known"),
        ("-XXXX", "-9999-01-01", "-0001-12-31", "unknown", "", "known/known"),
        ("2019-XX", "2019-01-01", "2019-12-31", "year", "", "known/known"),
        ("1985-XX-XX", "1985-01-01", "1985-12-31", "year", "", "known/known"),
        ("1985-04-XX", "1985-04-01", "1985-04-30", "month", "", "known/known"),
        ("2004-06-XX/2004-07-03", "2004-06-01", "2004-07-03", "month", "", "known/known"),
        # seasons: winter runs to the end of the next February
        ("2019-21", "2019-03-01", "2019-05-31", "season", "", "known/known"),
        ("2019-24", "2019-12-01", "2020-02-29", "season", "", "known/known"),
        # open and unknown ends: the missing bound is the supported range's extreme
        ("2019/..", "2019-01-01", LAST, "year", "", "known/open"),
        ("../2019", FIRST, "2019-12-31", "year", "", "open/known"),
        ("2019/", "2019-01-01", LAST, "year", "", "known/unknown"),
        ("/2019", FIRST, "2019-12-31", "year", "", "unknown/known"),
        ("1985-04-12?/..", "1985-04-12", LAST, "day", "?", "known/open"),
        ("../1985-04~", FIRST, "1985-04-30", "month", "~", "open/known"),
        # negative and long years
        ("-1985", "-1985-01-01", "-1985-12-31", "year", "", "known/known"),
        ("-0043-03-15", "-0043-03-15", "-0043-03-15", "day", "", "known/known"),
        ("0000", "0000-01-01", "0000-12-31", "year", "", "known/known"),
        ("Y12345", "+12345-01-01", "+12345-12-31", "year", "", "known/known"),
        ("Y-12345", "-12345-01-01", "-12345-12-31", "year", "", "known/known"),
        ("Y5881579", "+5881579-01-01", LAST, "year", "", "known/known"),
        ("Y-5877640", FIRST, "-5877640-12-31", "year", "", "known/known"),
    ],
)
def test_bounds_and_precision(
    value: str, earliest: str, latest: str, precision: str, qualifiers: str, ends: str
) -> None:
    start, end = ends.split("/")
    assert parse(value) == Bounds(
        day(earliest),
        day(latest),
        precision,
        "?" in qualifiers,
        "~" in qualifiers,
        start,  # type: ignore[arg-type]
        end,  # type: ignore[arg-type]
    )


def test_missing_ends_are_the_range_extremes_and_say_so() -> None:
    assert (day(FIRST), day(LAST)) == (MIN_DAY, MAX_DAY)
    assert (
        days_from_civil(dates.MIN_YEAR, 1, 1),
        days_from_civil(dates.MAX_YEAR, 12, 31),
    ) == (MIN_DAY, MAX_DAY)
    # a known date in the last supported year has the same number as an open end
    known, open_ = parse("Y5881579"), parse("2019/..")
    assert known.latest == open_.latest == MAX_DAY
    assert (known.end, known.latest_date) == ("known", "+5881579-12-31")
    assert (open_.end, open_.latest_date) == ("open", None)
    assert parse("/2019").earliest_date is None
    assert parse("2019/").latest_date is None
    assert parse("-0043-03-15").earliest_date == "-0043-03-15"
    stored = pa.array([MIN_DAY, MAX_DAY], pa.int32()).cast(pa.date32())  # date32 holds both
    assert stored.cast(pa.int32()).to_pylist() == [MIN_DAY, MAX_DAY]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1900-02-29", "'1900-02-29': 1900-02 has no day 29"),
        (
            "2019-13",
            "'2019-13' is not an EDTF level 0/1 date: no month 13 (months 01-12, seasons 21-24)",
        ),
        ("2016-02-39", "'2016-02-39' is not an EDTF level 0/1 date: no day 39"),
        (" 2019", "' 2019': leading or trailing white space"),
        ("2019\n", "'2019\\n': leading or trailing white space"),
        ("2019-06-05/2019-06-07\n", "'2019-06-05/2019-06-07\\n': leading or trailing white space"),
        ("2019/..\n", "'2019/..\\n': leading or trailing white space"),
        ("", "'': empty, not a date"),
        ("-0000", "'-0000': there is no year -0000 (year 0000 is 1 BCE)"),
        ("-0000-01-01", "'-0000-01-01': there is no year -0000 (year 0000 is 1 BCE)"),
        ("../..", "'../..': an interval needs at least one known end"),
        ("/", "'/': an interval needs at least one known end"),
        ("2019/2020/2021", "'2019/2020/2021' is not an EDTF level 0/1 date"),
        ("2019-06-05T10:00", "'2019-06-05T10:00': times of day are not supported (dates only)"),
        ("2020/2019", "'2020/2019': the interval ends before it starts"),
        ("2019-21-03", "'2019-21-03': a season has no day"),
        ("Y170000002", "'Y170000002': year outside the supported range -5877640 to 5881579"),
        ("Y-5877641", "'Y-5877641': year outside the supported range -5877640 to 5881579"),
        (
            "Y2019",
            "'Y2019' is not an EDTF level 0/1 date: 'Y' marks years of more than four "
            "digits (Y12345); write 2019, -0043",
        ),
        (
            "12345",
            "'12345' is not an EDTF level 0/1 date: a year of more than four digits "
            "takes the prefix Y (Y12345)",
        ),
        ("199u", "'199u' is not an EDTF level 0/1 date: an unspecified digit is an upper-case X"),
        (
            "2019/open",
            "'2019/open' is not an EDTF level 0/1 date: an open end is written '..', "
            "an unknown one is left empty",
        ),
        ("nope", "'nope' is not an EDTF level 0/1 date"),
        ("not a date", "'not a date' is not an EDTF level 0/1 date (it contains white space)"),
        ("2004-(06)%", "'2004-(06)%': parentheses are the 2012 draft's grouping, not EDTF (2019)"),
        # level 2, each named
        (
            "{1667,1668}",
            "'{1667,1668}': a list of dates {..} (all of a set) is EDTF level 2, not supported",
        ),
        (
            "[1667,1668]",
            "'[1667,1668]': a choice of dates [..] (one of a set) is EDTF level 2, not supported",
        ),
        ("Y17E7", "'Y17E7': an exponential year (Y17E7) is EDTF level 2, not supported"),
        ("1950S2", "'1950S2': significant digits (1950S2) are EDTF level 2, not supported"),
        (
            "2001-34",
            "'2001-34': sub-year groupings 25-41 (hemisphere seasons, quarters, "
            "semesters) are EDTF level 2, not supported; level 1 seasons are 21-24",
        ),
        (
            "2004?-06-11",
            "'2004?-06-11': a qualifier on part of a date (2004?-06, ?2004, "
            "2004-~06) is EDTF level 2, not supported; at the end it qualifies the whole date: "
            "2004-06?",
        ),
        (
            "201X-05",
            "'201X-05': unspecified digits (X) placed so are EDTF level 2, not supported; "
            "level 1 has them only as a year's last digits, with no month (201X, 19XX), and as "
            "a whole month or day (2004-XX, 1985-04-XX, 1985-XX-XX)",
        ),
        (
            "2019-XX-05",
            "'2019-XX-05': unspecified digits (X) placed so are EDTF level 2, not supported; "
            "level 1 has them only as a year's last digits, with no month (201X, 19XX), and as "
            "a whole month or day (2004-XX, 1985-04-XX, 1985-XX-XX)",
        ),
        (
            "X999",
            "'X999': unspecified digits (X) placed so are EDTF level 2, not supported; "
            "level 1 has them only as a year's last digits, with no month (201X, 19XX), and as "
            "a whole month or day (2004-XX, 1985-04-XX, 1985-XX-XX)",
        ),
        (
            "19X5",
            "'19X5': unspecified digits (X) placed so are EDTF level 2, not supported; "
            "level 1 has them only as a year's last digits, with no month (201X, 19XX), and as "
            "a whole month or day (2004-XX, 1985-04-XX, 1985-XX-XX)",
        ),
    ],
)
def test_rejected_with_reason(value: str, message: str) -> None:
    with pytest.raises(EDTFError) as exc:
        parse(value)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("c. 1648", "'c. 1648' is not EDTF; write 1648~ (approximate)"),
        ("circa 1648", "'circa 1648' is not EDTF; write 1648~ (approximate)"),
        ("ca. 1648", "'ca. 1648' is not EDTF; write 1648~ (approximate)"),
        (
            "spring 1644",
            "'spring 1644' is not EDTF; write 1644-21 (seasons: 21 spring, "
            "22 summer, 23 autumn, 24 winter)",
        ),
        ("March 1648", "'March 1648' is not EDTF; write 1648-03"),
        (
            "44 BC",
            "'44 BC' is not EDTF; write -0043 (EDTF years are astronomical: 1 BCE is "
            "0000, 44 BCE is -0043)",
        ),
        (
            "44 BCE",
            "'44 BCE' is not EDTF; write -0043 (EDTF years are astronomical: 1 BCE is "
            "0000, 44 BCE is -0043)",
        ),
        ("AD 44", "'AD 44' is not EDTF; write 0044"),
        ("1640s", "'1640s' is not EDTF; write 164X (some year of the 1640s)"),
        (
            "1600s",
            "'1600s' is not EDTF; write 16XX (the century 1600-1699; 160X is its first decade)",
        ),
        ("17th century", "'17th century' is not EDTF; write 16XX (1600-1699; strictly 1601/1700)"),
        (
            "before 1650",
            "'before 1650' is not EDTF; write /1650 (unknown start: some time up "
            "to 1650, inclusive)",
        ),
        (
            "after 1650",
            "'after 1650' is not EDTF; write 1650/ (unknown end: some time from 1650 on)",
        ),
        ("since 2019", "'since 2019' is not EDTF; write 2019/.. (open end: from then on)"),
        ("15 May 1648", "'15 May 1648' is not EDTF; write 1648-05-15"),
        ("May 15, 1648", "'May 15, 1648' is not EDTF; write 1648-05-15"),
        ("1648-5-15", "'1648-5-15' is not EDTF; write 1648-05-15"),
        ("1648-1650", "'1648-1650' is not EDTF; write 1648/1650 (an interval)"),
        ("1648 to 1650", "'1648 to 1650' is not EDTF; write 1648/1650 (an interval)"),
        (
            "04/07/1187",
            "'04/07/1187' is not EDTF; write 1187-07-04 (if the day comes first; 1187-04-07 if "
            "the month does)",
        ),
        ("13/07/1187", "'13/07/1187' is not EDTF; write 1187-07-13"),
        ("07/13/1187", "'07/13/1187' is not EDTF; write 1187-07-13"),
        ("04.07.1187", "'04.07.1187' is not EDTF; write 1187-07-04"),
        ("1187.07.04", "'1187.07.04' is not EDTF; write 1187-07-04"),
        ("29/02/1188", "'29/02/1188' is not EDTF; write 1188-02-29"),
        ("31/02/1187", "'31/02/1187' is not an EDTF level 0/1 date"),
        ("1066?~", "'1066?~' is not EDTF; write 1066% (uncertain and approximate)"),
        ("MLXVI", "'MLXVI' is not EDTF; write 1066 (the year 1066 in digits)"),
        ("IIII", "'IIII' is not an EDTF level 0/1 date"),
        ("c. 1648/1650", "'c. 1648/1650' is not EDTF; write 1648~/1650 (an interval; approximate)"),
        (
            "14 October 1648 O.S.",
            "'14 October 1648 O.S.' is not EDTF; write 1648-10-14 (with calendar: julian)",
        ),
        (
            "c. 44 BC",
            "'c. 44 BC' is not EDTF; write -0043~ (approximate; EDTF years are "
            "astronomical: 1 BCE is 0000, 44 BCE is -0043)",
        ),
    ],
)
def test_common_human_forms_get_their_edtf_form(value: str, message: str) -> None:
    with pytest.raises(EDTFError) as exc:
        parse(value)
    assert str(exc.value) == message
    assert "\n" not in message


def test_a_long_value_is_cut_short_in_its_message_and_explained_fast() -> None:
    value = "1648 - " * 20_000 + "x"
    with pytest.raises(EDTFError) as exc:
        parse(value)
    assert str(exc.value) == (
        "'1648 - 1648 - 1648 - 1648 - 1648 - 1648 - 1648 - 1'… (140001 characters) is not an "
        "EDTF level 0/1 date (it contains white space)"
    )


def test_an_uncertain_year_is_valid_already() -> None:
    assert parse("1648?").uncertain


# --------------------------------------------------------------------------- calendars


@pytest.mark.parametrize(
    ("julian", "gregorian"),
    [
        ("1582-10-04", "1582-10-14"),
        ("1582-10-05", "1582-10-15"),  # the first Gregorian day, as the Julian 5 October
        ("1648-10-14", "1648-10-24"),  # the Peace of Westphalia, as Münster dated it
        ("1752-09-02", "1752-09-13"),
        ("1900-02-29", "1900-03-13"),  # a Julian leap day only
        ("0001-01-03", "0001-01-01"),
        ("-0043-03-15", "-0043-03-13"),  # the Ides of March, 44 BCE
        ("-4712-01-01", "-4713-11-24"),  # Julian Day 0
    ],
)
def test_julian_days_convert_exactly(julian: str, gregorian: str) -> None:
    b = parse(julian, calendar="julian")
    assert (b.earliest, b.latest, b.precision) == (day(gregorian), day(gregorian), "day")
    assert b.earliest_date == gregorian.lstrip("+")


def test_julian_months_years_and_intervals_take_their_julian_first_and_last_days() -> None:
    def span(value: str) -> tuple[str | None, str | None]:
        b = parse(value, calendar="julian")
        return b.earliest_date, b.latest_date

    assert span("1648") == ("1648-01-11", "1649-01-10")
    # 29 days in the Julian calendar; the drift grows from 10 to 11 days on its 29th
    assert span("1700-02") == ("1700-02-11", "1700-03-11")
    assert span("1648-21") == ("1648-03-11", "1648-06-10")
    assert span("164X") == ("1640-01-11", "1650-01-10")
    assert span("1648-10-14/1648-10-20") == ("1648-10-24", "1648-10-30")
    assert span("1648-10-14/..") == ("1648-10-24", None)
    assert parse("1648-10-14/..", calendar="julian").latest == MAX_DAY
    with pytest.raises(EDTFError, match=r"^'1900-02-30': 1900-02 has no day 30 in the Julian"):
        parse("1900-02-30", calendar="julian")
    with pytest.raises(EDTFError, match=r"^unknown calendar 'mayan' \(one of: gregorian, julian\)"):
        parse("1648", calendar="mayan")


@given(st.integers(min_value=MIN_DAY + 40_000, max_value=MAX_DAY - 40_000))
def test_julian_round_trip(days: int) -> None:
    y, m, d = calendars.julian_from_days(days)
    assert 1 <= d <= calendars.month_days(y, m, "julian")
    assert calendars.days_from_julian(y, m, d) == days


@given(st.integers(min_value=-2_000_000, max_value=2_000_000))
def test_civil_days_round_trip(days: int) -> None:
    assert days_from_civil(*civil_from_days(days)) == days


@given(st.dates())
def test_days_from_civil_agrees_with_datetime(d: dt.date) -> None:
    assert days_from_civil(d.year, d.month, d.day) == (d - dt.date(1970, 1, 1)).days


# --------------------------------------------------------------------------- display


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2023-03-20", "20 March 2023"),
        ("2023-03-20/2023-03-22", "20 March 2023 – 22 March 2023"),
        ("-0043", "44 BCE"),
        ("-0043-03-15", "15 March 44 BCE"),
        ("0000", "1 BCE"),
        ("2014-09?", "September 2014?"),
        ("2019~", "circa 2019"),
        ("2004-06-11%", "circa 11 June 2004?"),
        ("2019-21", "spring 2019"),
        ("201X", "the 2010s"),
        ("16XX", "the 1600s"),
        ("190X", "1900–1909"),  # not "the 1900s": that reads as the century
        ("20XX", "2000–2099"),
        ("1XXX", "1000–1999"),
        ("XXXX", "1 BCE – 9999"),
        ("-01XX", "200–101 BCE"),
        ("2004-XX", "2004 (month unspecified)"),
        ("1985-XX-XX", "1985 (month and day unspecified)"),
        ("1985-04-XX", "April 1985 (day unspecified)"),
        ("2019/..", "from 2019 (open)"),
        ("../2019", "until 2019 (open)"),
        ("2019/", "2019 – unknown"),
        ("/2019", "unknown – 2019"),
        ("Y-12345", "12346 BCE"),
        ("not EDTF", "not EDTF"),
    ],
)
def test_human(value: str, shown: str) -> None:
    assert dates.human(value) == shown


def test_human_julian_shows_both_calendars() -> None:
    assert dates.human("1648-10-14", "julian") == "14 October 1648 (Julian) = 24 October 1648"
    assert dates.human("1648", "julian") == "1648 (Julian) = 11 January 1648 – 10 January 1649"
    assert (
        dates.human("1648/..", "julian")
        == "from 1648 (open) (Julian) = from 11 January 1648 (open)"
    )
    assert dates.human("1900-02-29", "julian") == "29 February 1900 (Julian) = 13 March 1900"
    assert dates.human("1900-02-29") == "1900-02-29"  # not a Gregorian day


def test_human_span_and_year() -> None:
    assert dates.human_span(parse("2019/")) == "1 January 2019 – unknown"
    assert dates.human_span(parse("/2019")) == "unknown – 31 December 2019"
    assert dates.human_span(parse("../2019")) == "until 31 December 2019 (open)"
    assert dates.human_span(parse("2019-06")) == "1 June 2019 – 30 June 2019"
    assert [dates.human_year(y) for y in (2019, 1, 0, -43)] == ["2019", "1", "1 BCE", "44 BCE"]
    assert dates.human_day(MAX_DAY) == "31 December 5881579"


# --------------------------------------------------------------------------- public API


def test_parse_date_is_the_public_parser() -> None:
    assert chrono.parse_date is parse
    assert chrono.parse_date("2019").precision == "year"


def test_docstring_examples_run() -> None:
    for module in (dates, calendars, chrono):
        result = doctest.testmod(module, raise_on_error=False)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_precision_vocabulary_is_ordered_finest_first() -> None:
    assert PRECISION_ORDER == (
        "day",
        "month",
        "season",
        "year",
        "decade",
        "century",
        "millennium",
        "unknown",
    )


# --------------------------------------------------------------------------- column-wise


def test_derive_dates_is_column_wise_and_reports_bad_rows() -> None:
    d = derive_dates(pa.array(["2019", None, "nope", "2019", "-0044", "2019/.."]))
    assert d.earliest.cast(pa.int32()).to_pylist() == [17897, None, None, 17897, -735599, 17897]
    assert d.latest.cast(pa.int32()).to_pylist()[-1] == MAX_DAY
    assert d.precision.to_pylist() == ["year", None, None, "year", "year", "year"]
    assert d.end.to_pylist() == ["known", None, None, "known", "known", "open"]
    assert d.start.to_pylist() == ["known", None, None, "known", "known", "known"]
    assert d.errors == {2: "'nope' is not an EDTF level 0/1 date"}


def test_derive_dates_reads_each_row_in_its_calendar() -> None:
    values = pa.array(["1648-10-14", "1648-10-14", "1900-02-29", "1900-02-29", "1648", "1648"])
    calendar = pa.array(
        [
            "julian",
            "gregorian",
            "julian",
            None,
            "julian",
            "julian ",
        ]
    )
    d = derive_dates(values, calendar=calendar)
    assert [format_day(x) if x is not None else None for x in _ints(d.earliest)] == [
        "1648-10-24",
        "1648-10-14",
        "1900-03-13",
        None,
        "1648-01-11",
        None,
    ]
    assert d.errors == {
        3: "'1900-02-29': 1900-02 has no day 29",
        5: "unknown calendar 'julian ' (one of: gregorian, julian)",
    }
    flags = derive_dates(values, calendar=pa.array([True, False, True, False, True, None]))
    assert _ints(flags.latest)[:3] == _ints(d.latest)[:3]
    every = derive_dates(values, calendar="julian")
    assert _ints(every.earliest)[1] == day("1648-10-24")
    with pytest.raises(ValueError, match=r"^unknown calendar 'x'"):
        derive_dates(values, calendar="x")


def _ints(arr: pa.Array) -> list[int | None]:
    out: list[int | None] = arr.cast(pa.int32()).to_pylist()
    return out


_digits4 = st.integers(min_value=0, max_value=9999).map(lambda y: f"{y:04d}")
_year = st.one_of(
    _digits4,
    _digits4.filter(lambda y: y != "0000").map(lambda y: "-" + y),
    st.tuples(_digits4, st.integers(1, 4)).map(lambda t: t[0][: 4 - t[1]] + "X" * t[1]),
    st.integers(10_000, 2_000_000).map(lambda y: f"Y{y}"),
    st.integers(10_000, 2_000_000).map(lambda y: f"Y-{y}"),
)
_plain_year = st.one_of(_digits4, _digits4.filter(lambda y: y != "0000").map(lambda y: "-" + y))
_month = st.one_of(st.integers(1, 12).map(lambda m: f"{m:02d}"), st.just("XX"))
_single = st.one_of(
    _year,
    st.tuples(_plain_year, _month).map("-".join),
    st.tuples(_plain_year, st.integers(21, 24)).map(lambda t: f"{t[0]}-{t[1]}"),
    st.tuples(_plain_year, st.integers(1, 12), st.integers(1, 31)).map(
        lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"
    ),
    st.tuples(_plain_year, _month).map(lambda t: f"{t[0]}-{t[1]}-XX"),
    st.dates().map(lambda d: d.isoformat()),
)
_qualified = st.tuples(_single, st.sampled_from(["", "?", "~", "%"])).map("".join)
_edtf_like = st.one_of(
    _qualified,
    st.tuples(_qualified, _qualified).map("/".join),
    st.tuples(st.sampled_from(["..", ""]), _qualified).map("/".join),
    st.tuples(_qualified, st.sampled_from(["..", ""])).map("/".join),
    st.text(alphabet="0123456789-/.X?~%Y ", max_size=12),  # mostly invalid
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_edtf_like, st.booleans()), min_size=1, max_size=8))
def test_derive_equals_parse_for_every_value_and_calendar(rows: list) -> None:
    values = [v for v, _ in rows]
    julian = [j for _, j in rows]
    d = derive_dates(pa.array(values, pa.string()), calendar=pa.array(julian))
    for i, (value, is_julian) in enumerate(rows):
        calendar = "julian" if is_julian else "gregorian"
        try:
            b = parse(value, calendar)
        except EDTFError as exc:
            assert d.errors[i] == str(exc)
            assert d.earliest[i].as_py() is None
            continue
        assert i not in d.errors
        got = {part: d.part(part)[i].as_py() for part in ("precision", "start", "end")}
        assert got == {"precision": b.precision, "start": b.start, "end": b.end}
        assert (_ints(d.earliest)[i], _ints(d.latest)[i]) == (b.earliest, b.latest)
        assert (d.uncertain[i].as_py(), d.approximate[i].as_py()) == (b.uncertain, b.approximate)
        assert MIN_DAY <= b.earliest <= b.latest <= MAX_DAY


_day = st.dates().map(lambda d: d.isoformat())
_days = st.one_of(
    _day,
    _day,
    st.tuples(_day, _day).map("/".join),
    _edtf_like,
    st.text(max_size=21),  # any text, a day's length of bytes in other characters included
    st.text(alphabet="0123456789-é", min_size=9, max_size=10),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_days, st.one_of(st.booleans(), st.none())), min_size=1, max_size=10))
def test_derive_by_rows_equals_derive_by_distinct_values(rows: list) -> None:
    """The days read row by row (plain_days) and every other row by its distinct value give
    what encoding the whole column gives: each part's type, values and nulls, and errors."""
    values = pa.array([v for v, _ in rows], pa.string())
    for calendar in (None, pa.array([j for _, j in rows], pa.bool_())):
        by_rows = derive_rows(values, calendar)
        by_values = derive_encoded(*encode(values), calendar=calendar)
        for part in (*PARTS, *EXTRA_PARTS):
            assert by_rows.part(part).equals(by_values.part(part)), part
        assert by_rows.errors == by_values.errors
    # derive_dates takes this road for strings in the Gregorian calendar or flagged per row
    assert derive_dates(values).earliest.equals(derive_rows(values).earliest)


@given(_qualified)
def test_julian_and_gregorian_differ_by_the_calendar_drift_only(value: str) -> None:
    """Days of a Julian value = the same calendar days in the Gregorian calendar, shifted by
    the drift of that era (0 days in the 3rd century, 10 in 1582, 13 since 1900)."""
    try:
        g, j = parse(value), parse(value, "julian")
    except EDTFError:
        return
    drift = j.earliest - g.earliest
    y = civil_from_days(g.earliest)[0]
    assert drift == y // 100 - y // 400 - 2 or drift == (y - 1) // 100 - (y - 1) // 400 - 2


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(["2019", "2020-06", "x", "2022-02-04"]), unique=True),
            st.booleans(),  # share the previous chunk's dictionary
            st.lists(st.integers(0, 9), max_size=6),
        ),
        max_size=5,
    )
)
def test_encode_maps_every_row_to_its_string_across_dictionaries(chunks: list) -> None:
    """Chunks with their own dictionaries, some shared (as a Parquet row group's are)."""
    arrays, expected, previous = [], [], None
    for words, share, picks in chunks:
        dictionary = previous if share and previous is not None else pa.array(words, pa.string())
        previous = dictionary
        n = len(dictionary)
        idx = [p % n if n and p != 9 else None for p in picks]  # 9: a null row
        arrays.append(pa.DictionaryArray.from_arrays(pa.array(idx, pa.int32()), dictionary))
        expected += [None if i is None else dictionary[i].as_py() for i in idx]
    values = pa.chunked_array(arrays, pa.dictionary(pa.int32(), pa.string()))
    uniq, idx = encode(values)
    assert pc.take(uniq, idx).to_pylist() == expected
    assert len(set(uniq.to_pylist())) == len(uniq)  # each string once
