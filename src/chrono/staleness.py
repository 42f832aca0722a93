"""Whether a curated dataset's Parquet is stale: its YAML sources changed since ``chrono
build`` recorded their hash (``curated_sha256`` in the descriptor).

What reads the tables (the loaders, ``chrono.provenance`` and the views in Python warn;
``show``, ``coverage``, ``cite``, ``info``, ``plot``, ``site`` and ``export`` note it on
stderr) then says so: the data is as last built, not as the YAML
now says. ``chrono validate`` reports the
same as CHR604 and checks the YAML itself.

Hashing the sources reads every curated file (1.8 s for 50,000 event files), so a
process remembers the hash of a dataset's files with their sizes, times and inodes, and
hashes them again only when one of those changed (looking takes 0.17 s at 50,000).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from chrono import safeio
from chrono.curation import CURATED_FILES, EVENTS_DIR, curated_sha256

if TYPE_CHECKING:
    from chrono.dataset import Dataset

Signature = tuple[tuple[str, int, int, int], ...]

_lock = threading.Lock()
_hashed: dict[Path, tuple[Signature, str]] = {}


class StaleParquetWarning(UserWarning):
    """A curated dataset's tables were loaded while its YAML sources say something newer
    (run ``chrono build``)."""


def stale_message(label: str) -> str:
    """What is said of a stale dataset named ``label``."""
    return (
        f"{label}: its Parquet is stale (the YAML sources changed since chrono build): "
        "this is the data as last built"
    )


def parquet_is_stale(ds: Dataset) -> bool:
    """The curated YAML of ``ds`` changed since its Parquet was built. False for a dataset
    without curated sources, or whose sources cannot be read now (``chrono validate``
    explains those)."""
    if not ds.curated:
        return False
    try:
        return current_sha256(ds.root) != ds.curated_sha256
    except (safeio.InputError, OSError, ValueError):
        return False


def current_sha256(root: Path) -> str:
    """:func:`~chrono.curation.curated_sha256` of the dataset at ``root`` now; the hash of
    an earlier call when no curated file changed size, time or inode since."""
    root = Path(root).resolve()
    try:
        signature = _signature(root)
    except OSError:
        return curated_sha256(root)
    with _lock:
        known = _hashed.get(root)
    if known is not None and known[0] == signature:
        return known[1]
    digest = curated_sha256(root)
    with _lock:
        _hashed[root] = (signature, digest)
    return digest


def _signature(root: Path) -> Signature:
    """Name, size, time and inode of each curated file and of every entry of ``events/``
    (more than the hash covers: a change to any of them makes a new hash)."""
    out = []
    for name in CURATED_FILES:
        try:
            out.append(_stat(name, os.stat(root / name)))
        except FileNotFoundError:
            continue
    try:
        with os.scandir(root / EVENTS_DIR) as entries:
            for entry in entries:
                try:
                    out.append(_stat(f"{EVENTS_DIR}/{entry.name}", entry.stat()))
                except OSError:  # a broken symlink: the hash cannot be made either
                    out.append((f"{EVENTS_DIR}/{entry.name}", -1, -1, -1))
    except (FileNotFoundError, NotADirectoryError):
        pass
    return tuple(sorted(out))


def _stat(name: str, st: os.stat_result) -> tuple[str, int, int, int]:
    return (name, st.st_size, st.st_mtime_ns, st.st_ino)


def warn_if_stale(ds: Dataset, label: str) -> None:
    """Warn (:class:`StaleParquetWarning`) when the dataset's Parquet is stale, at the line
    of the first caller outside chrono (a loader, ``provenance`` or a view, however deep).
    """
    if parquet_is_stale(ds):
        warnings.warn(
            stale_message(label) + " (run: chrono build)",
            StaleParquetWarning,
            stacklevel=caller_level(),
        )


# as the code objects name their files (not resolved: a venv may reach chrono by a symlink)
_INSIDE = (os.path.dirname(os.path.abspath(__file__)) + os.sep, contextlib.__file__)


def caller_level() -> int:
    """The ``stacklevel`` that names, to :func:`warnings.warn` called by the function
    calling this one, the first frame outside chrono (``with`` blocks' frames skipped)."""
    frame = sys._getframe(1)  # the function that warns (stacklevel 1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_INSIDE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level
