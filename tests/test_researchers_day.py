"""The researcher's day, replayed: two dates edited wrongly and a vocabulary term misspelt
in a repository's dataset; the pre-commit hook and the Action's script fail with every
error at its line; the diff against the last tag stops honestly; pandas works with dates
of any year."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import chrono
from chrono.cli import main
from test_ci import run_action, run_hook, scratch_repo
from test_diff_git import git

EVENTS = "datasets/mini/events"
WHERE = [
    f"{EVENTS}/meeting-2019.yaml:6:7",  # date: 2019-13
    f"{EVENTS}/summit-2020.yaml:6:7",  # date: 2020-6
    f"{EVENTS}/meeting-2020.yaml:4:7",  # type: state_vist
]


def _break(repo: Path) -> None:
    for name, old, new in (
        ("meeting-2019", "date: 2019\n", "date: 2019-13\n"),
        ("summit-2020", "date: 2020-06\n", "date: 2020-6\n"),
        ("meeting-2020", "type: state_visit\n", "type: state_vist\n"),
    ):
        path = repo / EVENTS / f"{name}.yaml"
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))


def test_ci_fails_with_every_error_at_its_line(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo", "mini")
    _break(repo)
    code, out, err = run_hook(repo)
    assert (code, err) == (1, "")
    assert all(f"    {w}: field " in out for w in WHERE), out
    code, out, _, summary, _ = run_action(repo, tmp_path)
    assert code == 1
    annotated = [line.split("::")[1] for line in out.splitlines()]
    for where in WHERE:
        file, line, col = where.split(":")
        assert any(a.startswith(f"error file={file},line={line},col={col},") for a in annotated)
    assert "### ❌ mini: invalid: " in summary


def test_the_diff_against_the_last_tag_never_says_no_differences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = scratch_repo(tmp_path / "repo", "mini")
    git(repo, "tag", "v1")
    _break(repo)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["diff", "v1"])
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.startswith(
        "Error: datasets/mini: its Parquet is stale (the YAML sources changed since chrono "
        "build), and its YAML sources do not compile: events/meeting-2019.yaml:6:7: CHR301 "
    )
    assert result.stderr.endswith("(and 2 more) (chrono build lists every problem)\n")


def test_pandas_with_a_bce_event_prints_and_filters(far_dates: Path) -> None:
    events = chrono.load("events", far_dates)
    printed = str(events[["id", "earliest", "latest"]])  # all columns, not elided
    assert "-043-03-15" in printed or "-43-03-15" in printed  # pandas 3 pads to 3 digits
    assert events[events["earliest"] < "0001-01-01"]["id"].tolist() == ["meeting-2019"]
    assert events[events["precision"] >= "month"]["id"].tolist() == ["meeting-2019", "meeting-2020"]
    assert isinstance(events["earliest"].min(), pd.Timestamp)
    assert events.to_csv().count("\n") == 4
