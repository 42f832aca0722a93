"""The fields of the curated YAML files: one rule per field, shared by the build and the schemas.

:mod:`chrono.curation` checks every record against :data:`RULES`;
:mod:`chrono.model.curated_schema` turns the same rules into the JSON Schemas editors use,
so the two cannot drift. A rule's description is its own, or that of the table column the
field compiles to (``column``); every field has examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from chrono.model.tables import COUNTRY, LOCATOR, TABLES, Column

SEMVER: Final = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$"


@dataclass(frozen=True)
class FieldRule:
    """What one field of a curated record may hold."""

    required: bool = False
    vocabulary: str | None = None  # key of vocab.VOCABULARIES
    edtf: bool = False
    slug: bool = False
    pattern: str | None = None
    number: bool = False
    items: str | None = None  # a list: of records of this kind, or of "text"
    column: str | None = None  # "table.column" the field compiles to
    description: str | None = None  # when the column's does not say it
    examples: tuple[object, ...] = ()  # JSON values, as an editor reads the YAML
    default: str | None = None  # the value the build stores when the field is absent

    def describe(self) -> str:
        """The field's description: its own, or its column's."""
        if self.description:
            return self.description
        return table_column(self.column).description if self.column else ""


def table_column(ref: str) -> Column:
    """The column ``"table.column"`` names."""
    table, _, name = ref.partition(".")
    return TABLES[table].column(name)


def _pattern(ref: str) -> str | None:
    return table_column(ref).pattern


def _text(column: str | None = None, *examples: str, description: str | None = None) -> FieldRule:
    return FieldRule(column=column, description=description, examples=examples)


RULES: Final[dict[str, dict[str, FieldRule]]] = {
    "dataset": {
        "name": FieldRule(
            required=True,
            slug=True,
            description="The dataset's name: a slug, usually its folder's name.",
            examples=("russia-china-summits",),
        ),
        "title": FieldRule(
            required=True,
            description="The dataset's title, for people.",
            examples=("Russia–China summit diplomacy",),
        ),
        "version": FieldRule(
            required=True,
            pattern=SEMVER,
            description="Semantic version of the data (MAJOR.MINOR.PATCH).",
            examples=("0.1.0", "1.2.0-rc.1"),
        ),
        "license": FieldRule(
            required=True,
            description="Licence of the data: an SPDX identifier.",
            examples=("CC-BY-4.0", "CC0-1.0"),
        ),
        "description": _text(
            None,
            "Dated meetings and joint statements, with per-fact provenance.",
            description="What the dataset covers, in a few sentences.",
        ),
        "keywords": FieldRule(
            items="text",
            description="Keywords for catalogues.",
            examples=(["diplomacy", "summits"],),
        ),
    },
    "source": {
        "id": FieldRule(
            required=True, slug=True, column="sources.id", examples=("rferl-2023-03-17-xi-visit",)
        ),
        "kind": FieldRule(
            required=True,
            vocabulary="source_kind",
            column="sources.kind",
            examples=("news_report",),
        ),
        "title": _text("sources.title", "Xi Jinping to visit Russia"),
        "publisher": _text("sources.publisher", "RFE/RL"),
        "published": FieldRule(
            edtf=True, column="sources.published", examples=("2023-03-17", "2022-02")
        ),
        "url": FieldRule(
            pattern=_pattern("sources.url"),
            column="sources.url",
            examples=("https://example.org/news/2023/03/17/visit.html",),
        ),
        "retrieved": FieldRule(
            edtf=True, column="sources.retrieved", examples=("2026-11", "2026-11-01")
        ),
        "language": FieldRule(
            pattern=_pattern("sources.language"), column="sources.language", examples=("en", "zh")
        ),
        "notes": _text("sources.notes", "Headline not shown in the copy read."),
        "text": _text("sources.text", "seed-article.txt"),
    },
    "actor": {
        "id": FieldRule(required=True, slug=True, column="actors.id", examples=("xi-jinping",)),
        "name": FieldRule(required=True, column="actors.name", examples=("Xi Jinping",)),
        "kind": FieldRule(
            required=True, vocabulary="actor_kind", column="actors.kind", examples=("person",)
        ),
        "country": FieldRule(pattern=COUNTRY, column="actors.country", examples=("CN", "RU")),
        "notes": _text("actors.notes", "Head of state during the period covered."),
    },
    "place": {
        "id": FieldRule(required=True, slug=True, column="places.id", examples=("moscow",)),
        "name": FieldRule(required=True, column="places.name", examples=("Moscow",)),
        "country": FieldRule(pattern=COUNTRY, column="places.country", examples=("RU",)),
        "latitude": FieldRule(number=True, column="places.latitude", examples=("55.7558",)),
        "longitude": FieldRule(number=True, column="places.longitude", examples=("37.6173",)),
    },
    "event": {
        "id": FieldRule(
            required=True,
            slug=True,
            column="events.id",
            description="Stable slug; must equal the file name without .yaml.",
            examples=("xi-state-visit-russia-2023",),
        ),
        "title": FieldRule(
            required=True, column="events.title", examples=("Xi Jinping's state visit to Russia",)
        ),
        "summary": FieldRule(
            required=True,
            column="events.summary",
            examples=("The two leaders met in Moscow for three days of talks.",),
        ),
        "type": FieldRule(
            required=True, vocabulary="event_type", column="events.type", examples=("state_visit",)
        ),
        "status": FieldRule(
            required=True, vocabulary="status", column="events.status", examples=("confirmed",)
        ),
        "date": FieldRule(
            required=True,
            edtf=True,
            column="events.date",
            examples=("2023-03-20/2023-03-22", "2019", "2014-09?"),
        ),
        "place": FieldRule(slug=True, column="events.place_id", examples=("moscow",)),
        "parent": FieldRule(slug=True, column="events.parent_id", examples=("sco-summit-2022",)),
        "participants": FieldRule(
            items="participant",
            description="Who took part, and in which role.",
            examples=([{"actor": "xi-jinping", "role": "guest"}],),
        ),
        "claims": FieldRule(
            items="claim",
            description="What each source states about the event: one claim per fact.",
            examples=([{"source": "rferl-2023-03-17-xi-visit", "property": "occurrence"}],),
        ),
    },
    "participant": {
        "actor": FieldRule(
            required=True,
            slug=True,
            column="participants.actor_id",
            description="The actor: an id in actors.yaml.",
            examples=("xi-jinping",),
        ),
        "role": FieldRule(
            required=True, vocabulary="role", column="participants.role", examples=("guest",)
        ),
    },
    "claim": {
        "source": FieldRule(
            required=True,
            slug=True,
            column="claims.source_id",
            description="The source that states it: an id in sources.yaml.",
            examples=("rferl-2023-03-17-xi-visit",),
        ),
        "property": FieldRule(
            required=True, vocabulary="property", column="claims.property", examples=("date",)
        ),
        "value": _text(
            "claims.value",
            "2023-03-20/2023-03-22",
            "official_visit",
            description="The value as the source states it: omitted for occurrence; EDTF for "
            "date; an event_type term for type; a place id; actor ids joined by ';'.",
        ),
        "locator": FieldRule(pattern=LOCATOR, column="claims.locator", examples=("p1", "p17")),
        "quote": _text("claims.quote", "from March 20 to March 22"),
        "stance": FieldRule(
            vocabulary="stance", column="claims.stance", examples=("supports",), default="supports"
        ),
        "mode": FieldRule(
            vocabulary="mode", column="claims.mode", examples=("announced",), default="reported"
        ),
        "certainty": FieldRule(
            vocabulary="certainty",
            column="claims.certainty",
            examples=("uncertain",),
            default="certain",
        ),
        "note": _text("claims.note", "'Last February' in an article of 2023-03-17."),
    },
}

#: (record kind, field) of the fields that hold a list.
LIST_FIELDS: Final = frozenset(
    (kind, name) for kind, rules in RULES.items() for name, rule in rules.items() if rule.items
)


@dataclass(frozen=True)
class CuratedFile:
    """One kind of curated file: where it is in a dataset and what it holds."""

    kind: str  # "dataset", "sources", "actors", "places", "events"
    path: str  # relative to the dataset: "sources.yaml", "events/<id>.yaml"
    record: str  # the record kind of RULES it holds
    many: bool  # a list of records (else one record)
    description: str


CURATED_FILES: Final[dict[str, CuratedFile]] = {
    f.kind: f
    for f in (
        CuratedFile(
            "dataset",
            "dataset.yaml",
            "dataset",
            False,
            "The dataset's name, title, version, licence and keywords.",
        ),
        CuratedFile(
            "sources", "sources.yaml", "source", True, "The sources the claims cite, as a list."
        ),
        CuratedFile(
            "actors", "actors.yaml", "actor", True, "People, states and organisations, as a list."
        ),
        CuratedFile("places", "places.yaml", "place", True, "The gazetteer, as a list."),
        CuratedFile(
            "events",
            "events/<id>.yaml",
            "event",
            False,
            "One event, with its participants and the claims that back it.",
        ),
    )
}
