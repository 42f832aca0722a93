"""datapackage.json is a valid (Tabular) Data Package v1, checked against the official
JSON Schemas (tests/data/schemas, see NOTICE.md there)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import chrono
from chrono.build import write_dataset
from conftest import BUNDLED, MINI, ROOT

SCHEMAS = ROOT / "tests" / "data" / "schemas"
PROFILES = ["data-package.json", "tabular-data-package.json"]


def errors(descriptor: dict, profile: str) -> list[str]:
    schema = json.loads((SCHEMAS / profile).read_text())
    validator = jsonschema.Draft4Validator(schema)
    return [
        f"{list(e.absolute_path)}: {e.message[:120]}" for e in validator.iter_errors(descriptor)
    ]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("root", [BUNDLED, MINI], ids=["bundled", "mini"])
def test_committed_descriptors_are_valid(root: Path, profile: str) -> None:
    assert errors(json.loads((root / "datapackage.json").read_text()), profile) == []


@pytest.mark.parametrize("profile", PROFILES)
def test_a_built_dataset_is_valid(tmp_path: Path, profile: str) -> None:
    tables = {name: chrono.load_arrow(name, MINI) for name in chrono.load_dataset(MINI)}
    meta = {"name": "built", "title": "Built", "version": "0.0.1", "license": "CC0-1.0"}
    write_dataset(tmp_path / "built", tables, meta)
    descriptor = json.loads((tmp_path / "built" / "datapackage.json").read_text())
    assert errors(descriptor, profile) == []
    edtf = [f["name"] for r in descriptor["resources"] for f in r["schema"]["fields"]
            if f.get("chrono:edtf")]  # fmt: skip
    assert edtf == ["published", "retrieved", "date"]


def test_the_schema_rejects_a_field_format_outside_the_spec() -> None:
    """The check can fail: ``"format": "edtf"`` (what chrono once wrote) is refused."""
    descriptor = json.loads((MINI / "datapackage.json").read_text())
    field = descriptor["resources"][3]["schema"]["fields"][5]
    del field["chrono:edtf"]
    field["format"] = "edtf"
    assert errors(descriptor, "tabular-data-package.json") != []
