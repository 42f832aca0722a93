"""What every command shares: exit codes, one-line errors, colour only on a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

EXIT_OK = 0
EXIT_FINDINGS = 1  # invalid data, differences found, a stale build
EXIT_USAGE = 2  # click's own code for usage errors
EXIT_UNREADABLE = 3  # an input could not be read


def fail(message: str, code: int) -> NoReturn:
    """Print ``Error: message`` on stderr (one line) and exit with ``code``."""
    click.echo(f"Error: {' '.join(message.split())}", err=True)
    raise SystemExit(code)


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
