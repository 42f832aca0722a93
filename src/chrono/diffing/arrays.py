"""Arrow and numpy helpers of the diff: conversions, common types, value codes, comparison.

Everything here is vectorised and knows nothing of the model: the tables of a diff are
compared a whole column at a time.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

Index = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


# --------------------------------------------------------------------------- numpy


_NP_INTS = {
    pa.int8(): np.int8,
    pa.int16(): np.int16,
    pa.int32(): np.int32,
    pa.int64(): np.int64,
    pa.uint8(): np.uint8,
    pa.uint16(): np.uint16,
    pa.uint32(): np.uint32,
    pa.uint64(): np.uint64,
}


def from_np(values: npt.NDArray[Any]) -> pa.Array:
    """An int64 or boolean numpy array as Arrow (``pa.array`` on numpy imports pandas)."""
    if values.dtype == np.bool_:
        return from_np(values.astype(np.int64)).cast(pa.bool_())
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def to_np(arr: pa.Array | pa.ChunkedArray, dtype: type[Any] = np.int64) -> npt.NDArray[Any]:
    """A null-free integer or boolean Arrow array as numpy, read from its buffer.

    (``Array.to_numpy`` imports pandas, which costs more than a whole small diff.)
    """
    if isinstance(arr, pa.ChunkedArray):
        if arr.num_chunks == 0:  # (combining no chunks imports pandas too)
            return np.zeros(0, np.bool_ if pa.types.is_boolean(arr.type) else dtype)
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if arr.null_count:
        arr = pc.fill_null(arr, False if pa.types.is_boolean(arr.type) else 0)
    boolean = pa.types.is_boolean(arr.type)
    if boolean:  # bit-packed: unpack to one byte per value
        arr = arr.cast(pa.uint8())
    data = np.frombuffer(arr.buffers()[1], dtype=_NP_INTS[arr.type], count=arr.offset + len(arr))
    out: npt.NDArray[Any] = data[arr.offset :].astype(np.bool_ if boolean else dtype, copy=False)
    return out


# --------------------------------------------------------------------------- types


def type_name(typ: pa.DataType) -> str:
    if pa.types.is_dictionary(typ):
        return f"dictionary<{typ.index_type}, {typ.value_type}>"
    return str(typ)


def plain_type(typ: pa.DataType) -> pa.DataType:
    return typ.value_type if pa.types.is_dictionary(typ) else typ


def common_type(a: pa.DataType, b: pa.DataType) -> pa.DataType:
    """The type both sides of a retyped column are compared in (dictionary -> values)."""
    if a.equals(b):
        return a
    a, b = plain_type(a), plain_type(b)
    if a.equals(b):
        return a
    numeric = (pa.types.is_integer, pa.types.is_floating)
    if any(f(a) for f in numeric) and any(f(b) for f in numeric):
        return pa.float64() if pa.types.is_floating(a) or pa.types.is_floating(b) else pa.int64()
    if pa.types.is_large_string(a) or pa.types.is_large_string(b):
        return pa.large_string()
    return pa.string()


def nested(typ: pa.DataType) -> bool:
    """A list, struct or map type (Arrow can neither cast it to text nor compare it)."""
    return bool(pa.types.is_nested(plain_type(typ)))


def as_text(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """Values as text: JSON for nested values; a column outside the model, so rarely many
    rows."""
    if not nested(arr.type):
        return arr.cast(pa.string())
    texts = [None if v is None else json.dumps(v, default=str) for v in arr.to_pylist()]
    return pa.chunked_array([pa.array(texts, pa.string())])


def cast_to(arr: pa.ChunkedArray, typ: pa.DataType) -> pa.ChunkedArray:
    if arr.type.equals(typ):
        return arr
    if nested(arr.type) or nested(typ):
        return as_text(arr)
    try:
        return arr.cast(typ)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return arr.cast(pa.string())


# --------------------------------------------------------------------------- codes


def value_codes(arrays: list[pa.ChunkedArray]) -> tuple[npt.NDArray[np.int64], int]:
    """Integer codes of the concatenation of ``arrays``: equal values, equal codes."""
    chunks = [c for a in arrays for c in a.chunks]
    typ = arrays[0].type
    combined = pa.concat_arrays(chunks) if chunks else pa.nulls(0, typ)
    if pa.types.is_dictionary(combined.type):
        combined = combined.cast(combined.type.value_type)
    encoded = pc.dictionary_encode(combined, null_encoding="encode")
    codes = to_np(encoded.indices)
    return codes, len(encoded.dictionary)


# --------------------------------------------------------------------------- comparison


def differs(a: pa.ChunkedArray | pa.Array, b: pa.ChunkedArray | pa.Array) -> Mask:
    """Per-row "values differ", nulls equal to nulls (and NaN to NaN)."""
    if pa.types.is_dictionary(a.type) and pa.types.is_dictionary(b.type):
        ca = a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a
        cb = b.combine_chunks() if isinstance(b, pa.ChunkedArray) else b
        if ca.dictionary.equals(cb.dictionary):
            a, b = ca.indices, cb.indices
        else:
            a, b = ca.cast(ca.type.value_type), cb.cast(cb.type.value_type)
    ne = pc.not_equal(a, b)
    null_a, null_b = pc.is_null(a), pc.is_null(b)
    result = pc.or_(pc.fill_null(ne, False), pc.xor(null_a, null_b))
    if pa.types.is_floating(a.type):
        both_nan = pc.and_(pc.fill_null(pc.is_nan(a), False), pc.fill_null(pc.is_nan(b), False))
        result = pc.and_(result, pc.invert(both_nan))
    return to_np(result, np.bool_)


def _selector(idx: Index, n: int) -> tuple[str, Any]:
    """How to gather rows ``idx`` of an ``n``-row column, cheapest first."""
    if (
        len(idx) == n
        and (n == 0 or (idx[0] == 0 and idx[-1] == n - 1))
        and (n < 2 or bool(np.all(np.diff(idx) == 1)))
    ):
        return "all", None
    if len(idx) < 2 or bool(np.all(np.diff(idx) > 0)):  # increasing: a filter, not a take
        mask = np.zeros(n, np.bool_)
        mask[idx] = True
        return "filter", from_np(mask)
    return "take", from_np(idx)


def _gather(col: pa.ChunkedArray, how: tuple[str, Any]) -> pa.ChunkedArray:
    kind, arg = how
    if kind == "all":
        return col
    return col.filter(arg) if kind == "filter" else col.take(arg)


def compare_pairs(
    old: pa.Table, new: pa.Table, old_idx: Index, new_idx: Index, columns: list[str]
) -> dict[str, Mask]:
    """Per column, whether the values of each pair (old_idx[i], new_idx[i]) differ."""
    how_old = _selector(old_idx, old.num_rows)
    how_new = _selector(new_idx, new.num_rows)
    return {
        c: differs(_gather(old.column(c), how_old), _gather(new.column(c), how_new))
        for c in columns
    }
