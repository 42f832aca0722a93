"""CHR701: likely duplicate events (same type, same participants, overlapping dates).

Each event's set of actors is hashed as its participants are read (a hash per actor,
summed per event: 8 bytes an event); events are then keyed by (type, actor-set hash) and
only the events whose key may repeat (:func:`~chrono.validation.repeats.maybe_shared`) are
sorted by key and start and tested for overlapping intervals.

A participant row counts once per (event, actor). Participants sorted by (event, actor),
as the build writes them, are distinct pairs by their order; otherwise every pair is kept
(8 bytes a row; the rows read before it was found out of order are read again) and made
distinct at the end.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.arrays import to_bools
from chrono.model.tables import Table
from chrono.validation.batch import EVENT_TYPES, Batch
from chrono.validation.findings import emit
from chrono.validation.kernels import mix64, strings, take_rows
from chrono.validation.registry import WARNING, per_table
from chrono.validation.repeats import maybe_shared
from chrono.validation.report import Report
from chrono.validation.state import Run

#: Participant pairs added to the events' signatures at a time
PAIRS_BLOCK = 1 << 16


def _pairs(t: Batch) -> tuple[np.ndarray, np.ndarray] | None:
    """(event row, actor row) of each participant whose both references resolve."""
    p_ev, p_act = t.refs("event_id"), t.refs("actor_id")
    if p_ev is None or p_act is None:
        return None
    if p_ev.null_count or p_act.null_count:
        ok = pc.and_(pc.is_valid(p_ev), pc.is_valid(p_act))
        p_ev, p_act = pc.filter(p_ev, ok), pc.filter(p_act, ok)
    e = np.asarray(p_ev.to_numpy(zero_copy_only=False))
    a = np.asarray(p_act.to_numpy(zero_copy_only=False))
    return e, a  # int32 (int64 for tables of 2^31 rows or more)


def add_pairs(
    sig: np.ndarray, has: np.ndarray, actor_hashes: np.ndarray, e: np.ndarray, a: np.ndarray
) -> None:
    """Add distinct (event, actor) pairs sorted by event to the events' signatures (the sum
    of their actors' hashes) and mark the events as having some actor: a block of
    :data:`PAIRS_BLOCK` pairs at a time, whose temporaries stay in the cache (14 to 10 ms
    a batch of 1M pairs). An event whose pairs straddle two blocks gets its sum in two
    parts. A block whose events are consecutive rows (every event has participants, as
    usual) adds to a slice of the signatures: 20 times cheaper than a scatter by rows."""
    for at in range(0, len(e), PAIRS_BLOCK):
        ev, act = e[at : at + PAIRS_BLOCK], a[at : at + PAIRS_BLOCK]
        starts = np.flatnonzero(np.concatenate(([True], ev[1:] != ev[:-1])))
        events = ev[starts]  # distinct within the block: its pairs are sorted by event
        first, last = int(events[0]), int(events[-1])
        where: slice | np.ndarray = events
        if last - first + 1 == len(events):  # increasing and distinct: no row skipped
            where = slice(first, last + 1)
        with np.errstate(over="ignore"):
            sig[where] += np.add.reduceat(actor_hashes[act], starts)
        has[where] = True


def _increasing(e: np.ndarray, a: np.ndarray) -> bool:
    same = e[1:] == e[:-1]
    return bool(((e[1:] > e[:-1]) | (same & (a[1:] > a[:-1]))).all())


@per_table(
    "CHR701",
    WARNING,
    "likely duplicate events",
    table="participants",
    keeps={"events": ("id", "type", "earliest", "latest")},
    refs=("event_id", "actor_id"),
)
class LikelyDuplicates:
    """Two events of the same type with overlapping intervals and the same participants are
    probably one event recorded twice. Merge them, or tell them apart."""

    def __init__(self, run: Run, spec: Table) -> None:
        self.run = run
        self.sig: np.ndarray | None = None  # per event: the sum of its actors' hashes
        self.has: np.ndarray | None = None  # per event: some actor
        self.sorted = True
        self.last: tuple[int, int] | None = None
        self.pairs: list[np.ndarray] = []  # once out of order: event << 32 | actor
        self.actor_hashes: np.ndarray | None = None

    def batch(self, t: Batch, out: Report) -> None:
        events = t.parent("events")
        if events is None or not events.has("id", "type", "earliest", "latest"):
            return
        pairs = _pairs(t)
        if pairs is None:
            return
        if self.sig is None or self.has is None:
            self.sig = np.zeros(events.rows, dtype=np.uint64)
            self.has = np.zeros(events.rows, dtype=bool)
        e, a = pairs
        if not len(e):
            return
        if self.sorted:
            if _increasing(e, a) and (self.last is None or (int(e[0]), int(a[0])) > self.last):
                self._add(e, a)
                self.last = (int(e[-1]), int(a[-1]))
                return
            self.sorted = False
            self.sig[:] = 0
            self.has[:] = False
            if t.offset:  # the pairs before, read again
                for before in self.run.reread(t.name, ["event_id", "actor_id"], 0, t.offset):
                    if (prior := _pairs(before)) is not None:
                        self.pairs.append(self._packed(*prior))
        self.pairs.append(self._packed(e, a))

    @staticmethod
    def _packed(e: np.ndarray, a: np.ndarray) -> np.ndarray:
        return (e.astype(np.uint64) << np.uint64(32)) | a.astype(np.uint64)

    def _add(self, e: np.ndarray, a: np.ndarray) -> None:
        assert self.sig is not None and self.has is not None
        if self.actor_hashes is None:  # each actor's hash, once: a batch gathers them
            self.actor_hashes = mix64(np.arange(self.run.keys["actors"].n, dtype=np.uint64))
        add_pairs(self.sig, self.has, self.actor_hashes, e, a)

    def finish(self, out: Report) -> None:
        events = self.run.kept.get("events")
        if self.sig is None or self.has is None or events is None:
            return
        if not self.sorted:
            pairs = np.unique(np.concatenate(self.pairs)) if self.pairs else np.zeros(0, np.uint64)
            self.pairs = []
            if len(pairs):
                self._add(
                    (pairs >> np.uint64(32)).astype(np.int64),
                    (pairs & np.uint64(0xFFFFFFFF)).astype(np.int64),
                )
        if events.rows < 2 or not self.has.any():
            return
        # per event arrays are the state that grows with the events (8 bytes each for the
        # key, made in place of the signatures): the rest is taken for the candidates only
        key, has = self.sig, self.has
        self.sig = self.has = None
        t_idx = events.codes("type", EVENT_TYPES)
        lo_a, hi_a = events.data["earliest"], events.data["latest"]
        usable = pc.and_(pc.and_(pc.is_valid(t_idx), pc.is_valid(lo_a)), pc.is_valid(hi_a))
        has &= to_bools(usable)
        with np.errstate(over="ignore"):
            key *= np.uint64(31)
            typ = np.asarray(pc.fill_null(t_idx, 0).to_numpy())  # a small integer type
            # the uint64 loop (uint64 + int8 would be computed in float64)
            np.add(key, typ, out=key, dtype=np.uint64, casting="unsafe")
        rows = maybe_shared(key, np.flatnonzero(has))
        del has
        if len(rows) < 2:
            return
        at = pa.array(rows)
        lo = np.asarray(pc.fill_null(pc.take(lo_a, at).cast(pa.int32()), 0).to_numpy(), np.int64)
        hi = np.asarray(pc.fill_null(pc.take(hi_a, at).cast(pa.int32()), 0).to_numpy(), np.int64)
        k = key[rows]
        del key
        order = np.lexsort((rows, lo, k))
        rows, lo, hi, k = rows[order], lo[order], hi[order], k[order]
        m = len(rows)
        same = np.zeros(m, dtype=bool)
        same[1:] = k[1:] == k[:-1]
        group = np.cumsum(~same).astype(np.int64)
        shift = np.int64(1 << 33)
        gkey = group * shift + hi + (1 << 31)
        runmax = np.maximum.accumulate(gkey)
        holder = np.maximum.accumulate(np.where(gkey == runmax, np.arange(m), 0))
        dup = np.zeros(m, dtype=bool)
        dup[1:] = same[1:] & (group[1:] * shift + lo[1:] + (1 << 31) <= runmax[:-1])
        if not dup.any():
            return
        mask = np.zeros(events.rows, dtype=bool)
        mask[rows[dup]] = True
        prev_holder = np.zeros(m, dtype=np.int64)
        prev_holder[1:] = holder[:-1]
        # each flagged event and the event it duplicates, by the flagged event's row
        flagged = rows[dup]
        by_row = np.argsort(flagged)
        flagged, twins = flagged[by_row], rows[prev_holder[dup]][by_row]
        ids = events.data["id"]

        def other_ids(at: pa.Array) -> dict[str, pa.Array]:
            twin = twins[np.searchsorted(flagged, at.to_numpy())]
            return {"_other": strings(take_rows(ids, pa.array(twin)))}

        emit(
            out,
            "CHR701",
            events,
            pa.array(mask),
            None,
            lambda r: (
                f"likely a duplicate of {r['_other']!r}: same type ({r['type']}), same "
                "participants, overlapping dates"
            ),
            extra_at=other_ids,
        )
