"""CHR305: events that are their own ancestor (their own parent, or on a loop of parents),
found with whole-column numpy operations."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.validation.report import Report
from chrono.validation.table import Loaded, emit


def parent_loops(report: Report, events: Loaded, parent_idx: pa.Array) -> None:
    """CHR305: events on a loop of parents (their own parent included).

    Only the events that have a parent take part: each points at its parent's position among
    them, or at a sentinel (a parent without a parent ends the chain). Pointer doubling
    (``nxt = nxt[nxt]``, log2 of their number times) takes every chain that ends to the
    sentinel; the events still elsewhere lead into a loop, and the events they land on are
    the loops' members (on a loop, the doubled map is a rotation, so it reaches them all).
    """
    parent = np.asarray(pc.fill_null(parent_idx, -1).to_numpy(zero_copy_only=False), np.int64)
    sub = np.flatnonzero(parent >= 0)
    m = len(sub)
    pos = np.full(len(parent) + 1, m, dtype=np.int64)  # index -1 (no parent): the sentinel
    pos[sub] = np.arange(m)
    nxt = np.append(pos[parent[sub]], m)
    for _ in range(max(m, 1).bit_length() + 1):
        nxt = nxt[nxt]
        if not (nxt[:m] != m).any():
            return
    on_loop = np.zeros(len(parent), dtype=bool)
    on_loop[sub[np.unique(nxt[:m][nxt[:m] != m])]] = True
    if not events.has("id"):
        return
    ids = events.combined("id")

    def loop(row: int) -> str:  # an example's loop, as text (examples only: a few)
        path, at = [row], int(parent[row])
        while at != row and len(path) < 6:
            path.append(at)
            at = int(parent[at])
        names = [repr(ids[i].as_py()) for i in path]
        if len(path) == 1:
            return f"event {names[0]} is its own parent"
        return "parent loop: " + " → ".join([*names, names[0] if at == row else "..."])

    emit(
        report,
        "CHR305",
        events,
        pa.array(on_loop),
        "parent_id",
        lambda r: loop(r["_row"]),
        extra=lambda: {"_row": pa.array(np.arange(len(parent)))},
    )
