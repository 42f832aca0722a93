"""The validation report as GitHub workflow commands (``chrono validate --format github``).

GitHub shows at most 10 error and 10 warning annotations per step, so the annotations are
chosen: first one example of every rule (errors before warnings, in report order), then a
second example of every rule that has one, and so on until the 10 of each level are used;
an unreadable dataset, and under ``strict`` a dataset that fails only by its warnings, get
an ``::error`` line always. A final ``::notice`` counts the findings not annotated.

GitHub resolves an annotation's ``file`` from the workspace root, so the paths are written
relative to ``$GITHUB_WORKSPACE`` when the file is inside it, else to the top folder of the
git repository holding it, else as the report has them (relative to the current folder).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from chrono.escape import github_data, github_property
from chrono.validation.registry import ERROR, WARNING
from chrono.validation.report import Finding, Report, RuleResult, summary_line
from chrono.wording import counted

#: GitHub shows at most 10 annotations of each level per step.
GITHUB_LIMIT = 10


def _inside(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` (with ``/``), or None when it is not inside it."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive (Windows)
        return None
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return Path(rel).as_posix()


def _git_top(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` that holds ``.git`` (a folder, or a file
    in a worktree or submodule), or None."""
    while True:
        if os.path.lexists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def annotation_path(file: str) -> str:
    """``file`` (as a finding has it: relative to the current folder) as GitHub resolves an
    annotation's path: relative to ``$GITHUB_WORKSPACE``, else to the git repository's top
    folder, else unchanged."""
    path = os.path.abspath(file)
    workspace = os.environ.get("GITHUB_WORKSPACE")
    roots = [os.path.abspath(workspace)] if workspace else []
    top = _git_top(os.path.dirname(path))
    roots += [top] if top else []
    for root in roots:
        for p, r in ((path, root), (os.path.realpath(path), os.path.realpath(root))):
            rel = _inside(p, r)
            if rel is not None:
                return rel
    return file


def _chosen(reports: list[Report], budget: dict[str, int]) -> set[tuple[int, str, int]]:
    """Which examples get an annotation: (report, rule, example) indices, one example of
    every rule per round, errors first, while each level's budget lasts."""
    rules: list[tuple[int, RuleResult]] = [
        (i, res)
        for severity in (ERROR, WARNING)
        for i, rep in enumerate(reports)
        if rep.fatal is None
        for res in rep.results.values()
        if res.severity == severity
    ]
    chosen: set[tuple[int, str, int]] = set()
    depth = 0
    while any(budget.values()) and any(depth < len(res.examples) for _, res in rules):
        for i, res in rules:
            if depth < len(res.examples) and budget[res.severity] > 0:
                budget[res.severity] -= 1
                chosen.add((i, res.code, depth))
        depth += 1
    return chosen


def _annotation(rep: Report, f: Finding) -> str:
    if f.file:
        f = replace(f, file=annotation_path(f.file))
    props = []
    if f.file:
        props.append(f"file={github_property(f.file)}")
        if f.line:
            props.append(f"line={f.line}")
            if f.col:
                props.append(f"col={f.col}")
    props.append(f"title={github_property(f.code)}")
    col = f".{f.column}" if f.column else ""
    msg = f"{rep.dataset}: {f.where()}{col}: {f.message}"
    return f"::{f.severity} {','.join(props)}::{github_data(msg)}"


def render_github(reports: list[Report], strict: bool = False) -> str:
    """Workflow commands: the annotations chosen (see the module docstring), then an
    'N more' notice."""
    always = {
        i: (
            f"::error title=unreadable::{github_data(rep.fatal)}"
            if rep.fatal is not None
            else "::error title=chrono validate --strict::"
            + github_data(f"{rep.dataset}: {summary_line(rep, strict)}")
        )
        for i, rep in enumerate(reports)
        if rep.fatal is not None or (rep.valid and not rep.ok(strict))
    }
    budget = {ERROR: max(0, GITHUB_LIMIT - len(always)), WARNING: GITHUB_LIMIT}
    chosen = _chosen(reports, budget)
    lines: list[str] = []
    hidden = {ERROR: 0, WARNING: 0}
    for i, rep in enumerate(reports):
        if i in always:
            lines.append(always[i])
        if rep.fatal is not None:
            continue
        for res in rep.results.values():
            shown = 0
            for k, f in enumerate(res.examples):
                if (i, res.code, k) in chosen:
                    lines.append(_annotation(rep, f))
                    shown += 1
            hidden[res.severity] += res.count - shown
    more = hidden[ERROR] + hidden[WARNING]
    if more:
        lines.append(
            f"::notice::{counted(more, 'more finding')} not annotated "
            f"({hidden[ERROR]} errors, {hidden[WARNING]} warnings): "
            "see the job summary or run chrono validate locally"
        )
    return "\n".join(lines) + ("\n" if lines else "")
