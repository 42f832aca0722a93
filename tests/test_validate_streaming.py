"""Validating in batches gives the report validating each table whole gives.

Random datasets are made from the two fixtures (mini, westphalia) by copying rows (under
new ids, or the same: duplicates), setting cells to values from a pool per column (good
ones, wrong ones, nulls, references to nothing), shuffling rows (so keys, references and
duplicates fall across batch boundaries in any order), and writing each table with random,
often tiny, row groups. The whole report (counts, examples, messages, notes) must be the
same for every batch size, and the same as each table validated whole.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.build import WRITE_OPTIONS
from chrono.validation import reading, validate
from conftest import MINI, WESTPHALIA, table_file

#: Values a cell may be set to, per column (besides copies of other rows' values and null).
POOL: dict[str, list[Any]] = {
    "id": ["x", "x-1", "x1", "e", "Bad Id", "meeting-2019", "summit-2020", "a-", "p"],
    "event_id": ["meeting-2019", "summit-2020", "meeting-2020", "nowhere", "x", "x-1"],
    "actor_id": ["alpha", "beta", "gamma", "ghost"],
    "source_id": ["gazette-2020-05-01", "ministry-2020-06", "gone", "x"],
    "place_id": ["alpha-city", "beta-town", "atlantis"],
    "parent_id": ["meeting-2019", "summit-2020", "x", "nowhere"],
    "date": ["2019", "2020-06-01", "2020-06-01/2020-06-05", "2019/..", "../2019", "2019/", "bad"],
    "value": ["2019", "2020-06", "2020-06-01/2020-06-03", "conference", "nope", "/2020"],
    "published": ["2020-05-01", "2020-06", "2021", "2019-13-01"],
    "retrieved": ["2020-05-01", "2019", "2026-01-15"],
    "locator": ["paragraph 1", "paragraph 2", "page 3", "pages 5-4", "p1", "line 2"],
    "type": ["meeting", "summit", "conference", "party"],
    "status": ["confirmed", "planned", "disputed", "cancelled", "maybe"],
    "precision": ["day", "month", "year", "decade", "hour"],
    "property": ["date", "occurrence", "type", "place", "participants", "colour"],
    "stance": ["supports", "contradicts", "neutral"],
    "mode": ["reported", "announced", "ongoing", "rumoured"],
    "role": ["host", "guest", "observer", "mediator"],
    "note": ["Read carefully.", ""],
    "quote": ["Not a word of this is in the text.", "the", "Alpha"],
    "latitude": [0.5, 91.0, float("nan"), -45.0],
    "longitude": [10.0, 200.0, -180.0],
    "country": ["AA", "BB", "zz"],
}


def _cell(column: str, typ: pa.DataType, data: st.DataObject) -> Any:
    """A value for a cell: from the column's pool, a derived date shifted, or null."""
    if data.draw(st.integers(0, 5)) == 0:
        return None
    if pa.types.is_date32(typ):
        return data.draw(st.integers(17000, 19000))
    if pa.types.is_boolean(typ):
        return data.draw(st.booleans())
    pool = POOL.get(column)
    return data.draw(st.sampled_from(pool)) if pool else None


def _set(t: pa.Table, column: str, row: int, value: Any) -> pa.Table:
    i = t.schema.get_field_index(column)
    typ = t.schema.field(column).type
    plain = typ.value_type if pa.types.is_dictionary(typ) else typ
    col = t[column].cast(plain) if pa.types.is_dictionary(typ) else t[column]
    if pa.types.is_date32(plain) and isinstance(value, int):
        scalar = pa.scalar(value, pa.int32()).cast(pa.date32())
    else:
        scalar = pa.scalar(value, plain)
    new = pc.if_else(pa.array([i == row for i in range(t.num_rows)]), scalar, col)
    if pa.types.is_dictionary(typ):
        new = pc.dictionary_encode(new).cast(typ)
    return t.set_column(i, t.schema.field(column), new)


def _mutate(name: str, t: pa.Table, data: st.DataObject) -> pa.Table:
    fields = [f.with_nullable(True) for f in t.schema]  # nulls where the model forbids them
    t = t.cast(pa.schema(fields, metadata=t.schema.metadata))
    # copies of rows: under their own key (duplicates) or a new one
    for _ in range(data.draw(st.integers(0, 6))):
        if t.num_rows == 0:
            break
        row = data.draw(st.integers(0, t.num_rows - 1))
        copy = t.slice(row, 1)
        if "id" in t.column_names and data.draw(st.booleans()):
            copy = _set(copy, "id", 0, f"{copy['id'][0].as_py()}-c{data.draw(st.integers(0, 9))}")
        t = pa.concat_tables([t, copy.cast(t.schema)])
    # cells set from the pools
    for _ in range(data.draw(st.integers(0, 4))):
        if t.num_rows == 0:
            break
        column = data.draw(st.sampled_from(t.column_names))
        row = data.draw(st.integers(0, t.num_rows - 1))
        t = _set(t, column, row, _cell(column, t.schema.field(column).type, data))
    # the order: as built (sorted by key), shuffled, or reversed
    order = data.draw(st.sampled_from(["sorted", "shuffled", "reversed"]))
    if order == "shuffled":
        perm = data.draw(st.permutations(range(t.num_rows)))
        t = t.take(pa.array(perm, pa.int64()))
    elif order == "reversed":
        t = t.take(pa.array(range(t.num_rows - 1, -1, -1), pa.int64()))
    return t


def _clone_events(tables: dict[str, pa.Table], data: st.DataObject) -> None:
    """Copies of events under new ids, with their participants and claims: likely
    duplicates (CHR701), valid otherwise; and events that are their own parent (CHR305)."""
    events = tables["events"]
    for n in range(data.draw(st.integers(0, 2))):
        row = data.draw(st.integers(0, events.num_rows - 1))
        old = events["id"][row].as_py()
        new = f"{old}-twin{n}"
        events = pa.concat_tables([events, _set(events.slice(row, 1), "id", 0, new)])
        for name, key in (("participants", "event_id"), ("claims", "event_id")):
            t = tables[name]
            rows = t.filter(pc.equal(t[key], old))
            rows = rows.set_column(
                rows.schema.get_field_index(key), key, pc.replace_substring(rows[key], old, new)
            )
            if name == "claims":
                rows = rows.set_column(
                    0, "id", pc.replace_substring(rows["id"], old + "/", new + "/")
                )
            tables[name] = pa.concat_tables([t, rows.cast(t.schema)])
    if data.draw(st.integers(0, 3)) == 0:
        row = data.draw(st.integers(0, events.num_rows - 1))
        events = _set(events, "parent_id", row, events["id"][row].as_py())
    tables["events"] = events


def _dataset(tmp: Path, data: st.DataObject) -> Path:
    base = data.draw(st.sampled_from([MINI, WESTPHALIA]))
    ds = tmp / base.name
    shutil.copytree(base, ds)
    desc = json.loads((ds / "datapackage.json").read_text())
    tables = {r["name"]: pq.read_table(table_file(ds, r["name"])) for r in desc["resources"]}
    _clone_events(tables, data)
    for res in desc["resources"]:
        path = table_file(ds, res["name"])
        table = _mutate(res["name"], tables[res["name"]], data)
        group = data.draw(st.sampled_from([1, 2, 3, 5, 1 << 20]))
        pq.write_table(table, path, **{**WRITE_OPTIONS, "row_group_size": group})
        blob = path.read_bytes()
        res.update(hash="sha256:" + hashlib.sha256(blob).hexdigest(), bytes=len(blob))
        res["rows"] = table.num_rows
    (ds / "datapackage.json").write_text(json.dumps(desc, indent=2))
    return ds


def _report(ds: Path, batch_rows: int | None, sources: Path | None, k: int) -> dict[str, Any]:
    rep = validate(ds, sources=sources, max_examples=k, batch_rows=batch_rows)
    return rep.to_dict()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_batches_report_what_whole_tables_report(tmp_path_factory: Any, data: Any) -> None:
    tmp = tmp_path_factory.mktemp("stream")
    ds = _dataset(tmp, data)
    sources = ds if data.draw(st.booleans()) else None
    k = data.draw(st.sampled_from([1, 2, 5]))
    whole = _report(ds, None, sources, k)
    for rows in sorted({1, data.draw(st.integers(2, 7)), 1 << 20}):
        assert _report(ds, rows, sources, k) == whole, rows
    # the columns read as dictionaries when their pages hold indices, read so whatever
    # their pages hold: the same report
    with patch.object(reading, "dictionary_pages", lambda meta, column: True):
        assert _report(ds, data.draw(st.integers(1, 7)), sources, k) == whole
    # and every column read as plain strings (claims' value and locator, events' date...)
    with patch.object(reading, "AS_DICT", {}), patch.object(reading, "AS_DICT_WHEN_ENCODED", {}):
        assert _report(ds, data.draw(st.integers(1, 7)), sources, k) == whole


def test_batch_rows_must_be_positive(mini: Path) -> None:
    with pytest.raises(ValueError, match="batch_rows must be at least 1, not 0"):
        validate(mini, batch_rows=0)


@pytest.mark.parametrize("batch_rows", [None, 1, 2])
def test_a_reference_to_an_id_that_is_null_does_not_resolve(mini: Path, batch_rows: Any) -> None:
    """Claims and participants of an event whose id was blanked name no event: each is a
    CHR202 (a null id once matched them, the references sorted just like the events)."""
    path = table_file(mini, "events")
    events = pq.read_table(path)
    events = events.cast(pa.schema([f.with_nullable(True) for f in events.schema]))
    first = events["id"][0].as_py()
    events = _set(events, "id", 0, None)
    pq.write_table(events, path, **WRITE_OPTIONS)
    desc = json.loads((mini / "datapackage.json").read_text())
    blob = path.read_bytes()
    for res in desc["resources"]:
        if res["name"] == "events":
            res.update(hash="sha256:" + hashlib.sha256(blob).hexdigest(), bytes=len(blob))
    (mini / "datapackage.json").write_text(json.dumps(desc))
    res = validate(mini, batch_rows=batch_rows, max_examples=10).results["CHR202"]
    claims = pq.read_table(table_file(mini, "claims"))
    parts = pq.read_table(table_file(mini, "participants"))
    expected = [
        ("claims", (key,))
        for key in claims.filter(pc.equal(claims["event_id"], first))["id"].to_pylist()
    ] + [
        ("participants", (first, a, str(r)))
        for a, r in zip(
            parts.filter(pc.equal(parts["event_id"], first))["actor_id"].to_pylist(),
            parts.filter(pc.equal(parts["event_id"], first))["role"].to_pylist(),
            strict=True,
        )
    ]
    assert res.count == len(expected) and len(expected) > 2
    assert sorted((f.table, f.key) for f in res.examples) == sorted(expected)
    assert all(f.message == f"event_id {first!r} is not an id in events" for f in res.examples)


def _pools_during_a_run(mini: Path) -> tuple[list[str], str]:
    """The Arrow allocator at each step of a run, and the one after it."""
    seen: list[str] = []
    report = validate(mini, progress=lambda _m: seen.append(pa.default_memory_pool().backend_name))
    assert report.valid and seen
    return seen, pa.default_memory_pool().backend_name


def test_a_run_allocates_from_jemalloc_and_puts_the_default_back(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    before = pa.default_memory_pool().backend_name
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this pyarrow has no jemalloc")
    seen, after = _pools_during_a_run(mini)
    assert set(seen) == {"jemalloc"} and after == before


def test_a_pool_named_by_the_user_is_kept(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    before = pa.default_memory_pool().backend_name
    seen, after = _pools_during_a_run(mini)
    assert set(seen) == {before} and after == before
