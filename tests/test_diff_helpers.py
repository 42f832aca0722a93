"""Helpers for the diff tests (no tests here): change the mini dataset in code, write a version."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from chrono.build import conform, write_dataset
from chrono.model.derive import derive_dates
from chrono.model.tables import TABLES
from chrono.package import read_descriptor, read_table

Rows = dict[str, list[dict[str, Any]]]


def read_rows(directory: Path) -> Rows:
    desc = read_descriptor(directory)
    return {name: read_table(directory, name, descriptor=desc).to_pylist() for name in TABLES}


def to_tables(rows: Rows) -> dict[str, pa.Table]:
    """Rows -> Arrow tables with the derived date columns recomputed from the EDTF ones."""
    out: dict[str, pa.Table] = {}
    for name, spec in TABLES.items():
        data = {c.name: [r.get(c.name) for r in rows[name]] for c in spec.columns}
        arrays: dict[str, pa.Array] = {}
        for col in spec.columns:
            if col.derived_from is None:
                typ = {"float": pa.float64(), "bool": pa.bool_(), "date": pa.date32()}.get(
                    col.kind, pa.string()
                )
                arrays[col.name] = pa.array(data[col.name], typ)
        for col in spec.columns:
            if col.derived_from is not None:
                d = derive_dates(arrays[col.derived_from])
                role = col.name.rsplit("_", 1)[-1]
                arrays[col.name] = getattr(d, role)
        table = pa.table([arrays[c.name] for c in spec.columns], names=list(spec.column_names))
        out[name] = conform(spec, table.sort_by([(k, "ascending") for k in spec.primary_key]))
    return out


META = {"name": "mini", "title": "Mini test chronology", "version": "1.0.1", "license": "CC0-1.0"}


def write_version(directory: Path, rows: Rows) -> Path:
    return write_dataset(directory, to_tables(rows), META)


def edit(rows: Rows, table: str, key: str, **values: Any) -> None:
    for r in rows[table]:
        if r.get("id") == key:
            r.update(values)
            return
    raise KeyError(key)


def mutate(source: Path, target: Path, change: Callable[[Rows], None]) -> Path:
    rows = read_rows(source)
    change(rows)
    return write_version(target, rows)
