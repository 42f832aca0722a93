"""Where a validation run's Arrow memory comes from.

The validator reads and drops one batch after another, asking for the same amount of
memory again and again. pyarrow's default allocator on Linux (mimalloc) gives freed pages
back to the system within milliseconds and takes fresh ones, huge pages the kernel must
zero, for the next batch: at 1M events 23% of the CPU samples of a run were the kernel
zeroing pages (``perf``: ``clear_page_erms`` under ``do_huge_pmd_anonymous_page``).
jemalloc, which pyarrow also ships on Linux and macOS, keeps freed pages for a second
(Arrow's setting) and gives them to the next batch. In 10 paired fresh runs at 1M events
that halved the kernel time (median 0.63 s to 0.32 s) and made validate 20% faster; the peak
memory at 10M events fell from 1,484 to 1,350 MiB (docs/benchmarks.md). So a run allocates
from jemalloc where pyarrow has it, unless ``ARROW_DEFAULT_MEMORY_POOL`` names the
allocator to use, and puts the default back when the last run in the process ends.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa

_lock = threading.Lock()
_runs = 0
_before: pa.MemoryPool | None = None


def batch_pool() -> pa.MemoryPool | None:
    """The allocator for a run (None: keep the default)."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return None  # the user's choice
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc (Windows)
        return None


@contextmanager
def run_memory() -> Iterator[None]:
    """Arrow allocates from :func:`batch_pool` while the block runs (runs on several
    threads at once share the switch: the last to end restores the default)."""
    global _runs, _before
    pool = batch_pool()
    if pool is None:
        yield
        return
    with _lock:
        if _runs == 0:
            _before = pa.default_memory_pool()
            pa.set_memory_pool(pool)
        _runs += 1
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if _runs == 0 and _before is not None:
                pa.set_memory_pool(_before)
                _before = None
