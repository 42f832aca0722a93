"""docs/data-changelog.md: each entry is what its `chrono diff` command prints."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from chrono.cli import main
from chrono.dataset import Dataset
from conftest import BUNDLED, ROOT

CHANGELOG = ROOT / "docs" / "data-changelog.md"
COMMAND = re.compile(
    r"^Command: `chrono diff (\S+) --dataset (\S+) --format markdown --limit 0`\n\n", re.M
)


def entries() -> list[tuple[str, str, str, str]]:
    """(version, revision range, dataset, entry body) for each ``## version``."""
    text = CHANGELOG.read_text(encoding="utf-8")
    out = []
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        version = section.split("\n", 1)[0].strip()
        match = COMMAND.search(section)
        assert match is not None, f"entry {version}: no 'Command: `chrono diff ...`' line"
        out.append((version, match.group(1), match.group(2), section[match.end() :]))
    return out


def test_latest_entry_is_the_bundled_version() -> None:
    assert entries()[0][0] == Dataset.open(BUNDLED).version == "0.2.0"


def _history() -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    inside = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"], cwd=ROOT, capture_output=True, text=True
    )
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        pytest.skip("not a git checkout: the release commits cannot be read")
    shallow = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True
    )
    if shallow.stdout.strip() == "true":
        pytest.skip("a shallow clone: the release commits may be missing")


@pytest.mark.parametrize("version", [e[0] for e in entries()])
def test_entry_is_what_its_command_prints(version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _history()
    (_, revisions, dataset, body), *_ = [e for e in entries() if e[0] == version]
    monkeypatch.chdir(ROOT)
    args = ["diff", revisions, "--dataset", dataset, "--format", "markdown", "--limit", "0"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.stderr  # 1: the releases differ
    assert body.rstrip("\n") == result.stdout.rstrip("\n"), (
        f"entry {version} is stale: chrono diff {revisions} --dataset {dataset} "
        "--format markdown --limit 0"
    )
