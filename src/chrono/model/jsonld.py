"""The JSON-LD context of the tables: rows as linked data under schema.org and Wikidata terms.

A row becomes a node when it carries ``"@type"`` naming its table's class (``Event``,
``Claim``, ``Participant``, ``Source``, ``Actor``, ``Place``); the class's scoped context
maps its columns. Ids are IRIs relative to the ``@base`` the document gives (one per
dataset), and the id columns of other tables (``place_id``, ``source_id``...) are IRIs under
the same base, so references link. EDTF strings are typed with the Library of Congress
datatype, derived bounds as ``xsd:date``. Terms chrono alone defines use the ``urn:chrono:``
namespace, which names them without pretending to be a web address.

Every column of every table must have a term here: a new column fails generation with a
message naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from chrono.model.patterns import SchemaError
from chrono.model.tables import TABLES

PREFIXES: Final = {
    "chrono": "urn:chrono:",
    "dcterms": "http://purl.org/dc/terms/",
    "edtf": "http://id.loc.gov/datatypes/edtf/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
#: EDTF levels 0 and 1 (what chrono stores), as the Library of Congress names the datatype.
EDTF_DATATYPE: Final = "edtf:EDTF-level1"


@dataclass(frozen=True)
class Term:
    """How one column maps: its property, the value's type, and a Wikidata equivalent."""

    iri: str
    type: str | None = None  # "@id", "@vocab", a datatype; None for plain text
    reverse: bool = False  # the row is the object of ``iri``, the value its subject
    wikidata: str | None = None  # a Wikidata property with the same meaning: "P276 (location)"


_ID = "@id"
_DATE = "xsd:date"


def _bounds(prefix: str) -> dict[str, Term]:
    return {
        f"{prefix}earliest": Term(f"chrono:{prefix}earliest", _DATE),
        f"{prefix}latest": Term(f"chrono:{prefix}latest", _DATE),
    }


#: table -> (class name, class IRI, column -> term)
CLASSES: Final[dict[str, tuple[str, str, dict[str, Term]]]] = {
    "places": (
        "Place",
        "schema:Place",
        {
            "name": Term("schema:name"),
            "country": Term("chrono:country"),
            "latitude": Term("schema:latitude", "xsd:double"),
            "longitude": Term("schema:longitude", "xsd:double"),
        },
    ),
    "actors": (
        "Actor",
        "chrono:Actor",
        {
            "name": Term("schema:name"),
            "kind": Term("rdf:type", "@vocab"),
            "country": Term("chrono:country"),
            "notes": Term("skos:note"),
        },
    ),
    "sources": (
        "Source",
        "schema:CreativeWork",
        {
            "kind": Term("chrono:sourceKind"),
            "title": Term("schema:headline", wikidata="P1476 (title)"),
            "publisher": Term("schema:publisher", wikidata="P123 (publisher)"),
            "published": Term(
                "schema:datePublished", EDTF_DATATYPE, wikidata="P577 (publication date)"
            ),
            **_bounds("published_"),
            "url": Term("schema:url", _ID, wikidata="P854 (reference URL)"),
            "retrieved": Term("wdt:P813", EDTF_DATATYPE, wikidata="P813 (retrieved)"),
            **_bounds("retrieved_"),
            "language": Term("schema:inLanguage", wikidata="P407 (language of work or name)"),
            "notes": Term("skos:note"),
            "text": Term("chrono:textFile"),
        },
    ),
    "events": (
        "Event",
        "schema:Event",
        {
            "title": Term("schema:name"),
            "summary": Term("schema:description"),
            "type": Term("chrono:eventType"),
            "status": Term("chrono:status"),
            "date": Term("dcterms:date", EDTF_DATATYPE),
            **_bounds(""),
            "precision": Term("chrono:precision"),
            "uncertain": Term("chrono:uncertain", "xsd:boolean"),
            "approximate": Term("chrono:approximate", "xsd:boolean"),
            "place_id": Term("schema:location", _ID, wikidata="P276 (location)"),
            "parent_id": Term("schema:superEvent", _ID, wikidata="P361 (part of)"),
        },
    ),
    "participants": (
        "Participant",
        "schema:Role",
        {
            "event_id": Term("schema:attendee", _ID, reverse=True),
            "actor_id": Term("schema:attendee", _ID, wikidata="P710 (participant)"),
            "role": Term("schema:roleName", wikidata="P2868 (subject has role), as a qualifier"),
        },
    ),
    "claims": (
        "Claim",
        "schema:Claim",
        {
            "event_id": Term("schema:about", _ID),
            "source_id": Term("schema:citation", _ID, wikidata="P248 (stated in)"),
            "property": Term("chrono:property"),
            "value": Term("chrono:value"),
            "calendar": Term("chrono:calendar"),
            **_bounds(""),
            "precision": Term("chrono:precision"),
            "locator": Term("wdt:P958", wikidata="P958 (section, verse, paragraph, or clause)"),
            "quote": Term("wdt:P1683", wikidata="P1683 (quotation)"),
            "stance": Term("chrono:stance"),
            "mode": Term("chrono:mode"),
            "certainty": Term("chrono:certainty"),
            "note": Term("skos:note"),
        },
    ),
}
#: Classes of the values of ``@vocab`` columns: actors' kind -> rdf:type.
VOCAB_CLASSES: Final = {
    "actors": {
        "person": "schema:Person",
        "state": "schema:Country",
        "organisation": "schema:Organization",
    }
}


def context() -> dict[str, Any]:
    """The JSON-LD 1.1 context (``schemas/chrono.context.jsonld``)."""
    ctx: dict[str, Any] = {"@version": 1.1, **PREFIXES, "id": "@id"}
    for table in TABLES.values():
        if table.name not in CLASSES:
            raise SchemaError(f"{table.name}: no JSON-LD class (add it to chrono.model.jsonld)")
        name, iri, terms = CLASSES[table.name]
        scoped: dict[str, Any] = {}
        for column in table.columns:
            if column.name == "id":
                continue
            if column.name not in terms:
                raise SchemaError(
                    f"{table.name}.{column.name}: no JSON-LD term "
                    "(add one to chrono.model.jsonld.CLASSES)"
                )
            scoped[column.name] = _definition(terms[column.name])
        stale = sorted(set(terms) - set(table.column_names))
        if stale:
            raise SchemaError(f"{table.name}.{stale[0]}: a JSON-LD term for no column")
        scoped.update(VOCAB_CLASSES.get(table.name, {}))
        ctx[name] = {"@id": iri, "@context": scoped}
    return {"@context": ctx}


def _definition(term: Term) -> str | dict[str, str]:
    if term.type is None and not term.reverse:
        return term.iri
    out = {"@reverse" if term.reverse else "@id": term.iri}
    if term.type is not None:
        out["@type"] = term.type
    return out


def wikidata_markdown() -> str:
    """The columns with a Wikidata equivalent, as a markdown table (docs/schemas.md)."""
    lines = ["| column | JSON-LD term | Wikidata |", "|---|---|---|"]
    for table, (_, _, terms) in CLASSES.items():
        for column, term in terms.items():
            if term.wikidata:
                iri = f"^{term.iri}" if term.reverse else term.iri
                lines.append(f"| `{table}.{column}` | `{iri}` | `{term.wikidata}` |")
    return "\n".join(lines) + "\n"
