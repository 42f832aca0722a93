"""A dataset's coverage, for curators: where the chronology is thin or contested.

:func:`coverage` reads a dataset once (through :class:`~chrono.dataset.Dataset`) and counts
events by year (of each event's first possible day: ``12XX`` counts in 1200, and an event
with no known start, ``../1650`` or ``/1650``, in a column of its own) and type, sources
per event, and lists what deserves a second look: events resting on a single source, date
claims with neither a quote nor a note, claims that contradict their event, and events
still planned. :func:`render_text` and
:func:`render_markdown` print it; dates are shown with :func:`chrono.model.dates.human`.

>>> report = coverage("tests/data/mini")
>>> report.events, report.sources_per_event
(3, {1: 2, 2: 1})
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from chrono.dataset import Dataset, opened
from chrono.escape import markdown_text, terminal
from chrono.model.dates import MIN_DAY, civil_from_days, human, human_year
from chrono.wording import counted

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class EventRow:
    id: str
    title: str
    type: str
    status: str
    date: str
    sources: tuple[str, ...]  # the distinct sources its claims cite, sorted


@dataclass(frozen=True)
class ClaimRow:
    id: str
    event_id: str
    source_id: str
    property: str
    value: str | None
    note: str | None


@dataclass
class Coverage:
    """What :func:`coverage` found; every list is in chronological order of its events."""

    dataset: str
    version: str | None
    events: int
    claims: int
    sources: int
    types: list[str]  # the event types present, in vocabulary order
    #: year of the event's first possible day -> type -> events; None: no known start
    #: (``../1650``, ``/1650``), listed first
    by_year: dict[int | None, Counter[str]]
    sources_per_event: dict[int, int]  # number of distinct sources -> events
    single_source: list[EventRow] = field(default_factory=list)
    bare_dates: list[ClaimRow] = field(default_factory=list)  # no quote, no note
    contradicting: list[ClaimRow] = field(default_factory=list)
    planned: list[EventRow] = field(default_factory=list)


def _column(table: pa.Table, name: str) -> list[str | None]:
    col = table.column(name)
    if hasattr(col.type, "value_type"):  # dictionary: compare as text
        col = col.cast(col.type.value_type)
    return [None if v is None else str(v) for v in col.to_pylist()]


def _days(table: pa.Table, name: str) -> list[int]:
    import pyarrow as pa

    return [int(d) for d in table.column(name).cast(pa.int32()).to_pylist()]


def _ordered_types(present: set[str], terms: tuple[str, ...]) -> list[str]:
    """The types present in the vocabulary's order (the core terms, then the dataset's)."""
    return [t for t in terms if t in present] + sorted(present - set(terms))


def coverage(ref: str | Path | Dataset) -> Coverage:
    """Count and list a dataset's weak spots (see the module's description)."""
    with opened(ref) as ds:
        ev = ds.read_table(
            "events", ["id", "title", "type", "status", "date", "earliest"], complete=True
        )
        cl = ds.read_table(
            "claims",
            ["id", "event_id", "source_id", "property", "value", "quote", "stance", "note"],
        )
        n_sources = ds.read_table("sources", ["id"]).num_rows
        event_types = ds.vocabularies.terms("event_type")

    ids, titles, types = _column(ev, "id"), _column(ev, "title"), _column(ev, "type")
    statuses, edtf, first = _column(ev, "status"), _column(ev, "date"), _days(ev, "earliest")
    order = sorted(range(ev.num_rows), key=lambda i: (first[i], ids[i] or ""))
    position = {ids[i]: rank for rank, i in enumerate(order)}

    c = {name: _column(cl, name) for name in cl.column_names}
    cited: dict[str, set[str]] = {}
    for event_id, source_id in zip(c["event_id"], c["source_id"], strict=True):
        if event_id is not None and source_id is not None:
            cited.setdefault(event_id, set()).add(source_id)

    rows = [
        EventRow(
            ids[i] or "",
            titles[i] or "",
            types[i] or "",
            statuses[i] or "",
            edtf[i] or "",
            tuple(sorted(cited.get(ids[i] or "", ()))),
        )
        for i in order
    ]
    by_year: dict[int | None, Counter[str]] = {}
    for i in order:  # an open or unknown start is stored as MIN_DAY: no year to count it in
        year = None if first[i] <= MIN_DAY else civil_from_days(first[i])[0]
        by_year.setdefault(year, Counter())[types[i] or ""] += 1
    per_event = Counter(len(r.sources) for r in rows)

    def claim(i: int) -> ClaimRow:
        return ClaimRow(
            c["id"][i] or "",
            c["event_id"][i] or "",
            c["source_id"][i] or "",
            c["property"][i] or "",
            c["value"][i],
            c["note"][i],
        )

    def chronological(found: list[ClaimRow]) -> list[ClaimRow]:
        return sorted(found, key=lambda r: (position.get(r.event_id, len(order)), r.id))

    bare = [
        claim(i)
        for i in range(cl.num_rows)
        if c["property"][i] == "date" and c["quote"][i] is None and c["note"][i] is None
    ]
    against = [claim(i) for i in range(cl.num_rows) if c["stance"][i] == "contradicts"]
    return Coverage(
        dataset=ds.name,
        version=ds.version,
        events=ev.num_rows,
        claims=cl.num_rows,
        sources=n_sources,
        types=_ordered_types({t for t in types if t is not None}, event_types),
        by_year=dict(sorted(by_year.items(), key=lambda kv: (kv[0] is not None, kv[0] or 0))),
        sources_per_event=dict(sorted(per_event.items())),
        single_source=[r for r in rows if len(r.sources) == 1],
        bare_dates=chronological(bare),
        contradicting=chronological(against),
        planned=[r for r in rows if r.status == "planned"],
    )


# --------------------------------------------------------------------------- rendering


def _plain(text: str | None) -> str:
    """Text from the data for a terminal: one line, controls shown (:func:`terminal`)."""
    return terminal(text or "")


def _md(text: str | None) -> str:
    """Text from the data as inert markdown in a table cell (:func:`markdown_text`)."""
    return markdown_text(text or "")


def _year(year: int | None) -> str:
    return NO_KNOWN_START if year is None else human_year(year)


#: The column of events whose start is open or unknown (no first day to count them by).
NO_KNOWN_START = "no known start"


#: Rows listed per list of events or claims (the counts are always whole).
LIMIT = 100

Section = tuple[str, list[str], list[list[str]], int]


def _sections(report: Coverage, limit: int = LIMIT) -> list[Section]:
    """(heading, column names, rows, rows left out) of every section, the same for both
    formats; the lists of events and claims hold ``limit`` rows at most (0: every one)."""
    sections = _all_sections(report)
    out: list[Section] = []
    for i, (heading, names, rows) in enumerate(sections):
        keep = rows if i < 2 or not limit else rows[:limit]  # the counts' tables whole
        out.append((heading, names, keep, len(rows) - len(keep)))
    return out


def _more(left: int) -> str:
    return f"… and {left:,} more (--limit 0 lists every one)"


def _all_sections(report: Coverage) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading, column names, rows) of every section, the same for both formats."""
    years = list(report.by_year)
    by_type = [
        [
            t,
            *(str(report.by_year[y].get(t, 0) or "") for y in years),
            str(sum(report.by_year[y].get(t, 0) for y in years)),
        ]
        for t in report.types
    ]
    by_type.append(
        ["all", *(str(sum(report.by_year[y].values())) for y in years), str(report.events)]
    )
    spread = [[str(n), str(k)] for n, k in report.sources_per_event.items()]
    single = [[r.id, human(r.date), r.type, r.sources[0]] for r in report.single_source]
    bare = [[r.event_id, human(r.value or ""), r.source_id] for r in report.bare_dates]
    against = [
        [r.event_id, r.property, r.value or "", r.source_id, r.note or ""]
        for r in report.contradicting
    ]
    planned = [[r.id, human(r.date), r.title] for r in report.planned]
    return [
        ("Events by type and year", ["type", *(_year(y) for y in years), "all"], by_type),
        ("Sources per event", ["sources", "events"], spread),
        (
            f"Events resting on a single source ({len(single)})",
            ["event", "date", "type", "source"],
            single,
        ),
        (
            f"Date claims with no quote or note ({len(bare)})",
            ["event", "date claimed", "source"],
            bare,
        ),
        (
            f"Contradicting claims ({len(against)})",
            ["event", "property", "value", "source", "note"],
            against,
        ),
        (f"Planned events ({len(planned)})", ["event", "date", "title"], planned),
    ]


#: Columns of text that may hold only digits (a date written ``12345``): never counts.
_TEXT_COLUMNS = {"date", "value", "event", "source", "title", "note", "property", "type"}


def _numeric(names: list[str], rows: list[list[str]]) -> list[bool]:
    """Columns holding counts (right-aligned): digits or blanks, at least one digit."""
    return [
        name not in _TEXT_COLUMNS
        and all(r[j].isdigit() or r[j] == "" for r in rows)
        and any(r[j] for r in rows)
        for j, name in enumerate(names)
    ]


def _headline(report: Coverage) -> str:
    version = f" {report.version}" if report.version else ""
    return (
        f"{report.dataset}{version}: {counted(report.events, 'event')}, "
        f"{counted(report.claims, 'claim')}, {counted(report.sources, 'source')}"
    )


def render_markdown(report: Coverage, limit: int = LIMIT) -> str:
    """The report as markdown: one table per section (``limit``: rows per list)."""
    out = [f"# Coverage of {_md(report.dataset)}", "", _md(_headline(report)) + ".", ""]
    for heading, names, rows, left in _sections(report, limit):
        out += [f"## {heading}", ""]
        if not rows:
            out += ["None.", ""]
            continue
        numeric = _numeric(names, rows)
        out.append("| " + " | ".join(_md(n) for n in names) + " |")
        out.append("|" + "|".join("---:" if num else "---" for num in numeric) + "|")
        out += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
        out += ["", _more(left)] if left else []
        out.append("")
    return "\n".join(out)


def render_text(report: Coverage, limit: int = LIMIT) -> str:
    """The report as aligned plain text (``limit``: rows per list)."""
    out = [_plain(_headline(report))]
    for heading, names, rows, left in _sections(report, limit):
        out += ["", heading]
        if not rows:
            out.append("  none")
            continue
        table = [names, *([_plain(v) for v in row] for row in rows)]
        widths = [max(len(r[j]) for r in table) for j in range(len(names))]
        numeric = _numeric(names, rows)
        for row in table:
            cells = (
                v.rjust(w) if num else v.ljust(w)
                for v, w, num in zip(row, widths, numeric, strict=True)
            )
            out.append("  " + "  ".join(cells).rstrip())
        if left:
            out.append(f"  {_more(left)}")
    return "\n".join(out) + "\n"
