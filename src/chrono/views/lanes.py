"""What a timeline shows, before any drawing: events as items in lanes and rows.

Input is events as a pandas DataFrame, an Arrow table or a dataset; positions are day
numbers read from Arrow (``date32``, exact for any year; ``datetime64`` columns are
converted to days too). Filters keep the events that may overlap a period, have a type,
or have an actor. Lanes group items by type, actor, or any column; within a lane, items
are packed into rows so that no bar, point or label overlaps another (greedy, in order
of start).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.views.data import drawn_bounds, end_kinds
from chrono.views.records import Record, rows, when
from chrono.wording import counted, meant

if TYPE_CHECKING:
    import pyarrow as pa

NONE_LANE = "(none)"


@dataclass
class Item:
    """One event in one lane: where it is drawn and how."""

    event: Record
    lane: str
    x0: float  # first day drawn
    x1: float  # the day after the last day drawn
    start: str | None  # "open" / "unknown" when that end is not known
    end: str | None
    kind: str  # "point" (a day), "span" (days known), "imprecise" (somewhere within)
    label: str
    row: int = 0
    label_left: bool = False  # the label ends at the item's start (no room to its right)


@dataclass
class Layout:
    items: list[Item]
    lanes: list[tuple[str, int, int]]  # (name, first row, number of rows)
    xlim: tuple[float, float]
    rows: int = 0
    notes: list[str] = field(default_factory=list)


def _day_columns(table: pa.Table) -> pa.Table:
    """Timestamps and ``date64`` as ``date32`` day numbers (floor), dictionaries as text."""
    import pyarrow as pa

    for i, f in enumerate(table.schema):
        col = table.column(i)
        if pa.types.is_timestamp(f.type):
            table = table.set_column(i, f.name, timestamp_days(col))
        elif pa.types.is_date64(f.type):
            table = table.set_column(i, f.name, col.cast(pa.date32()))
        elif pa.types.is_dictionary(f.type):
            table = table.set_column(i, f.name, col.cast(pa.string()))
    return table


def timestamp_days(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """The day of each timestamp (any unit, any year) as ``date32``: the day on its own
    clock when it has a time zone (as ``Timestamp.date()`` says), floored before 1970."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    typ: Any = col.type
    if typ.tz is not None:
        col = pc.local_timestamp(col)
    per_day = {"s": 86400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400 * 10**9}
    ints = col.cast(pa.int64()).to_numpy(zero_copy_only=False)
    valid = pc.is_valid(col).to_numpy(zero_copy_only=False)
    days = np.floor_divide(np.where(valid, ints, 0), per_day[typ.unit])
    return pa.chunked_array([pa.array(days.astype(np.int32), mask=~valid).cast(pa.date32())])


#: The columns a timeline reads of each table it is given as a frame.
NEEDED = {
    "events": ("id", "title", "type", "date", "earliest", "latest", "uncertain", "approximate"),
    "participants": ("event_id", "actor_id"),
}


def as_rows(data: Any, table: str) -> list[Record]:
    """Rows (dates as day numbers) of a DataFrame or an Arrow table of ``table``; a
    TypeError for anything else, a ValueError naming the columns it lacks."""
    import pyarrow as pa

    if not isinstance(data, pa.Table):
        if not hasattr(data, "columns") or not hasattr(data, "iloc"):
            raise TypeError(
                f"{table}: {type(data).__name__} is not a DataFrame, an Arrow table or a "
                f"dataset (chrono.load({table!r}), or a dataset's name or folder)"
            )
        data = pa.Table.from_pandas(data, preserve_index=False)
    missing = [c for c in NEEDED.get(table, ()) if c not in data.column_names]
    if missing:
        raise ValueError(
            f"{table}: no column {', '.join(missing)} (a frame as chrono.load({table!r}) gives it)"
        )
    return rows(_day_columns(data))


def is_dataset_ref(data: Any) -> bool:
    from chrono.dataset import Dataset

    return isinstance(data, str | Path | Dataset)


def label_text(title: str, uncertain: bool, approximate: bool, limit: int = 48) -> str:
    """An event's label: its title (cut at ``limit`` with an ellipsis), ``c.`` before it when
    the date is approximate, ``(?)`` after it when uncertain."""
    text = title if len(title) <= limit else title[: limit - 1] + "…"
    return ("c. " if approximate else "") + text + (" (?)" if uncertain else "")


def _item(e: Record, lane: str, label: bool) -> Item | None:
    start, end = end_kinds(e["date"], e["earliest"], e["latest"])
    if start and end:
        return None  # nothing known to draw
    lo, hi = drawn_bounds(e["date"], e["earliest"], e["latest"], start, end)
    if e["precision"] != "day":
        kind = "imprecise"
    elif hi == lo:
        kind = "point"
    else:
        kind = "span"
    text = label_text(e["title"], e["uncertain"], e["approximate"]) if label else ""
    e.setdefault("when", when(e["date"]))
    return Item(e, lane, float(lo), float(hi + 1), start, end, kind, text)


def select(
    events: list[Record],
    participants: list[Record] | None,
    *,
    period: tuple[int | None, int | None] | None = None,
    types: Iterable[str] | None = None,
    actors: Iterable[str] | None = None,
) -> list[Record]:
    """The events that may overlap ``period``, have one of ``types``, and one of ``actors``.

    A type or actor that no event has (a typo, most likely) is a ``ValueError`` naming it
    and what there is, never an empty figure.
    """
    keep = events
    if period is not None:
        lo, hi = period
        if hi is not None:
            keep = [e for e in keep if e["earliest"] <= hi]
        if lo is not None:
            keep = [e for e in keep if e["latest"] >= lo]
    if types:
        wanted = _names("types", types)
        _all_present("type", wanted, {e["type"] for e in events})
        keep = [e for e in keep if e["type"] in wanted]
    if actors:
        if participants is None:
            raise ValueError("filtering by actor needs participants (pass a dataset)")
        wanted = _names("actors", actors)
        _all_present("actor", wanted, {p["actor_id"] for p in participants})
        ids = {p["event_id"] for p in participants if p["actor_id"] in wanted}
        keep = [e for e in keep if e["id"] in ids]
    return keep


def _names(what: str, given: Iterable[str]) -> set[str]:
    """Names given as one string or several: ``types="visit"`` is the type visit, not the
    letters v, i, s, i, t."""
    names = [given] if isinstance(given, str) else list(given)
    odd = [n for n in names if not isinstance(n, str)]
    if odd:
        raise TypeError(f"{what}: {odd[0]!r} is not a name (give names as text)")
    return set(names)


def _all_present(what: str, wanted: set[str], present: set[Any]) -> None:
    """A ValueError when no event has one of ``wanted``, naming what may have been meant."""
    missing = sorted(wanted - present)
    if missing:
        known = [str(v) for v in present if v is not None]
        names = ", ".join(repr(m) for m in missing)
        raise ValueError(f"no event has the {what} {names}{meant(missing, known)}")


def lanes_of(
    events: list[Record],
    lane: str,
    participants: list[Record] | None,
    names: dict[str, str],
) -> list[tuple[Record, str]]:
    """(event, lane name) pairs: one per event, or one per actor with ``lane="actor"``."""
    if lane == "actor":
        if participants is None:
            raise ValueError("lanes by actor need participants (pass a dataset)")
        by_event: dict[str, list[str]] = {}
        for p in participants:
            by_event.setdefault(p["event_id"], []).append(p["actor_id"])
        out = []
        for e in events:
            actors = sorted(set(by_event.get(e["id"], [])))
            out += [(e, names.get(a, a)) for a in actors] or [(e, NONE_LANE)]
        return out
    column = "place_id" if lane == "place" else lane
    if events and column not in events[0]:
        raise ValueError(f"no column {lane!r} to make lanes of (type, actor, place or a column)")
    out = []
    for e in events:
        value = e.get(column)
        name = NONE_LANE if value is None else str(value)
        out.append((e, names.get(name, name) if lane == "place" else name))
    return out


def layout(
    pairs: list[tuple[Record, str]],
    *,
    xlim: tuple[float | None, float | None] | None,
    width_px: float,
    measure: Callable[[str], float] | None,
    gap_px: float = 6.0,
    marker_px: float = 6.0,
) -> Layout:
    """Items packed into rows; ``measure(text)`` is a label's width in pixels (None: no
    labels). ``xlim``: the axis's ends, each None to fit the items."""
    made = [_item(e, lane, measure is not None) for e, lane in pairs]
    items = [i for i in made if i is not None]
    # an event drawn in several lanes (one per actor) is one event left out
    unknown = len({e["id"] for (e, _), i in zip(pairs, made, strict=True) if i is None})
    given = xlim or (None, None)
    lo_x, hi_x = given
    if lo_x is None or hi_x is None:
        known = [i.x0 for i in items if not i.start] + [i.x1 for i in items if not i.end]
        if not known:
            known = [i.x0 for i in items] or [0.0]
        lo, hi = min(known), max(known)
        pad = max((hi - lo) * 0.03, 15.0)
        if not items and lo_x is not None:  # nothing drawn: a year from the end given
            hi_x = lo_x + 366.0
        elif not items and hi_x is not None:
            lo_x = hi_x - 366.0
        lo_x = lo - pad if lo_x is None else lo_x
        hi_x = hi + pad if hi_x is None else hi_x
        if hi_x <= lo_x:  # only open-ended items beyond the given end
            lo_x, hi_x = (lo_x, lo_x + 366.0) if given[0] is not None else (hi_x - 366.0, hi_x)
    xlim = (lo_x, hi_x)
    per_px = (xlim[1] - xlim[0]) / max(width_px, 1.0)
    order: dict[str, float] = {}
    for it in items:
        order[it.lane] = min(order.get(it.lane, it.x0), it.x0)
    lane_names = sorted(order, key=lambda n: (n == NONE_LANE, order[n], n))
    out = Layout([], [], xlim)
    if unknown:
        out.notes.append(f"{counted(unknown, 'event')} with neither end known not drawn")
    row = 0
    for name in lane_names:
        mine = sorted(
            (i for i in items if i.lane == name), key=lambda i: (i.x0, i.x1, i.event["id"])
        )
        ends: list[float] = []  # right edge (in days) of each row of this lane
        for it in mine:
            left = xlim[0] if it.start else it.x0
            right = xlim[1] if it.end else max(it.x1, it.x0 + marker_px * per_px)
            if it.label and measure is not None:
                width = (measure(it.label) + gap_px) * per_px
                if it.end or right + width > xlim[1]:
                    it.label_left = True
                    left -= width
                else:
                    right += width
            for r, edge in enumerate(ends):
                if edge + gap_px * per_px <= left:
                    ends[r] = right
                    it.row = row + r
                    break
            else:
                ends.append(right)
                it.row = row + len(ends) - 1
        out.lanes.append((name, row, max(len(ends), 1)))
        out.items += mine
        row += max(len(ends), 1)
    out.rows = row
    return out
