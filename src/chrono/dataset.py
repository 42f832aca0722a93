"""A dataset, opened once: where it is, what its descriptor lists, how to read its tables.

:class:`Dataset` is what the loaders, build, validate and diff take. Opening resolves the
reference (a bundled dataset's name, a dataset directory, or its ``datapackage.json``),
reads the descriptor through :mod:`chrono.safeio`, checks its structure (every resource
has a name and a relative POSIX path, names are unique) and opens every listed file once:
each must resolve inside the dataset and be a regular file under the size cap. The open
files are what every later read uses (``Dataset.source``), so a reader sees the files the
descriptor it read lists, even while a build replaces them. Every failure raises
:class:`~chrono.package.DatasetError` with a one-line message (the CLI exits 3).

>>> from chrono.dataset import Dataset
>>> with Dataset.open("russia-china-summits") as ds:
...     ds.name, sorted(ds.resources)[:2]
('russia-china-summits', ['actors', 'claims'])
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from chrono import safeio
from chrono.discover import foreign_descriptor
from chrono.model.curated import FILES as CURATED
from chrono.model.vocabularies import Vocabularies, VocabularyError
from chrono.package import DESCRIPTOR, DatasetError, descriptor_json, resolve, safe_path
from chrono.schemas import DATASET_SCHEMAS

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

#: A reference to a dataset: a bundled name, a directory, a ``datapackage.json``, or an
#: already opened :class:`Dataset`.
DatasetRef = "str | Path | Dataset"

#: Times a reader re-reads the descriptor when a listed file vanished because a build
#: replaced the dataset between reading the descriptor and opening the files.
_RETRIES = 3


@dataclass(frozen=True)
class Resource:
    """One table of the descriptor, its path checked to stay inside the dataset."""

    name: str
    path: str  # as written in the descriptor (POSIX, relative to the dataset)
    file: Path  # where it is: the dataset folder joined with ``path`` (for messages)
    spec: Mapping[str, Any]  # the descriptor's resource object, as read

    def number(self, key: str) -> int | None:
        """An integer property (``bytes``, ``rows``), or None when absent or not an integer."""
        value = self.spec.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Files:
    """The open files of a dataset (closed with it, or when it is garbage collected)."""

    def __init__(self) -> None:
        self.opened: dict[str, safeio.Opened] = {}
        self.errors: dict[str, safeio.InputError] = {}

    def close(self) -> None:
        for f in self.opened.values():
            f.close()


@dataclass(frozen=True)
class Dataset:
    """A dataset directory with its parsed descriptor and checked, opened resources."""

    root: Path
    descriptor: Mapping[str, Any]
    resources: Mapping[str, Resource]
    #: names listed by more than one resource (``open(..., unique=False)`` keeps the first)
    duplicates: tuple[str, ...] = ()
    #: the descriptor's bytes, as read
    raw_descriptor: bytes = field(default=b"", repr=False, compare=False)
    files: _Files = field(default_factory=_Files, repr=False, compare=False)

    @classmethod
    def open(cls, ref: str | Path | Dataset, *, unique: bool = True) -> Dataset:
        """Open a dataset: a bundled dataset's name, a directory, or its descriptor.

        ``unique=False`` keeps the first of resources that share a name and lists the name
        in :attr:`duplicates` (``chrono validate`` reports it) instead of refusing it.
        """
        if isinstance(ref, Dataset):
            return ref
        root = resolve(ref)
        for attempt in range(_RETRIES):
            raw = _read_descriptor(root)
            ds = cls._from(root, raw, unique)
            missing = ds.files.errors and any(
                isinstance(e, safeio.FileMissing) for e in ds.files.errors.values()
            )
            if not missing or attempt == _RETRIES - 1 or _read_descriptor(root) == raw:
                return ds
            ds.close()  # a build switched the descriptor meanwhile: read the new one
        raise AssertionError("unreachable")  # pragma: no cover

    @classmethod
    def _from(cls, root: Path, raw: bytes, unique: bool) -> Dataset:
        descriptor = _parse(root / DESCRIPTOR, raw)
        resources: dict[str, Resource] = {}
        dupes: list[str] = []
        for res in descriptor["resources"]:
            name = res["name"]
            if name in resources:
                if unique:
                    raise DatasetError(
                        f"{root / DESCRIPTOR}: two resources are named {name!r} "
                        "(resource names must be unique)"
                    )
                if name not in dupes:
                    dupes.append(name)
                continue
            resources[name] = Resource(name, res["path"], safe_path(root, res["path"]), res)
        ds = cls(root, MappingProxyType(descriptor), MappingProxyType(resources), tuple(dupes), raw)
        weakref.finalize(ds, ds.files.close)
        try:
            for res in resources.values():
                ds._open_file(res)
        except BaseException:
            ds.close()
            raise
        return ds

    def _open_file(self, res: Resource) -> None:
        try:
            opened = safeio.open_input(res.file, kind="parquet", root=self.root)
        except safeio.FileMissing:
            self.files.errors[res.name] = safeio.FileMissing(
                f"{res.file}: not found (listed in {DESCRIPTOR})"
            )
            return
        except safeio.InputError as exc:
            raise DatasetError(str(exc)) from None
        self.files.opened[res.name] = opened

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        """Close the dataset's files (reads after this fail)."""
        self.files.close()

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ its paths

    def touched_by(self, path: str | Path, *, folder: bool = False) -> str | None:
        """What ``path`` is of this dataset, where writing would change it ("is in the
        dataset's events/ folder"; None: nothing of it): one of its files (descriptor,
        tables, curated YAML) or a folder holding its files (``events/``, the tables'
        folder, the editor schemas the build writes in ``schemas/``), where a stray file
        breaks the next build or mixes with the data.
        ``folder``: ``path`` is a folder to write files into; the dataset's own folder is
        one too."""
        target = Path(path).resolve()
        root = self.root.resolve()
        files = {root / DESCRIPTOR: f"the dataset's {DESCRIPTOR}"}
        folders = {}
        for name in CURATED:  # its YAML files, and the folder of its event files
            if name.endswith("/"):
                folders[root / name] = f"the dataset's {name} folder"
            else:
                files[root / name] = f"the dataset's {name}"
        if (root / "dataset.yaml").exists():  # the build writes its editor schemas
            folders[root / DATASET_SCHEMAS] = f"the dataset's {DATASET_SCHEMAS}/ folder"
        for res in self.resources.values():
            where = res.file.resolve()
            files[where] = f"the dataset's {res.name} table"
            if where.parent != root and root in where.parent.parents:
                rel = where.parent.relative_to(root).as_posix()
                folders[where.parent] = f"the dataset's {rel}/ folder, which holds its tables"
        if folder:
            folders[root] = "the dataset's own folder"
        for inside, what in folders.items():
            if target == inside:
                return f"is {what}"
            if inside in target.parents and inside != root:
                return f"is in {what}"
        if folder or target not in files:
            return None
        return f"is {files[target]}"

    # ------------------------------------------------------------------ metadata

    @property
    def descriptor_path(self) -> Path:
        return self.root / DESCRIPTOR

    def _text(self, key: str) -> str | None:
        value = self.descriptor.get(key)
        return value if isinstance(value, str) and value else None

    @property
    def name(self) -> str:
        return self._text("name") or self.root.name

    @property
    def version(self) -> str | None:
        return self._text("version")

    @property
    def title(self) -> str | None:
        return self._text("title")

    @property
    def licenses(self) -> list[str]:
        """License names (or paths, titles) as the descriptor gives them, leniently read."""
        value = self.descriptor.get("licenses")
        items = value if isinstance(value, list) else [value] if value is not None else []
        out = []
        for item in items:
            if isinstance(item, dict):
                item = item.get("name") or item.get("path") or item.get("title")
            if item is not None:
                out.append(item if isinstance(item, str) else json.dumps(item))
        return out

    @property
    def curated_sha256(self) -> str | None:
        meta = self.descriptor.get("chrono")
        value = meta.get("curated_sha256") if isinstance(meta, dict) else None
        return value if isinstance(value, str) else None

    @property
    def curated(self) -> bool:
        """The dataset has curated YAML sources (``dataset.yaml``) beside its descriptor."""
        return (self.root / "dataset.yaml").is_file()

    @property
    def vocabularies(self) -> Vocabularies:
        """The core vocabularies and the terms the dataset declares (``chrono.vocabularies``
        in the descriptor)."""
        try:
            return Vocabularies.from_descriptor(self.descriptor)
        except VocabularyError as exc:
            raise DatasetError(f"{self.descriptor_path}: chrono.{exc}") from None

    # ------------------------------------------------------------------ tables

    def resource(self, table: str) -> Resource:
        try:
            return self.resources[table]
        except KeyError:
            raise DatasetError(f"the descriptor lists no table {table!r}") from None

    def opened(self, table: str) -> safeio.Opened:
        """The checked, open file of a table (DatasetError when missing or closed)."""
        res = self.resource(table)
        if res.name in self.files.errors:
            raise DatasetError(str(self.files.errors[res.name]))
        f = self.files.opened[res.name]
        if f.fd < 0:
            raise DatasetError(f"{res.file}: the dataset was closed")
        return f

    def source(self, table: str) -> str:
        """A path that opens the table's checked file, for Arrow or DuckDB."""
        return self.opened(table).source

    def sha256(self, table: str) -> tuple[str, int]:
        """The sha256 (hex) and size in bytes of a table's file, as read now."""
        h = hashlib.sha256()
        size = 0
        try:
            for chunk in self.opened(table).chunks():
                h.update(chunk)
                size += len(chunk)
        except safeio.InputError as exc:
            raise DatasetError(str(exc)) from None
        except OSError as exc:
            raise DatasetError(f"{self.resource(table).file}: {safeio.reason(exc)}") from None
        return h.hexdigest(), size

    def parquet_file(self, table: str, **kw: Any) -> pq.ParquetFile:
        """The table's Parquet file (footer read), or DatasetError; ``kw`` as
        ``pyarrow.parquet.ParquetFile`` takes them (``read_dictionary=[...]``)."""
        import pyarrow.parquet as pq

        with self._reading(table):
            return pq.ParquetFile(self.source(table), **kw)
        raise AssertionError("unreachable")  # pragma: no cover

    def read_table(
        self,
        table: str,
        columns: list[str] | None = None,
        *,
        complete: bool = False,
        **kw: Any,
    ) -> pa.Table:
        """One table of the model as Arrow (vocabulary columns as dictionaries, dates as
        date32), its columns (``columns``, or all the model's) checked to be there and of
        the model's types: a column stored in another type that holds the same (large
        text, a dictionary of text, date64) is cast; a missing one, or one holding
        something else, is a :class:`DatasetError` naming it; so is, with ``complete``, a
        required column with a value missing. Another table name: as stored. Extra
        columns come as stored."""
        from chrono.model.schema import as_model
        from chrono.model.tables import TABLES

        data = self.read_stored(table, columns, **kw)
        spec = TABLES.get(table)
        if spec is None:
            return data
        shaped = as_model(data, spec, columns, complete=complete)
        if isinstance(shaped, str):
            raise DatasetError(
                f"{self.resource(table).file}: {shaped} (chrono validate lists every problem)"
            )
        return shaped

    def read_stored(self, table: str, columns: list[str] | None = None, **kw: Any) -> pa.Table:
        """One table as Arrow, as stored, whatever its columns (what ``chrono validate``
        reads, to report on them)."""
        import pyarrow.parquet as pq

        with self._reading(table):
            return pq.read_table(self.source(table), columns=columns, **kw)
        raise AssertionError("unreachable")  # pragma: no cover

    @contextlib.contextmanager
    def _reading(self, table: str) -> Iterator[None]:
        import pyarrow as pa

        path = self.resource(table).file
        try:
            yield
        except DatasetError:
            raise
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise DatasetError(unreadable(path, exc)) from None


def unreadable(path: Path | str, exc: BaseException) -> str:
    """The one-line message for a Parquet file that cannot be read."""
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{path}: unreadable Parquet: {reason}"


@contextlib.contextmanager
def opened(ref: str | Path | Dataset, *, unique: bool = True) -> Iterator[Dataset]:
    """A dataset for a ``with`` block: opened (and closed after) unless already open."""
    if isinstance(ref, Dataset):
        yield ref
        return
    with Dataset.open(ref, unique=unique) as ds:
        yield ds


def _read_descriptor(root: Path) -> bytes:
    path = root / DESCRIPTOR
    try:
        return safeio.read_bytes(path, kind="descriptor", root=root)
    except safeio.FileMissing:
        if (root / "dataset.yaml").is_file():  # curated, never built
            raise DatasetError(
                f"{path}: not found: the dataset is not built yet (run: chrono build {root})"
            ) from None
        raise DatasetError(f"{path}: not found (a dataset needs a {DESCRIPTOR})") from None
    except safeio.InputError as exc:
        raise DatasetError(str(exc)) from None


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    """The descriptor's JSON, structurally checked."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not UTF-8 (byte {exc.start})") from None
    try:
        data = descriptor_json(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:  # NaN or Infinity
        raise DatasetError(f"{path}: invalid JSON: {exc}") from None
    except RecursionError:
        raise DatasetError(f"{path}: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise DatasetError(f"{path}: the descriptor must be a JSON object")
    resources = data.get("resources")
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise DatasetError(f"{path}: 'resources' must be a list of objects")
    for res in resources:
        name, rpath = res.get("name"), res.get("path")
        if not isinstance(name, str) or not isinstance(rpath, str) or not name:
            raise DatasetError(f"{path}: every resource needs a 'name' and a 'path' (text)")
    if foreign_descriptor(data):  # parsed once, above
        raise DatasetError(
            f"{path}: another tool's data package (its resources are not Parquet tables: "
            f"{resources[0]['path']}, ...), not a chrono dataset"
        )
    return data
