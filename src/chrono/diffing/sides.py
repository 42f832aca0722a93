"""What each side of a diff holds, honestly: which dataset, and what its sources say.

- **Which dataset.** In git revision mode without ``--dataset``, the dataset is found in the
  revisions' trees (and in the working tree) by its ``datapackage.json`` or ``dataset.yaml``
  (:mod:`chrono.discover`'s rule): one is compared; several are a usage error listing them;
  none is an error.
- **What it says.** A curated dataset (one with ``dataset.yaml``) whose Parquet is stale
  (its YAML sources changed since ``chrono build``: the descriptor's ``curated_sha256``
  differs) or missing is compiled in memory from its sources, and that is what is
  compared, with a note saying so. For a git revision, only the revision's curated files
  are read from the object store into a temporary folder. Sources that do not compile
  stop the diff with a one-line error: a diff never reports "no differences" for a change
  it could not see.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from chrono.diffing.core import DiffError
from chrono.diffing.inputs import (
    Snapshot,
    TableSource,
    is_revision,
    parquet_from_bytes,
    read_path,
    read_revision,
    repo_relative,
    repo_root,
)
from chrono.discover import dataset_dirs_in, find_datasets
from chrono.package import (
    DESCRIPTOR,
    DatasetError,
    bundled_root,
    descriptor_json,
    list_datasets,
    read_descriptor,
)
from chrono.safeio import InputError

WORKING_TREE = "the working tree"


def _git(args: list[str], root: Path, stdin: bytes | None = None) -> bytes | None:
    """git's standard output, or None when it fails."""
    try:
        out = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True)
    except OSError as exc:
        raise DiffError(f"cannot run git: {exc.strerror}") from None
    return out.stdout if out.returncode == 0 else None


def revision_entries(rev: str, root: Path, under: str = "") -> list[tuple[str, str, str]]:
    """Every (mode, object id, path) of a revision's tree (under a folder), paths
    repository-relative.

    The mode is git's: ``100644``/``100755`` a file, ``120000`` a symlink, ``160000`` a
    submodule (a commit of another repository, checked out as a folder).
    """
    spec = [f"{under.rstrip('/')}/"] if under and under != "." else []
    out = _git(["ls-tree", "-r", "-z", rev, "--", *spec], root)
    if out is None:
        raise DiffError(f"{rev}: cannot list the revision's files")
    entries = []
    for line in out.decode("utf-8", "surrogateescape").split("\0"):
        if line:
            meta, _, name = line.partition("\t")
            mode, _, rest = meta.partition(" ")
            entries.append((mode, rest.rpartition(" ")[2], name))
    return entries


def revision_files(rev: str, root: Path, under: str = "") -> list[str]:
    """Every path of a revision's tree (under a folder), repository-relative."""
    return [name for _, _, name in revision_entries(rev, root, under)]


def descriptor_at(rev: str, root: Path) -> Callable[[str], bytes | None]:
    """The ``descriptor`` reader of :func:`~chrono.discover.dataset_dirs_in` for a
    revision: a folder's ``datapackage.json`` as the revision holds it."""

    def read(folder: str) -> bytes | None:
        prefix = f"{folder}/" if folder != "." else ""
        return _git(["show", f"{rev}:{prefix}{DESCRIPTOR}"], root)

    return read


# --------------------------------------------------------------------------- which dataset


def find_dataset(revisions: list[str], working_tree: bool, cwd: Path | None = None) -> Path:
    """The one dataset the revisions (and the working tree) hold, as an absolute path.

    Raises :class:`DiffError` when there is none and :class:`ValueError` (a usage error:
    ``--dataset`` must choose) when there are several.
    """
    root = repo_root(cwd)
    found: dict[str, list[str]] = {}
    for rev in revisions:
        for d in dataset_dirs_in(revision_files(rev, root), descriptor_at(rev, root)):
            found.setdefault(d, []).append(rev)
    if working_tree:
        for path in find_datasets(root):
            rel = path.relative_to(root).as_posix() if path != root else "."
            found.setdefault(rel, []).append(WORKING_TREE)
    where = " and ".join([*revisions, *([WORKING_TREE] if working_tree else [])])
    if not found:
        raise DiffError(
            f"no dataset in {where}: no folder holds a datapackage.json or dataset.yaml "
            "(name one with --dataset)"
        )
    if len(found) > 1:
        listed = ", ".join(f"{d} ({', '.join(where)})" for d, where in sorted(found.items()))
        raise ValueError(f"{len(found)} datasets to choose from: {listed}; name one with --dataset")
    return root / next(iter(found))


# --------------------------------------------------------------------------- what it says


def is_stale(directory: Path, descriptor: dict[str, Any] | None) -> bool:
    """The curated sources differ from what the descriptor says they were built from."""
    from chrono.curation import curated_sha256

    meta = (descriptor or {}).get("chrono")
    recorded = meta.get("curated_sha256") if isinstance(meta, dict) else None
    return recorded != curated_sha256(directory)


def compiled(directory: Path, label: str, why: str, tables: tuple[str, ...] | None) -> Snapshot:
    """A side built in memory from the curated YAML sources in ``directory``."""
    from chrono.build import compile_curated
    from chrono.curation import CurationError, read_curated

    try:
        curated = read_curated(directory)
        if curated.problems:
            raise CurationError(curated.problems)
        result = compile_curated(curated, curated.sha256(directory))
    except (CurationError, ValueError) as exc:
        raise DiffError(
            f"{label}: {why}, and its YAML sources do not compile: {exc} "
            "(chrono build lists every problem)"
        ) from None
    read: dict[str, TableSource] = {}
    for res in result.descriptor["resources"]:
        if not tables or res["name"] in tables:
            blob = result.files[res["path"]]
            read[res["name"]] = parquet_from_bytes(blob, f"{label}/{res['path']}")
    note = f"{label}: {why}: compared what its YAML sources say (built in memory)"
    return Snapshot(label, read, descriptor=result.descriptor, note=note)


def _why(descriptor: dict[str, Any] | None) -> str:
    if descriptor is None:
        return f"not built (no {DESCRIPTOR})"
    return "its Parquet is stale (the YAML sources changed since chrono build)"


def open_path(path: Path, tables: tuple[str, ...] | None, label: str | None = None) -> Snapshot:
    """A dataset directory, descriptor or Parquet file; curated sources win over stale Parquet."""
    directory = path.parent if path.name == DESCRIPTOR else path
    descriptor: dict[str, Any] | None = None
    if directory.is_dir():
        try:
            descriptor = read_descriptor(directory)
        except DatasetError as exc:
            if (directory / DESCRIPTOR).exists() or not (directory / "dataset.yaml").is_file():
                raise DiffError(str(exc)) from None
        if (directory / "dataset.yaml").is_file() and is_stale(directory, descriptor):
            return compiled(directory, label or str(path), _why(descriptor), tables)
    snapshot = read_path(path, tables)
    if snapshot.descriptor is None:  # a dataset's is the one its tables were listed in
        snapshot.descriptor = descriptor
    if label is not None:
        snapshot.label = label
    return snapshot


def _materialise(rev: str, directory: str, root: Path, into: Path) -> bool:
    """Write the revision's curated files of ``directory`` into ``into`` as a checkout
    would (a symlink as a symlink, a submodule as an empty folder), so that curation
    judges them as it judges the working tree; False if the revision has no dataset.yaml.

    A symlink's target inside the dataset is written too (followed from link to link), as
    the checkout would hold it; a target outside stays absent, and curation refuses the
    link as it refuses one leaving the working tree's dataset.
    """
    from chrono.curation import CURATED_FILES, EVENTS_DIR

    prefix = f"{directory}/" if directory and directory != "." else ""
    entries: dict[PurePosixPath, tuple[str, str]] = {}
    wanted: list[PurePosixPath] = []
    for mode, obj, name in revision_entries(rev, root, directory):
        rel = PurePosixPath(name[len(prefix) :])
        entries[rel] = (mode, obj)
        top = len(rel.parts) == 1 and rel.name in CURATED_FILES
        # every entry of events/ (as curation.curated_files counts them), not only .yaml
        event = len(rel.parts) == 2 and rel.parts[0] == EVENTS_DIR and rel.name[0] != "."
        if top or event:
            wanted.append(rel)
    if PurePosixPath("dataset.yaml") not in wanted:
        return False
    written: set[PurePosixPath] = set()
    while wanted:
        links = _write_entries(rev, prefix, root, into, [(rel, *entries[rel]) for rel in wanted])
        written.update(wanted)
        targets = {_inside(rel.parent, link) for rel, link in links}
        wanted = sorted(t for t in targets if t is not None and t in entries and t not in written)
    return True


def _inside(folder: PurePosixPath, link: str) -> PurePosixPath | None:
    """The dataset-relative path a symlink in ``folder`` names, or None if it leaves."""
    parts: list[str] = []
    for part in (folder / link).parts if not link.startswith("/") else ("..",):
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePosixPath(*parts) if parts else None


def _write_entries(
    rev: str, prefix: str, root: Path, into: Path, items: list[tuple[PurePosixPath, str, str]]
) -> list[tuple[PurePosixPath, str]]:
    """Write (path, mode, object id) entries of the revision under ``into``; the symlinks
    written, with their targets."""
    for rel, _, _ in items:
        into.joinpath(*rel.parts).parent.mkdir(parents=True, exist_ok=True)
    for rel, mode, _ in items:
        if mode == "160000":
            into.joinpath(*rel.parts).mkdir()
    blobs = [(rel, mode, obj) for rel, mode, obj in items if mode != "160000"]
    # asked by object id: a file name may hold any byte, a newline included
    batch = "".join(f"{obj}\n" for _, _, obj in blobs).encode()
    out = _git(["cat-file", "--batch"], root, stdin=batch) if blobs else b""
    if out is None:
        raise DiffError(f"{rev}:{prefix.rstrip('/') or '.'}: cannot read the curated files")
    links: list[tuple[PurePosixPath, str]] = []
    pos = 0
    for rel, mode, _ in blobs:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if len(header) != 3 or header[1] != b"blob":
            raise DiffError(f"{rev}:{prefix}{rel}: cannot read it from the revision")
        size = int(header[2])
        content = out[header_end + 1 : header_end + 1 + size]
        target = into.joinpath(*rel.parts)
        if mode == "120000":
            link = os.fsdecode(content)
            target.symlink_to(link)
            links.append((rel, link))
        else:
            target.write_bytes(content)
        pos = header_end + 1 + size + 1
    return links


def open_revision(
    rev: str, dataset: str | Path, tables: tuple[str, ...] | None, cwd: Path | None
) -> Snapshot:
    """A dataset at a git revision; its curated sources win over stale committed Parquet."""
    root = repo_root(cwd)
    rel = repo_relative(dataset, root, cwd)
    if rel.endswith(".parquet"):
        return read_revision(rev, dataset, tables, cwd)
    directory = rel[: -len(DESCRIPTOR)].rstrip("/") if rel.endswith(DESCRIPTOR) else rel
    directory = directory or "."
    label = f"{rev}:{rel}"
    prefix = f"{directory}/" if directory != "." else ""
    if directory != "." and not revision_files(rev, root, directory):
        there = dataset_dirs_in(revision_files(rev, root), descriptor_at(rev, root))
        held = ", ".join(there) if there else "none"
        raise DiffError(f"{rev}: no {directory} in that revision (its datasets: {held})")
    raw = _git(["show", f"{rev}:{prefix}{DESCRIPTOR}"], root)
    descriptor: dict[str, Any] | None = None
    if raw is not None:
        try:
            descriptor = descriptor_json(raw)
        except ValueError:
            raise DiffError(f"{label}/{DESCRIPTOR}: not a valid descriptor") from None
        if not isinstance(descriptor, dict):
            raise DiffError(f"{label}/{DESCRIPTOR}: not a valid descriptor")
    with tempfile.TemporaryDirectory(prefix="chrono-diff-") as tmp:
        try:
            if _materialise(rev, directory, root, Path(tmp)) and is_stale(Path(tmp), descriptor):
                return compiled(Path(tmp), label, _why(descriptor), tables)
        except InputError as exc:  # say it of the revision, not of the temporary folder
            message = str(exc)
            for where in sorted({os.path.realpath(tmp), tmp}, key=len, reverse=True):
                message = message.replace(where, f"{rev}:{directory}")
            raise DiffError(message) from None
    snapshot = read_revision(rev, dataset, tables, cwd)
    snapshot.descriptor = descriptor
    return snapshot


def is_dataset_path(path: Path) -> bool:
    """A Parquet table, a descriptor, or a folder holding a dataset's descriptor or YAML."""
    if path.is_file():
        return path.suffix == ".parquet" or path.name == DESCRIPTOR
    return (path / DESCRIPTOR).is_file() or (path / "dataset.yaml").is_file()


def open_side(
    spec: str | Path,
    *,
    dataset: str | Path | None,
    tables: tuple[str, ...] | None = None,
    cwd: Path | None = None,
) -> Snapshot:
    """A path if it exists, else a git revision (of ``dataset``), else a bundled dataset's
    name, else an error."""
    path = Path(spec)
    if not path.is_absolute() and cwd is not None:
        path = cwd / path
    text = str(spec)
    if path.exists():
        if not is_dataset_path(path) and is_revision(text, cwd):
            raise DiffError(
                f"{text}: both a path here (not a dataset) and a git revision; "
                f"write {text}^{{commit}} for the revision"
            )
        return open_path(path, tables)
    if is_revision(text, cwd):
        if dataset is None:
            dataset = find_dataset([text], working_tree=False, cwd=cwd)
        return open_revision(text, dataset, tables, cwd)
    if text in list_datasets():
        return open_path(bundled_root() / text, tables)
    raise DiffError(f"{text}: neither a path nor a git revision")


def working_tree(dataset: str | Path, tables: tuple[str, ...] | None, cwd: Path | None) -> Snapshot:
    """The dataset as it is in the working tree (its sources, if the Parquet is stale),
    labelled with its path inside the repository."""
    root = repo_root(cwd)
    rel = repo_relative(dataset, root, cwd)
    return open_path(root / rel, tables, label=rel)
