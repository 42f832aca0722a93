"""The docs stay current: the generated reference matches, and their Python examples run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chrono.model.reference import markdown
from conftest import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md"))


def test_data_model_reference_is_current() -> None:
    text = (ROOT / "docs" / "data-model.md").read_text()
    embedded = text.split("<!-- reference -->\n", 1)[1].split("<!-- /reference -->", 1)[0]
    assert embedded == markdown(), "run: python -m chrono.model.reference"


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_python_examples_run(doc: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", doc.read_text(), flags=re.S)
    for block in blocks:
        exec(compile(block, str(doc), "exec"), {})


def test_ci_runs_the_readme_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```console\n(.*?)\n```", setup, flags=re.S)
    assert len(commands) == 2, "the README's set-up is two commands"
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for command in commands:
        assert any(line.strip().startswith(command) for line in ci), command
