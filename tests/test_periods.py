"""A period's ends: one rule for every way a date is given (chrono.model.periods)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chrono
from chrono.model.dates import days_from_civil
from chrono.model.periods import day_of, period_days

TOKYO = dt.timezone(dt.timedelta(hours=9))


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2022", days_from_civil(2022, 1, 1), days_from_civil(2022, 12, 31)),
        ("-0043", days_from_civil(-43, 1, 1), days_from_civil(-43, 12, 31)),
        ("44 BCE", days_from_civil(-43, 1, 1), days_from_civil(-43, 12, 31)),
        ("10 ce", days_from_civil(10, 1, 1), days_from_civil(10, 12, 31)),
        (dt.date(1969, 12, 31), -1, -1),
        (dt.datetime(1970, 1, 2, 23, 59), 1, 1),
        # a time with a time zone: the day on its own clock, whatever its type
        (dt.datetime(2023, 3, 20, 1, tzinfo=TOKYO), 19436, 19436),
        (pd.Timestamp("2023-03-20 01:00", tz="Asia/Tokyo"), 19436, 19436),
        (pd.Timestamp("2023-03-20 01:00"), 19436, 19436),
        (pd.Timestamp("0079-08-24"), days_from_civil(79, 8, 24), days_from_civil(79, 8, 24)),
        (np.datetime64("1969-12-31T23:00"), -1, -1),  # floored, not truncated
        (np.datetime64("-0043-03-15", "ms"), days_from_civil(-43, 3, 15), None),
        (np.datetime64("2023-03-20T05", "ns"), 19436, None),
        # a year or a month of numpy's: as an end, its last day, as EDTF's 2022 and 2024-02
        (np.datetime64("2022"), days_from_civil(2022, 1, 1), days_from_civil(2022, 12, 31)),
        (np.datetime64("2024-02"), days_from_civil(2024, 2, 1), days_from_civil(2024, 2, 29)),
        ("100000 BCE", days_from_civil(-99999, 1, 1), days_from_civil(-99999, 12, 31)),
        (None, None, None),
        ("..", None, None),
    ],
)
def test_a_date_given_any_way_is_one_day(value: object, start: int | None, end: int | None) -> None:
    assert day_of(value, end=False) == start
    assert day_of(value, end=True) == (start if end is None else end)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (pd.NaT, ValueError, "end is NaT (a missing date); give None for an open end"),
        (
            np.datetime64("NaT"),
            ValueError,
            "end is NaT (a missing date); give None for an open end",
        ),
        (float("nan"), ValueError, "end is NaN (a missing date); give None for an open end"),
        (
            2019,
            TypeError,
            "end: 2019 (int) is not a date; give EDTF text ('2022', '2022-09'), a date or a "
            "Timestamp, or None for an open end",
        ),
        (
            ["2019"],
            TypeError,
            "end: ['2019'] (list) is not a date; give EDTF text ('2022', '2022-09'), a date or a "
            "Timestamp, or None for an open end",
        ),
        ("soon", ValueError, "end: 'soon' is not an EDTF level 0/1 date"),
        ("0 BCE", ValueError, "end: '0 BCE': there is no year 0 (1 BCE is followed by 1 CE)"),
        ("0 CE", ValueError, "end: '0 CE': there is no year 0 (1 BCE is followed by 1 CE)"),
    ],
)
def test_a_missing_or_odd_value_is_an_error(value: object, error: type, message: str) -> None:
    with pytest.raises(error) as caught:
        day_of(value, end=True, what="end")
    assert str(caught.value) == message


def test_a_period_is_a_pair_or_one_edtf_value() -> None:
    assert period_days(("2022", None)) == (days_from_civil(2022, 1, 1), None)
    assert period_days(["..", "2013"]) == (None, days_from_civil(2013, 12, 31))
    assert period_days("2022") == (days_from_civil(2022, 1, 1), days_from_civil(2022, 12, 31))
    assert period_days("2019/2023-03") == (
        days_from_civil(2019, 1, 1),
        days_from_civil(2023, 3, 31),
    )
    assert period_days("2019/..") == (days_from_civil(2019, 1, 1), None)
    assert period_days("/2019") == (None, days_from_civil(2019, 12, 31))
    with pytest.raises(ValueError) as caught:
        period_days(("2023", "2022"))
    assert str(caught.value) == "period: the start (2023) is after the end (2022)"
    for odd in [("2019",), 5, ("a", "b", "c")]:
        with pytest.raises(TypeError) as caught:
            period_days(odd)
        assert str(caught.value) == (
            "period: give a (start, end) pair, e.g. ('2022', '2023') or ('2022', None), or one "
            f"EDTF value, not {odd!r}"
        )


@given(st.integers(min_value=-(2**40), max_value=2**40), st.sampled_from(["s", "ms", "us"]))
def test_numpy_dates_of_every_unit_floor_to_their_day(seconds: int, unit: str) -> None:
    scale = {"s": 1, "ms": 10**3, "us": 10**6}[unit]
    value = np.datetime64(seconds * scale, unit)
    assert day_of(value, end=False) == seconds // 86400


def test_events_between_refuses_a_missing_end_instead_of_finding_nothing() -> None:
    """A source's missing publication day (NaT) is not "before every event"."""
    with pytest.raises(ValueError) as caught:
        chrono.events_between(None, pd.NaT)
    assert str(caught.value) == "period end is NaT (a missing date); give None for an open end"
    tokyo = pd.Timestamp("2023-03-20 01:00", tz="Asia/Tokyo")
    same = chrono.events_between(tokyo, tokyo)["id"].tolist()
    assert (
        same == chrono.events_between(tokyo.to_pydatetime(), tokyo.to_pydatetime())["id"].tolist()
    )
    assert "xi-state-visit-russia-2023" in same
    assert chrono.events_between("2013 CE", np.datetime64("2013-12-31"))["id"].tolist() == (
        chrono.events_between("2013", "2013")["id"].tolist()
    )
