"""Reading input files, checked: see :mod:`chrono.safeio`."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

#: Size caps per kind of input file, in bytes: generous for real data, small enough that a
#: hostile file cannot exhaust a CI runner. ``--max-file-size KIND=SIZE`` raises them.
DEFAULT_LIMITS: dict[str, int] = {
    "descriptor": 16 << 20,  # datapackage.json
    "yaml": 8 << 20,  # one curated YAML file
    "text": 64 << 20,  # a --sources text
    "parquet": 16 << 30,  # one Parquet table
}
KINDS = tuple(DEFAULT_LIMITS)
_limits = dict(DEFAULT_LIMITS)

_CHUNK = 16 << 20
#: Flags of ``os.open`` (0 where the platform lacks one).
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
NONBLOCK = getattr(os, "O_NONBLOCK", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)
DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_PROC_FD = Path("/proc/self/fd")


class InputError(Exception):
    """An input file refused or unreadable; ``str()`` is one line (the CLI exits 3)."""


class FileMissing(InputError):
    """The file (or a folder on its path) does not exist."""


class OutputError(Exception):
    """Output that could not be written; what was there before is intact (exit 3)."""


class UnusableOutput(OutputError):
    """The output path cannot be used (its folder missing or not writable, a folder where a
    file is expected, an existing output without ``force``); nothing was written."""


# --------------------------------------------------------------------------- size caps


def limit(kind: str) -> int:
    """The size cap, in bytes, for files of ``kind`` (one of :data:`KINDS`)."""
    return _limits[kind]


def set_limits(sizes: dict[str, int]) -> None:
    """Set size caps: ``{"yaml": 20 << 20}``; a key ``"all"`` sets every kind."""
    for kind, size in sizes.items():
        for k in KINDS if kind == "all" else (kind,):
            if k not in _limits:
                raise ValueError(f"unknown kind of file {kind!r} (kinds: {', '.join(KINDS)})")
            _limits[k] = size


@contextlib.contextmanager
def limits(sizes: dict[str, int]) -> Iterator[None]:
    """Size caps for the duration of a ``with`` block."""
    saved = dict(_limits)
    set_limits(sizes)
    try:
        yield
    finally:
        _limits.clear()
        _limits.update(saved)


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int:
    """``1024``, ``64K``, ``20M``, ``8G`` (binary units; a trailing ``B``/``iB`` is allowed)."""
    t = text.strip().upper().removesuffix("IB").removesuffix("B")
    unit = t[-1:] if t[-1:] in _UNITS else ""
    number = t[: len(t) - len(unit)].strip()
    if not number.isdigit():
        raise ValueError(f"{text!r} is not a size (e.g. 500M, 8G)")
    return int(number) * _UNITS[unit]


def parse_limit(text: str) -> dict[str, int]:
    """``KIND=SIZE`` or ``SIZE`` (every kind) -> ``{kind: bytes}``."""
    kind, sep, size = text.partition("=")
    if not sep:
        return {"all": parse_size(text)}
    kind = kind.strip()
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a kind of file ({', '.join(KINDS)})")
    return {kind: parse_size(size)}


def human_size(n: int) -> str:
    for unit in ("G", "M", "K"):
        if n >= _UNITS[unit] and n % _UNITS[unit] == 0:
            return f"{n // _UNITS[unit]}{unit}"
    return f"{n} bytes"


# --------------------------------------------------------------------------- reads


def reason(exc: OSError) -> str:
    """A short, specific reason for an OS error."""
    return {
        errno.ENOENT: "not found",
        errno.ELOOP: "a symlink loop (too many levels of symbolic links)",
        errno.EISDIR: "a directory, not a file",
        errno.ENOTDIR: "a file where a directory is expected",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENOSPC: "no space left on device",
        errno.EROFS: "read-only file system",
        errno.EDQUOT: "disk quota exceeded",
        errno.ENAMETOOLONG: "file name too long",
        errno.ENXIO: "not a regular file (a socket or a device)",
        errno.EMFILE: "too many open files",
    }.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, from its ``st_mode``: "a FIFO", ..."""
    for test, what in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symlink"),
    ):
        if test(mode):
            return what
    return "not a regular file"


def check_name(path: str | os.PathLike[str]) -> None:
    """Refuse a path holding a NUL byte (the OS cannot name such a file)."""
    text = os.fspath(path)
    if "\0" in text:
        raise InputError(f"{text!r}: a NUL byte in a file name")


def resolve_inside(path: str | os.PathLike[str], root: str | os.PathLike[str] | None) -> Path:
    """``path`` with every symlink resolved; :class:`InputError` unless it stays in ``root``."""
    check_name(path)
    try:
        real = os.path.realpath(path, strict=True)
    except FileNotFoundError:
        raise FileMissing(f"{path}: not found") from None
    except OSError as exc:
        raise InputError(f"{path}: {reason(exc)}") from None
    if root is not None:
        base = os.path.realpath(root)
        if os.path.commonpath([base, real]) != base:
            raise InputError(f"{path}: resolves outside {root} (a symlink may not leave it)")
    return Path(real)


class Opened:
    """A checked, open regular file: its descriptor, size and a path readers can open."""

    def __init__(self, fd: int, path: Path, real: Path, size: int, kind: str) -> None:
        self.fd, self.path, self.real, self.size, self.kind = fd, path, real, size, kind

    @property
    def source(self) -> str:
        """A path that opens this very file (Linux: ``/proc/self/fd/N``), for Arrow, DuckDB."""
        if self.fd >= 0 and _PROC_FD.is_dir():
            return str(_PROC_FD / str(self.fd))
        return str(self.real)

    def read(self) -> bytes:
        """The whole file, read at most up to its cap (it may not grow past it)."""
        cap = limit(self.kind)
        parts, total, offset = [], 0, 0
        while chunk := os.pread(self.fd, min(_CHUNK, cap + 1 - total), offset):
            parts.append(chunk)
            total += len(chunk)
            offset += len(chunk)
            if total > cap:
                raise InputError(_too_big(self.path, self.kind, total))
        return b"".join(parts)

    def chunks(self) -> Iterator[memoryview]:
        """The file in chunks, each valid until the next is asked for (one buffer, filled
        with ``preadv``: positional, so safe beside other readers of the same file)."""
        cap, offset = limit(self.kind), 0
        buf = bytearray(_CHUNK)
        view = memoryview(buf)
        while n := os.preadv(self.fd, [buf], offset):
            offset += n
            if offset > cap:
                raise InputError(_too_big(self.path, self.kind, offset))
            yield view[:n]

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Opened:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _too_big(path: Path, kind: str, size: int) -> str:
    cap = limit(kind)
    return (
        f"{path}: {size} bytes, over the {human_size(cap)} limit for a {kind} file "
        f"(raise it with --max-file-size {kind}=SIZE)"
    )


def open_input(
    path: str | os.PathLike[str], *, kind: str, root: str | os.PathLike[str] | None = None
) -> Opened:
    """Open ``path`` for reading, checked: inside ``root``, a regular file, under its cap.

    The path is resolved first (a symlink inside ``root`` is fine), then the resolved path
    is opened without following a symlink and without blocking, and ``fstat`` decides.
    """
    shown = Path(path)
    real = resolve_inside(path, root)
    try:
        fd = os.open(real, _READ)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # the last component became a symlink after resolving
            raise InputError(f"{shown}: changed while being opened (now a symlink)") from None
        if exc.errno == errno.ENOENT:
            raise FileMissing(f"{shown}: not found") from None
        raise InputError(f"{shown}: {reason(exc)}") from None
    return _checked(fd, shown, real, kind)


#: How every input file is opened: read-only, never through a symlink, never blocking.
_READ = os.O_RDONLY | NOFOLLOW | NONBLOCK | CLOEXEC


def _checked(fd: int, shown: Path, real: Path, kind: str) -> Opened:
    """An open descriptor as :class:`Opened` once ``fstat`` says it is a regular file under
    the cap of its kind; else closed, and :class:`InputError`."""
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{shown}: not a regular file ({kind_of(st.st_mode)})")
        if st.st_size > limit(kind):
            raise InputError(_too_big(shown, kind, st.st_size))
    except BaseException:
        os.close(fd)
        raise
    return Opened(fd, shown, real, st.st_size, kind)


class InputFolder:
    """A folder of input files, resolved and opened once; a file directly in it is opened
    relative to it (``openat``, no symlink followed), so that reading 50,000 event files
    costs an ``open`` each instead of resolving each file's whole path.

    Whatever that open cannot take as it is (a symlink, which may be fine if it stays inside
    ``root``; a missing file; a platform without ``dir_fd``; a folder that could not be
    opened) goes through :func:`open_input` instead, so results and messages are the same.
    """

    def __init__(self, path: str | os.PathLike[str], root: str | os.PathLike[str]) -> None:
        self.path, self.root, self.fd = Path(path), root, -1
        self.real = self.path
        if os.open not in os.supports_dir_fd:
            return
        with contextlib.suppress(InputError, OSError):
            self.real = resolve_inside(self.path, root)
            self.fd = os.open(self.real, os.O_RDONLY | DIRECTORY | NOFOLLOW | CLOEXEC)

    def open(self, name: str, kind: str) -> Opened:
        """The file ``name`` of this folder, checked as :func:`open_input` checks it."""
        if self.fd < 0 or not name or "/" in name or name in (".", "..") or "\0" in name:
            return open_input(self.path / name, kind=kind, root=self.root)
        try:
            fd = os.open(name, _READ, dir_fd=self.fd)
        except OSError:  # a symlink (maybe inside root), gone, ...: the whole check
            return open_input(self.path / name, kind=kind, root=self.root)
        return _checked(fd, self.path / name, self.real / name, kind)

    def read_bytes(self, name: str, kind: str) -> bytes:
        with self.open(name, kind) as f:
            return f.read()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> InputFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_bytes(
    path: str | os.PathLike[str], *, kind: str, root: str | os.PathLike[str] | None = None
) -> bytes:
    """The bytes of a checked input file (see :func:`open_input`)."""
    with open_input(path, kind=kind, root=root) as f:
        return f.read()


def read_text(
    path: str | os.PathLike[str], *, kind: str, root: str | os.PathLike[str] | None = None
) -> str:
    """The UTF-8 text of a checked input file; :class:`InputError` when not UTF-8."""
    blob = read_bytes(path, kind=kind, root=root)
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start})") from None


def lf_text(blob: bytes) -> bytes:
    """The bytes of a text file with its line endings as LF (CRLF and a lone CR) and
    without a leading UTF-8 BOM, as a checkout on Windows or an editor may write it; the
    same bytes when it has neither. What a YAML text says does not depend on them."""
    if blob.startswith(b"\xef\xbb\xbf"):
        blob = blob[3:]
    return lf_endings(blob)


def lf_endings(blob: bytes) -> bytes:
    """The bytes with CRLF and a lone CR as LF, as ``core.autocrlf`` checks a text file
    out; a BOM stays (JSON readers refuse one: a JSON file that has one is not the same)."""
    if b"\r" in blob:
        blob = blob.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return blob


def parquet_from_memory(blob: bytes) -> pa.Table:
    """A Parquet file held in memory (a git blob, a rebuilt table), read as Arrow.

    The bytes are copied into memory Arrow owns before the read: when Arrow's decoding
    threads hold a buffer that wraps a Python object, pyarrow 26 aborts the process at
    interpreter exit in about one run in ten ("terminate called without an active
    exception"), after the command has printed its result. Errors are Arrow's
    (``ArrowException``, ``OSError``) for the caller to word.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    owned = pa.allocate_buffer(len(blob))
    with pa.FixedSizeBufferWriter(owned) as out:
        out.write(blob)
    return pq.read_table(pa.BufferReader(owned))
