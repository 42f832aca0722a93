"""TimelineJS3 JSON: one slide per event, grouped by type, its sources listed as links.

TimelineJS renders ``headline`` and ``text`` as HTML: every text from the data is
HTML-escaped, and only http(s) source URLs become links. Dates are TimelineJS date
objects at the event's precision (a year-only date has no month; a month, season, decade
or interval has an ``end_date``); ``year`` is astronomical (``-43`` is 44 BCE), as in
JavaScript's ``Date`` that TimelineJS uses, and ``display_date`` always carries the date as
people read it. An event with an open or unknown end is placed at its known end (its
``display_date`` says ``open`` or ``unknown``); one with neither end known (which no valid
EDTF date is) is left out and counted in the result's notes.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.model.dates import civil_from_days
from chrono.safeio import write_file
from chrono.views.export.common import ExportResult, metadata, open_dataset
from chrono.views.records import Record, by_id, claim_value, event_records
from chrono.wording import counted

if TYPE_CHECKING:
    from chrono.dataset import Dataset


#: Years JavaScript's ``Date`` holds whole; beyond them TimelineJS needs its cosmological scale.
JS_YEARS = (-271_820, 275_759)


def date_object(days: int, precision: str, display: str) -> dict[str, Any]:
    """A TimelineJS date at ``precision``: year; year and month; or the day."""
    y, m, d = civil_from_days(days)
    out: dict[str, Any] = {"year": y}
    if precision in ("day", "month", "season"):
        out["month"] = m
    if precision == "day":
        out["day"] = d
    out["display_date"] = display
    return out


def _link(url: str | None, label: str) -> str:
    text = html.escape(label)
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">{text}</a>'
    return text


def _text(e: Record, sources: dict[str, Record]) -> str:
    parts = [f"<p>{html.escape(e['summary'] or '')}</p>"]
    parts.append(f"<p>EDTF: <code>{html.escape(e['date'])}</code></p>")
    items = []
    for c in e["claims"]:
        s = sources.get(c["source_id"], {})
        label = s.get("title") or s.get("publisher") or c["source_id"]
        where = f", {html.escape(c['locator'])}" if c["locator"] else ""
        stated = claim_value(c)
        value = f" = {html.escape(stated)}" if stated else ""
        quote = f" “{html.escape(c['quote'])}”" if c["quote"] else ""
        items.append(
            f"<li>{html.escape(c['property'])}{value} ({html.escape(c['stance'])}): "
            f"{_link(s.get('url'), label)}{where}{quote}</li>"
        )
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    return "".join(parts)


def timeline(tables: dict[str, Any], meta: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The TimelineJS document, and the ids of the events left out (neither end known)."""
    sources = by_id(tables["sources"])
    slides, left_out = [], []
    for e in event_records(tables):
        start, end = e["start"], e["end"]
        if start and end:
            left_out.append(e["id"])
            continue
        precision = e["precision"]
        lo = e["latest"] if start else e["earliest"]
        hi = e["earliest"] if end else e["latest"]
        first = date_object(lo, precision, e["when"])
        slide: dict[str, Any] = {"unique_id": e["id"], "start_date": first}
        last = date_object(hi, precision, e["when"])
        if not (start or end) and last != first:
            slide["end_date"] = last
        slide["display_date"] = e["when"]
        slide["group"] = e["type"]
        slide["text"] = {"headline": html.escape(e["title"]), "text": _text(e, sources)}
        slides.append(slide)
    title = html.escape(str(meta["title"]))
    version = html.escape(f"{meta['name']} {meta['version'] or ''}".strip())
    doc: dict[str, Any] = {"title": {"text": {"headline": title, "text": version}}}
    doc["events"] = slides
    if any(not JS_YEARS[0] <= s["start_date"]["year"] <= JS_YEARS[1] for s in slides):
        doc["scale"] = "cosmological"  # beyond JavaScript's Date
    return doc, left_out


def to_timelinejs(
    dataset: str | Path | Dataset, path: str | Path, *, force: bool = False
) -> ExportResult:
    """A TimelineJS3 JSON file (load it with ``new TL.Timeline(id, data)``)."""
    ds, tables = open_dataset(dataset)
    doc, left_out = timeline(tables, metadata(ds))
    result = ExportResult("timelinejs", Path(path), {"events": len(doc["events"])})
    if left_out:
        result.notes.append(f"{counted(len(left_out), 'event')} with neither end known left out")
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    write_file(path, text.encode("utf-8"), force=force)
    return result
