"""GeoJSON (RFC 7946): one Feature per place, with the events that happened there.

A place with coordinates is a ``Point`` (``[longitude, latitude]``, RFC 7946's order).
A place without coordinates is kept as an *unlocated* Feature (``"geometry": null``, which
RFC 7946 allows), so no place and no event is lost; map tools draw only the located ones
(``located`` in the result counts them). Events without a place are not in this format:
the result's notes count them. Each event keeps its EDTF ``date``, its bounds (ISO, null
for an open or unknown end) and the date as people read it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.model.dates import format_day
from chrono.safeio import write_file
from chrono.views.export.common import ExportResult, metadata, open_dataset
from chrono.views.records import Record, event_records, rows

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


def collection(tables: dict[str, Any], meta: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The FeatureCollection, and the number of events that have no place."""
    at: dict[str, list[dict[str, Any]]] = defaultdict(list)
    placeless = 0
    for e in event_records(tables):
        if e["place_id"]:
            at[e["place_id"]].append(_event(e))
        else:
            placeless += 1
    features = []
    for p in rows(tables["places"]):
        located = p["latitude"] is not None and p["longitude"] is not None
        geometry = (
            {"type": "Point", "coordinates": [p["longitude"], p["latitude"]]} if located else None
        )
        features.append(
            {
                "type": "Feature",
                "id": p["id"],
                "geometry": geometry,
                "properties": {
                    "name": p["name"],
                    "country": p["country"],
                    "events": at.get(p["id"], []),
                },
            }
        )
    doc = {"type": "FeatureCollection", "name": meta["name"], "features": features}
    return doc, placeless


def to_geojson(
    dataset: str | Path | Dataset, path: str | Path, *, force: bool = False
) -> ExportResult:
    """A GeoJSON FeatureCollection of the places and their events."""
    ds, tables = open_dataset(dataset)
    doc, placeless = collection(tables, metadata(ds))
    located = sum(f["geometry"] is not None for f in doc["features"])
    events = sum(len(f["properties"]["events"]) for f in doc["features"])
    result = ExportResult(
        "geojson",
        Path(path),
        {"places": len(doc["features"]), "located": located, "events": events},
    )
    if placeless:
        result.notes.append(f"{placeless} events without a place are not in GeoJSON")
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    write_file(path, text.encode("utf-8"), force=force)
    return result
