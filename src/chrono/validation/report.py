"""Findings and the validation report, with its text, JSON and markdown renderings (the
GitHub annotations: :mod:`chrono.validation.annotations`).

``strict`` (``chrono validate --strict``) is a policy of the reader, not of the report:
``Report.valid`` says the dataset is readable and has no error; ``Report.ok(strict)`` says
whether it passes, warnings failing too under ``strict``. Every rendering takes ``strict``
and reports a dataset that fails only by its warnings as failing, saying why.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from chrono.escape import (
    json_text,
    markdown_code,
    markdown_text,
    terminal,
)
from chrono.validation import registry
from chrono.validation.registry import ERROR, WARNING
from chrono.wording import counted

if TYPE_CHECKING:
    import pandas as pd

#: Version of the JSON report's shape (schemas/validate-report.schema.json).
REPORT_VERSION = 1


@dataclass(frozen=True)
class Finding:
    """One offending row (or file): where, what, and what to do."""

    code: str
    severity: str
    table: str | None
    key: tuple[str, ...] | None  # the row's primary key values
    column: str | None
    value: Any
    message: str
    file: str | None = None  # where to point a curator: curated YAML or Parquet file
    line: int | None = None
    col: int | None = None  # column in that line (1-based), for a curated YAML field
    #: the row's number in its table (examples of one key are kept in row order)
    row: int | None = field(default=None, compare=False, repr=False)
    #: how the key sorts: per value (is null, text), a null after every text
    rank: tuple[tuple[bool, str], ...] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "table": self.table,
            "key": list(self.key) if self.key is not None else None,
            "column": self.column,
            "value": _json_value(self.value),
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "col": self.col,
        }

    def position(self) -> str | None:
        """``file:line:column`` of a curated YAML field, when known."""
        if not self.file or not self.line:
            return None
        return f"{self.file}:{self.line}" + (f":{self.col}" if self.col else "")

    def where(self) -> str:
        if self.table is None:
            return self.position() or self.file or "dataset"
        if not self.key:
            return self.table
        return f"{self.table}[{', '.join(self.key)}]"


def _file_rank(file: str | None) -> int:
    """Curated files as chrono build lists their problems: dataset.yaml, then the other
    files of the dataset's folder, then events/<id>.yaml."""
    if file is None:
        return 0
    path = PurePath(file)
    return 0 if path.name == "dataset.yaml" else 2 if path.parent.name == "events" else 1


def order(
    f: Finding,
) -> tuple[str, tuple[tuple[bool, str], ...], str, int, int, str, int, int, str]:
    """The order of a rule's examples: by table, key (a null key value last), column, row;
    a finding in the curated YAML itself (no table) by file (as chrono build orders them),
    line and column; then message. The examples kept are the first in that order, however
    the rows were split into batches."""
    rank = f.rank if f.rank is not None else tuple((False, k) for k in f.key or ())
    row = -1 if f.row is None else f.row
    at = (0, "", 0, 0)
    if f.table is None:
        at = (_file_rank(f.file), f.file or "", f.line or 0, f.col or 0)
    return (f.table or "", rank, f.column or "", row, *at, f.message)


def _json_value(value: Any) -> Any:
    """NaN and infinities (which JSON cannot hold) as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


@dataclass
class RuleResult:
    """Every finding of one rule: the exact count and the first examples."""

    code: str
    severity: str
    count: int = 0
    examples: list[Finding] = field(default_factory=list)

    @property
    def title(self) -> str:
        return registry.get(self.code).title


@dataclass
class Report:
    """The outcome of validating one dataset."""

    dataset: str
    path: str
    results: dict[str, RuleResult] = field(default_factory=dict)
    #: the one-line reason the input could not be read, or None
    fatal: str | None = None
    max_examples: int = 5
    #: informational lines (checks not run for lack of input): never findings
    notes: list[str] = field(default_factory=list)

    def add(self, finding: Finding, count: int = 1) -> None:
        """Record a finding that stands for ``count`` rows (examples are capped later)."""
        res = self.results.setdefault(finding.code, RuleResult(finding.code, finding.severity))
        res.count += count
        res.examples.append(finding)

    def add_many(self, code: str, count: int, examples: list[Finding]) -> None:
        if count <= 0:
            return
        res = self.results.setdefault(code, RuleResult(code, registry.severity(code)))
        res.count += count
        res.examples.extend(examples)
        if len(res.examples) > 4 * self.max_examples + 64:  # many batches: keep the first
            res.examples.sort(key=order)
            del res.examples[self.max_examples :]

    def merge(self, other: Report) -> None:
        """Add ``other``'s findings (counts and examples) to this report's."""
        for code, res in other.results.items():
            self.add_many(code, res.count, res.examples)

    def finish(self) -> None:
        """Deterministic order (rule code, then table, key, column, row) and the example cap."""
        ordered = {}
        for code in sorted(self.results):
            res = self.results[code]
            res.examples.sort(key=order)
            del res.examples[self.max_examples :]
            ordered[code] = res
        self.results = ordered

    @property
    def findings(self) -> list[Finding]:
        """The examples of every rule, in report order."""
        return [f for r in self.results.values() for f in r.examples]

    @property
    def counts(self) -> dict[str, int]:
        out = {ERROR: 0, WARNING: 0}
        for r in self.results.values():
            out[r.severity] += r.count
        return out

    @property
    def valid(self) -> bool:
        """No error and the input was readable (warnings allowed, whatever ``strict``)."""
        return self.fatal is None and self.counts[ERROR] == 0

    def ok(self, strict: bool = False) -> bool:
        """Whether the dataset passes: ``valid``, and under ``strict`` without warnings."""
        return self.valid and not (strict and self.counts[WARNING])

    def capped(self, max_examples: int) -> Report:
        """This report with at most ``max_examples`` examples per rule (counts unchanged)."""
        results = {
            code: replace(r, examples=r.examples[:max_examples]) for code, r in self.results.items()
        }
        return replace(self, results=results, max_examples=max_examples, notes=list(self.notes))

    def to_pandas(self) -> pd.DataFrame:
        """The findings listed (``max_examples`` per rule) as a DataFrame, one row each."""
        from chrono.validation.notebook import findings_frame

        frame: pd.DataFrame = findings_frame(self)
        return frame

    def _repr_html_(self) -> str:
        from chrono.validation.notebook import html

        return html(self)

    def _repr_markdown_(self) -> str:
        return render_markdown([self])

    def __repr__(self) -> str:
        from chrono.validation.notebook import summary

        return f"<Report {self.dataset} ({self.path}): {summary(self)}>"

    def to_dict(self, strict: bool = False) -> dict[str, Any]:
        """The JSON shape of this dataset's report; ``valid`` is ``ok(strict)``."""
        return {
            "dataset": self.dataset,
            "path": self.path,
            "valid": self.ok(strict),
            "fatal": self.fatal,
            "counts": self.counts,
            "notes": list(self.notes),
            "rules": [
                {
                    "code": r.code,
                    "severity": r.severity,
                    "title": r.title,
                    "count": r.count,
                    "examples": [f.to_dict() for f in r.examples],
                }
                for r in self.results.values()
            ],
        }


def summary_line(report: Report, strict: bool = False) -> str:
    """``valid: 0 errors, 1 warning``, ``invalid: ...``, ``invalid (strict: warnings fail):
    ...`` (a dataset that fails only by its warnings, under ``strict``) or ``unreadable``."""
    c = report.counts
    if report.fatal:
        return "unreadable"
    if not report.valid:
        state = "invalid"
    elif not report.ok(strict):
        state = "invalid (strict: warnings fail)"
    else:
        state = "valid"
    return f"{state}: {counted(c[ERROR], 'error')}, {counted(c[WARNING], 'warning')}"


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def render_text(reports: list[Report], color: bool = False, strict: bool = False) -> str:
    import click

    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if color else text

    lines: list[str] = []
    t = terminal  # every text from the data, shown on one line, inert
    for rep in reports:
        head = f"{t(rep.dataset)} ({t(rep.path)}): {summary_line(rep, strict)}"
        lines.append(style(head, bold=True, fg="green" if rep.ok(strict) else "red"))
        if rep.fatal:
            lines.append(f"  {t(rep.fatal)}")
        lines += [f"  note: {t(n)}" for n in rep.notes]
        for res in rep.results.values():
            sev = style(res.severity, fg="red" if res.severity == ERROR else "yellow")
            shown = len(res.examples)
            more = f", first {shown} shown" if shown < res.count else ""
            lines.append(f"  {res.code} {sev} {res.title} ({res.count}{more})")
            for f in res.examples:
                val = "" if f.value is None else f" = {_value(f.value)}"
                col = f".{f.column}" if f.column else ""
                at = f" ({f.position()})" if f.table is not None and f.position() else ""
                lines.append(f"    {t(f.where())}{t(col)}{t(val)}{t(at)}: {t(f.message)}")
    return "\n".join(lines) + "\n"


def render_json(reports: list[Report], strict: bool = False) -> str:
    doc = {
        "version": REPORT_VERSION,
        "valid": all(r.ok(strict) for r in reports),
        "strict": strict,
        "datasets": [r.to_dict(strict) for r in reports],
    }
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def render_markdown(reports: list[Report], strict: bool = False) -> str:
    lines = ["## chrono validate", ""]
    for rep in reports:
        mark = "✅" if rep.ok(strict) else "❌"
        lines.append(f"### {mark} {markdown_text(rep.dataset)}: {summary_line(rep, strict)}")
        lines.append("")
        if rep.fatal:
            lines += [f"> {markdown_text(rep.fatal)}", ""]
            continue
        lines += [f"_note: {markdown_text(n)}_" for n in rep.notes] + ([""] if rep.notes else [])
        if not rep.results:
            lines += ["No findings.", ""]
            continue
        lines += ["| Code | Severity | Rule | Count |", "|---|---|---|---:|"]
        for res in rep.results.values():
            lines.append(
                f"| {res.code} | {res.severity} | {markdown_text(res.title)} | {res.count} |"
            )
        lines.append("")
        lines += ["<details><summary>Examples</summary>", ""]
        for res in rep.results.values():
            for f in res.examples:
                col = f".{f.column}" if f.column else ""
                where = markdown_code(f"{f.where()}{col}")
                lines.append(f"- `{res.code}` {where}: {markdown_text(f.message)}")
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def render(reports: list[Report], fmt: str, color: bool = False, strict: bool = False) -> str:
    """The reports as ``text``, ``json``, ``markdown`` or ``github`` (annotations);
    ``strict``: warnings fail too (see the module docstring)."""
    if fmt == "json":
        return render_json(reports, strict)
    if fmt == "markdown":
        return render_markdown(reports, strict)
    if fmt == "github":
        from chrono.validation.annotations import render_github

        return render_github(reports, strict)
    return render_text(reports, color=color, strict=strict)
