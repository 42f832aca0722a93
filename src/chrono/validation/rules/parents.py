"""CHR304-305: an event with a parent lies inside it, and no event is its own ancestor.

Parents are references into the events table itself, so they are judged once the table is
read: from each event's bounds kept, and the parent references (only the events that have
one) resolved in the events' ids.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from chrono.model.tables import Table
from chrono.validation.findings import emit
from chrono.validation.registry import ERROR, per_table
from chrono.validation.repeats import loop_members
from chrono.validation.report import Report
from chrono.validation.state import Run


def parent_rows(run: Run) -> np.ndarray | None:
    """Each event's parent row (-1: none, or not an event); None when no event has one."""
    refs = run.self_references("events", "parent_id")
    kept = run.kept.get("events")
    if refs is None or kept is None or not (refs.parents >= 0).any():
        return None
    parent = np.full(kept.rows, -1, dtype=np.int64)
    parent[refs.rows] = refs.parents
    return parent


@per_table(
    "CHR304",
    ERROR,
    "child event outside its parent",
    table="events",
    keeps={"events": ("id", "earliest", "latest")},
)
class ChildOutsideParent:
    """An event with a parent (a meeting held at a summit) must lie inside the parent's
    interval."""

    def __init__(self, run: Run, spec: Table) -> None:
        self.run = run

    def batch(self, t: object, out: Report) -> None:
        pass

    def finish(self, out: Report) -> None:
        events = self.run.kept.get("events")
        parent = parent_rows(self.run)
        if events is None or parent is None or not events.has("earliest", "latest"):
            return
        lo = _days(events.data["earliest"])
        hi = _days(events.data["latest"])
        child = np.flatnonzero(parent >= 0)
        up = parent[child]
        # a null bound compares as unknown: never outside
        known = ~(np.isnan(lo[child]) | np.isnan(hi[child]) | np.isnan(lo[up]) | np.isnan(hi[up]))
        outside = known & ((lo[child] < lo[up]) | (hi[child] > hi[up]))
        mask = np.zeros(events.rows, dtype=bool)
        mask[child[outside]] = True
        refs = self.run.self_references("events", "parent_id")
        assert refs is not None

        def extra_at(rows: pa.Array) -> dict[str, pa.Array]:
            at = parent[rows.to_numpy()]
            return {
                "parent_id": refs.values_at(rows),
                "_plo": events.data["earliest"].take(pa.array(at)),
                "_phi": events.data["latest"].take(pa.array(at)),
            }

        emit(
            out,
            "CHR304",
            events,
            pa.array(mask),
            "parent_id",
            lambda r: (
                f"interval {r['earliest']}..{r['latest']} lies outside its parent "
                f"{r['parent_id']!r} ({r['_plo']}..{r['_phi']})"
            ),
            extra_at=extra_at,
        )


def _days(col: pa.ChunkedArray) -> np.ndarray:
    """date32 as float64 days, a null as NaN (compared as unknown)."""
    return np.asarray(col.cast(pa.int32()).to_numpy(), dtype=np.float64)


@per_table(
    "CHR305",
    ERROR,
    "event is its own ancestor",
    table="events",
    keeps={"events": ("id",)},
)
class ParentLoop:
    """Following parent_id from an event must end at an event without a parent. An event
    that is its own parent, or a loop of parents (a is part of b, b part of a), has no
    containing event at all: fix the parent_id of one event of the loop."""

    def __init__(self, run: Run, spec: Table) -> None:
        self.run = run

    def batch(self, t: object, out: Report) -> None:
        pass

    def finish(self, out: Report) -> None:
        events = self.run.kept.get("events")
        parent = parent_rows(self.run)
        if events is None or parent is None:
            return
        on_loop = loop_members(parent)
        if not on_loop.any() or not events.has("id"):
            return
        ids = events.data["id"]
        refs = self.run.self_references("events", "parent_id")
        assert refs is not None

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
            out,
            "CHR305",
            events,
            pa.array(on_loop),
            "parent_id",
            lambda r: loop(r["_row"]),
            extra_at=lambda rows: {"_row": rows, "parent_id": refs.values_at(rows)},
        )
