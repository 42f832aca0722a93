"""Imports flow one way: CLI -> features -> model."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src" / "chrono"


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n == "chrono" or n.startswith("chrono.")}


def layer(module: str) -> int:
    """0 model, 1 features, 2 CLI."""
    if module.startswith("chrono.model") or module == "chrono._version":
        return 0
    if module.startswith("chrono.cli") or module == "chrono.__main__":  # python -m chrono
        return 2
    return 1


MODULES = sorted(p for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent != SRC)


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SRC)) for p in MODULES])
def test_no_import_against_the_flow(path: Path) -> None:
    module = "chrono." + ".".join(path.relative_to(SRC).with_suffix("").parts)
    module = module.removesuffix(".__init__")
    upward = sorted(m for m in imported(path) if layer(m) > layer(module))
    assert upward == [], f"{module} imports {upward}"


def test_no_private_name_is_imported_across_modules() -> None:
    """A name two modules share is public: ``from chrono.x import _y`` is a smell."""
    found = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("chrono"):
                found += [
                    f"{path.relative_to(SRC)}: {node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert found == []


def test_validation_modules_stay_small() -> None:
    """A rule family, the engine, the kernels: each a module a reader takes in at once."""
    sizes = {
        str(p.relative_to(SRC)): len(p.read_text().splitlines())
        for p in (SRC / "validation").rglob("*.py")
    }
    assert {p: n for p, n in sizes.items() if n > 400} == {}


def test_every_benchmark_is_smoke_run_by_ci() -> None:
    """A benchmark that CI never runs rots: each script is run at a small size by .ci/run."""
    root = Path(__file__).resolve().parents[1]
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    scripts = sorted(p.name for p in (root / "benchmarks").glob("bench_*.py"))
    assert scripts, "no benchmarks found"
    assert [s for s in scripts if f"python benchmarks/{s} " not in ci] == []
