"""Loaders: real dtypes, whole datasets, Arrow, filters, any dataset directory."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import chrono
from chrono.build import write_dataset
from chrono.cli import main
from chrono.model import dates
from chrono.package import DatasetError
from conftest import table_file

EXPECTED_EVENT_DTYPES = {
    "id": "string",
    "title": "string",
    "summary": "string",
    "type": "category",
    "status": "category",
    "date": "string",
    "earliest": "datetime64[s]",
    "latest": "datetime64[s]",
    "precision": "category",
    "uncertain": "boolean",
    "approximate": "boolean",
    "place_id": "string",
    "parent_id": "string",
}


def test_event_dtypes(mini_src: Path) -> None:
    events = chrono.load("events", mini_src)
    assert {c: str(t) for c, t in events.dtypes.items()} == EXPECTED_EVENT_DTYPES
    assert list(events["type"].cat.categories[:3]) == [
        "state_visit",
        "official_visit",
        "working_visit",
    ]
    assert events["id"].tolist() == ["meeting-2019", "meeting-2020", "summit-2020"]
    assert events["earliest"].tolist() == [
        pd.Timestamp(2019, 1, 1),
        pd.Timestamp(2020, 6, 2),
        pd.Timestamp(2020, 6, 1),
    ]
    assert events["parent_id"].isna().tolist() == [True, False, True]


def test_every_table_has_model_dtypes(mini_src: Path) -> None:
    tables = chrono.load_dataset(mini_src)
    assert list(tables) == ["places", "actors", "sources", "events", "participants", "claims"]
    assert str(tables["places"]["latitude"].dtype) == "Float64"
    assert tables["places"]["latitude"].tolist()[0] == 10.5
    assert str(tables["claims"]["stance"].dtype) == "category"
    assert str(tables["sources"]["published_latest"].dtype) == "datetime64[s]"
    assert tables["claims"]["value"].isna().sum() == 3  # the occurrence claims


def test_load_arrow_keeps_stored_types(mini_src: Path) -> None:
    table = chrono.load_arrow("events", mini_src)
    assert table.schema.field("earliest").type == pa.date32()
    assert pa.types.is_dictionary(table.schema.field("status").type)


def test_datapackage_json_path_works_too(mini_src: Path) -> None:
    assert len(chrono.load("claims", mini_src / "datapackage.json")) == 8


def test_bundled_datasets_are_listed_and_load() -> None:
    assert "russia-china-summits" in chrono.list_datasets()
    events = chrono.load("events")
    assert {"xi-state-visit-russia-2019", "joint-statement-beijing-2022"} <= set(events["id"])


def test_events_between_uses_the_bounds(mini_src: Path) -> None:
    got = chrono.events_between("2020-06-03", "2020", mini_src)["id"].tolist()
    assert got == ["meeting-2020", "summit-2020"]
    assert chrono.events_between(dt.date(2019, 12, 31), dt.date(2020, 1, 1), mini_src)[
        "id"
    ].tolist() == ["meeting-2019"]
    assert chrono.events_between("2021", "2022", mini_src).empty
    # an open end: None or EDTF's ".."
    assert chrono.events_between("2020-06-03", None, mini_src)["id"].tolist() == got
    assert chrono.events_between("..", "2019", mini_src)["id"].tolist() == ["meeting-2019"]
    assert len(chrono.events_between(None, "..", mini_src)) == 3
    with pytest.raises(ValueError) as caught:  # a reversed period is a mistake, not "none"
        chrono.events_between("2021", "2020-06", mini_src)
    assert str(caught.value) == "period: the start (2021) is after the end (2020-06)"
    assert len(chrono.events_between("2020-06", "2020-06", mini_src)) == 2


def test_events_between_treats_open_and_unknown_ends_as_reaching_the_range_end(
    mini: Path,
) -> None:
    """An open or unknown end overlaps every period on its side; it is never a real day."""
    for name, old, new in [
        ("meeting-2019", "2019", "../2019"),  # open start
        ("summit-2020", "2020-06", "2020-06/"),  # unknown end
    ]:
        path = mini / "events" / f"{name}.yaml"
        text = path.read_text().replace(f"date: {old}\n", f"date: {new}\n")
        for given, end in ((old, "\n"), (f'"{old}"', "\n"), (old, "}")):
            text = text.replace(f"value: {given}{end}", f'value: "{new}"{end}')
        if new.endswith("/"):  # its sources report it as under way, not as past
            text = text.replace(
                "ministry-2020-06, property:", "ministry-2020-06, mode: ongoing, property:"
            )
        path.write_text(text)
    result = CliRunner().invoke(main, ["build", str(mini)])
    assert result.exit_code == 0, result.output

    def between(start: str, end: str) -> list[str]:
        ids: list[str] = chrono.events_between(start, end, mini)["id"].tolist()
        return ids

    assert between("1000", "1000") == ["meeting-2019"]
    assert between("-0043", "-0043") == ["meeting-2019"]
    assert between("2030", "2030") == ["summit-2020"]
    assert between("2020", "2020") == ["meeting-2020", "summit-2020"]
    assert between("2019-06", "2019-06") == ["meeting-2019"]
    assert between("../1500", "1500") == ["meeting-2019"]  # a query may be open too
    events = chrono.load_arrow("events", mini)
    latest = events["latest"].cast(pa.int32()).to_pylist()
    assert latest[events["id"].to_pylist().index("summit-2020")] == dates.MAX_DAY
    assert [dates.parse(d).end for d in events["date"].to_pylist()] == ["known", "known", "unknown"]


def test_events_with_actor(mini_src: Path) -> None:
    assert chrono.events_with_actor("leader-b", mini_src)["id"].tolist() == [
        "meeting-2019",
        "meeting-2020",
    ]
    assert chrono.events_with_actor("leader-b", mini_src, role="guest")["id"].tolist() == [
        "meeting-2020"
    ]
    # an actor that is there, in a role it never has: nothing; one that is not: an error
    assert chrono.events_with_actor("state-a", mini_src, role="guest").empty
    with pytest.raises(ValueError) as caught:
        chrono.events_with_actor("nobody", mini_src)
    assert str(caught.value) == "no actor 'nobody' in mini (there are: leader-a, leader-b, state-a)"
    with pytest.raises(ValueError) as caught:
        chrono.events_with_actor("leader-a", mini_src, role="hosts")
    assert str(caught.value) == "no role 'hosts' in the role vocabulary; did you mean 'host'?"


def test_unknown_table_and_dataset_are_clear_errors(mini_src: Path) -> None:
    with pytest.raises(DatasetError, match=r"^no table 'event' \(tables: places, actors"):
        chrono.load("event", mini_src)
    with pytest.raises(DatasetError, match=r"^no dataset 'nope': not a directory"):
        chrono.load("events", "nope")


def test_bce_and_far_future_dates_load(tmp_path: Path, mini_src: Path) -> None:
    tables = {name: chrono.load_arrow(name, mini_src) for name in chrono.load_dataset(mini_src)}
    events = tables["events"]
    earliest = pa.array([-735599, 0, 4_000_000], pa.int32()).cast(pa.date32())
    events = events.set_column(events.schema.get_field_index("earliest"), "earliest", earliest)
    tables["events"] = events
    directory = write_dataset(
        tmp_path / "odd",
        tables,
        {"name": "odd", "title": "Odd", "version": "0.0.1", "license": "CC0-1.0"},
    )
    frame = chrono.load("events", directory)
    values = (frame["earliest"].astype("int64") // 86400).tolist()
    assert values == [-735599, 0, 4_000_000]  # 45 BCE and year 12921 survive
    assert frame["earliest"].dt.year.tolist() == [-44, 1970, 12921]


def test_loaded_frames_work_from_a_copied_directory(tmp_path: Path, mini_src: Path) -> None:
    copy = tmp_path / "elsewhere"
    shutil.copytree(mini_src, copy)
    assert chrono.load("events", copy).equals(chrono.load("events", mini_src))
    assert isinstance(chrono.load("events", str(copy)), pd.DataFrame)


def test_value_outside_the_vocabulary_is_kept_not_dropped(tmp_path: Path, mini_src: Path) -> None:
    directory = tmp_path / "odd"
    shutil.copytree(mini_src, directory)
    events = chrono.load_arrow("events", directory)
    status = pa.array(["confirmed", "rumoured", "confirmed"]).dictionary_encode()
    events = events.set_column(events.schema.get_field_index("status"), "status", status)
    pq.write_table(events, table_file(directory, "events"))
    frame = chrono.load("events", directory)
    assert frame["status"].tolist() == ["confirmed", "rumoured", "confirmed"]
    assert list(frame["status"].cat.categories[-2:]) == ["cancelled", "rumoured"]


def test_write_dataset_refuses_a_value_outside_the_vocabulary(
    tmp_path: Path, mini_src: Path
) -> None:
    tables = {name: chrono.load_arrow(name, mini_src) for name in chrono.load_dataset(mini_src)}
    events = tables["events"]
    status = pa.array(["confirmed", "rumoured", "confirmed"])
    tables["events"] = events.set_column(events.schema.get_field_index("status"), "status", status)
    meta = {"name": "odd", "title": "Odd", "version": "0.0.1", "license": "CC0-1.0"}
    with pytest.raises(
        ValueError, match=r"^events.status: 'rumoured' is not a term of the status vocabulary$"
    ):
        write_dataset(tmp_path / "odd", tables, meta)
