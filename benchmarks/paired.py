"""Paired, interleaved timing for the view benchmarks: fair ratios on a shared machine.

Both sides run in the same process, their imports and inputs made before any timer.
Each round times A then B (or B then A: the order alternates to cancel warm-up and
drift), and the ratio A/B of that round is kept: the median of the paired ratios, their
spread (min-max) and the machine's load average (``os.getloadavg``) before and after are
printed, so a number from a busy machine can be told from one measured on a quiet one.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def paired(
    a: Callable[[], object], b: Callable[[], object], rounds: int, warmup: int = 1
) -> dict[str, object]:
    """Time ``a`` and ``b`` ``rounds`` times, interleaved; ratios a/b per round."""
    for _ in range(warmup):
        a()
        b()
    load_before = os.getloadavg()
    ta, tb, ratios = [], [], []
    for r in range(rounds):
        if r % 2 == 0:
            x, y = timed(a), timed(b)
        else:
            y, x = timed(b), timed(a)
        ta.append(x)
        tb.append(y)
        ratios.append(x / y)
    return {
        "a_median_s": statistics.median(ta),
        "b_median_s": statistics.median(tb),
        "ratio_median": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "rounds": rounds,
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


def report(label: str, result: dict[str, object], target: str) -> str:
    lb = ", ".join(f"{x:.2f}" for x in result["load_before"])  # type: ignore[attr-defined]
    la = ", ".join(f"{x:.2f}" for x in result["load_after"])  # type: ignore[attr-defined]
    return (
        f"{label}: {result['a_median_s']:.3f} s vs {result['b_median_s']:.3f} s; "
        f"ratio median {result['ratio_median']:.2f}x "
        f"(min {result['ratio_min']:.2f}, max {result['ratio_max']:.2f}, "
        f"{result['rounds']} paired rounds; target {target}); load {lb} -> {la}"
    )
