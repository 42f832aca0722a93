"""Reading the two sides of a diff: dataset directories, single Parquet tables, git revisions.

A git revision is read straight from the object store (``git ls-tree``/``git show``),
never checked out. :mod:`chrono.diffing.sides` decides which of these readers a side needs
(and builds stale curated sources in memory instead). Every failure raises
:class:`~chrono.diffing.core.DiffError` with one line.
"""

from __future__ import annotations

import subprocess
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.parquet as pq

from chrono import safeio
from chrono.commit import table_of
from chrono.dataset import Dataset, unreadable
from chrono.diffing.core import DiffError
from chrono.model.schema import not_utf8
from chrono.model.tables import TABLE_NAMES
from chrono.package import DESCRIPTOR, DatasetError, descriptor_json, safe_path


@dataclass(frozen=True, eq=False)
class HeldTable:
    """A Parquet table in a file chrono checked and holds open; every read goes through
    that open file, so a build that replaces the dataset meanwhile (its old files
    renamed or removed) changes nothing that is read (docs/threat-model.md)."""

    shown: Path  # where the file was, for messages
    source: str  # a path that opens this very file (Linux: /proc/self/fd/N), for Arrow and DuckDB
    keep: object = field(repr=False)  # what holds the file open: a Dataset or a safeio.Opened

    def _read(self, what: Callable[[], Any]) -> Any:
        try:
            return what()
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise DiffError(unreadable(self.shown, exc)) from None

    def read(self, columns: list[str] | None = None) -> pa.Table:
        table: pa.Table = self._read(lambda: pq.read_table(self.source, columns=columns))
        return table

    def batches(self, columns: list[str]) -> Iterator[pa.RecordBatch]:
        """The table's ``columns`` a row group at a time (DiffError when unreadable)."""
        try:
            yield from pq.ParquetFile(self.source).iter_batches(columns=columns)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise DiffError(unreadable(self.shown, exc)) from None

    def schema(self) -> pa.Schema:
        schema: pa.Schema = self._read(lambda: pq.read_schema(self.source))
        return schema

    def rows(self) -> int:
        return int(self._read(lambda: pq.ParquetFile(self.source).metadata.num_rows))

    def size(self) -> int:
        """The table's size uncompressed, as its footer states it (about its Arrow size)."""

        def total() -> int:
            meta = pq.ParquetFile(self.source).metadata
            return sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))

        return int(self._read(total))


#: A table in memory, or a Parquet file held open (read lazily).
TableSource: TypeAlias = "pa.Table | HeldTable"


@dataclass
class Snapshot:
    """One side of a diff: a label and the model tables it holds."""

    label: str
    tables: dict[str, TableSource]
    single: bool = False  # one table read from a Parquet file
    descriptor: dict[str, Any] | None = None  # the dataset's datapackage.json, when read
    note: str | None = None  # how the side was read, when that is not its Parquet as is


def load(src: TableSource) -> pa.Table:
    """The whole table in memory, its text checked: a damaged file's bytes that are not
    UTF-8 are a :class:`DiffError` naming the file and column, not a failure later on."""
    table = src if isinstance(src, pa.Table) else src.read()
    if (column := not_utf8(table)) is not None:
        where = "a table given in memory" if isinstance(src, pa.Table) else str(src.shown)
        raise DiffError(f"{where}: column {column!r} holds text that is not UTF-8")
    return table


def shown_paths(message: str, *sources: TableSource) -> str:
    """An engine's message with the paths chrono opened the files by (``/proc/self/fd/N``)
    put back as the files' own, where it quotes them."""
    for src in sources:
        if isinstance(src, HeldTable):
            message = message.replace(f'"{src.source}"', f'"{src.shown}"')
    return message


def _held(opened: safeio.Opened, keep: object) -> HeldTable:
    """A checked, open file as a table source (an empty file is refused: not Parquet)."""
    if opened.size == 0:
        raise DiffError(f"{opened.path}: empty file (0 bytes), not Parquet")
    held = HeldTable(opened.path, opened.source, keep)
    held.schema()  # its footer: a clear error now when it is not Parquet
    return held


def parquet_from_bytes(blob: bytes, where: str) -> pa.Table:
    if not blob:
        raise DiffError(f"{where}: empty file (0 bytes), not Parquet")
    try:
        return safeio.parquet_from_memory(blob)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DiffError(unreadable(where, exc)) from None


def table_name(table: pa.Table | pa.Schema, path: str) -> str:
    schema = table if isinstance(table, pa.Schema) else table.schema
    meta = schema.metadata or {}
    name = meta.get(b"chrono:table", b"").decode("utf-8", "replace") or table_of(path)
    if name not in TABLE_NAMES:
        raise DiffError(
            f"{path}: table {name!r} is not a table of the model ({', '.join(TABLE_NAMES)}), "
            "so it has no primary key to match rows by"
        )
    return name


def read_parquet_file(path: Path) -> Snapshot:
    """One Parquet table, checked (:mod:`chrono.safeio`: a regular file under the size
    cap) and held open while the diff reads it."""
    try:
        opened = safeio.open_input(path, kind="parquet")
    except safeio.InputError as exc:
        raise DiffError(str(exc)) from None
    try:
        held = _held(opened, opened)
    except BaseException:
        opened.close()
        raise
    weakref.finalize(held, opened.close)  # closed when the diff no longer needs it
    return Snapshot(str(path), {table_name(held.schema(), str(path)): held}, single=True)


def read_directory(path: Path, tables: tuple[str, ...] | None) -> Snapshot:
    """A dataset folder, opened once (:class:`~chrono.dataset.Dataset` checks every path:
    inside the dataset, a regular file) and held open: its tables and its metadata are
    read from the files that one reading of its descriptor listed."""
    directory = path.parent if path.name == DESCRIPTOR else path
    read: dict[str, TableSource] = {}
    try:
        ds = Dataset.open(directory)
        for t in TABLE_NAMES:
            if t in ds.resources and (not tables or t in tables):
                read[t] = _held(ds.opened(t), ds)  # not found, or refused: one line
    except DatasetError as exc:
        raise DiffError(str(exc)) from None
    return Snapshot(str(path), read, descriptor=dict(ds.descriptor))


def read_path(path: Path, tables: tuple[str, ...] | None = None) -> Snapshot:
    if path.is_file() and path.suffix == ".parquet":
        return read_parquet_file(path)
    if path.is_dir() or (path.name == DESCRIPTOR and path.is_file()):
        return read_directory(path, tables)
    if path.exists():
        raise DiffError(f"{path}: neither a dataset directory, a {DESCRIPTOR} nor a .parquet file")
    raise DiffError(f"{path}: no such file or directory")


# --------------------------------------------------------------------------- git


def _git(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise DiffError(f"cannot run git: {exc.strerror}") from None


def repo_root(cwd: Path | None = None) -> Path:
    out = _git(["rev-parse", "--show-toplevel"], cwd)
    if out.returncode != 0:
        raise DiffError("not inside a git repository (needed to read a git revision)")
    return Path(out.stdout.decode().strip())


def is_revision(text: str, cwd: Path | None = None) -> bool:
    if not text or text.startswith("-"):
        return False
    out = _git(["rev-parse", "--verify", "--quiet", f"{text}^{{commit}}"], cwd)
    return out.returncode == 0


def repo_relative(dataset: str | Path, root: Path, cwd: Path | None = None) -> str:
    """The dataset path relative to the repository root (POSIX form)."""
    p = Path(dataset)
    if not p.is_absolute():
        candidate = (cwd or Path.cwd()) / p
        p = candidate if candidate.exists() else root / p
    try:
        rel = p.resolve().relative_to(root.resolve())
    except ValueError:
        raise DiffError(f"{dataset}: not inside the git repository {root}") from None
    return rel.as_posix()


def _show(rev: str, path: str, root: Path) -> bytes:
    out = _git(["show", f"{rev}:{path}"], root)
    if out.returncode != 0:
        raise DiffError(f"{rev}:{path}: not in that revision")
    return out.stdout


def read_revision(
    rev: str, dataset: str | Path, tables: tuple[str, ...] | None = None, cwd: Path | None = None
) -> Snapshot:
    root = repo_root(cwd)
    rel = repo_relative(dataset, root, cwd)
    label = f"{rev}:{rel}"
    if rel.endswith(".parquet"):
        table = parquet_from_bytes(_show(rev, rel, root), label)
        return Snapshot(label, {table_name(table, rel): table}, single=True)
    directory = rel[: -len(DESCRIPTOR)].rstrip("/") if rel.endswith(DESCRIPTOR) else rel
    prefix = f"{directory}/" if directory and directory != "." else ""
    raw = _show(rev, f"{prefix}{DESCRIPTOR}", root)
    try:
        descriptor: dict[str, Any] = descriptor_json(raw)
        resources = {r["name"]: r["path"] for r in descriptor["resources"]}
    except (ValueError, KeyError, TypeError):
        raise DiffError(f"{label}/{DESCRIPTOR}: not a valid descriptor") from None
    read: dict[str, TableSource] = {}
    for name in TABLE_NAMES:
        if name in resources and (not tables or name in tables):
            try:
                safe_path(Path("."), resources[name])
            except DatasetError as exc:
                raise DiffError(str(exc)) from None
            path = f"{prefix}{resources[name]}"
            read[name] = parquet_from_bytes(_show(rev, path, root), f"{rev}:{path}")
    return Snapshot(label, read)
