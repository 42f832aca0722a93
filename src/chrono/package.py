"""Finding datasets and reading their descriptor and Parquet tables.

A dataset directory holds ``datapackage.json`` and the Parquet files it lists (and, for a
curated dataset, the YAML sources). Every failure to read raises :class:`DatasetError`
with a one-line message; the CLI maps it to exit code 3.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

DESCRIPTOR = "datapackage.json"
DEFAULT_DATASET = "russia-china-summits"


class DatasetError(Exception):
    """A dataset, descriptor or table that cannot be found or read."""


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
    raise DatasetError(f"{path}: no such dataset directory or {DESCRIPTOR}")


def read_descriptor(directory: Path) -> dict[str, Any]:
    """The parsed ``datapackage.json`` of a dataset directory, structurally checked."""
    path = Path(directory) / DESCRIPTOR
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"{path}: not found (a dataset needs a {DESCRIPTOR})") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not UTF-8 (byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise DatasetError(f"{path}: the descriptor must be a JSON object")
    resources = data.get("resources")
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise DatasetError(f"{path}: 'resources' must be a list of objects")
    for res in resources:
        name, rpath = res.get("name"), res.get("path")
        if not isinstance(name, str) or not isinstance(rpath, str):
            raise DatasetError(f"{path}: every resource needs a 'name' and a 'path' (text)")
        safe_path(Path(directory), rpath)
    return data


def safe_path(directory: Path, relative: str) -> Path:
    """Resolve a resource path, refusing any that leaves the dataset directory."""
    pure = PurePosixPath(relative)
    if (
        pure.is_absolute()
        or ".." in pure.parts
        or relative.startswith(("/", "\\"))
        or (":" in relative.split("/")[0])
    ):
        raise DatasetError(f"resource path {relative!r} escapes the dataset directory")
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
    """Read one table of a dataset as Arrow."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    descriptor = descriptor if descriptor is not None else read_descriptor(directory)
    path = safe_path(directory, resource(descriptor, table)["path"])
    try:
        return pq.read_table(path, columns=columns)
    except FileNotFoundError:
        raise DatasetError(f"{path}: not found (listed in {DESCRIPTOR})") from None
    except (pa.ArrowException, OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatasetError(f"{path}: unreadable Parquet: {reason}") from None
