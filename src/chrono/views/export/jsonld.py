"""JSON-LD with schema.org: events as ``Event``, their sources as ``citation``, claims as ``Claim``.

The context is inline (``{"@vocab": "https://schema.org/"}``), so a JSON-LD processor
needs no network. Nodes are blank nodes (``_:event-<id>``) carrying the dataset's id as
``identifier``. Dates: ``startDate`` and ``endDate`` are ISO 8601 at the date's
precision, typed ``xsd:gYear``, ``xsd:gYearMonth`` or ``xsd:date`` (``2019``, ``2022-09``,
``-0043-03-15``; a season as its first and last month; a decade or century as its first
and last year); an open or unknown end has no date; the
EDTF value is always kept beside as ``additionalProperty`` ``edtf``, with the precision
and the qualifiers schema.org cannot say. Participants are ``attendee`` roles
(schema.org's ``Role``, with ``roleName``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.citation import creators
from chrono.model.dates import MAX_DAY, MIN_DAY, EDTFError, parse
from chrono.safeio import output_file
from chrono.views.export import stream
from chrono.views.export.common import ExportResult, metadata, open_dataset
from chrono.views.records import Record, event_batches, iso_at, rows

if TYPE_CHECKING:
    from chrono.dataset import Dataset

CONTEXT = {"@vocab": "https://schema.org/"}
ACTOR_TYPES = {"person": "Person", "state": "Country", "organisation": "Organization"}
STATUS = {"cancelled": "https://schema.org/EventCancelled"}


def _props(**values: Any) -> list[dict[str, Any]]:
    return [
        {"@type": "PropertyValue", "propertyID": k, "value": v}
        for k, v in values.items()
        if v is not None
    ]


XSD = "http://www.w3.org/2001/XMLSchema#"
#: The XML Schema type of a date written at a precision (a season as its months).
XSD_TYPES = {"day": "date", "month": "gYearMonth", "season": "gYearMonth"}


def typed(days: int, precision: str) -> dict[str, str]:
    """A date as a typed JSON-LD value at its precision: ``xsd:date``, ``xsd:gYearMonth``
    or ``xsd:gYear`` (XML Schema 1.1 years: astronomical, ``-0043``, ``12345``)."""
    text = iso_at(days, precision).removeprefix("+")
    return {"@value": text, "@type": XSD + XSD_TYPES.get(precision, "gYear")}


def _date(
    edtf: str | None, lo: int | None, hi: int | None, precision: str | None
) -> dict[str, Any]:
    if edtf is None or lo is None or hi is None or precision is None:
        return {}
    out = {}
    if lo > MIN_DAY:
        out["startDate"] = typed(lo, precision)
    if hi < MAX_DAY and typed(hi, precision) != out.get("startDate"):
        out["endDate"] = typed(hi, precision)
    return out


def _precision(edtf: str | None) -> str | None:
    if edtf is None:
        return None
    try:
        return parse(edtf).precision
    except EDTFError:
        return None


def _event(e: Record) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": f"_:event-{e['id']}",
        "@type": "Event",
        "identifier": e["id"],
        "name": e["title"],
        "description": e["summary"],
        **_date(e["date"], e["earliest"], e["latest"], e["precision"]),
        "additionalProperty": _props(
            edtf=e["date"],
            precision=e["precision"],
            uncertain=e["uncertain"],
            approximate=e["approximate"],
            start=e["start"],
            end=e["end"],
            type=e["type"],
            status=e["status"],
        ),
    }
    if e["status"] in STATUS:
        node["eventStatus"] = {"@id": STATUS[e["status"]]}
    if e["place_id"]:
        node["location"] = {"@id": f"_:place-{e['place_id']}"}
    if e["parent_id"]:
        node["superEvent"] = {"@id": f"_:event-{e['parent_id']}"}
    node["attendee"] = [
        {"@type": "Role", "roleName": p["role"], "attendee": {"@id": f"_:actor-{p['actor_id']}"}}
        for p in e["participants"]
    ]
    node["citation"] = [
        {"@id": f"_:source-{s}"} for s in sorted({c["source_id"] for c in e["claims"]})
    ]
    return node


def _claim(c: Record) -> dict[str, Any]:
    return {
        "@id": f"_:claim-{c['id']}",
        "@type": "Claim",
        "identifier": c["id"],
        "about": {"@id": f"_:event-{c['event_id']}"},
        "appearance": {"@id": f"_:source-{c['source_id']}"},
        **({"text": c["quote"]} if c["quote"] is not None else {}),
        "additionalProperty": _props(
            property=c["property"],
            value=c["value"],
            calendar=c.get("calendar"),
            precision=c["precision"],
            locator=c["locator"],
            stance=c["stance"],
            mode=c["mode"],
            certainty=c["certainty"],
            note=c["note"],
        ),
    }


def _source(s: Record) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": f"_:source-{s['id']}",
        "@type": "CreativeWork",
        "identifier": s["id"],
        "genre": s["kind"],
    }
    if s["title"] is not None:
        node["name"] = s["title"]
    if s["publisher"] is not None:
        node["publisher"] = {"@type": "Organization", "name": s["publisher"]}
    published = _date(
        s["published"], s["published_earliest"], s["published_latest"], _precision(s["published"])
    )
    if "startDate" in published and "endDate" not in published:
        node["datePublished"] = published["startDate"]
    if s["url"] is not None:
        node["url"] = s["url"]
    if s["language"] is not None:
        node["inLanguage"] = s["language"]
    node["additionalProperty"] = _props(
        published=s["published"], retrieved=s["retrieved"], notes=s["notes"], text=s["text"]
    )
    return node


def _actor(a: Record) -> dict[str, Any]:
    node = {
        "@id": f"_:actor-{a['id']}",
        "@type": ACTOR_TYPES.get(a["kind"], "Thing"),
        "identifier": a["id"],
        "name": a["name"],
        "additionalProperty": _props(kind=a["kind"], country=a["country"], notes=a["notes"]),
    }
    return node


def _place(p: Record) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": f"_:place-{p['id']}",
        "@type": "Place",
        "identifier": p["id"],
        "name": p["name"],
    }
    if p["country"] is not None:
        node["address"] = {"@type": "PostalAddress", "addressCountry": p["country"]}
    if p["latitude"] is not None and p["longitude"] is not None:
        node["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": p["latitude"],
            "longitude": p["longitude"],
        }
    return node


def graph(
    tables: dict[str, Any], meta: dict[str, Any], creators: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The JSON-LD document, its ``@graph`` a :class:`~chrono.views.export.stream.Streamed`
    list made a batch of rows at a time; the Dataset node says what citing it needs
    (``creators``: :func:`chrono.citation.creators`)."""
    dataset = {
        "@id": "_:dataset",
        "@type": "Dataset",
        "identifier": meta["name"],
        "name": meta["title"],
        **({"version": meta["version"]} if meta["version"] else {}),
        **({"license": meta["license"]} if meta["license"] else {}),
        **{key: meta[key] for key in ("description", "keywords", "url") if meta.get(key)},
        **({"datePublished": meta["released"]} if meta.get("released") else {}),
        **({"citation": meta["citation"]} if meta.get("citation") else {}),
    }
    if meta.get("doi"):
        dataset["sameAs"] = f"https://doi.org/{meta['doi']}"
    if creators:
        dataset["creator"] = [_creator(c) for c in creators]

    def nodes() -> Iterator[list[dict[str, Any]]]:
        yield [dataset]
        for events in event_batches(tables, stream.BATCH_ROWS):
            yield [_event(e) for e in events]
        for name, node in (
            ("claims", _claim),
            ("sources", _source),
            ("actors", _actor),
            ("places", _place),
        ):
            for part in stream.slices(tables[name]):
                yield [node(r) for r in rows(part)]

    return {"@context": CONTEXT, "@graph": stream.Streamed(nodes())}


def _creator(c: dict[str, str]) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Person", "name": c["name"]}
    if c.get("given"):
        node["givenName"] = c["given"]
    if c.get("family"):
        node["familyName"] = c["family"]
    if c.get("orcid"):
        node["identifier"] = f"https://orcid.org/{c['orcid']}"
    if c.get("affiliation"):
        node["affiliation"] = {"@type": "Organization", "name": c["affiliation"]}
    return node


def to_jsonld(
    dataset: str | Path | Dataset, path: str | Path, *, force: bool = False
) -> ExportResult:
    """A JSON-LD file (schema.org) of every event, claim, source, actor and place, written
    a batch of rows at a time."""
    ds, tables = open_dataset(dataset)
    doc = graph(tables, metadata(ds), creators(ds.descriptor))
    result = ExportResult("jsonld", Path(path))
    for name in ("events", "claims", "sources", "actors", "places", "participants"):
        result.rows[name] = tables[name].num_rows
    with output_file(path, force=force) as out, stream.text_file(out) as fh:
        stream.write_json(fh, doc)
    return result
