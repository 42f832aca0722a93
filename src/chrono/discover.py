"""Finding the datasets of a repository: every folder holding a ``dataset.yaml`` or a
``datapackage.json``.

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

>>> dataset_dirs_in(["data/a/dataset.yaml", "data/a/datapackage.json", "b/datapackage.json",
...                  ".venv/lib/site-packages/x/datapackage.json", "node_modules/y/dataset.yaml"])
['b', 'data/a']
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

#: A folder holding one of these files is a dataset.
MARKERS = ("dataset.yaml", "datapackage.json")
#: Folders never searched (besides every hidden folder).
SKIPPED = frozenset({"node_modules", "__pycache__", "site-packages", "dist-packages"})


def skipped(part: str) -> bool:
    """A path component that discovery never enters."""
    return part.startswith(".") or part in SKIPPED


def dataset_dirs_in(files: Iterable[str]) -> list[str]:
    """The dataset folders among POSIX file paths (relative, ``.`` for the top), sorted."""
    found: set[str] = set()
    for name in files:
        path = PurePosixPath(name)
        if path.name not in MARKERS or any(skipped(p) for p in path.parts[:-1]):
            continue
        found.add(path.parent.as_posix())
    return sorted(found)


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
    return [root / d if d != "." else root for d in dataset_dirs_in(files)]
