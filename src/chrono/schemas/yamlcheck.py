"""Check curated YAML against the curated-file JSON Schemas alone (``validate --schema-only``).

Each file is read as the build reads it (every scalar but null is text) while keeping where
every key and value stands, validated against its kind's schema, and each problem becomes
``file:line:column: CODE message``. Nothing here reads another file, so what only the build
can see (unknown ids, ids unique across files) is not reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from chrono.curation import EVENTS_DIR, TextLoader, curated_files
from chrono.model import patterns
from chrono.model.curated import CURATED_FILES, RULES
from chrono.model.curated_schema import curated_schema
from chrono.model.tables import SLUG
from chrono.model.vocab import Vocabulary

#: Problem codes (placeholders, to be aligned with the build's curation codes).
CODES: Final = {
    "yaml": "CHR130",  # malformed YAML, a duplicate key, a key that is not text
    "unknown": "CHR131",  # a field the record does not have
    "missing": "CHR132",  # a required field absent or null
    "type": "CHR133",  # a list or mapping where a single value goes, and the reverse
    "padded": "CHR134",  # empty text, or white space at either end
    "pattern": "CHR135",  # not a slug, a locator, a version, a number...
    "vocabulary": "CHR136",  # not a term of the field's vocabulary
    "edtf": "CHR137",  # not an EDTF date
    "claim": "CHR138",  # a claim's value does not fit its property
    "duplicate": "CHR139",  # the same participant or claim twice
}


class UnreadableError(Exception):
    """A file that cannot be read at all; the message is one line."""


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"


Path_ = tuple[Any, ...]  # a JSON pointer as a tuple of keys and indexes
Where = tuple[int, int]


@dataclass
class _Located:
    """A YAML document as the build reads it, with where each node and key stands."""

    value: Any
    nodes: dict[Path_, Where]
    keys: dict[Path_, Where]
    problems: list[tuple[Where, str, str]]


def _where(node: yaml.Node) -> Where:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _walk(node: yaml.Node, path: Path_, doc: _Located) -> Any:
    doc.nodes[path] = _where(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            key = knode.value if isinstance(knode, yaml.ScalarNode) else None
            if key is None or knode.tag == "tag:yaml.org,2002:null":
                doc.problems.append((_where(knode), "yaml", "a mapping key must be text"))
                continue
            if key in out:
                doc.problems.append((_where(knode), "yaml", f"duplicate key {key!r}"))
                continue
            doc.keys[(*path, key)] = _where(knode)
            out[key] = _walk(vnode, (*path, key), doc)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(n, (*path, i), doc) for i, n in enumerate(node.value)]
    return None if node.tag == "tag:yaml.org,2002:null" else node.value


class _FastTextLoader(getattr(yaml, "CSafeLoader", TextLoader)):  # type: ignore[misc]
    """The build's loader on libyaml's parser, when PyYAML has it (some 20 times faster)."""

    yaml_implicit_resolvers = TextLoader.yaml_implicit_resolvers


def load(text: str) -> _Located:
    """Parse YAML text as the build does, keeping positions; malformed YAML is a problem."""
    doc = _Located(None, {(): (1, 1)}, {}, [])
    try:
        node = yaml.compose(text, Loader=_FastTextLoader)
    except yaml.YAMLError:  # the build's own parser says what is wrong, in its words
        return _load_slowly(text, doc)
    if node is not None:
        doc.value = _walk(node, (), doc)
    return doc


def _load_slowly(text: str, doc: _Located) -> _Located:
    try:
        node = yaml.compose(text, Loader=TextLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append((where, "yaml", f"malformed YAML: {exc.problem}"))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(((1, 1), "yaml", f"malformed YAML: {exc}"))
        return doc
    if node is not None:
        doc.value = _walk(node, (), doc)
    return doc


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema import ValidationError

    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> Any:
    return patterns.python(pattern)


def _freeze(extra: Mapping[str, Vocabulary] | None) -> tuple[Any, ...]:
    return tuple(sorted((k, tuple(v.items())) for k, v in (extra or {}).items()))


@lru_cache(maxsize=32)
def _validator(kind: str, extra: tuple[Any, ...]) -> Any:
    from jsonschema import Draft202012Validator, validators

    cls = validators.extend(Draft202012Validator, {"pattern": _pattern})
    terms = {name: dict(items) for name, items in extra}
    return cls(curated_schema(kind, terms))


def file_kind(path: Path) -> str | None:
    """The kind of curated file ``path`` is, from its name and folder; None if none."""
    if path.suffix != ".yaml":
        return None
    in_events = path.parent.name == EVENTS_DIR
    if in_events and (path.parent.parent / "dataset.yaml").is_file():
        return "events"
    for kind, spec in CURATED_FILES.items():
        if spec.path == path.name:
            return kind
    return "events" if in_events else None


def check_file(
    path: Path, kind: str, name: str, extra_terms: Mapping[str, Vocabulary] | None = None
) -> list[Problem]:
    """Every problem the schema of ``kind`` finds in one file; ``name`` is how it is shown."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableError(f"{name}: not UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise UnreadableError(f"{name}: cannot read ({exc.strerror})") from None
    doc = load(text)
    found = {Problem(name, *where, CODES[code], msg) for where, code, msg in doc.problems}
    if not doc.problems:
        for error in _validator(kind, _freeze(extra_terms)).iter_errors(doc.value):
            for where, code, msg in _explain(kind, error, doc):
                found.add(Problem(name, *where, CODES[code], msg))
    return sorted(found)


def check_dataset(
    root: Path, label: str | None = None, extra_terms: Mapping[str, Vocabulary] | None = None
) -> tuple[int, list[Problem]]:
    """(files checked, problems) for every curated file of the dataset at ``root``."""
    files = curated_files(root)
    problems: list[Problem] = []
    for path in files:
        kind = file_kind(path)
        if kind is None:  # pragma: no cover - curated_files lists curated files only
            continue
        name = (Path(label) if label else root).joinpath(path.relative_to(root)).as_posix()
        problems += check_file(path, kind, name, extra_terms)
    return len(files), problems


def _rule_at(kind: str, path: Path_) -> tuple[str | None, str | None]:
    """(record kind, field) a JSON pointer lands on in a file of ``kind``."""
    spec = CURATED_FILES[kind]
    record, rest = spec.record, list(path)
    if spec.many:
        if not rest:
            return None, None
        rest.pop(0)
    while rest:
        field = str(rest.pop(0))
        rule = RULES[record].get(field)
        if rule is None or not rule.items or rule.items == "text" or not rest:
            return record, field
        rest.pop(0)
        record = rule.items
    return record, None


def _explain(kind: str, error: Any, doc: _Located) -> Iterator[tuple[Where, str, str]]:
    """What a schema error means, in the build's words, and where it is."""
    path: Path_ = tuple(error.absolute_path)
    at = doc.nodes.get(path, (1, 1))
    record, field = _rule_at(kind, path)
    value, keyword = error.instance, error.validator
    in_then = "then" in error.schema_path
    if keyword == "additionalProperties":
        allowed = ", ".join(error.schema["properties"])
        for key in value:
            if key not in error.schema["properties"]:
                where = doc.keys.get((*path, key), at)
                yield where, "unknown", f"unknown field {key!r} (allowed: {allowed})"
    elif keyword == "required":
        for name in error.validator_value:
            if name in value:
                continue
            if in_then:
                yield at, "claim", f"a {value.get('property')} claim needs a value"
            else:
                yield at, "missing", f"required field {name!r} is missing"
    elif keyword == "not" and in_then:
        claim = _get(doc.value, path[:-1])
        yield at, "claim", f"a {claim.get('property')} claim needs a value"
    elif keyword == "type" and in_then:
        yield at, "claim", "an occurrence claim has no value"
    elif keyword == "type" and value is None:
        yield doc.keys.get(path, at), "missing", f"required field {field!r} is missing"
    elif keyword == "type":
        yield at, "type", _type_message(error.validator_value, record, field, kind)
    elif keyword == "enum":
        terms = ", ".join(t for t in error.validator_value if t is not None)
        vocabulary = "event_type" if in_then else RULES[record or ""][field or ""].vocabulary
        code = "claim" if in_then else "vocabulary"
        yield at, code, f"{value!r} is not a term of the {vocabulary} vocabulary ({terms})"
    elif keyword == "uniqueItems":
        for i, item in enumerate(value):
            if item in value[:i]:
                first = doc.nodes.get((*path, value.index(item)), at)[0]
                where = doc.nodes.get((*path, i), at)
                item_kind = RULES[record or ""][field or ""].items
                yield where, "duplicate", f"duplicate {item_kind} (the same as line {first})"
    elif keyword in ("pattern", "minimum", "maximum"):
        yield at, *_pattern_message(error.schema.get("pattern"), value)
    else:  # pragma: no cover - every keyword the generator emits is handled above
        yield at, "type", error.message


def _get(value: Any, path: Path_) -> Any:
    for step in path:
        value = value[step]
    return value


def _type_message(expected: Any, record: str | None, field: str | None, kind: str) -> str:
    types = [expected] if isinstance(expected, str) else list(expected)
    if record is None:
        return f"must be a list of {CURATED_FILES[kind].record} records"
    if field is None:
        return f"{'an' if record[0] in 'aeiou' else 'a'} {record} must be a mapping"
    if "array" in types:
        return "must be a list"
    if "object" in types:
        return "must be a mapping"
    return "must be a single value, not a list or mapping"


def _pattern_message(pattern: str | None, value: Any) -> tuple[str, str]:
    if pattern == patterns.NOT_PADDED:
        return "padded", "empty or padded with white space"
    if pattern == patterns.EDTF:
        return "edtf", f"invalid EDTF: {value!r} is not an EDTF date chrono supports"
    if pattern == SLUG:
        return "pattern", f"{value!r} is not a slug (lower-case letters, digits, '-')"
    if pattern == patterns.DECIMAL:
        return "pattern", f"{value!r} is not a number"
    return "pattern", f"{value!r} does not match {pattern}"
