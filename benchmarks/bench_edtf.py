"""EDTF parsing: chrono's grammar against the edtf package, measured in one run.

    python benchmarks/bench_edtf.py [--quick]

Prints the time per parse of each and the ratio. This measurement is why chrono parses
EDTF itself at run time and keeps the edtf package as the test oracle (tests/test_dates.py).
"""

from __future__ import annotations

import argparse
import time

from chrono.model import dates

SAMPLES = [
    "2019",
    "2022-02",
    "2022-02-04",
    "2023-03-20/2023-03-22",
    "2019~",
    "2014-09?",
    "2019-06-05/2019-06-07?",
    "201X",
    "-0043-03-15",
    "1985-04-XX",
    "2019/..",
    "/1985-04",
]


def per_parse(fn: object, n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        fn(SAMPLES[i % len(SAMPLES)])  # type: ignore[operator]
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (CI smoke)")
    args = parser.parse_args()
    n = 90 if args.quick else 900
    ours = per_parse(dates.parse.__wrapped__, n * 10)  # uncached: the grammar itself
    try:
        import edtf
    except ImportError:
        print(f"chrono: {ours * 1e6:.1f} us/parse; edtf package not installed")
        return
    theirs = per_parse(edtf.parse_edtf, n)
    print(f"chrono grammar: {ours * 1e6:9.1f} us/parse")
    print(f"edtf package:   {theirs * 1e6:9.1f} us/parse")
    print(f"ratio edtf/chrono: {theirs / ours:.0f}x")


if __name__ == "__main__":
    main()
