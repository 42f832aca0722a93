"""DataFrames that behave: every ordinary pandas operation on dates of any year.

The far-dates dataset has an event on 15 March 44 BCE, one on 2-3 June 2020 and one from
December 9999 to the end of the year 10000. The tests run on every supported pandas
(the CI's lowest-versions job installs pandas 2.2).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import chrono
from chrono.model.dates import days_from_civil

PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3
#: How pandas writes year -43 (astronomical, = 44 BCE): pandas 3 pads to three digits.
BCE = "-043-03-15" if PANDAS_3 else "-43-03-15"
IDS = ["meeting-2019", "meeting-2020", "summit-2020"]


def seconds(year: int, month: int, day: int) -> int:
    return days_from_civil(year, month, day) * 86400


@pytest.fixture
def events(far_dates: Path) -> pd.DataFrame:
    return chrono.load("events", far_dates)


def test_date_columns_are_datetime64_seconds_everywhere(far_dates: Path) -> None:
    tables = chrono.load_dataset(far_dates)
    dated = {
        (name, col): str(frame[col].dtype)
        for name, frame in tables.items()
        for col in frame.columns
        if col.endswith(("earliest", "latest"))
    }
    assert dated == {
        ("sources", "published_earliest"): "datetime64[s]",
        ("sources", "published_latest"): "datetime64[s]",
        ("sources", "retrieved_earliest"): "datetime64[s]",
        ("sources", "retrieved_latest"): "datetime64[s]",
        ("events", "earliest"): "datetime64[s]",
        ("events", "latest"): "datetime64[s]",
        ("claims", "earliest"): "datetime64[s]",
        ("claims", "latest"): "datetime64[s]",
    }
    # the Parquet keeps date32 for other readers, and load_arrow returns it as stored
    assert chrono.load_arrow("events", far_dates).schema.field("earliest").type == pa.date32()


def test_values_are_exact_for_any_year(events: pd.DataFrame) -> None:
    assert events["id"].tolist() == IDS
    assert events["earliest"].astype("int64").tolist() == [
        seconds(-43, 3, 15),
        seconds(2020, 6, 2),
        seconds(9999, 12, 1),
    ]
    assert events["latest"].astype("int64").tolist() == [
        seconds(-43, 3, 15),
        seconds(2020, 6, 3),
        seconds(10000, 12, 31),
    ]
    assert events["earliest"].dt.year.tolist() == [-43, 2020, 9999]
    assert events["latest"].dt.year.tolist() == [-43, 2020, 10000]
    assert events["earliest"].dt.month.tolist() == [3, 6, 12]


def test_printing_and_exports(events: pd.DataFrame) -> None:
    frame = events[["id", "earliest", "latest"]]
    printed = str(frame).splitlines()
    assert printed[1].split() == ["0", "meeting-2019", BCE, BCE]
    assert printed[3].split() == ["2", "summit-2020", "9999-12-01", "10000-12-31"]
    assert frame.to_csv(index=False).splitlines() == [
        "id,earliest,latest",
        f"meeting-2019,{BCE},{BCE}",
        "meeting-2020,2020-06-02,2020-06-03",
        "summit-2020,9999-12-01,10000-12-31",
    ]
    records = frame.to_dict("records")
    assert [r["earliest"].year for r in records] == [-43, 2020, 9999]
    assert all(isinstance(r["latest"], pd.Timestamp) for r in records)
    iso = json.loads(frame.to_json(orient="records", date_format="iso"))
    assert [r["latest"][:11] for r in iso] == ["-043-03-15T", "2020-06-03T", "10000-12-31"]
    back = pd.read_parquet(io.BytesIO(frame.to_parquet()))  # Parquet stores milliseconds
    assert back["latest"].astype("datetime64[s]").equals(frame["latest"])


@pytest.mark.skipif(not PANDAS_3, reason="pandas 2.2 writes non-nanosecond epochs wrongly")
@pytest.mark.filterwarnings("ignore:The default formatting of datetime")
def test_to_json_without_date_format(events: pd.DataFrame) -> None:
    out = json.loads(events[["earliest"]].to_json())
    assert list(out["earliest"].values()) == [
        seconds(-43, 3, 15) * 1000,
        seconds(2020, 6, 2) * 1000,
        seconds(9999, 12, 1) * 1000,
    ]


def test_min_max_sort(events: pd.DataFrame) -> None:
    assert events["earliest"].min() == pd.Timestamp(np.datetime64("-0043-03-15", "s"))
    assert events["latest"].max().year == 10000
    assert events.sort_values("latest", ascending=False)["id"].tolist() == IDS[::-1]
    assert events["latest"].sort_values().dt.year.tolist() == [-43, 2020, 10000]


def test_comparisons(events: pd.DataFrame) -> None:
    after_2000 = ["meeting-2020", "summit-2020"]
    assert events[events["earliest"] >= "2000-01-01"]["id"].tolist() == after_2000
    assert events[events["earliest"] >= pd.Timestamp("2000-01-01")]["id"].tolist() == after_2000
    day = dt.date(2000, 1, 1)  # pandas compares datetime64 with Timestamps, not with dates
    assert events[events["earliest"] >= pd.Timestamp(day)]["id"].tolist() == after_2000
    assert events[events["latest"] < np.datetime64("0001-01-01")]["id"].tolist() == IDS[:1]
    assert events["earliest"].between("2020-01-01", "2020-12-31").tolist() == [False, True, False]


def test_null_dates_are_nat(far_dates: Path) -> None:
    claims = chrono.load("claims", far_dates)
    occurrence = claims[claims["property"] == "occurrence"]
    assert occurrence["earliest"].isna().all() and len(occurrence) == 3
    dated = claims[claims["property"] == "date"].set_index("id")
    assert dated.loc["meeting-2019/date/gazette-2020-05-01/paragraph-2", "earliest"].year == -43
    assert dated.loc["summit-2020/date/ministry-2020-06", "latest"].year == 10000


def test_the_whole_date32_range_fits() -> None:
    days = pa.array([-(2**31), -1, 0, 2**31 - 1, None], pa.int32()).cast(pa.date32())
    table = pa.table({"published_earliest": days})
    frame = chrono.to_pandas("sources", table)
    col = frame["published_earliest"]
    assert str(col.dtype) == "datetime64[s]"
    assert col.iloc[:4].astype("int64").tolist() == [
        -(2**31) * 86400,
        -86400,
        0,
        (2**31 - 1) * 86400,
    ]
    assert col.isna().tolist() == [False, False, False, False, True]
    assert col.dt.year.iloc[[0, 3]].tolist() == [-5877641, 5881580]


def test_precision_is_ordered_coarsest_to_finest(events: pd.DataFrame, far_dates: Path) -> None:
    precision = events["precision"]
    assert precision.cat.ordered
    assert list(precision.cat.categories) == [
        "unknown",
        "millennium",
        "century",
        "decade",
        "year",
        "season",
        "month",
        "day",
    ]
    assert events[precision >= "month"]["id"].tolist() == ["meeting-2019", "meeting-2020"]
    assert events.sort_values("precision")["id"].tolist() == ["summit-2020", *IDS[:2]]
    claims = chrono.load("claims", far_dates)
    assert claims["precision"].cat.ordered
    assert claims["precision"].isna().sum() == 4  # occurrence and type claims have none
    assert str(claims["precision"].max()) == "day"


def test_an_unknown_precision_is_kept_and_ranks_lowest() -> None:
    table = pa.table({"precision": pa.array(["day", "fortnight", None]).dictionary_encode()})
    frame = chrono.to_pandas("events", table)
    assert frame["precision"].astype("object").tolist()[:2] == ["day", "fortnight"]
    assert list(frame["precision"].cat.categories[:2]) == ["fortnight", "unknown"]
    assert (frame["precision"] >= "century").tolist() == [True, False, False]


def test_events_between_takes_timestamps_of_any_year(events: pd.DataFrame, far_dates: Path) -> None:
    lo, hi = events["earliest"].min(), events["latest"].min()
    assert chrono.events_between(lo, hi, far_dates)["id"].tolist() == ["meeting-2019"]
    assert chrono.events_between("9999", "Y10000", far_dates)["id"].tolist() == ["summit-2020"]
    when = dt.datetime(2020, 6, 3, 12, 0)
    assert chrono.events_between(when, when, far_dates)["id"].tolist() == ["meeting-2020"]
