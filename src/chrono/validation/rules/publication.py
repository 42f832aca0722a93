"""CHR405-409: claims and sources against publication dates.

A claim's mode says how its source saw the event when it was published: reported (past),
announced (future), ongoing (under way). The claims are checked a batch at a time against
the events' bounds and the sources' publication dates kept from reading those tables.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.arrays import from_bools, to_bools
from chrono.model.dates import MAX_DAY, format_day
from chrono.model.tables import Table
from chrono.validation.batch import Batch
from chrono.validation.findings import UNBOUNDED, Extra, emit
from chrono.validation.kernels import mask_count, strings
from chrono.validation.registry import ERROR, WARNING, kept_column, per_batch, per_table
from chrono.validation.report import Report
from chrono.validation.state import Run


@kept_column("events", "start_unknown")
def start_unknown(t: Batch) -> pa.Array | None:
    """Whether the event's start is missing (EDTF ``/2019``, ``../2019``): an open start,
    like an unknown one, gives no day the event began."""
    return _ends(t, lambda v: pc.or_(pc.starts_with(v, "/"), pc.starts_with(v, "../")))


@kept_column("events", "end_unknown")
def end_unknown(t: Batch) -> pa.Array | None:
    """Whether the event's end is unknown (``2019/``). An open end (``2019/..``) is a known
    fact (no end); an unknown one may lie before a source's publication."""
    return _ends(t, lambda v: pc.ends_with(v, "/"))


def _ends(t: Batch, test: Callable[[pa.Array], pa.Array]) -> pa.Array | None:
    if not t.has("date"):
        return None
    out = pc.fill_null(t.per_value("date", test), False)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def _inputs(t: Batch) -> tuple[Batch, Batch, pa.Array, pa.Array] | None:
    """(events, sources, event rows, source rows) for a batch of claims, when the claims
    resolve both references and have a property and a stance."""
    events, sources = t.parent("events"), t.parent("sources")
    ev_idx, src_idx = t.refs("event_id"), t.refs("source_id")
    if events is None or sources is None or ev_idx is None or src_idx is None:
        return None
    if not t.has("property", "stance"):
        return None
    return events, sources, ev_idx, src_idx


def _mode(t: Batch, term: str) -> pa.ChunkedArray:
    return t.is_term("mode", term)


@per_batch(
    "CHR405",
    ERROR,
    "source reports an event that ends after its publication",
    table="claims",
    keeps={
        "events": ("earliest", "latest", "precision", "end_unknown"),
        "sources": ("id", "published_latest"),
    },
    refs=("event_id", "source_id"),
)
def reported_before_the_end(t: Batch, out: Report) -> None:
    """A claim with mode reported states the event as past; the event cannot end after the
    source's latest possible publication day. Use mode announced for future events. Only a
    certain contradiction counts: an event dated to the day (or with an open end) ends on
    its latest day; a coarser one (``1066``, ``12XX``) may have ended on its first, so it
    is judged by that day (a chronicle of 1066 may report an event of 1066)."""
    inputs = _inputs(t)
    if inputs is None:
        return
    events, sources, ev_idx, src_idx = inputs
    if not (t.has("id", "mode") and events.has("latest") and sources.has("id", "published_latest")):
        return
    latest = events.data["latest"]
    exact, end = events.cached("judged-end", lambda: _judged_end(events))
    e_end = pc.take(end, ev_idx)
    s_hi = pc.take(sources.data["published_latest"], src_idx)
    mask = pc.and_(_mode(t, "reported"), pc.greater(e_end, s_hi))

    def ends(r: dict[str, object]) -> str:
        if r["_ehi"] == UNBOUNDED:
            return "has not ended (open interval)"
        return f"ends {r['_eend']}" if r["_exact"] else f"ends {r['_eend']} at the earliest"

    emit(
        out,
        "CHR405",
        t,
        mask,
        "mode",
        lambda r: (
            f"source {r['source_id']!r} (published by {r['_shi']}) reports event "
            f"{r['event_id']!r} as past, but it {ends(r)}: use mode announced or ongoing, or "
            "fix the dates"
        ),
        extra=lambda: {  # built only when some claim is flagged
            "_ehi": pc.take(latest, ev_idx),
            "_eend": e_end,
            "_exact": pc.take(exact, ev_idx) if exact is not None else pc.is_valid(e_end),
            "_shi": s_hi,
        },
    )


def _judged_end(events: Batch) -> tuple[pa.ChunkedArray | None, pa.ChunkedArray]:
    """Whether each event's latest day is its end (dated to the day, or an open end; None
    when the events have no earliest or precision), and the day its end is judged by: the
    first day it may have ended (that latest day, else its earliest), null when its end is
    unknown (``2019/``: it may have ended before the source). Computed once for the kept
    events, not for each batch of claims."""
    latest = events.data["latest"]
    exact: pa.ChunkedArray | None = None
    end = latest
    if events.has("earliest", "precision"):
        exact = pc.or_(
            pc.fill_null(events.is_term("precision", "day"), False),
            pc.equal(latest.cast(pa.int32()), MAX_DAY),  # open: no end
        )
        end = pc.if_else(exact, latest, events.data["earliest"])
    if events.has("end_unknown"):
        end = pc.if_else(events.data["end_unknown"], pa.scalar(None, end.type), end)
    return exact, end


@per_batch("CHR406", ERROR, "retrieved before published", table="sources")
def retrieved_before_published(t: Batch, out: Report) -> None:
    """A source cannot be read before it was published: retrieved_latest must not be
    before published_earliest."""
    if not t.has("id", "retrieved_latest", "published_earliest"):
        return
    emit(
        out,
        "CHR406",
        t,
        pc.less(t.data["retrieved_latest"], t.data["published_earliest"]),
        "retrieved",
        lambda r: f"retrieved {r.get('retrieved')} before it was published ({r.get('published')})",
    )


@per_batch(
    "CHR407",
    ERROR,
    "claim's mode contradicts its source's publication date",
    table="claims",
    keeps={
        "events": ("earliest", "latest", "start_unknown"),
        "sources": ("id", "published_earliest", "published_latest"),
    },
    refs=("event_id", "source_id"),
)
def mode_against_publication(t: Batch, out: Report) -> None:
    """A claim with mode announced describes the event as future when its source was
    published, so the source cannot be published after the event began (published_earliest
    after the event's earliest). A claim with mode ongoing describes the event as under way,
    so the source cannot be published before the event began (published_latest before the
    event's earliest) or after it ended (published_earliest after the event's latest).
    Sources without a publication date are not checked."""
    inputs = _inputs(t)
    if inputs is None:
        return
    events, sources, ev_idx, src_idx = inputs
    if not (t.has("id", "mode") and events.has("latest") and sources.has("id", "published_latest")):
        return
    if not (events.has("earliest", "latest") and sources.has("published_earliest")):
        return
    announced, ongoing = _mode(t, "announced"), _mode(t, "ongoing")
    if not (mask_count(announced) or mask_count(ongoing)):
        return
    e_lo = pc.take(events.data["earliest"], ev_idx)
    e_hi = pc.take(events.data["latest"], ev_idx)
    s_lo = pc.take(sources.data["published_earliest"], src_idx)
    s_hi = pc.take(sources.data["published_latest"], src_idx)
    after_start = pc.fill_null(pc.greater(s_lo, e_lo), False)
    if events.has("start_unknown"):  # when an event began is not known, nor is "after it"
        after_start = pc.and_(after_start, pc.invert(pc.take(events.data["start_unknown"], ev_idx)))
    before_start = pc.fill_null(pc.less(s_hi, e_lo), False)
    after_end = pc.fill_null(pc.greater(s_lo, e_hi), False)
    mask = pc.or_(
        pc.and_(announced, after_start),
        pc.and_(ongoing, pc.or_(before_start, after_end)),
    )

    def extra() -> Extra:  # the reasons, built only when some claim fails
        why = pc.if_else(
            announced,
            pa.scalar("after it began: announced must be published before the event"),
            pc.if_else(
                before_start,
                pa.scalar("before it began: ongoing must be published while it is under way"),
                pa.scalar("after it ended: ongoing must be published while it is under way"),
            ),
        )
        return {"_elo": e_lo, "_ehi": e_hi, "_slo": s_lo, "_shi": s_hi, "_why": why}

    emit(
        out,
        "CHR407",
        t,
        mask,
        "mode",
        lambda r: (
            f"source {r['source_id']!r} (published {r['_slo']}..{r['_shi']}) calls event "
            f"{r['event_id']!r} ({r['_elo']}..{r['_ehi']}) {r['mode']}, but was published "
            f"{r['_why']}; fix the mode or the dates"
        ),
        extra=extra,
    )


def _missing_notes(t: Batch, rows: pa.Array) -> pa.Array | None:
    """Whether each of ``rows`` (of the batch) has no note; None when unknowable.

    The validator reads ``note`` only from its statistics (free text is the bulk of the
    bytes), so the batch's notes are read here, and only when some claim needs them.
    """
    if t.has("note"):
        notes = t.data["note"]
    elif t.run is None:
        return None
    else:
        parts = list(t.run.reread("claims", ["note"], t.offset, t.offset + t.rows))
        if any(not p.has("note") for p in parts):
            return None
        notes = pa.chunked_array([c for p in parts for c in p.data["note"].chunks], pa.string())
        if len(notes) != t.rows:
            return None
    return pc.is_null(pc.take(notes, rows)).combine_chunks()


@per_batch(
    "CHR408",
    WARNING,
    "date claim equals its source's publication date, unexplained",
    table="claims",
    keeps={"sources": ("id", "published", "published_earliest", "published_latest")},
    refs=("event_id", "source_id"),
)
def echoed_publication_date(t: Batch, out: Report) -> None:
    """A date claim whose value denotes exactly its source's publication date (the same
    EDTF value, or the same day or interval) and has no note. That is right when the source
    reports the event on the day it happened ('on Thursday' in Thursday's paper), and wrong
    when the publication date was copied in where the source states none. Say in the
    claim's note how the source dates the event, or fix the value."""
    inputs = _inputs(t)
    if inputs is None:
        return
    _, sources, _, src_idx = inputs
    if not t.has("id", "property", "earliest", "latest", "source_id"):
        return
    if not sources.has("published", "published_earliest", "published_latest"):
        return
    is_date = pc.fill_null(t.is_term("property", "date"), False)
    rows = pc.indices_nonzero(_flat(pc.and_(is_date, pc.is_valid(src_idx))))
    if len(rows) == 0:
        return
    src = pc.take(src_idx, rows)
    same = pc.and_(
        pc.equal(
            pc.take(t.data["earliest"], rows), pc.take(sources.data["published_earliest"], src)
        ),
        pc.equal(pc.take(t.data["latest"], rows), pc.take(sources.data["published_latest"], src)),
    )
    same = pc.fill_null(same, False)
    if not pc.any(same).as_py():
        return
    rows, src = pc.filter(rows, same), pc.filter(src, same)
    no_note = _missing_notes(t, rows)
    if no_note is None:
        return
    rows, src = pc.filter(rows, no_note), pc.filter(src, no_note)
    if len(rows) == 0:
        return
    mask = np.zeros(t.rows, dtype=bool)
    mask[rows.to_numpy()] = True
    flagged = pa.array(mask)

    def extra() -> Extra:  # the sources' publication dates, on the flagged rows only
        published = strings(sources.data["published"]).combine_chunks()
        per_claim = pc.take(published, src_idx)
        return {"_published": pc.if_else(flagged, per_claim, pa.scalar(None, pa.string()))}

    emit(
        out,
        "CHR408",
        t,
        flagged,
        "value",
        lambda r: (
            f"date claim value {r.get('value')!r} equals the publication date of its source "
            f"{r['source_id']!r} ({r['_published']}) and has no note: say how the source "
            "dates the event, or fix the value"
        ),
        extra=extra,
    )


def _flat(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        return arr.combine_chunks() if arr.num_chunks else pa.array([], pa.bool_())
    return arr


@per_table(
    "CHR409",
    WARNING,
    "planned event long past, still only announced",
    table="claims",
    keeps={"events": ("id", "status", "latest"), "sources": ("published_earliest",)},
    refs=("event_id", "source_id"),
)
class StalePlan:
    """An event with status planned whose interval ended before the newest publication date
    of any source in the dataset (the largest published_earliest: a reference fixed by the
    data, so every run gives the same result), and whose claims all have mode announced.
    The dataset holds sources from after the event, but none reports it: look for a report
    that it took place (status confirmed, claims reported) or that it was called off (status
    cancelled)."""

    def __init__(self, run: Run, spec: Table) -> None:
        self.run = run
        self.claimed: np.ndarray | None = None  # per event: some claim
        self.other: np.ndarray | None = None  # per event: some claim not announced

    def batch(self, t: Batch, out: Report) -> None:
        inputs = _inputs(t)
        if inputs is None:
            return
        events, sources, ev_idx, _ = inputs
        if not events.has("id", "status", "latest") or not t.has("mode"):
            return
        if not sources.has("published_earliest"):
            return
        if self.claimed is None or self.other is None:
            self.claimed = np.zeros(events.rows, dtype=bool)
            self.other = np.zeros(events.rows, dtype=bool)
        announced_rows = _mode(t, "announced")
        if ev_idx.null_count:
            has_event = pc.is_valid(ev_idx)
            ev_idx = pc.filter(ev_idx, has_event)
            announced_rows = pc.filter(announced_rows, has_event)
        # int64: numpy scatters by int32 indices a third slower (it casts them as it goes)
        idx = np.asarray(ev_idx.to_numpy(zero_copy_only=False), np.int64)
        announced = to_bools(announced_rows)
        self.claimed[idx] = True
        self.other[idx[~announced]] = True

    def finish(self, out: Report) -> None:
        events, sources = self.run.kept.get("events"), self.run.kept.get("sources")
        if self.claimed is None or self.other is None or events is None or sources is None:
            return
        newest = pc.max(sources.data["published_earliest"])
        if not newest.is_valid:
            return
        planned = pc.fill_null(events.is_term("status", "planned"), False)
        past = pc.fill_null(pc.less(events.data["latest"], newest), False)
        only_announced = self.claimed & ~self.other
        mask = pc.and_(pc.and_(planned, past), from_bools(only_announced))
        day = format_day(newest.cast(pa.int32()).as_py())
        emit(
            out,
            "CHR409",
            events,
            mask,
            "status",
            lambda r: (
                f"event {r['id']!r} is planned and ended by {r['latest']}, before the newest "
                f"source of the dataset ({day}), yet every claim only announces it: find a "
                "report that it took place (status confirmed, claims reported) or that it "
                "was cancelled"
            ),
        )
