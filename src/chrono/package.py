"""Finding datasets and reading their descriptor and Parquet tables.

A dataset directory holds ``datapackage.json`` and the Parquet files it lists (and, for a
curated dataset, the YAML sources). Every failure to read raises :class:`DatasetError`
with a one-line message; the CLI maps it to exit code 3.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from chrono.safeio import InputError

if TYPE_CHECKING:
    import pyarrow as pa

DESCRIPTOR = "datapackage.json"
DEFAULT_DATASET = "russia-china-summits"


class DatasetError(InputError):
    """A dataset, descriptor or table that cannot be found or read (or is refused)."""


def descriptor_json(text: str | bytes) -> Any:
    """A descriptor's JSON as RFC 8259 defines it: ``NaN`` and ``Infinity``, which Python's
    reader takes but JSON readers elsewhere refuse, are an error (a :class:`ValueError`,
    as any text that is not JSON).

    >>> descriptor_json('{"version": "1.0.0"}')
    {'version': '1.0.0'}
    >>> descriptor_json('{"released": NaN}')
    Traceback (most recent call last):
    ...
    ValueError: NaN is not a JSON value
    """
    import json

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not a JSON value")

    return json.loads(text, parse_constant=refuse)


def bundled_root() -> Path:
    """Where the bundled datasets are: inside the wheel, or ``datasets/`` of a checkout."""
    here = Path(__file__).resolve().parent
    wheel = here / "_datasets"
    if wheel.is_dir():
        return wheel
    return here.parent.parent / "datasets"


def list_datasets() -> list[str]:
    """Names of the bundled datasets, sorted.

    >>> import chrono
    >>> "russia-china-summits" in chrono.list_datasets()
    True
    """
    root = bundled_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / DESCRIPTOR).is_file())


def resolve(dataset: str | Path) -> Path:
    """A bundled dataset's name, a dataset directory, or its ``datapackage.json`` -> directory."""
    if not isinstance(dataset, str | Path):
        raise TypeError(
            f"{dataset!r} is not a dataset: give a bundled dataset's name, a dataset folder or "
            f"its {DESCRIPTOR}"
        )
    if "\0" in str(dataset):
        raise DatasetError(f"{str(dataset)!r}: a NUL byte in a path")
    path = Path(dataset)
    if path.name == DESCRIPTOR and path.is_file():
        return path.parent
    if path.is_dir():
        return path
    if isinstance(dataset, str) and "/" not in dataset and "\\" not in dataset:
        bundled = bundled_root() / dataset
        if (bundled / DESCRIPTOR).is_file():
            return bundled
        names = ", ".join(list_datasets()) or "none"
        raise DatasetError(
            f"no dataset {dataset!r}: not a directory, nor a bundled dataset (bundled: {names})"
        )
    if path.exists():  # a file: say what it is, and what names the dataset holding it
        marked = any((path.parent / m).is_file() for m in (DESCRIPTOR, "dataset.yaml"))
        holder = f"; its folder {path.parent} is the dataset" if marked else ""
        raise DatasetError(f"{path}: a file, not a dataset directory or {DESCRIPTOR}{holder}")
    raise DatasetError(f"{path}: no such dataset directory or {DESCRIPTOR}")


def expand(path: str | Path) -> list[Path]:
    """Dataset directories named by a path: a dataset (bundled name, directory or its
    descriptor), or a folder of datasets (:func:`datasets_in`)."""
    return datasets_in(path) or [resolve(path)]


def datasets_in(path: str | Path) -> list[Path]:
    """The datasets of a folder that is not one itself: each directory in it with a
    ``dataset.yaml`` or a chrono ``datapackage.json`` (not another tool's package:
    :func:`chrono.discover.foreign_package`), sorted (none: empty)."""
    p = Path(path)

    from chrono.discover import dataset_dirs_in, descriptor_on_disk

    def markers(d: Path) -> list[str]:
        return [f"{d.name}/{m}" for m in (DESCRIPTOR, "dataset.yaml") if (d / m).is_file()]

    if not p.is_dir() or markers(p):
        return []
    found = dataset_dirs_in(
        [m for d in p.iterdir() if d.is_dir() for m in markers(d)], descriptor_on_disk(p)
    )
    return [p / d for d in found]


def read_descriptor(directory: Path) -> dict[str, Any]:
    """The parsed ``datapackage.json`` of a dataset directory, structurally checked.

    Kept for compatibility: new code opens a :class:`chrono.dataset.Dataset` once.
    """
    from chrono.dataset import Dataset

    with Dataset.open(directory) as ds:
        return dict(ds.descriptor)


def safe_path(directory: Path, relative: str) -> Path:
    """Resolve a resource path, refusing any that leaves the dataset directory."""
    why = None
    if not relative:
        why = "is empty"
    elif "\0" in relative:
        why = "holds a NUL byte"
    elif "\\" in relative:
        why = "is not a POSIX path (a backslash)"
    pure = PurePosixPath(relative)
    if why is None and (pure.is_absolute() or ".." in pure.parts or ":" in relative.split("/")[0]):
        why = "escapes the dataset directory"
    if why is not None:
        raise DatasetError(f"resource path {relative!r} {why}")
    return Path(directory) / Path(*pure.parts)


def resource(descriptor: dict[str, Any], table: str) -> dict[str, Any]:
    for res in descriptor["resources"]:
        if res["name"] == table:
            return dict(res)
    raise DatasetError(f"the descriptor lists no table {table!r}")


def read_table(
    directory: Path,
    table: str,
    columns: list[str] | None = None,
    descriptor: dict[str, Any] | None = None,
) -> pa.Table:
    """Read one table of a dataset as Arrow (compatibility: see :class:`Dataset`)."""
    from chrono.dataset import Dataset

    with Dataset.open(directory) as ds:
        return ds.read_table(table, columns)
