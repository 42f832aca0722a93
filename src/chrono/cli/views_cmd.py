"""``chrono plot``, ``chrono site`` and ``chrono export``: a thin layer over :mod:`chrono.views`.

Exit codes: 0 written; 2 usage (unknown format, an output path in a missing or
unwritable directory, an existing output without ``--force``, an output inside the dataset
shown, an optional extra not installed, data the format cannot hold); 3 the dataset cannot
be read, or writing failed (a full disk: what was there before is intact). Each command
opens its dataset once and works from the files it holds; messages print data and paths
through :func:`chrono.escape.terminal`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from chrono.cli.common import (
    DATASET_ARGUMENT,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    fail,
    note_if_stale,
)
from chrono.escape import terminal
from chrono.wording import counted

DATASET = DATASET_ARGUMENT
FORCE = click.option("--force", is_flag=True, help="Replace an existing output.")


@contextmanager
def _errors() -> Iterator[None]:
    """Every known failure as one line and its exit code."""
    from chrono.package import DatasetError
    from chrono.safeio import OutputError, UnusableOutput
    from chrono.views.deps import MissingExtra
    from chrono.views.export.common import ExportError

    try:
        yield
    except DatasetError as exc:
        fail(str(exc), EXIT_UNREADABLE)
    except (UnusableOutput, MissingExtra, ExportError) as exc:
        fail(str(exc), EXIT_USAGE)
    except OutputError as exc:  # writing failed: the previous output is intact
        fail(str(exc), EXIT_UNREADABLE)
    except ValueError as exc:  # a filter or lane that does not apply
        fail(str(exc), EXIT_USAGE)


@contextmanager
def _opened(dataset: str) -> Iterator[Any]:
    """The dataset, opened once: every table a view reads comes from the files it holds."""
    from chrono.dataset import Dataset
    from chrono.staleness import StaleParquetWarning

    with Dataset.open(dataset) as ds, warnings.catch_warnings():
        note_if_stale(ds, dataset)  # said once, as a note, not as Python's warning
        warnings.simplefilter("ignore", StaleParquetWarning)
        yield ds


def _output(help_text: str) -> Callable[[Any], Any]:
    return click.option("-o", "--output", required=True, metavar="PATH", help=help_text)


class Inches(click.FloatRange):
    """A width in inches within the range; NaN, which no comparison refuses, refused too."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        inches = super().convert(value, param, ctx)
        if inches != inches:
            self.fail(f"{inches} is not in the range {self.min:g}<=x<={self.max:g}.", param, ctx)
        return inches


@click.command()
@DATASET
@_output("The figure: FILE.png, FILE.svg or FILE.pdf.")
@click.option("--lane", default="type", show_default=True,
              help="Lanes by: type, actor, place, or any events column.")  # fmt: skip
@click.option(
    "--from", "start", metavar="DATE", help="Period start: EDTF or '44 BCE' (alone: from then on)."
)
@click.option(
    "--to", "end", metavar="DATE", help="Period end: EDTF or '10 CE' (alone: up to then)."
)
@click.option("--type", "types", multiple=True, help="Only events of this type (repeatable).")
@click.option(
    "--actor", "actors", multiple=True, help="Only events with this actor id (repeatable)."
)
@click.option("--labels/--no-labels", default=None, help="Label events (default: up to 500).")
@click.option("--title", help="Figure title (default: the dataset's).")
@click.option("--width", type=Inches(4, 100), default=10.0, show_default=True,
              help="Figure width in inches: from 4 (room beside the lane names) to 100 "
              "(a PNG 10,000 pixels wide).")  # fmt: skip
@FORCE
def plot(
    dataset: str,
    output: str,
    lane: str,
    start: str | None,
    end: str | None,
    types: tuple[str, ...],
    actors: tuple[str, ...],
    labels: bool | None,
    title: str | None,
    width: float,
    force: bool,
) -> None:
    """Draw DATASET's events on a timeline, each at its true precision."""
    with _errors():
        from chrono.safeio import check_file
        from chrono.views.data import check_output
        from chrono.views.timeline import FORMATS, describe, figure_for, save

        suffix = output.rsplit(".", 1)[-1].lower() if "." in output else ""
        if suffix not in FORMATS:
            fail(f"{output}: the file name must end in .png, .svg or .pdf", EXIT_USAGE)
        check_file(output, force=force)
        from chrono.model.periods import day_of

        day_of(start, end=False, what="--from")  # a bad date named as the user wrote it
        day_of(end, end=True, what="--to")
        period = None if start is None and end is None else (start, end)  # None: open
        with _opened(dataset) as ds:
            check_output(ds, output)
            fig, notes = figure_for(
                ds, lane=lane, period=period, types=types or None, actors=actors or None,
                labels=labels, title=title, width=width,
            )  # fmt: skip
            save(fig, output, force=force, description=describe(ds))
    click.echo(terminal(f"wrote {output}" + "".join(f"; {n}" for n in notes)))


@click.command()
@DATASET
@_output("The directory to write index.html into (created if missing).")
@FORCE
def site(dataset: str, output: str, force: bool) -> None:
    """Write a self-contained web page of DATASET: timeline, filters, every claim."""
    with _errors():
        from chrono.safeio import check_folder
        from chrono.views.site import PAGE, write_site

        check_folder(output, [PAGE], force=force)
        with _opened(dataset) as ds:
            path, count = write_site(ds, output, force=force)
    said = f"wrote {path} ({counted(count, 'event')})"
    size = path.stat().st_size
    if size > LARGE_PAGE:  # a browser holds the whole page: 400 MB (1M events) fails
        said += (
            f"; the page is {size / 1e6:,.0f} MB, more than browsers open with ease: "
            "chrono export sqlite or csv suit data of this size"
        )
    click.echo(terminal(said))


#: A web page larger than this (bytes) is said to be more than browsers open with ease:
#: 40 MB (100,000 events) renders in seconds, 400 MB did not render in Chromium.
LARGE_PAGE = 100_000_000


@click.command(name="export")
@click.argument("fmt", metavar="FORMAT")
@DATASET
@_output("The file (or directory, for csv and ndjson) to write.")
@FORCE
def export_(fmt: str, dataset: str, output: str, force: bool) -> None:
    """Write DATASET as FORMAT: csv, json, ndjson, xlsx, sqlite, timelinejs, jsonld, ics,
    geojson (details: docs/views.md)."""
    with _errors():
        from chrono.views.export import FORMATS, export

        if output == "":
            fail("-o: an empty path (a file name, or - for standard output)", EXIT_USAGE)
        if fmt not in FORMATS:
            fail(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})", EXIT_USAGE)
        if output in STDOUT:
            _export_to_stdout(fmt, dataset, output)
            return
        with _opened(dataset) as ds:
            result = export(fmt, ds, output, force=force)
    click.echo(terminal(f"wrote {result.summary()}"))


#: ``-o`` values that name standard output.
STDOUT = ("-", "/dev/stdout")
#: The formats whose one file is not text.
BINARY = ("xlsx", "sqlite")


def _export_to_stdout(fmt: str, dataset: str, output: str) -> None:
    """``-o -``: the one file of ``fmt`` on standard output, what was written on stderr."""
    import sys
    import tempfile
    from pathlib import Path

    from chrono.views.export import FORMATS
    from chrono.views.export import export as write

    if FORMATS[fmt].directory:
        fail(f"-o {output}: {fmt} writes a folder of files; name the folder", EXIT_USAGE)
    if fmt in BINARY and sys.stdout.isatty():
        fail(f"-o {output}: {fmt} is binary; redirect standard output to a file", EXIT_USAGE)
    with tempfile.TemporaryDirectory(prefix="chrono-export-") as tmp:
        target = Path(tmp) / f"export.{fmt}"
        with _opened(dataset) as ds:
            result = write(fmt, ds, target)
        try:
            _copy_to_stdout(target)
        except BrokenPipeError:
            raise  # the reader went away: exit 141, as every command does
        except OSError as exc:
            from chrono.safeio import reason

            fail(f"-o {output}: standard output: cannot write ({reason(exc)})", EXIT_UNREADABLE)
    said = result.summary().replace(str(target), "standard output", 1)
    click.echo(terminal(f"wrote {said}"), err=True)


def _copy_to_stdout(path: Any) -> None:
    """Every byte of ``path`` to standard output: a short write is written on, never
    taken for the whole (a full disk raises, a closed pipe raises BrokenPipeError)."""
    import io
    import os
    import sys

    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (io.UnsupportedOperation, AttributeError, ValueError):  # not a file (a test)
        fd = None
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if fd is None:
                sys.stdout.buffer.write(chunk)
                continue
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
    if fd is None:
        sys.stdout.buffer.flush()


COMMANDS = [plot, site, export_]
