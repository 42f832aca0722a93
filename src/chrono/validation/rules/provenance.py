"""CHR401-404 provenance: every event is supported by claims, and lies within them.

The claims are read a batch at a time; each event's state is a few bytes, kept for the
whole table: whether some claim supports its occurrence, its date, and the finest
precision of its supporting date claims. The events' bounds and status are kept from
reading the events table.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.arrays import from_bools, to_bools
from chrono.model.tables import Table
from chrono.validation.batch import RANK, Batch
from chrono.validation.findings import Extra, emit
from chrono.validation.kernels import take_rows
from chrono.validation.registry import ERROR, per_batch, per_table
from chrono.validation.report import Report
from chrono.validation.state import Run


def provenance_inputs(t: Batch) -> tuple[Batch, pa.Array] | None:
    """(the events kept, each claim's event row) when the provenance rules can run: the
    claims' event_id resolves in the events' ids, and they have a property and a stance."""
    events, ev_idx = t.parent("events"), t.refs("event_id")
    if events is None or ev_idx is None or not t.has("property", "stance"):
        return None
    return events, ev_idx


def supporting(t: Batch, prop: str) -> pa.Array:
    """The claims supporting ``prop`` (occurrence or date) of their event (a null is not)."""

    def make() -> pa.Array:
        is_prop = t.is_term("property", prop)
        out = pc.fill_null(pc.and_(is_prop, t.is_term("stance", "supports")), False)
        if isinstance(out, pa.ChunkedArray):
            out = out.combine_chunks() if out.num_chunks else pa.array([], pa.bool_())
        return out

    out: pa.Array = t.cached(f"supporting:{prop}", make)
    return out


class _Support:
    """Events with no supporting claim of one property (CHR401, CHR402)."""

    code = ""
    prop = ""

    def __init__(self, run: Run, spec: Table) -> None:
        self.run = run
        self.has: np.ndarray | None = None

    def batch(self, t: Batch, out: Report) -> None:
        inputs = provenance_inputs(t)
        if inputs is None or not inputs[0].has("id"):
            return
        events, ev_idx = inputs
        if self.has is None:
            self.has = np.zeros(events.rows, dtype=bool)
        idx = pc.drop_null(pc.filter(ev_idx, supporting(t, self.prop)))
        self.has[np.asarray(idx.to_numpy(zero_copy_only=False), dtype=np.int64)] = True

    def finish(self, out: Report) -> None:
        events = self.run.kept.get("events")
        if self.has is None or events is None:
            return
        emit(
            out,
            self.code,
            events,
            from_bools(~self.has),
            None,
            lambda r: f"event {r['id']!r} has no supporting {self.prop} claim",
        )


@per_table(
    "CHR401",
    ERROR,
    "no supporting occurrence claim",
    table="claims",
    keeps={"events": ("id",)},
    refs=("event_id",),
)
class NoOccurrenceClaim(_Support):
    """Every event needs at least one claim with property occurrence and stance supports."""

    code, prop = "CHR401", "occurrence"


@per_table(
    "CHR402",
    ERROR,
    "no supporting date claim",
    table="claims",
    keeps={"events": ("id",)},
    refs=("event_id",),
)
class NoDateClaim(_Support):
    """Every event needs at least one claim with property date and stance supports."""

    code, prop = "CHR402", "date"


def compared_date_claims(t: Batch) -> tuple[pa.Array, pa.Array] | None:
    """(rows, their events' rows) of the supporting date claims whose event is known, when
    events and claims both have their bounds."""
    inputs = provenance_inputs(t)
    if inputs is None:
        return None
    events, ev_idx = inputs
    if not events.has("id", "earliest", "latest") or not t.has("id", "earliest", "latest"):
        return None

    def make() -> tuple[pa.Array, pa.Array]:
        sel = pc.and_(supporting(t, "date"), pc.is_valid(ev_idx))
        rows = pc.indices_nonzero(sel)
        return rows, pc.take(ev_idx, rows)

    out: tuple[pa.Array, pa.Array] = t.cached("compared-date-claims", make)
    return out


@per_batch(
    "CHR403",
    ERROR,
    "event interval outside a supporting date claim",
    table="claims",
    keeps={"events": ("id", "earliest", "latest", "status")},
    refs=("event_id",),
)
def event_outside_date_claim(t: Batch, out: Report) -> None:
    """The event's interval must lie inside the interval of every supporting date claim
    ('June 5-7 2019' inside '2019'). If the sources disagree, mark the event disputed."""
    compared = compared_date_claims(t)
    events = t.parent("events")
    if compared is None or events is None:
        return
    rows, ev_sel = compared
    outside = pc.or_(
        pc.less(pc.take(events.data["earliest"], ev_sel), pc.take(t.data["earliest"], rows)),
        pc.greater(pc.take(events.data["latest"], ev_sel), pc.take(t.data["latest"], rows)),
    )
    if events.has("status"):
        disputed = pc.take(events.is_term("status", "disputed"), ev_sel)
        outside = pc.and_(outside, pc.invert(pc.fill_null(disputed, False)))
    bad = np.zeros(t.rows, dtype=bool)
    bad[rows.to_numpy()[to_bools(outside)]] = True
    ev_idx = t.refs("event_id")

    def extra() -> Extra:
        return {
            "_elo": pc.take(events.data["earliest"], ev_idx),
            "_ehi": pc.take(events.data["latest"], ev_idx),
            "event_id": take_rows(events.data["id"], ev_idx),
        }

    emit(
        out,
        "CHR403",
        t,
        from_bools(bad),
        "date",
        lambda r: (
            f"event interval {r['_elo']}..{r['_ehi']} is not inside supporting date "
            f"claim {r['id']!r} ({r['earliest']}..{r['latest']}): narrow the date, or mark the "
            "event disputed"
        ),
        extra=extra,
        key_cols=["event_id", "id"],
        table="events",
    )


@per_table(
    "CHR404",
    ERROR,
    "event more precise than its sources",
    table="claims",
    keeps={"events": ("id", "earliest", "latest", "precision")},
    refs=("event_id",),
)
class MorePreciseThanSources:
    """An event's date is no more precise than its most precise supporting date claim."""

    def __init__(self, run: Run, spec: Table) -> None:
        self.run = run
        self.finest: np.ndarray | None = None  # per event: the finest rank of its claims

    def batch(self, t: Batch, out: Report) -> None:
        compared = compared_date_claims(t)
        events = t.parent("events")
        if compared is None or events is None:
            return
        if not events.has("precision") or not t.has("precision"):
            return
        if self.finest is None:
            self.finest = np.full(events.rows, len(RANK), dtype=np.int8)
        rows, ev_sel = compared
        c_rank = pc.take(t.codes("precision", RANK), rows)
        if c_rank.null_count:
            has_rank = pc.is_valid(c_rank)
            ev_sel, c_rank = pc.filter(ev_sel, has_rank), pc.filter(c_rank, has_rank)
        np.minimum.at(
            self.finest,
            np.asarray(ev_sel.to_numpy(zero_copy_only=False), dtype=np.int64),
            np.asarray(c_rank.to_numpy(zero_copy_only=False), dtype=np.int8),
        )

    def finish(self, out: Report) -> None:
        events = self.run.kept.get("events")
        if self.finest is None or events is None:
            return
        finest = self.finest
        e_rank = events.codes("precision", RANK)
        # an event with no supporting date claim is CHR402's, not compared here
        mask = pc.and_(pc.less(e_rank, pa.array(finest)), from_bools(finest < len(RANK)))
        emit(
            out,
            "CHR404",
            events,
            mask,
            "precision",
            lambda r: (
                f"precision {r['precision']} is finer than its most precise supporting "
                f"date claim ({r['_finest']})"
            ),
            extra_at=lambda rows: {
                "_finest": pc.take(
                    RANK, pa.array(np.minimum(finest[rows.to_numpy()], len(RANK) - 1))
                )
            },
        )
