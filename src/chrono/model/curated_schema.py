"""JSON Schemas (draft 2020-12) of the curated YAML files, generated from the field table.

One schema per kind of file (:data:`KINDS`), from :data:`chrono.model.curated.RECORDS`, the
table the build checks records against. Every field has a description and examples; ids,
locators and URLs their patterns, dates the EDTF pattern, vocabulary fields an ``enum`` of
the core terms plus those the dataset declares (:class:`Vocabularies`).

The build reads every plain YAML scalar as text; an editor reads YAML 1.2, where ``2019`` is
a number and ``true`` a boolean. So a text field also accepts numbers and booleans, an EDTF
field a whole number from -9999 to 9999 (an unquoted year), and a slug field a whole number
of zero or more; what such a number looked like is lost, so ``date: 44`` passes here and
fails the build. What a schema of one file cannot see is left to the build (docs/schemas.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from chrono.model import patterns, vocab, vocabularies
from chrono.model.curated import CLAIM_DEFAULTS, FILES, RANGES, RECORDS, Field
from chrono.model.patterns import SchemaError
from chrono.model.tables import SLUG, TABLES
from chrono.model.vocabularies import CORE, Vocabularies

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
#: An unquoted year an editor reads as a number.
YEAR_NUMBER: Final = {"minimum": -9999, "maximum": 9999}
#: A claim's ``participants`` value: actor ids joined by ``;``.
ACTOR_IDS: Final = r"^[a-z0-9]+(-[a-z0-9]+)*(;[a-z0-9]+(-[a-z0-9]+)*)*$"
#: What editors show when a value misses its pattern (``patternErrorMessage``, a keyword the
#: YAML language server and VS Code read; validators ignore it).
PATTERN_MESSAGES: Final = {
    patterns.EDTF: "Not an EDTF date chrono supports: 2019, 2019-06, 2019-06-05, a season "
    "2019-21..24, 201X, 19XX, Y12345, with ? ~ or % at the end; or an interval of two such "
    "joined by '/', one end of which may be '..' (open) or empty (unknown).",
    SLUG: "Not a slug: lower-case letters and digits, in words joined by '-'.",
    patterns.NOT_PADDED: "Empty, or white space at either end.",
    patterns.DECIMAL: "Not a number.",
}
#: An example of a dataset's own vocabulary terms (the ``vocabularies`` field).
DECLARED_EXAMPLE: Final = {"event_type": {"treaty": "A treaty signed or ratified by the parties."}}


@dataclass(frozen=True)
class CuratedFile:
    """One kind of curated file: its path in a dataset and the records it holds."""

    kind: str  # "dataset", "sources", "actors", "places", "event"
    path: str  # relative to the dataset
    record: str  # the record kind of RECORDS
    many: bool  # a list of records (else one record)


def _kinds() -> dict[str, CuratedFile]:
    out = {}
    for name, (table, record) in FILES.items():
        if name.endswith("/"):
            out[record] = CuratedFile(record, f"{name}<id>.yaml", record, False)
        else:
            kind = name.removesuffix(".yaml")
            out[kind] = CuratedFile(kind, name, record, table is not None)
    return out


#: Kind of curated file -> where it is and what it holds.
KINDS: Final = _kinds()
_FILE_TEXT: Final = {
    "dataset": "The dataset's name, title, version, licence, creators and declared terms.",
    "sources": "The sources the claims cite, as a list.",
    "actors": "People, states and organisations, as a list.",
    "places": "The gazetteer, as a list.",
    "event": "One event, with its participants and the claims that back it.",
}


def curated_schema(kind: str, terms: Vocabularies = CORE) -> dict[str, Any]:
    """The JSON Schema of one kind of curated file (``dataset``, ``sources``, ``event``...).

    ``terms``: the dataset's vocabularies; their declared terms extend the core enums.
    """
    file = KINDS[kind]
    defs: dict[str, Any] = {}
    record = _record(file.record, terms, defs)
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"chrono {file.path}",
        "description": f"{_FILE_TEXT.get(kind, '')} Generated from chrono's data model.".strip(),
    }
    if file.many:
        defs[file.record] = record
        schema["type"] = ["array", "null"]
        schema["items"] = {"$ref": f"#/$defs/{file.record}"}
    else:
        schema.update(record)
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def _record(kind: str, terms: Vocabularies, defs: dict[str, Any]) -> dict[str, Any]:
    properties = {}
    for f in RECORDS[kind]:
        if f.items and f.items != "text":
            if f.items not in RECORDS:
                raise SchemaError(f"{kind}.{f.name}: a list of {f.items!r}, no record kind")
            defs.setdefault(f.items, _record(f.items, terms, defs))
        properties[f.name] = field_schema(kind, f, terms)
    out: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in RECORDS[kind] if f.required],
        "properties": properties,
    }
    if kind == "claim":
        out["allOf"] = _claim_conditions(terms)
    return out


def field_schema(kind: str, f: Field, terms: Vocabularies = CORE) -> dict[str, Any]:
    """The schema of one field of a record kind, with its description and examples."""
    where = f"{kind}.{f.name}"
    _check_column(kind, f)
    null = [] if f.required else ["null"]
    text = f.description
    if f.vocabulary:
        text += f" Vocabulary: {f.vocabulary}."
    default = CLAIM_DEFAULTS.get(f.name) if kind == "claim" else None
    if default:
        text += f" Default: {default}."
    out: dict[str, Any] = {"description": text}
    if f.shape == "list":
        out["type"] = ["array", *null]
        if f.items == "text":
            out["items"] = {"type": ["string", "number", "boolean"], "pattern": r"\S"}
        elif f.items:
            out["items"] = {"$ref": f"#/$defs/{f.items}"}
            out["uniqueItems"] = True
        else:
            raise SchemaError(f"{where}: a list of what? (give the field items=)")
    elif f.shape == "mapping":
        if f.name != "vocabularies":
            raise SchemaError(f"{where}: a mapping field the schemas do not know")
        out.update(declared_vocabularies(null))
    elif f.vocabulary:
        if f.vocabulary not in terms:
            raise SchemaError(f"{where}: vocabulary {f.vocabulary!r} is not defined")
        defined = terms[f.vocabulary]
        out["enum"] = [*defined, *([None] if null else [])]
        out["enumDescriptions"] = [*defined.values(), *(["No value."] if null else [])]
    elif f.edtf:
        out.update(edtf(null))
    elif f.pattern == SLUG:
        out.update({"type": ["string", "integer", *null], "pattern": SLUG, "minimum": 0})
    elif f.pattern:
        out.update({"type": ["string", *null], "pattern": patterns.ecma(where, f.pattern)})
    elif f.shape == "number":
        out.update({"type": ["number", "string", *null], "pattern": patterns.DECIMAL})
        if f.name in RANGES:
            out.update({"minimum": -RANGES[f.name], "maximum": RANGES[f.name]})
    else:
        out.update({"type": ["string", "number", "boolean", *null]})
        out["pattern"] = patterns.NOT_PADDED
    if out.get("pattern") in PATTERN_MESSAGES:
        out["patternErrorMessage"] = PATTERN_MESSAGES[out["pattern"]]
    if default:
        out["default"] = default
    out["examples"] = [_example(where, f, terms)]
    return out


def _example(where: str, f: Field, terms: Vocabularies) -> Any:
    if f.shape == "mapping":
        return DECLARED_EXAMPLE
    if f.items == "text":
        return [f.example or "diplomacy"]
    if f.items:
        return [{g.name: _example(where, g, terms) for g in RECORDS[f.items] if g.required}]
    if f.example:
        return f.example
    if f.vocabulary:
        return terms.terms(f.vocabulary)[0]
    raise SchemaError(f"{where}: no example (give the field one in chrono.model.curated)")


def edtf(null: list[str]) -> dict[str, Any]:
    """An EDTF value: text matching :data:`patterns.EDTF`, or an unquoted year."""
    return {
        "type": ["string", "integer", *null],
        "pattern": patterns.EDTF,
        "patternErrorMessage": PATTERN_MESSAGES[patterns.EDTF],
        **YEAR_NUMBER,
    }


def declared_vocabularies(null: list[str]) -> dict[str, Any]:
    """``vocabularies:`` of dataset.yaml: new terms of the open vocabularies, each defined."""
    definition = {
        "type": "string",
        "pattern": patterns.NOT_PADDED,
        "maxLength": vocabularies.MAX_DEFINITION,
        "description": "The term's definition: one or two sentences.",
    }
    properties = {
        name: {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {
                "pattern": vocabularies.TERM,
                "not": {"enum": list(vocab.VOCABULARIES[name])},
            },
            "additionalProperties": definition,
        }
        for name in sorted(vocab.EXTENSIBLE)
    }
    return {"type": ["object", *null], "additionalProperties": False, "properties": properties}


def _check_column(kind: str, f: Field) -> None:
    """A field and the table column it fills agree on vocabulary, EDTF and pattern."""
    table = next((t for t, r in FILES.values() if r == kind), None)
    table = table or {"participant": "participants", "claim": "claims"}.get(kind)
    if table is None or f.shape in ("list", "mapping"):
        return
    name = f.column or f.name
    if name not in TABLES[table].column_names:
        raise SchemaError(f"{kind}.{f.name}: fills {table}.{name}, which is not a column")
    column = TABLES[table].column(name)
    checks = (
        ("vocabulary", f.vocabulary, column.vocabulary),
        ("edtf", f.edtf, column.edtf),
        ("pattern", f.pattern, column.pattern if column.pattern else f.pattern),
    )
    for what, mine, theirs in checks:
        if mine != theirs:
            raise SchemaError(
                f"{kind}.{f.name}: {what} {mine!r} differs from that of column "
                f"{table}.{name} ({theirs!r})"
            )


def _claim_conditions(terms: Vocabularies) -> list[dict[str, Any]]:
    """What a claim's value must be, by property (as the build checks it)."""

    def when(prop: Any, then: dict[str, Any]) -> dict[str, Any]:
        return {"if": {"required": ["property"], "properties": {"property": prop}}, "then": then}

    def value(schema: dict[str, Any]) -> dict[str, Any]:
        return {"properties": {"value": schema}}

    return [
        when({"const": "occurrence"}, value({"type": "null"})),
        when(
            {"not": {"const": "occurrence"}},
            {"required": ["value"], **value({"not": {"type": "null"}})},
        ),
        when({"not": {"const": "date"}}, {"properties": {"calendar": {"type": "null"}}}),
        when({"const": "date"}, value(edtf([]))),
        when({"const": "type"}, value({"enum": list(terms.terms("event_type"))})),
        when({"const": "place"}, value({"type": ["string", "integer"], "pattern": SLUG})),
        when({"const": "participants"}, value({"type": "string", "pattern": ACTOR_IDS})),
    ]
