"""CHR1xx structure: the tables, columns and types the model declares, and values in range.

Most are found in the descriptor and the Parquet footers, before any row is read; the
reader (:mod:`chrono.validation.reading`) calls the functions here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.schema import arrow_type
from chrono.model.tables import Table
from chrono.validation.batch import Batch
from chrono.validation.findings import Message, emit, fixed, relative
from chrono.validation.registry import ERROR, declare, per_batch
from chrono.validation.report import Finding, Report

if TYPE_CHECKING:
    from chrono.dataset import Dataset, Resource

MISSING_TABLE = declare(
    "CHR101",
    ERROR,
    "required table missing",
    """Every table of the model (places, actors, sources, events, participants, claims) must
    be listed in datapackage.json. Add the missing resource (chrono build writes all six).""",
)
MISSING_COLUMN = declare(
    "CHR102",
    ERROR,
    "required column missing",
    """A table lacks a column the model declares. The other rules that need that column are
    skipped for the table.""",
)
WRONG_TYPE = declare(
    "CHR103",
    ERROR,
    "wrong column type",
    """A column's Arrow type differs from the model: text is string, vocabulary columns are
    dictionary<int32, string>, dates are date32, flags bool, coordinates float64. The other
    rules still run on the column when its values can be cast to the model's type.""",
)
UNKNOWN_COLUMN = declare(
    "CHR105",
    ERROR,
    "unknown column",
    """A table holds a column the model does not declare. Remove it, or propose the column
    for the model (src/chrono/model/tables.py).""",
)
DUPLICATE_RESOURCE = declare(
    "CHR108",
    ERROR,
    "duplicate resource name",
    """Two or more resources of datapackage.json share a name, so a reader cannot tell which
    file is the table (chrono.load would pick one). Resource names must be unique; the first
    resource of each name is validated.""",
)
EMPTY_CURATED = declare(
    "CHR109",
    ERROR,
    "curated dataset without events",
    """A dataset with curated sources (dataset.yaml) whose events table is empty was built
    from a missing or empty events/ folder (or one holding .yml files). chrono build refuses
    to write such a dataset; restore events/<id>.yaml and rebuild.""",
)
ROW_COUNT = declare(
    "CHR603",
    ERROR,
    "row count mismatch",
    """The table's row count differs from datapackage.json.""",
)


def finding(code: str, table: str | None, value: object, message: str, file: str) -> Finding:
    """A finding about a whole table or file (no row)."""
    from chrono.validation import registry

    return Finding(code, registry.severity(code), table, None, None, value, message, file)


def missing_table(report: Report, name: str, ds: Dataset) -> None:
    """CHR101: the descriptor lists no table ``name``."""
    report.add(
        finding(
            "CHR101",
            name,
            None,
            f"the descriptor lists no table {name!r}",
            relative(ds.descriptor_path),
        )
    )


def footer(report: Report, spec: Table, res: Resource, schema: pa.Schema, rows: int) -> None:
    """CHR603 (rows), CHR102 (missing columns), CHR105 (unknown columns) and CHR103 (types)
    from the descriptor and the Parquet footer."""
    name, rel = spec.name, relative(res.file)
    listed = res.spec.get("rows")
    if listed is not None and res.number("rows") != rows:
        report.add(
            finding(
                "CHR603",
                name,
                rows,
                f"{res.path}: row count mismatch: expected {json.dumps(listed)} rows, "
                f"actual {rows}",
                rel,
            )
        )
    present = set(schema.names)
    for col in spec.columns:
        if col.name not in present:
            report.add(
                Finding(
                    "CHR102",
                    ERROR,
                    name,
                    None,
                    col.name,
                    None,
                    f"column {col.name!r} is missing",
                    rel,
                )
            )
    for fname in schema.names:
        if fname not in spec.column_names:
            report.add(
                Finding(
                    "CHR105",
                    ERROR,
                    name,
                    None,
                    fname,
                    None,
                    f"unknown column {fname!r} (the model's columns: "
                    f"{', '.join(spec.column_names)})",
                    rel,
                )
            )
    for col in spec.columns:
        if col.name not in present:
            continue
        typ = schema.field(col.name).type
        if not typ.equals(arrow_type(col)):
            report.add(
                Finding(
                    "CHR103",
                    ERROR,
                    name,
                    None,
                    col.name,
                    str(typ),
                    f"column {col.name!r} is {typ}, the model says {arrow_type(col)}",
                    rel,
                )
            )


def nulls_from_statistics(report: Report, spec: Table, path: Path, column: str, nulls: int) -> None:
    """CHR104 for a required column that is not read (free text): its null count comes
    from the Parquet statistics."""
    report.add_many(
        "CHR104",
        nulls,
        [
            Finding(
                "CHR104",
                ERROR,
                spec.name,
                None,
                column,
                None,
                f"{nulls} null values in required column {column!r}",
                relative(path),
            )
        ],
    )


def duplicate_resources(report: Report, ds: Dataset) -> None:
    """CHR108: resources of the descriptor that share a name."""
    from chrono.model.tables import TABLES

    for name in ds.duplicates:
        report.add(
            finding(
                "CHR108",
                name if name in TABLES else None,
                name,
                f"several resources are named {name!r}: names must be unique (the first "
                "is checked)",
                relative(ds.descriptor_path),
            )
        )


def empty_curated(report: Report, ds: Dataset, events: Path, rows: int) -> None:
    """CHR109: a curated dataset whose events table is empty."""
    if rows or not ds.curated:
        return
    report.add(
        Finding(
            "CHR109",
            ERROR,
            "events",
            None,
            None,
            0,
            "a curated dataset with no events: its events/ folder is missing or holds no "
            "<id>.yaml file (chrono build refuses to write such a dataset)",
            relative(events),
        )
    )


@per_batch("CHR104", ERROR, "null in a required column")
def null_in_required_column(t: Batch, out: Report) -> None:
    """A column the model marks as required (not nullable) holds nulls."""
    for col in t.spec.columns:
        if t.has(col.name) and not col.nullable:
            arr = t.data.column(col.name)
            if arr.null_count:
                message = fixed(f"{col.name} is null but required")
                emit(out, "CHR104", t, pc.is_null(arr), col.name, message)


#: Numeric columns and the closed interval their values must lie in (CHR107).
RANGES = {("places", "latitude"): (-90.0, 90.0), ("places", "longitude"): (-180.0, 180.0)}


@per_batch("CHR107", ERROR, "value out of range", table="places")
def value_out_of_range(t: Batch, out: Report) -> None:
    """A number outside the range its column allows: latitude must lie in [-90, 90] and
    longitude in [-180, 180] (decimal degrees); NaN and infinities are never valid."""
    for (table, col), (lo, hi) in RANGES.items():
        if table != t.name or not t.has(col):
            continue
        arr = t.data.column(col)
        inside = pc.and_(pc.greater_equal(arr, lo), pc.less_equal(arr, hi))  # NaN: false
        emit(
            out,
            "CHR107",
            t,
            pc.invert(inside),
            col,
            _out_of_range(col, lo, hi),
        )


def _out_of_range(col: str, lo: float, hi: float) -> Message:
    return lambda r: f"{col} {r[col]} is not a number in [{lo:g}, {hi:g}]"
