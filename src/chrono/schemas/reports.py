"""The JSON Schemas of the reports (``chrono validate --format json``, ``chrono diff --format
json``), generated with the parts the code defines: the rule codes of the catalogue, the
severities, the tables, the date-change classes and the format versions. ``chrono schemas``
writes them to ``schemas/`` and ``chrono schemas --check`` fails when they drift.
"""

from __future__ import annotations

from typing import Any

from chrono.diffing.core import DATE_CLASSES
from chrono.diffing.dataset import FORMAT_VERSION
from chrono.diffing.metadata import CITED, ORDER
from chrono.model.tables import TABLE_NAMES
from chrono.validation.report import REPORT_VERSION
from chrono.validation.rules import ERROR, RULES, WARNING

FILES = ("validate-report.schema.json", "diff-report.schema.json")


def validate_report() -> dict[str, Any]:
    """The schema of ``chrono validate --format json`` (``Report.to_dict`` in a list)."""
    CODE = {"enum": sorted(RULES), "description": "A rule code of chrono rules."}
    SEVERITY = {"enum": [ERROR, WARNING]}
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "chrono validate --format json report, version 1",
        "type": "object",
        "required": ["version", "valid", "datasets"],
        "additionalProperties": False,
        "properties": {
            "version": {
                "const": REPORT_VERSION,
                "description": "Shape version; bumped on any incompatible change.",
            },
            "valid": {
                "type": "boolean",
                "description": "Every dataset readable and without errors (under strict, "
                "without warnings either).",
            },
            "strict": {
                "type": "boolean",
                "description": "chrono validate --strict: warnings fail too, and a dataset "
                "with warnings is not valid.",
            },
            "datasets": {"type": "array", "items": {"$ref": "#/$defs/dataset"}},
        },
        "$defs": {
            "dataset": {
                "type": "object",
                "required": ["dataset", "path", "valid", "fatal", "counts", "rules"],
                "additionalProperties": False,
                "properties": {
                    "dataset": {
                        "type": "string",
                        "description": "The descriptor's name (else the folder).",
                    },
                    "path": {"type": "string"},
                    "valid": {
                        "type": "boolean",
                        "description": "Readable and without errors (under strict, without "
                        "warnings either).",
                    },
                    "fatal": {
                        "type": ["string", "null"],
                        "description": "Why the input could not be read (exit 3).",
                    },
                    "counts": {
                        "type": "object",
                        "required": ["error", "warning"],
                        "additionalProperties": False,
                        "properties": {
                            "error": {"type": "integer", "minimum": 0},
                            "warning": {"type": "integer", "minimum": 0},
                        },
                    },
                    "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}},
                    "notes": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Informational lines, not "
                        "findings (e.g. checks skipped "
                        "for lack of input); they never "
                        "affect validity or the exit "
                        "code.",
                    },
                },
            },
            "rule": {
                "type": "object",
                "required": ["code", "severity", "title", "count", "examples"],
                "additionalProperties": False,
                "properties": {
                    "code": CODE,
                    "severity": SEVERITY,
                    "title": {"type": "string"},
                    "count": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "Exact number of findings.",
                    },
                    "examples": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
                },
            },
            "finding": {
                "type": "object",
                "required": [
                    "code",
                    "severity",
                    "table",
                    "key",
                    "column",
                    "value",
                    "message",
                    "file",
                    "line",
                    "col",
                ],
                "additionalProperties": False,
                "properties": {
                    "code": CODE,
                    "severity": SEVERITY,
                    "table": {"type": ["string", "null"]},
                    "key": {
                        "type": ["array", "null"],
                        "items": {"type": "string"},
                        "description": "Primary key values of the row.",
                    },
                    "column": {"type": ["string", "null"]},
                    "value": {"description": "The offending value (dates as ISO text)."},
                    "message": {"type": "string"},
                    "file": {
                        "type": ["string", "null"],
                        "description": "Curated YAML file where known, else the Parquet file.",
                    },
                    "line": {"type": ["integer", "null"], "minimum": 1},
                    "col": {
                        "type": ["integer", "null"],
                        "minimum": 1,
                        "description": "Column of the field in that line "
                        "of a curated YAML file "
                        "(1-based).",
                    },
                },
            },
        },
    }
    return schema


def diff_report() -> dict[str, Any]:
    """The schema of ``chrono diff --format json`` (``DatasetDiff.to_dict``)."""
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "chrono diff report",
        "description": "Output of `chrono diff --format json` and of DatasetDiff.to_dict(), "
        "format_version 1. Keys and row values are JSON values: dates as ISO strings "
        "(YYYY-MM-DD, with a sign outside 0000-9999), vocabulary terms as strings, "
        "null for missing. Lists are ordered: tables in model order; added, removed "
        "and changed rows by their (new) key; renamed rows by their old key; "
        "provenance by event id.",
        "type": "object",
        "required": [
            "format_version",
            "old",
            "new",
            "is_empty",
            "ignored",
            "notes",
            "metadata",
            "tables",
            "provenance",
        ],
        "additionalProperties": False,
        "properties": {
            "format_version": {"const": FORMAT_VERSION},
            "old": {
                "type": "string",
                "description": "The old side as given (path, or REV:path for a git revision).",
            },
            "new": {"type": "string"},
            "is_empty": {"type": "boolean"},
            "ignored": {
                "type": "array",
                "items": {"type": "string"},
                "description": "--ignore columns, sorted.",
            },
            "notes": {
                "type": "array",
                "items": {"type": "string"},
                "description": "How a side was read when it was not its Parquet as "
                "is: a curated dataset whose Parquet is stale (or not "
                "built) is compared as its YAML sources say, built in "
                "memory.",
            },
            "metadata": {
                "type": "array",
                "items": {"$ref": "#/$defs/metadata_change"},
                "description": "Dataset metadata that changed, in this order: "
                f"{', '.join(ORDER)}, other properties by name, then each declared "
                "term added, removed or redefined (vocabularies.<vocabulary>.<term>). "
                "The properties are datapackage.json's but resources, sources, "
                "profile and the chrono block, and what a citation takes from that "
                f"block ({', '.join(CITED)}). Empty when a side is a single table or "
                "--table narrows the diff.",
            },
            "tables": {"type": "array", "items": {"$ref": "#/$defs/table"}},
            "provenance": {"type": "array", "items": {"$ref": "#/$defs/provenance"}},
        },
        "$defs": {
            "value": {"type": ["string", "number", "boolean", "null"]},
            "key": {
                "type": "object",
                "additionalProperties": {"$ref": "#/$defs/value"},
                "minProperties": 1,
            },
            "fields": {
                "type": "object",
                "description": "Changed columns: old and new value.",
                "additionalProperties": {
                    "type": "object",
                    "required": ["old", "new"],
                    "additionalProperties": False,
                    "properties": {
                        "old": {"$ref": "#/$defs/value"},
                        "new": {"$ref": "#/$defs/value"},
                    },
                },
            },
            "date_class": {"enum": list(DATE_CLASSES[1:])},
            "count": {"type": "integer", "minimum": 0},
            "table": {
                "type": "object",
                "required": [
                    "name",
                    "primary_key",
                    "counts",
                    "date_changes",
                    "truncated",
                    "schema_changes",
                    "added",
                    "removed",
                    "changed",
                    "renamed",
                ],
                "additionalProperties": False,
                "properties": {
                    "name": {"enum": list(TABLE_NAMES)},
                    "primary_key": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "counts": {
                        "type": "object",
                        "description": "Exact counts, whatever the row limit.",
                        "required": ["added", "removed", "changed", "renamed", "schema_changes"],
                        "additionalProperties": False,
                        "properties": {
                            "added": {"$ref": "#/$defs/count"},
                            "removed": {"$ref": "#/$defs/count"},
                            "changed": {"$ref": "#/$defs/count"},
                            "renamed": {"$ref": "#/$defs/count"},
                            "schema_changes": {"$ref": "#/$defs/count"},
                        },
                    },
                    "date_changes": {
                        "type": "object",
                        "description": "Per EDTF column: how many "
                        "changed rows fall in each "
                        "date change class.",
                        "additionalProperties": {
                            "type": "object",
                            "propertyNames": {"$ref": "#/$defs/date_class"},
                            "additionalProperties": {"$ref": "#/$defs/count"},
                        },
                    },
                    "truncated": {
                        "type": "boolean",
                        "description": "True when a row limit left rows unlisted.",
                    },
                    "schema_changes": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["column", "change", "old_type", "new_type"],
                            "additionalProperties": False,
                            "properties": {
                                "column": {"type": "string"},
                                "change": {"enum": ["added", "removed", "retyped"]},
                                "old_type": {"type": ["string", "null"]},
                                "new_type": {"type": ["string", "null"]},
                            },
                        },
                    },
                    "added": {"type": "array", "items": {"$ref": "#/$defs/row"}},
                    "removed": {"type": "array", "items": {"$ref": "#/$defs/row"}},
                    "changed": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "fields"],
                            "additionalProperties": False,
                            "properties": {
                                "key": {"$ref": "#/$defs/key"},
                                "old_key": {
                                    "$ref": "#/$defs/key",
                                    "description": "Present "
                                    "when "
                                    "the "
                                    "row "
                                    "was "
                                    "matched "
                                    "through "
                                    "an "
                                    "event "
                                    "rename.",
                                },
                                "fields": {"$ref": "#/$defs/fields"},
                                "date_changes": {
                                    "type": "object",
                                    "additionalProperties": {"$ref": "#/$defs/date_class"},
                                },
                            },
                        },
                    },
                    "renamed": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["old_key", "new_key", "fields"],
                            "additionalProperties": False,
                            "properties": {
                                "old_key": {"$ref": "#/$defs/key"},
                                "new_key": {"$ref": "#/$defs/key"},
                                "fields": {
                                    "$ref": "#/$defs/fields",
                                    "description": "Columns "
                                    "that "
                                    "follow "
                                    "the "
                                    "rename "
                                    "(claims.event_id).",
                                },
                            },
                        },
                    },
                },
            },
            "row": {
                "type": "object",
                "required": ["key", "row"],
                "additionalProperties": False,
                "properties": {
                    "key": {"$ref": "#/$defs/key"},
                    "row": {"type": "object", "additionalProperties": {"$ref": "#/$defs/value"}},
                },
            },
            "provenance": {
                "type": "object",
                "required": ["event_id", "event_change", "provenance_only", "claims", "sources"],
                "additionalProperties": False,
                "properties": {
                    "event_id": {"type": "string"},
                    "event_change": {"enum": ["changed", "added", "removed", "renamed", None]},
                    "provenance_only": {
                        "type": "boolean",
                        "description": "The event row itself did not change.",
                    },
                    "claims": {
                        "type": "object",
                        "propertyNames": {"enum": ["added", "removed", "changed"]},
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                    "sources": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Changed, added or removed "
                        "sources cited by the "
                        "event's claims.",
                    },
                },
            },
            "metadata_change": {
                "type": "object",
                "required": ["field", "old", "new"],
                "additionalProperties": False,
                "properties": {
                    "field": {"type": "string"},
                    "old": {"description": "The old value as in the descriptor (null: absent)."},
                    "new": {"description": "The new value (null: absent)."},
                },
            },
        },
    }
    return schema


def generate() -> dict[str, dict[str, Any]]:
    """File name -> schema, for ``schemas/``."""
    return {FILES[0]: validate_report(), FILES[1]: diff_report()}
