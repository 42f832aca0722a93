"""Curation warnings that compare claims and events with their sources' publication dates:
a date claim that merely repeats its source's publication date (CHR408), and a planned
event left behind by the dataset's own newer sources (CHR409).

Both work on whole columns (Arrow compute, numpy counts): no loop over rows.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chrono.model import vocab
from chrono.model.dates import format_day
from chrono.validation.report import Report
from chrono.validation.table import _MODE_TERMS, _MODES, _TERMS, Extra, Loaded, _strings, emit


def _missing_notes(claims: Loaded, rows: pa.Array) -> pa.Array | None:
    """Whether each of ``rows`` (claim row numbers) has no note; None when unknowable.

    The validator reads ``note`` only from its statistics (free text is the bulk of the
    bytes), so the column is read here, and only when some claim needs it.
    """
    if claims.has("note"):
        notes = claims.data["note"]
    else:
        try:
            table = pq.read_table(claims.path, columns=["note"])
        except (pa.ArrowException, OSError, ValueError, KeyError):
            return None
        if table.num_columns != 1 or table.num_rows != claims.rows:
            return None
        notes = table.column(0)
    return pc.is_null(pc.take(notes, rows)).combine_chunks()


def echoed_publication_dates(
    report: Report, claims: Loaded, sources: Loaded, src_idx: pa.Array
) -> None:
    """CHR408: a date claim denoting exactly its source's publication date, with no note."""
    if not claims.has("id", "property", "earliest", "latest", "source_id"):
        return
    if not sources.has("published", "published_earliest", "published_latest"):
        return
    prop = claims.codes("property", _TERMS["property"])
    is_date = pc.fill_null(pc.equal(prop, list(vocab.PROPERTY).index("date")), False)
    rows = pc.indices_nonzero(pc.and_(is_date, pc.is_valid(src_idx)))
    if len(rows) == 0:
        return
    src = pc.take(src_idx, rows)
    same = pc.and_(
        pc.equal(
            pc.take(claims.data["earliest"], rows), pc.take(sources.data["published_earliest"], src)
        ),
        pc.equal(
            pc.take(claims.data["latest"], rows), pc.take(sources.data["published_latest"], src)
        ),
    )
    same = pc.fill_null(same, False)
    if not pc.any(same).as_py():
        return
    rows, src = pc.filter(rows, same), pc.filter(src, same)
    no_note = _missing_notes(claims, rows)
    if no_note is None:
        return
    rows, src = pc.filter(rows, no_note), pc.filter(src, no_note)
    if len(rows) == 0:
        return
    mask = np.zeros(claims.rows, dtype=bool)
    mask[rows.to_numpy()] = True
    flagged = pa.array(mask)

    def extra() -> Extra:  # the sources' publication dates, on the flagged rows only
        published = _strings(sources.data["published"]).combine_chunks()
        per_claim = pc.take(published, src_idx)
        return {"_published": pc.if_else(flagged, per_claim, pa.scalar(None, pa.string()))}

    emit(
        report,
        "CHR408",
        claims,
        flagged,
        "value",
        lambda r: (
            f"date claim value {r.get('value')!r} equals the publication date of its source "
            f"{r['source_id']!r} ({r['_published']}) and has no note: say how the source "
            "dates the event, or fix the value"
        ),
        extra=extra,
    )


def stale_plans(
    report: Report, events: Loaded, claims: Loaded, sources: Loaded, ev_idx: pa.Array
) -> None:
    """CHR409: planned events that ended before the newest source, claims all announced."""
    if not events.has("id", "status", "latest") or not claims.has("mode"):
        return
    if not sources.has("published_earliest"):
        return
    newest = pc.max(sources.data["published_earliest"])
    if not newest.is_valid:
        return
    planned = pc.fill_null(events.is_term("status", "planned"), False)
    past = pc.fill_null(pc.less(events.data["latest"], newest), False)
    candidates = pc.and_(planned, past)
    if not pc.any(candidates).as_py():
        return
    has_event = pc.is_valid(ev_idx)
    idx = np.asarray(pc.filter(ev_idx, has_event).to_numpy(zero_copy_only=False), np.int64)
    modes = pc.filter(claims.codes("mode", _MODES), has_event)
    announced = np.asarray(
        pc.fill_null(pc.equal(modes, _MODE_TERMS.index("announced")), False).to_numpy(
            zero_copy_only=False
        ),
        dtype=bool,
    )
    n_claims = np.bincount(idx, minlength=events.rows)
    n_announced = np.bincount(idx[announced], minlength=events.rows)
    only_announced = (n_claims > 0) & (n_claims == n_announced)
    mask = pc.and_(candidates, pa.array(only_announced))
    day = format_day(newest.cast(pa.int32()).as_py())
    emit(
        report,
        "CHR409",
        events,
        mask,
        "status",
        lambda r: (
            f"event {r['id']!r} is planned and ended by {r['latest']}, before the newest "
            f"source of the dataset ({day}), yet every claim only announces it: find a "
            "report that it took place (status confirmed, claims reported) or that it was "
            "cancelled"
        ),
    )
