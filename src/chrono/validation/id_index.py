"""The ids of a table, indexed for the lookups of the references into it (every batch of a
table that references it looks its values up; see :class:`KeyIndex`)."""

from __future__ import annotations

import secrets

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.arrays import (
    fixed_width_integers,
    from_bools,
    integers_of_width,
    take_indices,
)
from chrono.validation.kernels import per_dictionary, run_starts, strings, take_rows

#: Below this many keys a lookup hashes the keys afresh (``index_in``): cheaper than a
#: binary search per value.
_SMALL = 1 << 16


class KeyIndex:
    """The ``id`` values of a table, for exact lookups: each value's row (the first, if
    the id repeats), or null.

    A table sorted by id (as the build writes every table) is searched as it is: values
    that are a run of consecutive ids (a batch of claims, sorted by event) are matched by
    one comparison of the run with the ids. Other values are hashed with the ids (a table
    with not many more ids than values looked up), or searched for in the ids sorted (once:
    the ids and their row numbers, unless the table is sorted).
    """

    def __init__(self, ids: pa.ChunkedArray, sorted_unique: bool) -> None:
        self.ids = ids
        self.n = len(ids)
        self.type = pa.int32() if self.n < 2**31 else pa.int64()
        self.sorted_unique = sorted_unique
        self._whole: pa.Array | None = None
        self._sorted: pa.ChunkedArray | None = ids if sorted_unique else None
        self._order: pa.Array | None = None
        self._integers: dict[int, IntegerRows] = {}

    @property
    def whole(self) -> pa.Array:
        """The ids as one array (a hash lookup's value set), made on first use."""
        if self._whole is None:
            self._whole = strings(self.ids).combine_chunks()
        return self._whole

    def _by_value(self) -> tuple[pa.ChunkedArray, pa.Array | None]:
        """The ids sorted, and their rows (None: the ids are sorted as they are)."""
        if self._sorted is None:
            order = pc.sort_indices(self.ids, null_placement="at_end")  # stable: first first
            self._sorted = pc.take(self.ids, order)
            self._order = order.cast(self.type)
        return self._sorted, self._order

    def lookup(self, values: pa.ChunkedArray) -> pa.Array:
        """Row of each value (null for a null, or a value that is no id)."""
        n = len(values)
        if n == 0 or self.n == 0:
            return pa.nulls(n, self.type)
        if pa.types.is_dictionary(values.type):
            found = per_dictionary(values, self.find)
            return pa.concat_arrays([take_indices(pos, c.indices) for pos, c in found])
        values = strings(values)
        probe = min(n, 4096)  # a column without runs (claims' source_id) shows it early
        if probe < n and run_starts(values.slice(0, probe)).sum() > 0.75 * probe:
            return self.find(values)
        first = run_starts(values)
        starts = int(first.sum())
        if starts > 0.75 * n:  # no long runs: look every row up
            return self.find(values)
        uniq = pc.filter(values, from_bools(first))  # each run's value
        width = np.int64 if self.type == pa.int64() else np.int32
        run_ids: np.ndarray = np.cumsum(first, dtype=width)
        if self.sorted_unique and (at := self._run_start(uniq)) is not None:
            run_ids += np.asarray(at - 1, width)  # the runs' values: the ids from ``at`` on
            return pa.array(run_ids, self.type)
        run_ids -= np.asarray(1, width)
        return self._flat(pc.take(self.find(uniq), pa.array(run_ids)))

    def find(self, values: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Row of each of ``values`` (typically distinct).

        A run of consecutive ids of a sorted table is matched by one comparison; values
        few beside the ids are looked up by binary search in the sorted ids; otherwise the
        ids are hashed afresh (``index_in``: cheaper than a binary search per value).
        """
        m = len(values)
        if self.sorted_unique and (run := self._run(values)) is not None:
            return run
        if self.n <= max(_SMALL, 4 * m):
            if (rows := self.find_fixed_width(values)) is not None:
                return rows
            return self._flat(pc.index_in(values, value_set=self.whole, skip_nulls=True))
        ids, order = self._by_value()
        pos = pc.search_sorted(ids, values)
        inside = pc.less(pos, self.n)
        at = pc.if_else(inside, pos, 0).cast(self.type)
        hit = pc.and_(pc.fill_null(inside, False), pc.equal(take_rows(ids, at), values))
        rows = at if order is None else pc.take(order, at)
        out = pc.if_else(pc.fill_null(hit, False), rows, pa.nulls(m, self.type))
        return self._flat(out)

    def find_fixed_width(self, values: pa.Array | pa.ChunkedArray) -> pa.Array | None:
        """:meth:`find` of values that are all set and of one width of 8 bytes at most
        (sources' ids, at 10M events), hashed as integers; None for other values, or when
        the ids of that width make too long a run in their table (:class:`IntegerRows`)."""
        chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
        found: list[pa.Array] = []
        for chunk in chunks:
            if len(chunk) == 0:
                continue
            packed = fixed_width_integers(chunk)
            if packed is None:
                return None
            table = self._ids_as_integers(packed[0])
            if not table.usable:
                return None
            rows = table.rows(packed[1])
            found.append(pa.array(rows, self.type, mask=rows < 0))
        return (found[0] if len(found) == 1 else pa.concat_arrays(found)) if found else None

    def _ids_as_integers(self, width: int) -> IntegerRows:
        """The ids of ``width`` bytes as integers, hashed (once per width)."""
        if width not in self._integers:
            ints, rows = integers_of_width(self.whole, width)
            dtype = np.int32 if self.type == pa.int32() else np.int64
            self._integers[width] = IntegerRows(ints, rows.astype(dtype), self.n)
        return self._integers[width]

    def _run(self, values: pa.Array | pa.ChunkedArray) -> pa.Array | None:
        """Rows of values that are consecutive ids, found by one comparison; else None."""
        start = self._run_start(values)
        if start is None:
            return None
        return pa.array(np.arange(start, start + len(values)), self.type)

    def _run_start(self, values: pa.Array | pa.ChunkedArray) -> int | None:
        """The row of the first of ``values`` when they are the ids from that row on, in
        order; else None."""
        m = len(values)
        if m == 0 or values.null_count:
            return None
        start: int = pc.search_sorted(self.ids, values[0]).as_py()
        if start + m > self.n or self.ids[start].as_py() != values[0].as_py():
            return None
        window = self.ids.slice(start, m)
        if not pc.all(pc.equal(window, values), skip_nulls=False).as_py():
            return None
        return start

    @staticmethod
    def _flat(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
        if isinstance(arr, pa.ChunkedArray):
            return arr.combine_chunks()
        return arr


#: The longest run of used slots an :class:`IntegerRows` may have (at a quarter of the slots
#: used, runs of random ids stay near 20 at a million ids); ids that make a longer run are
#: looked up by Arrow (crafted ids could otherwise make every lookup walk the whole run).
LONGEST_RUN = 64


def multiplier() -> np.uint64:
    """An odd 64-bit multiplier drawn for each table: where ids land cannot be planned."""
    return np.uint64(secrets.randbits(64) | 1)


class IntegerRows:
    """The rows of ids of one width packed as integers
    (:func:`chrono.model.arrays.integers_of_width`), in a hash table with open addressing
    made once per index: a value is found by reading its slot (a row) and comparing the
    row's integer with it, mostly once (at most a quarter of the slots are used).

    Arrow's ``index_in`` hashes the ids afresh at every call, into a table of 24 bytes a
    slot: at 100,000 sources, 6 MB that the other core's reading keeps pushing out of the
    cache. These slots take 4 bytes (47 against 72 ns a lookup, the machine busy). The
    slots depend on a multiplier drawn at random; the rows found do not. ``usable`` is
    false when some run of used slots is longer than :data:`LONGEST_RUN`.
    """

    def __init__(self, integers: np.ndarray, rows: np.ndarray, n_rows: int) -> None:
        unique, first = np.unique(integers, return_index=True)  # a repeated id: its first row
        rows = rows[first]
        # each row's integer, and one more: what an empty slot's -1 reads
        self.integers = np.zeros(n_rows + 1, dtype=np.uint64)
        self.integers[rows] = unique
        bits = max(4, (4 * len(unique)).bit_length())
        self.mask = (1 << bits) - 1
        self.shift = np.uint64(64 - bits)
        self.multiplier = multiplier()
        self.slots = np.full(1 << bits, -1, dtype=rows.dtype)  # a row, or -1: empty
        slot = self.home(unique)
        for _ in range(LONGEST_RUN):  # each free slot to one of the ids there; others on
            if not len(rows):
                break
            free = np.flatnonzero(self.slots[slot] < 0)
            won = free[np.unique(slot[free], return_index=True)[1]]
            self.slots[slot[won]] = rows[won]
            left = np.ones(len(rows), dtype=bool)
            left[won] = False
            rows, slot = rows[left], (slot[left] + 1) & self.mask
        self.usable = not len(rows) and longest_run(self.slots >= 0) <= LONGEST_RUN

    def home(self, values: np.ndarray) -> np.ndarray:
        """The slot where each value's search starts (multiply-shift hashing: the high
        bits of the value times the table's odd multiplier)."""
        with np.errstate(over="ignore"):
            return ((values * self.multiplier) >> self.shift).astype(np.intp)

    def rows(self, values: np.ndarray) -> np.ndarray:
        """The row of each value (uint64, as the ids were packed); -1 for no id."""
        slot = self.home(values)
        row = self.slots[slot]
        used = row >= 0
        found = used & (self.integers[row] == values)
        out = np.where(found, row, np.asarray(-1, row.dtype))
        todo = np.flatnonzero(used & ~found)  # another id's slot: the search goes on
        while len(todo):
            at = (slot[todo] + 1) & self.mask
            slot[todo] = at
            row = self.slots[at]
            used = row >= 0
            hit = used & (self.integers[row] == values[todo])
            out[todo[hit]] = row[hit]
            todo = todo[used & ~hit]
        return out


def longest_run(used: np.ndarray) -> int:
    """The longest run of true values of a circular array (its length when all are)."""
    empty = np.flatnonzero(~used)
    if len(empty) == 0:
        return len(used)
    gaps = np.diff(empty) - 1
    around = len(used) - 1 - int(empty[-1]) + int(empty[0])  # the run across the end
    return max(int(gaps.max()) if len(gaps) else 0, around)
