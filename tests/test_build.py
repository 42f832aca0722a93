"""chrono build: bad input, model invariants, determinism, atomic writes, --check."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner

from chrono import build as builder
from chrono import commit, safeio
from chrono.cli import main
from chrono.curation import curated_sha256
from conftest import BUNDLED, MINI, table_file


def snapshot(root: Path) -> dict[str, str]:
    files = [*sorted((root / "data").glob("*.parquet")), root / "datapackage.json"]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def run_build(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["build", *args, str(root)])
    return result.exit_code, result.stdout, result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


# libyaml (where PyYAML has it) and the pure-Python parser word this one differently
UNCLOSED = (
    "did not find expected ',' or ']'"
    if yaml.__with_libyaml__
    else "expected ',' or ']', but got ':'"
)
BAD_INPUTS = [
    (
        "events/meeting-2019.yaml",
        "title: Earlier meeting",
        "title: [unclosed",
        [f"events/meeting-2019.yaml:3:8: CHR110 malformed YAML: {UNCLOSED}"],
    ),
    (
        "events/meeting-2019.yaml",
        "status: confirmed",
        "status: confirmed\ncolour: red",
        [
            "events/meeting-2019.yaml:6:1: CHR105 field 'colour': unknown field (allowed: id, "
            "title, summary, type, status, date, place, parent, participants, claims)"
        ],
    ),
    (
        "events/meeting-2019.yaml",
        "date: 2019",
        "date: 2019-02-30",
        [
            "events/meeting-2019.yaml:6:7: CHR301 field 'date': invalid EDTF: '2019-02-30': "
            "2019-02 has no day 30"
        ],
    ),
    (
        "events/meeting-2019.yaml",
        "source: gazette-2020-05-01",
        "source: gazette-1999",
        [
            "events/meeting-2019.yaml:11:13: CHR202 field 'source': unknown id 'gazette-1999' "
            "(not in sources.yaml)"
        ],
    ),
    (
        "events/meeting-2019.yaml",
        "{actor: leader-a, role: participant}",
        "{actor: leader-z, role: participant}",
        [
            "events/meeting-2019.yaml:8:13: CHR202 field 'actor': unknown id 'leader-z' "
            "(not in actors.yaml)"
        ],
    ),
    (
        "actors.yaml",
        "id: leader-b,",
        "id: leader-a,",
        [
            "actors.yaml:2:8: CHR201 field 'id': duplicate actors id 'leader-a' "
            "(first at actors.yaml:1)",
            "events/meeting-2019.yaml:9:13: CHR202 field 'actor': unknown id 'leader-b' "
            "(not in actors.yaml)",
            "events/meeting-2020.yaml:10:13: CHR202 field 'actor': unknown id 'leader-b' "
            "(not in actors.yaml)",
        ],
    ),
    (  # the same claim twice: one is enough
        "events/meeting-2019.yaml",
        '    quote: "in 2019"\n',
        '    quote: "in 2019"\n  - {source: gazette-2020-05-01, property: date, value: "2019", '
        "locator: paragraph 2}\n",
        [
            "events/meeting-2019.yaml:16:5: CHR201 duplicate claim "
            "'meeting-2019/date/gazette-2020-05-01/paragraph-2' (first at line 11): merge the "
            "two claims"
        ],
    ),
    (  # two values at one place: they cannot be merged
        "events/meeting-2019.yaml",
        '    quote: "in 2019"\n',
        '    quote: "in 2019"\n  - {source: gazette-2020-05-01, property: date, value: "2018", '
        "locator: paragraph 2, stance: contradicts}\n",
        [
            "events/meeting-2019.yaml:16:5: CHR201 duplicate claim "
            "'meeting-2019/date/gazette-2020-05-01/paragraph-2' (first at line 11): the source "
            "gives two values there: give each its own locator"
        ],
    ),
    (
        "events/meeting-2019.yaml",
        "type: bilateral_meeting",
        "type: picnic",
        [
            "events/meeting-2019.yaml:4:7: CHR501 field 'type': 'picnic' is not a term of the "
            "event_type vocabulary (state_visit, official_visit, working_visit, visit, "
            "bilateral_meeting, summit_sideline_meeting, trilateral_meeting, "
            "multilateral_summit, joint_statement, video_call, phone_call, announcement, "
            "policy_paper, military_action, press_statement); declare a new term in "
            "dataset.yaml under vocabularies: event_type:"
        ],
    ),
    (
        "events/meeting-2019.yaml",
        "id: meeting-2019",
        "id: meeting-2018",
        [
            "events/meeting-2019.yaml:1:5: CHR113 field 'id': 'meeting-2018' must equal the "
            "file name 'meeting-2019'"
        ],
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "messages"), BAD_INPUTS)
def test_bad_input_lists_every_problem_and_keeps_previous_output(
    mini: Path, file: str, old: str, new: str, messages: list[str]
) -> None:
    before = snapshot(mini)
    edit(mini / file, old, new)
    code, out, err = run_build(mini)
    assert code == 1
    assert out == ""
    n = len(messages)
    listed = "".join(f"{mini}/{m}\n" for m in messages)
    assert err == listed + f"Error: {mini}: {n} problem{'s' * (n > 1)}; nothing written\n"
    assert snapshot(mini) == before


def test_every_problem_at_once_capped_with_an_exact_count(mini: Path) -> None:
    """Two wrong dates and a wrong term in three places: all three, at their fields."""
    edit(mini / "events/meeting-2019.yaml", "date: 2019", "date: 2019-13")
    edit(mini / "events/meeting-2019.yaml", "type: bilateral_meeting", "type: picnic")
    edit(mini / "events/meeting-2020.yaml", "value: 2020-06\n", "value: June 2020\n")
    before = snapshot(mini)
    code, out, err = run_build(mini)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert [line.split(": ")[0].removeprefix(f"{mini}/") for line in lines] == [
        "events/meeting-2019.yaml:4:7",
        "events/meeting-2019.yaml:6:7",
        "events/meeting-2020.yaml:25:12",
        "Error",
    ]
    assert [line.split(": ")[1].split()[0] for line in lines[:3]] == [
        "CHR501",
        "CHR301",
        "CHR301",
    ]
    code, _, err = run_build(mini, "--max-errors", "1")
    assert err.splitlines()[1:] == [
        "... and 2 more (--max-errors 0 lists all)",
        f"Error: {mini}: 3 problems; nothing written",
    ]
    assert snapshot(mini) == before


def test_duplicate_yaml_key_is_an_error(mini: Path) -> None:
    edit(mini / "events/meeting-2019.yaml", "status: confirmed", "status: confirmed\nstatus: x")
    code, _, err = run_build(mini)
    assert code == 1
    assert (
        err.splitlines()[0] == f"{mini}/events/meeting-2019.yaml:6:1: CHR110 duplicate key 'status'"
    )


EMPTY_FILES = [
    (name, text)
    for name in ("events/meeting-2019.yaml", "dataset.yaml")
    for text in ("", "# nothing yet\n", "---\n", "null\n")
]


@pytest.mark.parametrize(("name", "text"), EMPTY_FILES)
def test_an_empty_file_is_an_error_not_a_record_dropped(mini: Path, name: str, text: str) -> None:
    """A file truncated by an editor or a merge: the build refuses it, rather than leaving
    the event out of the tables without a word (or failing on the dataset's metadata)."""
    before = snapshot(mini)
    (mini / name).write_text(text)
    what = "an event file" if name.startswith("events/") else "dataset.yaml"
    assert run_build(mini) == (
        1,
        "",
        f"{mini}/{name}: CHR103 {what} must be a mapping of fields, not empty\n"
        f"Error: {mini}: 1 problem; nothing written\n",
    )
    assert snapshot(mini) == before


def test_dates_stay_text_in_yaml(mini: Path) -> None:
    """An unquoted 2019 or 2020-06 is an EDTF string, not an int or a date."""
    curated = builder.read_curated(mini)
    dates = {r["id"]: r["date"] for r in curated.rows["events"]}
    assert dates == {
        "meeting-2019": "2019",
        "meeting-2020": "2020-06-02/2020-06-03",
        "summit-2020": "2020-06",
    }


# --- model invariants: each has a failing case -------------------------------------------


INVARIANTS = [
    (
        "events/meeting-2019.yaml",
        "  - {source: gazette-2020-05-01, property: occurrence, locator: paragraph 2}\n",
        "",
        [
            "events/meeting-2019.yaml:1:1: CHR401 event 'meeting-2019' has no supporting "
            "occurrence claim"
        ],
    ),
    (
        "events/summit-2020.yaml",
        "  - {source: ministry-2020-06, property: date, note: The ministry's June bulletin "
        "reports it., value: 2020-06}\n",
        "",
        ["events/summit-2020.yaml:1:1: CHR402 event 'summit-2020' has no supporting date claim"],
    ),
    (
        "events/meeting-2019.yaml",
        "date: 2019",
        "date: 2018/2019",
        [
            "events/meeting-2019.yaml:11:5: CHR403 event interval 2018-01-01..2019-12-31 is not "
            "inside supporting date claim 'meeting-2019/date/gazette-2020-05-01/paragraph-2' "
            "(2019-01-01..2019-12-31): narrow the date, or mark the event disputed"
        ],
    ),
    (
        "events/meeting-2019.yaml",
        "date: 2019",
        "date: 2019-05-01",
        [
            "events/meeting-2019.yaml:6:7: CHR404 precision day is finer than its most precise "
            "supporting date claim (year)"
        ],
    ),
    (
        "events/summit-2020.yaml",
        "date: 2020-06\n",
        "date: 2020-06-10/2020-06-30\n",
        [
            "events/meeting-2020.yaml:8:9: CHR304 interval 2020-06-02..2020-06-03 lies outside "
            "its parent 'summit-2020' (2020-06-10..2020-06-30)"
        ],
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "messages"), INVARIANTS)
def test_invariant_violations_stop_the_build(
    mini: Path, file: str, old: str, new: str, messages: list[str]
) -> None:
    """The model's rules, checked on the compiled tables, are reported at the YAML field."""
    edit(mini / file, old, new)
    if "2020-06-10" in new:  # keep the summit's own claims consistent with its new date
        edit(mini / file, "value: 2020-06}", "value: 2020-06-10/2020-06-30}")
    code, out, err = run_build(mini)
    assert (code, out) == (1, "")
    n = len(messages)
    listed = "".join(f"{mini}/{m}\n" for m in messages)
    assert err == listed + f"Error: {mini}: {n} problem{'s' * (n > 1)}; nothing written\n"


def test_disputed_event_may_lie_outside_a_date_claim(mini: Path) -> None:
    edit(mini / "events/meeting-2019.yaml", "date: 2019", "date: 2018/2019")
    edit(mini / "events/meeting-2019.yaml", "status: confirmed", "status: disputed")
    code, out, err = run_build(mini)
    assert (code, err) == (0, "")
    assert out.startswith(f"{mini}: 6 tables, 23 rows; wrote ")


# --- determinism and freshness --------------------------------------------------------------


def test_build_is_deterministic(mini: Path) -> None:
    first = builder.build(mini)
    second = builder.build(mini)
    assert first.files == second.files


@pytest.mark.parametrize("root", [MINI, BUNDLED], ids=["mini", "bundled"])
def test_rebuild_equals_committed(root: Path) -> None:
    result = builder.build(root)
    state = builder.check(root, result)
    assert state.stale == []
    committed = f"pyarrow {pa.__version__}" in (root / "datapackage.json").read_text()
    if committed:  # same writer version: byte-identical, not just equal content
        assert state.byte_only == []


def test_check_reports_stale_output_and_exits_1(mini: Path) -> None:
    run_build(mini)  # the bytes of this pyarrow (a committed file may be another's)
    edit(mini / "events/meeting-2019.yaml", "title: Earlier meeting", "title: Earlier talks")
    before = snapshot(mini)
    old = table_file(mini, "events").relative_to(mini).as_posix()
    code, out, _err = run_build(mini, "--check")
    assert code == 1
    assert out == (f"{mini}: stale: events, datapackage.json (run: chrono build)\n")
    assert snapshot(mini) == before  # --check writes nothing
    code, out, _ = run_build(mini)
    assert code == 0
    new = table_file(mini, "events").relative_to(mini).as_posix()
    assert new != old and new.startswith("data/events-") and new.endswith(".parquet")
    assert out == (f"{mini}: 6 tables, 23 rows; wrote {new}, datapackage.json; removed {old}\n")
    assert not (mini / old).exists()
    assert run_build(mini, "--check")[:2] == (0, f"{mini}: up to date (6 tables, 23 rows)\n")


def test_check_names_a_stray_table_file_the_build_would_remove(mini: Path) -> None:
    """A table file no descriptor lists (a copy, a leftover) is removed by the next build:
    --check does not call the dataset up to date meanwhile. Other files are not ours."""
    run_build(mini)
    stray = mini / "data" / "events-0000000000000000.parquet"
    stray.write_bytes(table_file(mini, "events").read_bytes())
    (mini / "data" / "notes.txt").write_text("kept\n")
    assert run_build(mini, "--check")[:2] == (
        1,
        f"{mini}: stale: data/events-0000000000000000.parquet (run: chrono build)\n",
    )
    assert run_build(mini)[:2] == (
        0,
        f"{mini}: 6 tables, 23 rows; unchanged; removed data/events-0000000000000000.parquet\n",
    )
    assert not stray.exists() and (mini / "data" / "notes.txt").exists()
    assert run_build(mini, "--check")[:2] == (0, f"{mini}: up to date (6 tables, 23 rows)\n")


def test_failed_write_leaves_previous_files_and_no_temporaries(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(mini / "events/meeting-2019.yaml", "title: Earlier meeting", "title: Earlier talks")
    before = snapshot(mini)
    result = builder.build(mini)

    def boom(src: object, dst: object, **kw: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safeio.os, "replace", boom)
    with pytest.raises(safeio.OutputError, match="no space left on device"):
        builder.write(mini, result)
    assert snapshot(mini) == before
    assert sorted(p.name for p in (mini / "data").iterdir() if p.name.startswith(".")) == []
    assert sorted(p.name for p in mini.iterdir() if p.name.startswith(".")) == []


def test_parquet_types_seen_by_an_independent_reader(mini_src: Path) -> None:
    events = table_file(mini_src, "events")
    schema = pq.read_schema(events)
    assert schema.field("earliest").type == pa.date32()
    assert schema.field("type").type == pa.dictionary(pa.int32(), pa.string())
    physical = pq.ParquetFile(events).schema.column(6)  # earliest
    assert (physical.name, physical.logical_type.type) == ("earliest", "DATE")
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(
        f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{events}') "
        "WHERE column_name IN ('earliest', 'latest', 'type')"
    ).fetchall()
    assert sorted(rows) == [("earliest", "DATE"), ("latest", "DATE"), ("type", "VARCHAR")]


#: What Data Package v1 asks of each object in a descriptor's ``sources`` list: a string
#: ``title`` (required); ``path`` and ``email`` strings when present.
V1_SOURCE = {
    "type": "object",
    "required": ["title"],
    "properties": {"title": {"type": "string"}, "path": {"type": "string"}},
}


def test_descriptor_sources_never_put_the_publisher_in_the_title(mini: Path) -> None:
    import json

    import jsonschema

    edit(mini / "sources.yaml", "  url: null\n", "  url: https://example.org/gazette\n")
    assert run_build(mini)[0] == 0
    listed = json.loads((mini / "datapackage.json").read_text())["sources"]
    assert listed == [
        {
            "title": "Leaders to meet",
            "path": "https://example.org/gazette",
            "chrono:publisher": "Test Gazette",
        },
        {"title": "", "chrono:publisher": "Test Ministry"},  # headline unknown: left empty
    ]
    for entry in listed:
        jsonschema.validate(entry, V1_SOURCE)


def line_endings(root: Path, ending: bytes) -> list[str]:
    """Every text file of a dataset with ``ending`` for its line endings, as a checkout
    with ``core.autocrlf`` (CRLF) or a commit normalised by git (LF) holds it."""
    changed = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".json", ".txt"):
            lf = path.read_bytes().replace(b"\r\n", b"\n")
            path.write_bytes(lf.replace(b"\n", ending))
            changed.append(path.relative_to(root).as_posix())
    return changed


def test_lf_text_has_lf_line_endings_and_no_bom() -> None:
    assert safeio.lf_text(b"a: 1\nb: 2\n") == b"a: 1\nb: 2\n"
    assert safeio.lf_text(b"\xef\xbb\xbfa: 1\r\nb: 2\rc: 3\r\n") == b"a: 1\nb: 2\nc: 3\n"
    assert safeio.lf_text(b"a\r\r\nb") == b"a\n\nb"
    assert safeio.lf_text(b"a\xef\xbb\xbf") == b"a\xef\xbb\xbf"  # a BOM only at the start


def test_a_checkout_with_crlf_line_endings_is_up_to_date(mini: Path) -> None:
    """git clone -c core.autocrlf=true (Git for Windows' default) writes every text file
    with CRLF: the curated YAML says the same, and the outputs are the same."""
    run_build(mini)  # the bytes of this pyarrow (a committed file may be another's)
    recorded = json.loads((mini / "datapackage.json").read_bytes())["chrono"]["curated_sha256"]
    assert "schemas/event.schema.json" in line_endings(mini, b"\r\n")
    events = mini / "events/meeting-2019.yaml"
    events.write_bytes(b"\xef\xbb\xbf" + events.read_bytes())  # an editor's BOM
    assert curated_sha256(mini) == recorded
    assert run_build(mini, "--check") == (0, f"{mini}: up to date (6 tables, 23 rows)\n", "")
    result = CliRunner().invoke(main, ["validate", "--sources", str(mini), str(mini)])
    assert (result.exit_code, result.stdout) == (0, f"mini ({mini}): valid: 0 errors, 0 warnings\n")
    before = (mini / "schemas/event.schema.json").read_bytes()
    assert run_build(mini) == (0, f"{mini}: 6 tables, 23 rows; unchanged\n", "")
    assert (mini / "schemas/event.schema.json").read_bytes() == before  # left as git wrote it


def test_built_with_crlf_and_committed_with_lf_is_up_to_date(mini: Path) -> None:
    """Built on Windows (CRLF sources), committed (git stores LF), checked on Linux."""
    line_endings(mini, b"\r\n")
    run_build(mini)
    line_endings(mini, b"\n")
    assert run_build(mini, "--check") == (0, f"{mini}: up to date (6 tables, 23 rows)\n", "")
    edit(mini / "events/meeting-2019.yaml", "title: Earlier meeting", "title: Earlier talks")
    code, out, _ = run_build(mini, "--check")
    assert (code, out) == (1, f"{mini}: stale: events, datapackage.json (run: chrono build)\n")


def test_check_finds_a_descriptor_that_misstates_a_table_s_checksum(mini: Path) -> None:
    """Tables as built, but datapackage.json records another sha256 (or size) for one:
    validate calls that an error (CHR601), so --check does not call it up to date."""
    run_build(mini)
    desc = mini / "datapackage.json"
    recorded = json.loads(desc.read_text())["resources"][0]["hash"]
    wrong = recorded[:-4] + ("0000" if not recorded.endswith("0000") else "1111")
    desc.write_text(desc.read_text().replace(recorded, wrong))
    assert run_build(mini, "--check")[:2] == (
        1, f"{mini}: stale: datapackage.json (run: chrono build)\n",
    )  # fmt: skip
    assert run_build(mini)[:2] == (0, f"{mini}: 6 tables, 23 rows; wrote datapackage.json\n")
    assert run_build(mini, "--check")[:2] == (0, f"{mini}: up to date (6 tables, 23 rows)\n")


def test_a_bom_on_the_built_json_is_removed_not_kept(mini: Path) -> None:
    """CRLF line endings in datapackage.json are a checkout's; a BOM is not (JSON readers,
    chrono's among them, refuse one): --check says stale, and the build writes it again."""
    run_build(mini)
    desc = mini / "datapackage.json"
    desc.write_bytes(b"\xef\xbb\xbf" + desc.read_bytes())
    tables = "places, actors, sources, events, participants, claims"  # unreadable as it is
    assert run_build(mini, "--check")[:2] == (
        1, f"{mini}: stale: {tables}, datapackage.json (run: chrono build)\n",
    )  # fmt: skip
    assert run_build(mini)[:2] == (0, f"{mini}: 6 tables, 23 rows; wrote datapackage.json\n")
    assert not desc.read_bytes().startswith(b"\xef\xbb\xbf")


def test_an_event_file_added_during_a_build_leaves_the_build_stale(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file added to events/ after the build listed them is not in what it compiled, nor
    in the hash it records: validate then says stale (CHR604), never valid."""
    from chrono.curation import CuratedFiles
    from chrono.validation import validate

    events = mini / "events"
    hashed = CuratedFiles.sha256

    def late(self: CuratedFiles) -> str:
        text = (events / "meeting-2019.yaml").read_text()
        (events / "late.yaml").write_text(text.replace("id: meeting-2019", "id: late"))
        return hashed(self)

    monkeypatch.setattr(CuratedFiles, "sha256", late)
    assert run_build(mini)[0] == 0
    monkeypatch.undo()
    report = validate(mini)
    assert "CHR604" in report.results and not report.valid


def test_a_killed_build_s_temporary_schema_files_are_cleaned_up(mini: Path) -> None:
    """A build killed while replacing an editor schema leaves its temporary file in
    schemas/; the next build removes it, as it removes those of data/."""
    run_build(mini)
    left = mini / "schemas" / ".event.schema.json.0123abcd.chrono-tmp"
    left.write_text("{")
    other = mini / "schemas" / ".keep"
    other.write_text("not ours\n")
    assert run_build(mini)[0] == 0
    assert not left.exists() and other.exists()


def test_a_build_writes_only_into_its_folders(tmp_path: Path) -> None:
    ds = tmp_path / "mini"
    shutil.copytree(MINI, ds)
    files = builder.build(ds).files
    with pytest.raises(ValueError) as caught:
        commit.write(ds, {**files, "notes/x.txt": b"x"})
    assert str(caught.value) == "notes/x.txt: a build writes into data/ and schemas/ only"
    assert not (ds / "notes").exists()
