"""``chrono diff`` and ``chrono textconv``: a thin layer over :mod:`chrono.diffing`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from chrono.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    MAX_FILE_SIZE,
    fail,
)

#: Rows listed per table and kind unless --limit says otherwise (counts are always exact).
DEFAULT_LIMITS = {"text": 50, "markdown": 20, "json": 0, "latex": 0}
_COLOURS = {"add": "green", "remove": "red", "change": "yellow", "head": None}


def _style(text: str, role: str) -> str:
    if role == "head":
        return click.style(text, bold=True)
    return click.style(text, fg=_COLOURS[role])


def _sides(args: tuple[str, ...]) -> tuple[str, str | None]:
    """(old, new) from the arguments; new None means the working tree."""
    if len(args) == 2:
        return args[0], args[1]
    if len(args) == 1:
        one = args[0]
        if ".." in one and not Path(one).exists():
            a, _, b = one.partition("..")
            if not a or not b or b.startswith("."):
                fail(f"{one}: a revision range is written A..B", EXIT_USAGE)
            return a, b
        return one, None
    fail("give OLD and NEW, a revision (compared with the working tree) or A..B", EXIT_USAGE)


@click.command()
@click.argument("revisions", nargs=-1, metavar="OLD [NEW]")
@click.option(
    "-d",
    "--dataset",
    default=None,
    help="For git revisions: the dataset's path inside the repository. Default: the one "
    "dataset (datapackage.json or dataset.yaml) the revisions hold.",
)
@click.option(
    "-t", "--table", "tables", multiple=True, help="Compare only this table (repeatable)."
)
@click.option(
    "-i",
    "--ignore",
    multiple=True,
    metavar="COLUMN",
    help="Ignore a column: table.column or column (repeatable).",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "latex"]),
    default="text",
    show_default=True,
    help="latex: a booktabs longtable of the changes, for a paper's appendix.",
)
@click.option("--stat", is_flag=True, help="Counts per table only.")
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help="Rows listed per table and kind (0: all). Default: text 50, markdown 20, json and "
    "latex all.",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "duckdb", "arrow"]),
    default="auto",
    show_default=True,
    help="Join engine: DuckDB when installed (auto), or Arrow compute. Same report.",
)
@click.option(
    "--memory-limit",
    metavar="SIZE",
    default=None,
    help="Memory DuckDB's joins may use before spilling to disk, e.g. 4G (also "
    "CHRONO_DIFF_MEMORY_LIMIT). Default: half the machine's memory.",
)
@click.option(
    "--temp-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder DuckDB spills to; a private subfolder is made and removed (also "
    "CHRONO_DIFF_TEMP_DIR). Default: the system's temporary folder.",
)
@MAX_FILE_SIZE
def diff(
    revisions: tuple[str, ...],
    dataset: str | None,
    tables: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    stat: bool,
    limit: int | None,
    engine: str,
    memory_limit: str | None,
    temp_dir: str | None,
) -> None:
    """Show what changed between two versions of a chronology.

    OLD and NEW are each a dataset directory or its datapackage.json, a single .parquet
    table, or a git revision. One revision compares it with the working tree; A..B compares
    two revisions. Dataset metadata changes (version, title, licence...) come first. A
    curated dataset whose Parquet is stale is compared as its YAML sources say. Exit
    status: 0 no differences, 1 differences, 2 usage, 3 unreadable input.
    """
    import json

    from chrono.diffing import DiffError, render
    from chrono.diffing import diff as run
    from chrono.model.tables import TABLE_NAMES
    from chrono.safeio import InputError

    for name in tables:
        if name not in TABLE_NAMES:
            fail(f"--table {name}: no such table (tables: {', '.join(TABLE_NAMES)})", EXIT_USAGE)
    old, new = _sides(revisions)
    memory: int | None = None
    if memory_limit is not None:
        from chrono.safeio import parse_size

        try:
            memory = parse_size(memory_limit)
        except ValueError as exc:
            fail(f"--memory-limit: {exc}", EXIT_USAGE)
    try:
        if new is None:
            from chrono.diffing.inputs import is_revision
            from chrono.diffing.sides import find_dataset, working_tree

            if not is_revision(old):
                if Path(old).exists():
                    fail(f"{old}: compare it with what? Give OLD and NEW", EXIT_USAGE)
                fail(f"{old}: neither a path nor a git revision", EXIT_UNREADABLE)
            if dataset is None:
                dataset = str(find_dataset([old], working_tree=True))
            new_side: Any = working_tree(dataset, tables or None, None)
        else:
            new_side = new
        result = run(
            old,
            new_side,
            tables=tables or None,
            ignore=ignore,
            dataset=dataset,
            engine=engine,
            memory_limit=memory,
            temp_dir=temp_dir,
        )
    except (DiffError, InputError) as exc:
        fail(str(exc), EXIT_UNREADABLE)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    n = DEFAULT_LIMITS[fmt] if limit is None else limit
    report = result.to_dict(limit=n or None)
    if stat:
        click.echo(render.stat(report), nl=False)
    elif fmt == "json":
        from chrono.escape import json_text

        click.echo(json_text(json.dumps(report, indent=2, ensure_ascii=False, default=str)))
    elif fmt == "markdown":
        click.echo(render.markdown(report), nl=False)
    elif fmt == "latex":
        from chrono.diffing.latex import latex

        click.echo(latex(report), nl=False)
    else:
        click.echo(render.text(report, _style), nl=False)
    raise SystemExit(EXIT_OK if result.is_empty else EXIT_FINDINGS)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@MAX_FILE_SIZE
def textconv(file: str) -> None:
    """Print a Parquet table as text, one line per row sorted by key (for git diff).

    Set up in a repository with ``*.parquet diff=chrono`` in .gitattributes and
    ``git config diff.chrono.textconv "chrono textconv"``.
    """
    from chrono.diffing import DiffError
    from chrono.diffing.textconv import render_parts
    from chrono.safeio import InputError

    try:
        for part in render_parts(Path(file)):  # a batch of rows at a time
            click.echo(part, nl=False)
    except (DiffError, InputError) as exc:
        fail(str(exc), EXIT_UNREADABLE)


COMMANDS = [diff, textconv]
