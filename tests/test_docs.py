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
