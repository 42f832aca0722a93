"""iCalendar (RFC 5545) with the ``icalendar`` package: one all-day VEVENT per event.

An event spans its bounds as all-day dates (``DTSTART`` the earliest day, ``DTEND`` the day
after the latest): a day is one day, ``2022-09`` the whole month, ``2019~`` the whole year.
Where the date is not a plain day, ``SUMMARY`` adds it as people read it
(``League founded [circa 121 BCE]``) so a calendar never shows a precise date that the
data does not have. ``X-CHRONO-EDTF`` keeps the EDTF value, ``X-CHRONO-PRECISION`` the
precision, ``X-CHRONO-SOURCE`` each source (id and URL), and ``DESCRIPTION`` the date, the
summary and every claim with its source, locator and quote.

An open or unknown end (``2019/..``, ``/1850``) cannot be a calendar span: the event is
kept, its VEVENT covering the known end's own bounds (all of 2019) and ``SUMMARY`` saying
``(begins …, open end)``. iCalendar dates have four-digit years and the library uses
Python dates, so events outside years 1-9999 (BCE, ``Y12345``) are left out, as is an
event with neither end known (which no valid EDTF date is): each is listed in the
calendar's ``X-CHRONO-OMITTED`` property (``id EDTF``) and counted, with why, in the
result's notes.

Every text is an RFC 5545 TEXT value: line breaks are escaped (``\\n``), and the ASCII
control characters but tab (BEL, ESC, VT, DEL…), which the RFC forbids and has no escape
for, are dropped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from chrono._version import __version__
from chrono.model.dates import human
from chrono.safeio import output_file
from chrono.views.data import drawn_bounds
from chrono.views.deps import require
from chrono.views.export import stream
from chrono.views.export.common import (
    ExportError,
    ExportResult,
    in_common_years,
    metadata,
    open_dataset,
)
from chrono.views.records import Record, by_id, claim_value, dated, event_batches, rows
from chrono.wording import counted

if TYPE_CHECKING:
    from chrono.dataset import Dataset

EPOCH = dt.date(1970, 1, 1)
#: Why an event is left out, as the result's notes say it.
OUTSIDE = "outside iCalendar's years 1-9999"
UNPLACED = "with neither end known"
STATUS = {"confirmed": "CONFIRMED", "planned": "TENTATIVE", "cancelled": "CANCELLED"}


def span(e: Record) -> tuple[int, int, str] | None:
    """(first day, last day, summary suffix) of the VEVENT, or None when it cannot be one."""
    start, end = e["start"], e["end"]
    lo, hi = e["earliest"], e["latest"]
    suffix = ""
    if start and end:
        return None
    if start or end:
        lo, hi = drawn_bounds(e["date"], lo, hi, start, end)
        left, _, right = e["date"].partition("/")
        if end:
            suffix = f" (begins {human(left)}, {end} end)"
        else:
            suffix = f" ({start} start, ends {human(right)})"
    elif e["precision"] != "day" or e["uncertain"] or e["approximate"]:
        suffix = f" [{e['when']}]"
    if not (in_common_years(lo) and in_common_years(hi + 1)):
        return None
    return lo, hi, suffix


def _description(e: Record, sources: dict[str, Record]) -> str:
    lines = [f"When: {e['when']} (EDTF {e['date']}, precision {e['precision']})"]
    if e["place"]:
        lines.append(f"Where: {e['place']['name']}")
    lines += [e["summary"] or "", "", "Claims:"]
    for c in e["claims"]:
        s = sources.get(c["source_id"], {})
        value = claim_value(c)
        head = c["property"] + (f" = {value}" if value else "")
        src = ", ".join(
            str(x)
            for x in (s.get("title"), s.get("publisher"), s.get("published"), c["locator"])
            if x
        )
        lines.append(f"- {head} ({c['stance']}, {c['mode']}, {c['certainty']}): {src}")
        if s.get("url"):
            lines.append(f"  {s['url']}")
        if c["quote"]:
            lines.append(f"  “{c['quote']}”")
    return "\n".join(lines)


#: What RFC 5545 forbids in a TEXT value and gives no escape for: the ASCII control
#: characters but tab, line feed and carriage return (line breaks are escaped as ``\n``).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def ical_text(text: str) -> str:
    """``text`` without the control characters iCalendar cannot hold (they are dropped)."""
    return CONTROL.sub("", text)


def add(component: Any, name: str, value: Any) -> None:
    """``component.add``, every text (or list of texts) passed through :func:`ical_text`."""
    if isinstance(value, str):
        value = ical_text(value)
    elif isinstance(value, list):
        value = [ical_text(v) if isinstance(v, str) else v for v in value]
    component.add(name, value)


def _stamp() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def omitted_events(tables: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The events that cannot be a VEVENT, in the table's order, each with why
    (:data:`OUTSIDE` or :data:`UNPLACED`) and its EDTF date: ``(id, why, date)`` (an id
    listed twice, twice)."""
    events = tables["events"].select(
        ["id", "date", "earliest", "latest", "precision", "uncertain", "approximate"]
    )
    out = []
    for part in stream.slices(events):
        for e in rows(part):
            if span(dated(e)) is None:
                why = UNPLACED if e["start"] and e["end"] else OUTSIDE
                out.append((e["id"], why, e["date"]))
    return out


def _vevent(
    icalendar: Any, e: Record, sources: dict[str, Record], name: str, stamp: dt.datetime
) -> bytes | None:
    """An event's VEVENT as iCalendar text, or None where it cannot be one."""
    when = span(e)
    if when is None:
        return None
    lo, hi, suffix = when
    ev = icalendar.Event()
    add(ev, "uid", f"chrono:{name}:{e['id']}")
    add(ev, "dtstamp", stamp)
    add(ev, "dtstart", EPOCH + dt.timedelta(days=lo))
    add(ev, "dtend", EPOCH + dt.timedelta(days=hi + 1))
    add(ev, "summary", e["title"] + suffix)
    add(ev, "description", _description(e, sources))
    add(ev, "categories", [e["type"]])
    if e["status"] in STATUS:
        add(ev, "status", STATUS[e["status"]])
    place = e["place"]
    if place:
        add(ev, "location", place["name"])
        if place["latitude"] is not None and place["longitude"] is not None:
            add(ev, "geo", (place["latitude"], place["longitude"]))
    if e["parent_id"]:
        add(ev, "related-to", f"chrono:{name}:{e['parent_id']}")
    add(ev, "x-chrono-edtf", e["date"])
    add(ev, "x-chrono-precision", e["precision"])
    for sid in sorted({c["source_id"] for c in e["claims"]}):
        url = sources.get(sid, {}).get("url")
        add(ev, "x-chrono-source", f"{sid} {url}" if url else sid)
    text: bytes = ev.to_ical()
    return text


def write_calendar(
    out: BinaryIO,
    tables: dict[str, Any],
    meta: dict[str, Any],
    omitted: list[tuple[str, str, str]],
) -> None:
    """The calendar, as ``icalendar.Calendar.to_ical`` writes it with every VEVENT, written
    a batch of events at a time: its properties (the ``X-CHRONO-OMITTED`` of ``omitted``,
    from :func:`omitted_events`, among them) come first, then each VEVENT in turn."""
    icalendar = require("icalendar")
    sources = by_id(tables["sources"])
    cal = icalendar.Calendar()
    add(cal, "prodid", f"-//chrono//chrono-data {__version__}//EN")
    add(cal, "version", "2.0")
    add(cal, "calscale", "GREGORIAN")
    add(cal, "x-wr-calname", str(meta["title"]))
    add(cal, "x-chrono-dataset", f"{meta['name']} {meta['version'] or ''}".strip())
    stamp = _stamp()
    for eid, _, date in omitted:
        add(cal, "x-chrono-omitted", f"{eid} {date}")
    end = b"END:VCALENDAR\r\n"
    head = cal.to_ical()
    if not head.endswith(end):
        raise ExportError("icalendar wrote a calendar that does not end with END:VCALENDAR")
    out.write(head[: -len(end)])
    for batch in event_batches(tables, stream.BATCH_ROWS, participants=False):
        vevents = (_vevent(icalendar, e, sources, meta["name"], stamp) for e in batch)
        out.write(b"".join(v for v in vevents if v is not None))
    out.write(end)


def to_ics(dataset: str | Path | Dataset, path: str | Path, *, force: bool = False) -> ExportResult:
    """An iCalendar file; events outside years 1-9999 are listed, not drawn (see above).
    Written a batch of events at a time."""
    ds, tables = open_dataset(dataset)
    omitted = omitted_events(tables)
    result = ExportResult("ics", Path(path), {"events": tables["events"].num_rows - len(omitted)})
    for why in (OUTSIDE, UNPLACED):
        if n := sum(1 for _, x, _ in omitted if x == why):
            result.notes.append(
                f"{counted(n, 'event')} {why} left out (listed in X-CHRONO-OMITTED)"
            )
    with output_file(path, force=force) as out:
        write_calendar(out, tables, metadata(ds), omitted)
    return result
