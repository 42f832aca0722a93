"""What every command shares: exit codes, one-line errors, colour only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
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


class _HidePandas:
    """An import finder under which ``import pandas`` fails as if it were not installed."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def without_pandas() -> None:
    """Keep pyarrow from importing pandas in this process, for a command that never uses it.

    pyarrow imports pandas (0.2-0.3 s) the first time it converts a Python value (a list
    given to ``pa.array``, a Python scalar given to a compute function), only to ask whether
    the value is a pandas object, and it asks once per process. Asked while pandas is
    hidden, it goes on as if pandas were not installed. That changes how it converts pandas
    objects made later (a Series' NaN stays NaN, a Categorical becomes plain values) until
    something imports pandas through pyarrow (``to_pandas`` does): so only the commands
    that handle no pandas object call this (validate, build), never the library. Nothing
    to do when pandas is already imported.
    """
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    finder = _HidePandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.scalar(0)  # pyarrow's first conversion: it tries to import pandas, and fails
    finally:
        sys.meta_path.remove(finder)
