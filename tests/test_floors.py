"""The lowest-versions CI job pins every dependency pyproject.toml declares to its floor."""

from __future__ import annotations

import runpy
import tomllib

from conftest import ROOT


def test_every_dependency_has_a_floor_and_is_pinned_to_it() -> None:
    lowest = runpy.run_path(str(ROOT / ".ci" / "lowest.py"))
    pins = lowest["constraints"](ROOT / "pyproject.toml", ["test"])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert all(">=" in req for req in project["dependencies"]), project["dependencies"]
    runtime = {req.split(">=")[0].lower() for req in project["dependencies"]}
    assert runtime <= {p.split("==")[0] for p in pins}
    assert "pyarrow==26.0.1" in pins and "pandera==0.24" in pins and "click==8.2" in pins
    assert pins == sorted(pins) and all(p.count("==") == 1 for p in pins)


def test_ci_runs_the_suite_on_the_lowest_versions() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python .ci/lowest.py test > .ci-lowest.txt" in ci
    assert '-m pip install -c .ci-lowest.txt -e ".[test]"' in ci
    assert ".ci-venv-lowest/bin/python -m pytest" in ci
