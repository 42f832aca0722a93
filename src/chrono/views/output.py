"""Writing output files whole or not at all: a temporary file in the target directory, renamed.

TODO(safeio): replace with ``chrono.safeio`` once it lands on main; this is a small local
stand-in with the same contract (exclusive temporary file beside the target, atomic rename,
nothing left behind on failure).

Every problem with the output path raises :class:`OutputError` with one line: the
directory is missing or not writable, the target exists and ``force`` is false, the target
is a directory where a file is expected.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path


class OutputError(Exception):
    """The output path cannot be used; the message is one line."""


def check_target(path: Path, force: bool) -> None:
    """Refuse a target whose directory is missing, or that exists without ``force``."""
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(f"{path}: the directory {parent} does not exist")
    if path.is_dir():
        raise OutputError(f"{path}: is a directory (give a file name)")
    if path.exists() or path.is_symlink():
        if not force:
            raise OutputError(f"{path}: already exists (use --force to replace it)")
        if path.is_symlink() or not path.is_file():
            raise OutputError(f"{path}: not a regular file; not replaced")


def _temp_in(directory: Path, name: str) -> tuple[int, Path]:
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    except PermissionError:
        raise OutputError(f"{directory}: not writable") from None
    except OSError as exc:
        raise OutputError(f"{directory}: cannot write ({exc.strerror})") from None
    # mkstemp makes the file private; the output gets the usual mode (0666 less the umask)
    mask = os.umask(0)
    os.umask(mask)
    os.fchmod(fd, 0o666 & ~mask)
    return fd, Path(tmp)


@contextlib.contextmanager
def atomic_path(path: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed to ``path``.

    The temporary file is created exclusively (never a file or link that was there), so
    writers may open it by name (sqlite3, openpyxl, matplotlib). On any exception it is
    removed and the target is untouched.
    """
    target = Path(path)
    check_target(target, force)
    fd, tmp = _temp_in(target.parent, target.name)
    os.close(fd)
    try:
        yield tmp
        check_target(target, force)
        os.replace(tmp, target)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: str | Path, data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path, force) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def check_directory(path: str | Path) -> None:
    """Refuse a directory target that is a file, or whose parent is missing."""
    directory = Path(path)
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"{directory}: exists and is not a directory")
    if not directory.parent.is_dir():
        raise OutputError(f"{directory}: the directory {directory.parent} does not exist")


def output_directory(path: str | Path, names: Sequence[str], force: bool) -> bool:
    """Prepare a directory for ``names``: created if missing (its parent must exist).

    Without ``force``, refuses when any of ``names`` is already there. Returns whether the
    directory was created.
    """
    directory = Path(path)
    check_directory(directory)
    created = not directory.exists()
    if created:
        try:
            directory.mkdir()
        except PermissionError:
            raise OutputError(f"{directory.parent}: not writable") from None
        except OSError as exc:
            raise OutputError(f"{directory}: cannot create ({exc.strerror})") from None
    if not force:
        there = [n for n in names if (directory / n).exists() or (directory / n).is_symlink()]
        if there:
            raise OutputError(f"{directory / there[0]}: already exists (use --force to replace it)")
    return created


@contextlib.contextmanager
def atomic_files(directory: Path, names: Sequence[str], force: bool) -> Iterator[list[Path]]:
    """Temporary paths for several files of one directory, renamed in order on success.

    The last name is the commit point (a descriptor): it is renamed after all the others.
    """
    created = output_directory(directory, names, force)
    temps: list[Path] = []
    done = False
    try:
        for name in names:
            fd, tmp = _temp_in(directory, name)
            os.close(fd)
            temps.append(tmp)
        yield temps
        for name in names:
            check_target(directory / name, force)
        for tmp, name in zip(temps, names, strict=True):
            os.replace(tmp, directory / name)
        done = True
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"{directory}: cannot write ({exc.strerror or exc})") from None
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        if created and not done:
            with contextlib.suppress(OSError):
                directory.rmdir()
