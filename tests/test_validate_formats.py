"""chrono validate's report in every format: the order of the examples."""

from __future__ import annotations

import json
from pathlib import Path

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
