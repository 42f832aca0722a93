"""'Valid' only for right data: the classes of wrong or tampered data that once passed."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import chrono
from chrono.build import WRITE_OPTIONS
from chrono.package import DatasetError
from conftest import table_file
from harness import build_state, copy_mini
from harness import chrono as run


def rewrite(ds: Path, table: str, change: Callable[[pa.Table], pa.Table]) -> None:
    """Change a table in place, keeping the descriptor's hash, size and rows in step."""
    import hashlib

    path = table_file(ds, table)
    data = change(pq.read_table(path))
    pq.write_table(data, path, **WRITE_OPTIONS)
    blob = path.read_bytes()
    desc = json.loads((ds / "datapackage.json").read_text())
    for res in desc["resources"]:
        if res["name"] == table:
            res.update(hash="sha256:" + hashlib.sha256(blob).hexdigest(), bytes=len(blob))
            res["rows"] = data.num_rows
    (ds / "datapackage.json").write_text(json.dumps(desc))


def setcol(t: pa.Table, col: str, key: str, value: object, keycol: str = "id") -> pa.Table:
    typ = t.schema.field(col).type
    plain = typ.value_type if pa.types.is_dictionary(typ) else typ
    new = pc.if_else(pc.equal(t[keycol], key), pa.scalar(value, plain), t[col].cast(plain))
    return t.set_column(t.schema.get_field_index(col), col, new.cast(typ))


def codes(ds: Path) -> dict[str, int]:
    report = chrono.validate(ds)
    assert report.fatal is None, report.fatal
    return {c: r.count for c, r in report.results.items()}


def messages(ds: Path, code: str) -> list[str]:
    return [f.message for f in chrono.validate(ds).results[code].examples]


def test_duplicate_resource_names(tmp_path: Path) -> None:
    ds = copy_mini(tmp_path)
    desc = json.loads((ds / "datapackage.json").read_text())
    claims = next(r for r in desc["resources"] if r["name"] == "claims")
    desc["resources"].insert(0, {**claims, "name": "events"})  # 'events' is the claims
    (ds / "datapackage.json").write_text(json.dumps(desc))
    with pytest.raises(DatasetError, match="two resources are named 'events'"):
        chrono.load("events", ds)
    assert codes(ds)["CHR108"] == 1
    run("validate", str(ds)).clean(1)


@pytest.mark.parametrize("constant", [math.nan, math.inf, -math.inf])
def test_a_descriptor_holding_nan_is_not_json(tmp_path: Path, constant: float) -> None:
    """Python writes and reads NaN and Infinity; JSON (RFC 8259) has neither, and other
    readers refuse the file: never "valid"."""
    ds = copy_mini(tmp_path)
    desc = json.loads((ds / "datapackage.json").read_text())
    desc["x-weight"] = constant
    (ds / "datapackage.json").write_text(json.dumps(desc))
    name = json.dumps(constant)  # NaN, Infinity, -Infinity
    expected = f"{ds / 'datapackage.json'}: invalid JSON: {name} is not a JSON value"
    with pytest.raises(DatasetError) as raised:
        chrono.load("events", ds)
    assert str(raised.value) == expected


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("md5:" + "0" * 32, "hash algorithm 'md5' is not sha256"),
        ("0" * 32, "hash algorithm 'md5' is not sha256"),  # no prefix: MD5, says the spec
        ("sha1:" + "0" * 40, "hash algorithm 'sha1' is not sha256"),
        ("sha256:xyz", "malformed sha256 'xyz'"),
        ("sha256:" + "0" * 63, "malformed sha256"),
        (12, "hash 12 is not text"),
        (None, "no hash"),
    ],
)
def test_a_hash_that_cannot_vouch_for_its_file_is_an_error(
    tmp_path: Path, value: object, problem: str
) -> None:
    ds = copy_mini(tmp_path)
    desc = json.loads((ds / "datapackage.json").read_text())
    desc["resources"][3]["hash"] = value
    if value is None:
        del desc["resources"][3]["hash"]
    (ds / "datapackage.json").write_text(json.dumps(desc))
    assert codes(ds) == {"CHR605": 1}
    assert problem in messages(ds, "CHR605")[0]


@pytest.mark.parametrize(
    ("parents", "loop"),
    [
        ({"meeting-2019": "meeting-2019"}, ["event 'meeting-2019' is its own parent"]),
        (
            {"meeting-2019": "summit-2020", "summit-2020": "meeting-2019"},
            [
                "parent loop: 'meeting-2019' → 'summit-2020' → 'meeting-2019'",
                "parent loop: 'summit-2020' → 'meeting-2019' → 'summit-2020'",
            ],
        ),
        (
            {"meeting-2019": "meeting-2020", "summit-2020": "meeting-2019"},  # 2020 -> summit
            [
                "parent loop: 'meeting-2019' → 'meeting-2020' → 'summit-2020' → 'meeting-2019'",
                "parent loop: 'meeting-2020' → 'summit-2020' → 'meeting-2019' → 'meeting-2020'",
                "parent loop: 'summit-2020' → 'meeting-2019' → 'meeting-2020' → 'summit-2020'",
            ],
        ),
    ],
)
def test_parent_loops(tmp_path: Path, parents: dict[str, str], loop: list[str]) -> None:
    ds = copy_mini(tmp_path)

    def change(t: pa.Table) -> pa.Table:
        for child, parent in parents.items():
            t = setcol(t, "parent_id", child, parent)
        return t

    rewrite(ds, "events", change)
    assert messages(ds, "CHR305") == loop


def test_a_chain_into_a_loop_flags_the_loop_only(tmp_path: Path) -> None:
    ds = copy_mini(tmp_path)  # meeting-2020 -> summit-2020 (kept); summit -> itself
    rewrite(ds, "events", lambda t: setcol(t, "parent_id", "summit-2020", "summit-2020"))
    assert messages(ds, "CHR305") == ["event 'summit-2020' is its own parent"]


@pytest.mark.parametrize(
    ("col", "value"),
    [
        ("latitude", math.nan),
        ("latitude", math.inf),
        ("latitude", 1000.0),
        ("latitude", -90.5),
        ("longitude", -math.inf),
        ("longitude", 180.25),
    ],
)
def test_coordinates_out_of_range(tmp_path: Path, col: str, value: float) -> None:
    ds = copy_mini(tmp_path)
    rewrite(ds, "places", lambda t: setcol(t, col, "alpha-city", value))
    assert codes(ds) == {"CHR107": 1}
    doc = json.loads(run("validate", str(ds), "--format", "json").clean(1).out)
    shown = value if math.isfinite(value) else str(value)  # JSON holds no NaN or infinity
    assert doc["datasets"][0]["rules"][0]["examples"][0]["value"] == shown


def test_the_build_refuses_coordinates_out_of_range(tmp_path: Path) -> None:
    ds = copy_mini(tmp_path)
    before = build_state(ds)
    places = ds / "places.yaml"
    places.write_text(places.read_text().replace('latitude: "10.5"', "latitude: nan"))
    run("build", str(ds)).clean(1, "places.yaml:1:61: CHR107 field 'latitude': 'nan' is outside")
    assert build_state(ds) == before


@pytest.mark.parametrize("value", ["2019\n", "2019\nextra", "2019 ", "\n2019"])
def test_an_edtf_value_with_trailing_text_is_invalid(tmp_path: Path, value: str) -> None:
    ds = copy_mini(tmp_path)
    rewrite(ds, "events", lambda t: setcol(t, "date", "meeting-2019", value))
    assert codes(ds).get("CHR301") == 1


def test_a_null_id_does_not_become_every_missing_parent(tmp_path: Path) -> None:
    ds = copy_mini(tmp_path)
    rewrite(ds, "events", lambda t: setcol(t, "id", "meeting-2019", None))
    found = codes(ds)
    assert found["CHR104"] == 1 and "CHR304" not in found and "CHR305" not in found


def _no_events_dir(ds: Path) -> None:
    shutil.rmtree(ds / "events")


def _events_a_file(ds: Path) -> None:
    shutil.rmtree(ds / "events")
    (ds / "events").write_text("not a folder\n")


def _yml_only(ds: Path) -> None:
    for p in (ds / "events").iterdir():
        p.rename(p.with_suffix(".yml"))


def _empty_events(ds: Path) -> None:
    for p in (ds / "events").iterdir():
        p.unlink()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_no_events_dir, "events: CHR113 no such folder (events/ holds one <id>.yaml"),
        (_events_a_file, "events: CHR113 not a folder"),
        (_yml_only, "events/meeting-2019.yml: CHR113 not a .yaml file"),
        (_empty_events, "events: CHR113 no events (events/ holds one <id>.yaml"),
    ],
)
def test_no_build_from_missing_events(
    tmp_path: Path, mutate: Callable[[Path], None], message: str
) -> None:
    ds = copy_mini(tmp_path)
    before = build_state(ds)
    mutate(ds)
    run("build", str(ds)).clean(1, message)
    assert build_state(ds) == before
    assert not chrono.validate(ds).valid  # stale: the curated sources changed


def test_an_empty_curated_dataset_is_not_valid(tmp_path: Path) -> None:
    ds = copy_mini(tmp_path)
    for table in ("events", "participants", "claims"):
        rewrite(ds, table, lambda t: t.slice(0, 0))
    assert codes(ds) == {"CHR109": 1}
