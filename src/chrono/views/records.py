"""Events as plain records with their claims, sources, participants and place.

For the views that go event by event (the page, TimelineJS, JSON-LD, iCalendar,
GeoJSON). Bounds are day numbers (ints); ``start`` and ``end`` say whether each end is
``"open"``, ``"unknown"`` or known (None); ``when`` is the date as people read it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from chrono.model.dates import civil_from_days, human, human_span, human_year, is_valid, parse
from chrono.views.data import end_kinds

if TYPE_CHECKING:
    import pyarrow as pa

Record = dict[str, Any]


def rows(table: pa.Table) -> list[Record]:
    """Rows as dicts; ``date32`` columns as day numbers (exact for any year)."""
    import pyarrow as pa

    cols = {}
    for i, field in enumerate(table.schema):
        col = table.column(i)
        cols[field.name] = (
            col.cast(pa.int32()).to_pylist() if pa.types.is_date32(field.type) else col.to_pylist()
        )
    names = list(cols)
    return [dict(zip(names, values, strict=True)) for values in zip(*cols.values(), strict=True)]


def by_id(table: pa.Table) -> dict[str, Record]:
    return {r["id"]: r for r in rows(table)}


def when(edtf: str) -> str:
    """The date as people read it (``from 2019 (open)``, ``15 March 44 BCE``)."""
    return human(edtf)


def claim_value(claim: Record) -> str | None:
    """A claim's value as the exports write it: as stated, and for a Julian date the
    calendar named as ``chrono show`` names it, with its Gregorian days
    (``1600-03-01 (Julian) = 11 March 1600``)."""
    value: str | None = claim["value"]
    if not value or claim.get("calendar") != "julian":
        return value
    if not is_valid(value, "julian"):
        return f"{value} (Julian)"
    return f"{value} (Julian) = {human_span(parse(value, 'julian'))}"


def event_records(tables: dict[str, pa.Table]) -> list[Record]:
    """Every event, in the table's order, with ``claims``, ``participants`` and ``place``."""
    claims: dict[str, list[Record]] = defaultdict(list)
    for c in rows(tables["claims"]):
        claims[c["event_id"]].append(c)
    parts: dict[str, list[Record]] = defaultdict(list)
    for p in rows(tables["participants"]):
        parts[p["event_id"]].append(p)
    places = by_id(tables["places"])
    out = []
    for e in rows(tables["events"]):
        start, end = end_kinds(e["date"], e["earliest"], e["latest"])
        e["start"], e["end"] = start, end
        e["when"] = when(e["date"])
        e["claims"] = claims.get(e["id"], [])
        e["participants"] = parts.get(e["id"], [])
        e["place"] = places.get(e["place_id"]) if e["place_id"] else None
        out.append(e)
    return out


def iso_at(days: int, precision: str) -> str:
    """ISO 8601 text of the period of ``precision`` holding day ``days``.

    ``day`` -> ``2019-06-05``; ``month`` and ``season`` -> ``2019-06``; coarser -> the year
    (``2019``, ``-0043``, ``+12345``: ISO's expanded years, astronomical numbering).
    """
    y, m, d = civil_from_days(days)
    year = f"{y:04d}" if 0 <= y <= 9999 else f"{'-' if y < 0 else '+'}{abs(y):04d}"
    if precision == "day":
        return f"{year}-{m:02d}-{d:02d}"
    if precision in ("month", "season"):
        return f"{year}-{m:02d}"
    return year


def year_of(days: int) -> str:
    """The year of a day as people read it (``44 BCE``)."""
    return human_year(civil_from_days(days)[0])
