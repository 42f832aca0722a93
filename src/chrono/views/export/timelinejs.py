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
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.model.dates import civil_from_days
from chrono.safeio import output_file
from chrono.views.export import stream
from chrono.views.export.common import ExportResult, metadata, open_dataset
from chrono.views.records import Record, by_id, claim_value, event_batches
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


def _slide(e: Record, sources: dict[str, Record]) -> dict[str, Any]:
    """An event's slide (one end known at least)."""
    start, end = e["start"], e["end"]
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
    return slide


class Timeline:
    """The TimelineJS document, its ``events`` a
    :class:`~chrono.views.export.stream.Streamed` list made a batch of events at a time;
    once written, :attr:`left_out` counts the events left out (neither end known) and
    :meth:`scale` gives the key that follows the slides, if any."""

    def __init__(self, tables: dict[str, Any], meta: dict[str, Any]) -> None:
        self.tables = tables
        self.sources = by_id(tables["sources"])
        self.left_out = 0
        self.beyond_js = False
        title = html.escape(str(meta["title"]))
        version = html.escape(f"{meta['name']} {meta['version'] or ''}".strip())
        self.doc: dict[str, Any] = {"title": {"text": {"headline": title, "text": version}}}
        self.doc["events"] = stream.Streamed(self.slides())

    def slides(self) -> Iterator[list[dict[str, Any]]]:
        for events in event_batches(self.tables, stream.BATCH_ROWS, participants=False):
            slides = []
            for e in events:
                if e["start"] and e["end"]:
                    self.left_out += 1
                    continue
                slide = _slide(e, self.sources)
                if not JS_YEARS[0] <= slide["start_date"]["year"] <= JS_YEARS[1]:
                    self.beyond_js = True
                slides.append(slide)
            yield slides

    def scale(self) -> str:
        """``"scale": "cosmological"`` where a slide is beyond JavaScript's ``Date``."""
        return ',\n "scale": "cosmological"' if self.beyond_js else ""


def to_timelinejs(
    dataset: str | Path | Dataset, path: str | Path, *, force: bool = False
) -> ExportResult:
    """A TimelineJS3 JSON file (load it with ``new TL.Timeline(id, data)``), written a
    batch of events at a time."""
    ds, tables = open_dataset(dataset)
    timeline = Timeline(tables, metadata(ds))
    with output_file(path, force=force) as out, stream.text_file(out) as fh:
        stream.write_json(fh, timeline.doc, after=timeline.scale)
    result = ExportResult("timelinejs", Path(path), {"events": timeline.doc["events"].written})
    if timeline.left_out:
        left = counted(timeline.left_out, "event")
        result.notes.append(f"{left} with neither end known left out")
    return result
