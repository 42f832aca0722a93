"""A dataset, opened once: where it is, what its descriptor lists, how to read its tables.

:class:`Dataset` is what the loaders, build, validate and diff take. Opening resolves the
reference (a bundled dataset's name, a dataset directory, or its ``datapackage.json``),
reads and checks the descriptor, and resolves every resource path once, refusing paths
that leave the dataset. Every failure raises :class:`~chrono.package.DatasetError` with
a one-line message (the CLI maps it to exit code 3).

>>> from chrono.dataset import Dataset
>>> ds = Dataset.open("russia-china-summits")
>>> ds.name, sorted(ds.resources)[:2]
('russia-china-summits', ['actors', 'claims'])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from chrono.model.vocabularies import Vocabularies, VocabularyError
from chrono.package import DESCRIPTOR, DatasetError, read_descriptor, resolve, safe_path

if TYPE_CHECKING:
    import pyarrow as pa

#: A reference to a dataset: a bundled name, a directory, a ``datapackage.json``, or an
#: already opened :class:`Dataset`.
DatasetRef = "str | Path | Dataset"


@dataclass(frozen=True)
class Resource:
    """One table of the descriptor, its path checked to stay inside the dataset."""

    name: str
    path: str  # as written in the descriptor (POSIX, relative to the dataset)
    file: Path  # resolved location on disk
    spec: Mapping[str, Any]  # the descriptor's resource object, as read


@dataclass(frozen=True)
class Dataset:
    """A dataset directory with its parsed descriptor and resolved resources."""

    root: Path
    descriptor: Mapping[str, Any]
    resources: Mapping[str, Resource]

    @classmethod
    def open(cls, ref: str | Path | Dataset) -> Dataset:
        """Open a dataset: a bundled dataset's name, a directory, or its descriptor."""
        if isinstance(ref, Dataset):
            return ref
        root = resolve(ref)
        descriptor = read_descriptor(root)
        resources: dict[str, Resource] = {}
        for res in descriptor["resources"]:
            name = res["name"]
            if name in resources:
                raise DatasetError(
                    f"{root / DESCRIPTOR}: two resources are named {name!r} "
                    "(resource names must be unique)"
                )
            resources[name] = Resource(name, res["path"], safe_path(root, res["path"]), res)
        return cls(root, MappingProxyType(descriptor), MappingProxyType(resources))

    @property
    def descriptor_path(self) -> Path:
        return self.root / DESCRIPTOR

    @property
    def name(self) -> str:
        name = self.descriptor.get("name")
        return name if isinstance(name, str) and name else self.root.name

    @property
    def version(self) -> str | None:
        version = self.descriptor.get("version")
        return version if isinstance(version, str) else None

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

    def resource(self, table: str) -> Resource:
        try:
            return self.resources[table]
        except KeyError:
            raise DatasetError(f"the descriptor lists no table {table!r}") from None

    def read_table(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """One table as Arrow, as stored (dictionary and date32 columns)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = self.resource(table).file
        try:
            return pq.read_table(path, columns=columns)
        except FileNotFoundError:
            raise DatasetError(f"{path}: not found (listed in {DESCRIPTOR})") from None
        except (pa.ArrowException, OSError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DatasetError(f"{path}: unreadable Parquet: {reason}") from None
