"""A small fictional dataset with what views must draw and export faithfully.

BCE dates (``-0043-03-15`` is 15 March 44 BCE), an approximate BCE year, a BCE interval,
an uncertain month, an open end (``2019/..``) and an unknown start (``/1850``), a season,
a decade, an uncertain century, a year past 9999, and hostile text (``<script>``, a
spreadsheet formula, U+2028, a ``javascript:`` URL). Every source is on example.org.

The events table is made here with its derived columns (an open or unknown bound is the
extreme of the ``date32`` range, as the data model stores it) and written with
:func:`chrono.build.write_dataset`, which does not validate: the hostile URL stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from chrono.build import to_arrow, write_dataset
from chrono.model import dates
from chrono.model.tables import TABLES

HOSTILE_TITLE = '<script>x("1")</script> & <b>b</b> $1 or $2'
FORMULA = '=HYPERLINK("https://example.org/x","click")'

EVENTS: list[dict[str, Any]] = [
    {
        "id": "ides-of-march",
        "title": "Assembly dissolved",
        "date": "-0043-03-15",
        "type": "bilateral_meeting",
        "place_id": "old-harbour",
        "parent_id": "long-war",
    },
    {
        "id": "league-founded",
        "title": "League founded",
        "date": "-0120~",
        "type": "joint_statement",
        "place_id": "hill-fort",
    },
    {
        "id": "long-war",
        "title": "The long war",
        "date": "-0049/-0040",
        "type": "military_action",
        "place_id": None,
    },
    {
        "id": "river-treaty",
        "title": "River treaty",
        "date": "0012-06?",
        "type": "joint_statement",
        "place_id": "old-harbour",
    },
    {
        "id": "ongoing-survey",
        "title": "Survey of the coast",
        "date": "2019/..",
        "type": "announcement",
        "place_id": "old-harbour",
    },
    {
        "id": "unknown-start",
        "title": "Old customs house in use",
        "date": "/1850",
        "type": "visit",
        "place_id": "hill-fort",
    },
    {
        "id": "harbour-rebuilt",
        "title": "Harbour rebuilt",
        "date": "1850-21",
        "type": "visit",
        "place_id": "old-harbour",
    },
    {
        "id": "decade-talks",
        "title": "Talks in the decade",
        "date": "201X",
        "type": "bilateral_meeting",
        "place_id": None,
    },
    {
        "id": "century-fair",
        "title": "Fair of the century",
        "date": "18XX?",
        "type": "multilateral_summit",
        "place_id": None,
    },
    {
        "id": "far-future",
        "title": "Time capsule opened",
        "date": "Y12345",
        "type": "announcement",
        "place_id": None,
        "status": "planned",
    },
    {
        "id": "hostile-text",
        "title": HOSTILE_TITLE,
        "date": "2020-02-29",
        "type": "press_statement",
        "place_id": "hill-fort",
        "summary": f"{FORMULA} line\u2028separator </script><!-- & more",
    },
    {
        "id": "plain-interval",
        "title": "Three-day visit",
        "date": "2023-03-20/2023-03-22",
        "type": "state_visit",
        "place_id": "old-harbour",
    },
]
SOURCES: list[dict[str, Any]] = [
    {
        "id": "chronicle-a",
        "kind": "document_text",
        "title": "Chronicle A",
        "publisher": "Example Chronicle",
        "published": "-0030",
        "url": "https://example.org/chronicle-a",
        "retrieved": "2026-11-01",
        "language": "en",
    },
    {
        "id": "ledger-b",
        "kind": "news_report",
        "title": None,
        "publisher": "Ledger B",
        "published": "2024-05",
        "url": "javascript:alert(1)",
        "retrieved": "2026-11",
        "language": "en",
    },
]
ACTORS = [
    {"id": "council-alpha", "name": "Council of Alpha", "kind": "organisation", "country": None},
    {"id": "marcus-exemplar", "name": "Marcus <Exemplar>", "kind": "person", "country": None},
]
PLACES = [
    {
        "id": "old-harbour",
        "name": "Old Harbour",
        "country": None,
        "latitude": 41.9,
        "longitude": 12.5,
    },
    {"id": "hill-fort", "name": "Hill Fort", "country": None},
]


def _bounds(value: str) -> tuple[int, int, str, bool, bool]:
    b = dates.parse(value)  # an open or unknown end's bound: the extreme of the range
    return b.earliest, b.latest, b.precision, b.uncertain, b.approximate


def _events() -> pa.Table:
    rows = []
    for e in EVENTS:
        lo, hi, precision, uncertain, approximate = _bounds(e["date"])
        rows.append(
            {
                "summary": f"Fictional: {e['title']}.",
                "status": "confirmed",
                "parent_id": None,
                **e,
                "earliest": lo,
                "latest": hi,
                "precision": precision,
                "uncertain": uncertain,
                "approximate": approximate,
            }
        )
    rows.sort(key=lambda r: r["id"])
    spec = TABLES["events"]
    return pa.table(
        {
            c.name: pa.array(
                [r[c.name] for r in rows],
                pa.int32()
                if c.kind == "date"
                else (pa.bool_() if c.kind == "bool" else pa.string()),
            )
            for c in spec.columns
        }
    )


def _claims() -> list[dict[str, Any]]:
    out = []
    for i, e in enumerate(EVENTS):
        source = "chronicle-a" if i % 2 == 0 else "ledger-b"
        out.append(
            {
                "id": f"{e['id']}/occurrence/{source}/paragraph-{i + 1}",
                "event_id": e["id"],
                "source_id": source,
                "property": "occurrence",
                "locator": f"paragraph {i + 1}",
                "quote": None,
                "stance": "supports",
                "mode": "reported",
                "certainty": "certain",
            }
        )
        value = e["date"] if "/" not in e["date"] or ".." not in e["date"] else "2019"
        if e["date"].startswith("/"):
            value = "1850"
        out.append(
            {
                "id": f"{e['id']}/date/{source}",
                "event_id": e["id"],
                "source_id": source,
                "property": "date",
                "value": value,
                "quote": f"as told </script> {i}",
                "stance": "supports",
                "mode": "reported",
                "certainty": "certain",
                "note": "Fictional." if i % 3 else FORMULA,
            }
        )
    out.append(
        {
            "id": "river-treaty/type/ledger-b",
            "event_id": "river-treaty",
            "source_id": "ledger-b",
            "property": "type",
            "value": "official_visit",
            "quote": "<img src=x onerror=alert(1)>",
            "stance": "contradicts",
            "mode": "reported",
            "certainty": "uncertain",
        }
    )
    return out


def write_ancient(directory: Path) -> Path:
    """Write the dataset to ``directory`` (created) and return it."""
    parts = [
        {"event_id": "ides-of-march", "actor_id": "marcus-exemplar", "role": "participant"},
        {"event_id": "ides-of-march", "actor_id": "council-alpha", "role": "host"},
        {"event_id": "league-founded", "actor_id": "council-alpha", "role": "signatory"},
        {"event_id": "hostile-text", "actor_id": "marcus-exemplar", "role": "spokesperson"},
    ]
    tables = {
        "places": to_arrow(TABLES["places"], PLACES),
        "actors": to_arrow(TABLES["actors"], ACTORS),
        "sources": to_arrow(TABLES["sources"], SOURCES),
        "events": _events(),
        "participants": to_arrow(TABLES["participants"], parts),
        "claims": to_arrow(TABLES["claims"], _claims()),
    }
    meta = {
        "name": "ancient",
        "title": "Fictional chronology with hard dates",
        "version": "1.0.0",
        "license": "CC0-1.0",
    }
    return write_dataset(directory, tables, meta)


def damage_a_title(table: Path) -> None:
    """Replace the first title of a Parquet table by bytes that are not UTF-8."""
    damage_first(table, "title")


def damage_first(table: Path, column: str) -> None:
    """Replace the first value of a text column of a Parquet table by bytes that are not
    UTF-8."""
    data = pq.read_table(table)
    i = data.schema.get_field_index(column)
    texts = [t.encode() for t in data.column(i).to_pylist()]
    texts[0] = b"bad \xed\xa0\x80 \xff"
    ends = [0]
    for t in texts:
        ends.append(ends[-1] + len(t))
    offsets = pa.array(ends, pa.int32()).buffers()[1]
    damaged = pa.Array.from_buffers(
        pa.string(), len(texts), [None, offsets, pa.py_buffer(b"".join(texts))]
    )
    pq.write_table(data.set_column(i, data.schema.field(i), damaged), table)
