"""Repeated keys and loops, vectorised: which rows may share a key, which keys repeat,
which events lie on a loop of parent references. Plain numpy over whole columns; tested
in tests/test_validate.py (the candidates against plain Python, duplicate keys and parent
loops through their rules, CHR201 and CHR305).
"""

from __future__ import annotations

import numpy as np

from chrono.validation.kernels import GOLDEN


def maybe_shared(key: np.ndarray, rows: np.ndarray) -> np.ndarray:
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
    # in place, a slice at a time: one array of 8 bytes a row besides the caller's (at
    # 100M events, every temporary of the whole length is another 800 MB)
    # every row (rows are distinct and ascending): a copy, not a gather
    packed = key.copy() if len(rows) == len(key) else key[rows]
    with np.errstate(over="ignore"):
        packed *= GOLDEN
    packed >>= shift
    packed <<= shift
    packed |= rows.view(np.uint64) if rows.dtype == np.int64 else rows.astype(np.uint64)
    packed.sort()
    same = np.empty(len(packed) - 1, dtype=bool)
    step = 1 << 20
    for a in range(0, len(same), step):
        b = min(a + step, len(same))
        np.equal(packed[a + 1 : b + 1] >> shift, packed[a:b] >> shift, out=same[a:b])
    keep = np.zeros(len(packed), dtype=bool)
    keep[1:] = same
    keep[:-1] |= same
    del same
    out: np.ndarray = packed[keep]
    out &= np.uint64((1 << low) - 1)
    out = out.view(np.int64)
    out.sort()
    return out


def repeated(hashes: np.ndarray) -> np.ndarray:
    """The distinct values that occur more than once in ``hashes`` (sorted)."""
    if len(hashes) < 2:
        return hashes[:0]
    s = np.sort(hashes)
    same = s[1:] == s[:-1]
    return np.unique(s[1:][same])


def loop_members(parent: np.ndarray) -> np.ndarray:
    """Whether each node lies on a loop of ``parent`` pointers (-1: no parent).

    Only the nodes that have a parent take part: each points at its parent's position among
    them, or at a sentinel (a parent without a parent ends the chain). Pointer doubling
    (``nxt = nxt[nxt]``, log2 of their number times) takes every chain that ends to the
    sentinel; the nodes still elsewhere lead into a loop, and the nodes they land on are
    the loops' members (on a loop, the doubled map is a rotation, so it reaches them all).
    """
    on_loop = np.zeros(len(parent), dtype=bool)
    sub = np.flatnonzero(parent >= 0)
    m = len(sub)
    pos = np.full(len(parent) + 1, m, dtype=np.int64)  # index -1 (no parent): the sentinel
    pos[sub] = np.arange(m)
    nxt = np.append(pos[parent[sub]], m)
    for _ in range(max(m, 1).bit_length() + 1):
        nxt = nxt[nxt]
        if not (nxt[:m] != m).any():
            return on_loop
    on_loop[sub[np.unique(nxt[:m][nxt[:m] != m])]] = True
    return on_loop
