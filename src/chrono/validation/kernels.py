"""Vectorised kernels of the validator: text checks, hashing, columns, ordering (repeated
keys and loops: :mod:`chrono.validation.repeats`).

Plain numpy and Arrow compute over whole columns (or batches of them), no Python loop over
rows. Rules call them by name; tests/test_validation_kernels.py checks them against plain Python.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.arrays import string_buffers, take_indices, to_bools
from chrono.model.derive import dictionary_id, distinct_dictionaries

#: Strings longer than this are hashed one by one (hashlib): few rows in any real table, and
#: the vectorised rounds below stay few.
_LONG = 256

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
#: The golden-ratio constant of splitmix64: odd, so multiplying by it is a bijection.
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
#: The hash of a null value (a constant: nulls are equal to each other as keys).
NULL_HASH = np.uint64(0x6A09E667F3BCC909)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a well-spread 64-bit hash of each integer (uint64)."""
    with np.errstate(over="ignore"):
        z = x.astype(np.uint64) + GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
    out: np.ndarray = z ^ (z >> np.uint64(31))
    return out


def hash_strings(values: pa.Array) -> np.ndarray:
    """A 64-bit hash of each string (uint64); :data:`NULL_HASH` for a null.

    Equal strings always hash equal; different strings collide with probability about
    2^-64 per pair, so a caller that must be exact verifies equal hashes on the values.
    Each string is read as 8-byte words (its last one masked to the string's bytes), mixed
    round by round over all the strings that are that long; strings over 256 bytes are
    hashed by BLAKE2b one at a time.
    """
    if pa.types.is_dictionary(values.type):
        per_value = hash_strings(values.dictionary)
        idx = values.indices.to_numpy(zero_copy_only=False)
        valid = to_bools(pc.is_valid(values))
        out = np.full(len(values), NULL_HASH, dtype=np.uint64)
        out[valid] = per_value[np.asarray(idx[valid], dtype=np.int64)]
        return out
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    offsets, data = string_buffers(values)
    starts = offsets[:-1].astype(np.int64)
    lengths = (offsets[1:] - offsets[:-1]).astype(np.int64)
    base = int(offsets[0])
    body = np.zeros(int(offsets[-1]) - base + 8, dtype=np.uint8)  # 8 bytes of padding
    body[: len(body) - 8] = data[base : int(offsets[-1])]
    starts -= base
    # words[i]: the 8 bytes that start at byte i, as a little-endian integer (unaligned)
    words = np.ndarray(shape=(len(body) - 7,), dtype="<u8", buffer=body, strides=(1,))
    h = mix64(lengths.astype(np.uint64) ^ GOLDEN)
    short = lengths <= _LONG
    longest = int(lengths[short].max()) if short.any() else 0
    with np.errstate(over="ignore"):
        for k in range(0, longest, 8):
            rows = np.flatnonzero(short & (lengths > k)) if k else np.flatnonzero(short)
            word = words[starts[rows] + k]
            left = np.minimum(lengths[rows] - k, 8).astype(np.uint64)
            # the bytes past the string's end belong to the next string: masked off
            keep = np.where(left == 8, ~np.uint64(0), (np.uint64(1) << (left * np.uint64(8))) - 1)
            h[rows] = mix64((h[rows] * _M1) ^ (word & keep))
    for r in np.flatnonzero(~short):
        s, e = int(starts[r]), int(starts[r] + lengths[r])
        digest = hashlib.blake2b(body[s:e].tobytes(), digest_size=8).digest()
        h[r] = np.uint64(int.from_bytes(digest, "little"))
    if values.null_count:
        h[to_bools(pc.is_null(values))] = NULL_HASH
    return h


def combine_hashes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One 64-bit hash of each pair (a key of several columns: their hashes combined in
    order, so (x, y) and (y, x) differ)."""
    with np.errstate(over="ignore"):
        return mix64((a * _M1) ^ b)


# --------------------------------------------------------------------------- text


def check_chunk(chunk: pa.Array) -> None:
    """Raise unless the chunk is well formed; text must be UTF-8.

    Text that is all ASCII (every byte below 0x80, one vectorised pass) is UTF-8, and
    offsets that never decrease and stay inside the data are sound: most columns pass
    that test ~3x faster than Arrow's full validation, which judges the rest.
    """
    chunk.validate()
    if pa.types.is_string(chunk.type) and len(chunk):
        offsets, data = string_buffers(chunk)
        if (
            offsets[0] >= 0
            and offsets[-1] <= len(data)
            and bool((offsets[1:] >= offsets[:-1]).all())
        ):
            body = data[offsets[0] : offsets[-1]]
            if len(body) == 0 or int(body.max()) < 0x80:
                return
    chunk.validate(full=True)


_HYPHEN = ord("-")


#: Bytes judged at a time by :func:`slug_bytes`: its temporaries stay in the CPU's cache and
#: are reused, instead of arrays the size of the column allocated (and faulted in) for each
#: step (4x faster on 1M events' ids, alone; more beside the other rules' work).
SLUG_BLOCK = 1 << 16


def slug_bytes(body: np.ndarray) -> bool:
    """Every byte of ``body`` (uint8) is a-z, 0-9 or "-", and no two hyphens are adjacent."""
    ok = np.empty(SLUG_BLOCK, dtype=bool)
    also = np.empty(SLUG_BLOCK + 1, dtype=bool)
    shifted = np.empty(SLUG_BLOCK, dtype=np.uint8)
    hyphen = np.empty(SLUG_BLOCK + 1, dtype=bool)
    for at in range(0, len(body), SLUG_BLOCK):
        part = body[at : at + SLUG_BLOCK]
        n = len(part)
        # a-z, 0-9: uint8 arithmetic wraps the bytes below "a" (or "0") to large values
        np.less(np.subtract(part, np.uint8(ord("a")), out=shifted[:n]), 26, out=ok[:n])
        np.less(np.subtract(part, np.uint8(ord("0")), out=shifted[:n]), 10, out=also[:n])
        ok[:n] |= also[:n]
        edge = body[at : at + SLUG_BLOCK + 1]  # one byte more: a pair across two blocks
        m = len(edge)
        np.equal(edge, _HYPHEN, out=hyphen[:m])
        ok[:n] |= hyphen[:n]
        if not ok[:n].all():
            return False
        if np.logical_and(hyphen[1:m], hyphen[: m - 1], out=also[: m - 1]).any():
            return False
    return True


def all_slugs(chunk: pa.Array) -> bool:
    """Every value of a string chunk matches ``SLUG``, judged from its bytes: ids are the
    biggest pattern-checked columns, and a few passes over the bytes are ~3x faster than the
    regex.

    True only when sure: the bytes are all a-z, 0-9 or "-", no "--", no value is empty,
    starts or ends with "-". False means some value may not match (the regex decides).
    """
    if not pa.types.is_string(chunk.type) or len(chunk) == 0:
        return False
    offsets, data = string_buffers(chunk)
    if not slug_bytes(data[offsets[0] : offsets[-1]]):
        return False
    starts, ends = offsets[:-1], offsets[1:]
    if chunk.null_count:
        valid = to_bools(pc.is_valid(chunk))
        starts, ends = starts[valid], ends[valid]
    if not (ends > starts).all():  # an empty value
        return False
    return not ((data[starts] == _HYPHEN).any() or (data[ends - 1] == _HYPHEN).any())


# --------------------------------------------------------------------------- columns


def strings(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column as plain strings (dictionary and large strings cast)."""
    return arr.cast(pa.string()) if not pa.types.is_string(arr.type) else arr


def dictionaries(arr: pa.ChunkedArray) -> list[tuple[pa.Array, pa.Array]]:
    """(dictionary, chunk) per chunk, the same dictionary object for chunks that share one."""
    seen: dict[tuple[int, ...], pa.Array] = {}
    out = []
    for chunk in arr.chunks:
        key = dictionary_id(chunk.dictionary)
        if key not in seen:
            seen[key] = strings(chunk.dictionary)
        out.append((seen[key], chunk))
    return out


def per_dictionary(
    arr: pa.ChunkedArray, fn: Callable[[pa.Array], pa.Array]
) -> list[tuple[pa.Array, pa.Array]]:
    """(``fn`` of the chunk's dictionary, the chunk) per chunk of a dictionary column; ``fn``
    runs once per distinct dictionary (a Parquet row group's chunks share theirs)."""
    done: dict[int, pa.Array] = {}
    out = []
    for d, chunk in dictionaries(arr):
        if id(d) not in done:
            done[id(d)] = fn(d)
        out.append((done[id(d)], chunk))
    return out


def are_positions(values: pa.Array) -> bool:
    """``values`` are 0, 1, 2, ... (no nulls)."""
    if values.null_count:
        return False
    expected = pa.array(np.arange(len(values)), values.type)
    return bool(pc.all(pc.equal(values, expected)).as_py() is not False)


def differs(a: pa.ChunkedArray | pa.Array, b: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Elementwise 'a differs from b', nulls compared as values.

    Null where both are null (counted as no difference by ``emit``): when both columns
    are null on the same rows (the usual case) that needs no mask arithmetic per row.
    """
    ne: pa.Array = pc.not_equal(a, b)
    if a.null_count == 0 and b.null_count == 0:
        return ne
    na, nb = pc.is_null(a), pc.is_null(b)
    if a.null_count == b.null_count and bool(pc.all(pc.equal(na, nb)).as_py()):
        return ne
    out: pa.Array = pc.or_(pc.fill_null(ne, False), pc.xor(na, nb))
    return out


def take_rows(values: pa.Array | pa.ChunkedArray, rows: pa.Array) -> pa.Array | pa.ChunkedArray:
    """``pc.take(values, rows)`` (a null row gives a null), from each chunk that holds a row.

    Arrow takes from a text column of several chunks by joining the chunks first: a copy
    of the whole column (1.6 GB for the ids of 100M events) for any take, of a few example
    rows as much as of a batch's references. Other columns, and text in one chunk, are
    taken as Arrow takes them.
    """
    text = pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
    if not isinstance(values, pa.ChunkedArray) or values.num_chunks <= 1 or not text or not rows:
        return pc.take(values, rows)
    at = np.asarray(pc.fill_null(rows, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    valid = to_bools(pc.is_valid(rows))
    lengths = np.array([len(c) for c in values.chunks], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    if bool(((at < 0) | (at >= starts[-1]))[valid].any()):
        return pc.take(values, rows)  # Arrow's own message for an index out of bounds
    chunk = np.searchsorted(starts, at, side="right") - 1
    order = np.flatnonzero(valid)
    order = order[np.argsort(chunk[order], kind="stable")]
    pieces = []
    for c in np.unique(chunk[order]):
        sel = order[chunk[order] == c]
        pieces.append(pc.take(values.chunk(int(c)), pa.array(at[sel] - starts[c])))
    taken = pa.concat_arrays(pieces) if pieces else pa.array([], values.type)
    place = np.zeros(len(at), dtype=np.int64)  # where each row's value is among the taken
    place[order] = np.arange(len(order))
    return pc.take(taken, pa.array(place, mask=~valid))


def mask_count(mask: pa.Array | pa.ChunkedArray) -> int:
    """Rows a boolean mask selects (nulls do not count)."""
    if isinstance(mask, pa.ChunkedArray) and mask.num_chunks == 0:
        return 0
    return int(pc.sum(mask).as_py() or 0)


# --------------------------------------------------------------------------- order


def orderable(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """A key column in a form that compares like its strings: a dictionary column as the
    rank of each value among its distinct values, other columns as they are."""
    if not pa.types.is_dictionary(arr.type):
        return arr
    # rank among every distinct value, then per row group dictionary, then per row
    uniq, remaps = distinct_dictionaries(arr)
    dense = pc.rank(uniq, tiebreaker="dense").cast(pa.int32())
    ranks: dict[int, pa.Array] = {}  # per distinct remap (a row group's chunks share one)
    out = []
    for remap, chunk in zip(remaps, arr.chunks, strict=True):
        if remap is None:
            out.append(take_indices(dense, chunk.indices))
            continue
        if id(remap) not in ranks:
            ranks[id(remap)] = take_indices(dense, remap)
        out.append(take_indices(ranks[id(remap)], chunk.indices))
    return pa.chunked_array(out, pa.int32())


def _folded(cols: list[pa.ChunkedArray]) -> list[pa.ChunkedArray]:
    """Trailing non-negative integer key columns folded into one that orders like them
    (``a * (max(b) + 1) + b``): one comparison per row instead of one per column."""
    cols = list(cols)
    while len(cols) > 1 and all(pa.types.is_integer(c.type) for c in cols[-2:]):
        a, b = cols[-2], cols[-1]
        lo_a, hi_a = pc.min_max(a).values()
        lo_b, hi_b = pc.min_max(b).values()
        if None in (lo_a.as_py(), lo_b.as_py()) or min(lo_a.as_py(), lo_b.as_py()) < 0:
            break
        width = hi_b.as_py() + 1
        span = (hi_a.as_py() + 1) * width
        if span >= 2**62:
            break
        typ = pa.int32() if span < 2**31 else pa.int64()  # narrow: less memory to fill
        folded = pc.add(pc.multiply(a.cast(typ), pa.scalar(width, typ)), b.cast(typ))
        cols[-2:] = [folded]
    return cols


#: Rows compared at a time by :func:`increasing_integers`
ORDER_BLOCK = 1 << 16


def increasing_integers(cols: list[np.ndarray]) -> bool:
    """Rows of integer key columns sorted with no two equal, judged a block of
    :data:`ORDER_BLOCK` rows at a time (temporaries that stay in the cache: participants'
    key of event, actor and role rows, 20M rows at 10M events, in about 0.06 s of CPU
    against 0.19 s for Arrow's kernels over whole batches, the columns folded)."""
    n = len(cols[0])
    for at in range(0, n - 1, ORDER_BLOCK):
        end = min(at + ORDER_BLOCK, n - 1)
        before, after = cols[0][at:end], cols[0][at + 1 : end + 1]
        greater, equal = after > before, after == before
        for c in cols[1:]:  # a later column decides where the ones before are equal
            before, after = c[at:end], c[at + 1 : end + 1]
            greater |= equal & (after > before)
            equal &= after == before
        if not greater.all():
            return False
    return True


def strictly_increasing(cols: list[pa.ChunkedArray]) -> bool:
    """Rows sorted by the key (columns from :func:`orderable`) with no two equal (the
    build's order), and no null: uniqueness for free."""
    n = len(cols[0])
    if any(c.null_count for c in cols):
        return False
    if n < 2:
        return True
    if all(pa.types.is_integer(c.type) for c in cols):
        return increasing_integers([np.asarray(c.to_numpy()) for c in cols])
    cols = _folded(cols)
    gt: pa.Array | None = None
    eq: pa.Array | None = None
    for i, c in enumerate(cols):
        a, b = c.slice(0, n - 1), c.slice(1)
        g = pc.greater(b, a)
        gt = g if gt is None else pc.or_(gt, pc.and_(eq, g))
        if i < len(cols) - 1:  # ties only matter for the next column
            e = pc.equal(b, a)
            eq = e if eq is None else pc.and_(eq, e)
    assert gt is not None
    return bool(pc.all(gt).as_py())


def run_starts(values: pa.ChunkedArray) -> np.ndarray:
    """Whether each row starts a run of equal values (a null starts its own run)."""
    n = len(values)
    first = np.ones(n, dtype=bool)
    if n > 1:
        change = pc.not_equal(values.slice(1), values.slice(0, n - 1))
        if change.null_count:
            change = pc.fill_null(change, True)
        first[1:] = to_bools(change)
    return first
