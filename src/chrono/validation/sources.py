"""Validating what the curated YAML says, when the Parquet is missing or stale.

The sources are read as ``chrono build`` reads them (every problem, at its field), and,
when they are sound, compiled in memory and checked by the same rules as built Parquet;
each finding points at the YAML field it comes from. The build uses the same function to
refuse output that ``chrono validate`` would reject.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from chrono.curation import Curated, read_curated
from chrono.validation import registry
from chrono.validation.findings import relative
from chrono.validation.report import Finding, Report

if TYPE_CHECKING:
    from chrono.build import BuildResult


def compiled_report(result: BuildResult, curated: Curated, max_examples: int) -> Report:
    """``chrono validate`` of a build's output (written to a scratch folder), its
    examples pointed at the YAML fields they come from (file names relative to the
    dataset)."""
    from chrono.validation.engine import validate

    with tempfile.TemporaryDirectory(prefix="chrono-build-") as tmp:
        for rel, blob in result.files.items():
            target = Path(tmp, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob)
        report = validate(tmp, max_examples=max_examples)
    for res in report.results.values():
        located = []
        for f in res.examples:
            where = curated.locate(f.table, f.key, f.column)
            file, line, col = where if where else (None, None, None)
            located.append(replace(f, file=file, line=line, col=col))
        res.examples = located
    return report


def check_sources(report: Report, directory: Path) -> None:
    """Add the findings of the curated YAML at ``directory`` to ``report``."""
    from chrono.build import compile_curated

    curated = read_curated(directory)
    name = curated.meta.get("name") if isinstance(curated.meta, dict) else None
    if isinstance(name, str) and name:  # the name a build will give it
        report.dataset = name
    for p in curated.problems:
        report.add(
            Finding(
                p.code,
                registry.severity(p.code),
                None,
                None,
                None,
                None,
                p.message,
                relative(directory / p.file),
                p.line,
                p.column,
            )
        )
    if curated.problems:
        report.notes.append("the model's rules run on the compiled tables once these are fixed")
        return
    result = compile_curated(curated, curated.sha256(directory))
    compiled = compiled_report(result, curated, report.max_examples)
    for code, res in compiled.results.items():
        examples = [
            replace(f, file=relative(directory / f.file)) if f.file else f for f in res.examples
        ]
        report.add_many(code, res.count, examples)
    report.notes.extend(compiled.notes)
