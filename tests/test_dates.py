"""EDTF parsing: bounds, precision, qualifiers, errors; cross-checked against the edtf package."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.model.dates import (
    EDTFError,
    civil_from_days,
    days_from_civil,
    format_day,
    parse,
)
from chrono.model.derive import derive_dates, encode


def day(text: str) -> int:
    return (dt.date.fromisoformat(text) - dt.date(1970, 1, 1)).days


@pytest.mark.parametrize(
    ("value", "earliest", "latest", "precision", "uncertain", "approximate"),
    [
        ("2019", "2019-01-01", "2019-12-31", "year", False, False),
        ("2022-02", "2022-02-01", "2022-02-28", "month", False, False),
        ("2024-02", "2024-02-01", "2024-02-29", "month", False, False),
        ("2022-02-04", "2022-02-04", "2022-02-04", "day", False, False),
        ("2023-03-20/2023-03-22", "2023-03-20", "2023-03-22", "day", False, False),
        ("2019-06-05/2019-06-07?", "2019-06-05", "2019-06-07", "day", True, False),
        ("2014/2015-06", "2014-01-01", "2015-06-30", "year", False, False),
        ("2019~", "2019-01-01", "2019-12-31", "year", False, True),
        ("2014-09?", "2014-09-01", "2014-09-30", "month", True, False),
        ("2004-06-11%", "2004-06-11", "2004-06-11", "day", True, True),
        ("201X", "2010-01-01", "2019-12-31", "decade", False, False),
        ("19XX", "1900-01-01", "1999-12-31", "century", False, False),
        ("2019-XX", "2019-01-01", "2019-12-31", "year", False, False),
        ("1985-04-XX", "1985-04-01", "1985-04-30", "month", False, False),
        ("2019-21", "2019-03-01", "2019-05-31", "season", False, False),
        ("2019-24", "2019-12-01", "2020-02-29", "season", False, False),
    ],
)
def test_bounds_and_precision(
    value: str, earliest: str, latest: str, precision: str, uncertain: bool, approximate: bool
) -> None:
    b = parse(value)
    assert (b.earliest, b.latest) == (day(earliest), day(latest))
    assert (b.precision, b.uncertain, b.approximate) == (precision, uncertain, approximate)


def test_bce_years_use_astronomical_numbering() -> None:
    b = parse("-0044-03-15")
    assert format_day(b.earliest) == "-0044-03-15"
    assert b.earliest == days_from_civil(-44, 3, 15) == -735525
    assert parse("0000").precision == "year"  # year 0 is 1 BCE
    assert format_day(parse("0000").latest) == "0000-12-31"


def test_far_future_long_years() -> None:
    b = parse("Y12345")
    assert format_day(b.earliest) == "+12345-01-01"
    assert format_day(b.latest) == "+12345-12-31"
    assert parse("Y-12345").precision == "year"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1900-02-29", "'1900-02-29': 1900-02 has no day 29"),
        ("2019-13", "'2019-13' is not an EDTF level 0/1 date"),
        (" 2019", "' 2019': leading or trailing white space"),
        ("2019/..", "'2019/..': open or unknown interval ends are not supported"),
        ("2019/", "'2019/': open or unknown interval ends are not supported"),
        ("2019-06-05T10:00", "'2019-06-05T10:00': times of day are not supported (dates only)"),
        ("2020/2019", "'2020/2019': the interval ends before it starts"),
        ("2019-21-03", "'2019-21-03': a season cannot have a day"),
        ("Y170000002", "'Y170000002': year outside the supported range -5877640 to 5881579"),
        ("{1667,1668}", "'{1667,1668}' is not an EDTF level 0/1 date"),
        ("201X-05", "'201X-05': a year with unspecified digits cannot have a month"),
        ("2019-XX-05", "'2019-XX-05': a day needs a specified month"),
    ],
)
def test_rejected_with_reason(value: str, message: str) -> None:
    with pytest.raises(EDTFError) as exc:
        parse(value)
    assert str(exc.value) == message


def test_derive_dates_is_column_wise_and_reports_bad_rows() -> None:
    d = derive_dates(pa.array(["2019", None, "nope", "2019", "-0044"]))
    assert d.earliest.cast(pa.int32()).to_pylist() == [17897, None, None, 17897, -735599]
    assert d.precision.to_pylist() == ["year", None, None, "year", "year"]
    assert d.errors == {2: "'nope' is not an EDTF level 0/1 date"}


@given(st.integers(min_value=-2_000_000, max_value=2_000_000))
def test_civil_days_round_trip(days: int) -> None:
    assert days_from_civil(*civil_from_days(days)) == days


@given(st.dates())
def test_days_from_civil_agrees_with_datetime(d: dt.date) -> None:
    assert days_from_civil(d.year, d.month, d.day) == (d - dt.date(1970, 1, 1)).days


_years = st.integers(min_value=1, max_value=9999).map(lambda y: f"{y:04d}")
_single = st.one_of(
    _years,
    st.tuples(_years, st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.dates().map(lambda d: d.isoformat()),
)
_season = st.tuples(_years, st.integers(21, 23)).map(lambda t: f"{t[0]}-{t[1]}")
# edtf does not accept a qualified season; unqualified seasons are compared
_qualified = st.one_of(
    st.tuples(_single, st.sampled_from(["", "?", "~", "%"])).map("".join), _season
)


@settings(max_examples=60, deadline=None)  # the edtf package takes ~10 ms a parse
@given(st.one_of(_qualified, st.tuples(_qualified, _qualified).map("/".join)))
def test_agrees_with_the_edtf_package(value: str) -> None:
    """The edtf package is the oracle for every string both accept."""
    edtf = pytest.importorskip("edtf")
    try:
        ours = parse(value)
    except EDTFError:
        lo, hi = value.split("/") if "/" in value else (value, value)
        # we reject only intervals that end before they start
        assert parse(lo.rstrip("?~%")).earliest > parse(hi.rstrip("?~%")).latest
        return
    theirs = edtf.parse_edtf(value)
    lo, hi = theirs.lower_strict(), theirs.upper_strict()
    assert ours.earliest == days_from_civil(lo.tm_year, lo.tm_mon, lo.tm_mday)
    assert ours.latest == days_from_civil(hi.tm_year, hi.tm_mon, hi.tm_mday)


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
