"""Exports written a batch of rows at a time: the bytes do not depend on the batch size."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.views import export
from chrono.views.export import stream
from views_data import write_ancient

BUNDLED = "russia-china-summits"
STREAMED = ["json", "ndjson", "jsonld", "ics", "geojson", "timelinejs", "sqlite"]


@pytest.fixture(scope="module")
def ancient(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ancient(tmp_path_factory.mktemp("views") / "ancient")


def written(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return {"": path.read_bytes()}


@pytest.mark.parametrize("fmt", STREAMED)
@pytest.mark.parametrize("which", ["bundled", "ancient"])
def test_output_does_not_depend_on_the_batch_size(
    fmt: str, which: str, ancient: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # iCalendar's DTSTAMP
    dataset = BUNDLED if which == "bundled" else ancient
    whole = export.export(fmt, dataset, tmp_path / "default")
    monkeypatch.setattr(stream, "BATCH_ROWS", 3)
    small = export.export(fmt, dataset, tmp_path / "small")
    assert small == export.ExportResult(fmt, tmp_path / "small", whole.rows, whole.notes)
    assert written(tmp_path / "small") == written(tmp_path / "default")


@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_streamed_records_are_json_dump_with_indent(size: int) -> None:
    records = [{"a": 1, "b": "x\ny\u2028é", "c": None, "d": 1.5, "e": True}, {}, {"k": ""}]
    doc = {"name": "n", "tables": {"x": records, "y": []}}
    fh = io.StringIO()
    streamed = {
        "x": stream.Streamed(stream.batched(records, size), flat=True),
        "y": stream.Streamed([], flat=True),
    }
    stream.write_json(fh, {"name": "n", "tables": streamed})
    assert fh.getvalue() == json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_streamed_json_is_json_dump_with_indent(size: int) -> None:
    items = [{"a": 1, "b": [1, {"c": "x\ny\u2028"}], "d": {}, "e": []}, [], {}, "é", None]
    doc = {"name": "n", "tables": {"x": items, "y": [], "z": {"k": [[1], 2]}}}
    fh = io.StringIO()
    stream.write_json(
        fh,
        {
            "name": "n",
            "tables": {
                "x": stream.Streamed(stream.batched(items, size)),
                "y": stream.Streamed([[]]),
                "z": {"k": stream.Streamed(stream.batched([[1], 2], size))},
            },
        },
    )
    assert fh.getvalue() == json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def test_streamed_json_adds_a_key_after_the_items() -> None:
    fh = io.StringIO()
    stream.write_json(
        fh, {"events": stream.Streamed([[1], [2]])}, after=lambda: ',\n "scale": "cosmological"'
    )
    assert fh.getvalue() == '{\n "events": [\n  1,\n  2\n ],\n "scale": "cosmological"\n}\n'


def test_a_timeline_beyond_javascript_dates_says_its_scale_after_the_slides(
    ancient: Path,
) -> None:
    import pyarrow as pa

    from chrono.dataset import Dataset
    from chrono.model.dates import days_from_civil
    from chrono.views.data import read_tables
    from chrono.views.export.timelinejs import Timeline

    tables = read_tables(Dataset.open(ancient))
    events = tables["events"]
    far = pa.array([days_from_civil(-300_000, 1, 1)] * events.num_rows, pa.int32())
    i = events.schema.get_field_index("earliest")
    tables["events"] = events.set_column(i, "earliest", far.cast(pa.date32()))
    timeline = Timeline(tables, {"title": "t", "name": "n", "version": None})
    fh = io.StringIO()
    stream.write_json(fh, timeline.doc, after=timeline.scale)
    doc = json.loads(fh.getvalue())
    assert list(doc) == ["title", "events", "scale"]
    assert doc["scale"] == "cosmological"
    assert fh.getvalue().endswith('\n ],\n "scale": "cosmological"\n}\n')


def test_sqlite_refuses_rows_that_break_a_key_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa

    from chrono.views.export import sqlite

    opened = sqlite.open_dataset

    def broken(dataset: object) -> object:
        ds, tables = opened(dataset)  # type: ignore[arg-type]
        parts = tables["participants"]
        i = parts.schema.get_field_index("event_id")
        ids = [f"no-such-event-{n}" for n in range(parts.num_rows)]
        tables["participants"] = parts.set_column(i, "event_id", pa.array(ids))
        return ds, tables

    monkeypatch.setattr(sqlite, "open_dataset", broken)
    with pytest.raises(
        export.ExportError, match=r"^the data breaks a key: FOREIGN KEY constraint failed$"
    ):
        export.export("sqlite", BUNDLED, tmp_path / "out.sqlite")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "item",
    [
        {"@id": "_:e", "n": [1, -0.0, 1e300, 10**20, True, False, None], "o": {}, "l": []},
        {"t": 'a"b\\c\n\u2028é\x00\x1f', "nested": [{"x": [[], {}]}, ("a", 1.5)]},
        {"nan": float("nan"), "inf": [float("inf"), float("-inf")]},
        {1: "a key that is not text", "s": "the json module writes it"},
        [],
        "text",
    ],
)
@pytest.mark.parametrize("depth", [0, 1, 3])
def test_a_nested_item_is_dumped_as_json_dumps_indents_it(item: object, depth: int) -> None:
    def at_depth(items: object) -> object:
        return [items] if depth == 0 else {"g": items} if depth == 1 else {"a": {"b": items}}

    fh = io.StringIO()
    stream.write_json(fh, at_depth(stream.Streamed([[item]])))
    assert fh.getvalue() == json.dumps(at_depth([item]), ensure_ascii=False, indent=1) + "\n"


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_json_values, max_size=5), st.lists(_json_values, max_size=3))
def test_streamed_lists_are_what_json_dump_writes(items: list[object], tail: list[object]) -> None:
    """Any JSON values, in a list streamed a batch at a time beside plain ones, are written
    as ``json.dump(..., indent=1)`` writes the whole document."""
    doc = {"before": tail, "items": stream.Streamed([items[:2], items[2:]]), "after": tail}
    fh = io.StringIO()
    stream.write_json(fh, doc)
    whole = {"before": tail, "items": items, "after": tail}
    assert fh.getvalue() == json.dumps(whole, ensure_ascii=False, indent=1) + "\n"


def test_sqlite_that_cannot_build_its_database_says_where_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full temporary folder: one line naming it (exit 3), the folder removed, no output."""
    import sqlite3
    import tempfile

    from click.testing import CliRunner

    from chrono.cli import main
    from chrono.views.export import sqlite

    def full(*args: object) -> dict[str, int]:
        raise sqlite3.OperationalError("database or disk is full")

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(sqlite, "_fill", full)
    result = CliRunner().invoke(main, ["export", "sqlite", "-o", str(tmp_path / "out.sqlite")])
    assert result.exit_code == 3
    work = result.output.split(" (TMPDIR")[0].rpartition(" ")[2]
    assert result.output == (
        f"Error: cannot build the database in the temporary folder {work} "
        "(TMPDIR names another): database or disk is full\n"
    )
    assert work.startswith(f"{scratch}/chrono-sqlite-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scratch"]
    assert list(scratch.iterdir()) == []


def test_xlsx_sheets_do_not_depend_on_the_batch_size(
    ancient: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    def parts(path: Path) -> dict[str, bytes]:
        with zipfile.ZipFile(path) as z:  # all but the time it was written (core.xml)
            return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}

    for dataset in (BUNDLED, ancient):
        export.export("xlsx", dataset, tmp_path / "default.xlsx", force=True)
        monkeypatch.setattr(stream, "BATCH_ROWS", 3)
        export.export("xlsx", dataset, tmp_path / "small.xlsx", force=True)
        monkeypatch.undo()
        assert parts(tmp_path / "small.xlsx") == parts(tmp_path / "default.xlsx")


def _listed_twice() -> dict[str, object]:
    """Tables whose keys are broken: event ``a`` and place ``p`` listed twice."""
    import pyarrow as pa

    day = pa.array([18262, 18263, 18262], pa.int32()).cast(pa.date32())
    events = pa.table(
        {
            "id": ["a", "b", "a"],
            "date": ["2020-01-01", "2020-01-02", "2020-01-01"],
            "earliest": day,
            "latest": day,
            "place_id": ["p", None, "p"],
        }
    )
    claims = pa.table({"id": ["c1", "c2", "c3"], "event_id": ["a", "b", "a"]})
    places = pa.table({"id": ["p", "q", "p"], "name": ["first", "other", "second"]})
    participants = pa.table({"event_id": ["b"], "actor_id": ["x"]})
    return {"events": events, "claims": claims, "places": places, "participants": participants}


@pytest.mark.parametrize("size", [1, 2, 3])
def test_an_id_listed_twice_has_its_rows_each_time_as_by_id_gives_them(size: int) -> None:
    from chrono.views.records import event_batches

    tables = _listed_twice()
    events = [e for batch in event_batches(tables, size) for e in batch]  # type: ignore[arg-type]
    assert [(e["id"], [c["id"] for c in e["claims"]]) for e in events] == [
        ("a", ["c1", "c3"]),
        ("b", ["c2"]),
        ("a", ["c1", "c3"]),
    ]
    assert [e["place"] and e["place"]["name"] for e in events] == ["second", None, "second"]
    assert [[p["actor_id"] for p in e["participants"]] for e in events] == [[], ["x"], []]


@pytest.mark.parametrize("size", [1, 2, 100])
def test_a_place_listed_twice_holds_its_events_each_time(size: int) -> None:
    from chrono.views.records import Grouped

    tables = _listed_twice()
    at = Grouped(tables["events"], "place_id", tables["places"]["id"])  # type: ignore[arg-type]
    groups = [g for lo, hi in at.spans(size) for g in at.of(lo, hi)]
    assert [[e["id"] for e in g] for g in groups] == [["a", "a"], [], ["a", "a"]]
    assert len(at) == 4


def test_ics_lists_each_omitted_event_of_an_id_listed_twice() -> None:
    import pyarrow as pa

    from chrono.model.dates import days_from_civil
    from chrono.views.export.ics import omitted_events

    first, last = days_from_civil(-43, 1, 1), days_from_civil(-43, 12, 31)
    events = pa.table(
        {
            "id": ["a", "a"],
            "date": ["-0043", "-0043"],
            "earliest": pa.array([first, first], pa.int32()).cast(pa.date32()),
            "latest": pa.array([last, last], pa.int32()).cast(pa.date32()),
            "precision": ["year", "year"],
            "uncertain": [False, False],
            "approximate": [False, False],
        }
    )
    assert [(i, d) for i, _, d in omitted_events({"events": events})] == [
        ("a", "-0043"),
        ("a", "-0043"),
    ]
