"""Dataset metadata changes: the descriptor's version, title, licences, creators...

Reported before any table, because a citation names them. Every top-level property of
``datapackage.json`` is compared except those that describe the files rather than the
dataset (``resources``, the ``chrono`` build block, ``profile``, ``$schema``) and the
descriptor's ``sources`` list, which the ``sources`` table already diffs. What a citation
takes from the ``chrono`` block is compared too: the creators in full, the release date
and the repository (:data:`CITED`). The terms a
dataset declares (``chrono.vocabularies``) are compared term by term: each one added, removed
or given another definition is a change of ``vocabularies.<vocabulary>.<term>``, since a
definition says what every row using the term means.

>>> old = {"name": "x", "version": "1.0.0", "licenses": [{"name": "CC0-1.0"}]}
>>> new = {"name": "x", "version": "1.1.0", "licenses": [{"name": "CC-BY-4.0"}]}
>>> [(c.field, c.old_text, c.new_text) for c in metadata_changes(old, new)]
[('version', '1.0.0', '1.1.0'), ('licenses', 'CC0-1.0', 'CC-BY-4.0')]
>>> old = {"chrono": {"vocabularies": {"event_type": {"eruption": "A volcanic eruption."}}}}
>>> new = {"chrono": {"vocabularies": {"event_type": {"eruption": "An explosive eruption.",
...                                                   "flood": "A flood."}}}}
>>> for c in metadata_changes(old, new):
...     print(c.field, "|", c.old_text, "|", c.new_text)
vocabularies.event_type.eruption | A volcanic eruption. | An explosive eruption.
vocabularies.event_type.flood | (none) | A flood.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Properties that describe the files, not the dataset.
NOT_METADATA = frozenset({"resources", "chrono", "profile", "$schema", "sources"})
#: What a citation takes from the ``chrono`` block: the creators in full (given and family
#: names, ORCID, affiliation), the release date (its year is cited) and the repository. The
#: DOI is the top-level ``id``.
CITED = ("creators", "released", "repository")
#: Properties compared first, in this order (a citation's order); others follow by name.
ORDER = (
    "name",
    "title",
    "version",
    "released",
    "licenses",
    "creators",
    "contributors",
    "description",
    "keywords",
    "homepage",
    "repository",
)


@dataclass(frozen=True)
class MetadataChange:
    """One descriptor property whose value differs (None: absent on that side)."""

    field: str
    old: Any
    new: Any

    @property
    def old_text(self) -> str:
        return metadata_text(self.old)

    @property
    def new_text(self) -> str:
        return metadata_text(self.new)

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


def metadata_text(value: Any) -> str:
    """A descriptor value for people: licences and creators by name, lists joined."""
    if value is None or value == []:
        return "(none)"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "; ".join(metadata_text(v) for v in value)
    if isinstance(value, Mapping):
        for key in ("title", "name", "path"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def metadata_texts(old: Any, new: Any) -> tuple[str, str]:
    """Both sides of a change for people: by name (:func:`metadata_text`), or in full (JSON)
    where the names read the same, as when a creator's ORCID or given name changed.

    >>> metadata_texts([{"name": "Ada", "orcid": "1"}], [{"name": "Ada", "orcid": "2"}])
    ('[{"name": "Ada", "orcid": "1"}]', '[{"name": "Ada", "orcid": "2"}]')
    """
    was, now = metadata_text(old), metadata_text(new)
    if was != now:
        return was, now
    return _in_full(old), _in_full(new)


def _in_full(value: Any) -> str:
    return "(none)" if value is None else json.dumps(value, ensure_ascii=False)


def metadata_changes(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> list[MetadataChange]:
    """The metadata properties that differ; none when either side has no descriptor."""
    if old is None or new is None:
        return []
    was, now = _compared(old), _compared(new)
    names = [*was, *now]
    known = [n for n in ORDER if n in names]
    others = sorted(set(names) - set(ORDER))
    changes = [
        MetadataChange(n, was.get(n), now.get(n))
        for n in (*known, *others)
        if differ(was.get(n), now.get(n))
    ]
    return changes + vocabulary_changes(_declared(old), _declared(new))


def differ(old: Any, new: Any) -> bool:
    """Whether two descriptor values differ as JSON: written differently, keys in any
    order. ``true`` is not ``1`` (Python holds them equal), and a ``NaN``, which Python's
    JSON reads, is itself (Python holds it equal to nothing).

    >>> differ(float("nan"), float("nan")), differ(None, float("nan")), differ(True, 1)
    (False, True, True)
    >>> differ({"a": 1, "b": 2}, {"b": 2, "a": 1})
    False
    """
    return _canonical(old) != _canonical(new)


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=repr)


def _compared(descriptor: Mapping[str, Any]) -> dict[str, Any]:
    """The properties compared: the top level's, and what a citation takes from the
    ``chrono`` block (a top-level property of the same name wins)."""
    meta = descriptor.get("chrono")
    cited = {n: meta[n] for n in CITED if n in meta} if isinstance(meta, Mapping) else {}
    return cited | {n: v for n, v in descriptor.items() if n not in NOT_METADATA}


def _declared(descriptor: Mapping[str, Any]) -> Any:
    meta = descriptor.get("chrono")
    return meta.get("vocabularies") if isinstance(meta, Mapping) else None


def vocabulary_changes(old: Any, new: Any) -> list[MetadataChange]:
    """Each declared term added, removed or redefined (``vocabularies.<vocabulary>.<term>``),
    in the order the vocabularies and terms are declared (the old side's first)."""
    if old == new:
        return []
    if not _well_formed(old) or not _well_formed(new):  # not ours to read term by term
        return [MetadataChange("vocabularies", old, new)]
    old, new = old or {}, new or {}
    changes = []
    for vocabulary in dict.fromkeys([*old, *new]):
        was, now = old.get(vocabulary, {}), new.get(vocabulary, {})
        for term in dict.fromkeys([*was, *now]):
            if differ(was.get(term), now.get(term)):
                field = f"vocabularies.{vocabulary}.{term}"
                changes.append(MetadataChange(field, was.get(term), now.get(term)))
    return changes


def _well_formed(declared: Any) -> bool:
    """None, or a mapping of vocabularies to mappings of terms to definitions."""
    return declared is None or (
        isinstance(declared, Mapping)
        and all(isinstance(terms, Mapping) for terms in declared.values())
    )
