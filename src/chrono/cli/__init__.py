"""The ``chrono`` command line: a thin click layer over the library.

Only click is imported here; each command imports what it needs when it runs, so
``chrono --help`` does not import pandas or pyarrow.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

from chrono._version import __version__
from chrono.cli.common import EXIT_BROKEN_PIPE, EXIT_UNREADABLE, MAX_FILE_SIZE, fail

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _broken_pipe() -> None:
    """The reader of our output went away (``chrono list | head -1``): stop quietly, as
    command-line tools do, with 128 + SIGPIPE (nothing more is written to the pipe)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    raise SystemExit(EXIT_BROKEN_PIPE)


def _os_error(exc: OSError) -> str:
    from chrono.safeio import reason

    where = exc.filename if exc.filename is not None else "a file"
    return f"{where}: {reason(exc)}"


class ChronoGroup(click.Group):
    """Turns any error that escapes a command into one line and exit code 3."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        from chrono import safeio

        safeio.set_limits(dict(safeio.DEFAULT_LIMITS))  # each run starts from the defaults
        return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        if sys.stdout is None:  # started with >&-: what it says would be lost
            fail("standard output is closed (to silence chrono, send it to /dev/null)", 2)
        try:
            result = super().invoke(ctx)
            _flush()  # a closed pipe shows here, not at interpreter exit
            return result
        except BrokenPipeError:
            _broken_pipe()
        except SystemExit:
            try:
                _flush()
            except BrokenPipeError:
                _broken_pipe()
            raise
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            # writers left mid-way (openpyxl's lxml generators) complain as they are
            # collected at exit: the one line below says all there is
            sys.unraisablehook = lambda _unraisable: None
            fail("interrupted", 130)
        except Exception as exc:
            if os.environ.get("CHRONO_DEBUG"):
                raise
            fail(_describe(exc), EXIT_UNREADABLE)


def _flush() -> None:
    if sys.stdout is not None:  # None: started with standard output closed (>&-)
        sys.stdout.flush()


def _describe(exc: Exception) -> str:
    """A specific one-line message for an error no command caught."""
    from chrono.safeio import InputError, OutputError

    if isinstance(exc, InputError | OutputError):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
        _broken_pipe()
    if isinstance(exc, OSError):
        return _os_error(exc)
    if isinstance(exc, RecursionError):
        return "input nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "out of memory (an input too large for this machine)"
    if isinstance(exc, ValueError) and "null byte" in str(exc):
        return "a NUL byte in a path"
    return f"unexpected {type(exc).__name__}: {exc} (set CHRONO_DEBUG=1 for details)"


@click.group(cls=ChronoGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="chrono")
@MAX_FILE_SIZE
def main() -> None:
    """chrono: curated chronologies with per-fact provenance.

    Load the data in Python with ``import chrono; chrono.load("events")``.
    """


def _register() -> None:
    from chrono.cli import core

    for command in core.COMMANDS:
        main.add_command(command)
    for name in ("validate", "diff", "curate", "coverage", "views", "schemas"):
        try:
            module = __import__(f"chrono.cli.{name}_cmd", fromlist=["COMMANDS"])
        except ModuleNotFoundError:
            continue
        for command in module.COMMANDS:
            main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
