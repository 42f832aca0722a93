"""The data model as files other languages and editors read (docs/schemas.md).

``schemas/`` of the repository holds, generated from :mod:`chrono.model`:

- ``tables/<table>.schema.json``: Frictionless Table Schemas, the same objects the build
  writes into each dataset's ``datapackage.json``;
- ``curated/<kind>.schema.json``: JSON Schemas (draft 2020-12) of the curated YAML files;
- ``chrono.context.jsonld``: the JSON-LD context of the tables;
- ``validate-report.schema.json`` and ``diff-report.schema.json``: the JSON reports of
  ``chrono validate`` and ``chrono diff`` (:mod:`chrono.schemas.reports`).

:func:`generate` makes them, :func:`write` writes them, :func:`check` lists every difference.
Each dataset gets its own copy of the curated schemas in ``<dataset>/schemas/``, written by
``chrono build`` with the dataset's declared vocabulary terms added (:func:`dataset_schemas`),
which the ``# yaml-language-server`` line of each curated file points at (:func:`modeline`).
"""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path
from typing import Any, Final

from chrono.model.curated_schema import KINDS, curated_schema
from chrono.model.jsonld import context
from chrono.model.patterns import SchemaError
from chrono.model.tables import TABLES
from chrono.model.vocabularies import CORE, Vocabularies

__all__ = [
    "CONTEXT",
    "DATASET_SCHEMAS",
    "KINDS",
    "SchemaError",
    "check",
    "dataset_schemas",
    "generate",
    "modeline",
    "write",
]

CONTEXT: Final = "chrono.context.jsonld"
#: Where a dataset's own curated schemas are, relative to the dataset.
DATASET_SCHEMAS: Final = "schemas"
_GENERATED_DIRS: Final = ("tables", "curated")


def to_bytes(document: Any) -> bytes:
    """JSON as every generated file is written: indented, UTF-8, one newline at the end."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def generate() -> dict[str, bytes]:
    """Every generated schema file: path relative to ``schemas/`` -> bytes.

    Raises :class:`SchemaError` (naming the column or field, and why) for a part of the
    model a schema language cannot express.
    """
    from chrono.model.schema import frictionless_schema  # imports pyarrow: only when needed

    files = {f"tables/{name}.schema.json": to_bytes(frictionless_schema(name)) for name in TABLES}
    for kind in KINDS:
        files[f"curated/{kind}.schema.json"] = to_bytes(curated_schema(kind))
    files[CONTEXT] = to_bytes(context())
    from chrono.schemas.reports import generate as reports

    files.update({name: to_bytes(schema) for name, schema in reports().items()})
    return dict(sorted(files.items()))


def check(directory: str | Path) -> list[str]:
    """One line per generated file that is missing, differs, or is no longer generated."""
    from chrono import safeio

    directory = Path(directory)
    fresh = generate()
    out = []
    for rel, blob in fresh.items():
        path = directory / rel
        if not path.is_file():
            out.append(f"{path}: missing (run: chrono schemas --write)")
        elif safeio.read_bytes(path, kind="descriptor") != blob:
            out.append(f"{path}: differs from the model (run: chrono schemas --write)")
    for sub in _GENERATED_DIRS:
        for path in sorted((directory / sub).glob("*")):
            if path.relative_to(directory).as_posix() not in fresh:
                out.append(f"{path}: not generated from the model (remove it)")
    return out


def write(directory: str | Path) -> list[str]:
    """Write every generated file whose bytes differ; returns their paths, relative.

    Each file is replaced whole through :mod:`chrono.safeio` (an exclusive, no-follow
    temporary file beside it, ``fsync``, an atomic rename; a symlink is replaced, never
    followed); a failure raises :class:`~chrono.safeio.OutputError` and leaves the file
    as it was."""
    from chrono import safeio

    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise safeio.OutputError(f"{directory}: cannot create ({safeio.reason(exc)})") from None
    changed = []
    with safeio.OutputDir.open(directory) as top:
        folders: dict[str, safeio.OutputDir] = {"": top}
        try:
            for rel, blob in generate().items():
                folder, _, name = rel.rpartition("/")
                if folder not in folders:
                    folders[folder] = top.subdir(folder)
                into = folders[folder]
                if into.read_regular(name, "descriptor") == blob:
                    continue
                into.replace(into.write_temp(name, blob), name)
                changed.append(rel)
        finally:
            for folder, into in folders.items():
                if folder:
                    into.close()
    return changed


def dataset_schemas(vocabularies: Vocabularies = CORE) -> dict[str, bytes]:
    """A dataset's curated schemas: path relative to the dataset -> bytes.

    ``vocabularies`` holds the terms the dataset declares; JSON Schema cannot widen an
    ``enum`` through ``$ref``, so each file is the whole core schema with those terms added,
    self-contained, and byte-equal to the core one when the dataset declares none.
    """
    return {
        f"{DATASET_SCHEMAS}/{kind}.schema.json": to_bytes(curated_schema(kind, vocabularies))
        for kind in KINDS
    }


def modeline(kind: str, dataset_dir: str | Path) -> str:
    """The ``# yaml-language-server: $schema=...`` line for a curated file of ``kind``.

    The path is relative to the file itself (``schemas/sources.schema.json`` in
    ``sources.yaml``, ``../schemas/event.schema.json`` in ``events/<id>.yaml``) and points
    at the schema the build writes into the dataset, so an editor finds it offline, in any
    clone, with the dataset's own vocabulary terms.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown curated file kind {kind!r} (one of {', '.join(KINDS)})")
    root = Path(dataset_dir)
    file_dir = (root / KINDS[kind].path).parent
    schema = root / DATASET_SCHEMAS / f"{kind}.schema.json"
    rel = posixpath.join(*Path(os.path.relpath(schema, file_dir)).parts)
    return f"# yaml-language-server: $schema={rel}"
