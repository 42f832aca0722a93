"""The catalogue of validation rules: stable codes, default severities, titles, explanations.

Codes never change meaning once published; a retired rule keeps its code reserved.
Families: CHR1xx structure, CHR2xx keys, CHR3xx dates, CHR4xx provenance,
CHR5xx vocabularies, CHR6xx integrity, CHR7xx duplicates, CHR8xx quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ERROR: Final = "error"
WARNING: Final = "warning"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    explanation: str


_RULES = (
    Rule(
        "CHR101",
        ERROR,
        "required table missing",
        "Every table of the model (places, actors, sources, events, participants, claims) must "
        "be listed in datapackage.json. Add the missing resource (chrono build writes all six).",
    ),
    Rule(
        "CHR102",
        ERROR,
        "required column missing",
        "A table lacks a column the model declares. The other rules that need that column are "
        "skipped for the table.",
    ),
    Rule(
        "CHR103",
        ERROR,
        "wrong column type",
        "A column's Arrow type differs from the model: text is string, vocabulary columns are "
        "dictionary<int32, string>, dates are date32, flags bool, coordinates float64. The "
        "other rules still run on the column when its values can be cast to the model's type.",
    ),
    Rule(
        "CHR104",
        ERROR,
        "null in a required column",
        "A column the model marks as required (not nullable) holds nulls.",
    ),
    Rule(
        "CHR105",
        ERROR,
        "unknown column",
        "A table holds a column the model does not declare. Remove it, or propose the column "
        "for the model (src/chrono/model/tables.py).",
    ),
    Rule(
        "CHR106",
        ERROR,
        "value does not match the column's pattern",
        "Ids are lower-case slugs, country codes ISO 3166-1 alpha-2, URLs http(s), languages "
        "BCP 47 tags. Locators say what they point at: page 12, pages 12-15, paragraph 17, "
        "paragraphs 3-4, line 5, lines 5-9, section 2.3, folio 12r, folios 12r-13v, time "
        "0:01:05 or time 0:01:05-0:02:00; a range runs forwards.",
    ),
    Rule(
        "CHR110",
        ERROR,
        "curated file unreadable or malformed",
        "A curated YAML file (dataset.yaml, sources.yaml, actors.yaml, places.yaml, "
        "events/<id>.yaml) is not UTF-8, is not well-formed YAML, repeats a key in a mapping "
        "or has a key that is not text. Found by chrono build and by chrono validate of a "
        "dataset whose Parquet is stale or not built.",
    ),
    Rule(
        "CHR112",
        ERROR,
        "empty or padded text in a curated field",
        "A curated field is empty or starts or ends with white space (a stray space makes "
        "two different ids). Write the value without surrounding spaces, or leave the field "
        "out (null).",
    ),
    Rule(
        "CHR113",
        ERROR,
        "curated files not laid out as the model expects",
        "A curated dataset has events/ with one <id>.yaml file per event, whose id equals the "
        "file name; no other files (a .yml, a folder) and at least one event. A build that "
        "would write no events is refused rather than publishing an empty chronology.",
    ),
    Rule(
        "CHR116",
        ERROR,
        "claim value does not fit its property",
        "An occurrence claim has no value; every other claim has one. A date claim's value "
        "is EDTF and only a date claim has a calendar; a place claim's value is a place id; "
        "a participants claim's value is actor ids separated by ';', each once, sorted.",
    ),
    Rule(
        "CHR201",
        ERROR,
        "duplicate primary key",
        "Two or more rows share a primary key. Each example is one duplicated key, with the "
        "number of rows that share it.",
    ),
    Rule(
        "CHR202",
        ERROR,
        "foreign key does not resolve",
        "A reference names a row that does not exist: claims -> events and sources, "
        "participants -> events and actors, events -> places and parent events.",
    ),
    Rule(
        "CHR301",
        ERROR,
        "invalid EDTF date",
        "An EDTF column (events.date, date claims' value, sources.published and retrieved) "
        "does not parse as an EDTF level 0/1 date.",
    ),
    Rule(
        "CHR302",
        ERROR,
        "derived date column differs from the recomputed value",
        "earliest, latest, precision, uncertain and approximate are derived from the EDTF "
        "string and never typed by hand. Rebuild the dataset (chrono build) to recompute them.",
    ),
    Rule(
        "CHR303",
        ERROR,
        "earliest after latest",
        "A stored interval ends before it starts.",
    ),
    Rule(
        "CHR304",
        ERROR,
        "child event outside its parent",
        "An event with a parent (a meeting held at a summit) must lie inside the parent's "
        "interval.",
    ),
    Rule(
        "CHR401",
        ERROR,
        "no supporting occurrence claim",
        "Every event needs at least one claim with property occurrence and stance supports.",
    ),
    Rule(
        "CHR402",
        ERROR,
        "no supporting date claim",
        "Every event needs at least one claim with property date and stance supports.",
    ),
    Rule(
        "CHR403",
        ERROR,
        "event interval outside a supporting date claim",
        "The event's interval must lie inside the interval of every supporting date claim "
        "('June 5-7 2019' inside '2019'). If the sources disagree, mark the event disputed.",
    ),
    Rule(
        "CHR404",
        ERROR,
        "event more precise than its sources",
        "An event's date is no more precise than its most precise supporting date claim.",
    ),
    Rule(
        "CHR405",
        ERROR,
        "source reports an event that ends after its publication",
        "A claim with mode reported states the event as past; the event cannot end after the "
        "source's latest possible publication day. Use mode announced for future events.",
    ),
    Rule(
        "CHR406",
        ERROR,
        "retrieved before published",
        "A source cannot be read before it was published: retrieved_latest must not be "
        "before published_earliest.",
    ),
    Rule(
        "CHR407",
        ERROR,
        "claim's mode contradicts its source's publication date",
        "A claim with mode announced describes the event as future when its source was "
        "published, so the source cannot be published after the event began "
        "(published_earliest after the event's earliest). A claim with mode ongoing describes "
        "the event as under way, so the source cannot be published before the event began "
        "(published_latest before the event's earliest) or after it ended (published_earliest "
        "after the event's latest). Sources without a publication date are not checked.",
    ),
    Rule(
        "CHR408",
        WARNING,
        "date claim equals its source's publication date, unexplained",
        "A date claim whose value denotes exactly its source's publication date (the same "
        "EDTF value, or the same day or interval) and has no note. That is right when the "
        "source reports the event on the day it happened ('on Thursday' in Thursday's "
        "paper), and wrong when the publication date was copied in where the source states "
        "none. Say in the claim's note how the source dates the event, or fix the value.",
    ),
    Rule(
        "CHR409",
        WARNING,
        "planned event long past, still only announced",
        "An event with status planned whose interval ended before the newest publication date "
        "of any source in the dataset (the largest published_earliest: a reference fixed by "
        "the data, so every run gives the same result), and whose claims all have mode "
        "announced. The dataset holds sources from after the event, but none reports it: "
        "look for a report that it took place (status confirmed, claims reported) or that it "
        "was called off (status cancelled).",
    ),
    Rule(
        "CHR501",
        ERROR,
        "unknown vocabulary term",
        "A controlled column holds a value that is not a term of its vocabulary "
        "(src/chrono/model/vocab.py, docs/data-model.md).",
    ),
    Rule(
        "CHR502",
        ERROR,
        "vocabulary declaration not allowed",
        "A dataset may add terms, each with a definition, to the open vocabularies "
        "(event_type, role, actor_kind, source_kind, property) in dataset.yaml under "
        "vocabularies. It cannot redefine a core term, extend a closed vocabulary (status, "
        "stance, mode, certainty, precision, calendar: the rules give their terms a meaning), "
        "or declare a term without a definition. chrono vocab lists every term a dataset may "
        "use.",
    ),
    Rule(
        "CHR601",
        ERROR,
        "sha256 mismatch",
        "The file's sha256 differs from the hash in datapackage.json: the file changed after "
        "the build (or a byte flipped). Rebuild, or restore the file.",
    ),
    Rule(
        "CHR602",
        ERROR,
        "size mismatch",
        "The file's size in bytes differs from datapackage.json.",
    ),
    Rule(
        "CHR603",
        ERROR,
        "row count mismatch",
        "The table's row count differs from datapackage.json.",
    ),
    Rule(
        "CHR604",
        ERROR,
        "Parquet stale with respect to the curated sources",
        "The curated YAML beside datapackage.json changed since the Parquet was built "
        "(its hash differs from chrono.curated_sha256 in the descriptor). Run chrono build.",
    ),
    Rule(
        "CHR701",
        WARNING,
        "likely duplicate events",
        "Two events of the same type with overlapping intervals and the same participants are "
        "probably one event recorded twice. Merge them, or tell them apart.",
    ),
    Rule(
        "CHR801",
        ERROR,
        "quote not found in its source",
        "With --sources DIR: a claim's quote must appear verbatim in the local copy of its "
        "source (the file named by sources.text in that folder), in the paragraph, line or "
        "page its locator names (paragraphs are separated by blank lines or page breaks, or "
        "are the lines of a text without them; pages are separated by form feeds, as "
        "pdftotext writes them). Quotes with other locators are looked for in the whole text.",
    ),
    Rule(
        "CHR802",
        WARNING,
        "quote found elsewhere in its source",
        "With --sources DIR: the quote is in the source, but not in the paragraph, line or "
        "page its locator names. Fix the locator to the place named in the message.",
    ),
    Rule(
        "CHR803",
        WARNING,
        "local copy of a source missing",
        "With --sources DIR: a source names a text file that is not in the directory, so its "
        "quotes cannot be checked.",
    ),
)

RULES: Final[dict[str, Rule]] = {r.code: r for r in _RULES}


def get(code: str) -> Rule:
    """The rule with ``code`` (case-insensitive); KeyError when there is none."""
    return RULES[code.strip().upper()]
