"""Events as plain records with their claims, sources, participants and place.

For the views that go event by event (the page, TimelineJS, JSON-LD, iCalendar,
GeoJSON). Bounds are day numbers (ints); ``start`` and ``end`` say whether each end is
``"open"``, ``"unknown"`` or known (None); ``when`` is the date as people read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from chrono.model.dates import civil_from_days, human, human_span, human_year, is_valid, parse
from chrono.views.data import end_kinds

if TYPE_CHECKING:
    import pyarrow as pa

Record = dict[str, Any]


def rows(table: pa.Table) -> list[Record]:
    """Rows as dicts; ``date32`` columns as day numbers (exact for any year)."""
    import pyarrow as pa

    cols = {}
    for i, field in enumerate(table.schema):
        col = table.column(i)
        cols[field.name] = (
            col.cast(pa.int32()).to_pylist() if pa.types.is_date32(field.type) else col.to_pylist()
        )
    names = list(cols)
    return [dict(zip(names, values, strict=True)) for values in zip(*cols.values(), strict=True)]


def by_id(table: pa.Table) -> dict[str, Record]:
    return {r["id"]: r for r in rows(table)}


def when(edtf: str) -> str:
    """The date as people read it (``from 2019 (open)``, ``15 March 44 BCE``)."""
    return human(edtf)


def claim_value(claim: Record) -> str | None:
    """A claim's value as the exports write it: as stated, and for a Julian date the
    calendar named as ``chrono show`` names it, with its Gregorian days
    (``1600-03-01 (Julian) = 11 March 1600``)."""
    value: str | None = claim["value"]
    if not value or claim.get("calendar") != "julian":
        return value
    if not is_valid(value, "julian"):
        return f"{value} (Julian)"
    return f"{value} (Julian) = {human_span(parse(value, 'julian'))}"


def event_records(tables: dict[str, pa.Table]) -> list[Record]:
    """Every event, in the table's order, with ``claims``, ``participants`` and ``place``."""
    n = tables["events"].num_rows
    return [e for batch in event_batches(tables, max(n, 1)) for e in batch]


def dated(e: Record) -> Record:
    """An event record with ``start``, ``end`` (:func:`~chrono.views.data.end_kinds`) and
    ``when`` (:func:`when`) added."""
    e["start"], e["end"] = end_kinds(e["date"], e["earliest"], e["latest"])
    e["when"] = when(e["date"])
    return e


class Grouped:
    """The rows of a table grouped by the event (or place...) each names, without a
    Python object per row: the row numbers sorted by the position of their key in
    ``ids`` (stably: each group keeps the table's order), and where each group starts.
    Rows naming no id of ``ids`` are in no group. An id listed twice (data that breaks its
    key) has the same group at each place, as a dict of the groups by id would give it."""

    def __init__(self, table: pa.Table, key: str, ids: pa.ChunkedArray | pa.Array) -> None:
        import numpy as np
        import pyarrow.compute as pc

        ids = _plain(ids)
        at = pc.index_in(_plain(table[key]), value_set=ids)
        positions = _numbers(at.fill_null(-1))
        rows_in = np.flatnonzero(positions >= 0)
        order = np.argsort(positions[rows_in], kind="stable")
        self.table = table
        self.rows = rows_in[order]
        counts = np.bincount(positions[rows_in], minlength=len(ids))
        self.starts = np.concatenate(([0], np.cumsum(counts)))
        # the group of each id: that of its first listing
        first = _numbers(pc.index_in(ids, value_set=ids).fill_null(-1)) if len(ids) else counts
        once = bool((first == np.arange(len(ids))).all())
        self.first = None if once else first
        self.ends = self.starts if once else np.concatenate(([0], np.cumsum(counts[first])))

    def __len__(self) -> int:
        """The rows in every group (a row twice if its id is listed twice)."""
        return int(self.ends[-1])

    def spans(self, size: int) -> Iterator[tuple[int, int]]:
        """Consecutive ranges of ids, ``lo`` to ``hi``, each of about ``size`` rows and at
        most ``size`` ids (and at least one id, whatever its rows)."""
        import numpy as np

        n = len(self.ends) - 1
        lo = 0
        while lo < n:
            hi = int(np.searchsorted(self.ends, self.ends[lo] + size, side="right")) - 1
            hi = min(max(hi, lo + 1), lo + size, n)
            yield lo, hi
            lo = hi

    def of(self, lo: int, hi: int) -> list[list[Record]]:
        """The groups of ids ``lo`` to ``hi`` (exclusive), each a list of records."""
        import numpy as np

        if self.first is None:
            taken = self.rows[int(self.starts[lo]) : int(self.starts[hi])]
        else:
            groups = [self.rows[self.starts[g] : self.starts[g + 1]] for g in self.first[lo:hi]]
            taken = np.concatenate([self.rows[:0], *groups])
        records = rows(self.table.take(taken)) if len(taken) else []
        first = int(self.ends[lo])
        return [
            records[int(self.ends[i]) - first : int(self.ends[i + 1]) - first]
            for i in range(lo, hi)
        ]


def event_batches(
    tables: dict[str, pa.Table],
    size: int,
    *,
    claims: bool = True,
    participants: bool = True,
) -> Iterator[list[Record]]:
    """:func:`event_records` ``size`` events at a time: only one batch's records are
    Python objects at once. ``claims=False`` or ``participants=False`` leaves those out
    (empty lists), for the exports that do not write them."""

    events, places = tables["events"], tables["places"]
    claims_of = Grouped(tables["claims"], "event_id", events["id"]) if claims else None
    parts_of = Grouped(tables["participants"], "event_id", events["id"]) if participants else None
    place_at = _last_listed(_plain(events["place_id"]), _plain(places["id"]))
    for lo in range(0, events.num_rows, size):
        batch = rows(events.slice(lo, size))
        hi = lo + len(batch)
        cited = claims_of.of(lo, hi) if claims_of else [[] for _ in batch]
        taking = parts_of.of(lo, hi) if parts_of else [[] for _ in batch]
        where = place_at.slice(lo, size)
        found = rows(places.take(where)) if places.num_rows else [None] * len(batch)
        for e, c, p, place, i in zip(batch, cited, taking, found, where.to_pylist(), strict=True):
            dated(e)
            e["claims"] = c
            e["participants"] = p
            e["place"] = place if e["place_id"] and i is not None else None
        yield batch


def _last_listed(keys: pa.ChunkedArray | pa.Array, ids: pa.ChunkedArray | pa.Array) -> Any:
    """The position in ``ids`` of each key (null where none): the last listing of an id
    listed twice, as a dict by id gives it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(ids)
    backwards = ids.take(pa.array(range(n - 1, -1, -1), pa.int64()))
    return pc.subtract(pa.scalar(n - 1, pa.int32()), pc.index_in(keys, value_set=backwards))


def _plain(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """A column as plain values (a dictionary column decoded)."""
    import pyarrow as pa

    if pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    return column


def _numbers(column: pa.ChunkedArray | pa.Array) -> Any:
    """An integer column without nulls as a numpy ``int64`` array."""
    import numpy as np
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return column.to_numpy(zero_copy_only=False).astype(np.int64)


def iso_at(days: int, precision: str) -> str:
    """ISO 8601 text of the period of ``precision`` holding day ``days``.

    ``day`` -> ``2019-06-05``; ``month`` and ``season`` -> ``2019-06``; coarser -> the year
    (``2019``, ``-0043``, ``+12345``: ISO's expanded years, astronomical numbering).
    """
    y, m, d = civil_from_days(days)
    year = f"{y:04d}" if 0 <= y <= 9999 else f"{'-' if y < 0 else '+'}{abs(y):04d}"
    if precision == "day":
        return f"{year}-{m:02d}-{d:02d}"
    if precision in ("month", "season"):
        return f"{year}-{m:02d}"
    return year


def year_of(days: int) -> str:
    """The year of a day as people read it (``44 BCE``)."""
    return human_year(civil_from_days(days)[0])
