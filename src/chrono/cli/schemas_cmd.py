"""``chrono schemas`` and ``chrono validate --schema-only``: a thin layer over chrono.schemas.

Only click is imported at module level (``chrono --help`` stays light).
"""

from __future__ import annotations

from pathlib import Path

import click

from chrono.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE, fail


@click.command("schemas")
@click.argument("directory", default="schemas", metavar="[DIR]")
@click.option("--write", "mode", flag_value="write", help="Regenerate the files in DIR.")
@click.option(
    "--check", "mode", flag_value="check", help="Write nothing; exit 1 if a file in DIR differs."
)
def schemas(directory: str, mode: str | None) -> None:
    """The data model as schemas: Table Schemas, curated-YAML JSON Schemas, JSON-LD context.

    DIR is the repository's schemas/ folder (default: ./schemas). With neither option,
    list the files generated from the model. Exit codes: 0 up to date (or written),
    1 a file differs or the model cannot be expressed, 3 a file cannot be written.
    """
    from chrono import safeio
    from chrono import schemas as gen
    from chrono.escape import terminal

    try:
        if mode == "check":
            problems = gen.check(directory)
        elif mode == "write":
            changed = gen.write(directory)
        else:
            names = list(gen.generate())
    except gen.SchemaError as exc:
        fail(f"the model cannot be expressed as a schema: {exc}", EXIT_FINDINGS)
    except (safeio.InputError, safeio.OutputError) as exc:
        fail(str(exc), EXIT_UNREADABLE)
    except OSError as exc:
        fail(f"{directory}: {safeio.reason(exc)}", EXIT_UNREADABLE)
    if mode == "check":
        for line in problems:
            click.echo(terminal(line))
        if problems:
            raise SystemExit(EXIT_FINDINGS)
        click.echo(terminal(f"{directory}: up to date ({len(gen.generate())} files)"))
    elif mode == "write":
        what = f"wrote {', '.join(changed)}" if changed else "unchanged"
        click.echo(terminal(f"{directory}: {what}"))
    else:
        for name in names:
            click.echo(terminal(Path(directory, name).as_posix()))


def schema_only(paths: tuple[str, ...]) -> None:
    """``chrono validate --schema-only``: print each problem, exit 0 or 1."""
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        fail("--schema-only needs jsonschema: pip install jsonschema", EXIT_UNREADABLE)
    from chrono.schemas.yamlcheck import UnreadableError, check_dataset, check_file, file_kind

    targets = _targets(paths)
    files, problems = 0, []
    try:
        for label, path in targets:
            if path.is_dir():
                count, found = check_dataset(path, label)
            else:
                kind = file_kind(path)
                assert kind is not None
                count, found = 1, check_file(path, kind, label)
            files += count
            problems += found
    except UnreadableError as exc:
        fail(str(exc), EXIT_UNREADABLE)
    from chrono.escape import terminal

    for problem in problems:
        click.echo(terminal(problem))
    bad = len({p.file for p in problems})
    summary = f"{_count(len(problems), 'problem')} in {bad} of {files} files"
    click.echo(
        f"schema check: {_count(files, 'curated file')}, {summary if problems else 'no problems'}",
        err=True,
    )
    raise SystemExit(EXIT_FINDINGS if problems else EXIT_OK)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _targets(paths: tuple[str, ...]) -> list[tuple[str, Path]]:
    """(label, dataset directory or curated file) for each argument, or each bundled dataset."""
    from chrono.schemas.yamlcheck import file_kind

    if not paths:
        from chrono.cli.common import dataset_dirs

        found = [(d.as_posix(), d) for _, d in dataset_dirs(()) if (d / "dataset.yaml").is_file()]
        if not found:
            fail("no bundled dataset has curated sources", EXIT_UNREADABLE)
        return found
    out: list[tuple[str, Path]] = []
    for arg in paths:
        path = Path(arg)
        if path.is_file():
            if file_kind(path) is None:
                fail(
                    f"{arg}: not a curated file (dataset.yaml, sources.yaml, actors.yaml, "
                    "places.yaml or events/<id>.yaml)",
                    EXIT_USAGE,
                )
            out.append((arg, path))
        elif (path / "dataset.yaml").is_file():
            out.append((arg, path))
        elif path.is_dir():
            subs = sorted(p for p in path.iterdir() if (p / "dataset.yaml").is_file())
            if not subs:
                fail(f"{arg}: no curated dataset here (no dataset.yaml)", EXIT_UNREADABLE)
            out += [(Path(arg, p.name).as_posix(), p) for p in subs]
        else:
            fail(f"{arg}: no such file or directory", EXIT_UNREADABLE)
    return out


COMMANDS = [schemas]
