"""Checking the event files (``events/<id>.yaml``): each event, its participants and claims,
and the references they make to the other curated files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.curation import EVENTS_DIR, YamlMap
from chrono.model import dates

if TYPE_CHECKING:
    from chrono.records import Reader

#: Field of an event, participant or claim -> (table it refers to, where that table is kept).
_REFERENCES = {
    "place": ("places", "places.yaml"),
    "parent": ("events", "events/"),
    "actor": ("actors", "actors.yaml"),
    "source": ("sources", "sources.yaml"),
}


def claim_id(event_id: str, prop: str, source: str, locator: str | None) -> str:
    """``event/property/source[/locator]``, the locator's words joined by ``-``."""
    parts = [event_id, prop, source]
    if locator:
        parts.append(locator.replace(" ", "-"))
    return "/".join(parts)


class EventReader:
    """The events of one reading (``Reader``), with the other files' records to refer to."""

    def __init__(self, reader: Reader, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
        self.r = reader
        self.tables = {**tables, "events": {}}
        self.refs: list[tuple[str, str, Any, YamlMap, str]] = []  # file, field, value, rec, record

    def read(self, paths: list[Path]) -> dict[str, list[dict[str, Any]]]:
        rows: dict[str, list[dict[str, Any]]] = {"events": [], "participants": [], "claims": []}
        events: list[tuple[str, dict[str, Any], YamlMap]] = []
        for path in paths:
            file = f"{EVENTS_DIR}/{path.name}"
            known = len(self.r.problems)
            rec = self.r.read_file(path, file)
            if rec is None:
                if len(self.r.problems) == known:  # read, and empty: not an event dropped
                    self.r.problem(
                        file, None, "CHR103", "an event file must be a mapping of fields, not empty"
                    )
                continue
            event = self.r.check("event", rec, file, "an event file")
            if event is None or "id" not in event:
                continue
            if event["id"] != path.stem:
                self.r.problem(
                    file,
                    rec.value_at["id"],
                    "CHR113",
                    f"field 'id': {event['id']!r} must equal the file name {path.stem!r}",
                )
                continue
            if self.r.register("events", event, rec, file, self.tables["events"]):
                events.append((file, event, rec))
        for file, event, rec in events:
            rows["events"].append(self.event_row(file, event, rec))
            rows["participants"] += self.participants(file, event, rec)
            rows["claims"] += self.claims(file, event, rec)
        for file, name, value, rec, _ in self.refs:
            table, where = _REFERENCES[name]
            if value not in self.tables[table]:
                self.r.problem(
                    file,
                    rec.value_at[name],
                    "CHR202",
                    f"field {name!r}: unknown id {value!r} (not in {where})",
                )
        return rows

    def refer(self, file: str, rec: YamlMap, checked: dict[str, Any], record: str) -> None:
        for name in _REFERENCES:
            if name in checked:
                self.refs.append((file, name, checked[name], rec, record))

    def event_row(self, file: str, event: dict[str, Any], rec: YamlMap) -> dict[str, Any]:
        self.refer(file, rec, event, event["id"])
        row = {k: event.get(k) for k in ("id", "title", "summary", "type", "status", "date")}
        row["place_id"], row["parent_id"] = event.get("place"), event.get("parent")
        return row

    def participants(self, file: str, event: dict[str, Any], rec: YamlMap) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        items = event.get("participants") or []
        for i, item in enumerate(items):
            part = self.r.check("participant", item, file, f"participant {i + 1}")
            if part is None or "actor" not in part or "role" not in part:
                continue
            self.refer(file, item, part, event["id"])
            key = (event["id"], part["actor"], part["role"])
            if key[1:] in seen:
                self.r.problem(
                    file,
                    item.at,
                    "CHR201",
                    f"duplicate participant {key[1]!r} as {key[2]!r}",
                )
                continue
            seen.add(key[1:])
            self.r.locate("participants", key, item, file)
            out.append({"event_id": key[0], "actor_id": key[1], "role": key[2]})
        return out

    def claims(self, file: str, event: dict[str, Any], rec: YamlMap) -> list[dict[str, Any]]:
        from chrono.records import claim_defaults

        out: list[dict[str, Any]] = []
        seen: dict[str, tuple[int, Any]] = {}  # claim id -> line of its first claim, value
        for i, item in enumerate(event.get("claims") or []):
            claim = self.r.check("claim", item, file, f"claim {i + 1}")
            if claim is None or "source" not in claim or "property" not in claim:
                continue
            self.refer(file, item, claim, event["id"])
            prop = claim["property"]
            if not self.value_fits(file, item, claim, prop):
                continue
            cid = claim_id(event["id"], prop, claim["source"], claim.get("locator"))
            if cid in seen:
                line, value = seen[cid]
                if value == claim.get("value"):
                    advice = "merge the two claims"
                else:  # a source giving two values at one place: cite each where it stands
                    advice = "the source gives two values there: give each its own locator"
                self.r.problem(
                    file,
                    item.at,
                    "CHR201",
                    f"duplicate claim {cid!r} (first at line {line}): {advice}",
                )
                continue
            seen[cid] = (item.line, claim.get("value"))
            self.r.locate("claims", (cid,), item, file)
            calendar = claim.get("calendar") or ("gregorian" if prop == "date" else None)
            out.append(
                {
                    "id": cid,
                    "event_id": event["id"],
                    "source_id": claim["source"],
                    "property": prop,
                    "value": claim.get("value"),
                    "calendar": calendar,
                    "locator": claim.get("locator"),
                    "quote": claim.get("quote"),
                    **claim_defaults(claim),
                    "note": claim.get("note"),
                }
            )
        return out

    def value_fits(self, file: str, item: YamlMap, claim: dict[str, Any], prop: str) -> bool:
        """The claim's value is what its property asks for (reported at the value)."""
        value = claim.get("value")
        at = item.value_at.get("value", item.at)

        def bad(message: str, code: str = "CHR116", where: tuple[int, int] = at) -> bool:
            self.r.problem(file, where, code, f"field 'value': {message}")
            return False

        if "value" in item and item["value"] is not None and "value" not in claim:
            return False  # the value itself was reported
        if "calendar" in claim and prop != "date":
            where = item.value_at["calendar"]
            message = f"field 'calendar': only a date claim has a calendar, not a {prop} claim"
            self.r.problem(file, where, "CHR116", message)
            return False
        if prop == "occurrence":
            return True if value is None else bad("an occurrence claim has no value")
        if value is None:
            return bad(f"a {prop} claim needs a value", where=item.at)
        if prop == "date":
            try:
                dates.parse(value, calendar=claim.get("calendar") or "gregorian")
            except dates.EDTFError as exc:
                return bad(f"invalid EDTF: {exc}", "CHR301")
        elif prop == "type" and value not in self.r.vocabularies.terms("event_type"):
            return bad(self.r.not_a_term(value, "event_type"), "CHR501")
        elif prop == "place" and value not in self.tables["places"]:
            return bad(f"unknown place id {value!r} (not in places.yaml)", "CHR202")
        elif prop == "participants":
            ids = value.split(";")
            unknown = [a for a in ids if a not in self.tables["actors"]]
            if unknown:
                return bad(f"unknown actor id {unknown[0]!r} (not in actors.yaml)", "CHR202")
            if ids != sorted(set(ids)):
                return bad(f"actor ids are written once each, sorted: {';'.join(sorted(set(ids)))}")
        return True
