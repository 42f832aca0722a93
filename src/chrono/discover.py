"""Finding the datasets of a repository: every folder holding a ``dataset.yaml`` or a
chrono ``datapackage.json``.

The rule (``chrono validate --discover``, the GitHub Action and the pre-commit hook without
paths, and ``chrono diff`` without ``--dataset``):

- inside a git work tree, the files git tracks or would track (untracked files that no
  ``.gitignore`` excludes), so build output and scratch copies that are ignored are left
  out; outside git, every file under the folder;
- skipping any path through a hidden folder (``.git``, ``.venv``, ``.tox``...),
  ``node_modules``, ``__pycache__``, ``site-packages``/``dist-packages`` (an installed
  chrono carries its bundled datasets there) and, outside git, any folder holding a
  ``pyvenv.cfg`` (a virtual environment).

The bundled datasets of an installed chrono are therefore never found by accident.

A ``datapackage.json`` without a ``dataset.yaml`` beside it is another tool's data package,
not a dataset, when every resource it lists is a file other than Parquet and it has no
``chrono`` block (:func:`foreign_package`): the folder ``chrono export csv`` writes, a
Frictionless package of CSV files. One that cannot be read or parsed is kept, so that
``chrono validate`` says what is wrong with it.

>>> dataset_dirs_in(["data/a/dataset.yaml", "data/a/datapackage.json", "b/datapackage.json",
...                  ".venv/lib/site-packages/x/datapackage.json", "node_modules/y/dataset.yaml"])
['b', 'data/a']
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

#: A folder holding one of these files is a dataset.
MARKERS = ("dataset.yaml", "datapackage.json")
#: Folders never searched (besides every hidden folder).
SKIPPED = frozenset({"node_modules", "__pycache__", "site-packages", "dist-packages"})


def skipped(part: str) -> bool:
    """A path component that discovery never enters."""
    return part.startswith(".") or part in SKIPPED


def dataset_dirs_in(
    files: Iterable[str], descriptor: Callable[[str], bytes | None] | None = None
) -> list[str]:
    """The dataset folders among POSIX file paths (relative, ``.`` for the top), sorted.

    ``descriptor`` gives the bytes of a folder's ``datapackage.json`` (None: unreadable);
    with it, a folder holding only a :func:`foreign_package` is left out.
    """
    found: dict[str, set[str]] = {}
    for name in files:
        path = PurePosixPath(name)
        if path.name not in MARKERS or any(skipped(p) for p in path.parts[:-1]):
            continue
        found.setdefault(path.parent.as_posix(), set()).add(path.name)
    if descriptor is not None:
        for folder, markers in list(found.items()):
            if markers == {"datapackage.json"}:
                text = descriptor(folder)
                if text is not None and foreign_package(text):
                    del found[folder]
    return sorted(found)


def foreign_package(text: bytes) -> bool:
    """A ``datapackage.json`` of another kind: JSON listing resources that are all files
    other than Parquet, with no ``chrono`` block (a CSV export's, a Frictionless package's).

    >>> foreign_package(b'{"resources": [{"name": "events", "path": "events.csv"}]}')
    True
    >>> foreign_package(b'{"resources": [{"name": "events", "path": "data/e.parquet"}]}')
    False
    >>> foreign_package(b"not json")  # left to chrono validate to explain
    False
    """
    try:
        package = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return foreign_descriptor(package)


def foreign_descriptor(package: object) -> bool:
    """:func:`foreign_package` of a descriptor already parsed."""
    if not isinstance(package, dict) or "chrono" in package:
        return False
    resources = package.get("resources")
    if not isinstance(resources, list) or not resources:
        return False
    paths = [r.get("path") if isinstance(r, dict) else None for r in resources]
    return all(isinstance(p, str) and not p.lower().endswith(".parquet") for p in paths)


def descriptor_on_disk(root: Path) -> Callable[[str], bytes | None]:
    """The ``descriptor`` reader of :func:`dataset_dirs_in` for folders under ``root``
    (checked as every input is: no FIFO, no symlink out, size-capped)."""
    from chrono import safeio

    def read(folder: str) -> bytes | None:
        try:
            here = root / folder
            return safeio.read_bytes(here / "datapackage.json", kind="descriptor", root=here)
        except (safeio.InputError, OSError):
            return None

    return read


def git_files(root: Path) -> list[str] | None:
    """Files git tracks or would track under ``root`` (relative to it); None outside git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=root,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    if out.returncode != 0:
        return None
    names = [n for n in out.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    # a tracked file deleted from the work tree is listed too
    return [n for n in names if PurePosixPath(n).name not in MARKERS or (root / n).is_file()]


def walked_files(root: Path) -> list[str]:
    """Marker files under ``root`` found by walking it, with the skip rule applied."""
    out: list[str] = []
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs if not skipped(d) and not (Path(here, d) / "pyvenv.cfg").is_file()
        )
        rel = Path(here).relative_to(root)
        out += [(rel / f).as_posix() for f in files if f in MARKERS]
    return out


def find_datasets(root: str | Path = ".") -> list[Path]:
    """The dataset folders under ``root`` (see the module's rule), sorted by path.

    >>> find_datasets("/nonexistent")
    []
    """
    root = Path(root)
    if not root.is_dir():
        return []
    files = git_files(root)
    if files is None:
        files = walked_files(root)
    dirs = dataset_dirs_in(files, descriptor_on_disk(root))
    return [root / d if d != "." else root for d in dirs]
