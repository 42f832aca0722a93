"""``chrono validate`` and ``chrono rules``: a thin layer over :mod:`chrono.validation`.

Only click is imported at module level (``chrono --help`` stays light).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import click

from chrono.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    MAX_FILE_SIZE,
    fail,
)

FORMATS = ("text", "json", "markdown", "github")


def _explain(code: str) -> str:
    from chrono.validation.rules import get

    try:
        rule = get(code)
    except KeyError:
        fail(f"unknown rule code {code!r} (chrono rules lists them)", EXIT_USAGE)
    body = textwrap.fill(rule.explanation, width=88)
    return f"{rule.code} ({rule.severity}): {rule.title}\n\n{body}\n"


@click.command("validate")
@click.argument("paths", nargs=-1, metavar="[PATH ...]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text (coloured on a terminal), json, markdown (for PR comments), github (annotations).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Warnings fail too (exit 1); every format then reports such a dataset as invalid.",
)
@click.option(
    "--max-examples",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Examples shown per rule (counts are always exact).",
)
@click.option(
    "--sources",
    "sources",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder of local source texts: check every quote at its locator.",
)
@click.option(
    "--summary",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also append the markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY).",
)
@click.option("--explain", metavar="CODE", default=None, help="Explain one rule and exit.")
@click.option(
    "--discover",
    is_flag=True,
    help="Validate every dataset found under PATH (default: the current folder): each folder "
    "holding a dataset.yaml or datapackage.json. Fails when there is none.",
)
@click.option(
    "--schema-only",
    is_flag=True,
    help="Check only the curated YAML against its JSON Schemas (fast; for editors, pre-commit).",
)
@MAX_FILE_SIZE
def validate(
    paths: tuple[str, ...],
    fmt: str,
    strict: bool,
    max_examples: int,
    sources: str | None,
    summary: str | None,
    explain: str | None,
    discover: bool,
    schema_only: bool,
) -> None:
    """Check datasets against the data model; report every problem with its location.

    PATH is a dataset directory, a datapackage.json, or a folder of datasets; with none,
    every bundled dataset. With --discover, every dataset under each PATH (or the current
    folder) as git sees it, skipping hidden folders, node_modules and virtual environments.
    Exit codes: 0 valid (warnings allowed), 1 errors found (--strict: warnings too),
    2 usage error, 3 an input could not be read (or --discover found no dataset).

    --schema-only checks only the curated YAML (PATH may also be one curated file), one
    line per problem: FILE:LINE:COLUMN: CODE message (with --discover: the curated
    datasets found).
    """
    if explain is not None:
        if paths:
            fail(f"--explain {explain} takes no PATH (got {' '.join(paths)})", EXIT_USAGE)
        click.echo(_explain(explain), nl=False)
        return
    from chrono.cli.common import without_pandas

    without_pandas()  # before anything converts a Python value with pyarrow
    if summary == "":  # an unset variable ($GITHUB_STEP_SUMMARY outside GitHub)
        fail("--summary: an empty path (give a file, or leave the option out)", EXIT_USAGE)
    dirs: list[Path] = []
    if discover:
        dirs = _discovered(paths, fmt, summary)
    if schema_only:
        if fmt != "text" or sources or summary:
            fail("--schema-only takes no --format, --sources or --summary", EXIT_USAGE)
        from chrono.cli.schemas_cmd import schema_only as run_schema_only

        if discover:
            curated = tuple(str(d) for d in dirs if (d / "dataset.yaml").is_file())
            if not curated:
                where = ", ".join(paths) if paths else "the current folder"
                fail(f"no curated dataset (dataset.yaml) found in {where}", EXIT_UNREADABLE)
            paths = curated
        run_schema_only(paths)
    from chrono.escape import terminal
    from chrono.package import DatasetError
    from chrono.validation import expand, render
    from chrono.validation import validate as run

    if sources is not None and ("\0" in sources or not Path(sources).is_dir()):
        fail(f"--sources {sources!r}: no such directory", EXIT_UNREADABLE)
    if not discover and paths:
        for p in paths:
            try:
                dirs += expand(p)
            except DatasetError as exc:
                fail(str(exc), EXIT_UNREADABLE)
    elif not discover:
        from chrono.cli.common import dataset_dirs

        dirs = [d for _, d in dataset_dirs(())]
    tty = sys.stderr.isatty()

    def progress(label: str) -> callable:  # type: ignore[valid-type]
        def say(step: str) -> None:
            click.echo(f"\r\x1b[Kvalidating {terminal(label)}: {step}...", nl=False, err=True)

        return say

    # annotations may use more examples than listed: GitHub shows 10 of each level
    from chrono.validation.annotations import GITHUB_LIMIT

    kept = max(max_examples, GITHUB_LIMIT) if fmt == "github" else max_examples
    reports = []
    for d in dirs:
        rep = run(
            d,
            sources=sources,
            max_examples=kept,
            progress=progress(d.name) if tty else None,
        )
        if tty:
            click.echo("\r\x1b[K", nl=False, err=True)
        reports.append(rep)
    shown = reports if fmt != "text" else [r for r in reports if r.fatal is None]
    if shown:
        color = fmt == "text" and sys.stdout.isatty()
        click.echo(render(shown, fmt, color=color, strict=strict), nl=False, color=color or None)
    if summary is not None:
        listed = [r.capped(max_examples) for r in reports]
        try:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(render(listed, "markdown", strict=strict))
        except OSError as exc:
            fail(f"--summary {summary}: cannot write ({exc.strerror})", EXIT_UNREADABLE)
    fatal = next((r.fatal for r in reports if r.fatal is not None), None)
    if fatal is not None:
        fail(fatal, EXIT_UNREADABLE)
    code = EXIT_OK if all(r.ok(strict) for r in reports) else EXIT_FINDINGS
    raise SystemExit(code)


def _discovered(roots: tuple[str, ...], fmt: str, summary: str | None) -> list[Path]:
    from chrono.discover import find_datasets

    dirs: list[Path] = []
    for root in roots or (".",):
        if not Path(root).is_dir():
            fail(f"--discover {root}: no such folder", EXIT_UNREADABLE)
        dirs += find_datasets(root)
    if not dirs:
        where = ", ".join(roots) if roots else "the current folder"
        message = (
            f"no dataset found in {where}: no folder holds a dataset.yaml or datapackage.json "
            "(searched as git sees it, skipping hidden folders, node_modules and virtual "
            "environments); name the dataset folders to validate"
        )
        from chrono.escape import github_data, markdown_text

        if fmt == "github":
            click.echo(f"::error title=chrono validate::{github_data(message)}")
        if summary is not None:
            try:
                with open(summary, "a", encoding="utf-8") as fh:
                    fh.write(f"## chrono validate\n\n❌ {markdown_text(message)}\n")
            except OSError:
                pass  # the error below says what matters
        fail(message, EXIT_UNREADABLE)
    return dirs


@click.command("rules")
def rules() -> None:
    """List the validation rules: code, default severity, title."""
    from chrono.validation.rules import RULES

    for rule in RULES.values():
        click.echo(f"{rule.code}  {rule.severity:<7}  {rule.title}")


COMMANDS = [validate, rules]
