"""Arrow and Frictionless schemas generated from the table specifications."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from chrono.model.tables import TABLES, Column, Table, vocabulary_terms
from chrono.model.vocabularies import CORE, Vocabularies

_FRICTIONLESS_TYPE = {
    "string": "string",
    "vocab": "string",
    "date": "date",
    "bool": "boolean",
    "float": "number",
}


def arrow_type(column: Column) -> pa.DataType:
    if column.kind == "string":
        return pa.string()
    if column.kind == "vocab":
        return pa.dictionary(pa.int32(), pa.string())
    if column.kind == "date":
        return pa.date32()
    if column.kind == "bool":
        return pa.bool_()
    if column.kind == "float":
        return pa.float64()
    raise ValueError(f"unknown column kind {column.kind!r}")


def arrow_schema(table: Table | str) -> pa.Schema:
    spec = TABLES[table] if isinstance(table, str) else table
    return pa.schema(
        [pa.field(c.name, arrow_type(c), nullable=c.nullable) for c in spec.columns],
        metadata={"chrono:table": spec.name},
    )


def frictionless_schema(table: Table | str, vocabularies: Vocabularies = CORE) -> dict[str, Any]:
    """A Frictionless Table Schema (v1) for a table (enums include a dataset's own terms)."""
    spec = TABLES[table] if isinstance(table, str) else table
    fields: list[dict[str, Any]] = []
    for c in spec.columns:
        constraints: dict[str, Any] = {"required": not c.nullable}
        if c.vocabulary:
            constraints["enum"] = list(vocabulary_terms(c, vocabularies))
        if c.pattern:
            constraints["pattern"] = c.pattern
        if spec.primary_key == (c.name,):
            constraints["unique"] = True
        field: dict[str, Any] = {
            "name": c.name,
            "type": _FRICTIONLESS_TYPE[c.kind],
            "description": c.description,
            "constraints": constraints,
        }
        if c.edtf:
            field["format"] = "edtf"
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "primaryKey": list(spec.primary_key)}
    if spec.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": list(fk.columns),
                "reference": {
                    "resource": "" if fk.table == spec.name else fk.table,
                    "fields": list(fk.reference),
                },
            }
            for fk in spec.foreign_keys
        ]
    return schema
