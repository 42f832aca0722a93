"""Writing output: exclusive, no-follow temporary files renamed into place (see
:mod:`chrono.safeio`), and the test hook that kills a commit at a given step."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import time
from pathlib import Path
from typing import BinaryIO

from chrono.safeio.reading import (
    CLOEXEC,
    DIRECTORY,
    NOFOLLOW,
    NONBLOCK,
    InputError,
    Opened,
    OutputError,
    UnusableOutput,
    check_name,
    reason,
)

#: Suffix of the build's temporary files (stale ones, of a killed build, are removed).
TEMP_SUFFIX = ".chrono-tmp"

#: Test hook: ``CHRONO_TEST_KILL_AT=N`` kills the process (SIGKILL) at the N-th step of a
#: build's commit, or at every step named N; the hostile tests kill builds at every step.
KILL_ENV = "CHRONO_TEST_KILL_AT"
_steps = {"count": 0}


def checkpoint(step: str) -> None:
    """A step of a commit protocol (a no-op unless the test hook names it)."""
    _steps["count"] += 1
    at = os.environ.get(KILL_ENV)
    if at and at in (str(_steps["count"]), step):
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


class OutputDir:
    """A directory to write into, opened once: every name is relative to its descriptor.

    Temporary files are created exclusively (``O_EXCL``), never through a symlink
    (``O_NOFOLLOW``), with a random name; :meth:`replace` renames one over its target in one
    atomic step (a symlink planted at the target is replaced, never followed).
    """

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self.fd = path, fd

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> OutputDir:
        """Open an existing directory (the dataset folder a user named)."""
        check_name(path)
        try:
            fd = os.open(path, os.O_RDONLY | DIRECTORY | CLOEXEC)
        except OSError as exc:
            raise OutputError(f"{path}: cannot open the folder ({reason(exc)})") from None
        return cls(Path(path), fd)

    def subdir(self, name: str) -> OutputDir:
        """A sub-folder, created if missing; refused when it is a symlink or not a folder."""
        try:
            os.mkdir(name, 0o777, dir_fd=self.fd)
        except FileExistsError:
            pass
        except OSError as exc:
            raise OutputError(f"{self.path / name}: cannot create ({reason(exc)})") from None
        try:
            fd = os.open(name, os.O_RDONLY | DIRECTORY | NOFOLLOW | CLOEXEC, dir_fd=self.fd)
        except OSError as exc:
            try:
                link = stat.S_ISLNK(os.stat(name, dir_fd=self.fd, follow_symlinks=False).st_mode)
            except OSError:
                link = False
            what = "a symlink" if link or exc.errno == errno.ELOOP else reason(exc)
            raise OutputError(f"{self.path / name}: not a folder to write into ({what})") from None
        return OutputDir(self.path / name, fd)

    def lock(self, timeout: float = 60.0) -> None:
        """Hold an exclusive lock on this folder (released on :meth:`close`): one writer."""
        import fcntl  # POSIX

        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OutputError(
                        f"{self.path}: another chrono build is writing here (waited {timeout:g} s)"
                    ) from None
                time.sleep(0.05)
            except OSError as exc:  # a file system without locks: go on unlocked
                if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP):
                    return
                raise OutputError(f"{self.path}: cannot lock ({reason(exc)})") from None

    def create_temp(self, target: str) -> tuple[str, int]:
        """A new, empty temporary file beside ``target``: its name and a descriptor open
        for writing. Created exclusively, never through a symlink, with the usual mode
        (0666 less the umask). Raises the ``OSError`` (the caller names the output)."""
        # the writer's process id in the name: a later run can tell a file left by a
        # killed writer from one being written (remove_abandoned)
        name = f".{target}.{os.getpid()}-{secrets.token_hex(8)}{TEMP_SUFFIX}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC
        return name, os.open(name, flags, 0o666, dir_fd=self.fd)

    def remove_abandoned(self, target: str) -> None:
        """Remove the temporary files beside ``target`` that writers killed before they
        were placed left behind: those whose writing process is gone."""
        prefix = f".{target}."
        for name in self.names():
            if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
                continue
            pid, dash, _ = name[len(prefix) : -len(TEMP_SUFFIX)].partition("-")
            if dash and pid.isdigit() and not _alive(int(pid)):
                self.discard(name)

    def write_temp(self, target: str, data: bytes) -> str:
        """Write ``data`` to a new temporary file beside ``target``; returns its name."""
        try:
            name, fd = self.create_temp(target)
        except OSError as exc:
            raise OutputError(f"{self.path / target}: cannot write ({reason(exc)})") from None
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError as exc:
            os.close(fd)
            self.discard(name)
            raise OutputError(f"{self.path / target}: cannot write ({reason(exc)})") from None
        os.close(fd)
        return name

    def replace(self, temp: str, target: str) -> None:
        """Rename ``temp`` over ``target`` (atomic), then make the rename durable."""
        try:
            os.replace(temp, target, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError as exc:
            self.discard(temp)
            raise OutputError(f"{self.path / target}: cannot write ({reason(exc)})") from None
        self.sync()

    def finish(self, file: BinaryIO, target: str) -> None:
        """Flush, ``fsync`` and close a file made by :meth:`create_temp` for ``target``."""
        try:
            file.flush()
            os.fsync(file.fileno())
            file.close()
        except OSError as exc:
            raise OutputError(f"{self.path / target}: cannot write ({reason(exc)})") from None

    def place(self, temp: str, target: str, *, replace: bool) -> None:
        """Give ``temp`` the name ``target`` in one atomic step. ``replace``: over whatever
        is there (:meth:`replace`); else only if ``target`` does not exist (a hard link,
        then the temporary name removed), so a file that appeared meanwhile is kept."""
        if replace:
            self.replace(temp, target)
            return
        try:
            os.link(temp, target, src_dir_fd=self.fd, dst_dir_fd=self.fd, follow_symlinks=False)
        except FileExistsError:
            raise UnusableOutput(
                f"{self.path / target}: already exists (use --force to replace it)"
            ) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
                raise OutputError(f"{self.path / target}: cannot write ({reason(exc)})") from None
            # a file system without hard links: check, then rename (not atomic against a
            # file appearing in between)
            if os.path.lexists(self.path / target):
                raise UnusableOutput(
                    f"{self.path / target}: already exists (use --force to replace it)"
                ) from None
            self.replace(temp, target)
            return
        self.discard(temp)
        self.sync()

    def sync(self) -> None:
        with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
            os.fsync(self.fd)

    def regular(self, name: str) -> bool:
        """``name`` is a regular file here (a symlink is not)."""
        try:
            st = os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except (OSError, ValueError):
            return False
        return stat.S_ISREG(st.st_mode)

    def read_regular(self, name: str, kind: str) -> bytes | None:
        """The bytes of ``name`` if it is a regular file here (never through a symlink)."""
        try:
            fd = os.open(name, os.O_RDONLY | NOFOLLOW | NONBLOCK | CLOEXEC, dir_fd=self.fd)
        except (OSError, ValueError):
            return None
        with Opened(fd, self.path / name, self.path / name, 0, kind) as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            try:
                return f.read()
            except InputError:
                return None

    def discard(self, name: str) -> bool:
        """Remove ``name`` if it is a regular file (anything else stays); True if removed."""
        if not self.regular(name):
            return False
        try:
            os.unlink(name, dir_fd=self.fd)
        except OSError:
            return False
        return True

    def names(self) -> list[str]:
        try:
            return sorted(os.listdir(self.fd))
        except OSError:
            return []

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> OutputDir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _alive(pid: int) -> bool:
    """Whether a process of that id runs (here: a file system shared between machines
    may hold another machine's, taken for gone; its writer then fails, never corrupts)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # another user's: alive
        return True
    return True
