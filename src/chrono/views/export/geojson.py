"""GeoJSON (RFC 7946): one Feature per place, with the events that happened there.

A place with coordinates is a ``Point`` (``[longitude, latitude]``, RFC 7946's order).
A place without coordinates is kept as an *unlocated* Feature (``"geometry": null``, which
RFC 7946 allows), so no place and no event is lost; map tools draw only the located ones
(``located`` in the result counts them). Events without a place are not in this format:
the result's notes count them. Each event keeps its EDTF ``date``, its bounds (ISO, null
for an open or unknown end) and the date as people read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.model.dates import format_day
from chrono.safeio import output_file
from chrono.views.export import stream
from chrono.views.export.common import ExportResult, metadata, open_dataset
from chrono.views.records import Grouped, Record, dated, rows

if TYPE_CHECKING:
    from chrono.dataset import Dataset


def _event(e: Record) -> dict[str, Any]:
    return {
        "id": e["id"],
        "title": e["title"],
        "type": e["type"],
        "status": e["status"],
        "date": e["date"],
        "earliest": None if e["start"] else format_day(e["earliest"]),
        "latest": None if e["end"] else format_day(e["latest"]),
        "precision": e["precision"],
        "when": e["when"],
    }


def collection(tables: dict[str, Any], meta: dict[str, Any]) -> tuple[dict[str, Any], Counts]:
    """The FeatureCollection, its ``features`` a
    :class:`~chrono.views.export.stream.Streamed` list made a batch of places (and of their
    events) at a time; and what it holds."""
    import pyarrow.compute as pc

    events, places = tables["events"], tables["places"]
    at = Grouped(events, "place_id", places["id"])
    placed = pc.sum(pc.fill_null(pc.not_equal(events["place_id"], ""), False)).as_py() or 0
    both = pc.and_(places["latitude"].is_valid(), places["longitude"].is_valid())
    counts = Counts(places.num_rows, pc.sum(both).as_py() or 0, len(at), events.num_rows - placed)

    def features() -> Iterator[list[dict[str, Any]]]:
        for lo, hi in at.spans(stream.BATCH_ROWS):
            where = zip(rows(places.slice(lo, hi - lo)), at.of(lo, hi), strict=True)
            yield [_feature(p, [_event(dated(e)) for e in held]) for p, held in where]

    doc = {
        "type": "FeatureCollection",
        "name": meta["name"],
        "features": stream.Streamed(features()),
    }
    return doc, counts


@dataclass(frozen=True)
class Counts:
    """The places (``located``: with coordinates), the events at them, and the events
    without a place."""

    places: int
    located: int
    events: int
    placeless: int


def _feature(p: Record, events: list[dict[str, Any]]) -> dict[str, Any]:
    located = p["latitude"] is not None and p["longitude"] is not None
    geometry = (
        {"type": "Point", "coordinates": [p["longitude"], p["latitude"]]} if located else None
    )
    return {
        "type": "Feature",
        "id": p["id"],
        "geometry": geometry,
        "properties": {"name": p["name"], "country": p["country"], "events": events},
    }


def to_geojson(
    dataset: str | Path | Dataset, path: str | Path, *, force: bool = False
) -> ExportResult:
    """A GeoJSON FeatureCollection of the places and their events, written a batch of
    places at a time."""
    ds, tables = open_dataset(dataset)
    doc, counts = collection(tables, metadata(ds))
    result = ExportResult(
        "geojson",
        Path(path),
        {"places": counts.places, "located": counts.located, "events": counts.events},
    )
    if counts.placeless:
        result.notes.append(f"{counts.placeless} events without a place are not in GeoJSON")
    with output_file(path, force=force) as out, stream.text_file(out) as fh:
        stream.write_json(fh, doc)
    return result
