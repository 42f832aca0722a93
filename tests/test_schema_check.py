"""Curated YAML against its JSON Schemas: what they accept, what they reject, and the gaps."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono import schemas
from chrono.cli import main
from chrono.curation import CurationError, read_curated
from chrono.model import dates, patterns
from chrono.model.curated import CURATED_FILES
from chrono.model.curated_schema import curated_schema
from chrono.schemas.yamlcheck import check_dataset
from conftest import ROOT

CURATED_ROOTS = sorted(
    p.parent
    for base in (ROOT / "datasets", ROOT / "tests" / "data")
    for p in base.glob("*/dataset.yaml")
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("kind", list(CURATED_FILES))
def test_curated_schemas_are_valid_draft_2020_12(kind: str) -> None:
    schema = json.loads((ROOT / "schemas" / "curated" / f"{kind}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("name", ["validate-report", "diff-report"])
def test_report_schemas_are_valid_draft_2020_12(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(
        json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text())
    )


def _fields(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    records = [schema, *schema.get("$defs", {}).values()]
    return [(n, f) for r in records for n, f in r.get("properties", {}).items()]


@pytest.mark.parametrize("kind", list(CURATED_FILES))
def test_every_field_has_a_description_and_examples(kind: str) -> None:
    for name, field in _fields(curated_schema(kind)):
        assert field["description"].strip(), name
        assert field["examples"], name


@pytest.mark.parametrize("kind", list(CURATED_FILES))
def test_every_example_is_valid_against_its_field(kind: str) -> None:
    schema = curated_schema(kind)
    for name, field in _fields(schema):
        sub = {**field, "$defs": schema.get("$defs", {})}
        for example in field["examples"]:
            assert jsonschema.Draft202012Validator(sub).is_valid(example), (name, example)


@pytest.mark.parametrize("root", CURATED_ROOTS, ids=[p.name for p in CURATED_ROOTS])
def test_every_bundled_and_fixture_file_passes(root: Path) -> None:
    files, problems = check_dataset(root)
    assert files == len(list(root.glob("*.yaml"))) + len(list(root.glob("events/*.yaml")))
    assert [str(p) for p in problems] == []


def test_the_build_writes_each_dataset_its_schemas_equal_to_the_core_ones() -> None:
    for root in CURATED_ROOTS:
        for rel, blob in schemas.dataset_schemas().items():
            assert (root / rel).read_bytes() == blob, root / rel
            core = ROOT / "schemas" / "curated" / Path(rel).name
            assert blob == core.read_bytes()


# Each rejection the build makes that a schema can express: (file, old, new, the line
# `chrono validate --schema-only` prints, without the file name).
REJECTED = [
    ("events/meeting-2019.yaml", "status: confirmed", "status: confirmed\ncolour: red",
     "6:1: CHR131 unknown field 'colour' (allowed: id, title, summary, type, status, date, "
     "place, parent, participants, claims)"),
    ("events/meeting-2019.yaml", "summary: The leaders met the year before.\n", "",
     "1:1: CHR132 required field 'summary' is missing"),
    ("events/meeting-2019.yaml", "title: Earlier meeting", "title: null",
     "2:1: CHR132 required field 'title' is missing"),
    ("events/meeting-2020.yaml", "place: alpha-city", "place: Alpha City",
     "7:8: CHR135 'Alpha City' is not a slug (lower-case letters, digits, '-')"),
    ("events/meeting-2019.yaml", "type: bilateral_meeting", "type: picnic",
     "4:7: CHR136 'picnic' is not a term of the event_type vocabulary (state_visit, "
     "official_visit, working_visit, visit, bilateral_meeting, summit_sideline_meeting, "
     "trilateral_meeting, multilateral_summit, joint_statement, video_call, phone_call, "
     "announcement, policy_paper, military_action, press_statement)"),
    ("events/meeting-2019.yaml", "date: 2019", "date: 2019-13",
     "6:7: CHR137 invalid EDTF: '2019-13' is not an EDTF date chrono supports"),
    ("events/meeting-2019.yaml", "date: 2019", "date: 2019-02-30",
     "6:7: CHR137 invalid EDTF: '2019-02-30' is not an EDTF date chrono supports"),
    ("events/meeting-2019.yaml", "locator: p2\n", "locator: p0\n",
     "14:14: CHR135 'p0' does not match ^p[1-9][0-9]*$"),
    ("events/meeting-2019.yaml", "title: Earlier meeting", "title: [Earlier, meeting]",
     "2:8: CHR133 must be a single value, not a list or mapping"),
    ("events/meeting-2019.yaml", "title: Earlier meeting", "title: ' Earlier meeting'",
     "2:8: CHR134 empty or padded with white space"),
    ("events/meeting-2019.yaml", "participants:\n  - {actor: leader-a, role: participant}\n"
     "  - {actor: leader-b, role: participant}\n", "participants: leader-a\n",
     "7:15: CHR133 must be a list"),
    ("events/meeting-2019.yaml", "  - {source: gazette-2020-05-01, property: occurrence",
     "  - {source: gazette-2020-05-01, property: occurrence, value: yes",
     "16:63: CHR138 an occurrence claim has no value"),
    ("events/meeting-2019.yaml", '    value: "2019"\n', "",
     "11:5: CHR138 a date claim needs a value"),
    ("events/meeting-2019.yaml", 'value: "2019"', 'value: "2019-00"',
     "13:12: CHR137 invalid EDTF: '2019-00' is not an EDTF date chrono supports"),
    ("events/meeting-2020.yaml", "value: official_visit", "value: courtesy_call",
     "29:12: CHR138 'courtesy_call' is not a term of the event_type vocabulary "
     "(state_visit, official_visit, working_visit, visit, bilateral_meeting, "
     "summit_sideline_meeting, trilateral_meeting, multilateral_summit, joint_statement, "
     "video_call, phone_call, announcement, policy_paper, military_action, press_statement)"),
    ("events/meeting-2020.yaml", "stance: contradicts", "stance: disagrees",
     "30:13: CHR136 'disagrees' is not a term of the stance vocabulary (supports, "
     "contradicts)"),
    ("events/meeting-2019.yaml", "{actor: leader-b, role: participant}",
     "{actor: leader-a, role: participant}",
     "9:5: CHR139 duplicate participant (the same as line 8)"),
    ("events/meeting-2019.yaml", "  - {actor: leader-b, role: participant}",
     "  - leader-b", "9:5: CHR133 a participant must be a mapping"),
    ("actors.yaml", "- {id: leader-a", "- {id: Leader-A",
     "1:8: CHR135 'Leader-A' is not a slug (lower-case letters, digits, '-')"),
    ("actors.yaml", "country: BB}", "country: bb}",
     "2:57: CHR135 'bb' does not match ^[A-Z]{2}$"),
    ("places.yaml", 'latitude: "10.5"', "latitude: north",
     "1:61: CHR135 'north' is not a number"),
    ("sources.yaml", "language: en", "language: English",
     "8:13: CHR135 'English' does not match ^[a-z]{2,3}(-[A-Za-z0-9]+)*$"),
    ("sources.yaml", "url: null", "url: ftp://example.org/a",
     "6:8: CHR135 'ftp://example.org/a' does not match ^https?://\\S+$"),
    ("sources.yaml", "kind: official_statement", "kind: blog",
     "12:9: CHR136 'blog' is not a term of the source_kind vocabulary (news_report, "
     "official_statement, document_text)"),
    ("sources.yaml", "  kind: official_statement", "  kind: official_statement\n  author: x",
     "13:3: CHR131 unknown field 'author' (allowed: id, kind, title, publisher, published, "
     "url, retrieved, language, notes, text)"),
    ("dataset.yaml", "version: 1.0.0", "version: '1.0'",
     "4:10: CHR135 '1.0' does not match "
     "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$"),
    ("dataset.yaml", "keywords: [test]", "keywords: test",
     "7:11: CHR133 must be a list"),
    ("dataset.yaml", "license: CC0-1.0", "license: CC0-1.0\nlicense: MIT",
     "6:1: CHR130 duplicate key 'license'"),
    ("places.yaml", "- {id: beta-town", "id: beta-town\n- {id: x",
     "2:1: CHR130 malformed YAML: expected <block end>, but found '?'"),
]  # fmt: skip


@pytest.mark.parametrize(("file", "old", "new", "line"), REJECTED)
def test_the_schema_rejects_what_the_build_rejects(
    mini: Path, file: str, old: str, new: str, line: str
) -> None:
    edit(mini / file, old, new)
    code, out, err = run("validate", "--schema-only", str(mini))
    assert code == 1
    assert out == f"{mini}/{file}:{line}\n"
    assert err == "schema check: 7 curated files, 1 problem in 1 of 7 files\n"
    with pytest.raises(CurationError):
        read_curated(mini)


@pytest.mark.parametrize(
    ("file", "text", "line"),
    [
        ("actors.yaml", "id: leader-a\n", "1:1: CHR133 must be a list of actor records"),
        (
            "events/summit-2020.yaml",
            "- id: summit-2020\n",
            "1:1: CHR133 an event must be a mapping",
        ),
    ],
)
def test_a_file_of_the_wrong_shape_is_one_problem(
    mini: Path, file: str, text: str, line: str
) -> None:
    (mini / file).write_text(text)
    code, out, _ = run("validate", "--schema-only", str(mini / file))
    assert (code, out) == (1, f"{mini}/{file}:{line}\n")
    with pytest.raises(CurationError):
        read_curated(mini)


# What no schema of one file can see: the build alone rejects these (docs/schemas.md).
GAPS = [
    ("a day that does not exist in its year", "events/meeting-2019.yaml", "date: 2019",
     "date: 1900-02-29", "invalid EDTF: '1900-02-29': 1900-02 has no day 29"),
    ("an interval that ends before it starts", "events/meeting-2019.yaml", "date: 2019",
     "date: 2019/2018", "the interval ends before it starts"),
    ("a year outside Arrow's date32", "events/meeting-2019.yaml", "date: 2019",
     "date: Y99999999", "year outside the supported range"),
    ("a reference to an id no other file has", "events/meeting-2020.yaml",
     "place: alpha-city", "place: gamma-city", "unknown id 'gamma-city' (not in places.yaml)"),
    ("the same id twice in a list", "actors.yaml", "id: leader-b,", "id: leader-a,",
     "duplicate actors id"),
    ("an event whose id is not its file name", "events/meeting-2019.yaml",
     "id: meeting-2019", "id: meeting-2018", "must equal the file name 'meeting-2019'"),
    ("two claims with one id (same property, source, locator)", "events/meeting-2019.yaml",
     '    quote: "in 2019"\n', '    quote: "in 2019"\n  - {source: gazette-2020-05-01, '
     'property: date, value: "2019", locator: p2, quote: "2019"}\n', "duplicate claim"),
]  # fmt: skip


@pytest.mark.parametrize(("gap", "file", "old", "new", "build"), GAPS, ids=[g[0] for g in GAPS])
def test_documented_gaps_pass_the_schema_and_fail_the_build(
    mini: Path, gap: str, file: str, old: str, new: str, build: str
) -> None:
    edit(mini / file, old, new)
    assert check_dataset(mini)[1] == []
    with pytest.raises(CurationError) as exc:
        read_curated(mini)
    assert build in str(exc.value)


def test_gap_an_editor_reads_an_unquoted_number_and_loses_its_spelling() -> None:
    """YAML 1.2 reads `date: 44` as the number 44: the schema cannot tell it from `0044`."""
    validator = jsonschema.Draft202012Validator(curated_schema("events"))
    event = {"id": "e", "title": "t", "summary": "s", "type": "visit", "status": "confirmed"}
    assert validator.is_valid({**event, "date": 2019})
    assert validator.is_valid({**event, "date": 44})  # the build reads "44": not EDTF
    assert not validator.is_valid({**event, "date": 12345})
    with pytest.raises(dates.EDTFError):
        dates.parse("44")


def test_declared_terms_extend_the_curated_enums() -> None:
    extra = {"event_type": {"courtesy_call": "A short protocol visit."}}
    schema = curated_schema("events", extra)
    assert schema["properties"]["type"]["enum"][-1] == "courtesy_call"
    assert schema["properties"]["type"]["enumDescriptions"][-1] == "A short protocol visit."
    event = {"id": "e", "title": "t", "summary": "s", "status": "confirmed", "date": "2019"}
    claim = {"source": "s", "property": "type", "value": "courtesy_call"}
    valid = jsonschema.Draft202012Validator(schema).is_valid
    assert valid({**event, "type": "courtesy_call", "claims": [claim]})
    assert not jsonschema.Draft202012Validator(curated_schema("events")).is_valid(
        {**event, "type": "courtesy_call"}
    )
    files = schemas.dataset_schemas(extra)
    assert json.loads(files["schemas/events.schema.json"]) == schema
    assert (
        files["schemas/places.schema.json"]
        == schemas.dataset_schemas()["schemas/places.schema.json"]
    )


# --- the EDTF pattern against the parser --------------------------------------------------

_GAP_REASONS = ("has no day 29", "ends before it starts", "outside the supported range")
_years = st.one_of(
    st.from_regex(r"-?[0-9]{4}", fullmatch=True),
    st.from_regex(r"[0-9]{3}X|[0-9]{2}XX|Y-?[1-9][0-9]{4,9}", fullmatch=True),
    st.from_regex(r"[0-9]{1,5}", fullmatch=True),
)
_parts = st.sampled_from(["", "-01", "-02", "-04", "-12", "-13", "-00", "-21", "-24", "-25",
                          "-XX", "-2"])  # fmt: skip
_days = st.sampled_from(["", "-01", "-28", "-29", "-30", "-31", "-32", "-00", "-XX", "-1"])
_single = st.builds(
    lambda y, m, d, q: y + m + d + q, _years, _parts, _days, st.sampled_from(["", "?", "~", "%"])
)
_candidates = st.one_of(
    _single,
    st.builds(lambda a, b: f"{a}/{b}", _single, _single),
    st.text(alphabet="0123456789-/X?~%Y .", max_size=14),
)


@settings(max_examples=3000, deadline=None)
@given(_candidates)
def test_edtf_pattern_accepts_what_the_parser_accepts_and_rejects_only_expressible(
    value: str,
) -> None:
    matches = patterns.python(patterns.EDTF).search(value) is not None
    try:
        dates.parse(value)
    except dates.EDTFError as exc:
        assert not matches or any(r in str(exc) for r in _GAP_REASONS), (value, str(exc))
    else:
        assert matches, value


def test_python_reads_schema_patterns_with_ecma_end_of_text() -> None:
    slug = patterns.python(r"^[a-z0-9]+(-[a-z0-9]+)*$")
    assert slug.search("moscow") and not slug.search("moscow\n")
    assert re.search(r"^[a-z]+$", "moscow\n")  # what plain Python would accept


# --- the command line ---------------------------------------------------------------------


def test_schema_only_checks_one_file_and_reports_every_problem(mini: Path) -> None:
    event = mini / "events" / "meeting-2019.yaml"
    edit(event, "type: bilateral_meeting", "type: picnic")
    edit(event, "date: 2019", "date: 2019-13")
    code, out, err = run("validate", "--schema-only", str(event))
    assert code == 1
    assert [line.split(" ", 2)[:2] for line in out.splitlines()] == [
        [f"{event}:4:7:", "CHR136"],
        [f"{event}:6:7:", "CHR137"],
    ]
    assert err == "schema check: 1 curated file, 2 problems in 1 of 1 files\n"


def test_schema_only_with_no_path_checks_the_bundled_datasets() -> None:
    code, out, err = run("validate", "--schema-only")
    files = sum(
        len(list(root.rglob("*.yaml"))) for root in CURATED_ROOTS if "datasets" in root.parts
    )
    assert (code, out) == (0, "")
    assert err == f"schema check: {files} curated files, no problems\n"


def test_schema_only_checks_a_folder_of_datasets(mini: Path) -> None:
    code, out, err = run("validate", "--schema-only", str(mini.parent))
    assert (code, out, err) == (0, "", "schema check: 7 curated files, no problems\n")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--schema-only", "--format", "json"], 2,
         "--schema-only takes no --format, --sources or --summary"),
        (["--schema-only", "README.md"], 2,
         "README.md: not a curated file (dataset.yaml, sources.yaml, actors.yaml, places.yaml "
         "or events/<id>.yaml)"),
        (["--schema-only", "no/such/dir"], 3, "no/such/dir: no such file or directory"),
        (["--schema-only", "src"], 3, "src: no curated dataset here (no dataset.yaml)"),
    ],
)  # fmt: skip
def test_schema_only_bad_usage_is_one_line(args: list[str], code: int, message: str) -> None:
    result = CliRunner().invoke(main, ["validate", *args])
    assert (result.exit_code, result.stdout) == (code, "")
    assert result.stderr == f"Error: {message}\n"


def test_schema_only_reports_a_file_that_is_not_utf8(mini: Path) -> None:
    (mini / "actors.yaml").write_bytes(b"- {id: caf\xe9}\n")
    code, out, err = run("validate", "--schema-only", str(mini))
    assert (code, out) == (3, "")
    assert err == f"Error: {mini}/actors.yaml: not UTF-8 (invalid continuation byte)\n"


# --- editors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        ("dataset", "# yaml-language-server: $schema=schemas/dataset.schema.json"),
        ("sources", "# yaml-language-server: $schema=schemas/sources.schema.json"),
        ("events", "# yaml-language-server: $schema=../schemas/events.schema.json"),
    ],
)
def test_modeline_points_at_the_dataset_schema_relative_to_the_file(
    kind: str, line: str, tmp_path: Path
) -> None:
    assert schemas.modeline(kind, tmp_path) == line
    file = tmp_path / CURATED_FILES[kind].path
    target = (file.parent / line.split("=", 1)[1]).resolve()
    assert target == (tmp_path / "schemas" / f"{kind}.schema.json").resolve()


def test_modeline_of_an_unknown_kind_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown curated file kind 'claims'"):
        schemas.modeline("claims", tmp_path)


@pytest.mark.slow
def test_an_outside_validator_flags_a_wrong_term_and_a_malformed_date(mini: Path) -> None:
    """What an editor shows: check-jsonschema reads the YAML as YAML 1.2, as editors do."""
    pytest.importorskip("check_jsonschema")
    event = mini / "events" / "meeting-2019.yaml"
    text = event.read_text().replace("type: bilateral_meeting", "type: picnic")
    text = text.replace("date: 2019", "date: 2019-13-01")
    event.write_text(schemas.modeline("events", mini) + "\n" + text)
    schema = event.parent / event.read_text().splitlines()[0].split("=", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), str(event)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "'picnic' is not one of ['state_visit'," in result.stdout
    assert "'2019-13-01' does not match" in result.stdout
    assert result.stdout.count(f"{event}::$.") == 2
