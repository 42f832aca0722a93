"""The ``chrono`` command line: a thin click layer over the library.

Only click is imported here; each command imports what it needs when it runs, so
``chrono --help`` does not import pandas or pyarrow.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from chrono._version import __version__
from chrono.cli.common import EXIT_UNREADABLE, fail

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ChronoGroup(click.Group):
    """Turns any error that escapes a command into one line and exit code 3."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except Exception as exc:
            if os.environ.get("CHRONO_DEBUG"):
                raise
            fail(
                f"unexpected {type(exc).__name__}: {exc} (set CHRONO_DEBUG=1 for details)",
                EXIT_UNREADABLE,
            )


@click.group(cls=ChronoGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="chrono")
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
