"""Cross-table rules: references, parents, provenance of events, publication order, likely
duplicates. Each maps referencing rows to referenced rows once (``_ref_index``) and works
with whole columns.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model import vocab
from chrono.validation.hierarchy import parent_loops
from chrono.validation.report import Report
from chrono.validation.table import (
    _MODE_TERMS,
    _MODES,
    _RANK,
    _TERMS,
    _TYPES,
    UNBOUNDED,
    Extra,
    Loaded,
    _mask_count,
    _per_dictionary,
    _strings,
    _support_message,
    emit,
)


def _ref_index(
    report: Report,
    child: Loaded,
    col: str,
    parent: Loaded | None,
    pcol: str = "id",
) -> pa.Array | None:
    """Row index in ``parent`` of each row's reference (null when unset or unresolved)."""
    if parent is None or not child.has(col) or not parent.has(pcol):
        return None
    values = child.data.column(col)
    if values.null_count == len(values):  # nothing to look up (e.g. no event has a parent)
        return pa.nulls(len(values), pa.int32())
    idx = _lookup(values, parent.combined(pcol))
    if idx.null_count == values.null_count:
        unresolved: pa.Array | None = None  # every set reference resolves
    else:
        unresolved = pc.and_(pc.is_valid(values), pc.is_null(idx))
    if unresolved is not None:
        emit(
            report,
            "CHR202",
            child,
            unresolved,
            col,
            lambda r: f"{col} {r[col]!r} is not an id in {parent.spec.name}",
        )
    return idx


def _lookup(values: pa.ChunkedArray, keys: pa.Array) -> pa.Array:
    """Row index in ``keys`` of each value (int32; null when unset or not a key).

    Looked up once per distinct value where that is cheap to know: a dictionary column by
    its dictionary; a column whose equal values stand together (a table sorted by the
    reference, as the build writes claims and participants) by its runs, and when the runs
    are exactly ``keys`` in order, no lookup at all.
    """
    n = len(values)
    if n == 0:
        return pa.array([], pa.int32())
    if pa.types.is_dictionary(values.type):
        found = _per_dictionary(values, lambda d: pc.index_in(d, value_set=keys, skip_nulls=True))
        return pa.concat_arrays([pc.take(pos, c.indices) for pos, c in found])
    values = _strings(values)
    change = pc.not_equal(values.slice(1), values.slice(0, n - 1))
    if change.null_count:
        change = pc.fill_null(change, True)
    first = np.ones(n, dtype=bool)
    first[1:] = change.to_numpy(zero_copy_only=False) if n > 1 else first[1:]
    starts = np.flatnonzero(first)
    if len(starts) > 0.75 * n:  # no long runs: look every row up
        out = pc.index_in(values, value_set=keys, skip_nulls=True)
        return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out
    uniq = pc.filter(values, pa.array(first))  # each run's value (a filter keeps chunks)
    run_ids = np.cumsum(first, dtype=np.int32)
    run_ids -= 1
    run = pa.array(run_ids)
    if (
        len(uniq) == len(keys)
        and uniq.null_count == 0
        and bool(pc.all(pc.equal(uniq, keys)).as_py())
    ):
        return run  # the runs are the keys, in order
    out = pc.take(pc.index_in(uniq, value_set=keys, skip_nulls=True), run)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def _parents(report: Report, events: Loaded) -> None:
    parent_idx = _ref_index(report, events, "parent_id", events)
    if parent_idx is None or parent_idx.null_count == len(parent_idx):
        return  # no event has a (known) parent
    parent_loops(report, events, parent_idx)
    if not events.has("earliest", "latest"):
        return
    p_lo = pc.take(events.data["earliest"], parent_idx)
    p_hi = pc.take(events.data["latest"], parent_idx)
    mask = pc.or_(pc.less(events.data["earliest"], p_lo), pc.greater(events.data["latest"], p_hi))
    emit(
        report,
        "CHR304",
        events,
        mask,
        "parent_id",
        lambda r: (
            f"interval {r['earliest']}..{r['latest']} lies outside its parent "
            f"{r['parent_id']!r} ({r['_plo']}..{r['_phi']})"
        ),
        extra={"_plo": p_lo, "_phi": p_hi},
    )


def _claim_rules(report: Report, events: Loaded, claims: Loaded, ev_idx: pa.Array) -> None:
    """Provenance: the supporting occurrence and date claims of each event."""
    prop = claims.codes("property", _TERMS["property"])
    supports = claims.is_term("stance", "supports")
    supporting = {  # the supporting claims of one property (no null: a null is not one)
        want: pc.fill_null(
            pc.and_(pc.equal(prop, list(vocab.PROPERTY).index(want)), supports), False
        )
        for want in ("occurrence", "date")
    }
    _support(report, events, ev_idx, supporting)
    _date_claims(report, events, claims, ev_idx, supporting["date"])


def _support(
    report: Report, events: Loaded, ev_idx: pa.Array, supporting: dict[str, pa.ChunkedArray]
) -> None:
    if not events.has("id"):
        return
    for code, want in (("CHR401", "occurrence"), ("CHR402", "date")):
        idx = pc.drop_null(pc.filter(ev_idx, supporting[want])).to_numpy(zero_copy_only=False)
        has = np.zeros(events.rows, dtype=bool)
        has[idx] = True
        emit(
            report,
            code,
            events,
            pa.array(~has),
            None,
            _support_message(want),
        )


def _date_claims(
    report: Report,
    events: Loaded,
    claims: Loaded,
    ev_idx: pa.Array,
    supporting_date: pa.ChunkedArray,
) -> None:
    if not events.has("id", "earliest", "latest") or not claims.has("id", "earliest", "latest"):
        return
    sel = pc.and_(supporting_date, pc.is_valid(ev_idx))
    if isinstance(sel, pa.ChunkedArray):  # a zero-chunk array crashes pyarrow < 26.0.1
        sel = sel.combine_chunks() if sel.num_chunks else pa.array([], pa.bool_())
    # only the supporting date claims: gather their events' bounds, not every claim's
    rows = pc.indices_nonzero(sel)
    ev_sel = pc.take(ev_idx, rows)
    outside = pc.or_(
        pc.less(pc.take(events.data["earliest"], ev_sel), pc.take(claims.data["earliest"], rows)),
        pc.greater(pc.take(events.data["latest"], ev_sel), pc.take(claims.data["latest"], rows)),
    )
    if events.has("status"):
        disputed = pc.take(events.is_term("status", "disputed"), ev_sel)
        outside = pc.and_(outside, pc.invert(pc.fill_null(disputed, False)))
    bad = np.zeros(claims.rows, dtype=bool)
    bad[
        rows.to_numpy()[np.asarray(pc.fill_null(outside, False).to_numpy(zero_copy_only=False))]
    ] = True

    def extra() -> Extra:
        return {
            "_elo": pc.take(events.data["earliest"], ev_idx),
            "_ehi": pc.take(events.data["latest"], ev_idx),
            "event_id": pc.take(events.data["id"], ev_idx),
        }

    emit(
        report,
        "CHR403",
        claims,
        pa.array(bad),
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
    if not events.has("precision") or not claims.has("precision"):
        return
    c_rank = pc.take(claims.codes("precision", _RANK), rows)  # of the rows compared above
    if c_rank.null_count:
        has_rank = pc.is_valid(c_rank)
        ev_sel, c_rank = pc.filter(ev_sel, has_rank), pc.filter(c_rank, has_rank)
    finest = np.full(events.rows, len(_RANK), dtype=np.int64)
    np.minimum.at(
        finest,
        np.asarray(ev_sel.to_numpy(zero_copy_only=False), dtype=np.int64),
        np.asarray(c_rank.to_numpy(zero_copy_only=False), dtype=np.int64),
    )
    e_rank = events.codes("precision", _RANK)
    # an event with no supporting date claim is CHR402's, not compared here
    mask = pc.and_(pc.less(e_rank, pa.array(finest)), pa.array(finest < len(_RANK)))
    emit(
        report,
        "CHR404",
        events,
        mask,
        "precision",
        lambda r: (
            f"precision {r['precision']} is finer than its most precise supporting "
            f"date claim ({r['_finest']})"
        ),
        extra=lambda: {"_finest": pc.take(_RANK, pa.array(np.minimum(finest, len(_RANK) - 1)))},
    )


def _published(
    report: Report,
    events: Loaded,
    claims: Loaded,
    sources: Loaded,
    ev_idx: pa.Array,
    src_idx: pa.Array,
) -> None:
    if not (
        claims.has("id", "mode") and events.has("latest") and sources.has("id", "published_latest")
    ):
        return
    modes = claims.codes("mode", _MODES)
    reported = pc.equal(modes, _MODE_TERMS.index("reported"))
    e_hi = pc.take(events.data["latest"], ev_idx)
    s_hi = pc.take(sources.data["published_latest"], src_idx)
    # an event whose end is unknown (2019/) may have ended before the source: not judged
    start_unknown, end_unknown = _unknown_ends(events)
    mask = pc.and_(reported, pc.greater(e_hi, s_hi))
    if end_unknown is not None:
        mask = pc.and_(mask, pc.invert(pc.take(end_unknown, ev_idx)))

    def ends(r: dict[str, object]) -> str:
        return "has not ended (open interval)" if r["_ehi"] == UNBOUNDED else f"ends {r['_ehi']}"

    emit(
        report,
        "CHR405",
        claims,
        mask,
        "mode",
        lambda r: (
            f"source {r['source_id']!r} (published by {r['_shi']}) reports event "
            f"{r['event_id']!r} as past, but it {ends(r)}: use mode announced or ongoing, or "
            "fix the dates"
        ),
        extra={"_ehi": e_hi, "_shi": s_hi},
    )
    # CHR407: announced or ongoing, where the publication bounds make that impossible
    if not (events.has("earliest", "latest") and sources.has("published_earliest")):
        return
    announced = pc.equal(modes, _MODE_TERMS.index("announced"))
    ongoing = pc.equal(modes, _MODE_TERMS.index("ongoing"))
    if not (_mask_count(announced) or _mask_count(ongoing)):
        return
    e_lo = pc.take(events.data["earliest"], ev_idx)
    s_lo = pc.take(sources.data["published_earliest"], src_idx)
    after_start = pc.fill_null(pc.greater(s_lo, e_lo), False)
    if start_unknown is not None:  # when an event began is not known, nor is "after it began"
        after_start = pc.and_(after_start, pc.invert(pc.take(start_unknown, ev_idx)))
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
        report,
        "CHR407",
        claims,
        mask,
        "mode",
        lambda r: (
            f"source {r['source_id']!r} (published {r['_slo']}..{r['_shi']}) calls event "
            f"{r['event_id']!r} ({r['_elo']}..{r['_ehi']}) {r['mode']}, but was published "
            f"{r['_why']}; fix the mode or the dates"
        ),
        extra=extra,
    )


def _unknown_ends(events: Loaded) -> tuple[pa.Array | None, pa.Array | None]:
    """Per event: the start, and the end, is missing (EDTF ``/2019``, ``../2019``; ``2019/``).

    An open end (``..``) of an interval is a known fact (no end); an unknown end (blank) is
    not: a rule comparing a bound with a publication date cannot judge it. The start of
    ``../2019`` is open, and like an unknown one it gives no day the event began.
    """
    if not events.has("date"):
        return None, None

    def test(pattern: str) -> pa.Array:
        col = events.per_value("date", lambda v: pc.match_substring_regex(v, pattern))
        return pc.fill_null(col, False).combine_chunks()

    return test(r"^(\.\.)?/"), test(r"/$")


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64: a well-spread 64-bit hash of each integer."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _maybe_shared(key: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The ``rows`` whose ``key`` another of ``rows`` may have (every row that has one is
    kept, a few that do not may be), in ascending order.

    Each row's key times an odd constant (a bijection, so equal keys stay equal, that
    carries low bits into the high ones: keys that differ only in their low bits do not
    collide), its low bits replaced by the row number, is one 64-bit integer. One sort
    of those (numpy sorts 64-bit integers with SIMD: faster than counting into hash
    buckets, or an argsort) puts rows with equal high bits side by side. The caller sorts
    what is left by the whole key anyway, which settles which keys are really shared.
    """
    if len(rows) < 2:
        return rows[:0]
    low = max(int(rows.max()).bit_length(), 1)  # bits that hold a row number
    if low >= 63:
        return np.sort(rows)
    shift = np.uint64(low)
    packed = key[rows] * np.uint64(0x9E3779B97F4A7C15)
    packed = (packed >> shift) << shift | rows.astype(np.uint64)
    packed.sort()
    high = packed >> shift
    same = high[1:] == high[:-1]
    del high
    keep = np.zeros(len(packed), dtype=bool)
    keep[1:] = same
    keep[:-1] |= same
    out: np.ndarray = (packed[keep] & np.uint64((1 << low) - 1)).astype(np.int64)
    out.sort()
    return out


def _duplicates(
    report: Report, events: Loaded, parts: Loaded, p_ev: pa.Array, p_act: pa.Array
) -> None:
    """Same type, same participants, overlapping intervals.

    Each event's set of actors is hashed (sum of a 64-bit hash per distinct actor), events
    are keyed by (type, actor-set hash), and only the events whose key may repeat
    (``_maybe_shared``) are sorted by key and start date; an event overlapping the running
    maximum end of its group is flagged.
    """
    if not events.has("id", "type", "earliest", "latest"):
        return
    if p_ev.null_count or p_act.null_count:
        ok = pc.and_(pc.is_valid(p_ev), pc.is_valid(p_act))
        p_ev, p_act = pc.filter(p_ev, ok), pc.filter(p_act, ok)
    # event and actor row numbers as they are (int32, zero-copy): no 64-bit copies
    e = np.asarray(p_ev.to_numpy(zero_copy_only=False))
    a = np.asarray(p_act.to_numpy(zero_copy_only=False))
    n = events.rows
    if len(e) == 0 or n < 2:
        return
    width = int(a.max()) + 1
    new_event = e[1:] != e[:-1]
    # the build writes participants sorted by (event, actor): then each pair is distinct
    increasing = (e[1:] > e[:-1]) | (~new_event & (a[1:] > a[:-1]))
    if not bool(increasing.all()):
        pair = np.unique(e.astype(np.int64) * width + a)  # sorted, each (event, actor) once
        e, a = pair // width, pair % width
        new_event = e[1:] != e[:-1]
    del increasing
    sig = np.zeros(n, dtype=np.uint64)
    starts = np.flatnonzero(np.concatenate(([True], new_event)))
    del new_event
    # an event's signature: the sum of a hash per actor (hashed once per actor, not per row)
    with_actors = e[starts]
    sig[with_actors] = np.add.reduceat(_mix(np.arange(width))[a], starts)
    has = np.zeros(n, dtype=bool)
    has[with_actors] = True
    t_idx = events.codes("type", _TYPES)
    lo_a, hi_a = events.data["earliest"], events.data["latest"]
    usable = pc.and_(pc.and_(pc.is_valid(t_idx), pc.is_valid(lo_a)), pc.is_valid(hi_a))
    use = has & np.asarray(usable.to_numpy(zero_copy_only=False), dtype=bool)
    t = np.asarray(pc.fill_null(t_idx, 0).to_numpy(zero_copy_only=False), dtype=np.uint64)
    key = sig * np.uint64(31) + t
    rows = np.flatnonzero(use)
    rows = _maybe_shared(key, rows)
    if len(rows) < 2:
        return
    lo = np.asarray(pc.fill_null(lo_a.cast(pa.int32()), 0).to_numpy(), dtype=np.int64)[rows]
    hi = np.asarray(pc.fill_null(hi_a.cast(pa.int32()), 0).to_numpy(), dtype=np.int64)[rows]
    k = key[rows]
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
    mask = np.zeros(n, dtype=bool)
    mask[rows[dup]] = True
    other = np.zeros(n, dtype=np.int64)
    prev_holder = np.zeros(m, dtype=np.int64)
    prev_holder[1:] = holder[:-1]
    other[rows[dup]] = rows[prev_holder[dup]]
    # the other event's id on the flagged rows only (null elsewhere: nothing to copy)
    flagged = pa.array(mask)
    other_id = pc.replace_with_mask(
        pa.nulls(n, pa.string()),
        flagged,
        _strings(pc.take(events.data["id"], pa.array(other[mask]))).combine_chunks(),
    )
    emit(
        report,
        "CHR701",
        events,
        flagged,
        None,
        lambda r: (
            f"likely a duplicate of {r['_other']!r}: same type ({r['type']}), same "
            "participants, overlapping dates"
        ),
        extra={"_other": other_id},
    )
