"""Reading the curated YAML sources of a dataset into checked rows (docs/curation.md).

Every problem raises :class:`CurationError`, whose message is one line naming the file,
line, record and field. Dates stay text: the loader resolves no YAML scalar except null.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chrono.model import dates, vocab
from chrono.model.tables import LOCATOR, SLUG

CURATED_FILES = ("dataset.yaml", "sources.yaml", "actors.yaml", "places.yaml")
EVENTS_DIR = "events"
_SLUG = re.compile(SLUG)
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")


class CurationError(ValueError):
    """A problem in a curated source file; ``str()`` is the one-line message."""

    def __init__(
        self, file: str, line: int | None, record: str | None, fld: str | None, message: str
    ) -> None:
        self.file, self.line, self.record, self.field = file, line, record, fld
        where = f"{file}:{line}" if line else file
        parts = [where]
        if record:
            parts.append(f"record {record!r}")
        if fld:
            parts.append(f"field {fld!r}")
        super().__init__(": ".join([*parts, message]))


class _Map(dict[str, Any]):
    """A YAML mapping that remembers where it and each of its keys stand."""

    line: int
    lines: dict[str, int]


_NULL_TAG, _STR_TAG = "tag:yaml.org,2002:null", "tag:yaml.org,2002:str"
_SEQ_TAG, _MAP_TAG = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))  # what PyYAML's null resolver matches


class _NullOnly:
    """PyYAML's resolver with only its null resolver: a plain scalar that spells null is
    null, every other scalar is text (dates, numbers, "no"). In one step per node: the
    parser asks for every node's tag (and PyYAML's own resolver tries its regexes)."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _NULL_TAG if implicit[0] and value in _NULLS else _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers: nothing to track."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to track."""


class _Loader(_NullOnly, yaml.SafeLoader):
    """PyYAML's pure-Python parser (where libyaml is not installed)."""


if yaml.__with_libyaml__:

    class _CLoader(_NullOnly, yaml.CSafeLoader):
        """libyaml's parser: the same nodes, with the same marks, ~30x faster."""


def yaml_loader() -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    """libyaml's loader where PyYAML was built with it, else the pure-Python one."""
    return _CLoader if yaml.__with_libyaml__ else _Loader


_Scalar = yaml.ScalarNode


def _convert(node: yaml.Node, file: str) -> Any:
    """Plain values of a composed node; mappings keep the line of themselves and each key.

    Every node of every curated file passes here: scalars (most nodes) are tested first
    and a mapping's plain keys and scalar values are converted in its own loop.
    """
    kind = type(node)
    if kind is _Scalar:
        return None if node.tag == _NULL_TAG else node.value
    if kind is yaml.SequenceNode:
        return [_convert(n, file) for n in node.value]
    out = _Map()
    out.line = node.start_mark.line + 1
    out.lines = lines = {}
    for knode, vnode in node.value:
        if type(knode) is _Scalar and knode.tag != _NULL_TAG:
            key = knode.value
        else:
            key = _convert(knode, file)
            if not isinstance(key, str):
                raise CurationError(
                    file, knode.start_mark.line + 1, None, None, f"mapping key {key!r} is not text"
                )
        if key in out:
            raise CurationError(file, knode.start_mark.line + 1, None, key, "duplicate key")
        if type(vnode) is _Scalar:
            out[key] = None if vnode.tag == _NULL_TAG else vnode.value
        else:
            out[key] = _convert(vnode, file)
        lines[key] = knode.start_mark.line + 1
    return out


def read_yaml(path: Path, name: str) -> Any:
    """Parse one YAML file; ``name`` is how errors name it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CurationError(name, None, None, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise CurationError(name, None, None, None, f"not UTF-8 ({exc.reason})") from None
    try:
        node = yaml.compose(text, Loader=yaml_loader())
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise CurationError(name, line, None, None, f"malformed YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise CurationError(name, None, None, None, f"malformed YAML: {exc}") from None
    return None if node is None else _convert(node, name)


@dataclass(frozen=True)
class FieldRule:
    required: bool = False
    vocabulary: str | None = None
    edtf: bool = False
    slug: bool = False
    pattern: str | None = None
    number: bool = False


_TEXT = FieldRule()
_REQ = FieldRule(required=True)
_OPT_SLUG = FieldRule(slug=True)
_RULES: dict[str, dict[str, FieldRule]] = {
    "dataset": {
        "name": FieldRule(required=True, slug=True),
        "title": _REQ,
        "version": FieldRule(required=True, pattern=_SEMVER.pattern),
        "license": _REQ,
        "description": _TEXT,
        "keywords": _TEXT,
    },
    "source": {
        "id": FieldRule(required=True, slug=True),
        "kind": FieldRule(required=True, vocabulary="source_kind"),
        "title": _TEXT,
        "publisher": _TEXT,
        "published": FieldRule(edtf=True),
        "url": FieldRule(pattern=r"^https?://\S+$"),
        "retrieved": FieldRule(edtf=True),
        "language": FieldRule(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$"),
        "notes": _TEXT,
        "text": _TEXT,
    },
    "actor": {
        "id": FieldRule(required=True, slug=True),
        "name": _REQ,
        "kind": FieldRule(required=True, vocabulary="actor_kind"),
        "country": FieldRule(pattern=r"^[A-Z]{2}$"),
        "notes": _TEXT,
    },
    "place": {
        "id": FieldRule(required=True, slug=True),
        "name": _REQ,
        "country": FieldRule(pattern=r"^[A-Z]{2}$"),
        "latitude": FieldRule(number=True),
        "longitude": FieldRule(number=True),
    },
    "event": {
        "id": FieldRule(required=True, slug=True),
        "title": _REQ,
        "summary": _REQ,
        "type": FieldRule(required=True, vocabulary="event_type"),
        "status": FieldRule(required=True, vocabulary="status"),
        "date": FieldRule(required=True, edtf=True),
        "place": _OPT_SLUG,
        "parent": _OPT_SLUG,
        "participants": _TEXT,
        "claims": _TEXT,
    },
    "participant": {
        "actor": FieldRule(required=True, slug=True),
        "role": FieldRule(required=True, vocabulary="role"),
    },
    "claim": {
        "source": FieldRule(required=True, slug=True),
        "property": FieldRule(required=True, vocabulary="property"),
        "value": _TEXT,
        "locator": FieldRule(pattern=LOCATOR),
        "quote": _TEXT,
        "stance": FieldRule(vocabulary="stance"),
        "mode": FieldRule(vocabulary="mode"),
        "certainty": FieldRule(vocabulary="certainty"),
        "note": _TEXT,
    },
}
_LIST_FIELDS = {("event", "participants"), ("event", "claims"), ("dataset", "keywords")}


@dataclass
class Curated:
    """The checked content of a dataset's curated sources."""

    meta: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    #: (table, primary key tuple) -> (file relative to the dataset, line)
    locations: dict[tuple[str, tuple[str, ...]], tuple[str, int]] = field(default_factory=dict)


def _check_record(kind: str, rec: Any, file: str, name: str | None) -> _Map:
    line = getattr(rec, "line", None)
    if not isinstance(rec, _Map):
        raise CurationError(file, line, name, None, f"a {kind} must be a mapping")
    rules = _RULES[kind]
    ident = rec.get("id") if isinstance(rec.get("id"), str) else name
    for key in rec:
        if key not in rules:
            allowed = ", ".join(rules)
            raise CurationError(
                file, rec.lines[key], ident, key, f"unknown field (allowed: {allowed})"
            )
    for key, rule in rules.items():
        value = rec.get(key)
        at = rec.lines.get(key, rec.line)
        if value is None:
            if rule.required:
                raise CurationError(file, rec.line, ident, key, "required field is missing")
            continue
        if (kind, key) in _LIST_FIELDS:
            if not isinstance(value, list):
                raise CurationError(file, at, ident, key, "must be a list")
            continue
        if not isinstance(value, str):
            raise CurationError(
                file, at, ident, key, "must be a single value, not a list or mapping"
            )
        if value != value.strip() or value == "":
            raise CurationError(file, at, ident, key, "empty or padded with white space")
        if rule.slug and not _SLUG.match(value):
            raise CurationError(
                file, at, ident, key, f"{value!r} is not a slug (lower-case letters, digits, '-')"
            )
        if rule.vocabulary and value not in vocab.VOCABULARIES[rule.vocabulary]:
            terms = ", ".join(vocab.VOCABULARIES[rule.vocabulary])
            raise CurationError(
                file,
                at,
                ident,
                key,
                f"{value!r} is not a term of the {rule.vocabulary} vocabulary ({terms})",
            )
        if rule.edtf:
            try:
                dates.parse(value)
            except dates.EDTFError as exc:
                raise CurationError(file, at, ident, key, f"invalid EDTF: {exc}") from None
        if rule.pattern and not re.match(rule.pattern, value):
            raise CurationError(file, at, ident, key, f"{value!r} does not match {rule.pattern}")
        if rule.number:
            try:
                float(value)
            except ValueError:
                raise CurationError(file, at, ident, key, f"{value!r} is not a number") from None
    return rec


def _list_file(root: Path, name: str, kind: str) -> list[_Map]:
    data = read_yaml(root / name, name)
    if data is None:
        return []
    if not isinstance(data, list):
        raise CurationError(name, 1, None, None, f"must be a list of {kind} records")
    return [_check_record(kind, rec, name, None) for rec in data]


def _unique(table: str, recs: list[_Map], file_of: dict[int, str], seen: dict[str, Any]) -> None:
    for rec in recs:
        if rec["id"] in seen:
            raise CurationError(
                file_of.get(id(rec), ""), rec.lines["id"], rec["id"], "id", f"duplicate {table} id"
            )
        seen[rec["id"]] = rec


def _name(path: Path) -> str:
    return path.name


def curated_files(root: Path) -> list[Path]:
    """The curated source files of a dataset, in a fixed order."""
    files = [root / n for n in CURATED_FILES if (root / n).exists()]
    events = root / EVENTS_DIR
    if events.is_dir():
        files += sorted(events.glob("*.yaml"), key=_name)  # (comparing Paths is slow)
    return files


def curated_sha256(root: Path) -> str:
    """One hash over the names and bytes of every curated file (freshness of the build)."""
    h = hashlib.sha256()
    for path in curated_files(root):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def has_curated_sources(root: Path) -> bool:
    return (root / "dataset.yaml").is_file()


def read_curated(root: Path) -> Curated:
    """Read and check every curated file of the dataset at ``root``."""
    root = Path(root)
    meta = read_yaml(root / "dataset.yaml", "dataset.yaml")
    meta = _check_record("dataset", meta, "dataset.yaml", "dataset")
    locations: dict[tuple[str, tuple[str, ...]], tuple[str, int]] = {}
    files: dict[int, str] = {}
    tables: dict[str, dict[str, Any]] = {}
    for table, file, kind in (
        ("sources", "sources.yaml", "source"),
        ("actors", "actors.yaml", "actor"),
        ("places", "places.yaml", "place"),
    ):
        recs = _list_file(root, file, kind)
        for r in recs:
            files[id(r)] = file
            locations[(table, (r["id"],))] = (file, r.lines["id"])
        tables[table] = {}
        _unique(table, recs, files, tables[table])

    events: dict[str, _Map] = {}
    event_dir = root / EVENTS_DIR
    paths = sorted(event_dir.glob("*.yaml"), key=_name) if event_dir.is_dir() else []
    others = sorted(p.name for p in event_dir.iterdir() if p.suffix != ".yaml") if paths else []
    if others:
        raise CurationError(
            f"{EVENTS_DIR}/{others[0]}",
            None,
            None,
            None,
            "not a .yaml file (events/ holds one <id>.yaml per event)",
        )
    for path in paths:
        name = f"{EVENTS_DIR}/{path.name}"
        rec = _check_record("event", read_yaml(path, name), name, path.stem)
        if rec["id"] != path.stem:
            raise CurationError(
                name, rec.lines["id"], rec["id"], "id", f"must equal the file name {path.stem!r}"
            )
        files[id(rec)] = name
        _unique("events", [rec], files, events)
        locations[("events", (rec["id"],))] = (name, rec.line)

    rows: dict[str, list[dict[str, Any]]] = {
        "sources": [_source_row(r) for r in tables["sources"].values()],
        "actors": [
            _plain(r, ("id", "name", "kind", "country", "notes")) for r in tables["actors"].values()
        ],
        "places": [_place_row(r) for r in tables["places"].values()],
        "events": [],
        "participants": [],
        "claims": [],
    }
    for eid, ev in events.items():
        name = files[id(ev)]
        _ref(ev, "place", tables["places"], name, eid, "places.yaml")
        _ref(ev, "parent", events, name, eid, "events/")
        rows["events"].append(_event_row(ev))
        seen_parts: set[tuple[str, str]] = set()
        for part in ev.get("participants") or []:
            part = _check_record("participant", part, name, eid)
            _ref(part, "actor", tables["actors"], name, eid, "actors.yaml")
            pk = (part["actor"], part["role"])
            if pk in seen_parts:
                raise CurationError(
                    name,
                    part.line,
                    eid,
                    "participants",
                    f"duplicate participant {pk[0]!r} as {pk[1]!r}",
                )
            seen_parts.add(pk)
            rows["participants"].append({"event_id": eid, "actor_id": pk[0], "role": pk[1]})
            locations[("participants", (eid, *pk))] = (name, part.line)
        seen_claims: set[str] = set()
        for claim in ev.get("claims") or []:
            claim = _check_record("claim", claim, name, eid)
            _ref(claim, "source", tables["sources"], name, eid, "sources.yaml")
            row = _claim_row(eid, claim, name)
            if row["id"] in seen_claims:
                raise CurationError(
                    name, claim.line, eid, "claims", f"duplicate claim {row['id']!r}: merge the two"
                )
            seen_claims.add(row["id"])
            rows["claims"].append(row)
            locations[("claims", (row["id"],))] = (name, claim.line)
    return Curated(meta=dict(meta), rows=rows, locations=locations)


def _ref(rec: _Map, key: str, target: dict[str, Any], file: str, record: str, where: str) -> None:
    value = rec.get(key)
    if value is not None and value not in target:
        raise CurationError(
            file, rec.lines[key], record, key, f"unknown id {value!r} (not in {where})"
        )


def _plain(rec: _Map, keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: rec.get(k) for k in keys}


def _source_row(rec: _Map) -> dict[str, Any]:
    return _plain(
        rec,
        (
            "id",
            "kind",
            "title",
            "publisher",
            "published",
            "url",
            "retrieved",
            "language",
            "notes",
            "text",
        ),
    )


def _place_row(rec: _Map) -> dict[str, Any]:
    row = _plain(rec, ("id", "name", "country"))
    for k in ("latitude", "longitude"):
        row[k] = None if rec.get(k) is None else float(rec[k])
    return row


def _event_row(rec: _Map) -> dict[str, Any]:
    row = _plain(rec, ("id", "title", "summary", "type", "status", "date"))
    row["place_id"], row["parent_id"] = rec.get("place"), rec.get("parent")
    return row


def _claim_row(eid: str, rec: _Map, file: str) -> dict[str, Any]:
    prop, value = rec["property"], rec.get("value")
    if prop == "occurrence" and value is not None:
        raise CurationError(
            file, rec.lines["value"], eid, "value", "an occurrence claim has no value"
        )
    if prop != "occurrence" and value is None:
        raise CurationError(file, rec.line, eid, "value", f"a {prop} claim needs a value")
    if prop == "date":
        try:
            dates.parse(value)
        except dates.EDTFError as exc:
            raise CurationError(
                file, rec.lines["value"], eid, "value", f"invalid EDTF: {exc}"
            ) from None
    if prop == "type" and value not in vocab.EVENT_TYPE:
        raise CurationError(
            file, rec.lines["value"], eid, "value", f"{value!r} is not an event_type term"
        )
    cid = "/".join(x for x in (eid, prop, rec["source"], rec.get("locator")) if x)
    return {
        "id": cid,
        "event_id": eid,
        "source_id": rec["source"],
        "property": prop,
        "value": value,
        "locator": rec.get("locator"),
        "quote": rec.get("quote"),
        "stance": rec.get("stance") or "supports",
        "mode": rec.get("mode") or "reported",
        "certainty": rec.get("certainty") or "certain",
        "note": rec.get("note"),
    }
