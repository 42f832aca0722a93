"""Checking the records of the curated files, field by field, collecting every problem.

:class:`Reader` reads a dataset's curated files (``chrono.curation.read_curated`` calls it):
``dataset.yaml`` first, since the vocabulary terms it declares are allowed everywhere
else; then the sources, actors and places; then one file per event with its participants
and claims; then the references between them. A field with a problem is left out of its
row and reported at its own line and column; the other fields and records are still
checked, so one run shows every problem.
"""

from __future__ import annotations

import math
import os
import re
import stat
from functools import cache
from pathlib import Path
from typing import Any

from chrono import safeio
from chrono.curation import (
    EVENTS_DIR,
    Curated,
    CuratedFiles,
    CurationError,
    Position,
    Problem,
    YamlMap,
    problem_order,
    read_yaml,
)
from chrono.model import dates, locators
from chrono.model.curated import CLAIM_DEFAULTS, Field, fields
from chrono.model.tables import SLUG, TABLES
from chrono.model.vocabularies import CORE, Vocabularies, declaration_problems

_SLUG = re.compile(SLUG)
_RANGES = {"latitude": 90.0, "longitude": 180.0}


class Reader:
    """One reading of a dataset's curated files (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = CuratedFiles(root)
        self.problems: list[Problem] = []
        self.vocabularies: Vocabularies = CORE
        self.locations: dict[tuple[str, tuple[str, ...]], Position] = {}
        self.records: dict[tuple[str, tuple[str, ...]], tuple[str, YamlMap]] = {}

    # ------------------------------------------------------------------ reporting

    def problem(self, file: str, at: tuple[int, int] | None, code: str, message: str) -> None:
        line, col = at if at else (None, None)
        self.problems.append(Problem(file, line, col, code, message))

    def read_file(self, path: Path, name: str) -> Any:
        try:
            return read_yaml(path, name, self.root, self.files)
        except CurationError as exc:
            self.problems.extend(exc.problems)
            return None

    # ------------------------------------------------------------------ records

    def check(self, kind: str, rec: Any, file: str, what: str) -> dict[str, Any] | None:
        """The record's valid fields (problems reported); None when it is not a mapping."""
        if not isinstance(rec, YamlMap):
            self.problem(file, None, "CHR103", f"{what} must be a mapping of fields")
            return None
        spec = fields(kind)
        for key in rec:
            if key not in spec:
                allowed = ", ".join(spec)
                self.problem(
                    file,
                    rec.key_at[key],
                    "CHR105",
                    f"field {key!r}: unknown field (allowed: {allowed})",
                )
        out: dict[str, Any] = {}
        for name, f in spec.items():
            value = rec.get(name)
            if value is None:
                if f.required:
                    self.problem(
                        file, rec.at, "CHR104", f"field {name!r}: required field is missing"
                    )
                continue
            checked = self._value(f, value, file, rec.value_at[name])
            if checked is not None:
                out[name] = checked
        return out

    def _value(self, f: Field, value: Any, file: str, at: tuple[int, int]) -> Any:
        name = f.name

        def bad(code: str, message: str) -> None:
            self.problem(file, at, code, f"field {name!r}: {message}")

        if f.shape == "list":
            if not isinstance(value, list):
                bad("CHR103", "must be a list")
                return None
            return value
        if f.shape == "mapping":
            if not isinstance(value, YamlMap):
                bad("CHR103", "must be a mapping")
                return None
            return value
        if not isinstance(value, str):
            bad("CHR103", "must be a single value, not a list or mapping")
            return None
        if value != value.strip() or value == "":
            bad("CHR112", "empty or padded with white space")
            return None
        if f.vocabulary and value not in self.vocabularies[f.vocabulary]:
            bad("CHR501", self.not_a_term(value, f.vocabulary))
            return None
        if f.edtf:
            try:
                dates.parse(value)
            except dates.EDTFError as exc:
                bad("CHR301", f"invalid EDTF: {exc}")
                return None
        if name == "locator":
            try:
                locators.parse(value)
            except locators.LocatorError as exc:
                bad("CHR106", str(exc))
                return None
        elif f.pattern == SLUG and not _SLUG.fullmatch(value):
            bad("CHR106", f"{value!r} is not a slug (lower-case letters, digits, '-')")
            return None
        elif f.pattern and not _pattern(f.pattern).fullmatch(value):
            bad("CHR106", f"{value!r} does not match {f.pattern}")
            return None
        if f.shape == "number":
            return self._number(name, value, bad)
        return value

    def _number(self, name: str, value: str, bad: Any) -> float | None:
        try:
            number = float(value)
        except ValueError:
            bad("CHR103", f"{value!r} is not a number")
            return None
        limit = _RANGES.get(name)
        if not math.isfinite(number) or (limit is not None and abs(number) > limit):
            bad("CHR107", f"{value!r} is outside -{limit:g} to {limit:g}")
            return None
        return number

    def not_a_term(self, value: str, vocabulary: str) -> str:
        terms = ", ".join(self.vocabularies.terms(vocabulary))
        message = f"{value!r} is not a term of the {vocabulary} vocabulary ({terms})"
        from chrono.model.vocab import EXTENSIBLE

        if vocabulary in EXTENSIBLE:
            message += f"; declare a new term in dataset.yaml under vocabularies: {vocabulary}:"
        return message

    # ------------------------------------------------------------------ files

    def read_dataset(self) -> dict[str, Any]:
        file = "dataset.yaml"
        known = len(self.problems)
        rec = self.read_file(self.root / file, file)
        if rec is None:
            if len(self.problems) == known:  # read, and empty
                self.problem(file, None, "CHR103", f"{file} must be a mapping of fields, not empty")
            return {}
        meta = self.check("dataset", rec, file, "dataset.yaml") or {}
        for i, word in enumerate(meta.get("keywords", [])):
            if not isinstance(word, str) or not word.strip():
                at = rec.value_at["keywords"]
                self.problem(file, at, "CHR103", f"field 'keywords': item {i + 1} must be text")
        creators = []
        for i, person in enumerate(meta.get("creators", [])):
            checked = self.check("creator", person, file, f"creator {i + 1}")
            if checked is not None:
                creators.append(checked)
        if "creators" in meta:
            meta["creators"] = creators
        if "vocabularies" in meta:
            self._declare(meta.pop("vocabularies"), rec.value_at["vocabularies"])
        return meta

    def _declare(self, declared: YamlMap, at: tuple[int, int]) -> None:
        problems = declaration_problems(declared)
        for p in problems:
            where = at
            if p.path and isinstance(declared.get(p.path[0]), YamlMap) and len(p.path) > 1:
                inner = declared[p.path[0]]
                where = inner.key_at.get(p.path[1], inner.at)
            elif p.path:
                where = declared.key_at.get(p.path[0], at)
            self.problem("dataset.yaml", where, "CHR502", f"vocabularies: {p}")
        if not problems:
            self.vocabularies = Vocabularies(
                {name: dict(terms) for name, terms in declared.items()}
            )

    def read_list(self, file: str, kind: str, table: str) -> dict[str, dict[str, Any]]:
        data = self.read_file(self.root / file, file)
        if data is None:
            return {}
        if not isinstance(data, list):
            self.problem(file, (1, 1), "CHR103", f"must be a list of {kind} records")
            return {}
        out: dict[str, dict[str, Any]] = {}
        for rec in data:
            checked = self.check(kind, rec, file, f"a {kind}")
            if checked is not None and "id" in checked:
                self.register(table, checked, rec, file, out)
        return out

    def register(
        self,
        table: str,
        row: dict[str, Any],
        rec: YamlMap,
        file: str,
        seen: dict[str, dict[str, Any]],
    ) -> bool:
        ident = row["id"]
        if ident in seen:
            first = self.locations[(table, (ident,))]
            self.problem(
                file,
                rec.value_at["id"],
                "CHR201",
                f"field 'id': duplicate {table} id {ident!r} (first at {first[0]}:{first[1]})",
            )
            return False
        seen[ident] = row
        self.locate(table, (ident,), rec, file)
        return True

    def locate(self, table: str, key: tuple[str, ...], rec: YamlMap, file: str) -> None:
        """Remember where a record and each of its fields stand (derived columns stand
        where the EDTF value they come from does)."""
        self.locations[(table, key)] = (file, *rec.at)
        self.records[(table, key)] = (file, rec)  # its fields' places, looked up when asked

    def event_files(self) -> list[Path]:
        folder = self.root / EVENTS_DIR
        hint = f"{EVENTS_DIR}/ holds one <id>.yaml file per event"
        if not folder.exists():
            self.problem(f"{EVENTS_DIR}/", None, "CHR113", f"no such folder ({hint})")
            return []
        if not folder.is_dir():
            self.problem(f"{EVENTS_DIR}/", None, "CHR113", f"not a folder ({hint})")
            return []
        files = []
        listed, others = self.files.layout()  # one listing: what is read is what is hashed
        names = [p.name for p in listed if p.parent == folder]
        not_files = set(others)
        for name in sorted([*names, *others]):
            path = folder / name
            if not name.endswith(".yaml") or name in not_files:
                what = not_an_event_file(path)
                self.problem(f"{EVENTS_DIR}/{name}", None, "CHR113", f"{what} ({hint})")
                continue
            files.append(path)
        if not files and not self.problems:
            self.problem(f"{EVENTS_DIR}/", None, "CHR113", f"no events ({hint})")
        return files

    def read(self) -> Curated:
        from chrono.events import EventReader

        meta = self.read_dataset()
        tables = {
            "sources": self.read_list("sources.yaml", "source", "sources"),
            "actors": self.read_list("actors.yaml", "actor", "actors"),
            "places": self.read_list("places.yaml", "place", "places"),
        }
        try:
            rows = EventReader(self, tables).read(self.event_files())
        finally:
            self.files.close()  # a file read later (for the hash) is opened by its path
        rows["sources"] = [source_row(r) for r in tables["sources"].values()]
        rows["actors"] = [
            {k: r.get(k) for k in ("id", "name", "kind", "country", "notes")}
            for r in tables["actors"].values()
        ]
        rows["places"] = [place_row(r) for r in tables["places"].values()]
        return Curated(
            meta=meta,
            rows=rows,
            vocabularies=self.vocabularies,
            problems=sorted(self.problems, key=problem_order),
            locations=self.locations,
            records=self.records,
            field_of=FIELD_OF,
            files=self.files,
        )


def not_an_event_file(path: Path) -> str:
    """Why an entry of ``events/`` is not read as an event file, for its CHR113 message."""
    if not path.name.endswith(".yaml"):
        return "a folder" if path.is_dir() else "not a .yaml file"
    try:
        mode = os.stat(path).st_mode  # through a symlink; a FIFO is not opened
    except OSError as exc:
        if os.path.islink(path):
            return "a symlink to nothing (its target is missing, or a loop)"
        return safeio.reason(exc)  # gone meanwhile, or no permission
    return "a folder" if stat.S_ISDIR(mode) else f"not a regular file ({safeio.kind_of(mode)})"


#: Table -> EDTF column -> the columns derived from it.
_DERIVED = {
    name: {
        src: tuple(c.name for c in spec.columns if c.derived_from == src)
        for src in {c.derived_from for c in spec.columns if c.derived_from}
    }
    for name, spec in TABLES.items()
}
_KIND = {
    "sources": "source",
    "actors": "actor",
    "places": "place",
    "events": "event",
    "participants": "participant",
    "claims": "claim",
}
#: Table -> column -> the field of its records whose value a finding about the column points
#: at: the field that fills the column, or the EDTF field the column is derived from.
FIELD_OF = {
    table: {
        column: name
        for name, f in fields(kind).items()
        for column in (f.column or name, *_DERIVED[table].get(f.column or name, ()))
    }
    for table, kind in _KIND.items()
}


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def source_row(rec: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "kind", "title", "publisher", "published", "url", "retrieved", "language")
    return {k: rec.get(k) for k in (*keys, "notes", "text")}


def place_row(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: rec.get(k) for k in ("id", "name", "country", "latitude", "longitude")}


def claim_defaults(claim: dict[str, Any]) -> dict[str, Any]:
    """A claim's stance, mode and certainty, with the defaults for those left out."""
    return {k: claim.get(k) or v for k, v in CLAIM_DEFAULTS.items()}
