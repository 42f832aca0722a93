"""JSON Schemas (draft 2020-12) of the curated YAML files, generated from the field rules.

One schema per kind of file (:data:`chrono.model.curated.CURATED_FILES`). Every field has a
description and examples; ids and locators have their patterns, dates the EDTF pattern,
vocabulary fields an ``enum`` of the core terms plus any a dataset declares.

The build reads every plain YAML scalar as text; an editor reads YAML 1.2, where ``2019`` is
a number and ``true`` a boolean. So a text field also accepts numbers and booleans, an EDTF
field a whole number from -9999 to 9999 (an unquoted year), and a slug field a whole number
of zero or more; what such a number looked like is lost, so ``date: 44`` passes here and
fails the build. What a schema cannot see at all is left to the build: ids unique across
records and files, references to other files, an event's id equal to its file name, days
that exist in their year, interval order, and the date range (docs/schemas.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from chrono.model import patterns, vocab
from chrono.model.curated import CURATED_FILES, RULES, FieldRule, table_column
from chrono.model.patterns import SchemaError
from chrono.model.tables import SLUG
from chrono.model.vocab import Vocabulary

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
#: What editors show when a value misses its pattern (``patternErrorMessage``, a keyword the
#: YAML language server and VS Code read; validators ignore it).
PATTERN_MESSAGES: Final = {
    patterns.EDTF: "Not an EDTF date chrono supports: 2019, 2019-06, 2019-06-05, a season "
    "2019-21..24, 201X, 19XX, Y12345, with ? ~ or % at the end, or two such joined by '/'.",
    SLUG: "Not a slug: lower-case letters and digits, in words joined by '-'.",
    patterns.NOT_PADDED: "Empty, or white space at either end.",
    patterns.DECIMAL: "Not a number.",
}
#: An unquoted year an editor reads as a number.
YEAR_NUMBER: Final = {"minimum": -9999, "maximum": 9999}


def curated_schema(
    kind: str, extra_terms: Mapping[str, Vocabulary] | None = None
) -> dict[str, Any]:
    """The JSON Schema of one kind of curated file (``dataset``, ``sources``, ``events``...).

    ``extra_terms`` (vocabulary name -> term -> definition) are a dataset's declared terms:
    they extend the core enums.
    """
    file = CURATED_FILES[kind]
    defs: dict[str, Any] = {}
    record = _record(file.record, extra_terms or {}, defs)
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"chrono {file.path}",
        "description": f"{file.description} Generated from chrono's data model.",
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


def _record(kind: str, extra: Mapping[str, Vocabulary], defs: dict[str, Any]) -> dict[str, Any]:
    rules = RULES[kind]
    properties = {}
    for name, rule in rules.items():
        where = f"{kind}.{name}"
        if not rule.describe():
            raise SchemaError(f"{where}: no description (give the rule one, or a column)")
        if not rule.examples:
            raise SchemaError(f"{where}: no examples (add them to chrono.model.curated.RULES)")
        if rule.items and rule.items != "text":
            if rule.items not in RULES:
                raise SchemaError(f"{where}: a list of {rule.items!r}, which is no record kind")
            defs.setdefault(rule.items, _record(rule.items, extra, defs))
        properties[name] = field_schema(where, rule, extra)
    out: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": [n for n, r in rules.items() if r.required],
        "properties": properties,
    }
    if kind == "claim":
        out["allOf"] = _claim_conditions(extra)
    return out


def field_schema(where: str, rule: FieldRule, extra: Mapping[str, Vocabulary]) -> dict[str, Any]:
    """The schema of one field, with its description and examples."""
    _check_column(where, rule)
    null = [] if rule.required else ["null"]
    text = rule.describe()
    if rule.vocabulary:
        text += f" Vocabulary: {rule.vocabulary}."
    if rule.default is not None:
        text += f" Default: {rule.default}."
    out: dict[str, Any] = {"description": text}
    if rule.items:
        out["type"] = ["array", *null]
        if rule.items == "text":
            out["items"] = {
                "type": ["string", "number", "boolean"],
                "pattern": patterns.NOT_PADDED,
                "patternErrorMessage": PATTERN_MESSAGES[patterns.NOT_PADDED],
            }
        else:
            out["items"] = {"$ref": f"#/$defs/{rule.items}"}
            out["uniqueItems"] = True
    elif rule.vocabulary:
        terms = vocabulary(where, rule.vocabulary, extra)
        out["enum"] = [*terms, *([None] if null else [])]
        out["enumDescriptions"] = [*terms.values(), *(["No value."] if null else [])]
    elif rule.edtf:
        out.update(edtf(null))
    elif rule.slug:
        out.update({"type": ["string", "integer", *null], "pattern": patterns.ecma(where, SLUG)})
        out["minimum"] = 0
    elif rule.pattern:
        out.update({"type": ["string", *null], "pattern": patterns.ecma(where, rule.pattern)})
    elif rule.number:
        out.update({"type": ["number", "string", *null], "pattern": patterns.DECIMAL})
    else:
        out.update({"type": ["string", "number", "boolean", *null]})
        out["pattern"] = patterns.NOT_PADDED
    if out.get("pattern") in PATTERN_MESSAGES:
        out["patternErrorMessage"] = PATTERN_MESSAGES[out["pattern"]]
    if rule.default is not None:
        out["default"] = rule.default
    out["examples"] = list(rule.examples)
    return out


def edtf(null: list[str]) -> dict[str, Any]:
    """An EDTF value: text matching :data:`patterns.EDTF`, or an unquoted year."""
    return {
        "type": ["string", "integer", *null],
        "pattern": patterns.EDTF,
        "patternErrorMessage": PATTERN_MESSAGES[patterns.EDTF],
        **YEAR_NUMBER,
    }


def vocabulary(where: str, name: str, extra: Mapping[str, Vocabulary]) -> dict[str, str]:
    """Core then declared terms of a vocabulary, with their definitions."""
    if name not in vocab.VOCABULARIES:
        raise SchemaError(f"{where}: vocabulary {name!r} is not defined in chrono.model.vocab")
    terms = dict(vocab.VOCABULARIES[name])
    for term, definition in extra.get(name, {}).items():
        terms.setdefault(term, definition)
    return terms


def _check_column(where: str, rule: FieldRule) -> None:
    """A field and the column it compiles to agree on vocabulary, EDTF and pattern."""
    if rule.column is None:
        return
    try:
        column = table_column(rule.column)
    except KeyError:
        raise SchemaError(f"{where}: column {rule.column!r} is not in the model") from None
    pattern = SLUG if rule.slug else rule.pattern
    checks = (
        ("vocabulary", rule.vocabulary, column.vocabulary),
        ("edtf", rule.edtf, column.edtf),
        ("pattern", pattern, column.pattern if column.pattern else pattern),
    )
    for what, mine, theirs in checks:
        if mine != theirs:
            raise SchemaError(
                f"{where}: {what} {mine!r} differs from that of column {rule.column} ({theirs!r})"
            )


def _claim_conditions(extra: Mapping[str, Vocabulary]) -> list[dict[str, Any]]:
    """What a claim's value must be, by property (as the build checks it)."""

    def when(prop: Any, then: dict[str, Any]) -> dict[str, Any]:
        return {"if": {"required": ["property"], "properties": {"property": prop}}, "then": then}

    event_types = vocabulary("claim.value", "event_type", extra)
    return [
        when({"const": "occurrence"}, {"properties": {"value": {"type": "null"}}}),
        when(
            {"not": {"const": "occurrence"}},
            {"required": ["value"], "properties": {"value": {"not": {"type": "null"}}}},
        ),
        when({"const": "date"}, {"properties": {"value": edtf([])}}),
        when({"const": "type"}, {"properties": {"value": {"enum": list(event_types)}}}),
    ]
