"""How a build replaces a dataset on disk: a reader sees the old build or the new, whole.

Tables are written under content-addressed names, ``data/<table>-<16 hex of sha256>.parquet``,
so a new build's files never overwrite a file the current descriptor lists. The steps, with
the dataset folder locked against a second build:

1. each new table: an exclusive, no-follow temporary file in ``data/`` (random name,
   fsync), renamed to its content-addressed name (a file already there with the same bytes
   is kept); likewise the curated schemas in ``schemas/`` (fixed names; one that differs
   only by CRLF line endings, as a checkout with ``core.autocrlf`` holds it, is kept);
2. the descriptor (unless it differs only by CRLF line endings): a temporary file renamed
   over ``datapackage.json``, then the folder is fsynced. This rename is the single commit
   point: before it readers see the old build, after it the new one;
3. only then, cleanup: the files the old descriptor listed that the new one does not
   (inside ``data/``, regular files only), leftovers of killed builds (temporary files and
   unlisted ``<table>-<hex>.parquet``).

A failure before step 2 removes what this build wrote and leaves the old build as it was
(:class:`~chrono.safeio.OutputError`, one line). ``CHRONO_TEST_KILL_AT`` kills the build at a
given step (see :func:`chrono.safeio.checkpoint`): the tests kill it at every one.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from chrono.package import DESCRIPTOR
from chrono.safeio import TEMP_SUFFIX, OutputDir, checkpoint, lf_endings

DATA_DIR = "data"
#: The folders a build writes into: the tables, and the curated schemas for editors.
WRITTEN_FOLDERS = (DATA_DIR, "schemas")
_OURS = re.compile(r"[a-z]+-[0-9a-f]{16}\.parquet")


def table_of(file_name: str) -> str:
    """The table a Parquet file's name names: ``events`` for the build's
    ``events-<16 hex>.parquet`` (a file another tool wrote keeps no ``chrono:table``), else
    the name without its suffix."""
    name = PurePosixPath(file_name).name
    if _OURS.fullmatch(name):
        return name.rsplit("-", 1)[0]
    return PurePosixPath(name).stem


def table_path(table: str, sha256_hex: str) -> str:
    """Where a table's bytes go: ``data/<table>-<first 16 hex of their sha256>.parquet``."""
    return f"{DATA_DIR}/{table}-{sha256_hex[:16]}.parquet"


@dataclass
class Written:
    """What a commit changed: files written (relative paths) and files removed."""

    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _listed(descriptor: bytes | None) -> set[str]:
    """Names in ``data/`` that a descriptor's resources list (leniently: garbage lists none)."""
    if descriptor is None:
        return set()
    try:
        resources = json.loads(descriptor).get("resources")
    except (ValueError, AttributeError, RecursionError):
        return set()
    names = set()
    for res in resources if isinstance(resources, list) else []:
        path = res.get("path") if isinstance(res, dict) else None
        if isinstance(path, str):
            parts = PurePosixPath(path).parts
            if len(parts) == 2 and parts[0] == DATA_DIR and parts[1] not in (".", ".."):
                names.add(parts[1])
    return names


def write(root: Path, files: dict[str, bytes]) -> Written:
    """Commit a build (``files``: relative path -> bytes, the descriptor among them).

    Besides ``data/`` a build writes one other folder, ``schemas/`` (the curated schemas
    editors use): its files are replaced one by one, before the commit point too.
    """
    out = Written()
    with OutputDir.open(root) as top:
        top.lock()
        folders: dict[str, OutputDir] = {}
        try:
            data = folders[DATA_DIR] = top.subdir(DATA_DIR)
            checkpoint("locked")
            old = _listed(top.read_regular(DESCRIPTOR, "descriptor"))
            placed: list[str] = []
            try:
                for rel, blob in files.items():
                    if rel == DESCRIPTOR:
                        continue
                    folder, _, name = rel.partition("/")
                    if folder not in WRITTEN_FOLDERS or not name or "/" in name:
                        named = " and ".join(f"{w}/" for w in WRITTEN_FOLDERS)
                        raise ValueError(f"{rel}: a build writes into {named} only")
                    into = folders.get(folder) or folders.setdefault(folder, top.subdir(folder))
                    if _same(into.read_regular(name, "parquet"), blob, text=folder != DATA_DIR):
                        continue
                    temp = into.write_temp(name, blob)
                    checkpoint("file-written")
                    into.replace(temp, name)
                    if folder == DATA_DIR:
                        placed.append(name)
                    out.changed.append(rel)
                    checkpoint("file-placed")
                descriptor = files[DESCRIPTOR]
                if not _same(top.read_regular(DESCRIPTOR, "descriptor"), descriptor, text=True):
                    temp = top.write_temp(DESCRIPTOR, descriptor)
                    checkpoint("descriptor-written")
                    top.replace(temp, DESCRIPTOR)  # the commit point
                    out.changed.append(DESCRIPTOR)
                    checkpoint("committed")
            except BaseException:
                for name in placed:
                    if name not in old:
                        data.discard(name)
                raise
            new = _listed(files[DESCRIPTOR])
            out.removed = _cleanup(top, data, old, new)
            for written in (d for where, d in folders.items() if where != DATA_DIR):
                for entry in written.names():  # temporary files of a build killed there
                    if entry.startswith(".") and entry.endswith(TEMP_SUFFIX):
                        written.discard(entry)
            checkpoint("cleaned")
        finally:
            for d in folders.values():
                d.close()
    return out


def leftovers(root: Path, current: bytes | None, fresh: bytes) -> list[str]:
    """Stray table files a commit would remove from ``root``'s ``data/``: named as a
    build names tables, listed by neither the descriptor on disk (``current``: its tables
    are replaced, and said stale, when they change) nor the ``fresh`` one; for ``chrono
    build --check``."""
    data = root / DATA_DIR
    if data.is_symlink() or not data.is_dir():
        return []
    listed = _listed(current) | _listed(fresh)
    return sorted(
        f"{DATA_DIR}/{name}"
        for name in os.listdir(data)
        if name not in listed
        and _OURS.fullmatch(name)
        and (data / name).is_file()
        and not (data / name).is_symlink()
    )


def _same(current: bytes | None, blob: bytes, *, text: bool) -> bool:
    """The file holds ``blob``: the same bytes, or for a text file (the descriptor, the
    schemas) the same but for CRLF line endings, as a checkout with ``core.autocrlf``
    writes them (rewriting them would change nothing git keeps)."""
    if current is None:
        return False
    return current == blob or (text and lf_endings(current) == blob)


def _cleanup(top: OutputDir, data: OutputDir, old: set[str], new: set[str]) -> list[str]:
    """After the commit: what the old build listed and the new does not, and leftovers of
    killed builds. Only regular files inside ``data/`` (and temporary files beside the
    descriptor) are removed."""
    removed = []
    for name in data.names():
        if name in new:
            continue
        stale_temp = name.startswith(".") and name.endswith(TEMP_SUFFIX)
        ours = name in old or stale_temp or _OURS.fullmatch(name)
        if ours and data.discard(name) and not stale_temp:
            removed.append(f"{DATA_DIR}/{name}")
    for name in top.names():
        if name.startswith(f".{DESCRIPTOR}.") and name.endswith(TEMP_SUFFIX):
            top.discard(name)
    data.sync()
    return removed
