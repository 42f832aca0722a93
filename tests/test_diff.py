"""chrono.diff semantics: keyed matching, date change classes, renames, schema, provenance."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import chrono
from chrono.diffing import DatasetDiff, DiffError
from conftest import table_file
from test_diff_helpers import Rows, edit, mutate, read_rows, to_tables

Differ = Callable[..., DatasetDiff]


@pytest.fixture(params=["arrow", "duckdb"])
def diff(request: pytest.FixtureRequest) -> Differ:
    """chrono.diff with each engine: both must give the same answers."""
    return functools.partial(chrono.diff, engine=request.param)


def _version(tmp_path: Path, mini_src: Path, name: str, change: Any) -> Path:
    return mutate(mini_src, tmp_path / name, change)


@pytest.fixture
def base(tmp_path: Path, mini_src: Path) -> Path:
    """The mini dataset rewritten by the same writer as the changed versions."""
    return _version(tmp_path, mini_src, "base", lambda rows: None)


def test_same_input_is_empty(diff: Differ, mini_src: Path, base: Path) -> None:
    d = diff(mini_src, mini_src)
    assert d.is_empty
    assert [t.name for t in d.tables] == [
        "places",
        "actors",
        "sources",
        "events",
        "participants",
        "claims",
    ]
    # the same content written again (other bytes are allowed) is no difference either,
    # but the descriptor's metadata written with it is
    again = diff(mini_src, base)
    assert all(t.is_empty for t in again.tables) and not again.is_empty
    assert [(m.field, m.old, m.new) for m in again.metadata] == [
        ("version", "1.0.0", "1.0.1"),
        ("description", "Fictional events used by chrono's tests.", None),
        ("keywords", ["test"], None),  # none: the spec wants at least one, or no list
    ]


@pytest.mark.parametrize(
    ("old", "new", "klass"),
    [
        ("2020-06", "2020-06-01/2020-06-05", "refined"),
        ("2020-06", "2020-06-10", "refined"),
        ("2020-06", "2020", "coarsened"),
        ("2020-06", "2020-07", "moved"),
        ("2020-06", "2020-05-20/2020-06-10", "moved"),  # overlaps, neither inside the other
        ("2020-06", "2020-06~", "requalified"),  # same interval, qualifier only
    ],
)
def test_date_change_classes(
    diff: Differ, tmp_path: Path, mini_src: Path, old: str, new: str, klass: str
) -> None:
    a = _version(tmp_path, mini_src, "a", lambda r: edit(r, "events", "summit-2020", date=old))
    b = _version(tmp_path, mini_src, "b", lambda r: edit(r, "events", "summit-2020", date=new))
    ev = diff(a, b).to_dict()["tables"][3]
    assert ev["name"] == "events"
    [entry] = ev["changed"]
    assert entry["fields"]["date"] == {"old": old, "new": new}
    assert entry["date_changes"] == {"date": klass}
    assert ev["date_changes"] == {"date": {klass: 1}}


def test_date_class_recomputed_from_edtf_when_bounds_are_missing(
    diff: Differ, tmp_path: Path, mini_src: Path
) -> None:
    tables = to_tables(read_rows(mini_src))
    rows = read_rows(mini_src)
    edit(rows, "events", "summit-2020", date="2020-06-03")
    changed = to_tables(rows)
    strip = ["earliest", "latest", "precision"]
    old = {"events": tables["events"].drop_columns(strip)}
    new = {"events": changed["events"].drop_columns(strip)}
    [entry] = diff(old, new).to_dict()["tables"][0]["changed"]
    assert entry["date_changes"] == {"date": "refined"}


def _rename(rows: Rows, old: str = "meeting-2019", new: str = "meeting-2019-b") -> None:
    edit(rows, "events", old, id=new)
    for c in rows["claims"]:
        if c["event_id"] == old:
            c["event_id"] = new
            c["id"] = new + c["id"][len(old) :]
    for p in rows["participants"]:
        if p["event_id"] == old:
            p["event_id"] = new


def test_rename_is_followed_by_claims_and_participants(
    diff: Differ, tmp_path: Path, mini_src: Path, base: Path
) -> None:
    b = _version(tmp_path, mini_src, "b", _rename)
    d = diff(base, b)
    report = d.to_dict()
    counts = {t["name"]: t["counts"] for t in report["tables"]}
    assert counts["events"] == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "renamed": 1,
        "schema_changes": 0,
    }
    assert counts["participants"]["renamed"] == 2 and counts["participants"]["added"] == 0
    assert counts["claims"]["renamed"] == 2 and counts["claims"]["removed"] == 0
    events = report["tables"][3]
    assert events["renamed"] == [
        {"old_key": {"id": "meeting-2019"}, "new_key": {"id": "meeting-2019-b"}, "fields": {}}
    ]
    claim = report["tables"][5]["renamed"][0]
    assert claim["old_key"] == {"id": "meeting-2019/date/gazette-2020-05-01/paragraph-2"}
    assert claim["new_key"] == {"id": "meeting-2019-b/date/gazette-2020-05-01/paragraph-2"}
    assert claim["fields"] == {"event_id": {"old": "meeting-2019", "new": "meeting-2019-b"}}


def test_a_child_renamed_with_its_parent_is_a_rename(
    diff: Differ, tmp_path: Path, mini_src: Path, base: Path
) -> None:
    """meeting-2020's parent is summit-2020: both renamed at once, the child's parent_id
    follows its parent's new id, and it is a rename too, not a removal and an addition."""

    def change(rows: Rows) -> None:
        _rename(rows, "summit-2020", "summit-2020-b")
        _rename(rows, "meeting-2020", "meeting-2020-b")
        edit(rows, "events", "meeting-2020-b", parent_id="summit-2020-b")

    report = diff(base, _version(tmp_path, mini_src, "b", change)).to_dict()
    counts = {t["name"]: t["counts"] for t in report["tables"]}
    assert counts["events"] == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "renamed": 2,
        "schema_changes": 0,
    }
    assert counts["claims"]["added"] == counts["claims"]["removed"] == 0
    assert counts["participants"]["added"] == counts["participants"]["removed"] == 0
    assert sorted(report["tables"][3]["renamed"], key=lambda r: r["new_key"]["id"]) == [
        {
            "old_key": {"id": "meeting-2020"},
            "new_key": {"id": "meeting-2020-b"},
            "fields": {"parent_id": {"old": "summit-2020", "new": "summit-2020-b"}},
        },
        {"old_key": {"id": "summit-2020"}, "new_key": {"id": "summit-2020-b"}, "fields": {}},
    ]


def test_rename_with_a_changed_claim_reports_the_claim_as_changed(
    diff: Differ, tmp_path: Path, mini_src: Path, base: Path
) -> None:
    def change(rows: Rows) -> None:
        _rename(rows)
        edit(
            rows,
            "claims",
            "meeting-2019-b/date/gazette-2020-05-01/paragraph-2",
            quote="in the year 2019",
        )

    claims = diff(base, _version(tmp_path, mini_src, "b", change)).to_dict()["tables"][5]
    assert claims["counts"]["renamed"] == 1
    [entry] = claims["changed"]
    assert entry["old_key"] == {"id": "meeting-2019/date/gazette-2020-05-01/paragraph-2"}
    assert entry["fields"]["quote"] == {"old": "in 2019", "new": "in the year 2019"}


def test_an_event_with_other_content_is_not_a_rename(
    diff: Differ, tmp_path: Path, mini_src: Path, base: Path
) -> None:
    def change(rows: Rows) -> None:
        _rename(rows)
        edit(rows, "events", "meeting-2019-b", title="Another title")

    ev = diff(base, _version(tmp_path, mini_src, "b", change))["events"]
    assert (len(ev.added), len(ev.removed), len(ev.renamed)) == (1, 1, 0)


def test_provenance_only_change(diff: Differ, tmp_path: Path, mini_src: Path, base: Path) -> None:
    def change(rows: Rows) -> None:
        edit(rows, "claims", "meeting-2020/date/ministry-2020-06", note="Month only.")
        edit(rows, "sources", "gazette-2020-05-01", title="Leaders will meet")
        edit(rows, "events", "summit-2020", title="The regional summit")

    prov = diff(base, _version(tmp_path, mini_src, "b", change)).to_dict()["provenance"]
    assert prov == [
        {
            "event_id": "meeting-2019",
            "event_change": None,
            "provenance_only": True,
            "claims": {},
            "sources": ["gazette-2020-05-01"],
        },
        {
            "event_id": "meeting-2020",
            "event_change": None,
            "provenance_only": True,
            "claims": {"changed": ["meeting-2020/date/ministry-2020-06"]},
            "sources": ["gazette-2020-05-01"],
        },
    ]


def test_claim_change_with_its_event_is_not_provenance_only(
    diff: Differ, tmp_path: Path, mini_src: Path, base: Path
) -> None:
    def change(rows: Rows) -> None:
        edit(rows, "claims", "summit-2020/date/ministry-2020-06", note="Checked.")
        edit(rows, "events", "summit-2020", title="The regional summit")

    [p] = diff(base, _version(tmp_path, mini_src, "b", change)).provenance
    assert (p.event_id, p.event_change, p.provenance_only) == ("summit-2020", "changed", False)


def _events_file(directory: Path, table: pa.Table) -> Path:
    """An events table as a lone Parquet file (no chrono:table metadata: named by its stem)."""
    directory.mkdir()
    pq.write_table(table, directory / "events.parquet")
    return directory / "events.parquet"


def test_schema_changes_come_with_a_retype_that_keeps_values(
    diff: Differ, tmp_path: Path, mini_src: Path
) -> None:
    events = to_tables(read_rows(mini_src))["events"]
    new = events.drop_columns(["approximate"])
    new = new.set_column(new.column_names.index("type"), "type", events["type"].cast(pa.string()))
    new = new.append_column("note", pa.array([None, "x", None], pa.string()))
    a = _events_file(tmp_path / "a", events)
    b = _events_file(tmp_path / "b", new)
    t = diff(a, b).to_dict()["tables"][0]
    assert t["schema_changes"] == [
        {"column": "approximate", "change": "removed", "old_type": "bool", "new_type": None},
        {"column": "note", "change": "added", "old_type": None, "new_type": "string"},
        {
            "column": "type",
            "change": "retyped",
            "old_type": "dictionary<int32, string>",
            "new_type": "string",
        },
    ]
    assert t["counts"]["changed"] == 0


def test_retype_that_changes_values_marks_rows(
    diff: Differ, tmp_path: Path, mini_src: Path
) -> None:
    events = to_tables(read_rows(mini_src))["events"]
    status = pa.array(["confirmed", "disputed", "confirmed"])
    new = events.set_column(events.column_names.index("status"), "status", status)
    t = diff({"events": events}, {"events": new}).to_dict()["tables"][0]
    assert [c["key"] for c in t["changed"]] == [{"id": "meeting-2020"}]
    assert t["changed"][0]["fields"] == {"status": {"old": "confirmed", "new": "disputed"}}


def test_duplicate_key_is_an_error(diff: Differ, tmp_path: Path, mini_src: Path) -> None:
    events = to_tables(read_rows(mini_src))["events"]
    doubled = pa.concat_tables([events, events.slice(1, 1)])
    with pytest.raises(
        DiffError, match=r"new: events: duplicate primary key \(id='meeting-2020'\)"
    ):
        diff({"events": events}, {"events": doubled})


def test_duplicate_composite_key_is_an_error(diff: Differ, mini_src: Path) -> None:
    part = to_tables(read_rows(mini_src))["participants"]
    doubled = pa.concat_tables([part, part.slice(0, 1)])
    with pytest.raises(DiffError, match="old: participants: duplicate primary key"):
        diff({"participants": doubled}, {"participants": part})


def test_ignore_and_table_narrow_the_diff(
    diff: Differ, tmp_path: Path, mini_src: Path, base: Path
) -> None:
    def change(rows: Rows) -> None:
        edit(rows, "claims", "meeting-2020/date/ministry-2020-06", note="Month only.")
        edit(rows, "events", "summit-2020", title="The regional summit")

    b = _version(tmp_path, mini_src, "b", change)
    assert not diff(base, b).is_empty
    assert diff(base, b, ignore=["claims.note", "title"]).is_empty
    assert not diff(base, b, ignore=["note"], tables=["events"]).is_empty
    assert [t.name for t in diff(base, b, tables=["claims"]).tables] == ["claims"]
    with pytest.raises(ValueError, match="primary key"):
        diff(base, b, ignore=["events.id"])


def test_limit_keeps_counts_exact(diff: Differ, tmp_path: Path, mini_src: Path, base: Path) -> None:
    def change(rows: Rows) -> None:
        for e in rows["events"]:
            e["title"] = e["title"] + "!"

    report = diff(base, _version(tmp_path, mini_src, "b", change)).to_dict(limit=1)
    events = report["tables"][3]
    assert events["counts"]["changed"] == 3
    assert [e["key"]["id"] for e in events["changed"]] == ["meeting-2019"]
    assert events["truncated"] is True


def test_unreadable_inputs(diff: Differ, tmp_path: Path, mini_src: Path) -> None:
    empty = tmp_path / "events.parquet"
    empty.write_bytes(b"")
    with pytest.raises(DiffError, match="empty file"):
        diff(empty, table_file(mini_src, "events"))
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(DiffError, match="unreadable Parquet"):
        diff(bad, table_file(mini_src, "events"))
    with pytest.raises(DiffError, match="neither a path nor a git revision"):
        diff(tmp_path / "missing", mini_src, cwd=tmp_path)


def test_single_table_against_a_dataset_compares_that_table(
    diff: Differ, tmp_path: Path, mini_src: Path
) -> None:
    d = diff(table_file(mini_src, "claims"), mini_src)
    assert [t.name for t in d.tables] == ["claims"] and d.is_empty


def test_null_key_is_an_error(diff: Differ, mini_src: Path) -> None:
    events = to_tables(read_rows(mini_src))["events"]
    ids = pa.array(["meeting-2019", None, "summit-2020"], pa.string())
    holed = events.set_column(0, pa.field("id", pa.string()), ids)
    with pytest.raises(DiffError, match=r"^new: events: a primary key column \(id\) holds a null$"):
        diff({"events": events}, {"events": holed})


def test_apply_replays_renames_and_changes(
    diff: Differ, tmp_path: Path, mini_src: Path, base: Path
) -> None:
    def change(rows: Rows) -> None:
        _rename(rows)
        edit(
            rows,
            "claims",
            "meeting-2019-b/date/gazette-2020-05-01/paragraph-2",
            quote="in the year 2019",
        )
        edit(rows, "events", "summit-2020", date="2020-06-01/2020-06-05")

    b = _version(tmp_path, mini_src, "b", change)
    d = diff(base, b)
    old, new = read_rows(base), read_rows(b)
    applied = d.apply(to_tables(old))
    for name in ("events", "participants", "claims"):
        assert applied[name].to_pylist() == _plain_rows(to_tables(new)[name])


def _plain_rows(table: pa.Table) -> list[dict[str, Any]]:
    import numpy as np

    from chrono.diffing.report import rows_at

    return rows_at(table, np.arange(table.num_rows, dtype=np.int64), table.column_names)


def test_same_duplicate_on_both_sides_is_an_error(diff: Differ, mini_src: Path) -> None:
    # the doubled rows are equal on both sides: they never show up as differences
    events = to_tables(read_rows(mini_src))["events"]
    doubled = pa.concat_tables([events, events.slice(1, 1)])
    with pytest.raises(
        DiffError, match=r"^old: events: duplicate primary key \(id='meeting-2020'\); "
    ):
        diff({"events": doubled}, {"events": doubled})


def test_duckdb_counts_join_rows_from_its_profile(
    mini_src: Path, base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the installed DuckDB the keys are checked by counting, without a second query."""
    from chrono.diffing import duck

    def no_second_query(*args: object) -> None:
        raise AssertionError("keys checked by a GROUP BY query")

    monkeypatch.setattr(duck, "_duplicate", no_second_query)
    b = _version(tmp_path, mini_src, "b", lambda r: edit(r, "events", "summit-2020", title="T"))
    d = chrono.diff(base, b, engine="duckdb")
    assert [t.name for t in d.tables if not t.is_empty] == ["events"]


def test_duckdb_checks_keys_by_query_without_a_profile(
    mini_src: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chrono.diffing import duck

    monkeypatch.setattr(duck, "_join_rows", lambda profile: None)
    events = to_tables(read_rows(mini_src))["events"]
    doubled = pa.concat_tables([events, events.slice(1, 1)])
    assert chrono.diff({"events": events}, {"events": events}, engine="duckdb").is_empty
    with pytest.raises(DiffError, match=r"^old: events: duplicate primary key"):
        chrono.diff({"events": doubled}, {"events": doubled}, engine="duckdb")


@pytest.mark.parametrize("field", ["operator_cardinality", "intermediate_rows"])
def test_join_rows_reads_either_profile_field(field: str) -> None:
    from chrono.diffing.duck import _join_rows

    join = {"extra_info": {"Join Type": "FULL"}, field: 15, "children": []}
    profile = {"children": [{"extra_info": {}, field: 7, "children": [join]}]}
    assert _join_rows(json.dumps(profile)) == 15
    assert _join_rows(json.dumps({"children": [join, join]})) is None  # which join?
    assert _join_rows(json.dumps({"children": []})) is None
    assert _join_rows("not json") is None


# --------------------------------------------------------------------------- joins in parts


def test_a_join_is_cut_into_parts_by_the_tables_size() -> None:
    from chrono.diffing import duck
    from chrono.diffing.inputs import read_path
    from conftest import MINI

    events = read_path(MINI).tables["events"]
    assert not isinstance(events, pa.Table)
    size = events.size()
    assert size > 0
    assert [duck.partitions(events, events, limit) for limit in (2 * size, size, size // 2)] == [
        1,
        2,
        4,
    ]
    assert duck.partitions(events.read(), events, 1) == 1  # a table in memory: whole


def _in_parts(monkeypatch: pytest.MonkeyPatch, parts: int) -> None:
    from chrono.diffing import duck

    monkeypatch.setattr(duck, "partitions", lambda old, new, limit: parts)


def test_a_join_in_parts_finds_what_the_whole_join_finds(
    mini_src: Path, base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def change(rows: Rows) -> None:
        edit(rows, "events", "summit-2020", title="Another title")
        rows["events"][0]["id"] = "meeting-2019-renamed"
        for table in ("participants", "claims"):
            rows[table] = rows[table][1:]

    b = _version(tmp_path, mini_src, "b", change)
    whole = chrono.diff(base, b, engine="duckdb").to_dict()
    assert sum(len(t["changed"]) + len(t["removed"]) for t in whole["tables"]) > 2
    for parts in (2, 5):
        _in_parts(monkeypatch, parts)
        assert chrono.diff(base, b, engine="duckdb").to_dict() == whole


def test_a_duplicate_key_is_found_across_parts(
    mini_src: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _in_parts(monkeypatch, 3)
    events = to_tables(read_rows(mini_src))["events"]
    doubled = pa.concat_tables([events, events.slice(1, 1)])
    with pytest.raises(DiffError, match=r"^old: events: duplicate primary key"):
        chrono.diff({"events": doubled}, {"events": doubled}, engine="duckdb")
    assert chrono.diff({"events": events}, {"events": events}, engine="duckdb").is_empty
