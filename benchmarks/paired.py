"""Paired, interleaved timing for the view benchmarks, in this process (see pairing.py).

Both sides run in the same process, their imports and inputs made before any timer, and
each is run ``warmup`` times untimed. Then :func:`pairing.rounds` times A and B in rounds,
the order alternating, and keeps the ratio A/B of each round: the median of the paired
ratios, their spread (min-max, interquartile range) and the machine's load average
before and after are printed, so a number from a busy machine can be told from one
measured on a quiet one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pairing import rounds as run_rounds
from pairing import warmed


def paired(
    a: Callable[[], object], b: Callable[[], object], rounds: int, warmup: int = 1
) -> dict[str, Any]:
    """Time ``a`` and ``b`` ``rounds`` times, interleaved; ratios a/b per round."""
    for _ in range(warmup - 1):
        a()
        b()
    r = run_rounds({"a": warmed(a), "b": warmed(b)}, rounds)
    ratio = r.ratio("a", "b")
    return {
        "a_median_s": r.side("a").median,
        "b_median_s": r.side("b").median,
        "ratio": ratio,
        "rounds": rounds,
        "load": r.load(),
    }


def report(label: str, result: dict[str, Any], target: str) -> str:
    return (
        f"{label}: {result['a_median_s']:.3f} s vs {result['b_median_s']:.3f} s; "
        f"ratio median {result['ratio']} (target {target}); {result['load']}"
    )
