"""The vocabularies a dataset may use: the core terms, plus the terms the dataset declares.

A dataset extends the open vocabularies (:data:`chrono.model.vocab.EXTENSIBLE`) in its
``dataset.yaml``; every declared term has a definition and may not redefine a core term::

    vocabularies:
      event_type:
        treaty: A treaty signed or ratified by the parties.
      source_kind:
        monograph: A scholarly book on one subject.

The declaration travels with the data in ``datapackage.json`` (``chrono.vocabularies``), so
``chrono validate`` of the Parquet alone, the loaders' categoricals and the pandera schemas
know the dataset's terms.

>>> v = Vocabularies({"event_type": {"treaty": "A treaty signed by the parties."}})
>>> v.terms("event_type")[-2:]
('press_statement', 'treaty')
>>> v.origin("event_type", "treaty"), v.origin("event_type", "state_visit")
('dataset', 'core')
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from chrono.model import vocab

#: A term: lower-case words joined by ``_``, like the core terms.
TERM: Final = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
_TERM = re.compile(TERM)
#: Longest definition accepted (one or two sentences).
MAX_DEFINITION: Final = 500


class VocabularyError(ValueError):
    """A declaration that is not allowed; ``path`` says where (vocabulary, term)."""

    def __init__(self, path: tuple[str, ...], message: str) -> None:
        self.path = path
        super().__init__(message)


@dataclass(frozen=True)
class Term:
    vocabulary: str
    name: str
    definition: str
    origin: str  # "core" or "dataset"


def declaration_problems(declared: Any) -> list[VocabularyError]:
    """Every problem of a ``vocabularies`` declaration (empty when it is allowed)."""
    if not isinstance(declared, Mapping):
        return [VocabularyError((), "must be a mapping of vocabulary names to terms")]
    problems: list[VocabularyError] = []
    for name, terms in declared.items():
        where = (str(name),)
        if name not in vocab.VOCABULARIES:
            known = ", ".join(sorted(vocab.EXTENSIBLE))
            problems.append(VocabularyError(where, f"no vocabulary {name!r} (extensible: {known})"))
            continue
        if name not in vocab.EXTENSIBLE:
            problems.append(
                VocabularyError(
                    where,
                    f"the {name} vocabulary cannot be extended: {vocab.CLOSED_BECAUSE[name]}",
                )
            )
            continue
        if not isinstance(terms, Mapping) or not terms:
            problems.append(VocabularyError(where, "must map each new term to its definition"))
            continue
        for term, definition in terms.items():
            at = (str(name), str(term))
            if not isinstance(term, str) or not _TERM.match(term):
                problems.append(
                    VocabularyError(
                        at,
                        f"{term!r} is not a term name (lower-case words joined by '_', "
                        "e.g. peace_treaty)",
                    )
                )
            elif term in vocab.VOCABULARIES[name]:
                problems.append(
                    VocabularyError(
                        at,
                        f"{term!r} is a core term of {name} and cannot be redefined "
                        f"(core: {vocab.VOCABULARIES[name][term]})",
                    )
                )
            elif not isinstance(definition, str) or not definition.strip():
                problems.append(
                    VocabularyError(at, f"the new term {term!r} needs a definition (text)")
                )
            elif definition != definition.strip() or len(definition) > MAX_DEFINITION:
                problems.append(
                    VocabularyError(
                        at,
                        f"the definition of {term!r} must be text without surrounding "
                        f"white space, at most {MAX_DEFINITION} characters",
                    )
                )
    return problems


class Vocabularies(Mapping[str, Mapping[str, str]]):
    """Vocabulary name -> {term: definition}: core terms first, then declared ones."""

    def __init__(self, declared: Mapping[str, Mapping[str, str]] | None = None) -> None:
        declared = declared or {}
        problems = declaration_problems(declared)
        if problems:
            first = problems[0]
            where = ".".join(first.path)
            raise VocabularyError(
                first.path, f"vocabularies.{where}: {first}" if where else str(first)
            )
        self._declared = {
            name: MappingProxyType(dict(terms)) for name, terms in declared.items() if terms
        }
        self._all = {
            name: MappingProxyType({**core, **self._declared.get(name, {})})
            for name, core in vocab.VOCABULARIES.items()
        }

    def __getitem__(self, name: str) -> Mapping[str, str]:
        return self._all[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabularies) and self._declared == other._declared

    def __hash__(self) -> int:
        return hash(tuple((n, tuple(t.items())) for n, t in sorted(self._declared.items())))

    def __repr__(self) -> str:
        return f"Vocabularies(declared={ {n: dict(t) for n, t in self._declared.items()} })"

    @property
    def declared(self) -> Mapping[str, Mapping[str, str]]:
        """The dataset's own terms, by vocabulary (empty for core only)."""
        return MappingProxyType(self._declared)

    def terms(self, name: str) -> tuple[str, ...]:
        """Every term of a vocabulary: the core ones in their order, then the declared ones."""
        return tuple(self._all[name])

    def origin(self, name: str, term: str) -> str:
        """``core`` or ``dataset`` (KeyError for a term the vocabulary does not have)."""
        if term in vocab.VOCABULARIES[name]:
            return "core"
        if term in self._declared.get(name, {}):
            return "dataset"
        raise KeyError(term)

    def listing(self) -> list[Term]:
        """Every term of every vocabulary, with its definition and origin."""
        return [
            Term(name, term, definition, self.origin(name, term))
            for name, terms in self._all.items()
            for term, definition in terms.items()
        ]

    @classmethod
    def from_descriptor(cls, descriptor: Mapping[str, Any]) -> Vocabularies:
        """The vocabularies a ``datapackage.json`` declares (``chrono.vocabularies``);
        :class:`VocabularyError` for a declaration that is not allowed."""
        meta = descriptor.get("chrono")
        declared = meta.get("vocabularies") if isinstance(meta, Mapping) else None
        if declared is None:
            return CORE
        return cls(declared)

    def to_descriptor(self) -> dict[str, dict[str, str]]:
        """The declared terms as ``datapackage.json`` stores them (``chrono.vocabularies``)."""
        return {name: dict(terms) for name, terms in self._declared.items()}


#: The core vocabularies alone (a dataset that declares nothing).
CORE: Final = Vocabularies()
