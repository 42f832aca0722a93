"""Check curated YAML against the curated-file JSON Schemas alone (``validate --schema-only``).

Each file is read as the build reads it (every scalar but null is text) while keeping where
every key, value and list item stands, validated against its kind's schema, and each problem
becomes ``file:line:column: CODE message`` with the code and, mostly, the words of the build.
Nothing here reads another file (but ``dataset.yaml``, for the terms it declares), so what
only the build can see (unknown ids, ids unique across files) is not reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from chrono import safeio
from chrono.curation import EVENTS_DIR, Problem, curated_files, yaml_loader
from chrono.model import dates, locators, patterns, vocab
from chrono.model.curated import fields
from chrono.model.curated_schema import ACTOR_IDS, KINDS, curated_schema
from chrono.model.tables import SLUG
from chrono.model.vocabularies import (
    CORE,
    MAX_DEFINITION,
    Vocabularies,
    declaration_problems,
)


class UnreadableError(Exception):
    """A file that cannot be read at all; the message is one line."""


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


def load(text: str) -> _Located:
    """Parse YAML text as the build does (its loader: libyaml's parser where PyYAML has it),
    keeping positions; malformed YAML is a problem, in the build's words."""
    doc = _Located(None, {(): (1, 1)}, {}, [])
    try:
        node = yaml.compose(text, Loader=yaml_loader())
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


@lru_cache(maxsize=32)
def _validator(kind: str, terms: Vocabularies) -> Any:
    from jsonschema import Draft202012Validator, validators

    cls = validators.extend(Draft202012Validator, {"pattern": _pattern})
    return cls(curated_schema(kind, terms))


def file_kind(path: Path) -> str | None:
    """The kind of curated file ``path`` is, from its name and folder; None if none."""
    if path.suffix != ".yaml":
        return None
    in_events = path.parent.name == EVENTS_DIR
    if in_events and (path.parent.parent / "dataset.yaml").is_file():
        return "event"
    for kind, spec in KINDS.items():
        if spec.path == path.name:
            return kind
    return "event" if in_events else None


def declared_terms(root: Path) -> Vocabularies:
    """The vocabularies ``root/dataset.yaml`` declares (core only if none, or if they are
    not allowed: the dataset.yaml check reports that)."""
    try:
        blob = safeio.read_bytes(root / "dataset.yaml", kind="yaml", root=root)
        doc = load(blob.decode("utf-8"))
    except (safeio.InputError, UnicodeDecodeError):
        return CORE
    declared = doc.value.get("vocabularies") if isinstance(doc.value, dict) else None
    if not isinstance(declared, Mapping) or declaration_problems(declared):
        return CORE
    return Vocabularies(declared)


def check_file(
    path: Path, kind: str, name: str, terms: Vocabularies | None = None
) -> list[Problem]:
    """Every problem the schema of ``kind`` finds in one file; ``name`` is how it is shown."""
    root = path.parent.parent if kind == "event" else path.parent
    if terms is None:
        terms = declared_terms(root)
    try:  # a regular file inside the dataset, under the size cap (chrono.safeio)
        text = safeio.read_bytes(path, kind="yaml", root=root).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableError(f"{name}: not UTF-8 ({exc.reason})") from None
    except safeio.InputError as exc:
        raise UnreadableError(f"{name}: {str(exc).split(': ', 1)[-1]}") from None
    doc = load(text)
    found = {Problem(name, *where, "CHR110", msg) for where, _, msg in doc.problems}
    if not doc.problems:
        for error in _validator(kind, terms).iter_errors(doc.value):
            for where, code, msg in _explain(kind, error, doc, terms):
                found.add(Problem(name, *where, code, msg))
    return sorted(found)


def check_dataset(root: Path, label: str | None = None) -> tuple[int, list[Problem]]:
    """(files checked, problems) for every curated file of the dataset at ``root``."""
    terms = declared_terms(root)
    files = [p for p in curated_files(root) if file_kind(p) is not None]
    problems: list[Problem] = []
    for path in files:
        name = (Path(label) if label else root).joinpath(path.relative_to(root)).as_posix()
        problems += check_file(path, file_kind(path) or "", name, terms)
    return len(files), problems


def _rule_at(kind: str, path: Path_) -> tuple[str | None, str | None, int | None]:
    """(record kind, field, item number) a JSON pointer lands on in a file of ``kind``."""
    spec = KINDS[kind]
    record, rest, item = spec.record, list(path), None
    if spec.many:
        if not rest:
            return None, None, None
        item = int(rest.pop(0)) + 1
    while rest:
        name = str(rest.pop(0))
        f = fields(record).get(name)
        if f is None or not f.items or f.items == "text" or not rest:
            return record, name, item
        item = int(rest.pop(0)) + 1
        record = f.items
    return record, None, item


def _explain(
    kind: str, error: Any, doc: _Located, terms: Vocabularies
) -> Iterator[tuple[Where, str, str]]:
    """What a schema error means, in the build's words, and where it is."""
    path: Path_ = tuple(error.absolute_path)
    at = doc.nodes.get(path, (1, 1))
    record, name, item = _rule_at(kind, path)
    value, keyword = error.instance, error.validator
    field = f"field {name!r}: " if name else ""
    in_then = "then" in error.schema_path
    if name == "vocabularies" and (len(path) > 1 or keyword != "type"):
        for where, message in _declared(error, path, doc):
            yield where, "CHR502", f"vocabularies: {message}"
    elif keyword == "additionalProperties":
        allowed = ", ".join(error.schema["properties"])
        for key in value:
            if key not in error.schema["properties"]:
                where = doc.keys.get((*path, key), at)
                yield where, "CHR105", f"field {key!r}: unknown field (allowed: {allowed})"
    elif keyword == "required":
        for missing in error.validator_value:
            if missing in value:
                continue
            if in_then:
                yield at, "CHR116", f"field 'value': a {value.get('property')} claim needs a value"
            else:
                yield at, "CHR104", f"field {missing!r}: required field is missing"
    elif keyword == "not" and in_then:
        claim = _get(doc.value, path[:-1])
        where = doc.nodes.get(path[:-1], at)
        yield where, "CHR116", f"field 'value': a {claim.get('property')} claim needs a value"
    elif keyword == "type" and in_then and name == "calendar":
        prop = _get(doc.value, path[:-1]).get("property")
        yield at, "CHR116", f"{field}only a date claim has a calendar, not a {prop} claim"
    elif keyword == "type" and in_then:
        yield at, "CHR116", f"{field}an occurrence claim has no value"
    elif keyword == "type" and value is None:
        where = doc.nodes.get(path[:-1], at)
        yield where, "CHR104", f"{field}required field is missing"
    elif keyword == "type":
        yield at, "CHR103", _type_message(error.validator_value, record, name, item, kind)
    elif keyword == "enum":
        vocabulary = "event_type" if in_then else fields(record or "")[name or ""].vocabulary
        yield at, "CHR501", field + _not_a_term(value, vocabulary or "", terms)
    elif keyword == "uniqueItems":
        for i, entry in enumerate(value):
            if entry in value[:i]:
                where = doc.nodes.get((*path, i), at)
                yield where, "CHR201", _duplicate(name, entry, doc.nodes.get((*path, 0), at))
    elif keyword in ("pattern", "minimum", "maximum"):
        code, message = _pattern_message(error.schema.get("pattern"), value, name)
        if name == "keywords":
            yield doc.nodes.get(path[:-1], at), code, f"{field}item {path[-1] + 1} must be text"
        else:
            yield at, code, field + message
    else:  # pragma: no cover - every keyword the generator emits is handled above
        yield at, "CHR103", field + error.message


def _get(value: Any, path: Path_) -> Any:
    for step in path:
        value = value[step]
    return value


def _type_message(
    expected: Any, record: str | None, name: str | None, item: int | None, kind: str
) -> str:
    types = [expected] if isinstance(expected, str) else list(expected)
    if record is None:
        return f"must be a list of {KINDS[kind].record} records"
    if name is None:
        what = f"{record} {item}" if item else "an event file" if record == "event" else kind
        return f"{what} must be a mapping of fields"
    if "array" in types:
        return f"field {name!r}: must be a list"
    if "object" in types:
        return f"field {name!r}: must be a mapping"
    return f"field {name!r}: must be a single value, not a list or mapping"


def _not_a_term(value: Any, vocabulary: str, terms: Vocabularies) -> str:
    listed = ", ".join(terms.terms(vocabulary))
    message = f"{value!r} is not a term of the {vocabulary} vocabulary ({listed})"
    if vocabulary in vocab.EXTENSIBLE:
        message += f"; declare a new term in dataset.yaml under vocabularies: {vocabulary}:"
    return message


def _duplicate(name: str | None, entry: Any, first: Where) -> str:
    if name == "participants" and isinstance(entry, dict):
        return f"duplicate participant {entry.get('actor')!r} as {entry.get('role')!r}"
    return f"duplicate {name} entry: the same as one before it"


def _pattern_message(pattern: str | None, value: Any, name: str | None) -> tuple[str, str]:
    if pattern == patterns.NOT_PADDED:
        return "CHR112", "empty or padded with white space"
    if pattern == patterns.EDTF:
        try:
            dates.parse(str(value))
        except dates.EDTFError as exc:
            return "CHR301", f"invalid EDTF: {exc}"
        return "CHR301", f"invalid EDTF: {value!r} is not a year of four digits"
    if pattern == SLUG:
        return "CHR106", f"{value!r} is not a slug (lower-case letters, digits, '-')"
    if pattern == patterns.DECIMAL:
        return "CHR103", f"{value!r} is not a number"
    if pattern == ACTOR_IDS:
        return "CHR202", f"{value!r} is not actor ids joined by ';'"
    if name == "locator":
        try:
            locators.parse(str(value))
        except locators.LocatorError as exc:
            return "CHR106", str(exc)
    if pattern is None:  # a number out of range
        return "CHR107", f"{value!r} is out of range"
    return "CHR106", f"{value!r} does not match {pattern}"


def _declared(error: Any, path: Path_, doc: _Located) -> Iterator[tuple[Where, str]]:
    """Problems of ``vocabularies:`` in dataset.yaml, where and as the build words them."""
    keyword, value = error.validator, error.instance
    at = doc.nodes.get(path, (1, 1))
    if keyword == "additionalProperties":
        for name in value:
            if name in error.schema["properties"]:
                continue
            where = doc.keys.get((*path, name), at)
            if name in vocab.VOCABULARIES:
                reason = vocab.CLOSED_BECAUSE[name]
                yield where, f"the {name} vocabulary cannot be extended: {reason}"
            else:
                extensible = ", ".join(sorted(vocab.EXTENSIBLE))
                yield where, f"no vocabulary {name!r} (extensible: {extensible})"
    elif "propertyNames" in error.schema_path:
        where = doc.keys.get((*path, value), at)
        core = vocab.VOCABULARIES[path[-1]]
        if value in core:
            yield (
                where,
                (
                    f"{value!r} is a core term of {path[-1]} and cannot be redefined "
                    f"(core: {core[value]})"
                ),
            )
        else:
            yield (
                where,
                (
                    f"{value!r} is not a term name (lower-case words joined by '_', "
                    "e.g. peace_treaty)"
                ),
            )
    elif keyword == "minProperties" or len(path) < 3:
        yield at, "must map each new term to its definition"
    elif keyword == "type":
        yield doc.keys.get(path, at), f"the new term {path[-1]!r} needs a definition (text)"
    else:
        yield (
            doc.keys.get(path, at),
            (
                f"the definition of {path[-1]!r} must be text without surrounding white space, "
                f"at most {MAX_DEFINITION} characters"
            ),
        )
