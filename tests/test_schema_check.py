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
from chrono.curation import read_curated
from chrono.dataset import Dataset
from chrono.model import dates, patterns
from chrono.model.curated_schema import KINDS, curated_schema
from chrono.model.vocabularies import Vocabularies
from chrono.schemas.yamlcheck import check_dataset
from conftest import ROOT, WESTPHALIA

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


@pytest.mark.parametrize("kind", list(KINDS))
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


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_field_has_a_description_and_examples(kind: str) -> None:
    for name, field in _fields(curated_schema(kind)):
        assert field["description"].strip(), name
        assert field["examples"], name


@pytest.mark.parametrize("kind", list(KINDS))
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


@pytest.mark.parametrize("root", CURATED_ROOTS, ids=[p.name for p in CURATED_ROOTS])
def test_the_build_writes_each_dataset_its_schemas_with_its_own_terms(root: Path) -> None:
    terms = Dataset.open(root).vocabularies
    same = []
    for rel, blob in schemas.dataset_schemas(terms).items():
        assert (root / rel).read_bytes() == blob, root / rel
        same.append(blob == (ROOT / "schemas" / "curated" / Path(rel).name).read_bytes())
    assert all(same) == (not terms.declared)


def test_a_dataset_schema_holds_the_terms_the_dataset_declares() -> None:
    declared = Dataset.open(WESTPHALIA).vocabularies.declared
    assert declared, "the westphalia fixture declares terms"
    fields = [
        f
        for path in sorted((WESTPHALIA / "schemas").glob("*.schema.json"))
        for _, f in _fields(json.loads(path.read_text()))
    ]
    for vocabulary, terms in declared.items():
        enums = [f["enum"] for f in fields if f["description"].endswith(f"{vocabulary}.")]
        assert enums and all(set(terms) <= set(e) for e in enums), vocabulary


# Each rejection the build makes that a schema can express: (file, old, new, where and code
# of the one line `chrono validate --schema-only` prints, whose words are the build's own).
REJECTED = [
    ("events/meeting-2019.yaml", "status: confirmed", "status: confirmed\ncolour: red",
     "6:1: CHR105"),
    ("events/meeting-2019.yaml", "summary: The leaders met the year before.\n", "", "1:1: CHR104"),
    ("events/meeting-2019.yaml", "title: Earlier meeting", "title: null", "1:1: CHR104"),
    ("events/meeting-2020.yaml", "place: alpha-city", "place: Alpha City", "7:8: CHR106"),
    ("events/meeting-2019.yaml", "type: bilateral_meeting", "type: picnic", "4:7: CHR501"),
    ("events/meeting-2019.yaml", "date: 2019", "date: 2019-13", "6:7: CHR301"),
    ("events/meeting-2019.yaml", "date: 2019", "date: 2019-02-30", "6:7: CHR301"),
    ("events/meeting-2019.yaml", "date: 2019", "date: ../..", "6:7: CHR301"),
    ("events/meeting-2019.yaml", "locator: paragraph 2\n", "locator: p2\n", "14:14: CHR106"),
    ("events/meeting-2019.yaml", "title: Earlier meeting", "title: [Earlier, meeting]",
     "2:8: CHR103"),
    ("events/meeting-2019.yaml", "title: Earlier meeting", "title: ' Earlier meeting'",
     "2:8: CHR112"),
    ("events/meeting-2019.yaml", "participants:\n  - {actor: leader-a, role: participant}\n"
     "  - {actor: leader-b, role: participant}\n", "participants: leader-a\n", "7:15: CHR103"),
    ("events/meeting-2019.yaml", "  - {source: gazette-2020-05-01, property: occurrence",
     "  - {source: gazette-2020-05-01, property: occurrence, value: yes", "16:63: CHR116"),
    ("events/meeting-2019.yaml", '    value: "2019"\n', "", "11:5: CHR116"),
    ("events/meeting-2019.yaml", 'value: "2019"', 'value: "2019-00"', "13:12: CHR301"),
    ("events/meeting-2019.yaml", '    value: "2019"\n', '    value: "2019"\n    calendar: lunar\n',
     "14:15: CHR501"),
    ("events/meeting-2020.yaml", "    stance: contradicts", "    stance: contradicts\n"
     "    calendar: julian", "31:15: CHR116"),
    ("events/meeting-2020.yaml", "value: official_visit", "value: courtesy_call", "29:12: CHR501"),
    ("events/meeting-2020.yaml", "stance: contradicts", "stance: disagrees", "30:13: CHR501"),
    ("events/meeting-2019.yaml", "{actor: leader-b, role: participant}",
     "{actor: leader-a, role: participant}", "9:5: CHR201"),
    ("events/meeting-2019.yaml", "  - {actor: leader-b, role: participant}", "  - leader-b",
     "9:5: CHR103"),
    ("actors.yaml", "- {id: leader-a", "- {id: Leader-A", "1:8: CHR106"),
    ("actors.yaml", "country: BB}", "country: bb}", "2:57: CHR106"),
    ("places.yaml", 'latitude: "10.5"', "latitude: north", "1:61: CHR103"),
    ("sources.yaml", "language: en", "language: English", "8:13: CHR106"),
    ("sources.yaml", "url: null", "url: ftp://example.org/a", "6:8: CHR106"),
    ("sources.yaml", "kind: official_statement", "kind: blog", "12:9: CHR501"),
    ("sources.yaml", "  kind: official_statement", "  kind: official_statement\n  author: x",
     "13:3: CHR105"),
    ("dataset.yaml", "version: 1.0.0", "version: '1.0'", "4:10: CHR106"),
    ("dataset.yaml", "keywords: [test]", "keywords: test", "7:11: CHR103"),
    ("dataset.yaml", "license: CC0-1.0", "license: CC0-1.0\nlicense: MIT", "6:1: CHR110"),
    ("dataset.yaml", "keywords: [test]", "vocabularies: {status: {paused: On hold.}}",
     "7:16: CHR502"),
    ("dataset.yaml", "keywords: [test]", "vocabularies: {role: {host: Hosts.}}", "7:23: CHR502"),
    ("dataset.yaml", "keywords: [test]", "creators:\n  - given: Ada", "8:5: CHR104"),
    ("dataset.yaml", "keywords: [test]", "vocabularies: {role: {mediator: ' Brokers.'}}",
     "7:23: CHR502"),
    ("places.yaml", "- {id: beta-town", "id: beta-town\n- {id: x", "2:1: CHR110"),
]  # fmt: skip


def _lines(problems: list[Any]) -> set[str]:
    """The build's problems as printed, and without a position where the build has none."""
    return {str(p) for p in problems}


@pytest.mark.parametrize(("file", "old", "new", "where"), REJECTED)
def test_the_schema_rejects_what_the_build_rejects_in_its_words(
    mini: Path, file: str, old: str, new: str, where: str
) -> None:
    edit(mini / file, old, new)
    code, out, err = run("validate", "--schema-only", str(mini))
    assert code == 1
    assert err == "schema check: 7 curated files, 1 problem in 1 of 7 files\n"
    line = out.removeprefix(f"{mini}/").removesuffix("\n")
    assert line.startswith(f"{file}:{where} ")
    build = _lines(read_curated(mini).problems)
    unplaced = re.sub(r"^([^:]+):[0-9]+:[0-9]+:", r"\1:", line)  # the build gives no place
    assert line in build or unplaced in build, (line, build)


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
     'property: date, value: "2019", locator: paragraph 2, quote: "2019"}\n',
     "duplicate claim"),
    ("a range of pages that runs backwards", "events/meeting-2019.yaml",
     "locator: paragraph 2\n", "locator: pages 15-12\n", "CHR106"),
    ("a latitude beyond 90 written as text (an editor checks an unquoted one)", "places.yaml",
     'latitude: "10.5"', 'latitude: "91"', "is outside -90 to 90"),
    ("actor ids of a participants claim out of order", "events/meeting-2019.yaml",
     '    quote: "in 2019"\n', '    quote: "in 2019"\n  - {source: gazette-2020-05-01, '
     'property: participants, value: "leader-b;leader-a"}\n', "written once each, sorted"),
]  # fmt: skip


@pytest.mark.parametrize(("gap", "file", "old", "new", "build"), GAPS, ids=[g[0] for g in GAPS])
def test_documented_gaps_pass_the_schema_and_fail_the_build(
    mini: Path, gap: str, file: str, old: str, new: str, build: str
) -> None:
    edit(mini / file, old, new)
    assert check_dataset(mini)[1] == []
    problems = read_curated(mini).problems
    assert any(build in str(p) for p in problems), problems


def test_gap_an_editor_reads_an_unquoted_number_and_loses_its_spelling() -> None:
    """YAML 1.2 reads `date: 44` as the number 44: the schema cannot tell it from `0044`."""
    validator = jsonschema.Draft202012Validator(curated_schema("event"))
    event = {"id": "e", "title": "t", "summary": "s", "type": "visit", "status": "confirmed"}
    assert validator.is_valid({**event, "date": 2019})
    assert validator.is_valid({**event, "date": 44})  # the build reads "44": not EDTF
    assert not validator.is_valid({**event, "date": 12345})
    with pytest.raises(dates.EDTFError):
        dates.parse("44")


def test_declared_terms_extend_the_curated_enums() -> None:
    extra = Vocabularies({"event_type": {"courtesy_call": "A short protocol visit."}})
    schema = curated_schema("event", extra)
    assert schema["properties"]["type"]["enum"][-1] == "courtesy_call"
    assert schema["properties"]["type"]["enumDescriptions"][-1] == "A short protocol visit."
    event = {"id": "e", "title": "t", "summary": "s", "status": "confirmed", "date": "2019"}
    claim = {"source": "s", "property": "type", "value": "courtesy_call"}
    valid = jsonschema.Draft202012Validator(schema).is_valid
    assert valid({**event, "type": "courtesy_call", "claims": [claim]})
    assert not jsonschema.Draft202012Validator(curated_schema("event")).is_valid(
        {**event, "type": "courtesy_call"}
    )
    files = schemas.dataset_schemas(extra)
    assert json.loads(files["schemas/event.schema.json"]) == schema
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
        [f"{event}:4:7:", "CHR501"],
        [f"{event}:6:7:", "CHR301"],
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
        ("event", "# yaml-language-server: $schema=../schemas/event.schema.json"),
    ],
)
def test_modeline_points_at_the_dataset_schema_relative_to_the_file(
    kind: str, line: str, tmp_path: Path
) -> None:
    assert schemas.modeline(kind, tmp_path) == line
    file = tmp_path / KINDS[kind].path
    target = (file.parent / line.split("=", 1)[1]).resolve()
    assert target == (tmp_path / "schemas" / f"{kind}.schema.json").resolve()


def test_modeline_of_an_unknown_kind_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown curated file kind 'claims'"):
        schemas.modeline("claims", tmp_path)


@pytest.mark.slow
def test_an_outside_validator_flags_a_wrong_term_and_a_malformed_date(tmp_path: Path) -> None:
    """A scaffolded dataset, before any build: what an editor shows, with check-jsonschema
    standing in for the YAML language server (both read YAML 1.2 and ECMA-262 patterns)."""
    pytest.importorskip("check_jsonschema")
    code, _, _ = run("init", str(tmp_path / "new"))
    assert code == 0
    event = tmp_path / "new" / "events" / "first-event.yaml"
    text = event.read_text()
    first = text.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/event.schema.json"
    text = re.sub(r"(?m)^type: .*$", "type: picnic", text)
    text = re.sub(r"(?m)^date: .*$", "date: 2019-13-01", text)
    event.write_text(text)
    schema = event.parent / first.split("=", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), str(event)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "'picnic' is not one of ['state_visit'," in result.stdout
    assert "'2019-13-01' does not match" in result.stdout
    assert result.stdout.count(f"{event}::$.") == 2
