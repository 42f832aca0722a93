"""A user's output files, written whole or not at all: views, ``chrono init``, schemas.

:func:`output_file` and :func:`output_files` check the path first (its folder exists, a
file is not a folder, an existing output needs ``force``), then write into exclusive,
no-follow temporary files beside the targets (through :class:`~chrono.safeio.OutputDir`),
``fsync`` them and rename them into place; on any failure the temporary files are
removed and what was there before is intact. Without ``force`` a file is placed with a
hard link, which fails if the name was taken meanwhile: an output never replaces a file
that appeared while it was written.

A path that cannot be used raises :class:`UnusableOutput` (the command asked for
something it cannot do: the views exit 2); a failure while writing raises
:class:`~chrono.safeio.OutputError` (exit 3). Both have one-line messages.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from chrono.safeio.reading import OutputError, UnusableOutput, check_name, reason
from chrono.safeio.writing import OutputDir

_PROC_FD = Path("/proc/self/fd")
#: OS errors that say the folder refuses new files (not a failure of the write itself).
_REFUSED = (errno.EACCES, errno.EPERM, errno.EROFS)


def _exists(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise UnusableOutput(f"{path}: {reason(exc)}") from None


def _folder_of(path: Path) -> Path:
    parent = path.parent
    try:
        is_dir = stat.S_ISDIR(os.stat(parent).st_mode)
    except OSError:
        is_dir = False
    if not is_dir:
        raise UnusableOutput(f"{path}: the directory {parent} does not exist")
    return parent


def check_file(path: str | os.PathLike[str], *, force: bool = False) -> None:
    """Refuse a file target whose folder is missing, that is a folder, that exists without
    ``force``, or that exists and is not a regular file (a symlink is not replaced)."""
    check_name(path)
    target = Path(path)
    _folder_of(target)
    st = _exists(target)
    if st is None:
        return
    if stat.S_ISDIR(st.st_mode):
        raise UnusableOutput(f"{target}: is a directory (give a file name)")
    if not force:
        raise UnusableOutput(f"{target}: already exists (use --force to replace it)")
    if not stat.S_ISREG(st.st_mode):
        raise UnusableOutput(f"{target}: not a regular file; not replaced")


def check_folder(
    path: str | os.PathLike[str], names: Sequence[str] = (), *, force: bool = False
) -> None:
    """Refuse a folder target that is not a folder or whose parent is missing, and, when it
    exists, any of ``names`` in it (see :func:`check_file`)."""
    check_name(path)
    folder = Path(path)
    st = _exists(folder)
    if st is not None and stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(folder)  # a folder named through a symlink is the user's choice
        except OSError as exc:
            raise UnusableOutput(f"{folder}: {reason(exc)}") from None
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise UnusableOutput(f"{folder}: exists and is not a directory")
    if st is None:
        _folder_of(folder)
        return
    for name in names:
        check_file(folder / name, force=force)


def _open_folder(folder: Path) -> OutputDir:
    try:
        return OutputDir.open(folder)
    except OutputError:
        raise UnusableOutput(f"{folder}: cannot open the folder to write into") from None


class OutputFile(io.BufferedWriter):
    """A temporary output file being written; :attr:`target` is where it will be placed."""

    target: Path

    def sink(self) -> str | OutputFile:
        """What a writer in C that takes a path (pyarrow) should write to: a path that
        opens this very file (Linux: ``/proc/self/fd/N``, the inode, whatever its name),
        so it writes without the GIL; else this file object. Nothing may have been
        written through this object (the writer truncates)."""
        self.flush()
        fd_path = _PROC_FD / str(self.fileno())
        return str(fd_path) if _PROC_FD.is_dir() else self

    def size(self) -> int:
        """The bytes in the file now (whichever way they were written)."""
        self.flush()
        return os.fstat(self.fileno()).st_size


class _Pending:
    """The temporary files of one output, placed together or discarded together."""

    def __init__(self, into: OutputDir, force: bool) -> None:
        self.into, self.force = into, force
        self.files: list[tuple[str, str, OutputFile]] = []  # target, temp, file

    def new(self, target: str) -> OutputFile:
        try:
            temp, fd = self.into.create_temp(target)
        except OSError as exc:
            if exc.errno in _REFUSED:
                raise UnusableOutput(f"{self.into.path}: not writable") from None
            raise OutputError(f"{self.into.path / target}: cannot write ({reason(exc)})") from None
        try:
            fh = OutputFile(io.FileIO(fd, "wb", closefd=True), 1 << 20)
            fh.target = self.into.path / target
        except BaseException:
            os.close(fd)
            self.into.discard(temp)
            raise
        self.files.append((target, temp, fh))
        return fh

    def place(self) -> None:
        """Flush and sync every file, then rename each over its target, in order."""
        for target, _, fh in self.files:
            self.into.finish(fh, target)
        placed: list[str] = []
        try:
            for target, temp, _ in self.files:
                self.into.place(temp, target, replace=self.force)
                placed.append(target)
        except BaseException:
            if not self.force:  # only files this run created: nothing else is lost
                for target in placed:
                    self.into.discard(target)
            raise
        finally:
            self.files = [f for f in self.files if f[0] not in placed]
        for target in placed:  # what killed runs of the same output left
            with contextlib.suppress(OSError):
                self.into.remove_abandoned(target)

    def discard(self) -> None:
        for _, temp, fh in self.files:
            with contextlib.suppress(OSError):
                fh.close()
            self.into.discard(temp)
        self.files = []


@contextlib.contextmanager
def output_file(path: str | os.PathLike[str], *, force: bool = False) -> Iterator[OutputFile]:
    """A binary file to write ``path`` with; it replaces ``path`` when the block ends
    without an exception, else nothing changes.

    The file is a real, seekable file (zip writers, sqlite's ``serialize`` output, pyarrow
    and matplotlib take it); any ``OSError`` raised in the block becomes an
    :class:`~chrono.safeio.OutputError` naming ``path``.
    """
    target = Path(path)
    check_file(target, force=force)
    with _open_folder(target.parent) as into:
        pending = _Pending(into, force)
        try:
            yield pending.new(target.name)
            pending.place()
        except OSError as exc:  # raised by the writer in the block
            raise OutputError(f"{target}: cannot write ({reason(exc)})") from None
        finally:
            pending.discard()


@contextlib.contextmanager
def output_files(
    path: str | os.PathLike[str], names: Sequence[str], *, force: bool = False
) -> Iterator[dict[str, OutputFile]]:
    """Files ``names`` of folder ``path`` (created if missing; its parent must exist), as a
    mapping name -> binary file, placed in the order of ``names`` when the block ends
    without an exception (the last one is the commit point: a descriptor). A failure
    while writing or syncing places nothing and removes a folder this call created; a
    rename that fails once others were done (rare: same folder, files complete) leaves
    those done, and without ``force`` removes them again."""
    folder = Path(path)
    check_folder(folder, names, force=force)
    created = False
    if not folder.exists():
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        except OSError as exc:
            if exc.errno in _REFUSED:
                raise UnusableOutput(f"{folder.parent}: not writable") from None
            raise OutputError(f"{folder}: cannot create ({reason(exc)})") from None
        else:
            created = True
    done = False
    try:
        with _open_folder(folder) as into:
            pending = _Pending(into, force)
            try:
                yield {name: pending.new(name) for name in names}
                pending.place()
                done = True
            except OSError as exc:  # raised by a writer in the block
                raise OutputError(f"{folder}: cannot write ({reason(exc)})") from None
            finally:
                pending.discard()
    finally:
        if created and not done:
            with contextlib.suppress(OSError):
                os.rmdir(folder)


def sync(file: BinaryIO) -> None:
    """Flush a file of :func:`output_file` / :func:`output_files` and ``fsync`` it now.

    Every file is synced before it is placed anyway; a writer calls this from a worker
    thread as soon as a file is complete, so the disk works while the next one is made."""
    try:
        file.flush()
        os.fsync(file.fileno())
    except OSError as exc:
        where = getattr(file, "target", "an output file")
        raise OutputError(f"{where}: cannot write ({reason(exc)})") from None


def write_file(path: str | os.PathLike[str], data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` whole or not at all (see :func:`output_file`)."""
    with output_file(path, force=force) as fh:
        fh.write(data)
    return Path(path)
