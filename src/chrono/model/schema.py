"""Arrow and Frictionless schemas generated from the table specifications."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import pyarrow as pa

from chrono.model import patterns
from chrono.model.patterns import SchemaError
from chrono.model.tables import TABLES, Column, Table
from chrono.model.vocabularies import CORE, Vocabularies

#: Table Schema type of each column kind.
FRICTIONLESS_TYPE: Final = {
    "string": "string",
    "vocab": "string",
    "date": "date",
    "bool": "boolean",
    "float": "number",
}
#: How the terms of an ordered vocabulary are listed (``chrono:order``).
ORDERED: Final = {"precision": "finest-first"}


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


#: What each column kind holds, for messages about a column of another type.
HOLDS: Final = {
    "string": "text",
    "vocab": "text (vocabulary terms)",
    "date": "dates (date32)",
    "bool": "true/false",
    "float": "numbers",
}


def as_model_type(arr: pa.ChunkedArray, column: Column) -> pa.ChunkedArray | None:
    """A stored column as the model's Arrow type (text kept as a dictionary or large text
    is cast, a date64 or timestamp becomes its day, an integer a float), or None when its
    type holds something else."""
    typ, want = arr.type, arrow_type(column)
    if typ.equals(want):
        return arr
    text = pa.types.is_string(typ) or pa.types.is_large_string(typ)
    if pa.types.is_dictionary(typ):
        text = pa.types.is_string(typ.value_type) or pa.types.is_large_string(typ.value_type)
    try:
        if column.kind == "string" and text:
            return arr.cast(pa.string())
        if column.kind == "vocab" and text:
            plain = arr.cast(pa.string())
            return (
                pa.chunked_array([c.dictionary_encode() for c in plain.chunks], type=want)
                if plain.num_chunks
                else pa.chunked_array([], type=want)
            )
        if column.kind == "date" and (pa.types.is_date64(typ) or pa.types.is_timestamp(typ)):
            return arr.cast(pa.date32(), safe=False)
        if column.kind == "float" and (pa.types.is_integer(typ) or pa.types.is_floating(typ)):
            return arr.cast(pa.float64(), safe=False)
    except (pa.ArrowException, ValueError):
        return None
    return None


def as_model(
    data: pa.Table, spec: Table, columns: list[str] | None = None, *, complete: bool = False
) -> pa.Table | str:
    """``data`` (a table as stored) with the model's columns (``columns``, or all of them)
    in the model's Arrow types, other columns as they are; or why it cannot be (a column
    missing, or of a type that holds something else; ``complete``: a required column with
    a value missing)."""
    known = spec.column_names
    wanted = known if columns is None else [c for c in columns if c in known]
    for name in wanted:
        if name not in data.column_names:
            return f"the {spec.name} table has no column {name!r}"
        column = spec.column(name)
        if complete and not column.nullable and (n := data.column(name).null_count):
            values = "value" if n == 1 else "values"
            return f"the {spec.name} table's column {name!r} lacks {n} required {values}"
        arr = as_model_type(data.column(name), column)
        if arr is None:
            return (
                f"the {spec.name} table's column {name!r} is {data.schema.field(name).type}, "
                f"where the model holds {HOLDS[column.kind]}"
            )
        if arr is not data.column(name):
            i = data.schema.get_field_index(name)
            data = data.set_column(i, pa.field(name, arr.type, nullable=True), arr)
    return data


def not_utf8(table: pa.Table) -> str | None:
    """The first text column of ``table`` holding bytes that are not UTF-8 (a damaged
    file, or one not written by Arrow), or None: Parquet readers do not check them, and
    turning such a text into Python fails.

    >>> not_utf8(pa.table({"id": ["a"], "n": [1]})) is None
    True
    """
    for field, column in zip(table.schema, table.columns, strict=True):
        typ = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        if not (pa.types.is_string(typ) or pa.types.is_large_string(typ)):
            continue
        try:
            for chunk in column.chunks:
                chunk.validate(full=True)
        except pa.ArrowInvalid:
            return str(field.name)
    return None


def arrow_schema(table: Table | str) -> pa.Schema:
    spec = TABLES[table] if isinstance(table, str) else table
    return pa.schema(
        [pa.field(c.name, arrow_type(c), nullable=c.nullable) for c in spec.columns],
        metadata={"chrono:table": spec.name},
    )


def frictionless_schema(table: Table | str, vocabularies: Vocabularies = CORE) -> dict[str, Any]:
    """A Frictionless Table Schema (v1) for a table: what the build writes into each resource.

    Vocabulary enums hold the core terms, then the dataset's own (``vocabularies``). What
    the specification has no property for is in ``chrono:``
    properties: ``chrono:edtf`` (the string is EDTF), ``chrono:derivedFrom`` (computed from
    that column), ``chrono:vocabulary`` with ``chrono:terms`` (each term's definition) and
    ``chrono:order`` (how the enum is ordered). A column the schema cannot express raises
    :class:`SchemaError` naming it.
    """
    spec = TABLES[table] if isinstance(table, str) else table
    fields: list[dict[str, Any]] = []
    for c in spec.columns:
        where = f"{spec.name}.{c.name}"
        if c.kind not in FRICTIONLESS_TYPE:
            raise SchemaError(f"{where}: column kind {c.kind!r} has no Table Schema type")
        constraints: dict[str, Any] = {"required": not c.nullable}
        terms = column_terms(spec, c, vocabularies)
        if terms is not None:
            constraints["enum"] = list(terms)
        if c.pattern:
            if c.kind != "string":
                raise SchemaError(
                    f"{where}: a pattern on a {c.kind} column cannot be expressed "
                    "(Table Schema patterns apply to strings)"
                )
            constraints["pattern"] = patterns.xsd(where, c.pattern)
        elif c.edtf:
            constraints["pattern"] = patterns.xsd(where, patterns.EDTF)
        if spec.primary_key == (c.name,):
            constraints["unique"] = True
        field: dict[str, Any] = {
            "name": c.name,
            "type": FRICTIONLESS_TYPE[c.kind],
            "description": c.description,
            "constraints": constraints,
        }
        if c.edtf:
            field["chrono:edtf"] = True
        if c.derived_from:
            if c.derived_from not in spec.column_names:
                raise SchemaError(
                    f"{where}: derived from {c.derived_from!r}, which is not a column of "
                    f"{spec.name}"
                )
            field["chrono:derivedFrom"] = c.derived_from
        if terms is not None:
            assert c.vocabulary is not None
            field["chrono:vocabulary"] = c.vocabulary
            field["chrono:terms"] = dict(terms)
            if c.vocabulary in ORDERED:
                field["chrono:order"] = ORDERED[c.vocabulary]
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "primaryKey": list(spec.primary_key)}
    _check_keys(spec)
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


def column_terms(
    spec: Table, column: Column, vocabularies: Vocabularies = CORE
) -> Mapping[str, str] | None:
    """A vocabulary column's terms with their definitions (core, then declared); else None."""
    if column.kind != "vocab":
        return None
    name = column.vocabulary
    if name is None or name not in vocabularies:
        raise SchemaError(
            f"{spec.name}.{column.name}: vocabulary {name!r} is not defined in chrono.model.vocab"
        )
    return vocabularies[name]


def _check_keys(spec: Table) -> None:
    for key in spec.primary_key:
        if key not in spec.column_names:
            raise SchemaError(f"{spec.name}: primary key {key!r} is not a column")
    for fk in spec.foreign_keys:
        target = spec if fk.table == spec.name else TABLES.get(fk.table)
        for col in fk.columns:
            if col not in spec.column_names:
                raise SchemaError(f"{spec.name}: foreign key column {col!r} is not a column")
        for ref in fk.reference:
            if target is None or ref not in target.column_names:
                raise SchemaError(
                    f"{spec.name}.{', '.join(fk.columns)}: foreign key to {fk.table}.{ref}, "
                    "which is not a column"
                )
