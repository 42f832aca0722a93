"""EDTF parsing: chrono's grammar against the edtf package, paired runs in one process.

    python benchmarks/bench_edtf.py [--quick] [--pairs 5]

Both parsers are imported and run once before timing; then ``--pairs`` pairs of timed
loops over the same samples, interleaved in alternating order (benchmarks/pairing.py).
Printed: the median time per parse of each and the median of the paired ratios edtf /
chrono with their spread. This measurement is why chrono parses EDTF itself at run time
and keeps the edtf package as the test oracle (tests/test_dates.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from pairing import rounds, warmed

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


def loop(fn: Callable[[str], object], n: int) -> Callable[[], None]:
    def run() -> None:
        for i in range(n):
            fn(SAMPLES[i % len(SAMPLES)])

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (CI smoke)")
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    n = 90 if args.quick else 900
    ours = loop(dates.parse.__wrapped__, n)  # uncached: the grammar itself
    try:
        import edtf
    except ImportError:
        print("edtf package not installed: nothing to compare")
        return
    r = rounds({"chrono": warmed(ours), "edtf": warmed(loop(edtf.parse_edtf, n))}, args.pairs)
    print(f"chrono grammar: {r.side('chrono').median / n * 1e6:9.1f} us/parse")
    print(f"edtf package:   {r.side('edtf').median / n * 1e6:9.1f} us/parse")
    print(f"edtf / chrono:  {r.ratio('edtf', 'chrono')}")
    print(r.load())


if __name__ == "__main__":
    main()
