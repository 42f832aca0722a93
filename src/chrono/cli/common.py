"""What every command shares: exit codes, one-line errors, size caps, dataset arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import click

from chrono.escape import one_line

EXIT_OK = 0
EXIT_FINDINGS = 1  # invalid data, differences found, a stale build
EXIT_USAGE = 2  # click's own code for usage errors
EXIT_UNREADABLE = 3  # an input could not be read (or output could not be written)
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of our output went away (| head)


def fail(message: str, code: int) -> NoReturn:
    """Print ``Error: message`` on stderr (one line, control characters escaped) and exit."""
    click.echo(f"Error: {one_line(message)}", err=True)
    raise SystemExit(code)


def _set_max_file_size(ctx: click.Context, param: click.Parameter, values: Any) -> None:
    from chrono import safeio

    for text in values or ():
        try:
            safeio.set_limits(safeio.parse_limit(text))
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None


#: ``--max-file-size [KIND=]SIZE`` (repeatable; also ``CHRONO_MAX_FILE_SIZE``): raise the
#: size caps on input files (docs/threat-model.md).
MAX_FILE_SIZE = click.option(
    "--max-file-size",
    "max_file_size",
    multiple=True,
    metavar="[KIND=]SIZE",
    envvar="CHRONO_MAX_FILE_SIZE",
    expose_value=False,
    is_eager=True,
    callback=_set_max_file_size,
    help=(
        "Raise the size cap on input files: SIZE for every kind, or KIND=SIZE with KIND one "
        "of descriptor (16M), yaml (8M), text (64M), parquet (16G). E.g. 20G, parquet=64G."
    ),
)


def dataset_dirs(names: tuple[str, ...]) -> list[tuple[str, Path]]:
    """(label, directory) for each argument, or for every bundled dataset when none."""
    from chrono.package import DatasetError, list_datasets, resolve

    if not names:
        names = tuple(list_datasets())
        if not names:
            fail("no bundled datasets found", EXIT_UNREADABLE)
    out: list[tuple[str, Path]] = []
    for name in names:
        try:
            out.append((name, resolve(name)))
        except DatasetError as exc:
            fail(str(exc), EXIT_UNREADABLE)
    return out
