"""The shape of the curated YAML files: which records they hold and what each field may be.

One table per record kind, used by the build (``chrono.curation`` checks every record
against it) and by the JSON Schemas of the curated files (``schemas/``), so the two cannot
drift. A field's ``column`` is the table column it fills, which is how a finding on a
compiled table is pointed back at the field's line in the YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Final

from chrono.model.locators import LOCATOR
from chrono.model.tables import COUNTRY, SLUG

SEMVER: Final = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$"
URL: Final = r"^https?://\S+$"
LANGUAGE: Final = r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$"
ORCID: Final = r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"
DOI: Final = r"^10\.[0-9]{4,9}/\S+$"


@dataclass(frozen=True)
class Field:
    """One field of a curated record."""

    name: str
    description: str
    shape: str = "text"  # text | number | list | mapping
    required: bool = False
    vocabulary: str | None = None
    edtf: bool = False
    pattern: str | None = None
    column: str | None = None  # the table column it fills (default: its own name)
    example: str | None = None  # as the YAML writes it (schemas/ and editors show it)
    items: str | None = None  # shape "list": a list of this record kind, or of "text"


def _slug(
    name: str,
    description: str,
    required: bool = True,
    column: str | None = None,
    example: str | None = None,
) -> Field:
    return Field(name, description, required=required, pattern=SLUG, column=column, example=example)


DATASET: Final = (
    _slug(
        "name",
        "The dataset's name: a slug, unique among your datasets.",
        example="russia-china-summits",
    ),
    Field("title", "A title for people.", required=True, example="Russia–China summit diplomacy"),
    Field(
        "version",
        "Semantic version of the data (MAJOR.MINOR.PATCH).",
        required=True,
        pattern=SEMVER,
        example="0.1.0",
    ),
    Field("license", "The data's licence, an SPDX identifier.", required=True, example="CC-BY-4.0"),
    Field(
        "description",
        "What the dataset covers, in a few sentences.",
        example="Dated meetings and joint statements, with per-fact provenance.",
    ),
    Field("keywords", "Subject keywords.", shape="list", items="text"),
    Field(
        "creators",
        "Who made the data, in citation order: a list of {name, given, family, orcid, "
        "affiliation}.",
        shape="list",
        items="creator",
    ),
    Field(
        "released",
        "When this version was released, EDTF (the year is cited).",
        edtf=True,
        example="2026-11-30",
    ),
    Field(
        "homepage",
        "A web page about the dataset.",
        pattern=URL,
        example="https://example.org/my-chronology",
    ),
    Field(
        "repository",
        "Where the curated sources are kept (e.g. a git repository).",
        pattern=URL,
        example="https://example.org/git/my-chronology",
    ),
    Field(
        "doi",
        "The dataset's DOI, when it has one (10.xxxx/...).",
        pattern=DOI,
        example="10.5281/zenodo.1234567",
    ),
    Field(
        "vocabularies",
        "Terms the dataset adds to the open vocabularies, each with its "
        "definition: {vocabulary: {term: definition}}.",
        shape="mapping",
    ),
)
CREATOR: Final = (
    Field(
        "name",
        "The person's or group's name, as people read it.",
        required=True,
        example="Ada Example",
    ),
    Field(
        "given", "Given names, for citation formats that split names (CFF, BibTeX).", example="Ada"
    ),
    Field("family", "Family name, for citation formats that split names.", example="Example"),
    Field(
        "orcid",
        "ORCID iD (0000-0002-1825-0097), without the https://orcid.org/ prefix.",
        pattern=ORCID,
        example="0000-0002-1825-0097",
    ),
    Field("affiliation", "Institution.", example="Example University"),
)
SOURCE: Final = (
    _slug("id", "Stable slug, cited by claims.", example="rferl-2023-03-17-xi-visit"),
    Field("kind", "Kind of source.", required=True, vocabulary="source_kind"),
    Field(
        "title",
        "Headline or title; leave null when not known, never guess.",
        example="Xi Jinping to visit Russia",
    ),
    Field("publisher", "Publisher.", example="RFE/RL"),
    Field("published", "Publication date, EDTF.", edtf=True, example="2023-03-17"),
    Field(
        "url",
        "Address of the copy read.",
        pattern=URL,
        example="https://example.org/news/2023/03/17/visit.html",
    ),
    Field("retrieved", "When it was read, EDTF.", edtf=True, example="2026-11"),
    Field("language", "BCP 47 language tag.", pattern=LANGUAGE, example="en"),
    Field("notes", "Curator's notes.", example="Headline not shown in the copy read."),
    Field(
        "text",
        "File name of a local copy of the text, in the --sources folder.",
        example="seed-article.txt",
    ),
)
ACTOR: Final = (
    _slug("id", "Stable slug.", example="xi-jinping"),
    Field("name", "Name.", required=True, example="Xi Jinping"),
    Field("kind", "Kind of actor.", required=True, vocabulary="actor_kind"),
    Field("country", "ISO 3166-1 alpha-2 code.", pattern=COUNTRY, example="RU"),
    Field("notes", "Curator's notes.", example="Head of state during the period covered."),
)
PLACE: Final = (
    _slug("id", "Stable slug.", example="moscow"),
    Field("name", "Name.", required=True, example="Moscow"),
    Field("country", "ISO 3166-1 alpha-2 code.", pattern=COUNTRY, example="RU"),
    Field("latitude", "Decimal degrees, -90 to 90.", shape="number", example="55.7558"),
    Field("longitude", "Decimal degrees, -180 to 180.", shape="number", example="37.6173"),
)
EVENT: Final = (
    _slug(
        "id",
        "Stable slug; equals the file name without .yaml.",
        example="xi-state-visit-russia-2023",
    ),
    Field(
        "title",
        "Short title, our words.",
        required=True,
        example="Xi Jinping's state visit to Russia",
    ),
    Field(
        "summary",
        "One or two sentences, our words (never a quote).",
        required=True,
        example="The two leaders met in Moscow for three days of talks.",
    ),
    Field("type", "Kind of event.", required=True, vocabulary="event_type"),
    Field(
        "status", "Confirmed, disputed, planned or cancelled.", required=True, vocabulary="status"
    ),
    Field(
        "date",
        "When, as EDTF: the interval every supporting date claim contains.",
        required=True,
        edtf=True,
        example="2023-03-20/2023-03-22",
    ),
    _slug("place", "Where: a place id.", required=False, column="place_id", example="moscow"),
    _slug(
        "parent",
        "The containing event (a summit holding a meeting).",
        required=False,
        column="parent_id",
        example="sco-summit-samarkand-2022",
    ),
    Field(
        "participants", "Who took part: a list of {actor, role}.", shape="list", items="participant"
    ),
    Field("claims", "What the sources state: a list of claims.", shape="list", items="claim"),
)
PARTICIPANT: Final = (
    _slug("actor", "An actor id.", column="actor_id", example="xi-jinping"),
    Field("role", "The actor's role.", required=True, vocabulary="role"),
)
CLAIM: Final = (
    _slug(
        "source",
        "The source that states it: a source id.",
        column="source_id",
        example="rferl-2023-03-17-xi-visit",
    ),
    Field("property", "Which fact.", required=True, vocabulary="property"),
    Field(
        "value",
        "The value as the source states it (none for occurrence).",
        example="2023-03-20/2023-03-22",
    ),
    Field(
        "calendar",
        "Calendar of a date value as the source gives it (default gregorian).",
        vocabulary="calendar",
    ),
    Field("locator", "Where in the source.", pattern=LOCATOR, example="paragraph 17"),
    Field("quote", "Short verbatim quote from the source.", example="from March 20 to March 22"),
    Field("stance", "Supports (default) or contradicts the event record.", vocabulary="stance"),
    Field("mode", "Reported (default), announced or ongoing.", vocabulary="mode"),
    Field(
        "certainty",
        "Certain (default), or uncertain where the registry marks it partial.",
        vocabulary="certainty",
    ),
    Field(
        "note", "Curator's note, our words.", example="'Last February' in an article of 2023-03-17."
    ),
)

#: Record kind -> its fields, in the order the files write them.
RECORDS: Final[dict[str, tuple[Field, ...]]] = {
    "dataset": DATASET,
    "creator": CREATOR,
    "source": SOURCE,
    "actor": ACTOR,
    "place": PLACE,
    "event": EVENT,
    "participant": PARTICIPANT,
    "claim": CLAIM,
}
#: Curated file -> (table it fills, record kind); events/<id>.yaml holds one event.
FILES: Final = {
    "dataset.yaml": (None, "dataset"),
    "sources.yaml": ("sources", "source"),
    "actors.yaml": ("actors", "actor"),
    "places.yaml": ("places", "place"),
    "events/": ("events", "event"),
}
#: The largest magnitude of each number field (the build rejects a value beyond it).
RANGES: Final = {"latitude": 90.0, "longitude": 180.0}
#: Defaults the build writes for a claim field left out.
CLAIM_DEFAULTS: Final = {"stance": "supports", "mode": "reported", "certainty": "certain"}


@cache
def fields(kind: str) -> Mapping[str, Field]:
    """The fields of a record kind by name (made once: checking a record asks for them)."""
    return MappingProxyType({f.name: f for f in RECORDS[kind]})
