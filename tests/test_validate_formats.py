"""chrono validate's report in every format: --strict said everywhere, the order of the
examples, which findings get GitHub annotations and the paths those annotations carry."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from chrono.cli import main
from chrono.validation import Finding, Report

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "validate-report.schema.json").read_text())

CHR408 = (
    "date claim value '2020-01-15' equals the publication date of its source "
    "'example-source' (2020-01-15) and has no note: say how the source dates the event, "
    "or fix the value"
)
CLAIM = "claims[first-event/date/example-source/page-1]"
STANCE = "field 'stance': 'bogus{}' is not a term of the stance vocabulary (supports, contradicts)"


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(autouse=True)
def _outside_github(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


def scaffold(where: Path, name: str = "d") -> Path:
    """A new dataset (chrono init) at ``where/name``, built; returns its folder."""
    where.mkdir(parents=True, exist_ok=True)
    assert run("init", str(where / name))[0] == 0
    assert run("build", str(where / name))[0] == 0
    return where / name


def only_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``d``: a date claim equal to its source's publication date, with no note (CHR408,
    a warning) and no error."""
    monkeypatch.chdir(tmp_path)
    ds = scaffold(tmp_path)
    event = ds / "events" / "first-event.yaml"
    lines = event.read_text().splitlines(keepends=True)
    event.write_text("".join(x for x in lines if not x.startswith("    note: ")))
    assert run("build", "d")[0] == 0


# --------------------------------------------------------------------------- --strict


def test_strict_reports_a_dataset_with_warnings_as_invalid_in_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_a_warning(tmp_path, monkeypatch)
    example = (
        "  CHR408 warning date claim equals its source's publication date, unexplained (1)\n"
        f'    {CLAIM}.value = "2020-01-15" (d/events/first-event.yaml:19:12): {CHR408}\n'
    )
    assert run("validate", "d") == (0, f"d (d): valid: 0 errors, 1 warning\n{example}", "")
    assert run("validate", "d", "--strict") == (
        1,
        f"d (d): invalid (strict: warnings fail): 0 errors, 1 warning\n{example}",
        "",
    )


def test_strict_json_says_invalid_and_strict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_a_warning(tmp_path, monkeypatch)
    code, out, _ = run("validate", "d", "--strict", "--format", "json")
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert code == 1
    assert doc == {
        "version": 1,
        "valid": False,
        "strict": True,
        "datasets": [
            {
                "dataset": "d",
                "path": "d",
                "valid": False,
                "fatal": None,
                "counts": {"error": 0, "warning": 1},
                "notes": [],
                "rules": [
                    {
                        "code": "CHR408",
                        "severity": "warning",
                        "title": "date claim equals its source's publication date, unexplained",
                        "count": 1,
                        "examples": [
                            {
                                "code": "CHR408",
                                "severity": "warning",
                                "table": "claims",
                                "key": ["first-event/date/example-source/page-1"],
                                "column": "value",
                                "value": "2020-01-15",
                                "message": CHR408,
                                "file": "d/events/first-event.yaml",
                                "line": 19,
                                "col": 12,
                            }
                        ],
                    }
                ],
            }
        ],
    }
    code, out, _ = run("validate", "d", "--format", "json")
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert (code, doc["valid"], doc["strict"], doc["datasets"][0]["valid"]) == (
        0,
        True,
        False,
        True,
    )


def test_strict_github_says_why_the_step_fails_and_the_summary_agrees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_a_warning(tmp_path, monkeypatch)
    summary = tmp_path / "summary.md"
    code, out, err = run(
        "validate", "d", "--strict", "--format", "github", "--summary", "summary.md"
    )
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "::error title=chrono validate --strict::d: invalid (strict: warnings fail): "
        "0 errors, 1 warning",
        "::warning file=d/events/first-event.yaml,line=19,col=12,title=CHR408::d: "
        f"{CLAIM}.value: {CHR408}",
    ]
    assert summary.read_text() == (
        "## chrono validate\n\n"
        "### ❌ d: invalid (strict: warnings fail): 0 errors, 1 warning\n\n"
        "| Code | Severity | Rule | Count |\n|---|---|---|---:|\n"
        "| CHR408 | warning | date claim equals its source's publication date, unexplained "
        "| 1 |\n\n"
        "<details><summary>Examples</summary>\n\n"
        f"- `CHR408` `{CLAIM}.value`: {CHR408}\n\n</details>\n"
    )
    # without --strict: the warning only, and the step passes
    code, out, _ = run("validate", "d", "--format", "github")
    assert (code, out.splitlines()[0][:12]) == (0, "::warning fi")
    assert len(out.splitlines()) == 1


def test_the_python_report_stays_valid_with_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--strict is the command's policy: ``Report.valid`` allows warnings; ``ok(strict)``
    is what --strict asks."""
    import chrono

    only_a_warning(tmp_path, monkeypatch)
    report = chrono.validate("d")
    assert (report.valid, report.ok(), report.ok(strict=True)) == (True, True, False)
    assert (report.to_dict()["valid"], report.to_dict(strict=True)["valid"]) == (True, False)


# --------------------------------------------------------------------------- example order


def bad_stances(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int) -> Path:
    """``d`` with ``n`` claims of an unknown stance (bogus1, bogus2...) appended to its
    event, at lines 25, 29, ...; the Parquet is left stale (CHR604)."""
    monkeypatch.chdir(tmp_path)
    ds = scaffold(tmp_path)
    claims = "".join(
        f"  - source: example-source\n    property: occurrence\n"
        f"    locator: line {i}\n    stance: bogus{i}\n"
        for i in range(1, n + 1)
    )
    with open(ds / "events" / "first-event.yaml", "a") as fh:
        fh.write(claims)
    return ds


def test_examples_in_curated_yaml_are_in_file_and_line_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = bad_stances(tmp_path, monkeypatch, 12)
    actors = ds / "actors.yaml"  # a file chrono build lists before the events
    actors.write_text(actors.read_text().replace("kind: person ", "kind: persn  "))
    code, out, _ = run("validate", "d")
    assert code == 1
    at = "d/events/first-event.yaml"
    assert out.splitlines()[:8] == [
        "d (d): invalid: 14 errors, 0 warnings",
        "  note: the model's rules run on the compiled tables once these are fixed",
        "  CHR501 error unknown vocabulary term (13, first 5 shown)",
        "    d/actors.yaml:5:9: field 'kind': 'persn' is not a term of the actor_kind "
        "vocabulary (person, state, organisation); declare a new term in dataset.yaml under "
        "vocabularies: actor_kind:",
        f"    {at}:25:13: {STANCE.format(1)}",
        f"    {at}:29:13: {STANCE.format(2)}",
        f"    {at}:33:13: {STANCE.format(3)}",
        f"    {at}:37:13: {STANCE.format(4)}",
    ]


def test_examples_in_tables_stay_in_key_order() -> None:
    rep = Report("x", "x")
    for key, line in (("b", 1), ("a", 9), ("c", 5)):
        rep.add(Finding("CHR202", "error", "events", (key,), "id", None, "bad", "e.yaml", line))
    rep.finish()
    assert [f.key for f in rep.findings] == [("a",), ("b",), ("c",)]


# --------------------------------------------------------------------------- annotations


def test_github_annotations_cover_every_rule_before_more_examples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_stances(tmp_path, monkeypatch, 12)
    at = "d/events/first-event.yaml"
    stale = next(
        line
        for line in run("validate", "d", "--format", "github")[1].splitlines()
        if "CHR604" in line
    )
    assert stale.startswith(
        "::error file=d/dataset.yaml,line=1,title=CHR604::d: d/dataset.yaml:1: "
    )
    expected = [
        *(
            f"::error file={at},line={25 + 4 * i},col=13,title=CHR501::d: {at}:{25 + 4 * i}:13: "
            + STANCE.format(i + 1)
            for i in range(9)
        ),
        stale,
        "::notice::3 more findings not annotated (3 errors, 0 warnings): see the job summary "
        "or run chrono validate locally",
    ]
    for more in ([], ["--max-examples", "20"], ["--max-examples", "0"]):
        assert run("validate", "d", "--format", "github", *more) == (
            1,
            "\n".join(expected) + "\n",
            "",
        )


def test_github_budget_is_ten_of_each_level_one_per_rule_first() -> None:
    from chrono.validation.annotations import render_github

    rep = Report("x", "x", max_examples=20)
    for code, n in (("CHR202", 15), ("CHR301", 2), ("CHR401", 1)):
        for i in range(n):
            rep.add(Finding(code, "error", "events", (f"e{i:02d}",), "id", None, "bad"))
    for i in range(12):
        rep.add(Finding("CHR701", "warning", "events", (f"e{i:02d}",), None, None, "twin"))
    rep.finish()
    lines = render_github([rep]).splitlines()
    titles = [line.split("title=")[1].split("::")[0] for line in lines[:-1]]
    assert titles == ["CHR202"] * 7 + ["CHR301"] * 2 + ["CHR401"] + ["CHR701"] * 10
    assert [line.split("::")[2] for line in lines[:8]] == [
        *(f"x: events[e{i:02d}].id: bad" for i in range(7)),
        "x: events[e00].id: bad",
    ]
    assert lines[-1] == (
        "::notice::10 more findings not annotated (8 errors, 2 warnings): see the job summary "
        "or run chrono validate locally"
    )


# --------------------------------------------------------------------------- annotation paths


def test_github_paths_are_relative_to_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    ds = scaffold(repo / "datasets", "abbey")
    (repo / ".git").mkdir()
    event = ds / "events" / "first-event.yaml"
    event.write_text(event.read_text().replace("type: announcement", "type: anouncement"))
    want = "::error file=datasets/abbey/events/first-event.yaml,line=6,col=7,title=CHR501::"

    def first(folder: Path, path: str) -> str:
        monkeypatch.chdir(folder)
        code, out, _ = run("validate", path, "--format", "github")
        assert code == 1
        return out.splitlines()[0]

    for folder, path in ((repo, "datasets/abbey"), (ds, "."), (tmp_path, "repo/datasets/abbey")):
        line = first(folder, path)
        assert line.startswith(want), (folder, line)
        assert "abbey: datasets/abbey/events/first-event.yaml:6:7: field 'type'" in line
    # on GitHub: relative to the workspace, which may be other than the git folder
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo / "datasets"))
    assert first(ds, ".").startswith("::error file=abbey/events/first-event.yaml,line=6,")
    # a file outside the workspace and outside any repository: as the report has it
    (repo / ".git").rmdir()
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "elsewhere"))
    assert first(ds, ".").startswith("::error file=events/first-event.yaml,line=6,")


def test_an_empty_summary_path_is_a_usage_error() -> None:
    """--summary "$GITHUB_STEP_SUMMARY" where the variable is unset: said before any work,
    never a valid run ending in exit 3."""
    assert run("validate", "tests/data/mini", "--summary", "") == (
        2, "", "Error: --summary: an empty path (give a file, or leave the option out)\n",
    )  # fmt: skip
