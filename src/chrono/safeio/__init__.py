"""Safe file I/O: the one place chrono opens the files it reads and writes its output.

A dataset folder is untrusted input (docs/threat-model.md). Reads go through
:func:`open_input`: the path is resolved once (symlinks included) and must stay inside a
given root; the file is opened with ``O_NOFOLLOW | O_NONBLOCK`` and must be a regular file
(``fstat``), so a FIFO, a device, a directory or a socket is refused without blocking; its
size must be under the cap for its kind, which ``--max-file-size`` raises; reads stop at the
cap. Writes go through :class:`OutputDir`: exclusive, no-follow temporary files (random
names, fsync) renamed into place, so a planted symlink is never followed; a user's output
files (views, ``chrono init``, schemas) through :func:`output_file` and
:func:`output_files`, which check the path first (:class:`UnusableOutput`).

Every refusal raises :class:`InputError` (or :class:`OutputError`) whose ``str()`` is one
line naming the file; the CLI exits 3.

>>> from chrono import safeio
>>> safeio.parse_size("64M"), safeio.limit("yaml") == safeio.DEFAULT_LIMITS["yaml"]
(67108864, True)
"""

from __future__ import annotations

import os  # noqa: F401 (tests reach the os functions chrono.safeio uses through it)

from chrono.safeio.outputs import (
    OutputFile,
    check_file,
    check_folder,
    output_file,
    output_files,
    sync,
    write_file,
)
from chrono.safeio.reading import (
    DEFAULT_LIMITS,
    KINDS,
    FileMissing,
    InputError,
    InputFolder,
    Opened,
    OutputError,
    UnusableOutput,
    check_name,
    human_size,
    kind_of,
    lf_endings,
    lf_text,
    limit,
    limits,
    open_input,
    parquet_from_memory,
    parse_limit,
    parse_size,
    read_bytes,
    read_text,
    reason,
    resolve_inside,
    set_limits,
)
from chrono.safeio.writing import KILL_ENV, TEMP_SUFFIX, OutputDir, checkpoint

__all__ = [
    "DEFAULT_LIMITS",
    "KILL_ENV",
    "KINDS",
    "TEMP_SUFFIX",
    "FileMissing",
    "InputError",
    "InputFolder",
    "Opened",
    "OutputDir",
    "OutputError",
    "OutputFile",
    "UnusableOutput",
    "check_file",
    "check_folder",
    "check_name",
    "checkpoint",
    "human_size",
    "kind_of",
    "lf_endings",
    "lf_text",
    "limit",
    "limits",
    "open_input",
    "output_file",
    "output_files",
    "parquet_from_memory",
    "parse_limit",
    "parse_size",
    "read_bytes",
    "read_text",
    "reason",
    "resolve_inside",
    "set_limits",
    "sync",
    "write_file",
]
