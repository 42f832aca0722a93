"""Table specifications: the single source of truth for columns, types, keys and vocabularies.

Arrow schemas, the Frictionless table schemas in ``datapackage.json``, the pandera models
and the pandas dtypes are all generated from :data:`TABLES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from chrono.model.locators import LOCATOR
from chrono.model.vocabularies import CORE, Vocabularies

#: Column kinds and the Arrow type each is stored as.
#:   string -> string; vocab -> dictionary<int32, string>; date -> date32; bool; float -> float64
KINDS: Final = ("string", "vocab", "date", "bool", "float")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str
    nullable: bool = False
    vocabulary: str | None = None  # key of vocab.VOCABULARIES, for kind "vocab"
    edtf: bool = False  # a string column holding an EDTF value
    derived_from: str | None = None  # the EDTF column this one is computed from
    pattern: str | None = None  # regular expression every non-null value matches


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def foreign_key(self, column: str) -> ForeignKey | None:
        """The foreign key made of ``column`` alone, if there is one."""
        return next((f for f in self.foreign_keys if f.columns == (column,)), None)


SLUG: Final = r"^[a-z0-9]+(-[a-z0-9]+)*$"
COUNTRY: Final = r"^[A-Z]{2}$"


def _id(description: str) -> Column:
    return Column("id", "string", description, pattern=SLUG)


def _bounds(of: str, prefix: str, nullable: bool) -> tuple[Column, Column]:
    return (
        Column(
            f"{prefix}earliest",
            "date",
            f"First day `{of}` may denote (derived).",
            nullable,
            derived_from=of,
        ),
        Column(
            f"{prefix}latest",
            "date",
            f"Last day `{of}` may denote (derived).",
            nullable,
            derived_from=of,
        ),
    )


EVENTS = Table(
    "events",
    "One row per dated event.",
    (
        _id("Stable, human-readable slug."),
        Column("title", "string", "Short title, our words."),
        Column("summary", "string", "One or two sentences, our words (never a quote)."),
        Column("type", "vocab", "Kind of event.", vocabulary="event_type"),
        Column(
            "status", "vocab", "Confirmed, disputed, planned or cancelled.", vocabulary="status"
        ),
        Column("date", "string", "When, as EDTF (levels 0 and 1).", edtf=True),
        *_bounds("date", "", False),
        Column(
            "precision",
            "vocab",
            "Precision of `date` (derived).",
            vocabulary="precision",
            derived_from="date",
        ),
        Column("uncertain", "bool", "`date` carries `?` or `%` (derived).", derived_from="date"),
        Column("approximate", "bool", "`date` carries `~` or `%` (derived).", derived_from="date"),
        Column("place_id", "string", "Where: a place id.", nullable=True),
        Column(
            "parent_id", "string", "Containing event (a summit holding a meeting).", nullable=True
        ),
    ),
    ("id",),
    (
        ForeignKey(("place_id",), "places", ("id",)),
        ForeignKey(("parent_id",), "events", ("id",)),
    ),
)

CLAIMS = Table(
    "claims",
    "Per-fact provenance: one row per 'source S states property P of event E'.",
    (
        Column("id", "string", "Derived: event_id/property/source_id[/locator]."),
        Column("event_id", "string", "The event the claim is about."),
        Column("source_id", "string", "The source that states it."),
        Column("property", "vocab", "Which fact.", vocabulary="property"),
        Column(
            "value",
            "string",
            "The value as the source states it (null for occurrence).",
            nullable=True,
        ),
        Column(
            "calendar",
            "vocab",
            "Calendar of a date value as the source gives it (null for other claims).",
            nullable=True,
            vocabulary="calendar",
        ),
        *_bounds("value", "", True),
        Column(
            "precision",
            "vocab",
            "Precision of a date value (derived).",
            nullable=True,
            vocabulary="precision",
            derived_from="value",
        ),
        Column(
            "locator",
            "string",
            "Where in the source: `page 12`, `pages 12-15`, `paragraph 17`, `line 5`, "
            "`section 2.3`, `folio 12r`, `time 0:01:05`.",
            nullable=True,
            pattern=LOCATOR,
        ),
        Column("quote", "string", "Short verbatim quote from the source.", nullable=True),
        Column("stance", "vocab", "Supports or contradicts the event record.", vocabulary="stance"),
        Column("mode", "vocab", "Reported as past, or announced as future.", vocabulary="mode"),
        Column(
            "certainty",
            "vocab",
            "Certain, or uncertain (registry: partial).",
            vocabulary="certainty",
        ),
        Column("note", "string", "Curator's note, our words.", nullable=True),
    ),
    ("id",),
    (
        ForeignKey(("event_id",), "events", ("id",)),
        ForeignKey(("source_id",), "sources", ("id",)),
    ),
)

PARTICIPANTS = Table(
    "participants",
    "Who took part in an event, and in which role.",
    (
        Column("event_id", "string", "The event."),
        Column("actor_id", "string", "The actor."),
        Column("role", "vocab", "The actor's role.", vocabulary="role"),
    ),
    ("event_id", "actor_id", "role"),
    (
        ForeignKey(("event_id",), "events", ("id",)),
        ForeignKey(("actor_id",), "actors", ("id",)),
    ),
)

SOURCES = Table(
    "sources",
    "The documents claims cite. Unknown fields are null, never guessed.",
    (
        _id("Stable slug."),
        Column("kind", "vocab", "Kind of source.", vocabulary="source_kind"),
        Column("title", "string", "Headline or title; null when not known.", nullable=True),
        Column("publisher", "string", "Publisher.", nullable=True),
        Column("published", "string", "Publication date, EDTF.", nullable=True, edtf=True),
        *_bounds("published", "published_", True),
        Column(
            "url", "string", "Address of the copy read.", nullable=True, pattern=r"^https?://\S+$"
        ),
        Column("retrieved", "string", "When it was read, EDTF.", nullable=True, edtf=True),
        *_bounds("retrieved", "retrieved_", True),
        Column(
            "language",
            "string",
            "BCP 47 language tag.",
            nullable=True,
            pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$",
        ),
        Column("notes", "string", "Curator's notes.", nullable=True),
        Column(
            "text",
            "string",
            "File name of a local copy of the text (paragraph = line).",
            nullable=True,
        ),
    ),
    ("id",),
)

ACTORS = Table(
    "actors",
    "People, states and organisations.",
    (
        _id("Stable slug."),
        Column("name", "string", "Name."),
        Column("kind", "vocab", "Person, state or organisation.", vocabulary="actor_kind"),
        Column("country", "string", "ISO 3166-1 alpha-2.", nullable=True, pattern=COUNTRY),
        Column("notes", "string", "Curator's notes.", nullable=True),
    ),
    ("id",),
)

PLACES = Table(
    "places",
    "Gazetteer of the places events happen in.",
    (
        _id("Stable slug."),
        Column("name", "string", "Name."),
        Column("country", "string", "ISO 3166-1 alpha-2.", nullable=True, pattern=COUNTRY),
        Column("latitude", "float", "Decimal degrees.", nullable=True),
        Column("longitude", "float", "Decimal degrees.", nullable=True),
    ),
    ("id",),
)

#: All tables, in dependency order (referenced tables first).
TABLES: Final[dict[str, Table]] = {
    t.name: t for t in (PLACES, ACTORS, SOURCES, EVENTS, PARTICIPANTS, CLAIMS)
}
TABLE_NAMES: Final = tuple(TABLES)


def vocabulary_terms(column: Column, vocabularies: Vocabularies = CORE) -> tuple[str, ...]:
    """The terms a vocabulary column may hold: the core ones, then a dataset's own."""
    assert column.vocabulary is not None
    return vocabularies.terms(column.vocabulary)


def pandas_categories(
    column: Column, vocabularies: Vocabularies = CORE
) -> tuple[tuple[str, ...], bool]:
    """The categories of a vocabulary column in pandas, and whether they are ordered.

    ``precision`` is ordered from coarsest to finest (``century`` < ... < ``day``), so
    ``frame["precision"] >= "month"`` selects month and day precision; every other
    vocabulary is unordered, its categories in vocabulary order (core terms, then the
    dataset's own).
    """
    if column.vocabulary == "precision":
        return tuple(reversed(vocabulary_terms(column, vocabularies))), True
    return vocabulary_terms(column, vocabularies), False
