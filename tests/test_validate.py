"""chrono validate: every rule failing and passing, hostile inputs, the CLI and its formats."""

from __future__ import annotations

import fnmatch
import hashlib
import itertools
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.build import WRITE_OPTIONS
from chrono.cli import main
from chrono.validation import RULES, Report, validate
from conftest import table_file

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "validate-report.schema.json").read_text())


# --------------------------------------------------------------------------- helpers


def read(ds: Path, table: str) -> pa.Table:
    return pq.read_table(table_file(ds, table))


def write(ds: Path, table: str, data: pa.Table) -> None:
    """Rewrite one table and keep the descriptor's hash, size and rows consistent."""
    path = table_file(ds, table)
    pq.write_table(data, path, **WRITE_OPTIONS)
    desc = json.loads((ds / "datapackage.json").read_text())
    blob = path.read_bytes()
    for res in desc["resources"]:
        if res["name"] == table:
            res["hash"] = "sha256:" + hashlib.sha256(blob).hexdigest()
            res["bytes"] = len(blob)
            res["rows"] = data.num_rows
    (ds / "datapackage.json").write_text(json.dumps(desc, indent=2))


def edit_desc(ds: Path, fn: Callable[[dict], None]) -> None:
    desc = json.loads((ds / "datapackage.json").read_text())
    fn(desc)
    (ds / "datapackage.json").write_text(json.dumps(desc, indent=2))


def setcell(t: pa.Table, column: str, key: str, value: object, keycol: str = "id") -> pa.Table:
    """Set one cell, keeping the column's type (dictionary columns re-encoded)."""
    i = t.schema.get_field_index(column)
    typ = t.schema.field(column).type
    plain = typ.value_type if pa.types.is_dictionary(typ) else typ
    old = t[column].cast(plain) if pa.types.is_dictionary(typ) else t[column]
    mask = pc.equal(t[keycol], key)
    assert pc.any(mask).as_py(), key
    new = pc.if_else(mask, pa.scalar(value, plain), old)
    if pa.types.is_dictionary(typ):
        new = pc.dictionary_encode(new).cast(typ)
    return t.set_column(i, t.schema.field(column), new)


def drop_rows(t: pa.Table, column: str, value: str) -> pa.Table:
    return t.filter(pc.not_equal(t[column], value))


def day(text: str) -> int:
    from chrono.model.dates import parse

    return parse(text).earliest


def setdate(t: pa.Table, key: str, text: str, col: str = "date", prefix: str = "") -> pa.Table:
    from chrono.model.dates import parse

    b = parse(text)
    t = setcell(t, col, key, text)
    t = setcell(t, f"{prefix}earliest", key, pa.scalar(b.earliest, pa.int32()).cast(pa.date32()))
    t = setcell(t, f"{prefix}latest", key, pa.scalar(b.latest, pa.int32()).cast(pa.date32()))
    if not prefix:
        t = setcell(t, "precision", key, b.precision)
    return t


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


# --------------------------------------------------------------------------- the valid case


def test_mini_is_valid_with_no_finding(mini: Path) -> None:
    rep = validate(mini, sources=mini)
    assert rep.valid and rep.fatal is None
    assert rep.results == {}  # every rule passes: the passing case of each
    assert rep.counts == {"error": 0, "warning": 0}


def test_every_rule_has_code_severity_title_explanation() -> None:
    assert len(RULES) >= 20
    for code, rule in RULES.items():
        assert code == rule.code and code[:3] == "CHR" and len(code) == 6
        assert rule.severity in ("error", "warning")
        assert rule.title and len(rule.explanation) > 20


# --------------------------------------------------------------------------- each rule fails


def m_chr101(ds: Path) -> None:
    edit_desc(
        ds, lambda d: d.update(resources=[r for r in d["resources"] if r["name"] != "places"])
    )


def m_chr102(ds: Path) -> None:
    write(ds, "events", read(ds, "events").drop_columns(["summary"]))


def m_chr103(ds: Path) -> None:
    t = read(ds, "places")
    i = t.schema.get_field_index("latitude")
    write(ds, "places", t.set_column(i, "latitude", t["latitude"].cast(pa.string())))


def m_chr104(ds: Path) -> None:
    t = read(ds, "events")
    i = t.schema.get_field_index("title")
    title = pc.if_else(pc.equal(t["id"], "meeting-2019"), None, t["title"])
    write(ds, "events", t.set_column(i, pa.field("title", pa.string()), title))


def m_chr105(ds: Path) -> None:
    t = read(ds, "actors")
    write(ds, "actors", t.append_column("extra", pa.array(["x"] * t.num_rows)))


def m_chr106(ds: Path) -> None:
    write(ds, "actors", setcell(read(ds, "actors"), "country", "leader-b", "bb"))


def m_chr107(ds: Path) -> None:
    write(ds, "places", setcell(read(ds, "places"), "latitude", "alpha-city", float("nan")))


def m_chr108(ds: Path) -> None:
    """A second 'events' resource that is the claims table (chrono.load would pick one)."""
    claims = next(r for r in json.loads((ds / "datapackage.json").read_text())["resources"]
                  if r["name"] == "claims")  # fmt: skip
    edit_desc(ds, lambda d: d["resources"].append({**claims, "name": "events"}))


def m_chr109(ds: Path) -> None:
    write(ds, "events", read(ds, "events").slice(0, 0))


def m_chr305(ds: Path) -> None:
    write(ds, "events", setcell(read(ds, "events"), "parent_id", "meeting-2019", "meeting-2019"))


def m_chr605(ds: Path) -> None:
    edit_desc(ds, lambda d: d["resources"][1].update(hash="md5:" + "0" * 32))


def m_chr201(ds: Path) -> None:
    t = read(ds, "places")
    write(ds, "places", pa.concat_tables([t, t.slice(0, 1)]))


def m_chr202(ds: Path) -> None:
    t = read(ds, "participants")
    write(ds, "participants", setcell(t, "actor_id", "leader-b", "nobody", keycol="actor_id"))


def m_chr301(ds: Path) -> None:
    write(ds, "events", setcell(read(ds, "events"), "date", "meeting-2019", "2019-13"))


def m_chr302(ds: Path) -> None:
    d = pa.scalar(day("2019-06-01"), pa.int32()).cast(pa.date32())
    write(ds, "events", setcell(read(ds, "events"), "latest", "meeting-2019", d))


def m_chr303(ds: Path) -> None:
    d = pa.scalar(day("2018-06-01"), pa.int32()).cast(pa.date32())
    write(ds, "events", setcell(read(ds, "events"), "latest", "meeting-2019", d))


def m_chr304(ds: Path) -> None:  # the summit moves to May 2020; its meeting stays in June
    write(ds, "events", setdate(read(ds, "events"), "summit-2020", "2020-05"))


def m_chr401(ds: Path) -> None:
    t = read(ds, "claims")
    write(
        ds, "claims", drop_rows(t, "id", "meeting-2019/occurrence/gazette-2020-05-01/paragraph-2")
    )


def m_chr402(ds: Path) -> None:
    t = read(ds, "claims")
    write(ds, "claims", drop_rows(t, "id", "summit-2020/date/ministry-2020-06"))


def m_chr403(ds: Path) -> None:
    t = setdate(
        read(ds, "claims"), "meeting-2019/date/gazette-2020-05-01/paragraph-2", "2018", "value"
    )
    write(ds, "claims", t)


def m_chr404(ds: Path) -> None:
    t = setdate(
        read(ds, "claims"), "meeting-2020/date/gazette-2020-05-01/paragraph-1", "2020-06", "value"
    )
    write(ds, "claims", t)


def m_chr405(ds: Path) -> None:
    t = setcell(
        read(ds, "claims"), "mode", "meeting-2020/date/gazette-2020-05-01/paragraph-1", "reported"
    )
    write(ds, "claims", t)


def m_chr407(ds: Path) -> None:
    # reported -> announced, but the gazette (2020-05-01) appeared after 2019 began
    key = "meeting-2019/date/gazette-2020-05-01/paragraph-2"
    write(ds, "claims", setcell(read(ds, "claims"), "mode", key, "announced"))


def m_chr408(ds: Path) -> None:
    # the ministry (published 2020-06) dates the meeting 2020-06: the note that said why goes
    key = "meeting-2020/date/ministry-2020-06"
    write(ds, "claims", setcell(read(ds, "claims"), "note", key, None))


def m_chr409(ds: Path) -> None:
    # meeting-2020 (2020-06-02..03) left with the gazette's announcements only, status
    # planned, while the ministry's bulletin (now July 2020) is newer than the meeting
    write(ds, "events", setcell(read(ds, "events"), "status", "meeting-2020", "planned"))
    claims = read(ds, "claims")
    for key in ("meeting-2020/date/ministry-2020-06", "meeting-2020/type/ministry-2020-06"):
        claims = drop_rows(claims, "id", key)
    write(ds, "claims", claims)
    src = setdate(read(ds, "sources"), "ministry-2020-06", "2020-07", "published", "published_")
    write(ds, "sources", src)


def m_chr406(ds: Path) -> None:
    t = setdate(read(ds, "sources"), "ministry-2020-06", "2027-01-01", "published", "published_")
    write(ds, "sources", t)


def m_chr501(ds: Path) -> None:
    write(ds, "events", setcell(read(ds, "events"), "type", "meeting-2019", "picnic"))


def m_chr601(ds: Path) -> None:
    def fn(d: dict) -> None:
        d["resources"][1]["hash"] = "sha256:" + "0" * 64

    edit_desc(ds, fn)


def m_chr602(ds: Path) -> None:
    edit_desc(ds, lambda d: d["resources"][1].update(bytes=1))


def m_chr603(ds: Path) -> None:
    edit_desc(ds, lambda d: d["resources"][1].update(rows=99))


def m_chr604(ds: Path) -> None:
    with open(ds / "actors.yaml", "a") as fh:
        fh.write("# edited after the build\n")


def m_chr701(ds: Path) -> None:
    ev = read(ds, "events")
    twin = setcell(ev.filter(pc.equal(ev["id"], "meeting-2019")), "id", "meeting-2019", "twin")
    write(ds, "events", pa.concat_tables([ev, twin]))
    p = read(ds, "participants")
    pt = p.filter(pc.equal(p["event_id"], "meeting-2019"))
    pt = pt.set_column(0, pt.schema.field(0), pa.array(["twin"] * pt.num_rows))
    write(ds, "participants", pa.concat_tables([p, pt]))


def m_chr801(ds: Path) -> None:
    key = "meeting-2019/date/gazette-2020-05-01/paragraph-2"
    write(ds, "claims", setcell(read(ds, "claims"), "quote", key, "in 2018"))


def m_chr802(ds: Path) -> None:
    key = "meeting-2019/date/gazette-2020-05-01/paragraph-2"
    write(ds, "claims", setcell(read(ds, "claims"), "locator", key, "paragraph 1"))


def m_chr803(ds: Path) -> None:
    (ds / "gazette.txt").unlink()


def _yaml_edit(ds: Path, file: str, old: str, new: str) -> None:
    path = ds / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def m_chr110(ds: Path) -> None:
    _yaml_edit(ds, "events/meeting-2019.yaml", "title: Earlier meeting", "title: [unclosed")


def m_chr112(ds: Path) -> None:
    _yaml_edit(ds, "events/meeting-2019.yaml", "title: Earlier meeting", "title: ' Earlier'")


def m_chr113(ds: Path) -> None:
    (ds / "events" / "extra.yml").write_text("id: extra\n")


def m_chr116(ds: Path) -> None:
    _yaml_edit(
        ds, "events/meeting-2019.yaml", "property: occurrence,", "property: occurrence, value: x,"
    )


def m_chr502(ds: Path) -> None:
    edit_desc(ds, lambda d: d["chrono"].update(vocabularies={"stance": {"neutral": "Neither."}}))


# libyaml (where PyYAML has it) and the pure-Python parser word this one differently
UNCLOSED = (
    "did not find expected ',' or ']'"
    if yaml.__with_libyaml__
    else "expected ',' or ']', but got ':'"
)
CASES = [
    ("CHR110", m_chr110, 1, None, f"malformed YAML: {UNCLOSED}"),
    ("CHR112", m_chr112, 1, None, "field 'title': empty or padded with white space"),
    ("CHR113", m_chr113, 1, None, "not a .yaml file (events/ holds one <id>.yaml file per event)"),
    ("CHR116", m_chr116, 1, None, "field 'value': an occurrence claim has no value"),
    (
        "CHR502",
        m_chr502,
        1,
        None,
        "chrono.vocabularies.stance: the stance vocabulary cannot be extended",
    ),
    # code, mutation, count, key (None: file-level), message fragment
    ("CHR101", m_chr101, 1, None, "lists no table 'places'"),
    ("CHR102", m_chr102, 1, None, "column 'summary' is missing"),
    ("CHR103", m_chr103, 1, None, "column 'latitude' is string, the model says double"),
    ("CHR104", m_chr104, 1, None, "null values in required column 'title'"),
    ("CHR105", m_chr105, 1, None, "unknown column 'extra'"),
    ("CHR106", m_chr106, 1, ("leader-b",), "'bb' does not match ^[A-Z]{2}$"),
    ("CHR107", m_chr107, 1, ("alpha-city",), "latitude nan is not a number in [-90, 90]"),
    ("CHR108", m_chr108, 1, None, "several resources are named 'events'"),
    ("CHR109", m_chr109, 1, None, "a curated dataset with no events"),
    ("CHR201", m_chr201, 1, ("alpha-city",), "2 rows share the primary key (alpha-city)"),
    ("CHR202", m_chr202, 2, ("meeting-2019", "nobody", "participant"), "'nobody' is not an id"),
    ("CHR301", m_chr301, 1, ("meeting-2019",), "invalid EDTF: '2019-13' is not an EDTF"),
    ("CHR302", m_chr302, 1, ("meeting-2019",), "stored latest 2019-06-01 differs from 2019-12-31"),
    ("CHR303", m_chr303, 1, ("meeting-2019",), "earliest 2019-01-01 is after latest 2018-06-01"),
    ("CHR304", m_chr304, 1, ("meeting-2020",), "outside its parent 'summit-2020'"),
    ("CHR305", m_chr305, 1, ("meeting-2019",), "event 'meeting-2019' is its own parent"),
    ("CHR401", m_chr401, 1, ("meeting-2019",), "has no supporting occurrence claim"),
    ("CHR402", m_chr402, 1, ("summit-2020",), "has no supporting date claim"),
    (
        "CHR403",
        m_chr403,
        1,
        ("meeting-2019", "meeting-2019/date/gazette-2020-05-01/paragraph-2"),
        "2019-01-01..2019-12-31 is not inside supporting date claim",
    ),
    ("CHR404", m_chr404, 1, ("meeting-2020",), "precision day is finer than its most precise"),
    (
        "CHR405",
        m_chr405,
        1,
        ("meeting-2020/date/gazette-2020-05-01/paragraph-1",),
        "(published by 2020-05-01) reports event 'meeting-2020' as past, but it ends 2020-06-03",
    ),
    (
        "CHR407",
        m_chr407,
        1,
        ("meeting-2019/date/gazette-2020-05-01/paragraph-2",),
        "source 'gazette-2020-05-01' (published 2020-05-01..2020-05-01) calls event "
        "'meeting-2019' (2019-01-01..2019-12-31) announced, but was published after it began: "
        "announced must be published before the event; fix the mode or the dates",
    ),
    ("CHR406", m_chr406, 1, ("ministry-2020-06",), "retrieved 2026-11-01 before it was published"),
    (
        "CHR408",
        m_chr408,
        1,
        ("meeting-2020/date/ministry-2020-06",),
        "date claim value '2020-06' equals the publication date of its source "
        "'ministry-2020-06' (2020-06) and has no note: say how the source dates the event, "
        "or fix the value",
    ),
    (
        "CHR409",
        m_chr409,
        1,
        ("meeting-2020",),
        "event 'meeting-2020' is planned and ended by 2020-06-03, before the newest source of "
        "the dataset (2020-07-01), yet every claim only announces it: find a report that it "
        "took place (status confirmed, claims reported) or that it was cancelled",
    ),
    ("CHR501", m_chr501, 1, ("meeting-2019",), "'picnic' is not a term of the event_type"),
    ("CHR601", m_chr601, 1, None, "sha256 mismatch: expected sha256:000"),
    ("CHR602", m_chr602, 1, None, "size mismatch: expected 1 bytes, actual"),
    ("CHR603", m_chr603, 1, None, "row count mismatch: expected 99 rows, actual 3"),
    ("CHR604", m_chr604, 1, None, "the Parquet is stale"),
    ("CHR605", m_chr605, 1, None, "hash algorithm 'md5' is not sha256"),
    ("CHR701", m_chr701, 1, ("twin",), "likely a duplicate of 'meeting-2019'"),
    (
        "CHR801",
        m_chr801,
        1,
        ("meeting-2019/date/gazette-2020-05-01/paragraph-2",),
        "quote 'in 2018' is not in gazette.txt at paragraph 2",
    ),
    (
        "CHR802",
        m_chr802,
        1,
        ("meeting-2019/date/gazette-2020-05-01/paragraph-2",),
        "is in gazette.txt at paragraph 2, not at paragraph 1",
    ),
    ("CHR803", m_chr803, 1, ("gazette-2020-05-01",), "gazette.txt is not a readable UTF-8 file"),
]


@pytest.mark.parametrize("block", [1, 2, 3, 4, 1 << 16])
def test_an_events_signature_is_the_sum_of_its_actors_hashes_whatever_the_blocks(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    import numpy as np

    from chrono.validation.rules import duplicates

    hashes = np.array([3, 5, 7, 11, 2**64 - 1], dtype=np.uint64)
    events = np.array([0, 0, 0, 1, 1, 2, 3, 3, 3, 3])
    actors = np.array([0, 1, 4, 2, 3, 0, 0, 1, 2, 4])
    sig, has = np.zeros(5, dtype=np.uint64), np.zeros(5, dtype=bool)
    monkeypatch.setattr(duplicates, "PAIRS_BLOCK", block)
    duplicates.add_pairs(sig, has, hashes, events, actors)
    # sums modulo 2**64: 3 + 5 + (2**64 - 1) = 7, 3 + 5 + 7 + (2**64 - 1) = 14
    assert sig.tolist() == [7, 18, 3, 14, 0]
    assert has.tolist() == [True, True, True, True, False]
    # events without participants between others: their rows are skipped, not summed
    sig, has = np.zeros(6, dtype=np.uint64), np.zeros(6, dtype=bool)
    duplicates.add_pairs(sig, has, hashes, np.array([1, 1, 3, 5, 5]), np.array([0, 4, 2, 1, 3]))
    assert sig.tolist() == [0, 2, 0, 7, 0, 16]
    assert has.tolist() == [False, True, False, True, False, True]


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 16])
@pytest.mark.parametrize("in_order", [True, False])
def test_likely_duplicates_found_whatever_the_blocks_of_pairs(
    mini: Path, monkeypatch: pytest.MonkeyPatch, block: int, in_order: bool
) -> None:
    """Participants are added to their events' signatures a block of pairs at a time: an
    event whose pairs straddle two blocks is still the twin of its duplicate, in the
    build's order (pairs sorted) as out of it."""
    from chrono.validation.rules import duplicates

    m_chr701(mini)
    if in_order:
        write(mini, "events", read(mini, "events").sort_by("id"))
        keys = [("event_id", "ascending"), ("actor_id", "ascending")]
        write(mini, "participants", read(mini, "participants").sort_by(keys))
    monkeypatch.setattr(duplicates, "PAIRS_BLOCK", block)
    res = validate(mini).results["CHR701"]
    assert (res.count, [f.key for f in res.examples]) == (1, [("twin",)])
    assert res.examples[0].message == (
        "likely a duplicate of 'meeting-2019': same type (bilateral_meeting), same participants, "
        "overlapping dates"
    )


@pytest.mark.parametrize(
    ("code", "mutate", "count", "key", "fragment"), CASES, ids=[c[0] for c in CASES]
)
def test_rule_fails(
    mini: Path,
    code: str,
    mutate: Callable[[Path], None],
    count: int,
    key: tuple[str, ...] | None,
    fragment: str,
) -> None:
    assert code not in validate(mini, sources=mini).results  # passing case
    mutate(mini)
    rep = validate(mini, sources=mini)
    assert rep.fatal is None
    res = rep.results[code]
    assert res.count == count
    assert res.severity == RULES[code].severity
    first = res.examples[0]
    assert first.code == code
    assert first.key == key
    assert fragment in first.message, first.message
    assert rep.valid is (RULES[code].severity == "warning" and rep.counts["error"] == 0)


def test_every_rule_has_a_failing_case() -> None:
    assert {c[0] for c in CASES} == set(RULES)


def test_counts_are_exact_and_examples_capped(mini: Path) -> None:
    t = read(mini, "claims")
    mode = pc.dictionary_encode(pa.array(["reported"] * t.num_rows)).cast(
        t.schema.field("mode").type
    )
    write(
        mini, "claims", t.set_column(t.schema.get_field_index("mode"), t.schema.field("mode"), mode)
    )
    rep = validate(mini, max_examples=2)
    res = rep.results["CHR405"]
    assert res.count == 2  # meeting-2020's two claims from the gazette (published before it)
    assert [f.key for f in res.examples] == sorted(f.key for f in res.examples)
    assert len(res.examples) == 2


# --------------------------------------------------------------------------- hostile inputs


def _zero(ds: Path) -> None:
    table_file(ds, "events").write_bytes(b"")


def _truncated(ds: Path) -> None:
    p = table_file(ds, "claims")
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _missing_file(ds: Path) -> None:
    (table_file(ds, "claims")).unlink()


def _escape(ds: Path) -> None:
    edit_desc(ds, lambda d: d["resources"][0].update(path="../../etc/passwd"))


def _not_utf8(ds: Path) -> None:
    (ds / "datapackage.json").write_bytes(b'{"name": "caf\xe9"}')


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (_zero, "/data/events-*.parquet: unreadable Parquet: Parquet file size is 0 bytes"),
        (_truncated, "/data/claims-*.parquet: unreadable Parquet:"),
        (_missing_file, "/data/claims-*.parquet: not found (listed in datapackage.json)"),
        (_escape, "resource path '../../etc/passwd' escapes the dataset directory"),
        (_not_utf8, "datapackage.json: not UTF-8 (byte 13)"),
    ],
    ids=["zero-byte", "truncated", "missing-file", "path-escape", "not-utf8"],
)
def test_unreadable_input_exits_3_with_one_line(
    mini: Path, mutate: Callable[[Path], None], fragment: str
) -> None:
    mutate(mini)
    code, out, err = run("validate", str(mini))
    assert code == 3
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("Error: ")
    assert fnmatch.fnmatch(err, f"*{fragment}*"), err
    assert validate(mini).fatal is not None


def test_wrong_column_type_is_a_finding_exit_1(mini: Path) -> None:
    m_chr103(mini)
    code, out, err = run("validate", str(mini))
    assert (code, err) == (1, "")
    assert "CHR103 error wrong column type (1)" in out


def test_missing_table_is_a_finding_exit_1(mini: Path) -> None:
    m_chr101(mini)
    code, out, _ = run("validate", str(mini))
    assert code == 1 and "CHR101" in out


def test_no_such_path_exits_3() -> None:
    code, _, err = run("validate", "/nonexistent/dataset")
    assert code == 3 and err.startswith("Error: /nonexistent/dataset")


def _retime(ds: Path, text: str, mode: str, status: str) -> None:
    ev = setcell(
        setdate(read(ds, "events"), "meeting-2019", text), "status", "meeting-2019", status
    )
    write(ds, "events", ev)
    cl = setdate(
        read(ds, "claims"), "meeting-2019/date/gazette-2020-05-01/paragraph-2", text, "value"
    )
    for cid in (
        "meeting-2019/date/gazette-2020-05-01/paragraph-2",
        "meeting-2019/occurrence/gazette-2020-05-01/paragraph-2",
    ):
        cl = setcell(cl, "mode", cid, mode)
    write(ds, "claims", cl)


def test_bce_dates_validate(mini: Path) -> None:
    _retime(mini, "-0044", "reported", "confirmed")
    code, out, err = run("validate", str(mini))
    assert (code, err) == (0, ""), out


def test_far_future_dates_validate(mini: Path) -> None:
    _retime(mini, "Y12345", "announced", "planned")
    code, out, err = run("validate", str(mini))
    assert (code, err) == (0, ""), out


def test_far_future_reported_is_caught_and_printed(mini: Path) -> None:
    _retime(mini, "Y12345", "reported", "confirmed")
    rep = validate(mini)
    assert rep.results["CHR405"].count == 2
    assert "it ends +12345-01-01 at the earliest" in rep.results["CHR405"].examples[0].message


@pytest.mark.parametrize(
    ("value", "note", "flagged"),
    [
        ("2020-06", None, True),  # the source's own EDTF value
        ("2020-06-01/2020-06-30", None, True),  # the same interval written as days
        ("2020-06?", None, True),  # the same bounds, qualified
        ("2020-06", "The June bulletin reports it.", False),  # explained
        ("2020", None, False),  # coarser than the publication date: not the same
    ],
)
def test_chr408_compares_bounds_and_reads_notes(
    mini: Path, value: str, note: str | None, flagged: bool
) -> None:
    key = "meeting-2020/date/ministry-2020-06"
    claims = setdate(read(mini, "claims"), key, value, "value")
    write(mini, "claims", setcell(claims, "note", key, note))
    res = validate(mini).results.get("CHR408")
    if not flagged:
        assert res is None
        return
    assert res is not None and res.count == 1
    assert res.examples[0].key == (key,) and res.examples[0].value == value


def test_chr408_counts_every_claim(mini: Path) -> None:
    claims = read(mini, "claims")
    for key in ("meeting-2020/date/ministry-2020-06", "summit-2020/date/ministry-2020-06"):
        claims = setcell(claims, "note", key, None)
    write(mini, "claims", claims)
    res = validate(mini).results["CHR408"]
    assert res.count == 2
    assert [f.key for f in res.examples] == [
        ("meeting-2020/date/ministry-2020-06",),
        ("summit-2020/date/ministry-2020-06",),
    ]


@pytest.mark.parametrize(
    ("status", "keep_reported", "published", "flagged"),
    [
        ("planned", False, "2020-07", True),
        ("confirmed", False, "2020-07", False),  # not planned
        ("planned", True, "2020-07", False),  # a claim reports it
        ("planned", False, "2020-06-03", False),  # newest source: the meeting's last day
        ("planned", False, "2020-06-04", True),  # the day after: past
    ],
)
def test_chr409_needs_planned_past_and_only_announcements(
    mini: Path, status: str, keep_reported: bool, published: str, flagged: bool
) -> None:
    write(mini, "events", setcell(read(mini, "events"), "status", "meeting-2020", status))
    claims = read(mini, "claims")
    claims = drop_rows(claims, "id", "meeting-2020/type/ministry-2020-06")
    if not keep_reported:
        claims = drop_rows(claims, "id", "meeting-2020/date/ministry-2020-06")
    write(mini, "claims", claims)
    src = setdate(read(mini, "sources"), "ministry-2020-06", published, "published", "published_")
    write(mini, "sources", src)
    res = validate(mini).results.get("CHR409")
    assert (res is not None and res.count == 1) is flagged


# --------------------------------------------------------------------------- CLI and formats


@pytest.mark.parametrize(
    ("mode", "published", "why"),
    [
        ("ongoing", None, "before it began: ongoing must be published while it is under way"),
        ("ongoing", "2020-06-03", None),  # the last day of the meeting: under way
        ("ongoing", "2020-06-04", "after it ended: ongoing must be published while it is"),
        ("announced", "2020-06", None),  # may be 2020-06-01, before it began: not certain
        ("announced", "2020-06-02", None),  # the day it began: not certainly after
        ("announced", "2020-06-03", "after it began: announced must be published before"),
    ],
)
def test_mode_against_publication(
    mini: Path, mode: str, published: str | None, why: str | None
) -> None:
    # meeting-2020 (2020-06-02..2020-06-03): the gazette's two claims about it
    key = "meeting-2020/date/gazette-2020-05-01/paragraph-1"
    other = "meeting-2020/occurrence/gazette-2020-05-01/paragraph-1"
    claims = setcell(read(mini, "claims"), "mode", key, mode)
    write(mini, "claims", setcell(claims, "mode", other, mode))
    if published is not None:
        src = read(mini, "sources")
        write(
            mini,
            "sources",
            setdate(src, "gazette-2020-05-01", published, "published", "published_"),
        )
    res = validate(mini).results.get("CHR407")
    if why is None:
        assert res is None
        return
    assert res is not None and res.count == 2
    assert [f.key for f in res.examples] == [(key,), (other,)]
    f = res.examples[0]
    assert (f.table, f.column, f.value) == ("claims", "mode", mode)
    assert f.message.startswith("source 'gazette-2020-05-01' (published ")
    assert f"calls event 'meeting-2020' (2020-06-02..2020-06-03) {mode}, but was " in f.message
    assert why in f.message


def test_undated_source_is_not_checked_for_mode(mini: Path) -> None:
    key = "meeting-2020/date/gazette-2020-05-01/paragraph-1"
    write(mini, "claims", setcell(read(mini, "claims"), "mode", key, "ongoing"))
    src = read(mini, "sources")
    for col in ("published", "published_earliest", "published_latest"):
        src = setcell(src, col, "gazette-2020-05-01", None)
    write(mini, "sources", src)
    assert "CHR407" not in validate(mini).results


def test_quotes_note_only_without_sources(mini: Path) -> None:
    note = "2 quotes not checked against their sources (pass --sources DIR)"
    assert validate(mini).notes == [note]
    assert validate(mini, sources=mini).notes == []
    assert validate(mini).valid


@pytest.mark.parametrize(
    ("locator", "codes"),
    [
        ("", {"CHR106": 1}),  # malformed: the pattern rule reports it, the quote is not placed
        ("p2", {"CHR106": 1}),  # paragraph or page? the locator must say
        ("page 2", {"CHR802": 1}),  # the text has one page; the quote is on it
        ("paragraph 999999999", {"CHR802": 1}),  # no such paragraph; the quote is elsewhere
        ("paragraph " + "9" * 20, {"CHR106": 1}),  # beyond any text: not a locator
    ],
)
def test_quote_with_a_malformed_or_huge_locator(
    mini: Path, locator: str, codes: dict[str, int]
) -> None:
    key = "meeting-2019/date/gazette-2020-05-01/paragraph-2"
    write(mini, "claims", setcell(read(mini, "claims"), "locator", key, locator))
    rep = validate(mini, sources=mini)
    assert rep.fatal is None
    assert {c: r.count for c, r in rep.results.items()} == codes


def test_explain_takes_no_path(mini: Path) -> None:
    code, out, err = run("validate", "--explain", "CHR401", str(mini))
    assert (code, out) == (2, "")
    assert err == f"Error: --explain CHR401 takes no PATH (got {mini})\n"


def test_explain_and_rules() -> None:
    code, out, _ = run("validate", "--explain", "chr401")
    assert code == 0
    assert out.startswith("CHR401 (error): no supporting occurrence claim\n\nEvery event needs")
    code, out, err = run("validate", "--explain", "CHR999")
    assert (code, out) == (2, "")
    assert err == "Error: unknown rule code 'CHR999' (chrono rules lists them)\n"
    code, out, _ = run("rules")
    assert code == 0 and len(out.splitlines()) == len(RULES)
    assert out.splitlines()[0] == "CHR101  error    required table missing"


def _broken(ds: Path) -> None:
    """Two broken tables (the Parquet is fresh: its rules run on it)."""
    m_chr202(ds)
    m_chr401(ds)


def test_text_output(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(mini)
    monkeypatch.chdir(mini.parent)
    code, out, _ = run("validate", "mini", "--max-examples", "1")
    assert code == 1
    assert out == (
        "mini (mini): invalid: 3 errors, 0 warnings\n"
        "  note: 2 quotes not checked against their sources (pass --sources DIR)\n"
        "  CHR202 error foreign key does not resolve (2, first 1 shown)\n"
        '    participants[meeting-2019, nobody, participant].actor_id = "nobody" '
        "(mini/events/meeting-2019.yaml:1:1): actor_id 'nobody' is not an id in actors\n"
        "  CHR401 error no supporting occurrence claim (1)\n"
        "    events[meeting-2019] (mini/events/meeting-2019.yaml:1:1): event 'meeting-2019' "
        "has no supporting occurrence claim\n"
    )


def _recorded(ds: Path) -> str:
    return json.loads((ds / "datapackage.json").read_text())["chrono"]["curated_sha256"]


def _actual(ds: Path) -> str:
    from chrono.curation import curated_sha256

    return curated_sha256(ds)


def _stale_and_broken(ds: Path) -> None:
    """Two broken YAML fields, edited after the build: validate checks the YAML itself."""
    path = ds / "events" / "meeting-2019.yaml"
    text = path.read_text().replace("date: 2019\n", "date: 2019-13\n")
    path.write_text(text.replace("{actor: leader-a,", "{actor: nobody,"))


def test_stale_sources_are_validated_themselves(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stale_and_broken(mini)
    monkeypatch.chdir(mini.parent)
    code, out, _ = run("validate", "mini", "--max-examples", "1")
    assert code == 1
    assert out == (
        "mini (mini): invalid: 3 errors, 0 warnings\n"
        "  note: the model's rules run on the compiled tables once these are fixed\n"
        "  CHR202 error foreign key does not resolve (1)\n"
        "    mini/events/meeting-2019.yaml:8:13: field 'actor': unknown id 'nobody' "
        "(not in actors.yaml)\n"
        "  CHR301 error invalid EDTF date (1)\n"
        "    mini/events/meeting-2019.yaml:6:7: field 'date': invalid EDTF: '2019-13' is not "
        "an EDTF level 0/1 date: no month 13 (months 01-12, seasons 21-24)\n"
        "  CHR604 error Parquet stale with respect to the curated sources (1)\n"
        "    mini/dataset.yaml:1: the Parquet is stale: the curated sources changed since the "
        f"build (expected curated sha256 {_recorded(mini)}, actual {_actual(mini)}); "
        "run chrono build\n"
    )


def test_github_output(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _stale_and_broken(mini)
    monkeypatch.chdir(mini.parent)
    code, out, _ = run("validate", "mini", "--format", "github", "--max-examples", "1")
    assert code == 1
    assert out.splitlines() == [
        "::error file=mini/events/meeting-2019.yaml,line=8,col=13,title=CHR202::mini: "
        "mini/events/meeting-2019.yaml:8:13: field 'actor': unknown id 'nobody' "
        "(not in actors.yaml)",
        "::error file=mini/events/meeting-2019.yaml,line=6,col=7,title=CHR301::mini: "
        "mini/events/meeting-2019.yaml:6:7: field 'date': invalid EDTF: '2019-13' is not an "
        "EDTF level 0/1 date: no month 13 (months 01-12, seasons 21-24)",
        "::error file=mini/dataset.yaml,line=1,title=CHR604::mini: mini/dataset.yaml:1: "
        "the Parquet is stale: the curated sources changed since the build "
        "(expected curated sha256 "
        f"{_recorded(mini)}, actual {_actual(mini)}); run chrono build",
    ]


def test_github_output_is_capped(mini: Path) -> None:
    from chrono.validation.annotations import render_github
    from chrono.validation.report import Finding

    rep = Report("x", "x", max_examples=100)
    for i in range(15):
        rep.add(Finding("CHR202", "error", "events", (f"e{i:02d}",), "id", None, "bad"))
    rep.finish()
    lines = render_github([rep]).splitlines()
    assert len(lines) == 11
    assert lines[-1].startswith("::notice::5 more findings not annotated (5 errors, 0 warnings)")


def test_markdown_output_and_summary_file(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    m_chr401(mini)
    monkeypatch.chdir(mini.parent)
    summary = tmp_path / "summary.md"
    code, out, _ = run("validate", "mini", "--format", "markdown", "--summary", str(summary))
    assert code == 1
    assert out == (
        "## chrono validate\n\n"
        "### ❌ mini: invalid: 1 error, 0 warnings\n\n"
        "_note: 2 quotes not checked against their sources (pass --sources DIR)_\n\n"
        "| Code | Severity | Rule | Count |\n|---|---|---|---:|\n"
        "| CHR401 | error | no supporting occurrence claim | 1 |\n\n"
        "<details><summary>Examples</summary>\n\n"
        "- `CHR401` `events[meeting-2019]`: event 'meeting-2019' has no supporting "
        "occurrence claim\n\n</details>\n"
    )
    assert summary.read_text() == out


def test_json_output_matches_schema(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m_chr401(mini)
    monkeypatch.chdir(mini.parent)
    code, out, _ = run("validate", "mini", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert doc == {
        "version": 1,
        "valid": False,
        "strict": False,
        "datasets": [
            {
                "dataset": "mini",
                "path": "mini",
                "valid": False,
                "fatal": None,
                "counts": {"error": 1, "warning": 0},
                "notes": ["2 quotes not checked against their sources (pass --sources DIR)"],
                "rules": [
                    {
                        "code": "CHR401",
                        "severity": "error",
                        "title": "no supporting occurrence claim",
                        "count": 1,
                        "examples": [
                            {
                                "code": "CHR401",
                                "severity": "error",
                                "table": "events",
                                "key": ["meeting-2019"],
                                "column": None,
                                "value": None,
                                "message": "event 'meeting-2019' has no supporting "
                                "occurrence claim",
                                "file": "mini/events/meeting-2019.yaml",
                                "line": 1,
                                "col": 1,
                            }
                        ],
                    }
                ],
            }
        ],
    }


def test_json_of_fatal_and_valid_match_schema(mini: Path, mini_src: Path) -> None:
    from chrono.validation import render

    _zero(mini)
    doc = json.loads(render([validate(mini), validate(mini_src)], "json"))
    jsonschema.validate(doc, SCHEMA)
    assert [d["valid"] for d in doc["datasets"]] == [False, True]


def test_strict_fails_on_warnings(mini: Path) -> None:
    m_chr802(mini)
    assert run("validate", "--sources", str(mini), str(mini))[0] == 0
    assert run("validate", "--strict", "--sources", str(mini), str(mini))[0] == 1


def test_folder_of_datasets(tmp_path: Path, mini_src: Path) -> None:
    for name in ("a", "b"):
        shutil.copytree(mini_src, tmp_path / name)
    code, out, _ = run("validate", str(tmp_path))
    assert code == 0 and out.count("valid: 0 errors") == 2
    code, _, _ = run("validate", str(tmp_path / "a" / "datapackage.json"))
    assert code == 0


def test_help_does_not_import_pandas_or_pyarrow() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from chrono.cli import main\n"
        "try:\n    main(['validate', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


# --------------------------------------------------------------------------- fast paths agree


def test_derived_dates_are_the_parsers_for_every_value() -> None:
    """The build's and the validator's column-wise derivation (fast paths included) gives
    each value the parser's bounds, or the parser's message."""
    from chrono.model.dates import EDTFError, parse
    from chrono.model.derive import derive_dates

    values = pa.array(
        [
            "2019",
            "2019-02",
            "2019-02-28",
            "2019-02-29",
            "2020-02-29",
            "1900-02-29",
            "0000",
            "-0044",
            "Y12345",
            "2019~",
            "2014-09?",
            "2023-03-20/2023-03-22",
            "2023-03-22/2023-03-20",
            "2019-13",
            None,
            "201X",
            "19XX",
            "2019-21",
            "2019-12-31/2020-01-02",
            "x",
            "2019-04-31",
            " 2019",
            "2019-00",
        ]
    )
    d = derive_dates(values)
    errors = {}
    for i, value in enumerate(values.to_pylist()):
        if value is None:
            assert d.earliest[i].as_py() is None and d.precision[i].as_py() is None
            continue
        try:
            b = parse(value)
        except EDTFError as exc:
            errors[i] = str(exc)
            assert d.earliest[i].as_py() is None, value
            continue
        assert d.earliest[i].cast(pa.int32()).as_py() == b.earliest, value
        assert d.latest[i].cast(pa.int32()).as_py() == b.latest, value
        assert d.precision[i].as_py() == b.precision, value
        assert (d.uncertain[i].as_py(), d.approximate[i].as_py()) == (b.uncertain, b.approximate)
    assert d.errors == errors and len(errors) == 8


@pytest.mark.parametrize(
    ("table", "mutate", "column"),
    [
        ("actors", m_chr106, "country"),
        ("places", m_chr201, "id"),
        ("events", m_chr501, "type"),
        ("events", m_chr104, "title"),
    ],
)
def test_pandera_agrees(
    mini: Path, table: str, mutate: Callable[[Path], None], column: str
) -> None:
    import pandera.errors

    import chrono
    from chrono.validation import pandera_schema

    pandera_schema(table).validate(chrono.load(table, mini), lazy=True)
    mutate(mini)
    rep = validate(mini)
    assert not rep.valid
    assert any(f.column == column for f in rep.findings)
    with pytest.raises(pandera.errors.SchemaErrors) as info:
        pandera_schema(table).validate(chrono.load(table, mini), lazy=True)
    assert column in set(info.value.failure_cases["column"].astype(str))


def test_pandera_schemas_accept_every_mini_table(mini_src: Path) -> None:
    import chrono
    from chrono.model.tables import TABLE_NAMES
    from chrono.validation import pandera_schema

    frames = chrono.load_dataset(mini_src)
    for name in TABLE_NAMES:
        assert pandera_schema(name).validate(frames[name]) is not None


# --------------------------------------------------------------------------- never raises


_OPS = st.sampled_from(["flip", "drop_column", "change_value", "delete_rows", "truncate"])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    op=_OPS,
    table=st.sampled_from(["events", "claims", "sources", "participants", "actors", "places"]),
    where=st.floats(0, 1, exclude_max=True),
    value=st.text(max_size=12),
    rehash=st.booleans(),
)
def test_mutations_never_raise(
    mini_src: Path, op: str, table: str, where: float, value: str, rehash: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = Path(tmp) / "mini"
        shutil.copytree(mini_src, ds)
        path = table_file(ds, table)
        if op in ("flip", "truncate"):
            blob = bytearray(path.read_bytes())
            i = int(where * len(blob))
            if op == "flip":
                blob[i] ^= 0xFF
            else:
                del blob[i:]
            path.write_bytes(bytes(blob))
        else:
            t = pq.read_table(path)
            col = t.column_names[int(where * t.num_columns)]
            if op == "drop_column":
                t = t.drop_columns([col])
            elif op == "delete_rows":
                t = t.slice(0, int(where * t.num_rows))
            else:
                arr = pa.array([value] * t.num_rows, pa.string())
                t = t.set_column(t.schema.get_field_index(col), col, arr)
            if rehash:
                write(ds, table, t)
            else:
                pq.write_table(t, path)
        rep = validate(ds, sources=ds)
        assert isinstance(rep, Report)
        if op != "flip" or rep.fatal is None:
            assert not rep.valid or (op == "flip" and rep.valid is False) or rep.fatal is None
        code, _, err = run("validate", str(ds))
        assert code in (0, 1, 3)
        assert "Traceback" not in err and err.count("\n") <= 1


@given(
    st.lists(st.integers(0, 2**64 - 1) | st.sampled_from([0, 1, 2**32, 2**63]), max_size=60),
    st.data(),
)
def test_candidate_rows_include_every_repeated_key(keys: list[int], data: st.DataObject) -> None:
    """The bucketed search for repeated keys (likely duplicates) keeps every row whose key
    repeats, in order, and drops a row only when its key is single."""
    import numpy as np

    from chrono.validation.repeats import maybe_shared

    key = np.array(keys, dtype=np.uint64)
    rows = np.array(
        sorted(data.draw(st.sets(st.integers(0, max(len(keys) - 1, 0)))) if keys else []),
        dtype=np.int64,
    )
    picked = [keys[r] for r in rows]
    repeated = {r for r in rows if picked.count(keys[r]) > 1}
    got = maybe_shared(key, rows).tolist()
    assert got == sorted(got) and set(got) <= set(rows.tolist())
    assert repeated <= set(got)


def test_pattern_on_a_dictionary_column_over_several_row_groups(mini: Path) -> None:
    """A dictionary column's pattern is checked once per row group dictionary, and a
    failing value is still reported at its row."""
    key = "meeting-2020/date/gazette-2020-05-01/paragraph-1"
    claims = setcell(read(mini, "claims"), "locator", key, "p1")
    path = table_file(mini, "claims")
    pq.write_table(claims, path, **{**WRITE_OPTIONS, "row_group_size": 2})
    write(mini, "claims", pq.read_table(path))  # the descriptor's rows
    pq.write_table(claims, path, **{**WRITE_OPTIONS, "row_group_size": 2})
    desc = json.loads((mini / "datapackage.json").read_text())
    blob = path.read_bytes()
    for res in desc["resources"]:
        if res["name"] == "claims":
            res.update(hash="sha256:" + hashlib.sha256(blob).hexdigest(), bytes=len(blob))
    (mini / "datapackage.json").write_text(json.dumps(desc))
    assert pq.ParquetFile(path).metadata.num_row_groups > 1
    rep = validate(mini)
    assert {code: r.count for code, r in rep.results.items() if code != "CHR604"} == {"CHR106": 1}
    [first] = rep.results["CHR106"].examples
    assert (first.key, first.column, first.value) == ((key,), "locator", "p1")
    assert first.message == (
        "'p1' is not a locator; write paragraph 1 for a paragraph or page 1 for a page"
    )


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["e1", "e2", "e3"]),
            st.sampled_from(["a", "b", "zz"]),
            st.sampled_from(["host", "guest"]),
        ),
        min_size=2,
        max_size=12,
    ),
    st.integers(1, 4),
)
def test_sorted_unique_key_check_agrees_with_python(rows: list, chunk: int) -> None:
    """The fast primary-key check (ranks of dictionary columns, trailing integer columns
    folded into one) says 'strictly increasing' exactly when Python's tuple order does."""
    from chrono.model.tables import TABLES
    from chrono.validation.batch import Batch
    from chrono.validation.kernels import orderable, strictly_increasing

    def column(values: list[str]) -> pa.ChunkedArray:
        # each chunk its own dictionary, as each Parquet row group has
        parts = [values[i : i + chunk] for i in range(0, len(values), chunk)]
        return pa.chunked_array([pc.dictionary_encode(pa.array(p, pa.string())) for p in parts])

    event, actor, role = (list(c) for c in zip(*rows, strict=True))
    data = pa.table(
        {
            "event_id": pa.chunked_array([pa.array(event)]),
            "actor_id": column(actor),
            "role": column(role),
        }
    )
    t = Batch(
        TABLES["participants"],
        Path("participants.parquet"),
        data,
        len(rows),
        set(data.column_names),
    )
    expected = all(a < b for a, b in itertools.pairwise(rows))
    assert (
        strictly_increasing([orderable(t.data[k]) for k in ("event_id", "actor_id", "role")])
        is expected
    )


def test_text_check_of_dictionary_columns() -> None:
    """Each distinct dictionary is checked for UTF-8 once; indices must fall inside it."""
    from chrono.validation.reading import check_text

    def strings(*raw: bytes) -> pa.Array:
        offsets = [0]
        for r in raw:
            offsets.append(offsets[-1] + len(r))
        data = pa.py_buffer(b"".join(raw))
        return pa.Array.from_buffers(
            pa.string(), len(raw), [None, pa.array(offsets, pa.int32()).buffers()[1], data]
        )

    good = strings(b"p1", b"p2")
    ok = pa.DictionaryArray.from_arrays(pa.array([0, 1, None], pa.int32()), good)
    bad_text = pa.DictionaryArray.from_arrays(pa.array([0], pa.int32()), strings(b"p\xff"))
    outside = pa.DictionaryArray.from_arrays(pa.array([0, 2], pa.int32()), good, safe=False)
    path = Path("claims.parquet")
    assert check_text(path, pa.chunked_array([ok, ok])) is None
    message = check_text(path, pa.chunked_array([ok, bad_text]))
    assert message is not None and message.startswith("claims.parquet: unreadable Parquet: ")
    assert "UTF8" in message or "UTF-8" in message, message
    assert check_text(path, pa.chunked_array([ok, outside])) == (
        "claims.parquet: unreadable Parquet: dictionary index 2 out of bounds"
    )


@pytest.mark.parametrize(
    ("raw", "offsets", "ok"),
    [
        (b"e1e22", [0, 2, 5], True),  # ASCII: the fast path
        ("é-ü".encode(), [0, 2, 5], True),  # UTF-8 beyond ASCII: Arrow's full check
        (b"ab\xffc", [0, 2, 4], False),  # a byte that is not UTF-8
        (b"abcd", [0, 3, 1], False),  # offsets that go back
    ],
)
def test_text_check_of_plain_columns(raw: bytes, offsets: list[int], ok: bool) -> None:
    from chrono.validation.reading import check_text

    chunk = pa.Array.from_buffers(
        pa.string(),
        len(offsets) - 1,
        [None, pa.array(offsets, pa.int32()).buffers()[1], pa.py_buffer(raw)],
    )
    message = check_text(Path("events.parquet"), pa.chunked_array([chunk, chunk.slice(1)]))
    assert (message is None) is ok, message
    if not ok:
        assert message is not None and message.startswith("events.parquet: unreadable Parquet: ")


def test_claims_derived_dates_are_checked_on_date_claims_only(mini: Path) -> None:
    """A date claim's stored bounds must match its value; other claims store none."""
    import datetime as dt

    claims = read(mini, "claims")
    claims = setcell(claims, "latest", "meeting-2020/date/ministry-2020-06", dt.date(2020, 6, 29))
    claims = setcell(
        claims, "precision", "meeting-2019/occurrence/gazette-2020-05-01/paragraph-2", "year"
    )
    write(mini, "claims", claims)
    res = validate(mini).results["CHR302"]
    assert res.count == 2
    got = sorted((f.key, f.column, f.value) for f in res.examples)
    assert got == [
        (("meeting-2019/occurrence/gazette-2020-05-01/paragraph-2",), "precision", "year"),
        (("meeting-2020/date/ministry-2020-06",), "latest", "2020-06-29"),
    ]
    latest = next(f for f in res.examples if f.column == "latest")
    assert "2020-06-30" in latest.message, latest.message


_SLUGGY = st.text(alphabet="ab09-Z_é", max_size=6)


@given(
    st.lists(st.none() | _SLUGGY | st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True)),
    st.integers(0, 3),
)
def test_ids_judged_from_their_bytes_agree_with_the_pattern(
    values: list[str | None], cut: int
) -> None:
    """The byte-level check of ids (SLUG) says 'all match' exactly when the regex does,
    also on a slice of a chunk (its offsets do not start at zero)."""
    import re

    from chrono.model.tables import SLUG
    from chrono.validation.kernels import all_slugs

    chunk = pa.array(values, pa.string()).slice(min(cut, len(values)))
    regex = all(v is None or re.fullmatch(SLUG, v) for v in chunk.to_pylist())
    assert all_slugs(chunk) is (regex and len(chunk) > 0)


def test_id_pattern_failures_found_after_the_byte_check(mini: Path) -> None:
    """An id the byte check rejects still gets its exact CHR106 finding from the regex."""
    write(mini, "places", setcell(read(mini, "places"), "id", "alpha-city", "alpha--city"))
    res = validate(mini).results["CHR106"]
    assert res.count == 1
    assert res.examples[0].key == ("alpha--city",)
    assert res.examples[0].message == "'alpha--city' does not match ^[a-z0-9]+(-[a-z0-9]+)*$"


# --------------------------------------------------------------------------- missing ends


def _meeting_2019(ds: Path, date: str, mode: str = "reported") -> Path:
    """meeting-2019 re-dated (event and its gazette claim), built."""
    from chrono import build as builder

    path = ds / "events" / "meeting-2019.yaml"
    text = path.read_text().replace("date: 2019\n", f"date: {date}\n")
    text = text.replace('value: "2019"', f'value: "{date}"\n    mode: {mode}')
    text = text.replace("locator: paragraph 2}", f"locator: paragraph 2, mode: {mode}}}")
    path.write_text(text)
    builder.write(ds, builder.build(ds))
    return ds


def test_a_source_may_report_an_event_whose_end_is_unknown(mini: Path) -> None:
    """2019/ may have ended before the gazette: CHR405 cannot judge it."""
    assert validate(_meeting_2019(mini, "2019/")).results == {}


def test_a_source_may_report_an_event_of_its_own_year(mini: Path) -> None:
    """A gazette of 1 May 2020 may report an event dated 2020 (it may have ended in
    January)."""
    assert validate(_meeting_2019(mini, "2020")).results == {}


def test_an_event_that_certainly_had_not_ended_is_reported_too_early(mini: Path) -> None:
    from chrono import build as builder

    with pytest.raises(builder.CurationError) as err:
        _meeting_2019(mini, "2020-06")
    assert err.value.problems[0].message == (
        "source 'gazette-2020-05-01' (published by 2020-05-01) reports event 'meeting-2019' as "
        "past, but it ends 2020-06-01 at the earliest: use mode announced or ongoing, or fix "
        "the dates"
    )


def test_reporting_an_open_interval_as_past_names_it_open(mini: Path) -> None:
    from chrono import build as builder

    with pytest.raises(builder.CurationError) as err:
        _meeting_2019(mini, "2019/..")
    assert [p.code for p in err.value.problems] == ["CHR405", "CHR405"]
    assert err.value.problems[0].message == (
        "source 'gazette-2020-05-01' (published by 2020-05-01) reports event 'meeting-2019' as "
        "past, but it has not ended (open interval): use mode announced or ongoing, or fix the "
        "dates"
    )


def test_an_announcement_of_an_event_whose_start_is_unknown(mini: Path) -> None:
    """/2021 began at no known day: "published after it began" cannot be judged."""
    assert validate(_meeting_2019(mini, "/2021", mode="announced")).results == {}


def test_findings_show_a_missing_bound_as_unbounded(mini: Path) -> None:
    t = setdate(read(mini, "events"), "meeting-2019", "2019/..")
    write(mini, "events", t)
    res = validate(mini).results["CHR403"]
    assert res.examples[0].message == (
        "event interval 2019-01-01..unbounded is not inside supporting date claim "
        "'meeting-2019/date/gazette-2020-05-01/paragraph-2' (2019-01-01..2019-12-31): narrow "
        "the date, or mark the event disputed"
    )


def test_findings_give_a_bce_day_as_people_read_it_too(mini: Path) -> None:
    t = setdate(read(mini, "events"), "meeting-2019", "-0043-03-15")
    write(mini, "events", t)
    res = validate(mini).results["CHR403"]
    assert res.examples[0].message == (
        "event interval -0043-03-15 (15 March 44 BCE)..-0043-03-15 (15 March 44 BCE) is not "
        "inside supporting date claim 'meeting-2019/date/gazette-2020-05-01/paragraph-2' "
        "(2019-01-01..2019-12-31): narrow the date, or mark the event disputed"
    )
