"""What every command shares: exit codes, one-line errors, size caps, dataset arguments."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import click

from chrono.escape import one_line
from chrono.package import DEFAULT_DATASET

EXIT_OK = 0
EXIT_FINDINGS = 1  # invalid data, differences found, a stale build
EXIT_USAGE = 2  # click's own code for usage errors
EXIT_UNREADABLE = 3  # an input could not be read (or output could not be written)
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of our output went away (| head)

#: A command's optional dataset argument: the bundled default when none is given.
DATASET_ARGUMENT = click.argument(
    "dataset", required=False, default=DEFAULT_DATASET, metavar="[DATASET]"
)


def fail(message: str, code: int) -> NoReturn:
    """Print ``Error: message`` on stderr (one line, control characters escaped) and exit."""
    click.echo(f"Error: {one_line(message)}", err=True)
    raise SystemExit(code)


def note_if_stale(ds: Any, label: str) -> None:
    """Say on stderr when the dataset's curated YAML changed since ``chrono build``: what a
    command shows, draws or exports is then the data as last built (``chrono validate``
    reports it as CHR604). Sources that cannot be read are validate's to explain."""
    from chrono.staleness import parquet_is_stale, stale_message

    if parquet_is_stale(ds):
        click.echo(f"note: {stale_message(one_line(label))}", err=True)


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


def dataset_dirs(
    names: tuple[str, ...], inside: Callable[[Path], bool] = lambda _d: True
) -> list[tuple[str, Path]]:
    """(label, directory) for each argument (a dataset, or a folder of datasets: each of
    them that ``inside`` keeps), or for every bundled dataset when none."""
    from chrono.package import DatasetError, datasets_in, list_datasets, resolve

    if not names:
        names = tuple(list_datasets())
        if not names:
            fail("no bundled datasets found", EXIT_UNREADABLE)
    out: list[tuple[str, Path]] = []
    for name in names:
        found = datasets_in(name)
        if found:
            out += [(str(d), d) for d in found if inside(d)]
            continue
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
